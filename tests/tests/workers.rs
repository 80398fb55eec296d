//! End to end: a `povc-node --dev` and real `povc-worker` processes settle jobs. The
//! workers reconnect after a node restart; a worker killed (SIGKILL) between commit and
//! reveal still reveals after a restart and is paid; a lying worker is found out by the
//! referees (a fault, its bond untouched) and its job fails unpaid, as replicas that
//! disagree verify nothing; with every result audited, a referee worker re-runs a
//! verified job as its auditor and confirms it.

use std::{io::Read, time::Duration};

use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClient};
use pallet_jobs::{JobInput, JobSpec};
use povc_e2e::{
	chain::{self, wait_for},
	node::start_dev,
	sign::send,
	tx::ChainContext,
	worker::{worker_binary, WorkerProcess},
};
use povc_runtime::{AccountId, Balance, RuntimeCall, RuntimeEvent};
use serde_json::Value;
use sp_core::{crypto::Ss58Codec, H256};
use sp_keyring::Sr25519Keyring::{self, *};
use sp_runtime::Permill;

const MINUTE: Duration = Duration::from_secs(60);
const UNIT: Balance = 1_000_000_000_000;
const PROGRAM: &[u8] = include_bytes!("../../examples/jobs/wasm/primes.wasm");
const INPUT: &[u8] = b"100000";
const OUTPUT: &str = "primes below 100000: 9592\n";
const FUEL_LIMIT: u64 = 1_000_000_000;
const PRICE: Balance = 1_000;

async fn job(client: &WsClient, id: u64) -> Value {
	client.request("povc_job", rpc_params![id]).await.unwrap()
}

fn submit(deadline: u32) -> RuntimeCall {
	RuntimeCall::Jobs(pallet_jobs::Call::submit_job {
		spec: JobSpec {
			program: H256(sp_crypto_hashing::blake2_256(PROGRAM)),
			input: JobInput::Inline(INPUT.to_vec().try_into().unwrap()),
			fuel_limit: FUEL_LIMIT,
			replicas: 3,
			price_per_fuel: PRICE,
			deadline,
			min_reputation: Permill::zero(),
			max_output_len: 64,
			cross_class: false,
		},
	})
}

/// Wait until job `id` is settled (verified or failed) and return its view.
async fn settled(client: &WsClient, id: u64, workers: &[&WorkerProcess]) -> Value {
	let outcome = wait_for(&format!("job {id} to settle"), 5 * MINUTE, || async {
		let view = job(client, id).await;
		Ok((!povc_e2e::is_open(&view["state"])).then_some(view))
	})
	.await;
	outcome.unwrap_or_else(|e| {
		let logs: Vec<String> =
			workers.iter().map(|w| format!("--- {}:\n{}", w.key, w.log_tail())).collect();
		panic!("{e}\n{}", logs.join("\n"))
	})
}

/// (worker, amount) of every `WorkerPaid` and `WrongResultSlashed` of `id` in blocks
/// `from..=to`.
async fn payments_and_slashes(
	client: &WsClient,
	id: u64,
	from: u32,
	to: u32,
) -> (Vec<AccountId>, Vec<(AccountId, Balance)>) {
	let (mut paid, mut slashed) = (Vec::new(), Vec::new());
	for number in from..=to {
		let hash = chain::block_hash(client, number).await.unwrap().unwrap();
		for record in chain::events(client, hash).await.unwrap() {
			match record.event {
				RuntimeEvent::Jobs(pallet_jobs::Event::WorkerPaid { job, worker, .. })
					if job == id =>
				{
					paid.push(worker)
				},
				RuntimeEvent::Jobs(pallet_jobs::Event::WrongResultSlashed {
					job,
					worker,
					slashed: amount,
				}) if job == id => slashed.push((worker, amount)),
				_ => {},
			}
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
fn assignment_of<'a>(view: &'a Value, who: Sr25519Keyring) -> &'a Value {
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
async fn workers_run_commit_reveal_survive_a_crash_and_expose_a_liar() {
	let dir = tempfile::tempdir().unwrap();
	let (node, client) = start_dev(dir.path()).await.expect("dev node");
	let ctx = ChainContext::fetch(&client).await.unwrap();
	let url = node.ws_url();

	// Referees: registered and paused (never drawn as replicas), accepted by the dev
	// chain's validator, Alice, to which they contribute.
	let class = std::process::Command::new(worker_binary()).arg("class").output().unwrap();
	let class = String::from_utf8(class.stdout).unwrap().trim().to_string();
	let referees = [Eve, Ferdie, AliceStash];
	for referee in referees {
		let register = RuntimeCall::Workers(pallet_workers::Call::register {
			bond: 100 * UNIT,
			capacity: 2,
			class: class.clone().into_bytes().try_into().unwrap(),
		});
		let pause = RuntimeCall::Workers(pallet_workers::Call::pause {});
		let contribute = RuntimeCall::Workers(pallet_workers::Call::contribute_to {
			beneficiary: Some(Alice.to_account_id().into()),
		});
		let batch = pallet_utility::Call::batch_all { calls: vec![register, pause, contribute] };
		send(&client, &ctx, referee, RuntimeCall::Utility(batch)).await;
		// Alice accepts it: nobody referees uninvited.
		let accept = pallet_povc::Call::accept_referee { worker: referee.to_account_id() };
		send(&client, &ctx, Alice, RuntimeCall::Povc(accept)).await;
	}
	let authorities: Value = client.request("povc_authorities", rpc_params![]).await.unwrap();
	assert_eq!(authorities["current"][0]["account"], Alice.to_account_id().to_ss58check());
	let upload = pallet_jobs::Call::upload_program { code: PROGRAM.to_vec() };
	send(&client, &ctx, Alice, RuntimeCall::Jobs(upload)).await;

	let start =
		|key: &str, args: &[&str]| WorkerProcess::start(&url, key, dir.path(), args).unwrap();
	let mut bob = start("//Bob", &[]);
	let charlie = start("//Charlie", &[]);
	let mut dave = start("//Dave", &[]);
	let referee_workers: Vec<_> =
		["//Eve", "//Ferdie", "//Alice//stash"].iter().map(|k| start(k, &[])).collect();
	// `--register` bonds the minimum for each replica worker.
	for who in [Bob, Charlie, Dave] {
		wait_for(&format!("{who:?} to register"), 2 * MINUTE, || async {
			let view: Option<Value> =
				client.request("povc_worker", rpc_params![who.to_account_id().to_string()]).await?;
			Ok(view.filter(|v| v["class"].is_array()))
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", bob.log_tail()));
	}

	// Jobs 0 to 2 check who exactly is paid: no audit may add its auditor to them.
	povc_e2e::sign::set_audit_rate(&client, &ctx, sp_runtime::Perbill::zero()).await;

	// ---- Job 0: three honest workers agree; the result is what `exec` computes locally.
	let from = chain::best_number(&client).await.unwrap();
	send(&client, &ctx, Alice, submit(from + 1_000)).await;
	let view = settled(&client, 0, &[&bob, &charlie, &dave]).await;
	assert_eq!(view["state"], "Verified", "{view}");
	let output: Option<String> = client.request("povc_result", rpc_params![0u64]).await.unwrap();
	assert_eq!(output, Some(format!("0x{}", hex::encode(OUTPUT))));
	let local = exec_locally(dir.path(), 0);
	assert_eq!(local["output"], OUTPUT);
	assert_eq!(view["result"]["fuel_used"], local["fuelUsed"], "chain and exec agree on fuel");
	assert_eq!(view["result"]["output_hash"], local["outputHash"]);
	let to = chain::best_number(&client).await.unwrap();
	let (paid, slashed) = payments_and_slashes(&client, 0, from, to).await;
	assert_eq!(paid, accounts(&[Bob, Charlie, Dave]));
	assert!(slashed.is_empty());

	// ---- The node restarts; the workers reconnect by themselves (job 1 needs them all).
	let node = node.restart().await.expect("the dev node restarts");
	let client = node.client().await.unwrap();
	let best = chain::best_number(&client).await.unwrap();
	chain::wait_for_best(&client, best + 1, 2 * MINUTE).await.unwrap();

	// ---- Job 1: Dave is killed right after his commitment lands, before revealing.
	let from = chain::best_number(&client).await.unwrap();
	send(&client, &ctx, Alice, submit(from + 1_000)).await;
	wait_for("Dave's commitment", 2 * MINUTE, || async {
		let view = job(&client, 1).await;
		// Queued (no assignments) until its draw, two blocks after the submission.
		let drawn = view["state"] != "Queued";
		Ok((drawn && assignment_of(&view, Dave)["commitment"].is_string()).then_some(()))
	})
	.await
	.unwrap();
	dave.kill();
	let view = job(&client, 1).await;
	assert!(assignment_of(&view, Dave)["result"].is_null(), "killed before revealing: {view}");
	dave.restart().unwrap();
	let view = settled(&client, 1, &[&bob, &charlie, &dave]).await;
	assert_eq!(view["state"], "Verified", "{view}");
	let to = chain::best_number(&client).await.unwrap();
	let (paid, _) = payments_and_slashes(&client, 1, from, to).await;
	assert_eq!(paid, accounts(&[Bob, Charlie, Dave]), "the restarted worker revealed and was paid");
	for worker in [&bob, &charlie] {
		let connections = worker.log().matches("connected node=").count();
		assert!(connections >= 2, "{} reconnected after the node restart", worker.key);
	}

	// ---- Job 2: Dave lies; the referees side with Bob and Charlie and record Dave's
	// fault, but replicas that disagree verify nothing: the job fails, the replicas unpaid.
	dave.stop();
	let mut liar =
		WorkerProcess::start(&url, "//Dave", dir.path(), &["--test-corrupt-output"]).unwrap();
	let from = chain::best_number(&client).await.unwrap();
	send(&client, &ctx, Alice, submit(from + 1_000)).await;
	let mut all = vec![&bob, &charlie, &liar];
	all.extend(referee_workers.iter());
	let view = settled(&client, 2, &all).await;
	assert_eq!(view["state"], serde_json::json!({ "Failed": "Disputed" }), "{view}");
	let to = chain::best_number(&client).await.unwrap();
	let (paid, slashed) = payments_and_slashes(&client, 2, from, to).await;
	assert_eq!(
		paid,
		accounts(&[AliceStash, Eve, Ferdie]),
		"only the referees are paid, from the dispute fee"
	);
	// A verdict takes no bond (a committee can be captured: docs/SECURITY.md).
	assert_eq!(slashed, vec![(Dave.to_account_id(), 0)], "Dave's wrong result, no bond taken");
	let dave_info: Value =
		client.request("povc_worker", rpc_params![Dave.to_account_id().to_string()]).await.unwrap();
	assert_eq!(dave_info["faults"], 1, "{dave_info}");
	let output: Option<String> = client.request("povc_result", rpc_params![2u64]).await.unwrap();
	assert_eq!(output, None, "no result is kept for a disputed job");

	// The operators' view: metrics count the runs and the earnings.
	let text = metrics(&bob);
	assert!(text.contains("povc_worker_jobs_run_total{status=\"exited\"} 3"), "{text}");
	let earnings = text
		.lines()
		.find_map(|l| l.strip_prefix("povc_worker_earnings_povc_total "))
		.and_then(|v| v.trim().parse::<f64>().ok())
		.unwrap_or_else(|| panic!("no earnings metric: {text}"));
	assert!(earnings > 0.0, "{text}");
	assert!(liar.is_running() && bob.is_running(), "workers survive the whole run");

	// ---- Job 3: every verified result is audited; a referee worker re-runs the job as
	// its auditor, agrees, is paid, and only then does the replicas' score count.
	liar.stop();
	dave.restart().unwrap();
	povc_e2e::sign::set_audit_rate(&client, &ctx, sp_runtime::Perbill::one()).await;
	let from = chain::best_number(&client).await.unwrap();
	send(&client, &ctx, Alice, submit(from + 1_000)).await;
	let mut all = vec![&bob, &charlie, &dave];
	all.extend(referee_workers.iter());
	let view = settled(&client, 3, &all).await;
	assert_eq!(view["state"], "Verified", "{view}");
	let to = chain::best_number(&client).await.unwrap();
	let events = job_events(&client, 3, from, to).await;
	let auditor = events
		.iter()
		.find_map(|e| match e {
			pallet_jobs::Event::AuditorDrawn { auditor, .. } => Some(auditor.clone()),
			_ => None,
		})
		.unwrap_or_else(|| panic!("no auditor drawn at rate 100 %: {events:?}"));
	assert!(accounts(&referees).contains(&auditor), "the auditor comes from the referee pool");
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
	let (paid, slashed) = payments_and_slashes(&client, 3, from, to).await;
	let mut expected = vec![auditor, Bob.to_account_id(), Charlie.to_account_id()];
	expected.push(Dave.to_account_id());
	expected.sort();
	assert_eq!(paid, expected, "the replicas, and the auditor from the dispute fee");
	assert!(slashed.is_empty(), "nobody is slashed: {slashed:?}");
}

/// Every `pallet_jobs` event about job `id` in blocks `from..=to`.
async fn job_events(
	client: &WsClient,
	id: u64,
	from: u32,
	to: u32,
) -> Vec<pallet_jobs::Event<povc_runtime::Runtime>> {
	use pallet_jobs::Event::*;
	let mut events = Vec::new();
	for number in from..=to {
		let hash = chain::block_hash(client, number).await.unwrap().unwrap();
		for record in chain::events(client, hash).await.unwrap() {
			let RuntimeEvent::Jobs(event) = record.event else { continue };
			let job = match &event {
				AuditorDrawn { job, .. }
				| AuditPassed { job, .. }
				| ScorePending { job, .. }
				| ScoreCredited { job, .. } => *job,
				_ => continue,
			};
			if job == id {
				events.push(event);
			}
		}
	}
	events
}
