//! What checking a batch's output costs natively: decoding `MaxTasks` task outputs and
//! hashing them into their Merkle root (`povc_primitives::batch::output_digest`, what
//! `publish_output` and `reveal_verdict` run for a batch). Prints µs per task, the figure
//! behind `pallet_jobs::WeightInfo::hash_batch_output` until frame-omni-bencher measures
//! it in the runtime. Run with:
//!   cargo bench -p povc-worker --bench batch_digest

use std::time::Instant;

use codec::Encode;
use povc_primitives::{
	batch::{output_digest, TaskOutput},
	ExecutionStatus,
};

const TASKS: u32 = 16_384;
const RUNS: usize = 20;

fn main() {
	for output_len in [0usize, 32] {
		let task = TaskOutput {
			status: ExecutionStatus::Exited(0),
			fuel_used: 1,
			output: vec![7; output_len],
		};
		let output = vec![task; TASKS as usize].encode();
		let fastest = (0..RUNS)
			.map(|_| {
				let started = Instant::now();
				let digest = output_digest(TASKS, 64, &output);
				let elapsed = started.elapsed();
				assert!(digest.is_some());
				elapsed
			})
			.min()
			.expect("runs");
		println!(
			"{TASKS} tasks of {output_len} output bytes ({} bytes): {:.2} ms, {:.3} µs per task",
			output.len(),
			fastest.as_secs_f64() * 1e3,
			fastest.as_secs_f64() * 1e6 / f64::from(TASKS)
		);
	}
}
