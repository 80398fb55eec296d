//! Following jobs until they settle, describing where they are, and writing their
//! verified output.

use std::{path::Path, time::Duration};

use pallet_jobs::{JobState, Role};
use povc_client::{connection::Job, status::describe as describe_status};
use povc_primitives::{batch::TaskOutput, JobId};
use serde_json::json;

use super::tasks::task_outputs;
use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

/// How often `--wait` looks at the job.
const POLL: Duration = Duration::from_secs(1);

/// Poll job `id` until it settles, showing each change of its progress.
pub async fn follow(context: &Context, id: JobId) -> Outcome<Job> {
	let connection = context.connection().await?;
	let mut last = String::new();
	loop {
		let job = connection
			.job(id, None)
			.await?
			.ok_or_else(|| Failure::other(format!("job {id} is gone (pruned?)")))?;
		let line = format!("job {id}: {}", describe_progress(&job));
		if line != last {
			context.progress(&line);
			last = line;
		}
		if !job.state.is_running() {
			return Ok(job);
		}
		tokio::time::sleep(POLL).await;
	}
}

/// Poll all `ids` until every one settled, showing the count of each outcome.
pub async fn follow_all(context: &Context, ids: &[JobId]) -> Outcome<Vec<Job>> {
	let connection = context.connection().await?;
	let mut last = String::new();
	loop {
		let mut jobs = Vec::with_capacity(ids.len());
		for id in ids {
			jobs.push(
				connection
					.job(*id, None)
					.await?
					.ok_or_else(|| Failure::other(format!("job {id} is gone (pruned?)")))?,
			);
		}
		let open = jobs.iter().filter(|j| j.state.is_running()).count();
		let verified = jobs.iter().filter(|j| j.state.is_verified()).count();
		let line = format!(
			"batch: {verified} verified, {} ended otherwise, {open} running of {}",
			jobs.len() - open - verified,
			jobs.len()
		);
		if line != last {
			context.progress(&line);
			last = line;
		}
		if open == 0 {
			return Ok(jobs);
		}
		tokio::time::sleep(POLL * 2).await;
	}
}

/// `committing (2/3 committed)` and the like.
pub fn describe_progress(job: &Job) -> String {
	let of_role = |referees: bool| {
		job.assignments.iter().filter(|a| (a.role == Role::Referee) == referees).collect::<Vec<_>>()
	};
	let count = |referees: bool, revealed: bool| {
		let all = of_role(referees);
		let done = all
			.iter()
			.filter(|a| if revealed { a.result.is_some() } else { a.commitment.is_some() })
			.count();
		format!("{done}/{}", all.len())
	};
	match &job.state {
		JobState::Queued => "queued (workers are drawn from two blocks after submission)".into(),
		JobState::Committing => format!("assigned, committing ({} committed)", count(false, false)),
		JobState::Revealing => format!("revealing ({} revealed)", count(false, true)),
		JobState::Publishing => "replicas agreed; a replica publishes the output".into(),
		JobState::Narrowing => {
			"replicas disagreed on some tasks; each publishes its output, and the tasks they \
			 all agree on settle"
				.into()
		},
		JobState::DrawingReferees => "disputed: the referee committee is drawn shortly".into(),
		JobState::RefereesCommitting => {
			format!("disputed: referees committing ({} committed)", count(true, false))
		},
		JobState::RefereesRevealing => {
			format!("disputed: referees revealing ({} revealed)", count(true, true))
		},
		JobState::AuditPending => "verified (its score counts after the audit draw)".into(),
		JobState::Auditing => "verified; an auditor re-runs it before its score counts".into(),
		JobState::AuditRevealing => "verified; the auditor reveals its result".into(),
		JobState::Verified => "verified".into(),
		JobState::Unverified => "settled, unverified (one replica)".into(),
		JobState::Failed(reason) => format!("failed: {reason:?} (escrow refunded)"),
		JobState::Cancelled => "cancelled (escrow refunded)".into(),
	}
}

/// Write a settled job's output, or one task's of a batch (to `output`, else stdout),
/// checked against the job's result; or fail with
/// [`crate::exit_code::ExitCode::NotVerified`].
pub async fn finish(
	context: &Context,
	job: &Job,
	output: Option<&Path>,
	task: Option<u32>,
) -> Outcome {
	if !job.state.has_result() {
		return Err(Failure::not_verified(format!(
			"job {} ended without a result: {}",
			job.id,
			describe_progress(job)
		)));
	}
	let bytes = context.connection().await?.result(job.id).await?.ok_or_else(|| {
		Failure::other(format!("job {} settled but its output was cleared", job.id))
	})?;
	let mut tasks = task_outputs(job, bytes)?;
	let count = tasks.len();
	let index = match (task, job.tasks > 1) {
		(Some(index), _) if index as usize >= count => {
			return Err(Failure::input(format!(
				"job {} has {count} tasks: --task counts from 0 to {}",
				job.id,
				count - 1
			)))
		},
		(Some(index), _) if job.disputed_tasks.contains(&index) => {
			return Err(Failure::not_verified(format!(
				"task {index} of job {} is disputed: its replicas' outputs differed, so it was \
				 refunded and nobody vouches for its output",
				job.id
			)))
		},
		(Some(index), _) => index as usize,
		(None, false) => 0,
		(None, true) if context.json() => return print_tasks(context, job, &tasks),
		(None, true) => {
			return Err(Failure::input(format!(
				"job {} is a batch of {count} tasks: choose one with --task (from 0), or see all \
				 with --json (`povc job submit-batch` writes every task's output to a folder)",
				job.id
			)))
		},
	};
	write_output(context, job, task, tasks.swap_remove(index), output)
}

/// Every task's result and output of a batch job, as JSON.
fn print_tasks(context: &Context, job: &Job, tasks: &[TaskOutput]) -> Outcome {
	let tasks: Vec<_> = tasks
		.iter()
		.enumerate()
		.map(|(index, task)| {
			if job.disputed_tasks.contains(&(index as u32)) {
				return json!({ "task": index, "disputed": true });
			}
			json!({
				"task": index,
				"status": describe_status(&task.status),
				"fuelUsed": task.fuel_used,
				"output": std::str::from_utf8(&task.output).ok(),
				"outputHex": format!("0x{}", hex::encode(&task.output)),
			})
		})
		.collect();
	let root = job.result.map(|r| r.output_hash);
	context.print(
		json!({ "job": job.id, "state": job.state, "root": root, "tasks": tasks }),
		String::new,
	);
	Ok(())
}

/// The output on stdout, or in `output` with a summary on stderr; with `--json`, the
/// result and output as JSON on stdout (and the output in `output` too, if given).
fn write_output(
	context: &Context,
	job: &Job,
	task: Option<u32>,
	result: TaskOutput,
	output: Option<&Path>,
) -> Outcome {
	let bytes = &result.output;
	if let Some(path) = output {
		std::fs::write(path, bytes)
			.map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))?;
	}
	if context.json() {
		let json = json!({
			"job": job.id,
			"task": task,
			"state": job.state,
			"status": describe_status(&result.status),
			"fuelUsed": result.fuel_used,
			"outputHash": job.result.map(|r| r.output_hash),
			"output": std::str::from_utf8(bytes).ok(),
			"outputFile": output,
		});
		context.print(json, String::new);
	} else if let Some(path) = output {
		let task = task.map(|task| format!(" task {task}")).unwrap_or_default();
		eprintln!(
			"job {}{task}: {}, {} fuel, output ({} bytes) written to {}",
			job.id,
			describe_status(&result.status),
			result.fuel_used,
			bytes.len(),
			path.display()
		);
	} else {
		use std::io::Write;
		std::io::stdout()
			.write_all(bytes)
			.map_err(|e| Failure::other(format!("cannot write the output: {e}")))?;
	}
	Ok(())
}
