//! Compiled programs, cached by program hash: in memory (LRU), and on disk for artifacts
//! this worker compiled itself. Loading a compiled artifact runs its machine code, so the
//! disk cache only ever holds files written by our own compiler process. An artifact is
//! the program *instrumented* and compiled; the instrumentation is not part of what
//! wasmtime checks when loading one, so artifacts live in a directory named after the
//! engine and the sandbox version ([`ARTIFACTS_DIR`]), and artifacts of another version
//! are never loaded.
//!
//! Compiling is bounded: a child process (`povc-worker compile-module`) compiles under
//! an address-space limit and a deadline, so a compile bomb costs that child, never the
//! worker. A program that fails to compile is abstained from, and the failure is
//! remembered by program hash (on disk, for [`FAILURE_MEMORY`]): a compile bomb costs a
//! worker one compilation, not one per job or per block.

use std::{
	collections::HashMap,
	path::{Path, PathBuf},
	process::{Command, Stdio},
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};

use codec::Encode;
use povc_primitives::{
	batch::{self, TaskOutput},
	ExecutionStatus,
};
use sp_core::H256;
use wasmtime::Module;

use crate::{
	class,
	sandbox::{check_hash, job_seed, task_seed, Abstention, RunOutcome, Sandbox, SandboxConfig},
};

/// The directory (under the cache's) of this worker's artifacts: the engine and the
/// sandbox version, which names the instrumentation.
pub fn artifacts_dir() -> String {
	format!("{}-{}", class::ENGINE, class::SANDBOX_VERSION)
}

/// How long a failed compilation is remembered: a failure that was this host's passing
/// trouble (a crashed compiler) is retried after it, a compile bomb costs one
/// compilation a day. Raising the compile limits retries at once.
pub const FAILURE_MEMORY: Duration = Duration::from_secs(24 * 60 * 60);

/// Directories of artifacts of earlier versions, removed at start (they never load).
const STALE_DIRS: &[&str] = &["same-class", "cross-class", "wasmtime-48.0.8-povc-2"];

/// What a run of a job depends on besides its input.
#[derive(Clone, Debug)]
pub struct JobParams {
	/// Seeds the program's randomness.
	pub id: povc_primitives::JobId,
	pub program: H256,
	/// 1, or a batch's task count: the input is then its tasks' inputs, and the output
	/// every task's result ([`povc_primitives::batch`]).
	pub tasks: u32,
	/// Fuel of the run (a batch: of each task).
	pub fuel_limit: u64,
	/// Most stdout of the run (a batch: of each task).
	pub max_output_len: u32,
}

/// Limits of one compilation.
#[derive(Clone, Copy, Debug)]
pub struct CompileLimits {
	/// Wall-clock deadline.
	pub timeout: Duration,
	/// Address-space limit of the compiler process, in bytes.
	pub max_memory: u64,
}

impl Default for CompileLimits {
	fn default() -> Self {
		Self { timeout: Duration::from_secs(60), max_memory: 4 << 30 }
	}
}

/// The sandbox a worker runs jobs in, and its compiled programs.
pub struct Programs {
	sandbox: Sandbox,
	memory: Mutex<Lru>,
	/// One lock per program being compiled: jobs of a program that is not compiled yet
	/// (a batch starts many at once) wait for one compilation instead of racing.
	compiling: Mutex<HashMap<H256, Arc<Mutex<()>>>>,
	/// Where compiled artifacts of this version are kept; `None` compiles in process
	/// without caching.
	disk: Option<PathBuf>,
	limits: CompileLimits,
	/// The executable whose `compile-module` subcommand compiles (this one).
	compiler: PathBuf,
}

impl Programs {
	/// Programs compiled in a child process and cached under `dir` (or, without `dir`,
	/// compiled in this process and kept in memory only); the `capacity` most recently
	/// used stay loaded. `runs_at_once` is how many runs the caller makes at once: the
	/// sandbox pools twice as many instances, so that a run its caller gave up on (a
	/// deadline passed) but that is still ending never takes a live run's slot.
	pub fn new(
		dir: Option<PathBuf>,
		limits: CompileLimits,
		capacity: usize,
		runs_at_once: usize,
	) -> crate::Result<Self> {
		let dir = match dir {
			Some(dir) => {
				for stale in STALE_DIRS {
					let _ = std::fs::remove_dir_all(dir.join(stale));
				}
				let artifacts = dir.join(artifacts_dir());
				std::fs::create_dir_all(&artifacts)?;
				Some(artifacts)
			},
			None => None,
		};
		let pooled_runs = u32::try_from(runs_at_once.max(1).saturating_mul(2)).unwrap_or(u32::MAX);
		Ok(Self {
			sandbox: Sandbox::new(SandboxConfig { pooled_runs, ..SandboxConfig::default() })?,
			memory: Mutex::new(Lru::new(capacity)),
			compiling: Mutex::new(HashMap::new()),
			disk: dir,
			limits,
			compiler: std::env::current_exe()?,
		})
	}

	/// Compile with `executable compile-module` instead of this executable.
	pub fn with_compiler(mut self, executable: PathBuf) -> Self {
		self.compiler = executable;
		self
	}

	/// The sandbox jobs run in.
	pub fn sandbox(&self) -> &Sandbox {
		&self.sandbox
	}

	/// Run `job`'s program (`code` is called for its bytes only if it must be compiled) on
	/// `input`, exactly as every replica of the job does, for at most `time_limit` of wall
	/// clock. Blocking. The inner error is an abstention: the guard stopped the run, the
	/// host failed, or the code is not the program on chain (its blake2-256 is not
	/// `job.program`; checked before compiling, so the cache only holds genuine programs).
	pub fn run(
		&self,
		job: &JobParams,
		code: impl FnOnce() -> crate::Result<Vec<u8>>,
		input: &[u8],
		time_limit: Duration,
	) -> crate::Result<Result<RunOutcome, Abstention>> {
		let genuine = || -> crate::Result<Vec<u8>> {
			let code = code()?;
			check_hash("program", &code, job.program.0)?;
			Ok(code)
		};
		let module = match self.get(job.program, genuine) {
			Ok(module) => module,
			Err(error) => return error.downcast::<Abstention>().map(|tampered| Err(*tampered)),
		};
		if job.tasks > 1 {
			return self.run_batch(&module, job, input, time_limit);
		}
		let outcome = self.sandbox.run(
			&module,
			input,
			job.fuel_limit,
			job.max_output_len as usize,
			job_seed(job.id),
			time_limit,
		)?;
		Ok(outcome)
	}

	/// Runs every task of a batch one after another, within `time_limit` in all. The
	/// outcome's output is the tasks' [`TaskOutput`]s, its fuel their sum, its status
	/// `Exited(0)`; any task's abstention is the batch's (a result for every task, or
	/// none).
	fn run_batch(
		&self,
		module: &Module,
		job: &JobParams,
		input: &[u8],
		time_limit: Duration,
	) -> crate::Result<Result<RunOutcome, Abstention>> {
		let inputs = match batch::task_inputs(input) {
			Some(inputs) if inputs.len() == job.tasks as usize => inputs,
			// The chain counted them at submission: these are not the bytes it has.
			_ => {
				let tampered = format!("the input is not the batch's {} task inputs", job.tasks);
				return Ok(Err(Abstention::Tampered(tampered)));
			},
		};
		let seed = |index: usize| task_seed(job.id, index as u32);
		let max_output = job.max_output_len as usize;
		let outcomes = match self.sandbox.run_each(
			module,
			&inputs,
			job.fuel_limit,
			max_output,
			seed,
			time_limit,
		)? {
			Ok(outcomes) => outcomes,
			Err(abstention) => return Ok(Err(abstention)),
		};
		let batch_fuel = outcomes.iter().fold(0u64, |sum, task| sum.saturating_add(task.fuel_used));
		let tasks: Vec<TaskOutput> = outcomes
			.into_iter()
			.map(|RunOutcome { status, fuel_used, output }| TaskOutput {
				status,
				fuel_used,
				output,
			})
			.collect();
		let output = tasks.encode();
		Ok(Ok(RunOutcome { status: ExecutionStatus::Exited(0), fuel_used: batch_fuel, output }))
	}

	/// Whether the compiled program is at hand (so its code need not be downloaded).
	pub fn is_cached(&self, hash: H256) -> bool {
		self.memory.lock().expect("not poisoned").contains(&hash)
			|| self.disk.as_ref().is_some_and(|dir| artifact_path(dir, hash).is_file())
	}

	/// The compiled program `hash`; `code` is called for its bytes only if it must be
	/// compiled. Blocking: call from a blocking thread.
	pub fn get(
		&self,
		hash: H256,
		code: impl FnOnce() -> crate::Result<Vec<u8>>,
	) -> crate::Result<Module> {
		if let Some(module) = self.memory.lock().expect("not poisoned").get(&hash) {
			return Ok(module);
		}
		let key_lock =
			self.compiling.lock().expect("not poisoned").entry(hash).or_default().clone();
		let result = {
			let _compiling = key_lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
			// Another job of the program may have compiled it while this one waited.
			let compiled = self.memory.lock().expect("not poisoned").get(&hash);
			match compiled {
				Some(module) => Ok(module),
				None => self.load_or_compile(hash, code),
			}
		};
		// The last waiter gone, nothing needs the lock any more.
		let mut compiling = self.compiling.lock().expect("not poisoned");
		if Arc::strong_count(&key_lock) == 2 {
			compiling.remove(&hash);
		}
		result
	}

	fn load_or_compile(
		&self,
		hash: H256,
		code: impl FnOnce() -> crate::Result<Vec<u8>>,
	) -> crate::Result<Module> {
		let sandbox = &self.sandbox;
		let module = match &self.disk {
			None => sandbox.compile(&code()?)?,
			Some(dir) => {
				let artifact = artifact_path(dir, hash);
				match load(sandbox, &artifact) {
					Some(module) => module,
					None => {
						let failure = failure_path(dir, hash);
						if let Some(error) = remembered_failure(&failure, self.limits) {
							return Err(Abstention::HostFailure(format!(
								"the program did not compile here before: {error}"
							))
							.into());
						}
						let code = code()?;
						// The chain validated the program, so failing to compile it here (out of
						// time or memory, a crashed compiler) is this host's trouble: abstain,
						// rather than retry until the commit deadline passes, and remember it.
						if let Err(error) =
							compile_in_child(&self.compiler, &code, &artifact, self.limits)
						{
							remember_failure(&failure, self.limits, &error.to_string());
							return Err(Abstention::HostFailure(format!(
								"cannot compile the program: {error}"
							))
							.into());
						}
						load(sandbox, &artifact)
							.ok_or("the compiler process wrote an artifact that does not load")?
					},
				}
			},
		};
		self.memory.lock().expect("not poisoned").insert(hash, module.clone());
		Ok(module)
	}
}

/// Loads an artifact we compiled earlier; a stale or damaged one is removed.
fn load(sandbox: &Sandbox, artifact: &Path) -> Option<Module> {
	if !artifact.is_file() {
		return None;
	}
	// SAFETY: the file was written by our own compiler process (see the module docs);
	// wasmtime rejects artifacts of another engine version or configuration.
	match unsafe { Module::deserialize_file(sandbox.engine(), artifact) } {
		Ok(module) => Some(module),
		Err(error) => {
			tracing::warn!(artifact = %artifact.display(), %error, "discarding a stale compiled program");
			let _ = std::fs::remove_file(artifact);
			None
		},
	}
}

fn artifact_path(dir: &Path, hash: H256) -> PathBuf {
	dir.join(format!("{}.cwasm", hex::encode(hash)))
}

fn failure_path(dir: &Path, hash: H256) -> PathBuf {
	dir.join(format!("{}.failed", hex::encode(hash)))
}

/// Records that compiling failed under `limits`: "timeout_ms max_memory\nerror".
fn remember_failure(path: &Path, limits: CompileLimits, error: &str) {
	let record = format!("{} {}\n{error}", limits.timeout.as_millis(), limits.max_memory);
	if let Err(write_error) = std::fs::write(path, record) {
		tracing::warn!(path = %path.display(), %write_error, "cannot remember a failed compilation");
	}
}

/// The error of a failed compilation recorded at `path`, if it is younger than
/// [`FAILURE_MEMORY`] and `limits` are no more generous than those it failed under.
fn remembered_failure(path: &Path, limits: CompileLimits) -> Option<String> {
	let age = std::fs::metadata(path).ok()?.modified().ok()?.elapsed().unwrap_or_default();
	let record = std::fs::read_to_string(path).ok()?;
	let (failed_under, error) = record.split_once('\n')?;
	let (timeout_ms, max_memory) = failed_under.split_once(' ')?;
	let more_generous = limits.timeout.as_millis() > timeout_ms.parse().ok()?
		|| limits.max_memory > max_memory.parse().ok()?;
	(age < FAILURE_MEMORY && !more_generous).then(|| error.to_string())
}

/// Compile `wasm` into `artifact` in a child process under `limits`.
fn compile_in_child(
	compiler: &Path,
	wasm: &[u8],
	artifact: &Path,
	limits: CompileLimits,
) -> crate::Result<()> {
	// Names of this compilation only: another process sharing the directory (a second
	// worker started on it by mistake) cannot overwrite or delete them.
	static COMPILATIONS: AtomicU64 = AtomicU64::new(0);
	let unique = format!("{}-{}", std::process::id(), COMPILATIONS.fetch_add(1, Ordering::Relaxed));
	let source = artifact.with_extension(format!("{unique}.wasm.tmp"));
	let partial = artifact.with_extension(format!("{unique}.cwasm.tmp"));
	std::fs::write(&source, wasm)?;
	let mut command = Command::new(compiler);
	command
		.arg("compile-module")
		.arg(&source)
		.arg(&partial)
		.stdin(Stdio::null())
		.stdout(Stdio::null())
		.stderr(Stdio::piped());
	limit_address_space(&mut command, limits.max_memory);
	let started = Instant::now();
	let mut child = command.spawn()?;
	let status = loop {
		if let Some(status) = child.try_wait()? {
			break status;
		}
		if started.elapsed() > limits.timeout {
			let _ = child.kill();
			let _ = child.wait();
			let _ = std::fs::remove_file(&source);
			return Err(format!("compiling took longer than {:?}", limits.timeout).into());
		}
		std::thread::sleep(Duration::from_millis(20));
	};
	let _ = std::fs::remove_file(&source);
	if !status.success() {
		let mut stderr = String::new();
		if let Some(mut pipe) = child.stderr.take() {
			use std::io::Read;
			let _ = pipe.read_to_string(&mut stderr);
		}
		let _ = std::fs::remove_file(&partial);
		return Err(format!("the program does not compile ({status}): {}", stderr.trim()).into());
	}
	// The rename makes a complete artifact appear at once: a crash never leaves half of one.
	std::fs::rename(&partial, artifact)?;
	tracing::debug!(artifact = %artifact.display(), took = ?started.elapsed(), "compiled");
	Ok(())
}

#[cfg(unix)]
fn limit_address_space(command: &mut Command, bytes: u64) {
	use std::os::unix::process::CommandExt;
	// SAFETY: setrlimit is async-signal-safe, as required between fork and exec.
	unsafe {
		command.pre_exec(move || {
			let limit = libc::rlimit { rlim_cur: bytes as _, rlim_max: bytes as _ };
			if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
				return Err(std::io::Error::last_os_error());
			}
			Ok(())
		});
	}
}

#[cfg(not(unix))]
fn limit_address_space(_: &mut Command, _: u64) {}

/// The `compile-module` subcommand: instrument and compile `source` into `artifact`, and
/// exit.
pub fn compile_module_command(source: &Path, artifact: &Path) -> crate::Result<()> {
	let wasm = std::fs::read(source)?;
	let sandbox = Sandbox::new(SandboxConfig { pooled_runs: 0, ..SandboxConfig::default() })?;
	let compiled = sandbox.precompile(&wasm)?;
	std::fs::write(artifact, compiled)?;
	Ok(())
}

/// A small least-recently-used map of compiled modules.
struct Lru {
	capacity: usize,
	tick: u64,
	entries: HashMap<H256, (u64, Module)>,
}

impl Lru {
	fn new(capacity: usize) -> Self {
		Self { capacity: capacity.max(1), tick: 0, entries: HashMap::new() }
	}

	fn contains(&self, key: &H256) -> bool {
		self.entries.contains_key(key)
	}

	fn get(&mut self, key: &H256) -> Option<Module> {
		self.tick += 1;
		let tick = self.tick;
		self.entries.get_mut(key).map(|(used, module)| {
			*used = tick;
			module.clone()
		})
	}

	fn insert(&mut self, key: H256, module: Module) {
		self.tick += 1;
		if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
			let oldest = self.entries.iter().min_by_key(|(_, (used, _))| *used).map(|(k, _)| *k);
			if let Some(oldest) = oldest {
				self.entries.remove(&oldest);
			}
		}
		self.entries.insert(key, (self.tick, module));
	}
}
