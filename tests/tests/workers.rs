//! End to end: real `povc-worker` processes settle jobs on a dev market, each test on its
//! own chain. Honest workers verify a job whose result is what `exec` computes locally;
//! they reconnect after a node restart; a worker killed (SIGKILL) between commit and
//! reveal still reveals after a restart and is paid. A lying worker is found out by the
//! referees (a fault, its bond untouched) and its job fails unpaid, as replicas that
//! disagree verify nothing. With every result audited, a referee worker re-runs a verified
//! job as its auditor and confirms it.

use std::{io::Read, time::Duration};

use povc_e2e::{
	chain::{self, wait_for},
	market::{DevMarket, MarketConfig, Referees, REFEREES},
	tx::{job_spec, submit_job_call},
	worker::{worker_binary, WorkerProcess},
};
use povc_runtime::{AccountId, Balance, RuntimeCall};
use serde_json::Value;
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{self, *};
use sp_runtime::Perbill;

const MINUTE: Duration = Duration::from_secs(60);
const PROGRAM: &[u8] = include_bytes!("../../examples/jobs/wasm/primes.wasm");
const INPUT: &[u8] = b"100000";
const OUTPUT: &str = "primes below 100000: 9592\n";
const FUEL_LIMIT: u64 = 1_000_000_000;
const PRICE: Balance = 1_000;
const REPLICAS: [&str; 3] = ["//Bob", "//Charlie", "//Dave"];

fn submit(deadline: u32) -> RuntimeCall {
	submit_job_call(job_spec(PROGRAM, INPUT, FUEL_LIMIT, PRICE, deadline))
}

/// A market with the primes program, audits as `audit_rate` says, and `referees`.
async fn market(referees: Referees, audit_rate: Perbill) -> DevMarket {
	let config =
		MarketConfig { referees, audit_rate: Some(audit_rate), programs: vec![PROGRAM.to_vec()] };
	DevMarket::start(config).await
}

/// The workers paid for job `id` and the (worker, amount) of its `WrongResultSlashed`, in
/// blocks `from..=to`.
async fn payments_and_slashes(
	market: &DevMarket,
	id: u64,
	from: u32,
	to: u32,
) -> (Vec<AccountId>, Vec<(AccountId, Balance)>) {
	let (mut paid, mut slashed) = (Vec::new(), Vec::new());
	for event in market.job_events(from, to).await {
		match event {
			pallet_jobs::Event::WorkerPaid { job, worker, .. } if job == id => paid.push(worker),
			pallet_jobs::Event::WrongResultSlashed { job, worker, slashed: amount }
				if job == id =>
			{
				slashed.push((worker, amount))
			},
			_ => {},
		}
	}
	paid.sort();
	(paid, slashed)
}

fn accounts(keys: &[Sr25519Keyring]) -> Vec<AccountId> {
	let mut accounts: Vec<_> = keys.iter().map(|k| k.to_account_id()).collect();
	accounts.sort();
	accounts
}

/// The assignment of `who` in a job view.
fn assignment_of(view: &Value, who: Sr25519Keyring) -> &Value {
	let address = who.to_account_id().to_ss58check();
	view["assignments"]
		.as_array()
		.unwrap()
		.iter()
		.find(|a| a["worker"] == address)
		.unwrap_or_else(|| panic!("{who:?} not assigned: {view}"))
}

/// What `povc-worker exec` reports for the program on `INPUT` as job `id`.
fn exec_locally(dir: &std::path::Path, id: u64) -> Value {
	let program = dir.join("primes.wasm");
	let input = dir.join("input");
	std::fs::write(&program, PROGRAM).unwrap();
	std::fs::write(&input, INPUT).unwrap();
	let output = std::process::Command::new(worker_binary())
		.arg("exec")
		.arg(&program)
		.arg("--input")
		.arg(&input)
		.args(["--job-id", &id.to_string(), "--fuel", &FUEL_LIMIT.to_string(), "--json"])
		.output()
		.unwrap();
	assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
	serde_json::from_slice(&output.stdout).unwrap()
}

/// The Prometheus text of a worker.
fn metrics(worker: &WorkerProcess) -> String {
	use std::io::Write;
	let mut stream = std::net::TcpStream::connect(("127.0.0.1", worker.metrics_port)).unwrap();
	stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
	write!(stream, "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
	let mut text = String::new();
	stream.read_to_string(&mut text).unwrap();
	text
}

#[tokio::test(flavor = "multi_thread")]
async fn workers_verify_jobs_reconnect_after_a_node_restart_and_reveal_after_a_crash() {
	// Who exactly is paid is checked: no audit may add its auditor.
	let mut market = market(Referees::Standby, Perbill::zero()).await;
	market.start_workers(&REPLICAS, &[]).await;

	// ---- Job 0: three honest workers agree; the result is what `exec` computes locally.
	let from = market.best().await;
	market.send(Alice, submit(from + 1_000)).await;
	let view = market.settled(0).await;
	assert_eq!(view["state"], "Verified", "{view}");
	let output: Option<String> =
		chain::request(&market.client, "povc_result", jsonrpsee::rpc_params![0u64]).await.unwrap();
	assert_eq!(output, Some(format!("0x{}", hex::encode(OUTPUT))));
	let local = exec_locally(market.dir.path(), 0);
	assert_eq!(local["output"], OUTPUT);
	assert_eq!(view["result"]["fuel_used"], local["fuelUsed"], "chain and exec agree on fuel");
	assert_eq!(view["result"]["output_hash"], local["outputHash"]);
	let to = market.best().await;
	let (paid, slashed) = payments_and_slashes(&market, 0, from, to).await;
	assert_eq!(paid, accounts(&[Bob, Charlie, Dave]));
	assert!(slashed.is_empty());

	// ---- The node restarts; the workers reconnect by themselves (job 1 needs them all).
	market.restart_node().await;

	// ---- Job 1: Dave is killed right after his commitment lands, before revealing.
	let from = market.best().await;
	market.send(Alice, submit(from + 1_000)).await;
	wait_for("Dave's commitment", 2 * MINUTE, || async {
		let view = market.job(1).await;
		// Queued (no assignments) until its draw, two blocks after the submission.
		let drawn = view["state"] != "Queued";
		Ok((drawn && assignment_of(&view, Dave)["commitment"].is_string()).then_some(()))
	})
	.await
	.unwrap();
	market.worker("//Dave").kill();
	let view = market.job(1).await;
	assert!(assignment_of(&view, Dave)["result"].is_null(), "killed before revealing: {view}");
	market.worker("//Dave").restart().unwrap();
	let view = market.settled(1).await;
	assert_eq!(view["state"], "Verified", "{view}");
	let to = market.best().await;
	let (paid, _) = payments_and_slashes(&market, 1, from, to).await;
	assert_eq!(paid, accounts(&[Bob, Charlie, Dave]), "the restarted worker revealed and was paid");
	for key in ["//Bob", "//Charlie"] {
		let connections = market.worker(key).log().matches("connected node=").count();
		assert!(connections >= 2, "{key} reconnected after the node restart");
	}

	// The operators' view: metrics count the runs and the earnings (counted from the
	// finalized blocks, which may trail the best block the test saw the job settle in).
	let text = metrics(market.worker("//Bob"));
	assert!(text.contains("povc_worker_jobs_run_total{status=\"exited\"} 2"), "{text}");
	let earnings = |text: &str| {
		text.lines()
			.find_map(|l| l.strip_prefix("povc_worker_earnings_povc_total "))
			.and_then(|v| v.trim().parse::<f64>().ok())
			.unwrap_or_else(|| panic!("no earnings metric: {text}"))
	};
	let bob: &WorkerProcess = market.worker("//Bob");
	let earned = wait_for("Bob's earnings in his metrics", MINUTE, || async {
		Ok(Some(earnings(&metrics(bob))).filter(|earned| *earned > 0.0))
	})
	.await;
	earned.unwrap_or_else(|e| panic!("{e}: {}", metrics(bob)));
	for key in REPLICAS {
		assert!(market.worker(key).is_running(), "{key} survives the whole run");
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lying_worker_is_found_out_by_the_referees_and_its_job_fails_unpaid() {
	let mut market = market(Referees::Running, Perbill::zero()).await;
	market.start_workers(&["//Bob", "//Charlie"], &[]).await;
	market.start_workers(&["//Dave"], &["--test-corrupt-output"]).await;

	// Dave lies; the referees side with Bob and Charlie and record Dave's fault, but
	// replicas that disagree verify nothing: the job fails, the replicas unpaid.
	let from = market.best().await;
	market.send(Alice, submit(from + 1_000)).await;
	let view = market.settled(0).await;
	assert_eq!(view["state"], serde_json::json!({ "Failed": "Disputed" }), "{view}");
	let to = market.best().await;
	let (paid, slashed) = payments_and_slashes(&market, 0, from, to).await;
	assert_eq!(paid, accounts(&REFEREES), "only the referees are paid, from the dispute fee");
	// A verdict takes no bond (a committee can be captured: docs/SECURITY.md).
	assert_eq!(slashed, vec![(Dave.to_account_id(), 0)], "Dave's wrong result, no bond taken");
	let dave_info = chain::worker(&market.client, &Dave.to_account_id()).await.unwrap().unwrap();
	assert_eq!(dave_info["faults"], 1, "{dave_info}");
	let output: Option<String> =
		chain::request(&market.client, "povc_result", jsonrpsee::rpc_params![0u64]).await.unwrap();
	assert_eq!(output, None, "no result is kept for a disputed job");
	for key in REPLICAS {
		assert!(market.worker(key).is_running(), "{key} survives the dispute");
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn an_audit_by_a_referee_worker_confirms_a_verified_result() {
	// Every verified result is audited; a referee worker re-runs the job as its auditor,
	// agrees, is paid, and only then does the replicas' score count.
	let mut market = market(Referees::Running, Perbill::one()).await;
	market.start_workers(&REPLICAS, &[]).await;
	let from = market.best().await;
	market.send(Alice, submit(from + 1_000)).await;
	let view = market.settled(0).await;
	assert_eq!(view["state"], "Verified", "{view}");
	let to = market.best().await;
	let events: Vec<_> = market
		.job_events(from, to)
		.await
		.into_iter()
		.filter(|event| {
			use pallet_jobs::Event::*;
			matches!(
				event,
				AuditorDrawn { job: 0, .. }
					| AuditPassed { job: 0, .. }
					| ScorePending { job: 0, .. }
					| ScoreCredited { job: 0, .. }
			)
		})
		.collect();
	let auditor = events
		.iter()
		.find_map(|e| match e {
			pallet_jobs::Event::AuditorDrawn { auditor, .. } => Some(auditor.clone()),
			_ => None,
		})
		.unwrap_or_else(|| panic!("no auditor drawn at rate 100 %: {events:?}"));
	assert!(accounts(&REFEREES).contains(&auditor), "the auditor comes from the referee pool");
	let passed = events
		.iter()
		.any(|e| matches!(e, pallet_jobs::Event::AuditPassed { auditor: a, .. } if *a == auditor));
	assert!(passed, "the honest auditor confirms the honest result: {events:?}");
	let (pending, credited) = events.iter().fold((0, 0), |(p, c), e| match e {
		pallet_jobs::Event::ScorePending { value, .. } => (p + value, c),
		pallet_jobs::Event::ScoreCredited { value, .. } => (p, c + value),
		_ => (p, c),
	});
	assert!(pending > 0 && credited == pending, "the pending score counts in full: {events:?}");
	let (paid, slashed) = payments_and_slashes(&market, 0, from, to).await;
	let mut expected = vec![auditor, Bob.to_account_id(), Charlie.to_account_id()];
	expected.push(Dave.to_account_id());
	expected.sort();
	assert_eq!(paid, expected, "the replicas, and the auditor from the dispute fee");
	assert!(slashed.is_empty(), "nobody is slashed: {slashed:?}");
}
