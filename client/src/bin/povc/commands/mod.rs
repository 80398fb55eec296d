//! One module per command. Each takes the [`Context`] and its own arguments and uses only
//! the context and the shared helpers (`blobs`), never another command.

mod balance;
mod job;
mod keys;
mod program;
mod project;
mod scores;
mod transfer;
mod worker;

use clap::Subcommand;

use crate::{context::Context, failure::Outcome};

#[derive(Subcommand)]
pub enum Command {
	/// Create or inspect keys.
	#[command(subcommand)]
	Keys(keys::KeysCommand),
	/// Show an account's balance (default: the --key account).
	Balance(balance::BalanceArgs),
	/// Send POVC to another account.
	Transfer(transfer::TransferArgs),
	/// Store programs on chain.
	#[command(subcommand)]
	Program(program::ProgramCommand),
	/// Submit jobs and follow them.
	#[command(subcommand)]
	Job(job::JobCommand),
	/// Inspect workers.
	#[command(subcommand)]
	Worker(worker::WorkerCommand),
	/// Validators' compute scores and BABE weights.
	Scores,
	/// Volunteer research projects (unpaid jobs that earn score).
	#[command(subcommand)]
	Project(project::ProjectCommand),
}

/// Run `command`.
pub async fn run(context: &Context, command: Command) -> Outcome {
	match command {
		Command::Keys(command) => keys::run(context, command),
		Command::Balance(args) => balance::run(context, args).await,
		Command::Transfer(args) => transfer::run(context, args).await,
		Command::Program(command) => program::run(context, command).await,
		Command::Job(command) => job::run(context, command).await,
		Command::Worker(command) => worker::run(context, command).await,
		Command::Scores => scores::run(context).await,
		Command::Project(command) => project::run(context, command).await,
	}
}
