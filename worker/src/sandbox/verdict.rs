//! Verdicts: what the end of a run means. What the program itself did (an exit, a trap,
//! running out of fuel, a limit it broke, a bad pointer it passed to WASI) is an
//! [`ExecutionStatus`], the same on every worker of a class. Anything else (the guard
//! stopped the run, the host failed, the code is not the program on chain) is an
//! [`Abstention`]: committing to it could get an honest worker slashed, so when in doubt,
//! the worker abstains.

use super::limits::LimitExceeded;
use povc_primitives::ExecutionStatus;
use std::{fmt, time::Duration};
use wasmtime::Trap;
use wasmtime_wasi::I32Exit;

/// What wasmtime 48.0.8 and its WASI report, as plain messages, for something the
/// program did (not for a failure of the host): such a run is `Trapped` on every worker.
/// Pinned with the engine; `verdict::tests::program_errors_are_trapped_not_abstentions`
/// fails if one changes.
const PROGRAM_ERRORS: &[&str] = &[
	// A WASI call from a module that exports no memory.
	"missing required memory export",
	// `proc_exit` with a status of 126 or more.
	"exit with invalid exit status outside of [0..126)",
	// `random_get` of more than 64 MiB.
	"requested len ",
	// Growing a memory or table past its type's or declared maximum (the limiter
	// hears of these through `*_grow_failed`, as of host failures).
	"memory growth exceeds memory type's limits",
	"Memory maximum size exceeded",
	"Table maximum size exceeded",
	"overflow calculating new table size",
];

/// The result of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutcome {
	pub status: ExecutionStatus,
	pub fuel_used: u64,
	pub output: Vec<u8>,
}

impl RunOutcome {
	/// blake2-256 of the output: what replicas commit to.
	pub fn output_hash(&self) -> [u8; 32] {
		sp_crypto_hashing::blake2_256(&self.output)
	}
}

/// Why a worker gives no result for a run: something it cannot vouch for happened, so
/// committing to a result could get an honest worker slashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Abstention {
	/// The wall-clock guard stopped the run: this machine is far slower than the fuel
	/// limit allows for, or stalled.
	TimedOut { limit: Duration },
	/// The host could not carry the run out (e.g. no memory for the instance).
	HostFailure(String),
	/// A program's or input's bytes do not hash to the hash on chain.
	Tampered(String),
}

impl fmt::Display for Abstention {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::TimedOut { limit } => {
				write!(f, "timed out: the run took longer than {:.3} s", limit.as_secs_f64())
			},
			Self::HostFailure(message) => write!(f, "host failure: {message}"),
			Self::Tampered(message) => write!(f, "tampered: {message}"),
		}
	}
}

impl std::error::Error for Abstention {}

/// `Ok` if `bytes` (a program or an input, named by `kind`) hash to `expected`, the
/// blake2-256 hash on chain; otherwise they are not what the job is about.
pub fn check_hash(kind: &str, bytes: &[u8], expected: [u8; 32]) -> Result<(), Abstention> {
	let actual = sp_crypto_hashing::blake2_256(bytes);
	if actual == expected {
		return Ok(());
	}
	Err(Abstention::Tampered(format!(
		"the {kind} hashes to 0x{} instead of 0x{}",
		hex::encode(actual),
		hex::encode(expected)
	)))
}

/// Something else the program did that the sandbox refuses, on every worker alike (an
/// import no linker provides, a `_start` of the wrong type): the run is `Trapped`.
#[derive(Debug)]
pub(super) struct ProgramFault(pub(super) String);

impl fmt::Display for ProgramFault {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for ProgramFault {}

/// How a run that did not return from `_start` ended: what the program did is a status,
/// anything else an abstention (when in doubt, abstain).
pub(super) fn judge(
	error: &wasmtime::Error,
	time_limit: Duration,
) -> Result<ExecutionStatus, Abstention> {
	if let Some(exit) = error.downcast_ref::<I32Exit>() {
		return Ok(ExecutionStatus::Exited(exit.0 as u32));
	}
	if let Some(trap) = error.downcast_ref::<Trap>() {
		return match trap {
			Trap::OutOfFuel => Ok(ExecutionStatus::OutOfFuel),
			Trap::Interrupt => Err(Abstention::TimedOut { limit: time_limit }),
			_ => {
				log_trap(error);
				Ok(ExecutionStatus::Trapped)
			},
		};
	}
	// A limit the program broke, a fault of the program the sandbox refuses, a bad
	// pointer the program gave WASI, or a known message for another such fault.
	if error.downcast_ref::<LimitExceeded>().is_some()
		|| error.downcast_ref::<ProgramFault>().is_some()
		|| error.downcast_ref::<wiggle::GuestError>().is_some()
		|| is_program_error(error)
	{
		log_trap(error);
		return Ok(ExecutionStatus::Trapped);
	}
	Err(Abstention::HostFailure(describe(error)))
}

/// Whether `error` is one of `PROGRAM_ERRORS`.
pub(super) fn is_program_error(error: &wasmtime::Error) -> bool {
	error.chain().any(|cause| {
		let message = cause.to_string();
		PROGRAM_ERRORS.iter().any(|known| message.starts_with(known))
	})
}

/// An error and its causes on one line.
pub(super) fn describe(error: &wasmtime::Error) -> String {
	error.chain().map(|cause| cause.to_string()).collect::<Vec<_>>().join(": ")
}

pub(super) fn host_failure(error: wasmtime::Error) -> Abstention {
	Abstention::HostFailure(describe(&error))
}

pub(super) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
	match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
		(Some(message), _) => (*message).to_string(),
		(_, Some(message)) => message.clone(),
		_ => "(no message)".into(),
	}
}

fn log_trap(error: &wasmtime::Error) {
	if std::env::var_os("POVC_SANDBOX_DEBUG").is_some() {
		eprintln!("sandbox trap: {error:?}");
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::sandbox::{limits::Limiter, testing::*};
	use wasmtime::ResourceLimiter;

	#[test]
	fn proc_exit_sets_the_status() {
		let exit = r#"(module
			(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
			(memory (export "memory") 1)
			(func (export "_start") (call $exit (i32.const 3))))"#;
		assert_eq!(run(exit, b"", 1_000_000).status, ExecutionStatus::Exited(3));
	}

	#[test]
	fn hashes_are_checked() {
		let code = b"\0asm\x01\0\0\0";
		assert_eq!(check_hash("program", code, sp_crypto_hashing::blake2_256(code)), Ok(()));
		let error = check_hash("input", code, [0; 32]).unwrap_err();
		assert!(matches!(&error, Abstention::Tampered(m) if m.contains("input")), "{error}");
		assert!(error.to_string().starts_with("tampered: "));
	}

	#[test]
	fn program_errors_are_trapped_not_abstentions() {
		let wasi = |name: &str, params: &str, body: &str| {
			format!(
				r#"(module (import "wasi_snapshot_preview1" "{name}" (func $f {params}))
				(memory (export "memory") 1) (func (export "_start") {body}))"#
			)
		};
		let cases = [
			wasi("proc_exit", "(param i32)", "(call $f (i32.const 200))"),
			wasi("random_get", "(param i32 i32) (result i32)", "(drop (call $f (i32.const 0) (i32.const 104857600)))"),
			wasi("random_get", "(param i32 i32) (result i32)", "(drop (call $f (i32.const 65000) (i32.const 1000)))"),
			wasi(
				"fd_write",
				"(param i32 i32 i32 i32) (result i32)",
				"(drop (call $f (i32.const 1) (i32.const 65535) (i32.const 1) (i32.const 8)))",
			),
			wasi("proc_exit", "(param i64)", ""),
			wasi("no_such_function", "(param i32)", ""),
			r#"(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
				(func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#
				.into(),
			r#"(module (import "wasi_snapshot_preview1" "poll_oneoff" (func $p (param i32 i32 i32 i32) (result i32)))
				(func (export "_start") (drop (call $p (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))"#
				.into(),
			r#"(module (memory (export "memory") 1) (data (i32.const 65535) "ab") (func (export "_start")))"#.into(),
			r#"(module (memory (export "memory") 1) (func $s unreachable) (start $s) (func (export "_start")))"#
				.into(),
			r#"(module (memory (export "memory") 1) (func (export "_start") (param i32)))"#.into(),
			r#"(module (memory (export "memory") 1) (global (export "_start") i32 (i32.const 0)))"#.into(),
			// Growth past 4 GiB, past the declared maximum, past a table's maximum.
			r#"(module (memory (export "memory") 1) (func (export "_start") (drop (memory.grow (i32.const -1)))))"#
				.into(),
			r#"(module (memory (export "memory") 1) (func (export "_start") (drop (memory.grow (i32.const 70000)))))"#
				.into(),
			r#"(module (memory (export "memory") 1 2) (func (export "_start") (drop (memory.grow (i32.const 5)))))"#
				.into(),
			r#"(module (memory (export "memory") 1) (table 1 2 funcref)
				(func (export "_start") (drop (table.grow (ref.null func) (i32.const 5)))))"#
				.into(),
		];
		for wat in cases {
			let outcome = run_for(&wat, b"", 1_000_000, NO_GUARD);
			assert_eq!(outcome.map(|o| o.status), Ok(ExecutionStatus::Trapped), "{wat}");
		}
	}

	#[test]
	fn host_failures_are_abstentions() {
		let unknown = wasmtime::Error::msg("the host ran out of something");
		assert_eq!(
			judge(&unknown, NO_GUARD),
			Err(Abstention::HostFailure("the host ran out of something".into()))
		);
		let mut limiter =
			Limiter { max_memory: 1 << 20, max_table_elements: 10, host_failure: None };
		let denied = std::io::Error::from_raw_os_error(libc::ENOMEM);
		let error = limiter.memory_grow_failed(wasmtime::Error::new(denied)).unwrap_err();
		assert!(limiter.host_failure.is_some());
		assert!(matches!(judge(&error, NO_GUARD), Err(Abstention::HostFailure(_))));
		// What the program asked for is its own doing.
		let mut limiter = Limiter { host_failure: None, ..limiter };
		let error = limiter.memory_growing(0, 2 << 20, None).unwrap_err();
		assert_eq!(judge(&error, NO_GUARD), Ok(ExecutionStatus::Trapped));
		let refusal = wasmtime::Error::msg("Memory maximum size exceeded");
		let error = limiter.memory_grow_failed(refusal).unwrap_err();
		assert_eq!(judge(&error, NO_GUARD), Ok(ExecutionStatus::Trapped));
		assert!(limiter.host_failure.is_none());
	}
}
