#!/usr/bin/env bash
# Proof that BABE follows the compute weights: starts the 4-validator local testnet with
# genesis compute scores 1 : 1 : 2 : 4 (1 s slots, primary slots only), runs it for SLOTS
# slots and prints, per validator, its weight share, its share of the primary-slot blocks
# and its share of all blocks. Fails unless every primary-slot share is within 8 points
# of the weight share and the heaviest validator authored at least 2.5 times the blocks
# of a lightest one.
#   scripts/povc-weighting.sh [SLOTS]   default 1000 (about 17 minutes); at least 400
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

slots="${1:-1000}"
if ! [[ $slots =~ ^[0-9]+$ ]] || ((slots < 400)); then
	echo "usage: $0 [SLOTS]   (SLOTS >= 400)" >&2
	exit 2
fi
"$POVC_ROOT/scripts/install-prerequisites.sh" >/dev/null
build_node
# The e2e test with the long run; the release profile and workspace features of the node
# build, so nothing is rebuilt.
POVC_NODE_BIN="$POVC_NODE" POVC_WEIGHTING_SLOTS="$slots" povc_cargo test --locked --release \
	--workspace --test consensus_weighting -- --nocapture
