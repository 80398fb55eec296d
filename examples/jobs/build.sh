#!/usr/bin/env bash
# Builds the example job programs for wasm32-wasip1 (release) and copies each module to
# examples/jobs/wasm/<name>.wasm, the files tests and docs use.
#
#   ./build.sh            build the .wasm modules
#   ./build.sh --native   also build native binaries (for wasm-vs-native benchmarks) and
#                         print their paths
#
# CARGO_TARGET_DIR defaults to ~/.cache/povc/examples-target, apart from the chain's.
set -euo pipefail

JOBS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROGRAMS=(primes monte-carlo-pi mandelbrot nbody)
TARGET=wasm32-wasip1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/povc/examples-target}"

native=false
for arg in "$@"; do
	case "$arg" in
		--native) native=true ;;
		-h | --help)
			sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
			exit 0
			;;
		*)
			echo "build.sh: unknown argument: $arg (try --help)" >&2
			exit 2
			;;
	esac
done

cd "$JOBS_DIR"

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$TARGET"; then
	rustup target add "$TARGET"
fi

# Reproducible output: no absolute path of this machine may end up in a module (panic
# locations embed source paths), so map the checkout, the cargo and rustup homes and
# $HOME to fixed names. CARGO_ENCODED_RUSTFLAGS (fields separated by 0x1f) copes with
# spaces in paths; it deliberately replaces any RUSTFLAGS from the environment.
remaps=(
	"$HOME=/home"
	"${RUSTUP_HOME:-$HOME/.rustup}=/rustup"
	"${CARGO_HOME:-$HOME/.cargo}=/cargo"
	"$JOBS_DIR=/povc/examples/jobs"
)
flags=()
for remap in "${remaps[@]}"; do
	flags+=("--remap-path-prefix=$remap")
done
CARGO_ENCODED_RUSTFLAGS="$(IFS=$'\x1f'; echo "${flags[*]}")"
export CARGO_ENCODED_RUSTFLAGS
unset RUSTFLAGS

cargo build --locked --release --target "$TARGET" --manifest-path "$JOBS_DIR/Cargo.toml"

mkdir -p "$JOBS_DIR/wasm"
for name in "${PROGRAMS[@]}"; do
	module="$JOBS_DIR/wasm/$name.wasm"
	cp "$CARGO_TARGET_DIR/$TARGET/release/$name.wasm" "$module"
	size=$(wc -c <"$module")
	if ((size > 200 * 1024)); then
		echo "build.sh: $name.wasm is $size bytes, above the 200 KiB budget" >&2
		exit 1
	fi
	# The program's on-chain id is blake2_256 of its bytes (= BLAKE2b with 32-byte output).
	if command -v b2sum >/dev/null; then
		hash="0x$(b2sum -l 256 "$module" | cut -d' ' -f1)"
	else
		hash="(b2sum not installed)"
	fi
	printf '%-26s %6d bytes  %s\n' "wasm/$name.wasm" "$size" "$hash"
done

if $native; then
	cargo build --locked --release --manifest-path "$JOBS_DIR/Cargo.toml"
	echo "native binaries:"
	for name in "${PROGRAMS[@]}"; do
		echo "  $CARGO_TARGET_DIR/release/$name"
	done
fi
