//! `povc job`: submitting jobs, following them to a verified result, and reading them
//! back. One module per verb; `submission`, `input` and `follow` are what they share.

mod batch;
mod cancel;
mod follow;
mod input;
mod list;
mod result;
mod status;
mod submission;
mod submit;
mod tasks;

use std::path::PathBuf;

use clap::Subcommand;
use povc_primitives::JobId;

use crate::{context::Context, failure::Outcome};

#[derive(Subcommand)]
pub enum JobCommand {
	/// Submit a job: uploads what the chain lacks, shows the cost, signs, and with
	/// --wait follows the job to its verified output.
	Submit(submit::SubmitArgs),
	/// Run the program once per input of a manifest or folder (a parameter sweep, image
	/// tiles, ...) as the tasks of batch jobs, wait for all, and gather every task's
	/// output in a folder.
	SubmitBatch(batch::BatchArgs),
	/// A job's state, workers and result.
	Status { id: JobId },
	/// Write a job's verified output (to stdout, or --output FILE); of a batch job, one
	/// task's (--task, from 0), checked against the batch's root.
	Result {
		id: JobId,
		#[arg(long)]
		output: Option<PathBuf>,
		#[arg(long)]
		task: Option<u32>,
	},
	/// Cancel a job whose workers are not drawn yet; the escrow is refunded.
	Cancel { id: JobId },
	/// The jobs of an account (default: the --key account).
	List {
		/// An SS58 address or a key.
		account: Option<String>,
		/// Only ids after this one (paging).
		#[arg(long)]
		after: Option<JobId>,
		/// At most this many (≤ 1000).
		#[arg(long, default_value_t = 100)]
		limit: u32,
	},
}

pub async fn run(context: &Context, command: JobCommand) -> Outcome {
	match command {
		JobCommand::Submit(args) => submit::run(context, args).await,
		JobCommand::SubmitBatch(args) => batch::run(context, args).await,
		JobCommand::Status { id } => status::run(context, id).await,
		JobCommand::Result { id, output, task } => result::run(context, id, output, task).await,
		JobCommand::Cancel { id } => cancel::run(context, id).await,
		JobCommand::List { account, after, limit } => {
			list::run(context, account, after, limit).await
		},
	}
}
