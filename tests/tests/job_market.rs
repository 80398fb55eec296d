//! The job market on a real `povc-node --dev`: workers register, a requester uploads a
//! program and submits jobs, this test acts as the workers (committing and revealing
//! through extrinsics), and everything is read back through the `povc_*` JSON-RPC.
//!
//! It checks what the pallet's unit tests check, on a real chain: unanimous replicas are
//! paid `fuel × price` less the burned 10 %, replicas that disagree fail their job (the
//! referees' verdict records a fault against the wrong one, takes no bond and pays no
//! replica) while the dispute fee pays the referees, a cancelled job is refunded, and the
//! total issuance changes by exactly the burned fees.

use codec::Encode;
use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClient};
use pallet_jobs::ExecutionResult;
use povc_e2e::{
	chain, money,
	node::start_fast_dev,
	tx::{self, ChainContext},
};
use povc_primitives::{referee_commitment, result_commitment, ExecutionStatus};
use povc_runtime::{AccountId, Balance, RuntimeCall, RuntimeEvent, UNIT};
use serde_json::Value;
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{self, Alice, AliceStash, Bob, Charlie, Dave, Eve, Ferdie};
use sp_runtime::{Perbill, Permill};

/// An allowed class (the genesis allow-list holds the worker's classes).
const CLASS: &[u8] = povc_primitives::RELEASE_CLASSES[0].as_bytes();
const MIN_BOND: Balance = 100 * UNIT;
const FUEL_LIMIT: u64 = 1_000_000;
const FUEL_USED: u64 = 600_000;
const PRICE: Balance = 1_000_000; // planck per fuel: 1 POVC per 10^6 fuel

/// The smallest WASI command.
const PROGRAM: &str = r#"(module
	(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
	(memory (export "memory") 1)
	(func (export "_start")))"#;

type Events = Vec<RuntimeEvent>;

/// Signs `call` as `who`, submits it and returns the events of the block it landed in.
async fn send(
	client: &WsClient,
	ctx: &ChainContext,
	who: Sr25519Keyring,
	call: RuntimeCall,
) -> Events {
	send_to_block(client, ctx, who, call).await.1
}

async fn send_to_block(
	client: &WsClient,
	ctx: &ChainContext,
	who: Sr25519Keyring,
	call: RuntimeCall,
) -> (H256, Events) {
	let account = who.to_account_id();
	let nonce = tx::next_nonce(client, &account).await.unwrap();
	let extrinsic = tx::signed_extrinsic(ctx, call.clone(), &account, &who.pair(), nonce, 0);
	let block = tx::submit_and_wait_in_block(client, &extrinsic)
		.await
		.unwrap_or_else(|e| panic!("{call:?} by {who:?}: {e}"));
	let records = chain::events(client, block).await.unwrap();
	let failed = records.iter().any(|r| {
		matches!(r.event, RuntimeEvent::System(frame_system::Event::ExtrinsicFailed { .. }))
	});
	assert!(!failed, "{call:?} by {who:?} failed: {records:?}");
	(block, records.into_iter().map(|r| r.event).collect())
}

/// Sends one call per signer concurrently (different accounts, so no nonce races) and
/// returns the events of the blocks they landed in, each block once.
async fn send_all(
	client: &WsClient,
	ctx: &ChainContext,
	calls: Vec<(Sr25519Keyring, RuntimeCall)>,
) -> Events {
	let sends = calls.into_iter().map(|(who, call)| send_to_block(client, ctx, who, call));
	let mut blocks = futures::future::join_all(sends).await;
	blocks.sort_by_key(|(hash, _)| *hash);
	blocks.dedup_by_key(|(hash, _)| *hash);
	blocks.into_iter().flat_map(|(_, events)| events).collect()
}

fn register(class: &[u8]) -> RuntimeCall {
	RuntimeCall::Workers(pallet_workers::Call::register {
		bond: MIN_BOND,
		capacity: 4,
		class: class.to_vec().try_into().unwrap(),
	})
}

fn output_result(output: &[u8]) -> ExecutionResult {
	ExecutionResult {
		output_hash: H256(sp_crypto_hashing::blake2_256(output)),
		fuel_used: FUEL_USED,
		status: ExecutionStatus::Exited(0),
	}
}

fn salt(who: Sr25519Keyring) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(&who.to_account_id().encode())
}

fn commit(job: u64, who: Sr25519Keyring, output: &[u8]) -> (Sr25519Keyring, RuntimeCall) {
	let r = output_result(output);
	let commitment = result_commitment(
		job,
		&who.to_account_id(),
		&r.output_hash,
		r.fuel_used,
		&r.status,
		&salt(who),
	);
	(who, RuntimeCall::Jobs(pallet_jobs::Call::commit { job, commitment }))
}

/// A referee's commitment binds its output bytes to itself.
fn referee_commit(job: u64, who: Sr25519Keyring, output: &[u8]) -> (Sr25519Keyring, RuntimeCall) {
	let r = output_result(output);
	let account = who.to_account_id();
	let commitment = referee_commitment(job, &account, output, r.fuel_used, &r.status, &salt(who));
	(who, RuntimeCall::Jobs(pallet_jobs::Call::commit { job, commitment }))
}

/// A replica reveals its result, not its output.
fn reveal(job: u64, who: Sr25519Keyring, output: &[u8]) -> (Sr25519Keyring, RuntimeCall) {
	let call = pallet_jobs::Call::reveal { job, result: output_result(output), salt: salt(who) };
	(who, RuntimeCall::Jobs(call))
}

/// A referee reveals its result with the output.
fn referee_reveal(job: u64, who: Sr25519Keyring, output: &[u8]) -> (Sr25519Keyring, RuntimeCall) {
	let call = pallet_jobs::Call::reveal_verdict {
		job,
		result: output_result(output),
		salt: salt(who),
		output: output.to_vec().try_into().unwrap(),
	};
	(who, RuntimeCall::Jobs(call))
}

/// The output its replicas agreed on, as a replica publishes it.
fn publish(job: u64, output: &[u8]) -> RuntimeCall {
	RuntimeCall::Jobs(pallet_jobs::Call::publish_output {
		job,
		output: output.to_vec().try_into().unwrap(),
	})
}

fn job_events(events: &Events) -> Vec<pallet_jobs::Event<povc_runtime::Runtime>> {
	events
		.iter()
		.filter_map(|e| match e {
			RuntimeEvent::Jobs(e) => Some(e.clone()),
			_ => None,
		})
		.collect()
}

async fn rpc<R: serde::de::DeserializeOwned>(
	client: &WsClient,
	method: &str,
	params: jsonrpsee::core::params::ArrayParams,
) -> R {
	client.request(method, params).await.unwrap_or_else(|e| panic!("{method}: {e}"))
}

async fn job_view(client: &WsClient, job: u64) -> Value {
	rpc(client, "povc_job", rpc_params![job]).await
}

fn accounts(keys: &[Sr25519Keyring]) -> Vec<String> {
	accounts_of(keys.iter().map(|k| k.to_account_id()).collect())
}

fn assigned(view: &Value, role: &str) -> Vec<String> {
	let mut ids: Vec<String> = view["assignments"]
		.as_array()
		.unwrap()
		.iter()
		.filter(|a| a["role"] == role)
		.map(|a| a["worker"].as_str().unwrap().to_string())
		.collect();
	ids.sort();
	ids
}

/// Waits until job `id` has left the queue (its workers are drawn `DrawDelay` blocks after
/// the submission) and returns its view.
async fn drawn(client: &WsClient, id: u64) -> Value {
	left(client, id, "Queued").await
}

/// The job's view once it is no longer in `state` (a draw happens in a later block).
async fn left(client: &WsClient, id: u64, state: &str) -> Value {
	for _ in 0..120 {
		let view = job_view(client, id).await;
		if view["state"] != state {
			return view;
		}
		tokio::time::sleep(std::time::Duration::from_millis(500)).await;
	}
	panic!("job {id} stayed {state}");
}

#[tokio::test(flavor = "multi_thread")]
async fn jobs_settle_pay_slash_and_refund_on_a_dev_chain() {
	let dir = tempfile::tempdir().unwrap();
	// 2-second slots and 20-second epochs: the workers registered below are in the draws
	// within a minute (three epochs after they registered).
	let (_node, client) = start_fast_dev(dir.path()).await.expect("dev node");
	let ctx = ChainContext::fetch(&client).await.unwrap();
	let replicas = [Bob, Charlie, Dave];

	// Three workers and a program. Three more, paused (never replicas), referee for the
	// dev chain's validator, Alice.
	send_all(&client, &ctx, replicas.iter().map(|w| (*w, register(CLASS))).collect()).await;
	let referees = [Eve, Ferdie, AliceStash];
	let contribute_to_alice = RuntimeCall::Workers(pallet_workers::Call::contribute_to {
		beneficiary: Some(Alice.to_account_id().into()),
	});
	let referee_setup = |_| {
		RuntimeCall::Utility(pallet_utility::Call::batch_all {
			calls: vec![
				register(CLASS),
				RuntimeCall::Workers(pallet_workers::Call::pause {}),
				contribute_to_alice.clone(),
			],
		})
	};
	send_all(&client, &ctx, referees.iter().map(|w| (*w, referee_setup(w))).collect()).await;
	// These referees are only keys: an auditor drawn among them would never answer.
	povc_e2e::sign::set_audit_rate(&client, &ctx, Perbill::zero()).await;
	// Alice accepts them: nobody referees uninvited.
	let accept = referees
		.iter()
		.map(|w| RuntimeCall::Povc(pallet_povc::Call::accept_referee { worker: w.to_account_id() }))
		.collect();
	send(
		&client,
		&ctx,
		Alice,
		RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: accept }),
	)
	.await;
	let everyone: Vec<_> = replicas.iter().chain(&referees).map(|w| w.to_account_id()).collect();
	chain::wait_until_drawn(&client, &everyone, std::time::Duration::from_secs(120))
		.await
		.expect("the workers in the draws");
	let code = wat::parse_str(PROGRAM).unwrap();
	let upload = pallet_jobs::Call::upload_program { code: code.clone() };
	send(&client, &ctx, Alice, RuntimeCall::Jobs(upload)).await;
	let submit_job =
		|deadline| tx::submit_job_call(tx::job_spec(&code, b"input", FUEL_LIMIT, PRICE, deadline));

	// Garbage is refused with a precise error, costing only the fee.
	let garbage =
		RuntimeCall::Jobs(pallet_jobs::Call::upload_program { code: b"not wasm".to_vec() });
	let nonce = tx::next_nonce(&client, &Alice.to_account_id()).await.unwrap();
	let extrinsic =
		tx::signed_extrinsic(&ctx, garbage, &Alice.to_account_id(), &Alice.pair(), nonce, 0);
	let block = tx::submit_and_wait_in_block(&client, &extrinsic).await.unwrap();
	let failed = chain::events(&client, block).await.unwrap().into_iter().any(|r| matches!(
		r.event,
		RuntimeEvent::System(frame_system::Event::ExtrinsicFailed { dispatch_error: sp_runtime::DispatchError::Module(ref m), .. })
			if m.index == 10 && m.error[0] == 2 // pallet_jobs::Error::InvalidWasm
	));
	assert!(failed, "invalid wasm is refused with InvalidWasm");

	// The cost estimate through RPC is what submission holds.
	let estimate: Value =
		rpc(&client, "povc_estimateCost", rpc_params![FUEL_LIMIT, 3u8, PRICE, 64u32]).await;
	let max_payment = Balance::from(FUEL_LIMIT) * PRICE * 3;
	assert_eq!(povc_e2e::amount(&estimate["maxPayment"]).unwrap(), max_payment);
	let escrow = povc_e2e::amount(&estimate["escrow"]).unwrap();

	// ---- Job 0: unanimous replicas are paid. ----
	let at_start = money::best_hash(&client).await.unwrap();
	let issuance_before = money::total_issuance(&client, at_start).await.unwrap();
	let rewards_before = money::total_rewards(&client, at_start).await.unwrap();
	let deadline = chain::best_number(&client).await.unwrap() + 1_000;
	let events = send(&client, &ctx, Alice, submit_job(deadline)).await;
	assert!(job_events(&events).contains(&pallet_jobs::Event::JobSubmitted {
		job: 0,
		requester: Alice.to_account_id(),
		escrow
	}));
	let view = drawn(&client, 0).await;
	assert_eq!(view["state"], "Committing");
	// At the draw the queue allowance leaves the escrow (its fee burned, the rest refunded).
	let allowance = povc_e2e::amount(&estimate["maxQueueFee"]).unwrap();
	assert_eq!(povc_e2e::amount(&view["escrow"]).unwrap(), escrow - allowance);
	assert_eq!(assigned(&view, "Replica"), accounts(&replicas));
	let open: Vec<Value> =
		rpc(&client, "povc_assignments", rpc_params![Bob.to_account_id().to_string()]).await;
	assert_eq!(open.len(), 1);
	assert_eq!(open[0]["job"], 0);

	send_all(&client, &ctx, replicas.iter().map(|w| commit(0, *w, b"42")).collect()).await;
	assert_eq!(job_view(&client, 0).await["state"], "Revealing");
	send_all(&client, &ctx, replicas.iter().map(|w| reveal(0, *w, b"42")).collect()).await;
	// Replicas reveal hashes only: the agreed output is published afterwards, which
	// settles the job (free for the publisher).
	assert_eq!(job_view(&client, 0).await["state"], "Publishing");
	let output: Option<String> = rpc(&client, "povc_result", rpc_params![0u64]).await;
	assert_eq!(output, None, "no output bytes before they are published");
	let events = send(&client, &ctx, Bob, publish(0, b"42")).await;
	let payment = Balance::from(FUEL_USED) * PRICE;
	let burn = Perbill::from_percent(10) * payment;
	let paid: Vec<_> = job_events(&events)
		.into_iter()
		.filter_map(|e| match e {
			pallet_jobs::Event::WorkerPaid { job: 0, worker, amount, burned } => {
				Some((worker, amount, burned))
			},
			_ => None,
		})
		.collect();
	assert_eq!(paid.len(), 3, "every replica paid once: {:?}", job_events(&events));
	assert!(paid.iter().all(|(_, amount, burned)| *amount == payment && *burned == burn));
	// Paid and published; the score waits for the audit draw, the dispute fee in escrow.
	let view = job_view(&client, 0).await;
	assert_eq!(view["state"], "AuditPending");
	assert!(povc_e2e::amount(&view["escrow"]).unwrap() > 0, "{view}");
	let output: Option<String> = rpc(&client, "povc_result", rpc_params![0u64]).await;
	assert_eq!(output.as_deref(), Some("0x3432"));
	let view = left(&client, 0, "AuditPending").await;
	assert_eq!(view["state"], "Verified", "audits are off on this chain");
	assert_eq!(view["escrow"], "0");
	let at_end = money::best_hash(&client).await.unwrap();
	let rewards = money::total_rewards(&client, at_end).await.unwrap() - rewards_before;
	assert_eq!(
		money::total_issuance(&client, at_end).await.unwrap(),
		issuance_before - 3 * burn + rewards,
		"issuance falls by exactly the burned fees (besides the block rewards)"
	);
	let by_requester: Vec<u64> =
		rpc(&client, "povc_jobsByRequester", rpc_params![Alice.to_account_id().to_string()]).await;
	assert_eq!(by_requester, vec![0]);

	// ---- Job 1: Dave is wrong; the referees find him out, paid from the dispute fee, but
	// a job whose replicas disagree is never verified. ----
	let deadline = chain::best_number(&client).await.unwrap() + 1_000;
	send(&client, &ctx, Alice, submit_job(deadline)).await;
	assert_eq!(assigned(&drawn(&client, 1).await, "Replica"), accounts(&replicas));

	send_all(
		&client,
		&ctx,
		vec![commit(1, Bob, b"42"), commit(1, Charlie, b"42"), commit(1, Dave, b"41")],
	)
	.await;
	let events = send_all(
		&client,
		&ctx,
		vec![reveal(1, Bob, b"42"), reveal(1, Charlie, b"42"), reveal(1, Dave, b"41")],
	)
	.await;
	assert!(job_events(&events)
		.iter()
		.any(|e| matches!(e, pallet_jobs::Event::DisputeOpened { job: 1, .. })));
	// The committee is drawn two blocks later, with randomness nobody had at the reveal.
	assert_eq!(job_view(&client, 1).await["state"], "DrawingReferees");
	let view = left(&client, 1, "DrawingReferees").await;
	assert_eq!(view["state"], "RefereesCommitting");
	assert_eq!(assigned(&view, "Referee"), accounts(&referees));

	send_all(&client, &ctx, referees.iter().map(|r| referee_commit(1, *r, b"42")).collect()).await;
	let events =
		send_all(&client, &ctx, referees.iter().map(|r| referee_reveal(1, *r, b"42")).collect())
			.await;
	let jobs = job_events(&events);
	// A committee can be captured, so its verdict takes no bond (the runtime's
	// `WrongResultSlash` is 0) and verifies no result the replicas disagree on
	// (docs/SECURITY.md). Dave gets a fault.
	assert!(
		jobs.contains(&pallet_jobs::Event::WrongResultSlashed {
			job: 1,
			worker: Dave.to_account_id(),
			slashed: 0
		}),
		"Dave's wrong result is recorded, his bond untouched: {jobs:?}"
	);
	let paid: Vec<AccountId> = jobs
		.iter()
		.filter_map(|e| match e {
			pallet_jobs::Event::WorkerPaid { job: 1, worker, .. } => Some(worker.clone()),
			_ => None,
		})
		.collect();
	// Only the referees, from the dispute fee.
	assert_eq!(accounts_of(paid), accounts(&[Eve, Ferdie, AliceStash]));
	assert!(
		!events.iter().any(|e| matches!(
			e,
			RuntimeEvent::Balances(pallet_balances::Event::TransferOnHold { source, .. })
				if *source == Dave.to_account_id()
		)),
		"nothing moves out of Dave's bond"
	);
	assert_eq!(job_view(&client, 1).await["state"], serde_json::json!({ "Failed": "Disputed" }));
	let dave: Value =
		rpc(&client, "povc_worker", rpc_params![Dave.to_account_id().to_string()]).await;
	assert_eq!(povc_e2e::amount(&dave["bond"]).unwrap(), MIN_BOND);
	assert_eq!(dave["faults"], 1);
	let bob: Value =
		rpc(&client, "povc_worker", rpc_params![Bob.to_account_id().to_string()]).await;
	assert_eq!(bob["verified"], 1, "job 1 verified nothing");
	assert_eq!(bob["faults"], 0);
	let nobody: Option<Value> =
		rpc(&client, "povc_worker", rpc_params![Alice.to_account_id().to_string()]).await;
	assert!(nobody.is_none());

	// ---- Job 2: cancelled before its draw, fully refunded. No worker has the 90 %
	// reputation it asks for, so it waits in the queue. ----
	let deadline = chain::best_number(&client).await.unwrap() + 1_000;
	let mut picky = tx::job_spec(&code, b"input", FUEL_LIMIT, PRICE, deadline);
	picky.min_reputation = Permill::from_percent(90);
	let submitted = send(&client, &ctx, Alice, tx::submit_job_call(picky)).await;
	let cancelled =
		send(&client, &ctx, Alice, RuntimeCall::Jobs(pallet_jobs::Call::cancel_job { job: 2 }))
			.await;
	assert!(job_events(&cancelled).contains(&pallet_jobs::Event::JobCancelled { job: 2 }));
	let released: Balance =
		submitted
			.iter()
			.chain(&cancelled)
			.filter_map(|e| match e {
				RuntimeEvent::Balances(pallet_balances::Event::Released {
					who, amount, ..
				}) if *who == Alice.to_account_id() => Some(*amount),
				_ => None,
			})
			.sum();
	assert_eq!(released, escrow, "the whole escrow is released");
	assert_eq!(job_view(&client, 2).await["state"], "Cancelled");
	let nothing: Vec<Value> =
		rpc(&client, "povc_assignments", rpc_params![Bob.to_account_id().to_string()]).await;
	assert!(nothing.is_empty());

	// Garbage RPC parameters get an error, not a crash.
	let bad: Result<Value, _> = client.request("povc_job", rpc_params!["not a number"]).await;
	assert!(bad.is_err());
	let overflow: Result<Value, _> = client
		.request(
			"povc_estimateCost",
			rpc_params![FUEL_LIMIT, 3u8, "0xffffffffffffffffffffffffffffffff", 64u32],
		)
		.await;
	assert!(overflow.unwrap_err().to_string().contains("Overflow"));
}

fn accounts_of(ids: Vec<AccountId>) -> Vec<String> {
	let mut out: Vec<String> = ids.iter().map(|a| a.to_string()).collect();
	out.sort();
	out
}
