//! `povc job result`: a settled job's verified output, or one task's of a batch.

use std::path::PathBuf;

use povc_primitives::JobId;

use super::follow::{describe_progress, finish};
use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

pub async fn run(
	context: &Context,
	id: JobId,
	output: Option<PathBuf>,
	task: Option<u32>,
) -> Outcome {
	let job = context
		.connection()
		.await?
		.job(id, None)
		.await?
		.ok_or_else(|| Failure::input(format!("there is no job {id} (or it was pruned)")))?;
	if job.state.is_running() {
		return Err(Failure::other(format!(
			"job {id} has no result yet: {} (wait with `povc job status {id}`)",
			describe_progress(&job)
		)));
	}
	finish(context, &job, output.as_deref(), task).await
}
