//! The loop of proof of valuable computing closes on a real 4-validator testnet: workers
//! contributing to validator Bob complete a verified job, Bob's compute score rises by
//! the verified fuel, the next epoch change announces Bob's higher BABE weight (in
//! pallet-povc's view and in BABE's own runtime API), the epoch after uses it, and
//! GRANDPA keeps finalizing across every authority-set change.

use std::time::Duration;

use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClient};
use povc_e2e::{
	chain::{self, wait_for},
	money,
	sign::send,
	testnet::{self, share_of},
	tx::ChainContext,
	worker::WorkerProcess,
};
use povc_runtime::{AccountId, Balance, RuntimeCall};
use serde_json::Value;
use sp_core::H256;
use sp_keyring::Sr25519Keyring::*;

const MINUTE: Duration = Duration::from_secs(60);
const UNIT: Balance = 1_000_000_000_000;
const PROGRAM: &[u8] = include_bytes!("../../examples/jobs/wasm/primes.wasm");
/// Planck per fuel of the verified job.
const PRICE: Balance = 1_000;

/// `who`'s compute score at `at`.
async fn score(client: &WsClient, who: &AccountId, at: H256) -> u128 {
	chain::score_at(client, who, at).await.unwrap()
}

/// The weights of an authority list of `povc_authorities`, in order.
fn weights_of(list: &Value) -> Vec<u64> {
	list.as_array().unwrap().iter().map(|a| a["weight"].as_u64().unwrap()).collect()
}

/// `who`'s weight in an authority list of `povc_authorities`.
fn share_weight(list: &Value, who: &AccountId) -> u64 {
	let index =
		testnet::authority_index(list, who).unwrap_or_else(|| panic!("{who} not in {list}"));
	list[index]["weight"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn verified_compute_raises_a_validators_babe_weight_at_the_next_epoch() {
	let dir = tempfile::tempdir().unwrap();
	// 1 s slots, 20-slot epochs: an authority-set change every 20 s or so.
	let spec = testnet::local_spec_with_timing(dir.path(), 1_000, 20).unwrap();
	let nodes = testnet::start_validators(spec.to_str().unwrap(), dir.path()).await.unwrap();
	let client = nodes[0].client().await.unwrap();
	chain::wait_for_best(&client, 1, 2 * MINUTE).await.unwrap();
	let ctx = ChainContext::fetch(&client).await.unwrap();
	let set_id_at_start = testnet::grandpa_set_id(&client).await.unwrap();
	let bob = Bob.to_account_id();

	// Eve and Ferdie run workers whose verified compute counts for validator Bob.
	let class = povc_e2e::market::worker_class();
	for worker in [Eve, Ferdie] {
		let register = RuntimeCall::Workers(pallet_workers::Call::register {
			bond: 100 * UNIT,
			capacity: 2,
			class: class.clone().into_bytes().try_into().unwrap(),
		});
		let contribute = RuntimeCall::Workers(pallet_workers::Call::contribute_to {
			beneficiary: Some(bob.clone().into()),
		});
		let batch = pallet_utility::Call::batch_all { calls: vec![register, contribute] };
		send(&client, &ctx, worker, RuntimeCall::Utility(batch)).await;
	}
	// Three paused workers: a referee committee could be drawn besides the two replicas.
	let standby = [AliceStash, BobStash, CharlieStash];
	povc_e2e::sign::register_standby_workers(&client, &ctx, &standby, &class).await;
	let upload = pallet_jobs::Call::upload_program { code: PROGRAM.to_vec() };
	send(&client, &ctx, Alice, RuntimeCall::Jobs(upload)).await;
	let url = nodes[0].ws_url();
	let workers: Vec<_> = ["//Eve", "//Ferdie"]
		.iter()
		.map(|key| WorkerProcess::start(&url, key, dir.path(), &[]).unwrap())
		.collect();

	let before = testnet::authorities(&client, None).await.unwrap();
	let bob_share_before = share_of(&before["next"], &bob).unwrap();
	assert_eq!(bob_share_before, 0.125, "Bob's genesis weight: 1 of 8");
	let bob_score_before = score(&client, &bob, money::best_hash(&client).await.unwrap()).await;
	// The workers are in the draws from their first snapshot on: three 20-second epochs
	// after they registered at most.
	let registered: Vec<_> = [Eve, Ferdie].iter().map(|w| w.to_account_id()).collect();
	chain::wait_until_drawn(&client, &registered, Duration::from_secs(120))
		.await
		.expect("the workers in the draws");

	// ---- A verified job of two replicas, both contributing to Bob.
	let deadline = chain::best_number(&client).await.unwrap() + 1_000;
	let mut spec = povc_e2e::tx::job_spec(PROGRAM, b"100000", 1_000_000_000, PRICE, deadline);
	spec.replicas = 2;
	let submit = povc_e2e::tx::submit_job_call(spec);
	send(&client, &ctx, Alice, submit).await;
	let view: Value = wait_for("the job to be verified", 5 * MINUTE, || async {
		let view: Value = client.request("povc_job", rpc_params![0u64]).await?;
		Ok((view["state"] == "Verified").then_some(view))
	})
	.await
	.unwrap_or_else(|e| {
		let logs: Vec<_> = workers.iter().map(|w| w.log_tail()).collect();
		panic!("{e}\n{}", logs.join("\n---\n"))
	});
	let fuel = u128::from(view["result"]["fuel_used"].as_u64().unwrap());
	// Score is the value burned on each verified payment: the runtime's burn share of it.
	// A run is paid its fuel, at least the price floor.
	let burn_share = <povc_runtime::Runtime as pallet_jobs::Config>::BurnShare::get();
	let floor = <povc_runtime::Runtime as pallet_jobs::Config>::MinReplicaPayment::get();
	let burned = burn_share * (fuel * PRICE).max(floor);
	let verified_at = money::best_hash(&client).await.unwrap();
	let session_verified = testnet::authorities(&client, Some(verified_at)).await.unwrap()
		["session"]
		.as_u64()
		.unwrap();
	let bob_score = score(&client, &bob, verified_at).await;
	// Two replicas burning `burned` each; the old score decayed by under 1 % per epoch
	// meanwhile.
	assert!(
		bob_score >= bob_score_before * 9 / 10 + 2 * burned
			&& bob_score <= bob_score_before + 2 * burned,
		"Bob's score {bob_score_before} -> {bob_score} after 2 x {fuel} verified fuel burning {burned} each"
	);

	println!(
		"job 0 verified in session {session_verified}: 2 x {fuel} fuel burning {burned} each; Bob's score {bob_score_before} -> {bob_score}"
	);

	// ---- The next epoch change announces Bob's higher weight, in proportion to scores.
	let (announced_at, announced) =
		wait_for("Bob's new weight to be announced", 2 * MINUTE, || async {
			let at = money::best_hash(&client).await?;
			let set = testnet::authorities(&client, Some(at)).await?;
			let raised = share_of(&set["next"], &bob).is_some_and(|share| share > bob_share_before);
			Ok(raised.then_some((at, set)))
		})
		.await
		.unwrap();
	let session_announced = announced["session"].as_u64().unwrap();
	assert!(
		session_announced <= session_verified + 1,
		"announced at the first epoch change after the job (sessions {session_verified} -> {session_announced})"
	);
	let mut scores = Vec::new();
	for validator in testnet::VALIDATORS {
		scores.push(score(&client, &validator.to_account_id(), announced_at).await as f64);
	}
	let expected = scores[1] / scores.iter().sum::<f64>();
	let bob_share = share_of(&announced["next"], &bob).unwrap();
	assert!(
		(bob_share - expected.min(0.5)).abs() < 1e-3,
		"Bob's announced share {bob_share} against his share of the scores {expected} ({scores:?})"
	);
	println!(
		"session {session_announced}: Bob's next weight share {:.1} % (was {:.1} %), his share of the scores {:.1} %",
		100.0 * bob_share,
		100.0 * bob_share_before,
		100.0 * expected
	);
	// BABE's own runtime API announces the same weights: what block authoring uses.
	let babe_next =
		testnet::babe_epoch(&client, "BabeApi_next_epoch", Some(announced_at)).await.unwrap();
	let weights: Vec<u64> = babe_next.authorities.iter().map(|(_, weight)| *weight).collect();
	let announced_weights = weights_of(&announced["next"]);
	assert_eq!(weights, announced_weights, "BABE's next epoch carries pallet-povc's weights");

	// ---- The epoch after uses it, and finality follows every set change.
	let in_use = wait_for("Bob's new weight in use", 2 * MINUTE, || async {
		let set = testnet::authorities(&client, None).await?;
		Ok((share_of(&set["current"], &bob) == Some(bob_share)).then_some(set))
	})
	.await
	.unwrap();
	let babe_current = testnet::babe_epoch(&client, "BabeApi_current_epoch", None).await.unwrap();
	let in_use_weights = weights_of(&in_use["current"]);
	assert!(in_use_weights.contains(&share_weight(&in_use["current"], &bob)));
	let babe_weights: Vec<u64> = babe_current.authorities.iter().map(|(_, w)| *w).collect();
	assert_eq!(babe_weights, in_use_weights, "BABE authors this epoch with the new weights");
	let best = chain::best_number(&client).await.unwrap();
	chain::wait_for_finalized(&client, best, 2 * MINUTE).await.unwrap_or_else(|e| {
		panic!("finality stalled after the set changes: {e}\n{}", nodes[0].log_tail())
	});
	let set_id = testnet::grandpa_set_id(&client).await.unwrap();
	assert!(set_id >= set_id_at_start + 2, "GRANDPA set id {set_id_at_start} -> {set_id}");
	println!(
		"session {}: in use; GRANDPA set id {set_id_at_start} -> {set_id}, finalized #{best}",
		in_use["session"]
	);
}
