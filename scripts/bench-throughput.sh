#!/usr/bin/env bash
# The job market's latency and throughput on a dev chain (2 s slots) with real workers:
# blocks from submission to a verified result on the idle chain, then verified jobs/s,
# blocks per job and block fullness for JOBS tiny 3-replica jobs submitted at once, then
# verified tasks/s for TASKS tiny tasks as batch jobs of MaxTasks tasks (0 skips them).
#   scripts/bench-throughput.sh [JOBS] [WORKERS] [TASKS]
#   default: 300 jobs, 3 workers (3-8), 300,000 tasks
# Prints figures; asserts nothing (tests/src/bin/bench-throughput.rs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$POVC_ROOT"

scripts/install-prerequisites.sh >/dev/null
build_node
POVC_NODE_BIN="$POVC_NODE" "$CARGO_TARGET_DIR/release/bench-throughput" "${1:-300}" "${2:-3}" "${3:-300000}"
