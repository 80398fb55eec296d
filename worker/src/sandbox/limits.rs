//! The sandbox's limits, each the answer to one way a program could hurt a worker or let
//! replicas disagree:
//! - fuel bounds the work (an endless loop, a bulk memory operation on huge lengths): a
//!   program that runs out ends `OutOfFuel` at the same instruction on every worker;
//! - `max_memory` and `max_table_elements` bound what a program may allocate (a memory or
//!   table bomb, at instantiation or by growth): `Trapped` on every worker alike, while
//!   memory the host fails to provide within them is an abstention (see [`Limiter`]);
//! - the counted stack limit ([`STACK_LIMIT`] units, see `instrument`) bounds recursion,
//!   the same on every machine; `max_wasm_stack`, wasmtime's native limit, is set beyond
//!   what that limit lets the worst frames use, so it never decides a result;
//! - the wall-clock guard (epoch interruption) bounds the time fuel does not measure:
//!   a stalled or broken host stops the run and abstains instead of hanging or
//!   committing late. It costs no fuel, so it never changes a result.
//!
//! The job's output limit is the runner's (stdout is a bounded pipe).

use super::{
	instrument::{MAX_BYTES_PER_UNIT, STACK_LIMIT},
	verdict::{describe, is_program_error},
};
use pallet_jobs::program::ProgramLimits;
use povc_primitives::{MAX_MEMORY_BYTES, WORST_CASE_FUEL_PER_SECOND};
use std::{fmt, time::Duration};
use wasmtime::{Engine, ResourceLimiter};

/// How many times the worst-case time a run gets before the guard stops it: room for a
/// machine stalled by swapping, a noisy neighbour or a burst of other jobs. The worst
/// case, [`WORST_CASE_FUEL_PER_SECOND`] (the chain's, which sizes `MaxFuelLimit`), is
/// already five times below the slowest rate measured, so only a host that is broken or
/// stalled, not merely slow or busy, trips the guard.
pub const GUARD_FACTOR: u64 = 4;

/// How often the guard's epoch advances; the guard stops a run within about this much
/// of its time limit.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The native stack wasm may use: what [`STACK_LIMIT`] units take at
/// [`MAX_BYTES_PER_UNIT`], and 1 MiB more for the trampolines and host frames between
/// where wasmtime measures from and the first wasm frame.
pub const MAX_WASM_STACK: usize = STACK_LIMIT as usize * MAX_BYTES_PER_UNIT + (1 << 20);

/// [`SandboxConfig::pooled_runs`] of a sandbox that is not told how many runs it makes at
/// once.
pub const DEFAULT_POOLED_RUNS: u32 = 16;

/// Limits and profile of the sandbox. Jobs always run with the default; the switches
/// exist to measure what each part costs (`benches/sandbox.rs`).
#[derive(Clone, Debug)]
pub struct SandboxConfig {
	/// Meter fuel. Always on for jobs.
	pub metering: bool,
	/// Instrument programs (NaN canonicalisation at observation points, counted stack
	/// depth). Always on for jobs: without it results depend on the machine.
	pub instrumentation: bool,
	/// wasmtime's own NaN canonicalisation after every float operation. Never on for
	/// jobs (the instrumentation does the same where it matters, much more cheaply);
	/// only for comparison.
	pub wasmtime_nan_canonicalization: bool,
	/// Largest linear memory, in bytes.
	pub max_memory: usize,
	/// Largest table, in elements.
	pub max_table_elements: usize,
	/// Largest wasm stack, in bytes.
	pub max_wasm_stack: usize,
	/// Runs that may be live at once with their instance from a pool, whose memories are
	/// reset in place instead of mapped anew: a tiny task's run costs about a quarter as
	/// much (`benches/batch_tasks.rs`). A run beyond them finds no slot and abstains.
	/// Each slot reserves 4 GiB of address space, none of it resident until used; 0
	/// maps every run's memory anew (the compiler process, which runs nothing and lives
	/// under an address-space limit).
	pub pooled_runs: u32,
}

impl Default for SandboxConfig {
	fn default() -> Self {
		Self {
			metering: true,
			instrumentation: true,
			wasmtime_nan_canonicalization: false,
			max_memory: MAX_MEMORY_BYTES as usize,
			// The chain's limit on a program's tables: a program it accepts is not
			// refused here for the size of its table alone.
			max_table_elements: ProgramLimits::DEFAULT.max_table_elements as usize,
			max_wasm_stack: MAX_WASM_STACK,
			pooled_runs: DEFAULT_POOLED_RUNS,
		}
	}
}

/// Growth the program asked for beyond the sandbox's limits or its own declared maximum:
/// deterministic, so the run is `Trapped`.
#[derive(Debug)]
pub struct LimitExceeded(String);

impl fmt::Display for LimitExceeded {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "limit exceeded: {}", self.0)
	}
}

impl std::error::Error for LimitExceeded {}

/// Memory and table limits. Growth beyond a limit is the program's doing (`Trapped`);
/// growth within limits that the host could not provide is the host's (an abstention),
/// and is recorded here so that no error wrapping can turn it into a result.
pub(super) struct Limiter {
	pub(super) max_memory: usize,
	pub(super) max_table_elements: usize,
	pub(super) host_failure: Option<String>,
}

impl Limiter {
	fn grow_failed(&mut self, what: &str, error: wasmtime::Error) -> wasmtime::Result<()> {
		if is_program_error(&error) {
			return Err(LimitExceeded(format!("{what}: {}", error.root_cause())).into());
		}
		self.host_failure = Some(format!("growing a {what} failed: {}", describe(&error)));
		Err(error)
	}
}

impl ResourceLimiter for Limiter {
	fn memory_growing(
		&mut self,
		current: usize,
		desired: usize,
		maximum: Option<usize>,
	) -> wasmtime::Result<bool> {
		if desired > self.max_memory || maximum.is_some_and(|maximum| desired > maximum) {
			return Err(LimitExceeded(format!(
				"memory of {current} bytes cannot grow to {desired} (limit {}, maximum {maximum:?})",
				self.max_memory
			))
			.into());
		}
		Ok(true)
	}

	fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
		self.grow_failed("memory", error)
	}

	fn table_growing(
		&mut self,
		current: usize,
		desired: usize,
		maximum: Option<usize>,
	) -> wasmtime::Result<bool> {
		if desired > self.max_table_elements || maximum.is_some_and(|maximum| desired > maximum) {
			return Err(LimitExceeded(format!(
				"table of {current} elements cannot grow to {desired} (limit {}, maximum {maximum:?})",
				self.max_table_elements
			))
			.into());
		}
		Ok(true)
	}

	fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
		self.grow_failed("table", error)
	}

	fn instances(&self) -> usize {
		1
	}

	fn tables(&self) -> usize {
		1
	}

	fn memories(&self) -> usize {
		1
	}
}

/// The wall-clock time a run with `fuel` gets before the guard stops it, at most `max`:
/// `GUARD_FACTOR` times as long as the slowest honest worker needs, plus a second for
/// instantiation and scheduling. Time that fuel does not count is covered by that second
/// only: touching all of 512 MiB of fresh pages took 0.55 s for 1.4 M fuel on the
/// reference machine, and a `random_get` of 64 MiB takes about 0.5 s for a few units of
/// fuel (the guard stops a program that does that in a loop, and its workers abstain).
pub fn time_limit_for(fuel: u64, max: Duration) -> Duration {
	let nanos = u128::from(fuel) * u128::from(GUARD_FACTOR) * 1_000_000_000
		/ u128::from(WORST_CASE_FUEL_PER_SECOND);
	let guarded = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
	guarded.saturating_add(Duration::from_secs(1)).min(max)
}

/// Epoch ticks for `limit`: rounded up, and one more because the next tick may come at
/// once, so that the guard never stops a run before `limit`. Bounded so that wasmtime's
/// `current epoch + ticks` cannot overflow.
pub(super) fn deadline_ticks(limit: Duration) -> u64 {
	let ticks = limit.as_nanos().div_ceil(EPOCH_TICK.as_nanos()).saturating_add(1);
	u64::try_from(ticks).unwrap_or(u64::MAX).min(u64::MAX / 2)
}

/// One thread per engine advances its epoch every `EPOCH_TICK`, and ends once the
/// engine is gone.
pub(super) fn start_epoch_ticker(engine: &Engine) -> wasmtime::Result<()> {
	let engine = engine.weak();
	std::thread::Builder::new()
		.name("povc-epoch".into())
		.spawn(move || loop {
			std::thread::sleep(EPOCH_TICK);
			match engine.upgrade() {
				Some(engine) => engine.increment_epoch(),
				None => break,
			}
		})
		.map_err(|error| wasmtime::format_err!("cannot start the epoch thread: {error}"))?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::sandbox::{testing::*, Abstention, Sandbox};
	use povc_primitives::ExecutionStatus;

	#[test]
	fn an_infinite_loop_runs_out_of_fuel() {
		let looping = r#"(module (memory (export "memory") 1)
			(func (export "_start") (loop (br 0))))"#;
		let outcome = run(looping, b"", 10_000);
		assert_eq!(outcome.status, ExecutionStatus::OutOfFuel);
		assert_eq!(outcome.fuel_used, 10_000);
	}

	#[test]
	fn memory_growth_past_the_limit_traps() {
		let grow = r#"(module (memory (export "memory") 1)
			(func (export "_start") (drop (memory.grow (i32.const 10000)))))"#;
		assert_eq!(run(grow, b"", 1_000_000).status, ExecutionStatus::Trapped);
	}

	#[test]
	fn deep_recursion_traps_on_the_stack_limit() {
		let recurse = r#"(module (memory (export "memory") 1)
			(func $f (call $f))
			(func (export "_start") (call $f)))"#;
		assert_eq!(run(recurse, b"", u64::MAX / 2).status, ExecutionStatus::Trapped);
	}

	#[test]
	fn output_beyond_the_limit_is_output_too_large() {
		let outcome = run(ECHO, &[b'x'; 64], 1_000_000);
		assert_eq!(outcome.status, ExecutionStatus::Exited(0));
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(ECHO).unwrap()).unwrap();
		let small =
			sandbox.run(&module, &[b'x'; 64], 1_000_000, 10, [7; 32], NO_GUARD).unwrap().unwrap();
		assert_eq!(small.status, ExecutionStatus::OutputTooLarge);
		assert_eq!(small.output.len(), 10);
	}

	#[test]
	fn a_huge_initial_memory_traps_at_instantiation() {
		// 600 MiB initial: within WebAssembly's limits, beyond the sandbox's 512 MiB.
		let huge = r#"(module (memory (export "memory") 9600) (func (export "_start")))"#;
		let outcome = outcome_or_error(huge).unwrap();
		assert_eq!(outcome.status, ExecutionStatus::Trapped);
		assert_eq!(outcome.fuel_used, 0);
	}

	#[test]
	fn a_table_bomb_traps() {
		// A table born too large is refused by the chain at upload (and by a pooled
		// sandbox at load: `runner::tests::tables_the_chain_refuses_…`).
		let growing = r#"(module (memory (export "memory") 1) (table 1 funcref)
			(func (export "_start") (drop (table.grow (ref.null func) (i32.const 1000000)))))"#;
		assert_eq!(outcome_or_error(growing).unwrap().status, ExecutionStatus::Trapped);
	}

	#[test]
	fn metering_off_reports_no_fuel() {
		let config = SandboxConfig { metering: false, ..SandboxConfig::default() };
		let sandbox = Sandbox::new(config).unwrap();
		let module = sandbox.compile(&wat::parse_str(ECHO).unwrap()).unwrap();
		let outcome = sandbox.run(&module, b"x", 1, 64, [0; 32], NO_GUARD).unwrap().unwrap();
		assert_eq!((outcome.output.as_slice(), outcome.fuel_used), (&b"x"[..], 0));
	}

	#[test]
	fn bulk_memory_operations_pay_fuel_per_byte() {
		// Each iteration fills 1 MiB. At a constant cost per fill this loop would run for
		// hours on this budget (the test would hang); charged per byte it stops after a
		// few iterations.
		let fills = r#"(module (memory (export "memory") 16)
			(func (export "_start")
				(loop (memory.fill (i32.const 0) (i32.const 0) (i32.const 1048576)) (br 0))))"#;
		let outcome = run(fills, b"", 10_000_000);
		assert_eq!(outcome.status, ExecutionStatus::OutOfFuel);
	}

	/// Fuel of `ECHO` on "hello" before the guard and our `poll_oneoff` existed (21)
	/// plus the instrumentation's 11 for its one call (9 to count the frame in, 2 to
	/// count it out) plus its `fd_write` of one buffer (256) of 5 bytes: epoch checks and
	/// the run thread must not change fuel.
	const ECHO_HELLO_FUEL: u64 = 21 + 11 + 256 + 5;

	#[test]
	fn the_wall_clock_guard_leaves_fuel_as_it_was() {
		assert_eq!(run(ECHO, b"hello", 1_000_000).fuel_used, ECHO_HELLO_FUEL);
	}

	#[test]
	fn the_guard_stops_an_endless_run_and_it_is_an_abstention() {
		let looping = r#"(module (memory (export "memory") 1)
			(func (export "_start") (loop (br 0))))"#;
		let limit = Duration::from_millis(200);
		let started = std::time::Instant::now();
		let result = run_for(looping, b"", u64::MAX / 2, limit);
		let elapsed = started.elapsed();
		println!("the guard stopped the loop after {elapsed:?}");
		assert_eq!(result, Err(Abstention::TimedOut { limit }));
		assert!(elapsed >= limit && elapsed < Duration::from_secs(1), "{elapsed:?}");

		// Unmetered too: the guard does not depend on fuel.
		let sandbox =
			Sandbox::new(SandboxConfig { metering: false, ..SandboxConfig::default() }).unwrap();
		let module = sandbox.compile(&wat::parse_str(looping).unwrap()).unwrap();
		let result = sandbox.run(&module, b"", 0, 64, [0; 32], limit).unwrap();
		assert_eq!(result, Err(Abstention::TimedOut { limit }));
	}

	#[test]
	fn time_limits_follow_fuel_up_to_the_maximum() {
		let max = Duration::from_secs(600);
		assert_eq!(time_limit_for(0, max), Duration::from_secs(1));
		assert_eq!(time_limit_for(WORST_CASE_FUEL_PER_SECOND, max), Duration::from_secs(5));
		assert_eq!(time_limit_for(10 * WORST_CASE_FUEL_PER_SECOND, max), Duration::from_secs(41));
		assert_eq!(time_limit_for(10_000_000_000, max), max);
		assert_eq!(time_limit_for(u64::MAX, max), max);
	}
}
