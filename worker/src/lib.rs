//! povc-worker: runs povc jobs in a deterministic wasmtime sandbox and commits and
//! reveals their results on chain.
//!
//! - [`sandbox`]: the WASI preview 1 sandbox (limits, frozen clocks, seeded randomness).
//! - [`class`]: the determinism class (engine release and sandbox version: nothing about
//!   the machine, since programs are instrumented to give the same results everywhere).
//! - [`capacity`]: how many runs the machine takes at once (cores and memory).
//! - [`modules`]: compiled programs, cached, compiled under limits in a child process.
//! - [`store`]: durable local state (results and salts, saved before committing).
//! - [`chain`]: the node connection: assignments, jobs, signed extrinsics.
//! - [`service`]: the `run` loop, sending what `actions` says; [`exec`]: the `exec` command; [`metrics`]: Prometheus.

mod actions;
pub mod capacity;
pub mod chain;
pub mod class;
pub mod exec;
pub mod metrics;
pub mod modules;
pub mod sandbox;
pub mod service;
pub mod store;

/// Any error, with a message that says what went wrong.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// Result type of the worker.
pub type Result<T, E = Error> = std::result::Result<T, E>;
