#!/usr/bin/env bash
# A 4-validator local testnet on loopback: Alice, Bob, Charlie, Dave.
#   scripts/local-testnet.sh start   build, then start the four nodes in the background
#   scripts/local-testnet.sh status  per node: pid, best and finalized block, peers
#   scripts/local-testnet.sh stop    stop the four nodes (by their recorded PIDs)
#   scripts/local-testnet.sh purge   stop, then delete all their data
# Node i (0..3) listens on p2p port 30333+i and RPC port 9944+i; data and logs live in
# ${POVC_TESTNET_DIR:-$HOME/.local/share/povc/local-testnet}/<name>.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

dir="${POVC_TESTNET_DIR:-$HOME/.local/share/povc/local-testnet}"
names=(alice bob charlie dave)

pid_of() { cat "$dir/$1/pid" 2>/dev/null || true; }
running() { local pid; pid="$(pid_of "$1")"; [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }

rpc() { # rpc PORT METHOD -> JSON result
	curl -s -m 3 -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":[]}" "http://127.0.0.1:$1"
}

start() {
	"$POVC_ROOT/scripts/install-prerequisites.sh" >/dev/null
	build_node
	# A validator keeps its network key on disk; Alice's gives the others a known boot node.
	for name in "${names[@]}"; do
		mkdir -p "$dir/$name"
		[[ -f $dir/$name/node-key ]] || "$POVC_NODE" key generate-node-key --file "$dir/$name/node-key" 2>/dev/null
	done
	local alice_peer_id bootnode
	alice_peer_id="$("$POVC_NODE" key inspect-node-key --file "$dir/alice/node-key")"
	bootnode="/ip4/127.0.0.1/tcp/30333/p2p/$alice_peer_id"
	for i in "${!names[@]}"; do
		local name="${names[$i]}"
		if running "$name"; then
			echo "$name already running (pid $(pid_of "$name"))"
			continue
		fi
		local extra=(--bootnodes "$bootnode")
		[[ $name == alice ]] && extra=()
		"$POVC_NODE" --chain local --"$name" --validator \
			--base-path "$dir/$name" --node-key-file "$dir/$name/node-key" \
			--rpc-port $((9944 + i)) \
			--listen-addr "/ip4/127.0.0.1/tcp/$((30333 + i))" \
			--no-mdns "${extra[@]}" >>"$dir/$name/node.log" 2>&1 &
		echo $! >"$dir/$name/pid"
		echo "$name started: pid $!, rpc ws://127.0.0.1:$((9944 + i)), log $dir/$name/node.log"
	done
	sleep 3
	local failed=0
	for name in "${names[@]}"; do
		if ! running "$name"; then
			echo "$name exited at start; last lines of $dir/$name/node.log:" >&2
			tail -5 "$dir/$name/node.log" >&2
			failed=1
		fi
	done
	return "$failed"
}

status() {
	for i in "${!names[@]}"; do
		local name="${names[$i]}" port=$((9944 + i))
		if running "$name"; then
			local best finalized peers
			best="$(rpc "$port" chain_getHeader | sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p')"
			finalized="$(rpc "$port" chain_getFinalizedHead | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p')"
			finalized="$(curl -s -m 3 -H 'Content-Type: application/json' \
				-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"chain_getHeader\",\"params\":[\"$finalized\"]}" \
				"http://127.0.0.1:$port" | sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p')"
			peers="$(rpc "$port" system_health | sed -n 's/.*"peers":\([0-9]*\).*/\1/p')"
			printf '%-8s pid %-7s best #%-6d finalized #%-6d peers %s\n' "$name" "$(pid_of "$name")" \
				"$((${best:-0}))" "$((${finalized:-0}))" "${peers:-?}"
		else
			printf '%-8s stopped\n' "$name"
		fi
	done
}

stop() {
	for name in "${names[@]}"; do
		if running "$name"; then
			local pid; pid="$(pid_of "$name")"
			kill -TERM "$pid"
			for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
			kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
			echo "$name stopped (pid $pid)"
		fi
		rm -f "$dir/$name/pid"
	done
}

case "${1:-}" in
start) start ;;
status) status ;;
stop) stop ;;
purge) stop; rm -rf "$dir"; echo "removed $dir" ;;
*) echo "usage: $0 start|status|stop|purge" >&2; exit 2 ;;
esac
