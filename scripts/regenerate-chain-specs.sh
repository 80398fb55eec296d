#!/usr/bin/env bash
# Regenerate chain-spec/{dev,local}{,-raw}.json from the node (after any runtime change).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
build_node
for chain in dev local; do
	"$POVC_NODE" build-spec --chain "$chain" >"$POVC_ROOT/chain-spec/$chain.json"
	"$POVC_NODE" build-spec --chain "$chain" --raw >"$POVC_ROOT/chain-spec/$chain-raw.json"
done
echo "regenerated: $(cd "$POVC_ROOT" && ls chain-spec/*.json | tr '\n' ' ')"
