//! End to end: a sweep of 10,000 tasks as a batch job on a dev market with real workers —
//! one job, one commitment per replica, every task's output verified against the root
//! the replicas agreed on, and one task's output fetched on its own; and a batch where one
//! replica lies on one task, which settles every other task.

use povc_e2e::{
	cli::json,
	market::{DevMarket, MarketConfig},
};

const PRIMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/jobs/wasm/primes.wasm");

/// The sweep's inputs: task `i` counts the primes below `100 + i % 900`.
fn sweep_input(task: usize) -> usize {
	100 + task % 900
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_of_ten_thousand_tasks_is_verified_and_one_task_is_fetched() {
	const TASKS: usize = 10_000;
	let mut market = DevMarket::start(MarketConfig::default()).await;
	market.start_workers(&["//Bob", "//Charlie", "//Dave"], &["--parallel", "2"]).await;
	let manifest = market.dir.path().join("sweep.txt");
	let lines: String = (0..TASKS).map(|i| format!("{}\n", sweep_input(i))).collect();
	std::fs::write(&manifest, lines).unwrap();
	let outputs = market.dir.path().join("sweep");
	let (manifest, outputs_arg) = (manifest.to_str().unwrap(), outputs.to_str().unwrap());
	let batch = ["--key", "//Alice", "--json", "job", "submit-batch", "--program", PRIMES];
	let batch = [&batch[..], &["--fuel", "1000000", "--price", "1000"]].concat();
	let args = [&batch[..], &["--manifest", manifest, "--out-dir", outputs_arg]].concat();
	let summary = json(&market.povc_ok(&args));

	assert_eq!(summary["verified"], TASKS, "{}", market.logs());
	let jobs = summary["jobs"].as_array().unwrap();
	assert_eq!(jobs.len(), 1, "10,000 tasks of 10^6 fuel are one job: {jobs:?}");
	let width = TASKS.to_string().len();
	for task in [0, 1, 4_321, TASKS - 1] {
		let name = format!("{:0width$}", task + 1);
		let text = std::fs::read_to_string(outputs.join(format!("{name}.out"))).unwrap();
		let n = sweep_input(task);
		assert_eq!(text, format!("primes below {n}: {}\n", povc_e2e::primes_below(n)));
	}

	// One task's output on its own, checked by the CLI against the batch's root.
	let job = jobs[0].to_string();
	let one = market.povc_ok(&["job", "result", &job, "--task", "4321"]);
	let n = sweep_input(4_321);
	assert_eq!(
		String::from_utf8(one).unwrap(),
		format!("primes below {n}: {}\n", povc_e2e::primes_below(n))
	);
	let status = json(&market.povc_ok(&["--json", "job", "status", &job]));
	assert_eq!(status["tasks"], TASKS);
	// Asking for a task the batch does not have is a clear input error.
	let missing = market.povc(&["job", "result", &job, "--task", "10000"]);
	assert_eq!(missing.status.code(), Some(2));
	assert!(String::from_utf8_lossy(&missing.stderr).contains("has 10000 tasks"));
	for worker in &mut market.workers {
		assert!(worker.is_running(), "a worker stopped: {}", worker.log_tail());
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_where_one_replica_lies_on_one_task_settles_every_other_task() {
	const TASKS: usize = 12;
	let mut market = DevMarket::start(MarketConfig::default()).await;
	// Dave's output for the batch's first task has one byte more, its fuel unchanged: a
	// lie it can publish.
	let honest: &[&str] = &[];
	let liar: &[&str] = &["--test-corrupt-output"];
	market.start_workers_each(&[("//Bob", honest), ("//Charlie", honest), ("//Dave", liar)]).await;
	let manifest = market.dir.path().join("sweep.txt");
	let lines: String = (0..TASKS).map(|i| format!("{}\n", sweep_input(i))).collect();
	std::fs::write(&manifest, lines).unwrap();
	let outputs = market.dir.path().join("sweep");
	let (manifest, outputs_arg) = (manifest.to_str().unwrap(), outputs.to_str().unwrap());
	let from = market.best().await;
	let batch = ["--key", "//Alice", "--json", "job", "submit-batch", "--program", PRIMES];
	// 12 tasks of 10^6 fuel at 40,000 planck offer each replica the price floor.
	let batch = [&batch[..], &["--fuel", "1000000", "--price", "40000"]].concat();
	let args = [&batch[..], &["--manifest", manifest, "--out-dir", outputs_arg]].concat();
	let run = market.povc(&args);
	assert_eq!(
		run.status.code(),
		Some(3),
		"one task has no result: {}\n{}",
		String::from_utf8_lossy(&run.stderr),
		market.logs()
	);
	let summary = json(&run.stdout);

	assert_eq!(summary["verified"], TASKS - 1, "{summary}");
	let jobs = summary["jobs"].as_array().unwrap();
	assert_eq!(jobs.len(), 1, "{jobs:?}");
	let tasks = summary["tasks"].as_array().unwrap();
	assert_eq!(tasks[0]["disputed"], true, "{summary}");
	assert!(tasks[0]["output"].is_null(), "no output for the disputed task: {summary}");
	let width = TASKS.to_string().len();
	for task in 1..TASKS {
		assert_eq!(tasks[task]["disputed"], false);
		let name = format!("{:0width$}", task + 1);
		let text = std::fs::read_to_string(outputs.join(format!("{name}.out"))).unwrap();
		let n = sweep_input(task);
		assert_eq!(text, format!("primes below {n}: {}\n", povc_e2e::primes_below(n)));
	}

	let job = jobs[0].to_string();
	let status = json(&market.povc_ok(&["--json", "job", "status", &job]));
	assert_eq!(status["state"], "Verified", "{status}");
	assert_eq!(status["disputedTasks"], serde_json::json!([0]), "{status}");
	// The disputed task is refused by name; the others are read as usual.
	let disputed = market.povc(&["job", "result", &job, "--task", "0"]);
	assert_eq!(disputed.status.code(), Some(3));
	assert!(String::from_utf8_lossy(&disputed.stderr).contains("disputed"));
	let one = market.povc_ok(&["job", "result", &job, "--task", "5"]);
	let n = sweep_input(5);
	assert_eq!(
		String::from_utf8(one).unwrap(),
		format!("primes below {n}: {}\n", povc_e2e::primes_below(n))
	);

	// Every replica published and was paid for the eleven agreed tasks; nobody was slashed.
	let to = market.best().await;
	let events = market.job_events(from, to).await;
	let id: u64 = job.parse().unwrap();
	use pallet_jobs::Event::*;
	let narrowed = events.iter().find_map(|event| match event {
		TasksDisputed { job, disputed, .. } if *job == id => Some(*disputed),
		_ => None,
	});
	assert_eq!(narrowed, Some(1), "{events:?}");
	let paid = events.iter().filter(|e| matches!(e, WorkerPaid { job, .. } if *job == id)).count();
	assert_eq!(paid, 3, "{events:?}");
	assert!(!events.iter().any(|e| matches!(e, WorkerMissedDeadline { .. })), "{events:?}");
	for worker in &mut market.workers {
		assert!(worker.is_running(), "a worker stopped: {}", worker.log_tail());
	}
}
