#!/usr/bin/env bash
# Install what building povc needs and the machine lacks; does nothing when all is there.
#   Debian packages: clang, libclang-dev, protobuf-compiler, make, pkg-config, libssl-dev, curl
#   Rust: targets wasm32v1-none (preferred by substrate-wasm-builder on Rust >= 1.84) and
#         wasm32-unknown-unknown, components rust-src and rustfmt; cargo-nextest (the
#         test runner of scripts/test.sh), from crates.io if missing or older than 0.9.91.
set -euo pipefail

packages=(clang libclang-dev protobuf-compiler make pkg-config libssl-dev curl)
missing=()
for package in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
	echo "install-prerequisites: installing ${missing[*]}"
	sudo_cmd=()
	[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

if ! command -v rustup >/dev/null; then
	echo "install-prerequisites: rustup not found; install Rust with rustup first" >&2
	exit 1
fi
installed_targets="$(rustup target list --installed)"
for target in wasm32v1-none wasm32-unknown-unknown; do
	grep -qx "$target" <<<"$installed_targets" || rustup target add "$target"
done
rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
# cargo-nextest runs the tests in parallel; .config/nextest.toml needs 0.9.91 or later.
nextest_version="$(cargo nextest --version 2>/dev/null | sed -nE 's/^cargo-nextest ([0-9.]+).*/\1/p')"
if [[ -z $nextest_version || "$(printf '0.9.91\n%s\n' "$nextest_version" | sort -V | head -n 1)" != 0.9.91 ]]; then
	echo "install-prerequisites: installing cargo-nextest"
	cargo install --locked cargo-nextest --version '0.9.143'
fi
# Node.js ≥ 18 runs the @polkadot/api test (tests/js) against the shipped RPC definitions.
node_major="$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')"
if [[ -z $node_major || $node_major -lt 18 ]] || ! command -v npm >/dev/null; then
	echo "install-prerequisites: installing nodejs and npm (need Node.js >= 18)"
	sudo_cmd=()
	[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq nodejs npm
fi
echo "install-prerequisites: all present"
