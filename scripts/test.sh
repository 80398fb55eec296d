#!/usr/bin/env bash
# Run every test of povc: runtime unit tests, chain-spec checks and the end-to-end tests
# that start real nodes. Installs prerequisites and builds what it needs.
#   scripts/test.sh [extra cargo test args, e.g. `--test dev_chain` or a name filter]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$POVC_ROOT"

scripts/install-prerequisites.sh
# Formatting first: seconds, and a misformatted tree fails before an hour of building.
cargo fmt --all --check || { echo "povc: run \`cargo fmt --all\`" >&2; exit 1; }
build_node

# Release profile, like the node: the tests share its compiled dependencies.
# Without arguments: every test target (`--lib --bins --tests`; there are no doc tests).
targets=(--lib --bins --tests)
(($#)) && targets=()
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
POVC_NODE_BIN="$POVC_NODE" povc_cargo test --locked --release --workspace --no-fail-fast "${targets[@]}" "$@" 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"
set -e
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "povc: %d passed, %d failed\n", passed, failed }' "$log"
exit "$status"
