//! Talking to a povc node over JSON-RPC, as a wallet does: sr25519 keys, signed extrinsics,
//! and chain state decoded with the runtime's own types. Shared by `povc-worker`, the
//! end-to-end tests and the `povc` CLI.

pub mod amount;
pub mod connection;
pub mod keys;
pub mod rpc;
pub mod status;
pub mod tx;

/// Any error, with a message that says what went wrong.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// Result type of the client.
pub type Result<T, E = Error> = std::result::Result<T, E>;
