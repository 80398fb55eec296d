#!/usr/bin/env bash
# What the deterministic sandbox costs: an example job natively (rustc -O) and in
# povc-worker's sandbox: fuel only, fuel + the instrumentation jobs run with, and fuel
# + wasmtime's global NaN canonicalisation (for comparison).
#   scripts/bench-sandbox.sh [PROGRAM [INPUT]]   default: nbody 5000000
# Needs the wasm32-wasip1 target (installed if missing) to build the examples.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

program="${1:-nbody}"
input="${2:-5000000}"
"$POVC_ROOT/scripts/install-prerequisites.sh" >/dev/null
# The examples build in their own target dir (build.sh's default), not the node's.
native="$(CARGO_TARGET_DIR="$HOME/.cache/povc/examples-target" \
	"$POVC_ROOT/examples/jobs/build.sh" --native | awk -v p="/$program" '$1 ~ p"$" { print $1 }')"
echo "program: $program, input: $input"
# `test --release` (not `bench`) with the whole workspace selected: the release profile
# and features of the node build, so nothing is rebuilt for the benchmark.
povc_cargo test --locked --release --workspace --bench sandbox -- \
	"$POVC_ROOT/examples/jobs/wasm/$program.wasm" "$input" "$native"
