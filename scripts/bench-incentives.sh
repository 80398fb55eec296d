#!/usr/bin/env bash
# The incentive-security table: every attacker strategy at stake shares 0.1, 0.2 and 0.33
# with 3 and 5 replicas, simulated on the real runtime through 10,000 jobs per row
# (crate `incentives/`). Prints the table as Markdown; fails when a row breaks a bound.
#   scripts/bench-incentives.sh [--jobs N] [--threads T] [--strategy NAME]...
# `scripts/test.sh` runs a short version (500 jobs per row) as a test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$POVC_ROOT"

scripts/install-prerequisites.sh >/dev/null
# The whole workspace, as the node build selects it: nothing is rebuilt.
build_node
"$CARGO_TARGET_DIR/release/povc-incentives" "$@"
