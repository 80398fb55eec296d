#!/usr/bin/env bash
# Run every test of povc: unit tests, chain-spec checks and the end-to-end tests that
# start real nodes and workers, several at once with cargo-nextest (.config/nextest.toml).
# Installs prerequisites and builds what it needs.
#   scripts/test.sh [extra cargo-nextest args, e.g. `--test dev_chain`, a name filter, or
#                    `-E 'test(=name)'`]
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
POVC_NODE_BIN="$POVC_NODE" povc_cargo nextest run --locked --release --workspace --no-fail-fast \
	"${targets[@]}" "$@" 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"
set -e
# nextest's summary: "N tests run: P passed (S slow), F failed, T timed out, K skipped".
summary="$(grep -E '^ *Summary \[' "$log" | tail -n 1)"
count() { grep -oE "[0-9]+ $1" <<<"$summary" | grep -oE '^[0-9]+' || echo 0; }
echo "povc: $(count passed) passed, $(($(count failed) + $(count 'timed out'))) failed"
exit "$status"
