#!/usr/bin/env bash
# Measures the weights of povc's pallets on this machine and writes them to
# pallets/<name>/src/weights.rs.
#
#   scripts/benchmark-pallets.sh [pallet_jobs pallet_workers ...]
#
# Uses frame-omni-bencher (installed into ~/.cache/povc/tools on first use) on the runtime
# built with `runtime-benchmarks`. That runtime is built in its own target dir: it must
# never replace the Wasm that the node embeds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

OMNI_VERSION=0.28.0 # the frame-omni-bencher of polkadot-sdk stable2609
TOOLS="$HOME/.cache/povc/tools"
BENCHER="$TOOLS/bin/frame-omni-bencher"
if [[ ! -x "$BENCHER" ]] || [[ "$("$BENCHER" --version)" != *"$OMNI_VERSION"* ]]; then
	echo "installing frame-omni-bencher $OMNI_VERSION (once)"
	CARGO_TARGET_DIR="$HOME/.cache/povc/omni-target" \
		cargo install frame-omni-bencher --version "$OMNI_VERSION" --locked --root "$TOOLS"
fi

BENCH_TARGET="${POVC_BENCH_TARGET_DIR:-$HOME/.cache/povc/bench-target}"
CARGO_TARGET_DIR="$BENCH_TARGET" povc_cargo build --locked --release -p povc-runtime \
	--features runtime-benchmarks
WASM="$BENCH_TARGET/release/wbuild/povc-runtime/povc_runtime.compact.compressed.wasm"

pallets=("$@")
[[ ${#pallets[@]} -gt 0 ]] || pallets=(pallet_workers pallet_jobs pallet_povc)
for pallet in "${pallets[@]}"; do
	dir="$POVC_ROOT/pallets/${pallet#pallet_}"
	echo "benchmarking $pallet -> $dir/src/weights.rs"
	"$BENCHER" v1 benchmark pallet \
		--runtime "$WASM" \
		--pallet "$pallet" --extrinsic '*' \
		--steps "${POVC_BENCH_STEPS:-20}" --repeat "${POVC_BENCH_REPEAT:-5}" \
		--heap-pages 4096 \
		--template "$POVC_ROOT/scripts/weight-template.hbs" \
		--output "$dir/src/weights.rs"
done
