//! `povc job submit-batch`: one job per input, sent in `utility.batch_all` chunks, waited
//! for together, their outputs gathered in a folder.

use std::path::PathBuf;

use clap::Args;
use povc_client::api::povc;
use serde_json::json;
use subxt::utils::Static;

use super::{
	follow::follow_all,
	input::{folder_inputs, job_input, manifest_inputs},
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
pub struct BatchArgs {
	#[command(flatten)]
	params: JobParams,
	/// A manifest with one input per line (blank lines skipped).
	#[arg(long, conflicts_with = "inputs", required_unless_present = "inputs")]
	manifest: Option<PathBuf>,
	/// A folder with one input per file.
	#[arg(long)]
	inputs: Option<PathBuf>,
	/// Where to write each verified output (`<name>.out`) and `results.json`.
	#[arg(long)]
	out_dir: PathBuf,
	/// Jobs per extrinsic (`utility.batch_all`).
	#[arg(long, default_value_t = 25)]
	chunk: usize,
}

pub async fn run(context: &Context, args: BatchArgs) -> Outcome {
	let inputs = match (&args.manifest, &args.inputs) {
		(Some(manifest), _) => manifest_inputs(manifest)?,
		(None, Some(folder)) => folder_inputs(folder)?,
		(None, None) => unreachable!("clap requires --manifest or --inputs"),
	};
	if inputs.is_empty() {
		return Err(Failure::input("the manifest has no inputs"));
	}
	std::fs::create_dir_all(&args.out_dir)
		.map_err(|e| Failure::input(format!("cannot create {}: {e}", args.out_dir.display())))?;
	let signer = context.signer()?;
	let connection = context.connection().await?;
	let params = &args.params;
	ensure_may_submit(context, params).await?;
	let program = program_arg(connection, params).await?;
	let escrow = show_cost(context, params, inputs.len()).await?;
	context.ensure_funds(escrow, &fee_probe(params), "the jobs' escrow").await?;
	let program = store_program(context, program).await?;

	// One deadline for the whole batch. Send every chunk before waiting for any: they
	// land in the next block or two.
	let deadline = job_deadline(context, params).await?;
	let chunk_size = args.chunk.max(1);
	let mut pending = Vec::new();
	for chunk in inputs.chunks(chunk_size) {
		let mut calls = Vec::new();
		for (_, input) in chunk {
			let input = job_input(context, input.clone()).await?;
			let spec = spec(params, deadline, program, input);
			calls.push(povc::tx().jobs().submit_job(Static(spec)));
		}
		let batch = connection.batch_all(&calls).await?;
		pending.push(connection.send(signer, &batch).await?);
	}
	let mut ids = Vec::new();
	for included in pending {
		let inclusion = included.finalized().await?;
		if let Some(error) = inclusion.error {
			return Err(Failure::other(format!(
				"a batch was refused ({error}); jobs submitted before it: {ids:?}"
			)));
		}
		ids.extend(submitted_ids(&inclusion)?);
	}
	let extrinsics = inputs.len().div_ceil(chunk_size);
	context.progress(&format!("submitted {} jobs in {extrinsics} extrinsics: {ids:?}", ids.len()));

	let jobs = follow_all(context, &ids).await?;
	let mut results = Vec::new();
	let mut failed = 0;
	for ((name, _), job) in inputs.iter().zip(&jobs) {
		let output = match job.state.has_result() {
			true => connection.result(job.id).await?,
			false => None,
		};
		let file = output.as_ref().map(|bytes| {
			let path = args.out_dir.join(format!("{name}.out"));
			std::fs::write(&path, bytes).map(|()| path)
		});
		let file =
			file.transpose().map_err(|e| Failure::other(format!("cannot write an output: {e}")))?;
		failed += usize::from(file.is_none());
		results.push(json!({
			"name": name,
			"job": job.id,
			"state": job.state,
			"outputHash": job.result.map(|r| r.output_hash),
			"fuelUsed": job.result.map(|r| r.fuel_used),
			"output": file,
		}));
	}
	let verified = jobs.len() - failed;
	let summary = json!({ "jobs": results, "verified": verified, "failed": failed });
	let summary_path = args.out_dir.join("results.json");
	std::fs::write(&summary_path, serde_json::to_vec_pretty(&summary).expect("JSON"))
		.map_err(|e| Failure::other(format!("cannot write {}: {e}", summary_path.display())))?;
	context.print(summary, || {
		format!(
			"{verified} of {} jobs verified; outputs and results.json in {}",
			jobs.len(),
			args.out_dir.display()
		)
	});
	if failed > 0 {
		return Err(Failure::not_verified(format!("{failed} jobs ended without a result")));
	}
	Ok(())
}
