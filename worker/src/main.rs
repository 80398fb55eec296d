//! `povc-worker`: earn POVC by running other people's WebAssembly jobs.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use clap::{Args, Parser, Subcommand};
use povc_client::{
	api::povc as chain_api, api::povc::runtime_types::bounded_collections::bounded_vec::BoundedVec,
	keys::Signer,
};
use povc_worker::{
	capacity::{Memory, Sizing},
	chain::Chain,
	class,
	exec::{self, ExecArgs},
	metrics::Metrics,
	modules::{self, CompileLimits, Programs},
	service::{Options, Worker},
	store::Store,
	Result,
};

#[derive(Parser)]
#[command(
	name = "povc-worker",
	version,
	about = "Run povc jobs: WebAssembly programs in a deterministic sandbox, paid for results \
	         that independent workers agree on.",
	after_help = "Logs: set RUST_LOG (e.g. RUST_LOG=povc_worker=debug). Exit codes: 0 success, \
	              1 error, 2 bad arguments; `exec` also returns 3 when the program did not \
	              exit with 0; `run` returns 6 when the chain's runtime was upgraded to one \
	              this povc-worker cannot sign for (update it)."
)]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Work: follow the chain, run assigned jobs, commit and reveal their results.
	Run(RunArgs),
	/// Register this account as a worker, bonding `--bond` POVC.
	Register(RegisterArgs),
	/// Run a program locally in exactly the sandbox used for jobs (no chain needed).
	Exec(ExecArgs),
	/// Print this worker's determinism class (what `register` declares on chain).
	Class,
	/// Internal: compile a program under the limits of the parent worker.
	#[command(hide = true)]
	CompileModule { source: PathBuf, artifact: PathBuf },
}

/// How to reach the chain and sign (the same flags as the `povc` CLI).
#[derive(Args, Clone)]
struct ChainArgs {
	/// WebSocket URL of a povc node.
	#[arg(long, env = "POVC_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// The worker's key: a dev seed like //Bob, a mnemonic, or the path of a key file
	/// holding one (POVC_KEY keeps it out of the process list).
	#[arg(long, env = "POVC_KEY", hide_env_values = true)]
	key: String,
}

#[derive(Args)]
struct RunArgs {
	#[command(flatten)]
	chain: ChainArgs,
	/// Directory of the worker's durable state and compiled programs (one per worker).
	#[arg(long, env = "POVC_WORKER_DATA_DIR")]
	data_dir: Option<PathBuf>,
	/// Register first (bonding the chain's minimum bond) if the account is not a worker.
	#[arg(long)]
	register: bool,
	/// Take volunteer work: unpaid jobs of research projects that governance approved,
	/// which earn compute score (at the project's rate) for the validator this worker
	/// contributes to. `--volunteer=false` opts out; without the flag the choice on chain
	/// stays as it is.
	#[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
	volunteer: Option<bool>,
	/// Jobs to run at once; also the capacity declared by `--register`. Default: cores,
	/// or fewer if the available memory holds fewer runs (each may use 512 MiB of memory
	/// and more for its code and stack).
	#[arg(long, visible_alias = "capacity")]
	parallel: Option<usize>,
	/// Serve Prometheus metrics on this local port (0 disables them).
	#[arg(long, default_value_t = 9616)]
	prometheus_port: u16,
	/// Serve metrics on all interfaces instead of 127.0.0.1 only.
	#[arg(long)]
	prometheus_external: bool,
	/// Longest a program may take to compile, in seconds.
	#[arg(long, default_value_t = 60)]
	compile_timeout: u64,
	/// Longest wall-clock time to give one run, in seconds. A run is also stopped when
	/// it would miss its commit deadline, or far beyond the time its fuel predicts; the
	/// worker then abstains (no bond lost) instead of committing.
	#[arg(long)]
	max_run_seconds: Option<u64>,
	/// Test only: report corrupted outputs (a lying worker, to test that it is slashed).
	#[arg(long, hide = true)]
	test_corrupt_output: bool,
}

#[derive(Args)]
struct RegisterArgs {
	#[command(flatten)]
	chain: ChainArgs,
	/// Tokens to bond, e.g. 100 or 250.5 (at least the chain's minimum bond, 100 POVC on
	/// the dev chain).
	#[arg(long)]
	bond: String,
	/// Jobs this worker takes at once. Default: cores, or fewer if the available memory
	/// holds fewer runs.
	#[arg(long)]
	capacity: Option<u32>,
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
		)
		.with_writer(std::io::stderr)
		// Colours only on a terminal: log files and journald get plain text.
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.init();
	let outcome = match cli.command {
		Command::Exec(args) => exec::run(&args),
		Command::Class => {
			println!("{}", class::determinism_class());
			Ok(ExitCode::SUCCESS)
		},
		Command::CompileModule { source, artifact } => {
			modules::compile_module_command(&source, &artifact).map(|()| ExitCode::SUCCESS)
		},
		Command::Run(args) => with_runtime(run(args)),
		Command::Register(args) => with_runtime(register(args)),
	};
	outcome.unwrap_or_else(|error| {
		eprintln!("error: {error}");
		ExitCode::FAILURE
	})
}

/// Run `future` on a multi-threaded runtime that does not wait for blocking work (a
/// job still running) when it shuts down.
fn with_runtime(future: impl std::future::Future<Output = Result<ExitCode>>) -> Result<ExitCode> {
	let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
	let outcome = runtime.block_on(future);
	runtime.shutdown_timeout(Duration::from_secs(1));
	outcome
}

fn cores() -> usize {
	std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The runs this machine takes at once: `requested`, or what cores and memory allow;
/// logs why, and warns when `requested` is more than memory allows.
fn capacity(requested: Option<usize>) -> usize {
	let sizing = Sizing::new(cores(), Memory::of_this_machine());
	match requested {
		None => {
			tracing::info!("{sizing}");
			sizing.capacity
		},
		Some(requested) => {
			let requested = requested.max(1);
			match sizing.warning(requested) {
				Some(warning) => tracing::warn!("{warning}"),
				None => tracing::info!("capacity {requested} (set; machine: {sizing})"),
			}
			requested
		},
	}
}

async fn run(args: RunArgs) -> Result<ExitCode> {
	let signer = Signer::from_arg(&args.chain.key)?;
	let parallel = capacity(args.parallel);
	let data_dir = match args.data_dir {
		Some(dir) => dir,
		None => default_data_dir(&signer)?,
	};
	std::fs::create_dir_all(&data_dir)
		.map_err(|e| format!("cannot create the data dir {}: {e}", data_dir.display()))?;
	let store = Store::open(&data_dir.join("state"))?;
	let limits = CompileLimits {
		timeout: Duration::from_secs(args.compile_timeout),
		..CompileLimits::default()
	};
	let programs = Programs::new(Some(data_dir.join("modules")), limits, 64, parallel)?;

	let registry = substrate_prometheus_endpoint::Registry::new();
	let metrics = Metrics::new(&registry)?;
	if args.prometheus_port != 0 {
		let ip = if args.prometheus_external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
		let address = SocketAddr::from((ip, args.prometheus_port));
		Metrics::serve(registry, address);
		tracing::info!("metrics at http://{address}/metrics");
	}
	tracing::info!(
		account = %signer.address(),
		class = %class::determinism_class(),
		codegen = class::target_features(),
		data_dir = %data_dir.display(),
		parallel,
		"povc-worker starting"
	);
	if args.register || args.volunteer.is_some() {
		let chain = Chain::connect(&args.chain.node, signer.clone()).await?;
		if args.register {
			ensure_registered(&chain, None, parallel as u32).await?;
		}
		if let Some(volunteer) = args.volunteer {
			ensure_volunteer(&chain, volunteer).await?;
		}
	}

	let options = Options {
		node: args.chain.node,
		data_dir,
		parallel,
		max_run: args.max_run_seconds.map(Duration::from_secs),
		corrupt_output: args.test_corrupt_output,
	};
	let worker = Worker::new(options, signer, store, programs, metrics);
	let (stop, stopped) = tokio::sync::watch::channel(false);
	let service = tokio::spawn(worker.clone().run(stopped));
	let code = tokio::select! {
		signal = shutdown_signal() => signal.map(|()| ExitCode::SUCCESS)?,
		() = worker.incompatible() => ExitCode::from(povc_client::tx::INCOMPATIBLE_EXIT_CODE),
	};
	tracing::info!("shutting down: finishing running jobs (their results are kept either way)");
	let _ = stop.send(true);
	let _ = service.await;
	worker.drain(Duration::from_secs(10)).await;
	Ok(code)
}

async fn register(args: RegisterArgs) -> Result<ExitCode> {
	let signer = Signer::from_arg(&args.chain.key)?;
	let chain = Chain::connect(&args.chain.node, signer).await?;
	let capacity = capacity(args.capacity.map(|c| c as usize)) as u32;
	let bond = chain.token().parse(&args.bond)?;
	ensure_registered(&chain, Some(bond), capacity).await?;
	Ok(ExitCode::SUCCESS)
}

/// Register with `bond` (default: the minimum) unless registered already.
async fn ensure_registered(chain: &Chain, bond: Option<u128>, capacity: u32) -> Result<()> {
	let class = class::determinism_class();
	if let Some(worker) = chain.worker().await? {
		let registered = String::from_utf8_lossy(&worker.class).into_owned();
		if registered != class {
			return Err(format!(
				"this account is registered with determinism class {registered:?}, but this \
				 worker is {class:?}: it would be drawn for jobs it cannot reproduce. Re-register \
				 (unbond, withdraw, register) or run the matching povc-worker build"
			)
			.into());
		}
		tracing::info!(bond = %chain.token().format(worker.bond), "already registered");
		return Ok(());
	}
	let bond = match bond {
		Some(bond) => bond,
		None => chain.constant(chain_api::constants().workers().min_bond()).await?,
	};
	let class_bytes = BoundedVec(class.clone().into_bytes());
	let call = chain_api::tx().workers().register(bond, capacity, class_bytes);
	chain.execute(&call).await.map_err(|e| format!("registering failed: {e}"))?;
	tracing::info!(bond = %chain.token().format(bond), capacity, %class, "registered");
	Ok(())
}

/// Opt in to (or out of) volunteer work unless the chain has that choice already.
async fn ensure_volunteer(chain: &Chain, volunteer: bool) -> Result<()> {
	let worker = chain.worker().await?.ok_or(
		"--volunteer needs a registered worker: add --register, or run `povc-worker register`",
	)?;
	if worker.volunteer != volunteer {
		let call = chain_api::tx().workers().set_volunteer(volunteer);
		chain
			.execute(&call)
			.await
			.map_err(|e| format!("setting the volunteer flag failed: {e}"))?;
	}
	tracing::info!(volunteer, "volunteer work");
	Ok(())
}

fn default_data_dir(signer: &Signer) -> Result<PathBuf> {
	let home = std::env::var_os("HOME").ok_or("HOME is not set; pass --data-dir")?;
	Ok(PathBuf::from(home).join(".local/share/povc/worker").join(signer.address()))
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() -> Result<()> {
	#[cfg(unix)]
	{
		let mut terminate =
			tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
		tokio::select! {
			result = tokio::signal::ctrl_c() => result?,
			_ = terminate.recv() => {},
		}
	}
	#[cfg(not(unix))]
	tokio::signal::ctrl_c().await?;
	Ok(())
}
