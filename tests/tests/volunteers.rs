//! End to end: volunteer research projects on a `povc-node --dev` with real `povc-worker
//! --volunteer` processes. Governance (sudo) approves a project; the project submits a
//! price-0 job with `povc job submit --volunteer`; the volunteers verify it, and the
//! validator they contribute to gains the project's rate × fuel of score from the
//! project's budget. A price-0 job from any other account is refused by the CLI before it
//! signs anything, and by the chain.

use std::{process::Command, time::Duration};

use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClient};
use pallet_jobs::{JobInput, JobSpec};
use povc_e2e::{
	chain::{self, wait_for},
	node::start_dev,
	sign::{register_standby_workers, send},
	tx::{self, ChainContext},
	worker::WorkerProcess,
};
use povc_runtime::{AccountId, RuntimeCall, RuntimeEvent};
use serde_json::Value;
use sp_core::{crypto::Ss58Codec, H256};
use sp_keyring::Sr25519Keyring::{self, *};
use sp_runtime::Permill;

const MINUTE: Duration = Duration::from_secs(60);
const PRIMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/jobs/wasm/primes.wasm");
const FUEL_LIMIT: u64 = 1_000_000_000;
/// Score per unit of verified fuel.
const RATE: u128 = 1_000;
/// Score the project may credit per epoch: far more than one job's.
const BUDGET: u128 = 1_000_000_000_000_000;
/// The project's account.
const PROJECT: Sr25519Keyring = BobStash;
/// The validator the volunteers contribute to (no score before).
const VALIDATOR: Sr25519Keyring = DaveStash;

/// `povc ARGS` against `node`: (exit code, stdout, stderr).
fn povc(node: &str, args: &[&str]) -> (Option<i32>, String, String) {
	let output = Command::new(povc_e2e::cli::povc_binary())
		.args(args)
		.env("POVC_NODE_URL", node)
		.output()
		.expect("povc runs");
	let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
	(output.status.code(), text(&output.stdout), text(&output.stderr))
}

/// The `ss58` account's score at block `at`.
async fn score_at(client: &WsClient, who: &AccountId, at: H256) -> u128 {
	let scores: Vec<Value> = client.request("povc_scores", rpc_params![at]).await.unwrap();
	let address = who.to_ss58check();
	scores
		.iter()
		.find(|s| s["account"] == address)
		.map_or(0, |s| povc_e2e::amount(&s["score"]).unwrap_or_else(|| panic!("{s}")))
}

/// The first block in `from..=to` whose events credit job `id`'s score, and the value.
async fn score_credited(client: &WsClient, id: u64, from: u32, to: u32) -> Option<(H256, u128)> {
	for number in from..=to {
		let hash = chain::block_hash(client, number).await.unwrap().unwrap();
		for record in chain::events(client, hash).await.unwrap() {
			if let RuntimeEvent::Jobs(pallet_jobs::Event::ScoreCredited { job, value }) =
				record.event
			{
				if job == id {
					return Some((hash, value));
				}
			}
		}
	}
	None
}

#[tokio::test(flavor = "multi_thread")]
async fn an_approved_projects_unpaid_job_is_verified_by_volunteers_and_earns_score() {
	let dir = tempfile::tempdir().unwrap();
	let (node, client) = start_dev(dir.path()).await.expect("dev node");
	let ctx = ChainContext::fetch(&client).await.unwrap();
	let url = node.ws_url();
	let class = povc_primitives::RELEASE_CLASSES[0];
	// Paused standby workers make the class large enough for a job and its referees;
	// they are no volunteers, so they could never be drawn for a project's job anyway.
	register_standby_workers(&client, &ctx, &[Eve, Ferdie, AliceStash], class).await;

	// Volunteers contribute their compute to VALIDATOR, and opt in with `--volunteer`.
	for who in [Bob, Charlie, Dave] {
		let register = RuntimeCall::Workers(pallet_workers::Call::register {
			bond: 100 * povc_runtime::UNIT,
			capacity: 2,
			class: class.as_bytes().to_vec().try_into().unwrap(),
		});
		let contribute = RuntimeCall::Workers(pallet_workers::Call::contribute_to {
			beneficiary: Some(VALIDATOR.to_account_id().into()),
		});
		let batch = pallet_utility::Call::batch_all { calls: vec![register, contribute] };
		send(&client, &ctx, who, RuntimeCall::Utility(batch)).await;
	}
	let workers: Vec<WorkerProcess> = ["//Bob", "//Charlie", "//Dave"]
		.iter()
		.map(|key| WorkerProcess::start(&url, key, dir.path(), &["--volunteer"]).unwrap())
		.collect();
	for who in [Bob, Charlie, Dave] {
		wait_for(&format!("{who:?} to volunteer"), 2 * MINUTE, || async {
			let view: Option<Value> =
				client.request("povc_worker", rpc_params![who.to_account_id().to_string()]).await?;
			Ok(view.filter(|v| v["volunteer"] == true))
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", workers[0].log_tail()));
	}

	// Governance approves the project.
	let approve = RuntimeCall::Povc(pallet_povc::Call::approve_project {
		project: PROJECT.to_account_id(),
		name: b"Prime census".to_vec().try_into().unwrap(),
		url: b"https://primes.example".to_vec().try_into().unwrap(),
		score_budget: BUDGET,
		score_per_fuel: RATE,
	});
	let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(approve) });
	send(&client, &ctx, Alice, sudo).await;
	let (code, listed, stderr) = povc(&url, &["--json", "project", "list"]);
	assert_eq!(code, Some(0), "{stderr}");
	let listed: Value = serde_json::from_str(&listed).unwrap();
	assert_eq!(listed[0]["name"], "Prime census", "{listed}");
	assert_eq!(listed[0]["account"], PROJECT.to_account_id().to_ss58check());

	// ---- Anyone else's price-0 job: refused by the CLI before signing, and by the chain.
	let input = dir.path().join("input");
	std::fs::write(&input, "100000").unwrap();
	let submit = |key: &'static str| {
		let input = input.to_str().unwrap().to_string();
		let fuel = FUEL_LIMIT.to_string();
		let url = url.clone();
		move || {
			povc(
				&url,
				&[
					"--key",
					key,
					"--json",
					"job",
					"submit",
					"--volunteer",
					"--program",
					PRIMES,
					"--fuel",
					&fuel,
					"--input",
					&input,
					"--wait",
				],
			)
		}
	};
	let stranger = CharlieStash.to_account_id();
	let nonce_before = tx::next_nonce(&client, &stranger).await.unwrap();
	let (code, _, stderr) = submit("//Charlie//stash")();
	assert_eq!(code, Some(2), "bad input: {stderr}");
	assert!(stderr.contains("is not an approved volunteer project"), "{stderr}");
	assert_eq!(
		tx::next_nonce(&client, &stranger).await.unwrap(),
		nonce_before,
		"nothing was signed"
	);
	let free_job = RuntimeCall::Jobs(pallet_jobs::Call::submit_job {
		spec: JobSpec {
			program: H256(sp_crypto_hashing::blake2_256(&std::fs::read(PRIMES).unwrap())),
			input: JobInput::Inline(b"100000".to_vec().try_into().unwrap()),
			fuel_limit: FUEL_LIMIT,
			replicas: 3,
			price_per_fuel: 0,
			deadline: chain::best_number(&client).await.unwrap() + 1_000,
			min_reputation: Permill::zero(),
			max_output_len: 64,
			cross_class: false,
		},
	});
	let extrinsic =
		tx::signed_extrinsic(&ctx, free_job, &stranger, &CharlieStash.pair(), nonce_before, 0);
	let inclusion = tx::submit_and_watch(&client, &extrinsic).await.unwrap();
	let error = inclusion.error.expect("the chain refuses a stranger's price-0 job");
	assert!(error.contains("NotAProject"), "{error}");

	// ---- The project's job: verified by the volunteers, paid in score.
	let from = chain::best_number(&client).await.unwrap();
	let (code, stdout, stderr) = submit("//Bob//stash")();
	assert_eq!(code, Some(0), "{stderr}\n{}", workers[0].log_tail());
	let submitted: Value = serde_json::from_str(&stdout).unwrap();
	let id = submitted["job"].as_u64().unwrap();
	assert_eq!(submitted["output"], "primes below 100000: 9592\n", "{submitted}");
	let view: Value = wait_for("the score to count", 3 * MINUTE, || async {
		let view: Value = client.request("povc_job", rpc_params![id]).await?;
		Ok((!povc_e2e::is_open(&view["state"])).then_some(view))
	})
	.await
	.unwrap();
	assert_eq!(view["state"], "Verified", "{view}");
	assert_eq!(view["pricePerFuel"], "0", "{view}");
	let mut replicas: Vec<String> = view["assignments"]
		.as_array()
		.unwrap()
		.iter()
		.filter(|a| a["role"] == "Replica")
		.map(|a| a["worker"].as_str().unwrap().to_string())
		.collect();
	replicas.sort();
	let mut volunteers: Vec<String> =
		[Bob, Charlie, Dave].iter().map(|k| k.to_account_id().to_ss58check()).collect();
	volunteers.sort();
	assert_eq!(replicas, volunteers, "only volunteers were drawn");

	let fuel = u128::from(view["result"]["fuel_used"].as_u64().unwrap());
	let expected = 3 * RATE * fuel;
	let to = chain::best_number(&client).await.unwrap();
	let (credited_at, credited) =
		score_credited(&client, id, from, to).await.expect("a ScoreCredited event");
	assert_eq!(credited, expected, "three replicas × rate × fuel");
	let score = score_at(&client, &VALIDATOR.to_account_id(), credited_at).await;
	assert_eq!(score, expected, "the volunteers' validator gains rate × fuel per replica");
	let projects: Vec<Value> =
		client.request("povc_projects", rpc_params![credited_at]).await.unwrap();
	assert_eq!(povc_e2e::amount(&projects[0]["used"]), Some(expected), "{projects:?}");
	assert_eq!(
		povc_e2e::amount(&projects[0]["remaining"]),
		Some(BUDGET - expected),
		"the project's budget falls by what it credited"
	);
	println!(
		"volunteer job {id}: 3 x {fuel} fuel at {RATE} score/fuel = {expected} score, \
		 budget {BUDGET} -> {}",
		BUDGET - expected
	);
}
