//! Following jobs until they settle, describing where they are, and writing their
//! verified output.

use std::{path::Path, time::Duration};

use pallet_jobs::{JobState, Role};
use povc_client::{connection::Job, status::describe as describe_status};
use povc_primitives::JobId;
use serde_json::json;

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

/// Write a settled job's output (to `output`, else stdout), or fail with
/// [`crate::exit_code::ExitCode::NotVerified`].
pub async fn finish(context: &Context, job: &Job, output: Option<&Path>) -> Outcome {
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
	write_output(context, job, &bytes, output)
}

/// `bytes` on stdout, or in `output` with a summary on stderr; with `--json`, the job's
/// result and output as JSON on stdout (and the output in `output` too, if given).
fn write_output(context: &Context, job: &Job, bytes: &[u8], output: Option<&Path>) -> Outcome {
	if let Some(path) = output {
		std::fs::write(path, bytes)
			.map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))?;
	}
	let result = job.result.as_ref();
	if context.json() {
		let json = json!({
			"job": job.id,
			"state": job.state,
			"status": result.map(|r| describe_status(&r.status)),
			"fuelUsed": result.map(|r| r.fuel_used),
			"outputHash": result.map(|r| r.output_hash),
			"output": std::str::from_utf8(bytes).ok(),
			"outputFile": output,
		});
		context.print(json, String::new);
	} else if output.is_none() {
		use std::io::Write;
		std::io::stdout()
			.write_all(bytes)
			.map_err(|e| Failure::other(format!("cannot write the output: {e}")))?;
	} else if let Some(result) = result {
		eprintln!(
			"job {}: {}, {} fuel, output ({} bytes) written to {}",
			job.id,
			describe_status(&result.status),
			result.fuel_used,
			bytes.len(),
			output.expect("checked").display()
		);
	}
	Ok(())
}
