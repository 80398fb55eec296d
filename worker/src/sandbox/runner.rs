//! The runner: the engine, compiling (after instrumentation), and one run of a program on
//! an input. Each run has
//! a store of its own (fresh memory, WASI context, limiter and fuel) and a thread of its
//! own with a fixed stack, so nothing left by an earlier run and nothing about the
//! caller decides a result.

use super::{
	instrument::{instrument, STACK_LIMIT},
	limits::{deadline_ticks, start_epoch_ticker, Limiter, SandboxConfig},
	verdict::{describe, host_failure, judge, panic_message, Abstention, ProgramFault, RunOutcome},
	wasi,
};
use crate::class;
use pallet_jobs::program::WASI_MODULE;
use povc_primitives::ExecutionStatus;
use std::time::Duration;
use wasmtime::{Config, Engine, Linker, Module, OptLevel, ResourceLimiter, Store};
use wasmtime_wasi::p1::WasiP1Ctx;

/// Native stack a run's thread has beyond `max_wasm_stack`: for the host frames between
/// the thread's start and wasm, and for WASI calls and libcalls from the deepest wasm
/// frame (wasmtime counts neither against `max_wasm_stack`).
pub const HOST_STACK: usize = 8 << 20;

/// A wasmtime engine configured for deterministic execution.
pub struct Sandbox {
	engine: Engine,
	linker: Linker<State>,
	config: SandboxConfig,
}

/// What a run's store holds: the program's WASI context, the limiter of its memory and
/// tables, whether fuel is metered (our WASI functions charge fuel only then), and the
/// random stream and stdout of our own WASI functions.
pub(super) struct State {
	pub(super) wasi: WasiP1Ctx,
	pub(super) limiter: Limiter,
	pub(super) metering: bool,
	pub(super) output: wasi::Output,
}

impl Sandbox {
	/// An engine for `config`, with the code generation of this worker's determinism class.
	pub fn new(config: SandboxConfig) -> wasmtime::Result<Self> {
		let mut wasmtime = Config::new();
		wasmtime
			.consume_fuel(config.metering)
			// The wall-clock guard. Epoch checks cost no fuel, so fuel stays deterministic.
			.epoch_interruption(true)
			.cranelift_opt_level(OptLevel::Speed)
			// Only for comparison: the instrumentation canonicalises where bits show.
			.cranelift_nan_canonicalization(config.wasmtime_nan_canonicalization)
			// Relaxed SIMD is allowed to differ between CPUs; the rest of WebAssembly 2.0 is
			// deterministic except for NaN bit patterns, which the instrumentation fixes.
			// Tail calls, exceptions and stack switching could leave a frame without
			// restoring the stack counter.
			.wasm_relaxed_simd(false)
			.wasm_gc(false)
			.wasm_stack_switching(false)
			.wasm_memory64(false)
			.wasm_multi_memory(false)
			.wasm_tail_call(false)
			.wasm_wide_arithmetic(false)
			.wasm_custom_page_sizes(false)
			.max_wasm_stack(config.max_wasm_stack)
			// Must hold `max_wasm_stack`; runs are synchronous, so no fiber of this size is
			// ever allocated.
			.async_stack_size(config.max_wasm_stack + HOST_STACK);
		class::pin_code_generation(&mut wasmtime)?;
		let engine = Engine::new(&wasmtime)?;
		start_epoch_ticker(&engine)?;

		let linker = wasi::linker(&engine)?;
		Ok(Self { engine, linker, config })
	}

	/// The engine (for compiling and loading modules).
	pub fn engine(&self) -> &Engine {
		&self.engine
	}

	/// The configuration this sandbox runs with.
	pub fn config(&self) -> &SandboxConfig {
		&self.config
	}

	/// Compile `wasm`, instrumented, in this process (see `modules` for compiling under
	/// limits).
	pub fn compile(&self, wasm: &[u8]) -> wasmtime::Result<Module> {
		Module::new(&self.engine, &self.prepare(wasm)?)
	}

	/// Compile `wasm`, instrumented, into an artifact for [`Module::deserialize`].
	pub fn precompile(&self, wasm: &[u8]) -> wasmtime::Result<Vec<u8>> {
		self.engine.precompile_module(&self.prepare(wasm)?)
	}

	/// What is compiled for `wasm`: the program instrumented (see `instrument`), after
	/// wasmtime validated it, so that an invalid program fails as it always did.
	fn prepare(&self, wasm: &[u8]) -> wasmtime::Result<Vec<u8>> {
		Module::validate(&self.engine, wasm)?;
		if !self.config.instrumentation {
			return Ok(wasm.to_vec());
		}
		Ok(instrument(wasm, STACK_LIMIT)?.wasm)
	}

	/// Runs `module` on `input` with `fuel`; `seed` seeds its randomness. The outer error
	/// says the program is not runnable at all; the inner one that this worker abstains
	/// (the guard stopped the run after `time_limit` of wall-clock time, or the host
	/// failed), which says nothing about the program.
	///
	/// The run has a thread of its own with a fixed stack that holds the whole wasm stack
	/// (`max_wasm_stack`) plus the host frames of a WASI call from the deepest wasm frame.
	/// The program's own stack counter traps long before `max_wasm_stack` is reached
	/// (see `instrument`), so the depth at which a program traps is the same on every
	/// worker; wasmtime's native check is only a backstop.
	pub fn run(
		&self,
		module: &Module,
		input: &[u8],
		fuel: u64,
		max_output: usize,
		seed: [u8; 32],
		time_limit: Duration,
	) -> wasmtime::Result<Result<RunOutcome, Abstention>> {
		check_command(module)?;
		let stack = self.config.max_wasm_stack.saturating_add(HOST_STACK);
		Ok(std::thread::scope(|scope| {
			let thread = std::thread::Builder::new()
				.name("povc-run".into())
				.stack_size(stack)
				.spawn_scoped(scope, || {
					self.run_here(module, input, fuel, max_output, seed, time_limit)
				});
			match thread {
				Ok(thread) => thread.join().unwrap_or_else(|panic| {
					Err(Abstention::HostFailure(format!(
						"the run panicked: {}",
						panic_message(&*panic)
					)))
				}),
				Err(error) => {
					Err(Abstention::HostFailure(format!("cannot start the run's thread: {error}")))
				},
			}
		}))
	}

	/// `run` on the current thread.
	fn run_here(
		&self,
		module: &Module,
		input: &[u8],
		fuel: u64,
		max_output: usize,
		seed: [u8; 32],
		time_limit: Duration,
	) -> Result<RunOutcome, Abstention> {
		// One byte more than allowed tells an output that is too large from one that fits.
		let output = wasi::Output::new(seed, max_output.saturating_add(1));
		let wasi = wasi::context(input, seed);
		let limiter = Limiter {
			max_memory: self.config.max_memory,
			max_table_elements: self.config.max_table_elements,
			host_failure: None,
		};
		let metering = self.config.metering;
		let state = State { wasi, limiter, metering, output };
		let mut store = Store::new(&self.engine, state);
		store.limiter(|state| &mut state.limiter as &mut dyn ResourceLimiter);
		if metering {
			store.set_fuel(fuel).map_err(host_failure)?;
		}
		store.set_epoch_deadline(deadline_ticks(time_limit));
		store.epoch_deadline_trap();

		let result = self.start(&mut store, module);
		let fuel_used = if metering { fuel - store.get_fuel().map_err(host_failure)? } else { 0 };
		if let Some(failure) = store.data_mut().limiter.host_failure.take() {
			return Err(Abstention::HostFailure(failure));
		}
		let mut status = match result {
			Ok(()) => ExecutionStatus::Exited(0),
			Err(error) => judge(&error, time_limit)?,
		};
		let mut output = store.into_data().output.into_stdout();
		if output.len() > max_output {
			output.truncate(max_output);
			status = ExecutionStatus::OutputTooLarge;
		}
		Ok(RunOutcome { status, fuel_used, output })
	}

	/// Instantiates `module` and calls its `_start`. What depends on the program alone
	/// (imports no linker has, more tables or memories than allowed, a `_start` that is
	/// not `() -> ()`) fails with `ProgramFault`: `Trapped`, as it always was.
	fn start(&self, store: &mut Store<State>, module: &Module) -> wasmtime::Result<()> {
		let fault = |error: wasmtime::Error| wasmtime::Error::from(ProgramFault(describe(&error)));
		let needs = module.resources_required();
		if needs.num_memories > 1 || needs.num_tables > 1 {
			return Err(ProgramFault(format!(
				"{} memories and {} tables: at most one of each is allowed",
				needs.num_memories, needs.num_tables
			))
			.into());
		}
		let instance_pre = self.linker.instantiate_pre(module).map_err(fault)?;
		let instance = instance_pre.instantiate(&mut *store)?;
		let start = instance.get_typed_func::<(), ()>(&mut *store, "_start").map_err(fault)?;
		start.call(&mut *store, ())
	}
}

/// Refuse modules the chain would refuse (imports beyond WASI preview 1, no `_start`),
/// with a clear error instead of a failed instantiation.
fn check_command(module: &Module) -> wasmtime::Result<()> {
	if let Some(import) = module.imports().find(|i| i.module() != WASI_MODULE) {
		wasmtime::bail!(
			"imports {}::{}: a job program may import only {WASI_MODULE} functions",
			import.module(),
			import.name()
		);
	}
	if module.get_export("_start").is_none() {
		wasmtime::bail!("exports no `_start`: a job program is a WASI command");
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::sandbox::{job_seed, testing::*};

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
	fn two_engines_agree_on_output_and_fuel() {
		let wasm = wat::parse_str(ECHO).unwrap();
		let outcomes: Vec<_> = (0..2)
			.map(|_| {
				let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
				let module = sandbox.compile(&wasm).unwrap();
				sandbox
					.run(&module, b"same input", 1_000_000, 64, job_seed(5), NO_GUARD)
					.unwrap()
					.unwrap()
			})
			.collect();
		assert_eq!(outcomes[0], outcomes[1]);
		assert_eq!(outcomes[0].output, b"same input");
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
}
