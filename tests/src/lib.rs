//! Helpers for povc's end-to-end tests: start real `povc-node` and `povc-worker`
//! processes on free ports and temporary directories, talk to them over JSON-RPC, and
//! sign real extrinsics.
//!
//! Every process a test starts is stopped by its own PID when the test ends, pass or fail.

pub mod money;
pub mod node;
pub mod process;
pub mod sign;
pub mod testnet;
pub mod worker;

pub use povc_client::{rpc as chain, tx, Result};
