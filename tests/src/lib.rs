//! Helpers for povc's end-to-end tests: start real `povc-node` processes on free ports
//! and temporary base paths, talk to them over JSON-RPC, and sign real extrinsics.
//!
//! Every node a test starts is stopped by its own PID when the test ends, pass or fail.

pub mod chain;
pub mod node;
pub mod tx;

/// Result type of the helpers: any error, with a message that says what went wrong.
pub type Result<T, E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;
