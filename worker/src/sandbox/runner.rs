//! The runner: the engine, compiling (after instrumentation), and runs of a program on
//! inputs. Each run has a store of its own (fresh memory, WASI context, limiter and
//! fuel) on a thread with a fixed stack, so nothing left by an earlier run and nothing
//! about the caller decides a result; a batch's runs share only the program's linking and
//! that thread.

use super::{
	instrument::{instrument, STACK_LIMIT},
	limits::{deadline_ticks, start_epoch_ticker, Limiter, SandboxConfig},
	verdict::{describe, host_failure, judge, panic_message, Abstention, ProgramFault, RunOutcome},
	wasi,
};
use crate::class;
use pallet_jobs::program::WASI_MODULE;
use povc_primitives::ExecutionStatus;
use std::time::{Duration, Instant};
use wasmtime::{
	Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module, OptLevel,
	PoolingAllocationConfig, ResourceLimiter, Store,
};
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
		let engine = match config.pooled_runs {
			0 => Engine::new(&wasmtime)?,
			_ => pooled_engine(&mut wasmtime, &config)?,
		};
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
	pub fn run(
		&self,
		module: &Module,
		input: &[u8],
		fuel: u64,
		max_output: usize,
		seed: [u8; 32],
		time_limit: Duration,
	) -> wasmtime::Result<Result<RunOutcome, Abstention>> {
		let outcomes = self.run_each(module, &[input], fuel, max_output, |_| seed, time_limit)?;
		Ok(outcomes.map(|mut outcomes| outcomes.pop().expect("one outcome per input")))
	}

	/// Runs `module` once on each of `inputs`, one after another, within `time_limit` in
	/// all: a batch's tasks. Run `i` gets `fuel`, `max_output` and randomness seeded by
	/// `seed(i)`, and a store of its own, so it is exactly the run [`Self::run`] makes of
	/// that input alone; the runs share only what depends on the program (its linking and
	/// the thread), which is what a tiny task's run mostly cost. Any run's abstention is
	/// the whole call's: an outcome for every input, or none.
	///
	/// The runs have a thread of their own with a fixed stack that holds the whole wasm
	/// stack (`max_wasm_stack`) plus the host frames of a WASI call from the deepest wasm
	/// frame. The program's own stack counter traps long before `max_wasm_stack` is
	/// reached (see `instrument`), so the depth at which a program traps is the same on
	/// every worker; wasmtime's native check is only a backstop.
	pub fn run_each(
		&self,
		module: &Module,
		inputs: &[&[u8]],
		fuel: u64,
		max_output: usize,
		seed: impl Fn(usize) -> [u8; 32] + Sync,
		time_limit: Duration,
	) -> wasmtime::Result<Result<Vec<RunOutcome>, Abstention>> {
		check_command(module)?;
		let stack = self.config.max_wasm_stack.saturating_add(HOST_STACK);
		let run_all = || -> Result<Vec<RunOutcome>, Abstention> {
			let started = Instant::now();
			let linked = self.link(module);
			let mut outcomes = Vec::with_capacity(inputs.len());
			for (index, input) in inputs.iter().enumerate() {
				let left = time_limit.saturating_sub(started.elapsed());
				let outcome = self.run_here(&linked, input, fuel, max_output, seed(index), left);
				// The guard stops the run that was going when the time ran out, but the limit
				// was all the runs'.
				outcomes.push(outcome.map_err(|abstention| match abstention {
					Abstention::TimedOut { .. } => Abstention::TimedOut { limit: time_limit },
					other => other,
				})?);
			}
			Ok(outcomes)
		};
		Ok(std::thread::scope(|scope| {
			let thread = std::thread::Builder::new()
				.name("povc-run".into())
				.stack_size(stack)
				.spawn_scoped(scope, run_all);
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

	/// One run on the current thread, of the program as `link` left it.
	fn run_here(
		&self,
		linked: &Result<InstancePre<State>, ProgramFault>,
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

		let result = match linked {
			Ok(linked) => start(&mut store, linked),
			Err(fault) => Err(ProgramFault(fault.0.clone()).into()),
		};
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

	/// `module` linked against our WASI, ready to instantiate. What depends on the
	/// program alone (imports no linker has, more tables or memories than allowed) is a
	/// `ProgramFault`, which makes every run of it `Trapped`, as it always was.
	fn link(&self, module: &Module) -> Result<InstancePre<State>, ProgramFault> {
		let needs = module.resources_required();
		if needs.num_memories > 1 || needs.num_tables > 1 {
			return Err(ProgramFault(format!(
				"{} memories and {} tables: at most one of each is allowed",
				needs.num_memories, needs.num_tables
			)));
		}
		self.linker.instantiate_pre(module).map_err(|error| ProgramFault(describe(&error)))
	}
}

/// Instantiates the linked program in `store` and calls its `_start`; a `_start` that is
/// not `() -> ()` is a `ProgramFault`.
fn start(store: &mut Store<State>, linked: &InstancePre<State>) -> wasmtime::Result<()> {
	let instance = linked.instantiate(&mut *store)?;
	let start = instance
		.get_typed_func::<(), ()>(&mut *store, "_start")
		.map_err(|error| ProgramFault(describe(&error)))?;
	start.call(&mut *store, ())
}

/// The instance pool of `config.pooled_runs` slots. Its limits never decide a run of a
/// program the chain accepts: they admit a memory of up to 4 GiB, the one table of up to
/// `max_table_elements` initial elements the chain allows, and the largest `VMContext`
/// its function and global limits allow, so what such a program may allocate stays the
/// limiter's to refuse (`Trapped`), exactly as without a pool. A program the chain
/// refuses for its tables (more than one, or a larger one) does not load into a pooled
/// sandbox at all; unpooled, it traps.
fn pool(config: &SandboxConfig) -> PoolingAllocationConfig {
	let mut pool = PoolingAllocationConfig::default();
	pool.total_core_instances(config.pooled_runs)
		.total_memories(config.pooled_runs)
		.total_tables(config.pooled_runs)
		// Tables hold what the limiter lets them grow to; memories all a wasm32 memory
		// can address (wasmtime's default reservation, so no slot is larger).
		.table_elements(config.max_table_elements)
		.max_memory_size(WASM32_MEMORY_BYTES)
		// 50,000 functions and 10,000 globals need about 2 MiB.
		.max_core_instance_size(16 << 20);
	pool
}

/// An engine whose instances come from a pool, or, where the pool's address space cannot
/// be reserved (an address-space limit), one that maps each run's memory anew: slower,
/// but every run is the same, and one the host cannot map still abstains.
fn pooled_engine(wasmtime: &mut Config, config: &SandboxConfig) -> wasmtime::Result<Engine> {
	wasmtime.allocation_strategy(InstanceAllocationStrategy::Pooling(pool(config)));
	match Engine::new(wasmtime) {
		Ok(engine) => Ok(engine),
		Err(error) => {
			tracing::warn!(
				"no instance pool of {} runs ({}): each run maps its memory anew",
				config.pooled_runs,
				describe(&error)
			);
			wasmtime.allocation_strategy(InstanceAllocationStrategy::OnDemand);
			Engine::new(wasmtime)
		},
	}
}

/// All a wasm32 memory can address.
const WASM32_MEMORY_BYTES: usize = 1 << 32;

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
	use pallet_jobs::program::ProgramLimits;

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

	/// Reports what an earlier run in its instance slot could have left (a byte of
	/// memory, a global, the memory's size), then leaves traces of its own, and traps if
	/// its input's first byte is 1.
	const NOSY: &str = r#"(module
		(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
		(memory (export "memory") 1)
		(global $g (mut i32) (i32.const 0))
		(func (export "_start")
			(i32.store (i32.const 0) (i32.const 300))
			(i32.store (i32.const 4) (i32.const 1))
			(drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
			(i32.store8 (i32.const 100) (i32.load8_u (i32.const 200)))
			(i32.store8 (i32.const 101) (global.get $g))
			(i32.store8 (i32.const 102) (memory.size))
			(i32.store (i32.const 0) (i32.const 100))
			(i32.store (i32.const 4) (i32.const 3))
			(drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
			(i32.store8 (i32.const 200) (i32.const 0xAA))
			(global.set $g (i32.const 5))
			(drop (memory.grow (i32.const 1)))
			(if (i32.load8_u (i32.const 300)) (then unreachable))))"#;

	#[test]
	fn a_batch_s_runs_are_the_runs_each_input_gets_alone() {
		let wasm = wat::parse_str(NOSY).unwrap();
		let inputs: [&[u8]; 4] = [&[0], &[1], &[0], &[0]];
		// One pooled slot: every run reuses the instance slot the run before it left.
		let pooled = Sandbox::new(SandboxConfig { pooled_runs: 1, ..SandboxConfig::default() });
		let pooled = pooled.unwrap();
		let module = pooled.compile(&wasm).unwrap();
		let seed = |index: usize| job_seed(index as u64);
		let batch = pooled.run_each(&module, &inputs, 1_000_000, 64, seed, NO_GUARD);
		let batch = batch.unwrap().unwrap();

		let fresh = Sandbox::new(SandboxConfig { pooled_runs: 0, ..SandboxConfig::default() });
		let fresh = fresh.unwrap();
		let module = fresh.compile(&wasm).unwrap();
		let alone: Vec<_> = (0..inputs.len())
			.map(|i| {
				fresh.run(&module, inputs[i], 1_000_000, 64, seed(i), NO_GUARD).unwrap().unwrap()
			})
			.collect();
		assert_eq!(batch, alone);
		// Nothing an earlier run left shows, a trap's traces included.
		assert!(batch.iter().all(|run| run.output == [0, 0, 1]), "{batch:?}");
		let statuses: Vec<_> = batch.iter().map(|run| run.status).collect();
		let exited = ExecutionStatus::Exited(0);
		assert_eq!(statuses, [exited, ExecutionStatus::Trapped, exited, exited]);
	}

	#[test]
	fn a_batch_abstains_as_a_whole_when_its_time_runs_out() {
		let endless = r#"(module (memory (export "memory") 1)
			(func (export "_start") (loop (br 0))))"#;
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(endless).unwrap()).unwrap();
		let limit = Duration::from_millis(50);
		let inputs: [&[u8]; 3] = [b"", b"", b""];
		let seed = |index: usize| job_seed(index as u64);
		let outcome = sandbox.run_each(&module, &inputs, u64::MAX / 2, 64, seed, limit);
		assert_eq!(outcome.unwrap(), Err(Abstention::TimedOut { limit }));
	}

	#[test]
	fn tables_the_chain_refuses_trap_unpooled_and_do_not_load_pooled() {
		let table = |count: usize, elements: u64| {
			let tables = format!("(table {elements} funcref)").repeat(count);
			format!(r#"(module (memory (export "memory") 1) {tables} (func (export "_start")))"#)
		};
		let largest = ProgramLimits::DEFAULT.max_table_elements;
		let unpooled = Sandbox::new(SandboxConfig { pooled_runs: 0, ..SandboxConfig::default() });
		let unpooled = unpooled.unwrap();
		let pooled = Sandbox::new(SandboxConfig::default()).unwrap();
		let status = |sandbox: &Sandbox, wasm: &[u8]| {
			let module = sandbox.compile(wasm).unwrap();
			let outcome = sandbox.run(&module, b"", 1_000_000, 64, job_seed(1), NO_GUARD);
			outcome.unwrap().unwrap().status
		};
		// The largest table the chain accepts runs alike in both.
		let accepted = wat::parse_str(table(1, largest)).unwrap();
		assert_eq!(status(&unpooled, &accepted), ExecutionStatus::Exited(0));
		assert_eq!(status(&pooled, &accepted), ExecutionStatus::Exited(0));
		// Two tables, or a larger one: refused by the chain at upload, so never a job's.
		for refused in [table(2, 1), table(1, largest + 1)] {
			let wasm = wat::parse_str(&refused).unwrap();
			assert_eq!(status(&unpooled, &wasm), ExecutionStatus::Trapped, "{refused}");
			let error = pooled.compile(&wasm).unwrap_err().to_string();
			assert!(error.contains("pooling allocator"), "{refused}: {error}");
		}
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
