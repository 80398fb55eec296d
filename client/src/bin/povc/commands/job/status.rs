//! `povc job status`: a job's state, parameters, result and workers.

use povc_client::status::describe as describe_status;
use povc_primitives::JobId;

use super::follow::describe_progress;
use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

pub async fn run(context: &Context, id: JobId) -> Outcome {
	let connection = context.connection().await?;
	let job = connection
		.job(id, None)
		.await?
		.ok_or_else(|| Failure::input(format!("there is no job {id} (or it was pruned)")))?;
	let json = serde_json::to_value(&job).map_err(|e| Failure::other(e.to_string()))?;
	context.print(json, || {
		let mut lines = vec![
			format!("job {id}: {}", describe_progress(&job)),
			format!("program:  {:?}", job.program),
			format!(
				"fuel:     limit {}, {} replicas at {} planck/fuel, escrow held {}",
				job.fuel_limit,
				job.replicas,
				job.price_per_fuel,
				connection.token().format(job.escrow)
			),
			format!("deadline: block {}", job.deadline),
		];
		if let Some(result) = &job.result {
			lines.push(format!(
				"result:   {}, {} fuel, output hash {:?}",
				describe_status(&result.status),
				result.fuel_used,
				result.output_hash
			));
		}
		if !job.disputed_tasks.is_empty() {
			lines.push(format!(
				"disputed: {} of {} tasks, refunded (their replicas' outputs differed): {:?}",
				job.disputed_tasks.len(),
				job.tasks,
				job.disputed_tasks
			));
		}
		for assignment in &job.assignments {
			lines.push(format!(
				"  {:?} {}: {}",
				assignment.role,
				assignment.worker,
				if assignment.result.is_some() {
					"revealed"
				} else if assignment.commitment.is_some() {
					"committed"
				} else {
					"pending"
				}
			));
		}
		lines.join("\n")
	});
	Ok(())
}
