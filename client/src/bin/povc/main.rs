//! `povc`: pay for WebAssembly jobs on a povc chain and get verified results.
//!
//! `main` parses the arguments into a [`Context`] and a command, and runs the command
//! (`commands/`). Commands use the context and the shared helpers (`blobs`), never each
//! other; each failure carries its [`ExitCode`].

mod blobs;
mod commands;
mod context;
mod exit_code;
mod failure;

use clap::Parser;

use crate::{context::Context, exit_code::ExitCode, failure::Failure};

#[derive(Parser)]
#[command(
	name = "povc",
	version,
	about = "Run WebAssembly jobs on povc and get results that independent workers agree on.",
	after_help = ExitCode::help()
)]
struct Cli {
	#[command(flatten)]
	global: context::Global,
	#[command(subcommand)]
	command: commands::Command,
}

fn main() -> std::process::ExitCode {
	let cli = Cli::parse();
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(error) => return Failure::other(format!("cannot start: {error}")).report(),
	};
	let context = Context::new(cli.global);
	match runtime.block_on(commands::run(&context, cli.command)) {
		Ok(()) => ExitCode::Success.into(),
		Err(failure) => failure.report(),
	}
}
