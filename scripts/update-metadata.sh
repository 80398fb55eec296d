#!/usr/bin/env bash
# Refresh client/metadata/povc.scale, the runtime metadata povc-client's types are
# generated from, from the runtime in this checkout: builds the node, runs a throwaway
# `povc-node --dev` on a free port, and saves its metadata (V16, SCALE, "meta" prefix).
# Run it after every change of a call, event, storage item or constant; the e2e test
# `metadata::committed_metadata_is_the_runtime_s` fails until you do.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

build_node
out="$POVC_ROOT/client/metadata/povc.scale"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$POVC_NODE" --dev --tmp --rpc-port "$port" --port 0 --no-prometheus >/dev/null 2>&1 &
node_pid=$!
trap 'kill -TERM $node_pid 2>/dev/null || true; wait $node_pid 2>/dev/null || true' EXIT

rpc() {
	curl -s -m 10 -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":$2}" "http://127.0.0.1:$port"
}
for _ in $(seq 120); do
	rpc system_health '[]' >/dev/null && break
	sleep 0.5
done
# `Metadata_metadata_at_version(16)` answers SCALE `Option<OpaqueMetadata>`.
rpc state_call '["Metadata_metadata_at_version", "0x10000000"]' | python3 -c '
import json, sys
answer = bytes.fromhex(json.load(sys.stdin)["result"][2:])
assert answer[0] == 1, "the runtime has no V16 metadata"
mode, rest = answer[1] & 3, answer[1:]
length, skip = {0: (rest[0] >> 2, 1), 1: (int.from_bytes(rest[:2], "little") >> 2, 2),
                2: (int.from_bytes(rest[:4], "little") >> 2, 4)}[mode]
metadata = rest[skip:skip + length]
assert metadata[:4] == b"meta" and len(metadata) == length, "unexpected metadata encoding"
open(sys.argv[1], "wb").write(metadata)
print(f"wrote {sys.argv[1]} ({length} bytes, metadata V{metadata[4]})")
' "$out"
