# Shared settings of povc's scripts; source it, don't run it.
# One target dir for every build (scripts, tests, CI), so nothing is built twice.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/povc/target}"
POVC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export POVC_ROOT
POVC_NODE="$CARGO_TARGET_DIR/release/povc-node"
export POVC_NODE

# Build the release node (incremental: seconds when nothing changed). The whole workspace
# is selected, as `cargo test --workspace` does, so both resolve the same dependency
# features and share every compiled crate instead of rebuilding half of them.
build_node() {
	(cd "$POVC_ROOT" && cargo build --locked --release --workspace)
}
