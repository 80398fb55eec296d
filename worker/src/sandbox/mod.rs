//! The deterministic sandbox: a WASI preview 1 command runs with the job input on stdin,
//! its stdout (bounded) is the output and its exit code the status. Clocks are frozen,
//! randomness is seeded from the job, there are no files, environment or network, and
//! fuel is the job's fuel limit. Two runs of one program on one input give the same
//! output hash and the same fuel on every worker of one engine release, whatever its
//! architecture, CPU or build: the program is instrumented (`instrument`) so that NaN
//! bits and the stack limit do not depend on the machine code.
//!
//! An honest worker must never be slashed for what it cannot control, so nothing about
//! the host decides a result:
//! - no host call blocks: `poll_oneoff` is ours and fires every subscription at once;
//! - a wall-clock guard (epoch interruption) stops a run that takes far longer than its
//!   fuel allows, and such a run is an [`Abstention`], not a result;
//! - a failure of the host (no memory for an instance, an unknown error) is an
//!   abstention too; only what the program itself did (a trap, a limit it broke, a bad
//!   pointer it passed to WASI) is `Trapped`;
//! - the stack limit is counted by the instrumented program itself, far below the native
//!   one, so neither the machine code nor the caller's stack decides where it hits.
//!
//! By concern: `instrument` (the rewrite that makes NaNs and stack depth deterministic),
//! `limits` (what a run may use, and the wall-clock guard), `wasi` (the host
//! a program sees: frozen clocks, seeded randomness, a `poll_oneoff` that never waits),
//! `verdict` (a result or an abstention) and `runner` (the engine and one run).

pub mod instrument;
mod limits;
mod runner;
#[cfg(test)]
mod testing;
mod verdict;
mod wasi;

pub use limits::{time_limit_for, LimitExceeded, SandboxConfig, GUARD_FACTOR, MAX_WASM_STACK};
pub use runner::{Sandbox, HOST_STACK};
pub use verdict::{check_hash, Abstention, RunOutcome};
pub use wasi::{job_seed, task_seed};
