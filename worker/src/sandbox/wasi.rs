//! The WASI preview 1 host a program sees: the job input on stdin, a bounded stdout,
//! clocks frozen at 0, randomness seeded from the job, no arguments, environment, files or
//! network, and a `poll_oneoff` of our own that never waits. Nothing a program can observe
//! depends on the host or on time, so every replica sees the same world; and no host call
//! blocks, so a program cannot make an honest worker miss its deadline. Host calls that
//! move bytes (`random_get`, `fd_write`) cost fuel per byte, so fuel predicts their time
//! as it predicts the time of instructions.

use super::{runner::State, verdict::ProgramFault};
use codec::Encode;
use pallet_jobs::program::WASI_MODULE;
use rand::SeedableRng;
use std::time::Duration;
use wasmtime::{Caller, Engine, Extern, Linker, Trap};
use wasmtime_wasi::{
	p1::WasiP1Ctx,
	p2::pipe::{MemoryInputPipe, MemoryOutputPipe},
	HostMonotonicClock, HostWallClock, WasiCtxBuilder,
};

/// Fuel one `poll_oneoff` call costs, and each of its subscriptions: it does no waiting
/// but reads and writes guest memory, so it is not free.
const POLL_FUEL: u64 = 1_000;
const POLL_FUEL_PER_SUBSCRIPTION: u64 = 100;

/// Fuel per byte `random_get` fills, and per byte and per buffer `fd_write` is handed
/// (charged before the call, whatever it then writes): at least their cost in time at
/// the rate instructions burn fuel (measured in `bytes_cost_fuel_in_proportion_to_time`
/// on x86-64: instructions 0.14 ns per fuel; random bytes 1.2 ns, written bytes 0.05 ns,
/// buffers 36 ns each).
const RANDOM_FUEL_PER_BYTE: u64 = 8;
const WRITE_FUEL_PER_BYTE: u64 = 1;
const WRITE_FUEL_PER_BUFFER: u64 = 256;
/// The most bytes one `random_get` fills (wasmtime-wasi's limit).
const MAX_RANDOM_LEN: u64 = 64 << 20;
const CIOVEC_SIZE: usize = 8;

/// WASI preview 1 errnos and event types used by our `poll_oneoff`.
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_BADF: i32 = 8;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;
const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;

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

/// The seed of job `id`'s randomness (`random_get`): the same for every replica.
pub fn job_seed(id: povc_primitives::JobId) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&(b"povc/job-seed", id).encode())
}

/// The seed of task `index` of batch job `id`: the same for every replica, different
/// for every task (a sweep of simulations wants independent randomness per task).
pub fn task_seed(id: povc_primitives::JobId, index: u32) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&(b"povc/task-seed", id, index).encode())
}

/// The WASI context of one run: `input` on stdin, frozen clocks and randomness from
/// `seed`; nothing else (no arguments, environment or preopened files). Its stdout only
/// gives fd 1 its file type: our `fd_write` keeps the output ([`Output`]).
pub(super) fn context(input: &[u8], seed: [u8; 32]) -> WasiP1Ctx {
	WasiCtxBuilder::new()
		.stdin(MemoryInputPipe::new(input.to_vec()))
		.stdout(MemoryOutputPipe::new(0))
		.wall_clock(FrozenClock)
		.monotonic_clock(FrozenClock)
		.secure_random(rand::rngs::StdRng::from_seed(seed))
		.insecure_random(rand::rngs::StdRng::from_seed(seed))
		.insecure_random_seed(u128::from_le_bytes(seed[..16].try_into().expect("16 bytes")))
		.build_p1()
}

/// What programs link against: wasmtime-wasi's WASI preview 1 with our own
/// `poll_oneoff`, `random_get` and `fd_write` (which charge fuel per byte; see
/// [`Output`]).
pub(super) fn linker(engine: &Engine) -> wasmtime::Result<Linker<State>> {
	let mut linker = Linker::new(engine);
	wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |state: &mut State| &mut state.wasi)?;
	linker.allow_shadowing(true);
	linker.func_wrap(WASI_MODULE, "poll_oneoff", poll_oneoff)?;
	linker.func_wrap(WASI_MODULE, "random_get", random_get)?;
	linker.func_wrap(WASI_MODULE, "fd_write", fd_write)?;
	linker.allow_shadowing(false);
	Ok(linker)
}

/// What our `random_get` and `fd_write` keep in a run's store: the job's random stream
/// and the program's stdout, of at most `capacity` bytes (the output limit plus one, so
/// that an output too large shows).
pub(super) struct Output {
	random: rand::rngs::StdRng,
	stdout: Vec<u8>,
	capacity: usize,
}

impl Output {
	/// Randomness from `seed`, and a stdout of at most `capacity` bytes.
	pub(super) fn new(seed: [u8; 32], capacity: usize) -> Self {
		Self { random: rand::rngs::StdRng::from_seed(seed), stdout: Vec::new(), capacity }
	}

	/// What the program wrote to stdout.
	pub(super) fn into_stdout(self) -> Vec<u8> {
		self.stdout
	}
}

/// Takes `cost` fuel, or all that is left and ends the run `OutOfFuel` (when metered).
fn charge(caller: &mut Caller<'_, State>, cost: u64) -> wasmtime::Result<()> {
	if !caller.data().metering {
		return Ok(());
	}
	let fuel = caller.get_fuel()?;
	if fuel < cost {
		caller.set_fuel(0)?;
		return Err(Trap::OutOfFuel.into());
	}
	caller.set_fuel(fuel - cost)?;
	Ok(())
}

/// The program's memory and the store's state, borrowed together.
fn memory_and_state<'a>(
	caller: &'a mut Caller<'_, State>,
	call: &str,
) -> wasmtime::Result<(&'a mut [u8], &'a mut State)> {
	let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
		return Err(ProgramFault(format!("{call} from a module that exports no memory")).into());
	};
	Ok(memory.data_and_store_mut(caller))
}

/// `len` bytes of `memory` from `start`; a trap if they are not all inside it (as
/// wasmtime-wasi's functions trap).
fn range(
	memory: &[u8],
	start: i32,
	len: u64,
	call: &str,
) -> wasmtime::Result<core::ops::Range<usize>> {
	let start = start as u32 as usize;
	usize::try_from(len)
		.ok()
		.and_then(|len| start.checked_add(len))
		.filter(|end| *end <= memory.len())
		.map(|end| start..end)
		.ok_or_else(|| ProgramFault(format!("{call}: a buffer outside memory")).into())
}

/// WASI's `random_get`: the job's random stream (the same on every replica), at
/// `RANDOM_FUEL_PER_BYTE` per byte asked for. More than `MAX_RANDOM_LEN` at once, or a
/// buffer outside memory, traps (as wasmtime-wasi's did).
fn random_get(mut caller: Caller<'_, State>, buf: i32, len: i32) -> wasmtime::Result<i32> {
	let len = u64::from(len as u32);
	if len > MAX_RANDOM_LEN {
		return Err(ProgramFault(format!("random_get: requested len {len} exceeds 64 MiB")).into());
	}
	charge(&mut caller, RANDOM_FUEL_PER_BYTE.saturating_mul(len))?;
	let (memory, state) = memory_and_state(&mut caller, "random_get")?;
	let buf = range(memory, buf, len, "random_get")?;
	rand::Rng::fill_bytes(&mut state.output.random, &mut memory[buf]);
	Ok(ERRNO_SUCCESS)
}

/// WASI's `fd_write`, at `WRITE_FUEL_PER_BUFFER` per buffer and `WRITE_FUEL_PER_BYTE`
/// per byte of the buffers it is handed. Stdout (fd 1) keeps what fits in its capacity
/// and reports what it kept; stderr (fd 2) takes everything and keeps nothing; other
/// fds are errno 8 (EBADF). A buffer outside memory traps (as wasmtime-wasi's did).
fn fd_write(
	mut caller: Caller<'_, State>,
	fd: i32,
	iovs: i32,
	iovs_len: i32,
	nwritten: i32,
) -> wasmtime::Result<i32> {
	let count = u64::from(iovs_len as u32);
	charge(&mut caller, WRITE_FUEL_PER_BUFFER.saturating_mul(count))?;
	let (memory, _) = memory_and_state(&mut caller, "fd_write")?;
	let iovecs = range(memory, iovs, count.saturating_mul(CIOVEC_SIZE as u64), "fd_write")?;
	let buffers: Vec<(i32, u64)> = memory[iovecs]
		.chunks_exact(CIOVEC_SIZE)
		.map(|iovec| {
			let word = |at: usize| u32::from_le_bytes(iovec[at..at + 4].try_into().expect("4"));
			(word(0) as i32, u64::from(word(4)))
		})
		.collect();
	let bytes = buffers.iter().fold(0u64, |sum, (_, len)| sum.saturating_add(*len));
	charge(&mut caller, WRITE_FUEL_PER_BYTE.saturating_mul(bytes))?;
	let (memory, state) = memory_and_state(&mut caller, "fd_write")?;
	let ranges = buffers
		.iter()
		.map(|(at, len)| range(memory, *at, *len, "fd_write"))
		.collect::<wasmtime::Result<Vec<_>>>()?;
	let count_at = range(memory, nwritten, 4, "fd_write")?;
	let written = match fd {
		1 => {
			let stdout = &mut state.output;
			let before = stdout.stdout.len();
			for buffer in ranges {
				let room = stdout.capacity.saturating_sub(stdout.stdout.len());
				let take = buffer.len().min(room);
				stdout.stdout.extend_from_slice(&memory[buffer.start..buffer.start + take]);
			}
			stdout.stdout.len() - before
		},
		2 => usize::try_from(bytes).unwrap_or(usize::MAX),
		_ => return Ok(ERRNO_BADF),
	};
	memory[count_at].copy_from_slice(&(written as u32).to_le_bytes());
	Ok(ERRNO_SUCCESS)
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
	charge(&mut caller, POLL_FUEL + POLL_FUEL_PER_SUBSCRIPTION * u64::from(count))?;
	if count == 0 {
		return Ok(ERRNO_INVAL);
	}
	let (memory, _) = memory_and_state(&mut caller, "poll_oneoff")?;
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

#[cfg(test)]
mod tests {
	use super::*;
	use crate::sandbox::{testing::*, RunOutcome, Sandbox, SandboxConfig};
	use povc_primitives::ExecutionStatus;

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

	/// Fuel of `SLEEPER`: its instructions, three polls of 1, 1 and 3 subscriptions and
	/// a write of one 112-byte buffer (368). 3,937 before the instrumentation, which adds
	/// 11 to the one call (`_start`).
	const SLEEPER_FUEL: u64 = 3_948;

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

	const MIB_64: u64 = 64 << 20;

	/// `random_get` of 64 MiB, or `fd_write` of one 64 MiB buffer (then of 2^20 empty
	/// ones) to stdout, or a loop that stores 64 MiB byte by byte.
	fn byte_mover(call: &str) -> String {
		format!(
			r#"(module
			(import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
			(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
			(memory (export "memory") 1040)
			(func (export "_start") (local $i i32)
				(i32.store (i32.const 0) (i32.const 64))
				(i32.store (i32.const 4) (i32.const {MIB_64}))
				{call}))"#
		)
	}

	/// The bad luck this answers: a `random_get` of 64 MiB took about half a second and
	/// cost a few fuel units, as did large `fd_write`s, so fuel (which sizes a worker's
	/// time budget) did not predict a program's time. Each byte now costs fuel; the test
	/// prints time per fuel of each call beside that of plain instructions.
	#[test]
	fn bytes_cost_fuel_in_proportion_to_time() {
		let fuel = 1u64 << 40;
		let timed = |call: &str| {
			let started = std::time::Instant::now();
			let outcome = run(&byte_mover(call), b"", fuel);
			let elapsed = started.elapsed();
			println!(
				"{call}: {} fuel in {elapsed:?}, {:.2} ns per 1,000 fuel",
				outcome.fuel_used,
				elapsed.as_nanos() as f64 * 1_000.0 / outcome.fuel_used as f64
			);
			outcome
		};
		let random = timed("(drop (call $random (i32.const 1024) (i32.const 67108864)))");
		assert!(random.fuel_used >= RANDOM_FUEL_PER_BYTE * MIB_64, "{random:?}");
		let write =
			timed("(drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))");
		assert_eq!(write.status, ExecutionStatus::OutputTooLarge);
		assert!(write.fuel_used >= WRITE_FUEL_PER_BYTE * MIB_64, "{write:?}");
		let buffers = timed(
			"(drop (call $write (i32.const 1) (i32.const 1024) (i32.const 1048576) (i32.const 8)))",
		);
		assert!(buffers.fuel_used >= WRITE_FUEL_PER_BUFFER << 20, "{buffers:?}");
		let stores = timed(
			"(loop (i32.store8 (local.get $i) (local.get $i))
				(local.set $i (i32.add (local.get $i) (i32.const 1)))
				(br_if 0 (i32.lt_u (local.get $i) (i32.const 67108864))))",
		);
		assert_eq!(stores.status, ExecutionStatus::Exited(0));
		// Out of fuel midway is out of fuel, all of it, as for instructions.
		let short = run(
			&byte_mover("(drop (call $random (i32.const 1024) (i32.const 67108864)))"),
			b"",
			1_000_000,
		);
		assert_eq!((short.status, short.fuel_used), (ExecutionStatus::OutOfFuel, 1_000_000));
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
}
