//! Talking to a povc node as a wallet does: through the chain's metadata with subxt
//! (signed, mortal extrinsics; events and storage decoded with each block's own metadata),
//! and the `povc_*` JSON-RPC for the job market. It does not link the runtime, so it
//! follows runtime upgrades and builds without the Wasm toolchain. Shared by `povc-worker`, the
//! end-to-end tests and the `povc` CLI.

pub mod amount;
pub mod api;
pub mod connection;
pub mod funds;
pub mod inputs;
pub mod keys;
pub mod rpc;
pub mod status;
pub mod tx;
pub mod types;

/// Any error, with a message that says what went wrong.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// Result type of the client.
pub type Result<T, E = Error> = std::result::Result<T, E>;
