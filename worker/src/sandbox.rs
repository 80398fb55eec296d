//! The deterministic sandbox: a WASI preview 1 command runs with the job input on stdin,
//! its stdout (bounded) is the output and its exit code the status. Clocks are frozen,
//! randomness is seeded from the job, there are no files, environment or network, and
//! fuel is the job's fuel limit. Two runs of one program on one input, on workers of one
//! determinism class, give the same output hash and the same fuel.
//!
//! An honest worker must never be slashed for what it cannot control, so nothing about
//! the host decides a result:
//! - no host call blocks: `poll_oneoff` is ours and fires every subscription at once;
//! - a wall-clock guard (epoch interruption) stops a run that takes far longer than its
//!   fuel allows, and such a run is an [`Abstention`], not a result;
//! - a failure of the host (no memory for an instance, an unknown error) is an
//!   abstention too; only what the program itself did (a trap, a limit it broke, a bad
//!   pointer it passed to WASI) is `Trapped`;
//! - each run has its own thread with a fixed stack, so the caller's stack never decides
//!   where the wasm stack limit hits.

use crate::class;
use codec::Encode;
use povc_primitives::ExecutionStatus;
use rand::SeedableRng;
use std::{fmt, time::Duration};
use wasmtime::{
	Caller, Config, Engine, Extern, Linker, Module, OptLevel, ResourceLimiter, Store, Trap,
};
use wasmtime_wasi::{
	p1::WasiP1Ctx,
	p2::pipe::{MemoryInputPipe, MemoryOutputPipe},
	HostMonotonicClock, HostWallClock, I32Exit, WasiCtxBuilder,
};

/// The slowest rate, in fuel per second, at which an honest member of a determinism
/// class may run a job. Fuel is about one unit per WebAssembly instruction. Measured on
/// a 2-core x86-64 machine under a load of 8: a tight loop ran at 600 M fuel/s, random
/// stores over 256 MiB (cache and TLB misses, page faults) at 250 M fuel/s. 50 M is five
/// times slower than the slowest of those, and `GUARD_FACTOR` multiplies that again, so
/// only a host that is broken or stalled, not merely slow or busy, trips the guard.
/// Time that fuel does not count is covered by the constant second of `time_limit_for`
/// only: touching all of 512 MiB of fresh pages took 0.55 s for 1.4 M fuel there, and a
/// `random_get` of 64 MiB takes about 0.5 s for a few units of fuel (the guard stops a
/// program that does that in a loop, and its workers abstain).
pub const WORST_CASE_FUEL_PER_SECOND: u64 = 50_000_000;

/// How many times the worst-case time a run gets before the guard stops it: room for a
/// machine stalled by swapping, a noisy neighbour or a burst of other jobs.
pub const GUARD_FACTOR: u64 = 4;

/// How often the guard's epoch advances; the guard stops a run within about this much
/// of its time limit.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Native stack a run's thread has beyond `max_wasm_stack`: for the host frames between
/// the thread's start and wasm, and for WASI calls from the deepest wasm frame (wasmtime
/// counts neither against `max_wasm_stack`).
const HOST_STACK: usize = 8 << 20;

/// Fuel one `poll_oneoff` call costs, and each of its subscriptions: it does no waiting
/// but reads and writes guest memory, so it is not free.
const POLL_FUEL: u64 = 1_000;
const POLL_FUEL_PER_SUBSCRIPTION: u64 = 100;

/// WASI preview 1 errnos and event types used by our `poll_oneoff`.
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;
const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;

/// What wasmtime 48.0.8 and its WASI report, as plain messages, for something the
/// program did (not for a failure of the host): such a run is `Trapped` on every worker.
/// Pinned with the engine; `sandbox::tests::program_errors_are_trapped` fails if one
/// changes.
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

/// The wall-clock time a run with `fuel` gets before the guard stops it, at most `max`:
/// `GUARD_FACTOR` times as long as the slowest honest worker needs, plus a second for
/// instantiation and scheduling.
pub fn time_limit_for(fuel: u64, max: Duration) -> Duration {
	let nanos = u128::from(fuel) * u128::from(GUARD_FACTOR) * 1_000_000_000
		/ u128::from(WORST_CASE_FUEL_PER_SECOND);
	let guarded = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
	guarded.saturating_add(Duration::from_secs(1)).min(max)
}

/// The seed of job `id`'s randomness (`random_get`): the same for every replica.
pub fn job_seed(id: povc_primitives::JobId) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&(b"povc/job-seed", id).encode())
}

/// A wasmtime engine configured for deterministic execution.
pub struct Sandbox {
	engine: Engine,
	linker: Linker<State>,
	config: SandboxConfig,
}

struct State {
	wasi: WasiP1Ctx,
	limiter: Limiter,
	metering: bool,
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

/// Something else the program did that the sandbox refuses, on every worker alike (an
/// import no linker provides, a `_start` of the wrong type): the run is `Trapped`.
#[derive(Debug)]
struct ProgramFault(String);

impl fmt::Display for ProgramFault {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for ProgramFault {}

/// Memory and table limits. Growth beyond a limit is the program's doing (`Trapped`);
/// growth within limits that the host could not provide is the host's (an abstention),
/// and is recorded here so that no error wrapping can turn it into a result.
struct Limiter {
	max_memory: usize,
	max_table_elements: usize,
	host_failure: Option<String>,
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
			// The wall-clock guard. Epoch checks cost no fuel, so fuel stays deterministic.
			.epoch_interruption(true)
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
		let engine = Engine::new(&wasmtime)?;
		start_epoch_ticker(&engine)?;

		let mut linker = Linker::new(&engine);
		wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |state: &mut State| &mut state.wasi)?;
		linker.allow_shadowing(true);
		linker.func_wrap("wasi_snapshot_preview1", "poll_oneoff", poll_oneoff)?;
		linker.allow_shadowing(false);
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

	/// Compile `wasm` in this process (see `compiler` for compiling under limits).
	pub fn compile(&self, wasm: &[u8]) -> wasmtime::Result<Module> {
		Module::new(&self.engine, wasm)
	}

	/// Runs `module` on `input` with `fuel`; `seed` seeds its randomness. The outer error
	/// says the program is not runnable at all; the inner one that this worker abstains
	/// (the guard stopped the run after `time_limit` of wall-clock time, or the host
	/// failed), which says nothing about the program.
	///
	/// The run has a thread of its own with a fixed stack: wasmtime puts the wasm stack
	/// limit `max_wasm_stack` below the stack pointer where wasm is entered and checks it
	/// only in wasm function prologues, so neither how deep the caller's stack already is
	/// nor the host frames of a WASI call from the deepest wasm frame move the limit.
	/// The thread's stack holds the whole wasm stack plus those host frames, so the limit
	/// is always wasmtime's check, never the end of the native stack.
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
		let stdout = MemoryOutputPipe::new(max_output.saturating_add(1));
		let wasi = WasiCtxBuilder::new()
			.stdin(MemoryInputPipe::new(input.to_vec()))
			.stdout(stdout.clone())
			.wall_clock(FrozenClock)
			.monotonic_clock(FrozenClock)
			.secure_random(rand::rngs::StdRng::from_seed(seed))
			.insecure_random(rand::rngs::StdRng::from_seed(seed))
			.insecure_random_seed(u128::from_le_bytes(seed[..16].try_into().expect("16 bytes")))
			.build_p1();
		let limiter = Limiter {
			max_memory: self.config.max_memory,
			max_table_elements: self.config.max_table_elements,
			host_failure: None,
		};
		let metering = self.config.metering;
		let mut store = Store::new(&self.engine, State { wasi, limiter, metering });
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
		let mut output = stdout.contents().to_vec();
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

/// How a run that did not return from `_start` ended: what the program did is a status,
/// anything else an abstention (when in doubt, abstain).
fn judge(error: &wasmtime::Error, time_limit: Duration) -> Result<ExecutionStatus, Abstention> {
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
fn is_program_error(error: &wasmtime::Error) -> bool {
	error.chain().any(|cause| {
		let message = cause.to_string();
		PROGRAM_ERRORS.iter().any(|known| message.starts_with(known))
	})
}

/// An error and its causes on one line.
fn describe(error: &wasmtime::Error) -> String {
	error.chain().map(|cause| cause.to_string()).collect::<Vec<_>>().join(": ")
}

fn host_failure(error: wasmtime::Error) -> Abstention {
	Abstention::HostFailure(describe(&error))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
	match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
		(Some(message), _) => (*message).to_string(),
		(_, Some(message)) => message.clone(),
		_ => "(no message)".into(),
	}
}

/// Epoch ticks for `limit`: rounded up, and one more because the next tick may come at
/// once, so that the guard never stops a run before `limit`. Bounded so that wasmtime's
/// `current epoch + ticks` cannot overflow.
fn deadline_ticks(limit: Duration) -> u64 {
	let ticks = limit.as_nanos().div_ceil(EPOCH_TICK.as_nanos()).saturating_add(1);
	u64::try_from(ticks).unwrap_or(u64::MAX).min(u64::MAX / 2)
}

/// One thread per engine advances its epoch every `EPOCH_TICK`, and ends once the
/// engine is gone.
fn start_epoch_ticker(engine: &Engine) -> wasmtime::Result<()> {
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

/// WASI's `poll_oneoff`, deterministic and never waiting: clocks are frozen, so a
/// program that sleeps would otherwise wait for real time (wasmtime-wasi computes the
/// delay against our frozen clock), and stdin and stdout are memory, always ready. So
/// every subscription fires at once: clocks (relative or absolute, any clock id) and
/// reads and writes (any fd; nbytes is reported as 0). Costs `POLL_FUEL` plus
/// `POLL_FUEL_PER_SUBSCRIPTION` per subscription; without enough fuel the run ends
/// `OutOfFuel`. Errnos: 28 (EINVAL) for no subscriptions or an unknown type, 21
/// (EFAULT) for pointers outside memory.
fn poll_oneoff(
	mut caller: Caller<'_, State>,
	subscriptions: i32,
	events: i32,
	count: i32,
	nevents: i32,
) -> wasmtime::Result<i32> {
	let count = count as u32;
	if caller.data().metering {
		let cost = POLL_FUEL + POLL_FUEL_PER_SUBSCRIPTION * u64::from(count);
		let fuel = caller.get_fuel()?;
		if fuel < cost {
			caller.set_fuel(0)?;
			return Err(Trap::OutOfFuel.into());
		}
		caller.set_fuel(fuel - cost)?;
	}
	if count == 0 {
		return Ok(ERRNO_INVAL);
	}
	let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
		return Err(ProgramFault("poll_oneoff from a module that exports no memory".into()).into());
	};
	let memory = memory.data_mut(&mut caller);
	let count = count as usize;
	let (subscriptions, events, nevents) =
		(subscriptions as u32 as usize, events as u32 as usize, nevents as u32 as usize);
	let within =
		|start: usize, len: usize| start.checked_add(len).is_some_and(|end| end <= memory.len());
	if !within(subscriptions, count * SUBSCRIPTION_SIZE)
		|| !within(events, count * EVENT_SIZE)
		|| !within(nevents, 4)
	{
		return Ok(ERRNO_FAULT);
	}
	// Read every subscription before writing any event: the two may overlap.
	let mut fired = Vec::with_capacity(count);
	for index in 0..count {
		let subscription =
			&memory[subscriptions + index * SUBSCRIPTION_SIZE..][..SUBSCRIPTION_SIZE];
		let userdata: [u8; 8] = subscription[..8].try_into().expect("8 bytes");
		// The event type is the subscription's tag: 0 clock, 1 fd_read, 2 fd_write.
		let tag = subscription[8];
		if tag > 2 {
			return Ok(ERRNO_INVAL);
		}
		fired.push((userdata, tag));
	}
	for (index, (userdata, tag)) in fired.into_iter().enumerate() {
		let event = &mut memory[events + index * EVENT_SIZE..][..EVENT_SIZE];
		// errno 0 at 8, nbytes 0 at 16 and flags 0 at 24 for fd events, padding.
		event.fill(0);
		event[..8].copy_from_slice(&userdata);
		event[10] = tag;
	}
	memory[nevents..nevents + 4].copy_from_slice(&(count as u32).to_le_bytes());
	Ok(ERRNO_SUCCESS)
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

	/// Long enough never to stop a test that does not mean to be stopped.
	const NO_GUARD: Duration = Duration::from_secs(120);

	fn run(wat: &str, input: &[u8], fuel: u64) -> RunOutcome {
		run_for(wat, input, fuel, NO_GUARD).expect("no abstention")
	}

	fn run_for(
		wat: &str,
		input: &[u8],
		fuel: u64,
		limit: Duration,
	) -> Result<RunOutcome, Abstention> {
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(wat).unwrap()).unwrap();
		sandbox.run(&module, input, fuel, 4096, [7; 32], limit).unwrap()
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
		let other = sandbox.run(&module, b"", 1_000_000, 4096, [8; 32], NO_GUARD).unwrap().unwrap();
		assert_ne!(a.output[8..], other.output[8..], "another job id, other random bytes");
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

	fn outcome_or_error(wat: &str) -> Result<RunOutcome, String> {
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(wat).unwrap()).map_err(|e| e.to_string())?;
		let outcome = sandbox.run(&module, b"", u64::MAX / 2, 64, [7; 32], NO_GUARD);
		Ok(outcome.map_err(|e| e.to_string())?.expect("no abstention"))
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
	fn nan_canonicalisation_changes_neither_results_nor_fuel_of_ordinary_code() {
		let wasm = wat::parse_str(ECHO).unwrap();
		let run = |cross_class| {
			let sandbox = Sandbox::new(SandboxConfig::for_job(cross_class)).unwrap();
			let module = sandbox.compile(&wasm).unwrap();
			sandbox.run(&module, b"abc", 1_000_000, 64, job_seed(1), NO_GUARD).unwrap().unwrap()
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

	/// Fuel of `ECHO` on "hello" before the guard and our `poll_oneoff` existed: epoch
	/// checks and the new run thread must not change fuel.
	const ECHO_HELLO_FUEL: u64 = 21;

	#[test]
	fn the_wall_clock_guard_leaves_fuel_as_it_was() {
		assert_eq!(run(ECHO, b"hello", 1_000_000).fuel_used, ECHO_HELLO_FUEL);
	}

	/// Sleeps 20 s on the monotonic clock, then until 30 s on the realtime clock, then
	/// polls both and stdin at once; writes the three errnos, the event count of the
	/// last poll and its three events.
	const SLEEPER: &str = r#"(module
		(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
		(memory (export "memory") 1)
		(func (export "_start")
			;; subscription at 0: relative, monotonic (1), 20 s
			(i64.store (i32.const 0) (i64.const 11))
			(i32.store8 (i32.const 8) (i32.const 0))
			(i32.store (i32.const 16) (i32.const 1))
			(i64.store (i32.const 24) (i64.const 20000000000))
			;; at 48: absolute (flags 1), realtime (0), 30 s after the epoch
			(i64.store (i32.const 48) (i64.const 22))
			(i32.store8 (i32.const 56) (i32.const 0))
			(i32.store (i32.const 64) (i32.const 0))
			(i64.store (i32.const 72) (i64.const 30000000000))
			(i32.store16 (i32.const 88) (i32.const 1))
			;; at 96: fd_read (1) of stdin
			(i64.store (i32.const 96) (i64.const 33))
			(i32.store8 (i32.const 104) (i32.const 1))
			(i32.store (i32.const 112) (i32.const 0))
			;; errnos at 240, the event count at 252, events at 256
			(i32.store (i32.const 240) (call $poll (i32.const 0) (i32.const 256) (i32.const 1) (i32.const 252)))
			(i32.store (i32.const 244) (call $poll (i32.const 48) (i32.const 256) (i32.const 1) (i32.const 252)))
			(i32.store (i32.const 248) (call $poll (i32.const 0) (i32.const 256) (i32.const 3) (i32.const 252)))
			(i32.store (i32.const 500) (i32.const 240))
			(i32.store (i32.const 504) (i32.const 112))
			(drop (call $write (i32.const 1) (i32.const 500) (i32.const 1) (i32.const 508)))))"#;

	/// Fuel of `SLEEPER`: its instructions and three polls of 1, 1 and 3 subscriptions.
	const SLEEPER_FUEL: u64 = 3_569;

	#[test]
	fn sleeping_returns_at_once_with_deterministic_fuel() {
		let started = std::time::Instant::now();
		let outcome = run(SLEEPER, b"in", 1_000_000);
		let elapsed = started.elapsed();
		println!("sleeper: {elapsed:?}, {} fuel", outcome.fuel_used);
		assert!(elapsed < Duration::from_secs(1), "slept {elapsed:?}");
		assert_eq!(outcome.status, ExecutionStatus::Exited(0));
		let mut expected = vec![0; 12];
		expected.extend(3u32.to_le_bytes());
		for (userdata, eventtype) in [(11u64, 0u8), (22, 0), (33, 1)] {
			let mut event = [0; 32];
			event[..8].copy_from_slice(&userdata.to_le_bytes());
			event[10] = eventtype;
			expected.extend(event);
		}
		assert_eq!(outcome.output, expected);
		assert!(outcome.fuel_used >= 3 * POLL_FUEL + 5 * POLL_FUEL_PER_SUBSCRIPTION);
		assert_eq!(outcome.fuel_used, SLEEPER_FUEL);
		assert_eq!(outcome, run(SLEEPER, b"in", 1_000_000));
	}

	/// `poll_oneoff(subscriptions, events, count, nevents)`, then exits with its errno.
	fn poll_exit_code(
		subscriptions: i32,
		events: i32,
		count: i32,
		nevents: i32,
		tag: u8,
	) -> RunOutcome {
		let wat = format!(
			r#"(module
			(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
			(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
			(memory (export "memory") 1)
			(func (export "_start")
				(i32.store8 (i32.const 8) (i32.const {tag}))
				(call $exit (call $poll (i32.const {subscriptions}) (i32.const {events})
					(i32.const {count}) (i32.const {nevents})))))"#
		);
		run(&wat, b"", 1_000_000_000)
	}

	#[test]
	fn poll_without_subscriptions_is_einval_and_costs_fuel() {
		let outcome = poll_exit_code(0, 1024, 0, 2048, 0);
		assert_eq!(outcome.status, ExecutionStatus::Exited(28));
		assert!(outcome.fuel_used >= POLL_FUEL, "{outcome:?}");
		let one = poll_exit_code(0, 1024, 1, 2048, 0);
		assert_eq!(one.status, ExecutionStatus::Exited(0));
		assert_eq!(one.fuel_used, outcome.fuel_used + POLL_FUEL_PER_SUBSCRIPTION);
	}

	#[test]
	fn poll_with_garbage_pointers_or_types_fails_cleanly() {
		let page = 65536;
		for (subscriptions, events, count, nevents) in [
			(page - 47, 1024, 1, 2048),
			(0, page - 31, 1, 2048),
			(0, 1024, 1, page - 3),
			(-1, 1024, 1, 2048),
			(0, -32, 1, 2048),
			(0, 1024, 1, -1),
			(0, 1024, 2000, 2048),
		] {
			let outcome = poll_exit_code(subscriptions, events, count, nevents, 0);
			assert_eq!(
				outcome.status,
				ExecutionStatus::Exited(21),
				"{subscriptions} {events} {count}"
			);
		}
		assert_eq!(poll_exit_code(0, 1024, 1, 2048, 3).status, ExecutionStatus::Exited(28));
		assert_eq!(poll_exit_code(0, 1024, 1, 2048, 255).status, ExecutionStatus::Exited(28));
		// 4 billion subscriptions cost more fuel than there is: out of fuel, all of it.
		let huge = poll_exit_code(0, 1024, -1, 2048, 0);
		assert_eq!((huge.status, huge.fuel_used), (ExecutionStatus::OutOfFuel, 1_000_000_000));
		// Unmetered, the same call is only a fault.
		let config = SandboxConfig { metering: false, ..SandboxConfig::default() };
		let sandbox = Sandbox::new(config).unwrap();
		let wat = r#"(module
			(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
			(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
			(memory (export "memory") 1)
			(func (export "_start")
				(call $exit (call $poll (i32.const 0) (i32.const 0) (i32.const -1) (i32.const 0)))))"#;
		let module = sandbox.compile(&wat::parse_str(wat).unwrap()).unwrap();
		let outcome = sandbox.run(&module, b"", 0, 64, [0; 32], NO_GUARD).unwrap().unwrap();
		assert_eq!(outcome.status, ExecutionStatus::Exited(21));
	}

	#[test]
	fn reading_stdin_past_its_end_returns_at_once() {
		// Reads 10 times (3 bytes, then nothing), polls stdin, exits with the last count
		// read plus 100 × the poll's errno plus 10 × its event count.
		let reader = r#"(module
			(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
			(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
			(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
			(memory (export "memory") 1)
			(func (export "_start") (local $i i32)
				(i32.store (i32.const 0) (i32.const 100))
				(i32.store (i32.const 4) (i32.const 64))
				(loop
					(drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
					(local.set $i (i32.add (local.get $i) (i32.const 1)))
					(br_if 0 (i32.lt_u (local.get $i) (i32.const 10))))
				(i32.store8 (i32.const 208) (i32.const 1))
				(call $exit (i32.add (i32.load (i32.const 8))
					(i32.add
						(i32.mul (i32.const 100)
							(call $poll (i32.const 200) (i32.const 300) (i32.const 1) (i32.const 400)))
						(i32.mul (i32.const 10) (i32.load (i32.const 400))))))))"#;
		let started = std::time::Instant::now();
		let outcome = run(reader, b"abc", 1_000_000);
		assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
		assert_eq!(outcome.status, ExecutionStatus::Exited(10));
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

	#[test]
	fn hashes_are_checked() {
		let code = b"\0asm\x01\0\0\0";
		assert_eq!(check_hash("program", code, sp_crypto_hashing::blake2_256(code)), Ok(()));
		let error = check_hash("input", code, [0; 32]).unwrap_err();
		assert!(matches!(&error, Abstention::Tampered(m) if m.contains("input")), "{error}");
		assert!(error.to_string().starts_with("tampered: "));
	}

	/// A program that recurses to the depth in its input (u32) and there, if the next
	/// u32 of its input is not 0, calls `random_get`.
	const STACK_PROBE: &str = r#"(module
		(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
		(memory (export "memory") 1)
		(func $down (param $depth i32) (param $host i32)
			(if (i32.eqz (local.get $depth))
				(then (if (local.get $host)
					(then (drop (call $random (i32.const 64) (i32.const 8))))))
				(else (call $down (i32.sub (local.get $depth) (i32.const 1)) (local.get $host)))))
		(func (export "_start")
			(i32.store (i32.const 0) (i32.const 16))
			(i32.store (i32.const 4) (i32.const 8))
			(drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
			(call $down (i32.load (i32.const 16)) (i32.load (i32.const 20)))))"#;

	fn probe(sandbox: &Sandbox, module: &Module, depth: u32, host_call: bool) -> RunOutcome {
		let mut input = depth.to_le_bytes().to_vec();
		input.extend(u32::from(host_call).to_le_bytes());
		sandbox.run(module, &input, u64::MAX / 2, 64, [1; 32], NO_GUARD).unwrap().unwrap()
	}

	/// The greatest depth the probe reaches without hitting the wasm stack limit.
	fn deepest(sandbox: &Sandbox, module: &Module, host_call: bool) -> u32 {
		let (mut fits, mut traps) = (0, 1 << 20);
		assert_eq!(probe(sandbox, module, traps, host_call).status, ExecutionStatus::Trapped);
		while traps - fits > 1 {
			let middle = fits + (traps - fits) / 2;
			match probe(sandbox, module, middle, host_call).status {
				ExecutionStatus::Exited(0) => fits = middle,
				ExecutionStatus::Trapped => traps = middle,
				other => panic!("{other:?} at depth {middle}"),
			}
		}
		fits
	}

	/// Uses about `frames` × 4 KiB of this thread's stack, then calls `f`.
	fn with_deep_stack<R>(frames: usize, f: &mut dyn FnMut() -> R) -> R {
		let mut pad = [0u8; 4096];
		std::hint::black_box(&mut pad);
		let result = if frames == 0 { f() } else { with_deep_stack(frames - 1, f) };
		std::hint::black_box(&pad);
		result
	}

	/// Where the wasm stack limit hits depends on the program only, in one build of the
	/// worker: not on a WASI call at the deepest frame (wasmtime checks the limit only in
	/// wasm prologues, so host frames below the deepest wasm frame are not counted) nor on
	/// the caller's stack (the run has its own thread). Here a caller with 300 KiB of a
	/// 1 MiB stack used runs the probe, whose 1 MiB wasm stack would not even fit there.
	///
	/// Debug and release builds of the worker do not quite agree, though: wasmtime puts
	/// the limit `max_wasm_stack` below the stack pointer it reads in its entry code, and
	/// the host frames between there and the first wasm frame are generic wasmtime code
	/// compiled in this crate, with this crate's opt-level (0 in dev builds). Measured with
	/// this probe (64-byte frames): 16378 frames fit in a release build, 16374 in a dev
	/// build. The build of the worker (profile and toolchain) is therefore part of its
	/// determinism class; the figure pinned below catches a change in release builds.
	/// (Before the epoch guard the probe's frames were 48 bytes and 21838 of them fit:
	/// epoch checks cost no fuel but do cost stack.)
	#[test]
	fn the_stack_depth_probe_hits_the_limit_at_one_depth() {
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(STACK_PROBE).unwrap()).unwrap();
		let depth = deepest(&sandbox, &module, false);
		println!(
			"stack-depth probe: {depth} frames fit in {} bytes",
			sandbox.config().max_wasm_stack
		);
		#[cfg(not(debug_assertions))]
		assert_eq!(depth, 16_378, "the wasm stack limit moved: results of deep recursions change");
		assert!(depth > 1_000, "{depth}");
		assert_eq!(deepest(&sandbox, &module, true), depth, "a WASI call at the bottom");

		let at = |host_call| {
			(
				probe(&sandbox, &module, depth, host_call),
				probe(&sandbox, &module, depth + 1, host_call),
			)
		};
		let expected = [at(false), at(true)];
		assert_eq!(expected[0].0.status, ExecutionStatus::Exited(0));
		assert_eq!(expected[0].1.status, ExecutionStatus::Trapped);
		let from_a_deep_stack = std::thread::scope(|scope| {
			std::thread::Builder::new()
				.stack_size(1 << 20)
				.spawn_scoped(scope, || with_deep_stack(75, &mut || [at(false), at(true)]))
				.unwrap()
				.join()
				.unwrap()
		});
		assert_eq!(from_a_deep_stack, expected);
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
			r#"(module (memory (export "memory") 1) (table 1 funcref) (table 1 funcref) (func (export "_start")))"#
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
