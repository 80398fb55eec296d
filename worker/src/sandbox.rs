//! The deterministic sandbox: a WASI preview 1 command runs with the job input on stdin,
//! its stdout (bounded) is the output and its exit code the status. Clocks are frozen,
//! randomness is seeded from the job, there are no files, environment or network, and
//! fuel is the job's fuel limit. Two runs of one program on one input, on workers of one
//! determinism class, give the same output hash and the same fuel.

use crate::class;
use codec::Encode;
use povc_primitives::ExecutionStatus;
use rand::SeedableRng;
use std::time::Duration;
use wasmtime::{
	Config, Engine, Linker, Module, OptLevel, ResourceLimiter, Store, StoreLimits,
	StoreLimitsBuilder, Trap,
};
use wasmtime_wasi::{
	p1::WasiP1Ctx,
	p2::pipe::{MemoryInputPipe, MemoryOutputPipe},
	HostMonotonicClock, HostWallClock, I32Exit, WasiCtxBuilder,
};

/// Limits and profile of the sandbox.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
	/// Canonicalise NaNs: only for jobs whose replicas span determinism classes.
	pub nan_canonicalization: bool,
	/// Meter fuel. Always on for jobs; off only to measure what metering costs.
	pub metering: bool,
	/// Largest linear memory, in bytes.
	pub max_memory: usize,
	/// Largest table, in elements.
	pub max_table_elements: usize,
	/// Largest wasm stack, in bytes.
	pub max_wasm_stack: usize,
}

impl SandboxConfig {
	/// The profile for a job: NaN canonicalisation only if its replicas span classes.
	pub fn for_job(cross_class: bool) -> Self {
		Self { nan_canonicalization: cross_class, ..Self::default() }
	}
}

impl Default for SandboxConfig {
	fn default() -> Self {
		Self {
			nan_canonicalization: false,
			metering: true,
			max_memory: 512 << 20,
			max_table_elements: 100_000,
			max_wasm_stack: 1 << 20,
		}
	}
}

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

/// The seed of job `id`'s randomness (`random_get`): the same for every replica.
pub fn job_seed(id: povc_primitives::JobId) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&(b"povc/job-seed", id).encode())
}

/// A wasmtime engine configured for deterministic execution.
pub struct Sandbox {
	engine: Engine,
	config: SandboxConfig,
}

struct State {
	wasi: WasiP1Ctx,
	limits: StoreLimits,
}

/// Clocks that never move: a program cannot observe time, so cannot depend on it.
struct FrozenClock;
impl HostWallClock for FrozenClock {
	fn resolution(&self) -> Duration {
		Duration::from_nanos(1)
	}
	fn now(&self) -> Duration {
		Duration::ZERO
	}
}
impl HostMonotonicClock for FrozenClock {
	fn resolution(&self) -> u64 {
		1
	}
	fn now(&self) -> u64 {
		0
	}
}

impl Sandbox {
	/// An engine for `config`, with the code generation of this worker's determinism class.
	pub fn new(config: SandboxConfig) -> wasmtime::Result<Self> {
		let mut wasmtime = Config::new();
		wasmtime
			.consume_fuel(config.metering)
			.cranelift_opt_level(OptLevel::Speed)
			.cranelift_nan_canonicalization(config.nan_canonicalization)
			// Relaxed SIMD is allowed to differ between CPUs; the rest of WebAssembly 2.0 is
			// deterministic except for NaN bit patterns.
			.wasm_relaxed_simd(false)
			.wasm_memory64(false)
			.wasm_multi_memory(false)
			.wasm_tail_call(false)
			.wasm_wide_arithmetic(false)
			.wasm_custom_page_sizes(false)
			.max_wasm_stack(config.max_wasm_stack);
		class::pin_code_generation(&mut wasmtime)?;
		Ok(Self { engine: Engine::new(&wasmtime)?, config })
	}

	/// The engine (for compiling and loading modules).
	pub fn engine(&self) -> &Engine {
		&self.engine
	}

	/// The configuration this sandbox runs with.
	pub fn config(&self) -> &SandboxConfig {
		&self.config
	}

	/// Compile `wasm` in this process (see `compiler` for compiling under limits).
	pub fn compile(&self, wasm: &[u8]) -> wasmtime::Result<Module> {
		Module::new(&self.engine, wasm)
	}

	/// Runs `module` on `input` with `fuel`; `seed` seeds its randomness.
	pub fn run(
		&self,
		module: &Module,
		input: &[u8],
		fuel: u64,
		max_output: usize,
		seed: [u8; 32],
	) -> wasmtime::Result<RunOutcome> {
		check_command(module)?;
		// One byte more than allowed tells an output that is too large from one that fits.
		let stdout = MemoryOutputPipe::new(max_output + 1);
		let wasi = WasiCtxBuilder::new()
			.stdin(MemoryInputPipe::new(input.to_vec()))
			.stdout(stdout.clone())
			.wall_clock(FrozenClock)
			.monotonic_clock(FrozenClock)
			.secure_random(rand::rngs::StdRng::from_seed(seed))
			.insecure_random(rand::rngs::StdRng::from_seed(seed))
			.insecure_random_seed(u128::from_le_bytes(seed[..16].try_into().expect("16 bytes")))
			.build_p1();
		let limits = StoreLimitsBuilder::new()
			.memory_size(self.config.max_memory)
			.table_elements(self.config.max_table_elements)
			.instances(1)
			.memories(1)
			.tables(1)
			.trap_on_grow_failure(true)
			.build();
		let mut store = Store::new(&self.engine, State { wasi, limits });
		store.limiter(|state| &mut state.limits as &mut dyn ResourceLimiter);
		if self.config.metering {
			store.set_fuel(fuel)?;
		}
		let mut linker = Linker::new(&self.engine);
		wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |state: &mut State| &mut state.wasi)?;

		let result = linker
			.instantiate(&mut store, module)
			.and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
			.and_then(|start| start.call(&mut store, ()));
		let fuel_used = if self.config.metering { fuel - store.get_fuel()? } else { 0 };
		let mut output = stdout.contents().to_vec();
		let mut status = match result {
			Ok(()) => ExecutionStatus::Exited(0),
			Err(error) => match error.downcast_ref::<I32Exit>() {
				Some(exit) => ExecutionStatus::Exited(exit.0 as u32),
				None => match error.downcast_ref::<Trap>() {
					Some(Trap::OutOfFuel) => ExecutionStatus::OutOfFuel,
					_ => {
						log_trap(&error);
						ExecutionStatus::Trapped
					},
				},
			},
		};
		if output.len() > max_output {
			output.truncate(max_output);
			status = ExecutionStatus::OutputTooLarge;
		}
		Ok(RunOutcome { status, fuel_used, output })
	}
}

/// Refuse modules the chain would refuse (imports beyond WASI preview 1, no `_start`),
/// with a clear error instead of a failed instantiation.
fn check_command(module: &Module) -> wasmtime::Result<()> {
	if let Some(import) = module.imports().find(|i| i.module() != "wasi_snapshot_preview1") {
		wasmtime::bail!(
			"imports {}::{}: a job program may import only wasi_snapshot_preview1 functions",
			import.module(),
			import.name()
		);
	}
	if module.get_export("_start").is_none() {
		wasmtime::bail!("exports no `_start`: a job program is a WASI command");
	}
	Ok(())
}

fn log_trap(error: &wasmtime::Error) {
	if std::env::var_os("POVC_SANDBOX_DEBUG").is_some() {
		eprintln!("sandbox trap: {error:?}");
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn run(wat: &str, input: &[u8], fuel: u64) -> RunOutcome {
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(wat).unwrap()).unwrap();
		sandbox.run(&module, input, fuel, 64, [7; 32]).unwrap()
	}

	const ECHO: &str = r#"(module
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

	#[test]
	fn echoes_stdin_deterministically() {
		let a = run(ECHO, b"hello", 1_000_000);
		let b = run(ECHO, b"hello", 1_000_000);
		assert_eq!(a.output, b"hello");
		assert_eq!(a.status, ExecutionStatus::Exited(0));
		assert_eq!(a, b);
		assert!(a.fuel_used > 0);
	}

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
	fn proc_exit_sets_the_status() {
		let exit = r#"(module
			(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
			(memory (export "memory") 1)
			(func (export "_start") (call $exit (i32.const 3))))"#;
		assert_eq!(run(exit, b"", 1_000_000).status, ExecutionStatus::Exited(3));
	}

	#[test]
	fn clocks_are_frozen_and_randomness_is_seeded() {
		// Writes 8 bytes of clock_time_get and 8 bytes of random_get to stdout.
		let probe = r#"(module
			(import "wasi_snapshot_preview1" "clock_time_get" (func $time (param i32 i64 i32) (result i32)))
			(import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
			(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
			(memory (export "memory") 1)
			(func (export "_start")
				(drop (call $time (i32.const 0) (i64.const 1) (i32.const 104)))
				(drop (call $random (i32.const 112) (i32.const 8)))
				(i32.store (i32.const 0) (i32.const 104))
				(i32.store (i32.const 4) (i32.const 16))
				(drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;
		let a = run(probe, b"", 1_000_000);
		assert_eq!(a.status, ExecutionStatus::Exited(0), "{a:?}");
		assert_eq!(&a.output[..8], &[0; 8], "the realtime clock reads 0");
		assert_eq!(a, run(probe, b"", 1_000_000), "same seed, same random bytes");
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(probe).unwrap()).unwrap();
		let other = sandbox.run(&module, b"", 1_000_000, 64, [8; 32]).unwrap();
		assert_ne!(a.output[8..], other.output[8..], "another job id, other random bytes");
	}

	#[test]
	fn output_beyond_the_limit_is_output_too_large() {
		let outcome = run(ECHO, &[b'x'; 64], 1_000_000);
		assert_eq!(outcome.status, ExecutionStatus::Exited(0));
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(ECHO).unwrap()).unwrap();
		let small = sandbox.run(&module, &[b'x'; 64], 1_000_000, 10, [7; 32]).unwrap();
		assert_eq!(small.status, ExecutionStatus::OutputTooLarge);
		assert_eq!(small.output.len(), 10);
	}

	fn outcome_or_error(wat: &str) -> Result<RunOutcome, String> {
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(wat).unwrap()).map_err(|e| e.to_string())?;
		sandbox.run(&module, b"", u64::MAX / 2, 64, [7; 32]).map_err(|e| e.to_string())
	}

	#[test]
	fn two_engines_agree_on_output_and_fuel() {
		let wasm = wat::parse_str(ECHO).unwrap();
		let outcomes: Vec<_> = (0..2)
			.map(|_| {
				let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
				let module = sandbox.compile(&wasm).unwrap();
				sandbox.run(&module, b"same input", 1_000_000, 64, job_seed(5)).unwrap()
			})
			.collect();
		assert_eq!(outcomes[0], outcomes[1]);
		assert_eq!(outcomes[0].output, b"same input");
	}

	#[test]
	fn nan_canonicalisation_changes_neither_results_nor_fuel_of_ordinary_code() {
		let wasm = wat::parse_str(ECHO).unwrap();
		let run = |cross_class| {
			let sandbox = Sandbox::new(SandboxConfig::for_job(cross_class)).unwrap();
			let module = sandbox.compile(&wasm).unwrap();
			sandbox.run(&module, b"abc", 1_000_000, 64, job_seed(1)).unwrap()
		};
		assert_eq!(run(false), run(true));
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
		let big_table = r#"(module (memory (export "memory") 1) (table 200000 funcref)
			(func (export "_start")))"#;
		assert_eq!(outcome_or_error(big_table).unwrap().status, ExecutionStatus::Trapped);
		let growing = r#"(module (memory (export "memory") 1) (table 1 funcref)
			(func (export "_start") (drop (table.grow (ref.null func) (i32.const 1000000)))))"#;
		assert_eq!(outcome_or_error(growing).unwrap().status, ExecutionStatus::Trapped);
	}

	#[test]
	fn forbidden_imports_and_missing_start_are_refused_clearly() {
		let env = r#"(module (import "env" "now" (func)) (memory (export "memory") 1)
			(func (export "_start")))"#;
		let error = outcome_or_error(env).unwrap_err();
		assert!(error.contains("env::now"), "{error}");
		let library = r#"(module (memory (export "memory") 1) (func (export "main")))"#;
		assert!(outcome_or_error(library).unwrap_err().contains("_start"));
	}

	#[test]
	fn invalid_wasm_is_an_error_not_a_crash() {
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		assert!(sandbox.compile(b"\0asm\x01\0\0\0garbage").is_err());
		assert!(sandbox.compile(b"not wasm at all").is_err());
		assert!(sandbox.compile(&[]).is_err());
	}

	#[test]
	fn files_and_environment_are_absent() {
		// path_open on fd 3 (no preopened directory) fails; environ_sizes_get reports 0.
		let probe = r#"(module
			(import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))
			(import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
			(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
			(memory (export "memory") 1)
			(func (export "_start")
				(drop (call $env (i32.const 0) (i32.const 8)))
				;; exit code = variables + (prestat of fd 3 succeeded ? 100 : 0)
				(call $exit (i32.add (i32.load (i32.const 0))
					(select (i32.const 100) (i32.const 0)
						(i32.eqz (call $prestat (i32.const 3) (i32.const 16))))))))"#;
		assert_eq!(outcome_or_error(probe).unwrap().status, ExecutionStatus::Exited(0));
	}

	#[test]
	fn metering_off_reports_no_fuel() {
		let config = SandboxConfig { metering: false, ..SandboxConfig::default() };
		let sandbox = Sandbox::new(config).unwrap();
		let module = sandbox.compile(&wat::parse_str(ECHO).unwrap()).unwrap();
		let outcome = sandbox.run(&module, b"x", 1, 64, [0; 32]).unwrap();
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
}
