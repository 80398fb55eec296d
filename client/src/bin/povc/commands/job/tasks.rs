//! A job's verified output as its tasks' results: a batch's output checked against the
//! root its replicas agreed on, so a node cannot hand out other tasks' results.

use codec::Decode;
use povc_client::connection::Job;
use povc_primitives::batch::{self, TaskOutput};

use crate::failure::{Failure, Outcome};

/// The results of `job`'s tasks in its stored output `bytes` (one for a single run).
pub fn task_outputs(job: &Job, bytes: Vec<u8>) -> Outcome<Vec<TaskOutput>> {
	let result =
		job.result.ok_or_else(|| Failure::other(format!("job {} has no result", job.id)))?;
	let digest = batch::output_digest(job.tasks, job.max_output_len, &bytes);
	if digest.is_none_or(|(root, _)| root != result.output_hash) {
		return Err(Failure::other(format!(
			"the node's output of job {} is not the one its replicas agreed on ({:?})",
			job.id, result.output_hash
		)));
	}
	if job.tasks <= 1 {
		let (status, fuel_used) = (result.status, result.fuel_used);
		return Ok(vec![TaskOutput { status, fuel_used, output: bytes }]);
	}
	Vec::<TaskOutput>::decode(&mut &bytes[..])
		.map_err(|e| Failure::other(format!("job {}'s tasks do not decode: {e}", job.id)))
}
