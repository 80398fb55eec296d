//! End to end: volunteer research projects on a `povc-node --dev` with real `povc-worker
//! --volunteer` processes. Governance (sudo) approves a project; the project submits a
//! price-0 job with `povc job submit --volunteer`; the volunteers verify it, and the
//! validator they contribute to gains the project's rate × fuel of score from the
//! project's budget. A price-0 job from any other account is refused by the CLI before it
//! signs anything, and by the chain.

use std::time::Duration;

use jsonrpsee::rpc_params;
use povc_e2e::{
	chain::{self, wait_for},
	market::{DevMarket, MarketConfig},
	testnet,
	tx::{self, job_spec, submit_job_call},
};
use povc_runtime::RuntimeCall;
use serde_json::Value;
use sp_core::{crypto::Ss58Codec, H256};
use sp_keyring::Sr25519Keyring::{self, *};

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

/// `povc ARGS` against the market's node: (exit code, stdout, stderr).
fn povc(market: &DevMarket, args: &[&str]) -> (Option<i32>, String, String) {
	let output = market.povc(args);
	let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
	(output.status.code(), text(&output.stdout), text(&output.stderr))
}

/// The first block in `from..=to` whose events credit job `id`'s score, and the value.
async fn score_credited(
	market: &DevMarket,
	id: u64,
	from: u32,
	to: u32,
) -> Option<(u32, H256, u128)> {
	for number in from..=to {
		let hash = chain::block_hash(&market.client, number).await.unwrap().unwrap();
		for record in chain::events(&market.client, hash).await.unwrap() {
			if let povc_runtime::RuntimeEvent::Jobs(pallet_jobs::Event::ScoreCredited {
				job,
				value,
			}) = record.event
			{
				if job == id {
					return Some((number, hash, value));
				}
			}
		}
	}
	None
}

#[tokio::test(flavor = "multi_thread")]
async fn an_approved_projects_unpaid_job_is_verified_by_volunteers_and_earns_score() {
	// The market's paused standby workers are no volunteers, so they could never be drawn
	// for a project's job.
	let mut market = DevMarket::start(MarketConfig::default()).await;
	let class = market.class.clone();

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
		market.send(who, RuntimeCall::Utility(batch)).await;
	}
	market.start_workers(&["//Bob", "//Charlie", "//Dave"], &["--volunteer"]).await;
	for who in [Bob, Charlie, Dave] {
		wait_for(&format!("{who:?} to volunteer"), 2 * MINUTE, || async {
			let view = chain::worker(&market.client, &who.to_account_id()).await?;
			// Opted in, and in the volunteer draws (its snapshot took effect).
			Ok(view.filter(|v| v["volunteer"] == true && v["changesFromEpoch"].is_null()))
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", market.logs()));
	}
	let client = &market.client;
	let ctx = market.ctx;

	// Governance approves the project.
	let approve = RuntimeCall::Povc(pallet_povc::Call::approve_project {
		project: PROJECT.to_account_id(),
		name: b"Prime census".to_vec().try_into().unwrap(),
		url: b"https://primes.example".to_vec().try_into().unwrap(),
		score_budget: BUDGET,
		score_per_fuel: RATE,
	});
	let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(approve) });
	market.send(Alice, sudo).await;
	let (code, listed, stderr) = povc(&market, &["--json", "project", "list"]);
	assert_eq!(code, Some(0), "{stderr}");
	let listed: Value = serde_json::from_str(&listed).unwrap();
	assert_eq!(listed[0]["name"], "Prime census", "{listed}");
	assert_eq!(listed[0]["account"], PROJECT.to_account_id().to_ss58check());

	// ---- Anyone else's price-0 job: refused by the CLI before signing, and by the chain.
	let input = market.dir.path().join("input");
	std::fs::write(&input, "100000").unwrap();
	let submit = |key: &'static str| {
		let input = input.to_str().unwrap().to_string();
		let fuel = FUEL_LIMIT.to_string();
		let market = &market;
		move || {
			povc(
				market,
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
	let nonce_before = tx::next_nonce(client, &stranger).await.unwrap();
	let (code, _, stderr) = submit("//Charlie//stash")();
	assert_eq!(code, Some(2), "bad input: {stderr}");
	assert!(stderr.contains("is not an approved volunteer project"), "{stderr}");
	assert_eq!(
		tx::next_nonce(client, &stranger).await.unwrap(),
		nonce_before,
		"nothing was signed"
	);
	let program = std::fs::read(PRIMES).unwrap();
	let deadline = market.deadline().await;
	let free_job = submit_job_call(job_spec(&program, b"100000", FUEL_LIMIT, 0, deadline));
	let extrinsic =
		tx::signed_extrinsic(&ctx, free_job, &stranger, &CharlieStash.pair(), nonce_before, 0);
	let inclusion = tx::submit_and_watch(client, &extrinsic).await.unwrap();
	let error = inclusion.error.expect("the chain refuses a stranger's price-0 job");
	assert!(error.contains("NotAProject"), "{error}");

	// ---- The project's job: verified by the volunteers, paid in score.
	let from = market.best().await;
	let (code, stdout, stderr) = submit("//Bob//stash")();
	assert_eq!(code, Some(0), "{stderr}\n{}", market.logs());
	let submitted: Value = serde_json::from_str(&stdout).unwrap();
	let id = submitted["job"].as_u64().unwrap();
	assert_eq!(submitted["output"], "primes below 100000: 9592\n", "{submitted}");
	let view = market.settled(id).await;
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
	let to = market.best().await;
	let (credited_number, credited_at, credited) =
		score_credited(&market, id, from, to).await.expect("a ScoreCredited event");
	assert_eq!(credited, expected, "three replicas × rate × fuel");
	let score = chain::score_at(client, &VALIDATOR.to_account_id(), credited_at).await.unwrap();
	// Read at the crediting block, decayed by at most one epoch boundary since (scores
	// decay by under 1 % an epoch; the market's epochs are 20 s).
	assert!(
		score <= expected && score >= expected / 100 * 99,
		"the volunteers' validator gains rate × fuel per replica: {score} of {expected}"
	);
	let projects: Vec<Value> =
		chain::request(client, "povc_projects", rpc_params![credited_at]).await.unwrap();
	// A budget is per epoch: credited in the block that ended an epoch, the score counted
	// against that epoch's budget and the view shows the next one's, untouched.
	let epoch_of = |number: u32| async move {
		let at = chain::block_hash(client, number).await.unwrap().unwrap();
		testnet::babe_epoch(client, "BabeApi_current_epoch", Some(at)).await.unwrap().epoch_index
	};
	chain::wait_for_best(client, credited_number + 1, Duration::from_secs(60)).await.unwrap();
	let epochs = [
		epoch_of(credited_number - 1).await,
		epoch_of(credited_number).await,
		epoch_of(credited_number + 1).await,
	];
	let at_a_boundary = epochs[0] != epochs[1] || epochs[1] != epochs[2];
	let used = povc_e2e::amount(&projects[0]["used"]).expect("an amount");
	assert!(used == expected || (at_a_boundary && used == 0), "{projects:?}");
	assert_eq!(
		povc_e2e::amount(&projects[0]["remaining"]),
		Some(BUDGET - used),
		"the project's budget falls by what it credited"
	);
	println!(
		"volunteer job {id}: 3 x {fuel} fuel at {RATE} score/fuel = {expected} score, \
		 budget {BUDGET} -> {}",
		BUDGET - expected
	);
}
