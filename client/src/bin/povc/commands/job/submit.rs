//! `povc job submit`: one job, from its cost to (with `--wait`) its verified output.

use std::path::PathBuf;

use clap::Args;
use povc_client::api::povc;
use serde_json::json;
use subxt::utils::Static;

use super::{
	follow::{finish, follow},
	input::{job_input, read_input},
	submission::{
		ensure_may_submit, fee_probe, job_deadline, program_arg, show_cost, spec, store_program,
		submitted_ids, JobParams,
	},
};
use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

#[derive(Args)]
pub struct SubmitArgs {
	#[command(flatten)]
	params: JobParams,
	/// The input (the program's stdin): a file, or `-` for this stdin. Default: empty.
	#[arg(long)]
	input: Option<String>,
	/// Follow the job until it settles, then write its output.
	#[arg(long)]
	wait: bool,
	/// With --wait: write the output to this file instead of stdout.
	#[arg(long)]
	output: Option<PathBuf>,
	/// Show the cost and stop before signing anything.
	#[arg(long)]
	dry_run: bool,
}

pub async fn run(context: &Context, args: SubmitArgs) -> Outcome {
	let input = read_input(args.input.as_deref())?;
	let signer = context.signer()?;
	let connection = context.connection().await?;
	let params = &args.params;
	ensure_may_submit(context, params).await?;
	let program = program_arg(connection, params).await?;
	let escrow = show_cost(context, params, 1, 1, params.single_max_output()).await?;
	if args.dry_run {
		return Ok(());
	}
	context.ensure_funds(escrow, &fee_probe(params), "the job's escrow").await?;
	let program = store_program(context, program).await?;
	let input = job_input(context, input).await?;
	let deadline = job_deadline(context, params).await?;
	let spec = spec(params, deadline, program, input, 1, params.single_max_output());
	let inclusion = connection.execute(signer, &povc::tx().jobs().submit_job(Static(spec))).await?;
	let id = submitted_ids(&inclusion)?
		.first()
		.copied()
		.ok_or_else(|| Failure::other("the job was submitted, but no JobSubmitted event"))?;
	if !args.wait {
		context.print(json!({ "job": id }), || format!("submitted job {id}"));
		return Ok(());
	}
	context.progress(&format!("submitted job {id}"));
	let job = follow(context, id).await?;
	finish(context, &job, args.output.as_deref(), None).await
}
