#!/usr/bin/env bash
# Build povc and run a development chain with workers: one `povc-node --dev` (Alice
# authors and finalizes) and one `povc-worker` per key in $POVC_DEV_WORKERS (default
# //Bob //Charlie //Dave //Eve //Ferdie //Alice//stash: three replicas and a referee
# committee of 3 besides). Each worker registers with the minimum bond on first start; the
# draws see it from its first registry snapshot, three epochs (about 3 minutes on the dev
# chain) after it registered. Ctrl-C stops exactly the processes started here.
#   scripts/run-dev.sh [--tmp] [more povc-node arguments]
# State: ${POVC_DEV_DIR:-$HOME/.local/share/povc/dev} (chain in node/, workers in
# worker-<name>/, logs beside them); --tmp starts from scratch in a throwaway directory.
# RPC: ws://127.0.0.1:9944. Worker metrics: http://127.0.0.1:9616/metrics and up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$POVC_ROOT/scripts/install-prerequisites.sh"
build_node

dir="${POVC_DEV_DIR:-$HOME/.local/share/povc/dev}"
node_args=()
for arg in "$@"; do
	if [[ $arg == --tmp ]]; then
		dir="$(mktemp -d)"
		trap 'rm -rf "$dir"' EXIT
	else
		node_args+=("$arg")
	fi
done
mkdir -p "$dir/node"
read -r -a workers <<<"${POVC_DEV_WORKERS:-//Bob //Charlie //Dave //Eve //Ferdie //Alice//stash}"

pids=()
stop_all() {
	trap - INT TERM
	echo "stopping: ${pids[*]}"
	kill -TERM "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
}
trap 'stop_all; exit 0' INT TERM

"$POVC_NODE" --dev --base-path "$dir/node" "${node_args[@]}" 2> >(tee -a "$dir/node.log" >&2) &
pids+=($!)
echo "povc-node pid $!, log $dir/node.log"
for _ in $(seq 120); do
	curl -s -m 2 -H 'Content-Type: application/json' \
		-d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
		http://127.0.0.1:9944 >/dev/null && break
	sleep 1
done

worker_bin="$(dirname "$POVC_NODE")/povc-worker"
for i in "${!workers[@]}"; do
	key="${workers[$i]}"
	name="$(echo "${key#//}" | tr '/' '-')"
	POVC_KEY="$key" "$worker_bin" run --register \
		--data-dir "$dir/worker-$name" --prometheus-port $((9616 + i)) \
		>>"$dir/worker-$name.log" 2>&1 &
	pids+=($!)
	echo "povc-worker $key pid $!, log $dir/worker-$name.log"
done
echo "dev chain and ${#workers[@]} workers running; Ctrl-C stops them"
echo "(newly registered workers are drawn from about 3 minutes on: three one-minute epochs)"
wait -n "${pids[@]}" || true
stop_all
