//! `povc job list`: an account's jobs and where each is.

use povc_primitives::JobId;

use super::follow::describe_progress;
use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

pub async fn run(
	context: &Context,
	account: Option<String>,
	after: Option<JobId>,
	limit: u32,
) -> Outcome {
	let who = context.account_of(account.as_deref())?;
	let connection = context.connection().await?;
	let ids = connection.jobs_by_requester(&who, after, Some(limit)).await?;
	let mut jobs = Vec::new();
	for id in ids {
		if let Some(job) = connection.job(id, None).await? {
			jobs.push(job);
		}
	}
	let json = serde_json::to_value(&jobs).map_err(|e| Failure::other(e.to_string()))?;
	context.print(json, || {
		if jobs.is_empty() {
			return "no jobs".into();
		}
		jobs.iter()
			.map(|job| format!("{:>6}  {}", job.id, describe_progress(job)))
			.collect::<Vec<_>>()
			.join("\n")
	});
	Ok(())
}
