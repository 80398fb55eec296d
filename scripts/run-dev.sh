#!/usr/bin/env bash
# Build povc and run a single-node development chain (Alice authors and finalizes).
# State is kept in ${POVC_DEV_DIR:-$HOME/.local/share/povc/dev}; pass --tmp for a throwaway
# chain. Extra arguments go to povc-node. RPC: ws://127.0.0.1:9944.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$POVC_ROOT/scripts/install-prerequisites.sh"
build_node

base_path=(--base-path "${POVC_DEV_DIR:-$HOME/.local/share/povc/dev}")
for arg in "$@"; do [[ $arg == --tmp ]] && base_path=(); done
exec "$POVC_NODE" --dev "${base_path[@]}" "$@"
