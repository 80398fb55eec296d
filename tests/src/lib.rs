//! Helpers for povc's end-to-end tests: start real `povc-node` and `povc-worker`
//! processes on reserved ports and temporary directories, talk to them over JSON-RPC, and
//! sign real extrinsics. [`market::DevMarket`] is the fixture of the tests that run jobs
//! through real workers.
//!
//! Every process a test starts is stopped by its own PID when the test ends, pass or fail,
//! and when the test runner terminates a hung test (its logs are printed then).

pub mod chain;
pub mod cli;
pub mod market;
pub mod money;
pub mod node;
pub mod ports;
pub mod process;
pub mod sign;
pub mod testnet;
pub mod tx;
pub mod worker;

pub use povc_client::Result;

/// An amount in `povc_*` JSON: a decimal string, since a u128 does not fit a JavaScript
/// number.
pub fn amount(value: &serde_json::Value) -> Option<u128> {
	value.as_str()?.parse().ok()
}

/// Whether a job's state in a `povc_job` view is open (the job can still change): the
/// runtime's own [`pallet_jobs::JobState::is_open`], so new states need no test changes.
pub fn is_open(state: &serde_json::Value) -> bool {
	serde_json::from_value::<pallet_jobs::JobState>(state.clone())
		.map(|state| state.is_open())
		.unwrap_or_else(|e| panic!("not a job state: {state} ({e})"))
}

/// The number of primes below `n`: what the example job `primes` prints.
pub fn primes_below(n: usize) -> usize {
	let mut composite = vec![false; n.max(2)];
	let mut count = 0;
	for i in 2..n {
		if !composite[i] {
			count += 1;
			(i * i..n).step_by(i).for_each(|j| composite[j] = true);
		}
	}
	count
}
