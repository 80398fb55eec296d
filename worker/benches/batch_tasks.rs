//! What a batch's tasks cost a worker: a tiny command (it writes "ok\n", the throughput
//! bench's task) run on `TASKS` empty inputs, as one run each (`Sandbox::run`, each on a
//! thread of its own) and as one batch (`Sandbox::run_each`, what a batch job's replica
//! runs). Prints µs per task; a replica's share of `scripts/bench-throughput.sh`'s
//! tasks/s is about its inverse. Run with:
//!   cargo bench -p povc-worker --bench batch_tasks

use std::time::{Duration, Instant};

use povc_worker::sandbox::{job_seed, Sandbox, SandboxConfig};

const TINY: &str =
	include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/jobs/wat/tiny.wat"));

const TASKS: usize = 4_096;
const FUEL: u64 = 10_000;
const RUNS: usize = 3;

fn main() {
	let sandbox = Sandbox::new(SandboxConfig::default()).expect("engine");
	let module = sandbox.compile(&wat::parse_str(TINY).expect("valid text")).expect("compiles");
	let inputs = vec![&[][..]; TASKS];
	let limit = Duration::from_secs(3600);

	let one_by_one = fastest(|| {
		for input in &inputs {
			let outcome = sandbox.run(&module, input, FUEL, 64, job_seed(0), limit);
			assert_eq!(outcome.expect("runs").expect("no abstention").output, b"ok\n");
		}
	});
	let batch = fastest(|| {
		let seed = |index: usize| job_seed(index as u64);
		let outcomes = sandbox.run_each(&module, &inputs, FUEL, 64, seed, limit);
		assert_eq!(outcomes.expect("runs").expect("no abstention").len(), TASKS);
	});
	for (name, time) in [("one run each", one_by_one), ("one batch (run_each)", batch)] {
		println!(
			"{TASKS} tiny tasks, {name:<22} {:>8.1} ms {:>8.1} µs per task",
			time.as_secs_f64() * 1e3,
			time.as_secs_f64() * 1e6 / TASKS as f64
		);
	}
}

/// The fastest of `RUNS` runs of `work`: the least disturbed by other load.
fn fastest(mut work: impl FnMut()) -> Duration {
	(0..RUNS)
		.map(|_| {
			let started = Instant::now();
			work();
			started.elapsed()
		})
		.min()
		.expect("RUNS > 0")
}
