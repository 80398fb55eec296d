//! `povc`: pay for WebAssembly jobs on a povc chain and get verified results.

mod account;
mod failure;
mod job;
mod output;
mod program;
mod project;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use failure::Failure;

#[derive(Parser)]
#[command(
	name = "povc",
	version,
	about = "Run WebAssembly jobs on povc and get results that independent workers agree on.",
	after_help = "Exit codes: 0 success; 1 error; 2 bad arguments or input (missing file, \
	              invalid wasm, ...); 3 the job ended without a verified result; 4 node \
	              unreachable; 5 not enough balance; 6 the chain's runtime changed what this povc \
	              sends (update povc)."
)]
struct Cli {
	#[command(flatten)]
	global: Global,
	#[command(subcommand)]
	command: Command,
}

/// Flags every command takes (the same as `povc-worker`'s).
#[derive(Args, Clone)]
pub struct Global {
	/// WebSocket URL of a povc node.
	#[arg(long, global = true, env = "POVC_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	pub node: String,
	/// The signing key: a dev seed like //Alice, a mnemonic, or the path of a key file
	/// holding one (POVC_KEY keeps it out of the process list).
	#[arg(long, global = true, env = "POVC_KEY", hide_env_values = true)]
	pub key: Option<String>,
	/// Print JSON for scripts instead of text.
	#[arg(long, global = true)]
	pub json: bool,
}

#[derive(Subcommand)]
enum Command {
	/// Create or inspect keys.
	#[command(subcommand)]
	Keys(account::KeysCommand),
	/// Show an account's balance (default: the --key account).
	Balance(account::BalanceArgs),
	/// Send POVC to another account.
	Transfer(account::TransferArgs),
	/// Store programs on chain.
	#[command(subcommand)]
	Program(program::ProgramCommand),
	/// Submit jobs and follow them.
	#[command(subcommand)]
	Job(job::JobCommand),
	/// Inspect workers.
	#[command(subcommand)]
	Worker(account::WorkerCommand),
	/// Validators' compute scores and BABE weights.
	Scores,
	/// Volunteer research projects (unpaid jobs that earn score).
	#[command(subcommand)]
	Project(project::ProjectCommand),
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(error) => return Failure::other(format!("cannot start: {error}")).report(),
	};
	let outcome = runtime.block_on(async {
		match cli.command {
			Command::Keys(command) => account::keys(&cli.global, command),
			Command::Balance(args) => account::balance(&cli.global, args).await,
			Command::Transfer(args) => account::transfer(&cli.global, args).await,
			Command::Program(command) => program::run(&cli.global, command).await,
			Command::Job(command) => job::run(&cli.global, command).await,
			Command::Worker(command) => account::worker(&cli.global, command).await,
			Command::Scores => account::scores(&cli.global).await,
			Command::Project(command) => project::run(&cli.global, command).await,
		}
	});
	match outcome {
		Ok(()) => ExitCode::SUCCESS,
		Err(failure) => failure.report(),
	}
}
