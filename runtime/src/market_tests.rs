//! The job market on the real runtime: what workers pay, the price floor that pays for
//! their free calls, and what the block hook charges whatever the backlog.

use frame_support::{
	dispatch::GetDispatchInfo,
	traits::{
		fungible::{Inspect, Mutate},
		Get, Hooks,
	},
	weights::{Weight, WeightMeter},
};
use pallet_jobs::{ExecutionResult, FailureReason, JobInput, JobSpec, JobState, Jobs, Queue};
use povc_primitives::{result_commitment, ExecutionStatus};
use sp_core::H256;
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::Dispatchable;

use crate::{
	configs::{MinBond, MinReplicaPayment},
	tests::{preset_storage, small_job},
	AccountId, Balances, Runtime, RuntimeCall, RuntimeOrigin, System, UNIT,
};

type JobsPallet = pallet_jobs::Pallet<Runtime>;

/// The program of the runtime tests: a command that does nothing.
fn upload_noop(owner: &AccountId) -> H256 {
	let code = wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start")))"#)
		.unwrap();
	let program = H256(sp_crypto_hashing::blake2_256(&code));
	JobsPallet::upload_program(RuntimeOrigin::signed(owner.clone()), code).unwrap();
	program
}

/// Bob registers as a worker with room for many jobs, Alice uploads the no-op program and
/// submits `jobs` small one-replica jobs, and block 3 (`DrawDelay` later) draws Bob for
/// them. Returns Alice and Bob.
fn bob_drawn_for(jobs: u32) -> (AccountId, AccountId) {
	System::set_block_number(1);
	let (alice, bob) = (Sr25519Keyring::Alice.to_account_id(), Sr25519Keyring::Bob.to_account_id());
	let class = povc_primitives::RELEASE_CLASSES[0].as_bytes().to_vec();
	// Room to spare: a draw accepts a worker with probability free slots / capacity.
	pallet_workers::Pallet::<Runtime>::register(
		RuntimeOrigin::signed(bob.clone()),
		MinBond::get(),
		256,
		class.try_into().unwrap(),
	)
	.unwrap();
	// Drawn from its first snapshot on (here at once).
	pallet_workers::Pallet::<Runtime>::activate_all_now();
	let program = upload_noop(&alice);
	for _ in 0..jobs {
		JobsPallet::submit_job(RuntimeOrigin::signed(alice.clone()), small_job(program, 1))
			.unwrap();
	}
	System::set_block_number(3);
	JobsPallet::on_initialize(3);
	(alice, bob)
}

/// The fee `who` pays for `call`, dispatched as the transaction-payment extension
/// charges it after dispatch (an encoded length of 100 bytes), and whether it succeeded.
fn dispatch_paying(who: &AccountId, call: RuntimeCall) -> (u128, bool) {
	let info = call.get_dispatch_info();
	let (post, ok) = match call.dispatch(RuntimeOrigin::signed(who.clone())) {
		Ok(post) => (post, true),
		Err(error) => (error.post_info, false),
	};
	(pallet_transaction_payment::Pallet::<Runtime>::compute_actual_fee(100, &info, &post, 0), ok)
}

/// A worker's successful commit, reveal and publication pay no fee (charged, they cost a
/// replica about 0.2 POVC a job, more than a cheap job pays); its failing calls pay.
#[test]
fn a_workers_successful_calls_pay_no_fee() {
	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, bob) = bob_drawn_for(1);
		let job = 0;
		assert_eq!(Jobs::<Runtime>::get(job).unwrap().state, JobState::Committing);

		let result = ExecutionResult {
			output_hash: H256(sp_crypto_hashing::blake2_256(b"ok")),
			fuel_used: 500,
			status: ExecutionStatus::Exited(0),
		};
		let salt = [7; 32];
		let commitment =
			result_commitment(job, &bob, &result.output_hash, 500, &result.status, &salt);
		let commit = RuntimeCall::Jobs(pallet_jobs::Call::commit { job, commitment });
		let (fee, ok) = dispatch_paying(&alice, commit.clone());
		assert!(!ok && fee > 0, "a stranger's commit fails and pays ({fee})");
		assert_eq!(dispatch_paying(&bob, commit.clone()), (0, true), "the commit is free");
		let (fee, ok) = dispatch_paying(&bob, commit);
		assert!(!ok && fee > 0, "a second commit fails and pays ({fee})");

		let wrong_salt =
			RuntimeCall::Jobs(pallet_jobs::Call::reveal { job, result, salt: [0; 32] });
		let (fee, ok) = dispatch_paying(&bob, wrong_salt);
		assert!(!ok && fee > 0, "a mismatched reveal pays ({fee})");
		let reveal = RuntimeCall::Jobs(pallet_jobs::Call::reveal { job, result, salt });
		let charged = reveal.get_dispatch_info().call_weight;
		assert_eq!(dispatch_paying(&bob, reveal), (0, true), "the reveal is free");
		println!("a reveal charged {} ps of weight, now free", charged.ref_time());
		let output = b"ok".to_vec().try_into().unwrap();
		let publish = RuntimeCall::Jobs(pallet_jobs::Call::publish_output { job, output });
		assert_eq!(dispatch_paying(&bob, publish), (0, true), "the publication is free");
		assert_eq!(Jobs::<Runtime>::get(job).unwrap().state, JobState::Unverified);
	});
}

/// Bytes a signed extrinsic adds to its call: address (33), signature (65) and the
/// extensions (era, nonce, tip, metadata-hash mode: about 12).
const SIGNED_OVERHEAD: u32 = 110;

/// The fee a signed `call` would pay at its charged weight.
fn fee_of(call: &RuntimeCall) -> u128 {
	use codec::Encode;
	let len = call.encoded_size() as u32 + SIGNED_OVERHEAD;
	pallet_transaction_payment::Pallet::<Runtime>::compute_fee(len, &call.get_dispatch_info(), 0)
}

/// A worker's successful calls are free, so the block space they take is paid by the
/// job's price floor: a replica's commit, reveal and publication of a 32-byte output
/// would pay less in fees than `MinReplicaPayment`. Without the floor, a requester had
/// three workers' calls carried for a few planck.
#[test]
fn the_price_floor_covers_the_fees_of_a_replicas_free_calls() {
	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		let result = ExecutionResult {
			output_hash: H256::repeat_byte(1),
			fuel_used: 1,
			status: ExecutionStatus::Exited(0),
		};
		let calls = [
			pallet_jobs::Call::commit { job: 0, commitment: H256::repeat_byte(2) },
			pallet_jobs::Call::reveal { job: 0, result, salt: [3; 32] },
			pallet_jobs::Call::publish_output { job: 0, output: vec![4; 32].try_into().unwrap() },
		];
		let fees: u128 = calls.into_iter().map(|call| fee_of(&RuntimeCall::Jobs(call))).sum();
		let floor = MinReplicaPayment::get();
		println!("a replica's calls would pay {fees} planck in fees; the floor is {floor}");
		assert!(fees <= floor, "fees {fees} above the floor {floor}");
		// Not far above them either: the floor is what the block space costs.
		assert!(floor < 2 * fees, "floor {floor} more than twice the fees {fees}");
	});
}

/// A paid job that offers a replica less than `MinReplicaPayment` is refused, nothing
/// held; at the floor it is accepted.
#[test]
fn a_job_below_the_price_floor_is_refused() {
	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let program = upload_noop(&alice);
		let mut cheap = small_job(program, 3);
		cheap.fuel_limit = (MinReplicaPayment::get() / cheap.price_per_fuel) as u64 - 1;
		let before = Balances::total_balance(&alice);
		let free = Balances::free_balance(&alice);
		assert_eq!(
			JobsPallet::submit_job(RuntimeOrigin::signed(alice.clone()), cheap.clone()),
			Err(pallet_jobs::Error::<Runtime>::PriceBelowFloor.into())
		);
		assert_eq!(
			(Balances::total_balance(&alice), Balances::free_balance(&alice)),
			(before, free),
			"nothing held"
		);
		cheap.fuel_limit += 1;
		JobsPallet::submit_job(RuntimeOrigin::signed(alice), cheap).unwrap();
	});
}

/// A worker commits, reveals and publishes, for two jobs in one `utility.batch_all` each.
#[test]
fn a_worker_batches_commits_and_reveals_of_several_jobs() {
	use frame_support::traits::UnfilteredDispatchable;

	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		let (_, bob) = bob_drawn_for(2);

		let result = ExecutionResult {
			output_hash: H256(sp_crypto_hashing::blake2_256(b"ok")),
			fuel_used: 500,
			status: ExecutionStatus::Exited(0),
		};
		let salt = [7; 32];
		let commits = (0..2)
			.map(|job| {
				let commitment = result_commitment(
					job,
					&bob,
					&result.output_hash,
					result.fuel_used,
					&result.status,
					&salt,
				);
				RuntimeCall::Jobs(pallet_jobs::Call::commit { job, commitment })
			})
			.collect();
		let batch = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: commits });
		assert!(batch.get_dispatch_info().call_weight.ref_time() > 0);
		batch.dispatch_bypass_filter(RuntimeOrigin::signed(bob.clone())).unwrap();
		let reveals = (0..2)
			.map(|job| RuntimeCall::Jobs(pallet_jobs::Call::reveal { job, result, salt }))
			.collect();
		RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: reveals })
			.dispatch_bypass_filter(RuntimeOrigin::signed(bob.clone()))
			.unwrap();
		for job in 0..2 {
			let state = Jobs::<Runtime>::get(job).unwrap().state;
			assert_eq!(state, JobState::Publishing, "outputs are published after the reveals");
		}
		let outputs = (0..2)
			.map(|job| {
				RuntimeCall::Jobs(pallet_jobs::Call::publish_output {
					job,
					output: b"ok".to_vec().try_into().unwrap(),
				})
			})
			.collect();
		RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: outputs })
			.dispatch_bypass_filter(RuntimeOrigin::signed(bob.clone()))
			.unwrap();
		for job in 0..2 {
			let state = Jobs::<Runtime>::get(job).unwrap().state;
			assert_eq!(state, JobState::Unverified);
		}
	});
}

/// How many due timeouts the block hook handles in a block: its half of `MaxHookWeight`.
pub(crate) fn timeouts_per_block() -> u32 {
	let hook = <<Runtime as pallet_jobs::Config>::MaxHookWeight as Get<Weight>>::get();
	let mut half = WeightMeter::with_limit(hook / 2);
	half.consume(<Runtime as frame_system::Config>::DbWeight::get().reads(1));
	JobsPallet::room_for(&half, JobsPallet::timeout_weight(JobsPallet::registry_size()))
}

/// The attack: a backlog of due timeouts, finished jobs and queued draws all at once
/// (cheap to build: submit, cancel, or queue what nobody can serve). Charged 40 timeouts
/// and 40 prunings at the dearest timeout's weight, the hook took more than half a 2 s
/// block, and more than the whole block with its draws. Now it never charges more than
/// half a block, and every kind of work still moves in every block.
#[test]
fn a_backlog_never_makes_the_hook_charge_more_than_half_a_block() {
	let queue_len = <<Runtime as pallet_jobs::Config>::MaxQueueLen as Get<u32>>::get();
	let per_account = <<Runtime as pallet_jobs::Config>::MaxQueuedPerAccount as Get<u32>>::get();
	let retention = <<Runtime as pallet_jobs::Config>::JobRetention as Get<u32>>::get();
	let wait = <<Runtime as pallet_jobs::Config>::MaxQueueWait as Get<u32>>::get();
	let delay = <<Runtime as pallet_jobs::Config>::DrawDelay as Get<u32>>::get();
	let max_block = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
	let hook = <<Runtime as pallet_jobs::Config>::MaxHookWeight as Get<Weight>>::get();
	assert!(hook.all_lte(max_block / 2), "the hook's budget is half a block at most");

	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let program = upload_noop(&alice);
		// What nobody can serve: no worker is registered.
		let spec = |deadline| JobSpec {
			program,
			input: JobInput::Inline(Default::default()),
			tasks: 1,
			fuel_limit: 1,
			replicas: 1,
			price_per_fuel: MinReplicaPayment::get(),
			deadline,
			min_reputation: Default::default(),
			max_output_len: 0,
		};
		let accounts: Vec<AccountId> = (0..queue_len / per_account)
			.map(|i| AccountId::from(sp_crypto_hashing::blake2_256(&i.to_le_bytes())))
			.collect();
		for who in &accounts {
			Balances::mint_into(who, 100 * UNIT).unwrap();
		}
		// Block 1: a queue's worth of jobs submitted and cancelled, pruned at T.
		let due = 1 + retention;
		let deadline = due + 7 * crate::DAYS / 2;
		let mut cancelled = Vec::new();
		for who in &accounts {
			for _ in 0..per_account {
				let job = pallet_jobs::NextJobId::<Runtime>::get();
				JobsPallet::submit_job(RuntimeOrigin::signed(who.clone()), spec(deadline)).unwrap();
				JobsPallet::cancel_job(RuntimeOrigin::signed(who.clone()), job).unwrap();
				cancelled.push(job);
			}
		}
		// A full queue whose queue timeouts are due at T too, and all drawable then.
		let queued_at = due - delay - wait;
		System::set_block_number(queued_at);
		let mut queued = Vec::new();
		for who in &accounts {
			for _ in 0..per_account {
				queued.push(pallet_jobs::NextJobId::<Runtime>::get());
				JobsPallet::submit_job(RuntimeOrigin::signed(who.clone()), spec(deadline)).unwrap();
			}
		}
		assert_eq!(Queue::<Runtime>::get().len() as u32, queue_len);

		let timed_out = || {
			queued
				.iter()
				.filter(|job| {
					Jobs::<Runtime>::get(job).unwrap().state
						== JobState::Failed(FailureReason::NotEnoughWorkers)
				})
				.count()
		};
		let pruned = || cancelled.iter().filter(|job| Jobs::<Runtime>::get(job).is_none()).count();
		let tried = || {
			queued
				.iter()
				.filter(|job| {
					let record = Jobs::<Runtime>::get(job).unwrap();
					record.state == JobState::Queued && record.failed_draws > 0
				})
				.count()
		};
		let mut block = due;
		let mut blocks = 0;
		loop {
			System::set_block_number(block);
			let charged = JobsPallet::on_initialize(block);
			assert!(charged.all_lte(max_block / 2), "block {block}: {charged:?} > half a block");
			blocks += 1;
			if block == due {
				let (t, p, d) = (timed_out(), pruned(), tried());
				println!(
					"first block of the backlog: {t} timeouts, {p} prunings, {d} draws, \
					 charged {} of {} ps",
					charged.ref_time(),
					max_block.ref_time()
				);
				assert!(t > 0 && p > 0 && d > 0, "every kind of work moved");
				assert_eq!(t as u32, timeouts_per_block(), "the timeouts' half is used");
			}
			if timed_out() == queued.len() && pruned() == cancelled.len() {
				break;
			}
			block += 1;
		}
		println!("the backlog cleared in {blocks} blocks");
		assert!(Queue::<Runtime>::get().is_empty());
		pallet_jobs::Pallet::<Runtime>::do_try_state(block).unwrap();
	});
}
