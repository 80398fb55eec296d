//! What the sandbox's tests share: a default sandbox to run WAT in, and a program that
//! echoes its input.

use super::{Abstention, RunOutcome, Sandbox, SandboxConfig};
use std::time::Duration;

/// Long enough never to stop a test that does not mean to be stopped.
pub(super) const NO_GUARD: Duration = Duration::from_secs(120);

pub(super) fn run(wat: &str, input: &[u8], fuel: u64) -> RunOutcome {
	run_for(wat, input, fuel, NO_GUARD).expect("no abstention")
}

pub(super) fn run_for(
	wat: &str,
	input: &[u8],
	fuel: u64,
	limit: Duration,
) -> Result<RunOutcome, Abstention> {
	let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
	let module = sandbox.compile(&wat::parse_str(wat).unwrap()).unwrap();
	sandbox.run(&module, input, fuel, 4096, [7; 32], limit).unwrap()
}

pub(super) const ECHO: &str = r#"(module
	(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
	(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
	(memory (export "memory") 1)
	(func (export "_start")
		;; iovec at 0: buffer 100, length 64
		(i32.store (i32.const 0) (i32.const 100))
		(i32.store (i32.const 4) (i32.const 64))
		(drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
		;; write back as many bytes as were read
		(i32.store (i32.const 4) (i32.load (i32.const 8)))
		(drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

pub(super) fn outcome_or_error(wat: &str) -> Result<RunOutcome, String> {
	let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
	let module = sandbox.compile(&wat::parse_str(wat).unwrap()).map_err(|e| e.to_string())?;
	let outcome = sandbox.run(&module, b"", u64::MAX / 2, 64, [7; 32], NO_GUARD);
	Ok(outcome.map_err(|e| e.to_string())?.expect("no abstention"))
}
