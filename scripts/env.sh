# Shared settings of povc's scripts; source it, don't run it.

# One target dir for every build (scripts, tests, CI), so nothing is built twice.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/povc/target}"
POVC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export POVC_ROOT
POVC_NODE="$CARGO_TARGET_DIR/release/povc-node"
export POVC_NODE
# Also build the runtimes the e2e test `runtime_upgrade` upgrades to (runtime/build.rs),
# in every build, so switching between scripts never rebuilds the runtime.
export POVC_REHEARSAL_RUNTIMES="${POVC_REHEARSAL_RUNTIMES:-1}"

# Reproducible runtime: cargo hashes a path dependency's absolute location into the
# symbols of the Wasm runtime, so the same sources checked out elsewhere would give a
# different genesis `:code` (and chain specs). Like srtool's fixed /build, the scripts
# always build through one fixed path, a symlink to the checkout being built.
POVC_BUILD_SRC="${POVC_BUILD_SRC:-/tmp/povc-src}"
export POVC_BUILD_SRC

# Point $POVC_BUILD_SRC at this checkout. When it pointed at another checkout before,
# mark this checkout's sources as changed: cargo's freshness check compares mtimes, and
# older files behind the same path would otherwise pass for the last build's sources.
use_build_src() {
	ln -sfn "$POVC_ROOT" "$POVC_BUILD_SRC"
	mkdir -p "$CARGO_TARGET_DIR"
	local owner="$CARGO_TARGET_DIR/.povc-build-src"
	if [[ "$(cat "$owner" 2>/dev/null)" != "$POVC_ROOT" ]]; then
		find "$POVC_ROOT" -path "$POVC_ROOT/.git" -prune -o -type f -exec touch {} +
		echo "$POVC_ROOT" >"$owner"
	fi
}

# `povc_cargo SUBCOMMAND ARGS...`: cargo on the workspace manifest at $POVC_BUILD_SRC.
# (`--manifest-path` keeps the symlinked path; a `cd` into it would resolve to the real one.)
povc_cargo() {
	use_build_src
	local subcommand="$1"
	shift
	(cd "$POVC_ROOT" && cargo "$subcommand" --manifest-path "$POVC_BUILD_SRC/Cargo.toml" "$@")
}

# Build the release node (incremental: seconds when nothing changed). The whole workspace
# is selected, as `cargo test --workspace` does, so both resolve the same dependency
# features and share every compiled crate instead of rebuilding half of them.
build_node() {
	povc_cargo build --locked --release --workspace
}
