#!/usr/bin/env bash
# Run every test of povc: pallet and runtime unit tests, chain-spec checks and the
# end-to-end tests that start real nodes. Installs prerequisites and builds what it needs.
#   scripts/test.sh [extra cargo test args, e.g. a test name filter]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$POVC_ROOT"

scripts/install-prerequisites.sh
build_node
# Release profile, like the node: the tests share its compiled dependencies.
POVC_NODE_BIN="$POVC_NODE" povc_cargo test --locked --release --workspace "$@"
