//! `povc job submit-batch`: every input a task of a batch job (one program run per task,
//! one result the replicas agree on for the whole batch), in as few jobs as the chain's
//! limits allow, waited for together, each task's output gathered in a folder.

use std::path::PathBuf;

use clap::Args;
use povc_client::{api::povc, connection::Connection, types::Balance};
use povc_primitives::batch;
use serde_json::json;
use subxt::utils::Static;

use super::{
	follow::follow_all,
	input::{folder_inputs, job_input, manifest_inputs},
	submission::{
		ensure_may_submit, fee_probe, job_deadline, program_arg, show_cost, spec, store_program,
		submitted_ids, JobParams,
	},
	tasks::task_outputs,
};
use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

/// A task's output when `--max-output` is not given, if the batch's output limit allows.
const DEFAULT_TASK_OUTPUT: u32 = 65_536;

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
	/// Where to write each task's verified output (`<name>.out`) and `results.json`.
	#[arg(long)]
	out_dir: PathBuf,
	/// Most tasks per job (default: as many as the chain allows: its task limit, the fuel
	/// one job may use, and room for every task's output).
	#[arg(long)]
	chunk: Option<usize>,
}

/// The chain's limits on one job, which decide how the inputs are split.
struct Limits {
	max_tasks: usize,
	max_fuel: u64,
	max_output: u32,
	max_input: usize,
}

impl Limits {
	async fn of(connection: &Connection) -> Outcome<Self> {
		let jobs = povc::constants().jobs();
		Ok(Self {
			max_tasks: connection.constant(jobs.max_tasks()).await? as usize,
			max_fuel: connection.constant(jobs.max_fuel_limit()).await?,
			max_output: connection.constant(jobs.max_output_len()).await?,
			max_input: connection.constant(jobs.max_blob_size()).await? as usize,
		})
	}

	/// Bytes a batch's output has for its tasks' entries.
	fn output_room(&self) -> u32 {
		self.max_output.saturating_sub(batch::MAX_BATCH_OVERHEAD)
	}

	/// Most tasks of one job with `fuel` and `max_output` (per task, if given).
	fn tasks_per_job(&self, fuel: u64, max_output: Option<u32>, chunk: Option<usize>) -> usize {
		// One task's share of a batch's work (its fuel and what starting it counts for).
		let per_task = batch::work_fuel(2, fuel) / 2;
		let by_fuel = (self.max_fuel / per_task.max(1)) as usize;
		let by_output = match max_output {
			Some(len) => (self.output_room() / (len + batch::MAX_TASK_OVERHEAD)) as usize,
			None => usize::MAX,
		};
		self.max_tasks.min(by_fuel).min(by_output).min(chunk.unwrap_or(usize::MAX)).max(1)
	}

	/// Each task's output limit in a job of `tasks` tasks: `--max-output`, or as much as
	/// the batch's output limit leaves each (at most [`DEFAULT_TASK_OUTPUT`]).
	fn task_output(&self, tasks: usize, max_output: Option<u32>) -> u32 {
		max_output.unwrap_or_else(|| {
			if tasks <= 1 {
				return DEFAULT_TASK_OUTPUT.min(self.max_output);
			}
			let share = self.output_room() / tasks as u32;
			share.saturating_sub(batch::MAX_TASK_OVERHEAD).min(DEFAULT_TASK_OUTPUT)
		})
	}
}

/// Splits `inputs` into jobs of at most `per_job` tasks whose encoded inputs fit a blob.
fn split(inputs: &[(String, Vec<u8>)], per_job: usize, max_input: usize) -> Vec<usize> {
	let mut sizes = Vec::new();
	let (mut tasks, mut bytes) = (0, batch::MAX_BATCH_OVERHEAD as usize);
	for (_, input) in inputs {
		let entry = input.len() + 5;
		if tasks > 0 && (tasks == per_job || bytes + entry > max_input) {
			sizes.push(tasks);
			(tasks, bytes) = (0, batch::MAX_BATCH_OVERHEAD as usize);
		}
		tasks += 1;
		bytes += entry;
	}
	if tasks > 0 {
		sizes.push(tasks);
	}
	sizes
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
	let limits = Limits::of(connection).await?;
	let per_job = limits.tasks_per_job(params.fuel, params.max_output, args.chunk);
	let sizes = split(&inputs, per_job, limits.max_input);
	let mut escrow: Balance = 0;
	for &tasks in &sizes {
		let max_output = limits.task_output(tasks, params.max_output);
		escrow = escrow.saturating_add(show_cost(context, params, 1, tasks, max_output).await?);
	}
	context.ensure_funds(escrow, &fee_probe(params), "the jobs' escrow").await?;
	let program = store_program(context, program).await?;

	// One deadline for every job; their inputs are uploaded first, then one extrinsic
	// submits them all.
	let deadline = job_deadline(context, params).await?;
	let mut calls = Vec::new();
	let mut start = 0;
	for &tasks in &sizes {
		let chunk = &inputs[start..start + tasks];
		start += tasks;
		let bytes = match chunk {
			[(_, single)] => single.clone(),
			_ => codec::Encode::encode(&chunk.iter().map(|(_, input)| input).collect::<Vec<_>>()),
		};
		let input = job_input(context, bytes).await?;
		let max_output = limits.task_output(tasks, params.max_output);
		let spec = spec(params, deadline, program, input, tasks as u32, max_output);
		calls.push(povc::tx().jobs().submit_job(Static(spec)));
	}
	let submission = connection.batch_all(&calls).await?;
	let inclusion = connection.send(signer, &submission).await?.finalized().await?;
	if let Some(error) = inclusion.error {
		return Err(Failure::other(format!("the chain refused the submission: {error}")));
	}
	let ids = submitted_ids(&inclusion)?;
	context.progress(&format!(
		"submitted {} tasks as {} jobs ({}): {ids:?}",
		inputs.len(),
		ids.len(),
		sizes.iter().map(|n| format!("{n} tasks")).collect::<Vec<_>>().join(", ")
	));

	let jobs = follow_all(context, &ids).await?;
	let mut results = Vec::new();
	let mut failed = 0;
	let mut names = inputs.iter().map(|(name, _)| name);
	for (job, &tasks) in jobs.iter().zip(&sizes) {
		let outputs = match job.state.has_result() {
			true => connection.result(job.id).await?,
			false => None,
		};
		let outputs = match outputs {
			Some(bytes) => Some(task_outputs(job, bytes)?),
			None => None,
		};
		for task in 0..tasks {
			let name = names.next().expect("a name per task");
			// A disputed task's entry is one replica's word only: no result.
			let disputed = job.disputed_tasks.contains(&(task as u32));
			let result = outputs.as_ref().map(|outputs| &outputs[task]).filter(|_| !disputed);
			let file = match result {
				Some(result) => {
					let path = args.out_dir.join(format!("{name}.out"));
					std::fs::write(&path, &result.output)
						.map_err(|e| Failure::other(format!("cannot write an output: {e}")))?;
					Some(path)
				},
				None => None,
			};
			failed += usize::from(file.is_none());
			results.push(json!({
				"name": name,
				"job": job.id,
				"task": task,
				"state": job.state,
				"disputed": disputed,
				"status": result.map(|r| povc_client::status::describe(&r.status)),
				"fuelUsed": result.map(|r| r.fuel_used),
				"output": file,
			}));
		}
	}
	let verified = inputs.len() - failed;
	let summary = json!({ "tasks": results, "jobs": ids, "verified": verified, "failed": failed });
	let summary_path = args.out_dir.join("results.json");
	std::fs::write(&summary_path, serde_json::to_vec_pretty(&summary).expect("JSON"))
		.map_err(|e| Failure::other(format!("cannot write {}: {e}", summary_path.display())))?;
	context.print(summary, || {
		format!(
			"{verified} of {} tasks verified; outputs and results.json in {}",
			inputs.len(),
			args.out_dir.display()
		)
	});
	if failed > 0 {
		return Err(Failure::not_verified(format!("{failed} tasks ended without a result")));
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn inputs(sizes: &[usize]) -> Vec<(String, Vec<u8>)> {
		sizes.iter().enumerate().map(|(i, len)| (i.to_string(), vec![0; *len])).collect()
	}

	#[test]
	fn inputs_are_split_by_task_count_and_by_blob_size() {
		assert_eq!(split(&inputs(&[1; 10]), 4, 1_000), vec![4, 4, 2]);
		assert_eq!(split(&inputs(&[1; 3]), 10, 1_000), vec![3]);
		// Each entry counts its bytes and 5 of length: 100 + 105 + 105 > 250.
		assert_eq!(split(&inputs(&[100, 100, 100]), 10, 250), vec![2, 1]);
		// An input larger than a blob is still a job of its own (the chain says why not).
		assert_eq!(split(&inputs(&[500, 1]), 10, 250), vec![1, 1]);
	}

	#[test]
	fn a_job_takes_as_many_tasks_as_fuel_output_and_the_task_limit_allow() {
		// Each task's fuel counts with what starting it does.
		let start = batch::TASK_START_FUEL;
		let max_fuel = 10 * (start + 100);
		let limits = Limits { max_tasks: 100, max_fuel, max_output: 1_005, max_input: 0 };
		assert_eq!(limits.tasks_per_job(0, None, None), 10);
		assert_eq!(limits.tasks_per_job(100, None, None), 10);
		assert_eq!(limits.tasks_per_job(101, None, None), 9);
		let roomy = Limits { max_fuel: u64::MAX, ..limits };
		assert_eq!(roomy.tasks_per_job(1, None, None), 100);
		assert_eq!(roomy.tasks_per_job(1, Some(82), None), 10);
		assert_eq!(roomy.tasks_per_job(1, None, Some(7)), 7);
		assert_eq!(limits.tasks_per_job(max_fuel, None, None), 1);
		// 10 tasks share the 1,000 bytes: 100 each, less their status and fuel.
		assert_eq!(limits.task_output(10, None), 82);
		assert_eq!(limits.task_output(10, Some(3)), 3);
		assert_eq!(limits.task_output(1, None), 1_005);
	}
}
