//! Unit tests of the runtime's own configuration: genesis presets and fees.

use frame_support::traits::{fungible::Inspect, Get, OnUnbalanced};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;
use sp_runtime::BuildStorage;

use crate::{
	configs::FeesToAuthor, genesis_config_presets, Babe, Balances, Runtime, RuntimeGenesisConfig,
	System,
};

/// Genesis storage of a named preset, built the way the node builds it.
pub(crate) fn preset_storage(name: &str) -> sp_io::TestExternalities {
	let json = genesis_config_presets::get_preset(&name.into()).expect("preset exists");
	let mut config: serde_json::Value = serde_json::from_slice(&json).unwrap();
	// A preset is a patch over the default config: merge it in as the node does.
	let mut full = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut full, config.take());
	let config: RuntimeGenesisConfig = serde_json::from_value(full).unwrap();
	config.build_storage().unwrap().into()
}

/// A job of `program` with `replicas` replicas, 1,000 fuel that pay each replica the
/// price floor, an empty inline input and deadline block 10,000: the small job the
/// runtime tests submit.
pub(crate) fn small_job(program: sp_core::H256, replicas: u8) -> pallet_jobs::JobSpecOf<Runtime> {
	pallet_jobs::JobSpec {
		program,
		input: pallet_jobs::JobInput::Inline(Default::default()),
		tasks: 1,
		fuel_limit: 1_000,
		replicas,
		price_per_fuel: crate::configs::MinReplicaPayment::get() / 1_000,
		deadline: 10_000,
		min_reputation: Default::default(),
		max_output_len: 16,
	}
}

fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

#[test]
fn presets_are_listed_and_unknown_ones_are_none() {
	let names = genesis_config_presets::preset_names();
	assert_eq!(names.len(), 2);
	assert!(genesis_config_presets::get_preset(&"no-such-preset".into()).is_none());
}

#[test]
fn development_preset_has_alice_as_only_authority_and_funds_dev_accounts() {
	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Babe::authorities().len(), 1);
		assert_eq!(Babe::slot_duration(), 6_000, "the default timing");
		assert_eq!(crate::configs::EpochDuration::get(), 10, "one-minute epochs");
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 1);
		assert_eq!(
			pallet_session::Validators::<Runtime>::get(),
			vec![Sr25519Keyring::Alice.to_account_id()]
		);
		for account in Sr25519Keyring::well_known() {
			assert_eq!(
				Balances::total_balance(&account.to_account_id()),
				genesis_config_presets::ENDOWMENT
			);
		}
		// Alice, the genesis candidate, holds the candidacy deposit.
		let alice = Sr25519Keyring::Alice.to_account_id();
		let deposit = <Runtime as pallet_povc::Config>::CandidacyDeposit::get();
		assert_eq!(Balances::balance(&alice), genesis_config_presets::ENDOWMENT - deposit);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
	});
}

#[test]
fn local_testnet_preset_has_four_authorities_in_order() {
	preset_storage(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let expected: Vec<_> = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.iter()
		.map(|k| k.to_account_id())
		.collect();
		let mut validators = pallet_session::Validators::<Runtime>::get();
		// Best score first: Dave (4), Charlie (2), then Bob and Alice (1 each, by account).
		assert_eq!(
			validators,
			vec![
				expected[3].clone(),
				expected[2].clone(),
				expected[1].clone(),
				expected[0].clone()
			]
		);
		validators.sort();
		let mut sorted = expected.clone();
		sorted.sort();
		assert_eq!(validators, sorted);
		let babe: Vec<_> = Babe::authorities().iter().map(|(_, weight)| *weight).collect();
		assert_eq!(
			babe,
			vec![500_000_000, 250_000_000, 125_000_000, 125_000_000],
			"BABE holds the weights of the genesis scores 4 : 2 : 1 : 1"
		);
		assert_eq!(
			Babe::authorities().to_vec(),
			pallet_babe::NextAuthorities::<Runtime>::get().to_vec()
		);
		let grandpa = pallet_grandpa::Pallet::<Runtime>::grandpa_authorities();
		let votes: Vec<_> = grandpa.iter().map(|(_, votes)| *votes).collect();
		assert_eq!(votes, babe, "GRANDPA votes with the BABE weights");
		assert_eq!(crate::configs::SlotDuration::get(), 2_000);
		assert_eq!(Babe::slot_duration(), 2_000);
		assert_eq!(crate::configs::EpochDuration::get(), 300);
		crate::Povc::do_try_state().unwrap();
	});
}

/// Two session rotations of the real runtime: the set picked by score reaches BABE with
/// its weights, GRANDPA follows with the same weights and a new set id each time.
#[test]
fn session_rotations_announce_weighted_sets_and_advance_grandpas_set_id() {
	use povc_primitives::VerifiedComputeSink;
	preset_storage(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		pallet_babe::Initialized::<Runtime>::put(None::<sp_consensus_babe::digests::PreDigest>);
		let set_id = pallet_grandpa::CurrentSetId::<Runtime>::get();
		let bob = Sr25519Keyring::Bob.to_account_id();
		// A session ends in a block whose end applies GRANDPA's scheduled change.
		let end_session = || {
			use frame_support::traits::Hooks;
			crate::Session::rotate_session();
			let block = System::block_number();
			pallet_grandpa::Pallet::<Runtime>::on_finalize(block);
			System::set_block_number(block + 1);
		};
		end_session();
		// Bob's workers burn 7 score units on verified payments: about 8 of 15 units,
		// capped at 50 %.
		let unit = genesis_config_presets::LOCAL_SCORE_UNIT;
		crate::Povc::note_verified_compute(&bob, &bob, 7 * unit);
		end_session();
		// The genesis set was not re-planned at genesis; every set since is a change.
		assert_eq!(pallet_grandpa::CurrentSetId::<Runtime>::get(), set_id + 1);
		let next = crate::Povc::authorities_view().next;
		assert_eq!(next[0].account, bob);
		assert_eq!(next[0].weight, 500_000_000);
		let babe_next: Vec<_> =
			pallet_babe::NextAuthorities::<Runtime>::get().iter().map(|(_, w)| *w).collect();
		assert_eq!(babe_next, next.iter().map(|a| a.weight).collect::<Vec<_>>());
		let total = babe_next.iter().sum::<u64>();
		assert!((999_999_996..=1_000_000_000).contains(&total), "normalised, {total}");
		end_session();
		assert_eq!(pallet_grandpa::CurrentSetId::<Runtime>::get(), set_id + 2);
		assert_eq!(crate::Povc::authorities_view().current, next, "announced, then used");
		crate::Povc::do_try_state().unwrap();
	});
}

#[test]
fn fees_without_a_known_author_are_burned_and_issuance_stays_consistent() {
	use frame_support::traits::fungible::Balanced;
	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let issuance = Balances::total_issuance();
		let fee = <Balances as Balanced<_>>::withdraw(
			&alice,
			1_000,
			frame_support::traits::tokens::Precision::Exact,
			frame_support::traits::tokens::Preservation::Preserve,
			frame_support::traits::tokens::Fortitude::Polite,
		)
		.unwrap();
		// No block author in a bare test externality: the credit is dropped, i.e. burned.
		FeesToAuthor::on_unbalanced(fee);
		assert_eq!(Balances::total_issuance(), issuance - 1_000);
	});
}

/// Weights of a burst of disputes: as many committees drawn in one block as the block
/// hook's half for timeouts holds (`MaxHookWeight`, each charged at the registry's size),
/// each from the real referee pool
/// (accepted workers of the current validator). What `on_initialize` reads (the storage
/// proof of its trie accesses) and its native execution time stay within the weight it
/// charges for the block.
#[test]
fn a_blockful_of_committee_draws_stays_within_the_weight_charged() {
	use codec::Encode;
	use frame_support::traits::{fungible::Mutate, Hooks};
	use pallet_jobs::{ExecutionResult, JobState, Jobs};
	use povc_primitives::{result_commitment, ExecutionStatus};
	use sp_core::H256;

	use crate::{configs::MinBond, AccountId, RuntimeOrigin, UNIT};

	type JobsPallet = pallet_jobs::Pallet<Runtime>;
	let mut ext = preset_storage(DEV_RUNTIME_PRESET);
	let (draw_at, timeouts) = ext.execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let class: pallet_workers::ClassOf<Runtime> =
			povc_primitives::RELEASE_CLASSES[0].as_bytes().to_vec().try_into().unwrap();
		let account = |i: u32| AccountId::from(sp_crypto_hashing::blake2_256(&i.to_le_bytes()));
		let signed = |who: &AccountId| RuntimeOrigin::signed(who.clone());
		let mut block = 1;
		System::set_block_number(block);
		// 16 replica workers of capacity 16 (85 jobs × 3 replicas), 8 referees of Alice.
		for i in 0..24 {
			let who = account(i);
			Balances::mint_into(&who, 1_000 * UNIT).unwrap();
			let capacity = if i < 16 { 16 } else { 1 };
			pallet_workers::Pallet::<Runtime>::register(
				signed(&who),
				MinBond::get(),
				capacity,
				class.clone(),
			)
			.unwrap();
			if i >= 16 {
				pallet_workers::Pallet::<Runtime>::pause(signed(&who)).unwrap();
				let alice_address = sp_runtime::MultiAddress::Id(alice.clone());
				pallet_workers::Pallet::<Runtime>::contribute_to(signed(&who), Some(alice_address))
					.unwrap();
				crate::Povc::accept_referee(signed(&alice), who).unwrap();
			}
		}
		// Drawn from their first snapshot on (here at once).
		pallet_workers::Pallet::<Runtime>::activate_all_now();
		// Charged at this registry's size.
		let timeouts = u64::from(crate::market_tests::timeouts_per_block());
		assert!(timeouts < 85, "{timeouts} jobs of 3 replicas fit 16 workers of capacity 16");
		let code =
			wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start")))"#)
				.unwrap();
		let program = H256(sp_crypto_hashing::blake2_256(&code));
		JobsPallet::upload_program(signed(&alice), code).unwrap();
		// Alice, Bob and Charlie take turns: one account holds at most
		// `MaxQueuedPerAccount` (32) queued jobs.
		let requesters = [
			&alice,
			&Sr25519Keyring::Bob.to_account_id(),
			&Sr25519Keyring::Charlie.to_account_id(),
		];
		for job in 0..timeouts {
			let spec = small_job(program, 3);
			let requester = requesters[job as usize % 3];
			JobsPallet::submit_job(signed(requester), spec).unwrap();
		}
		// Drawn from `DrawDelay` blocks on, as many a block as the hook's budget allows.
		while (0..timeouts).any(|job| Jobs::<Runtime>::get(job).unwrap().state == JobState::Queued)
		{
			block += 1;
			System::set_block_number(block);
			JobsPallet::on_initialize(block);
		}
		// Two replicas say "42", one "41": every job is disputed by the last reveal.
		let salt = [7; 32];
		let result = |output: &[u8]| ExecutionResult {
			output_hash: H256(sp_crypto_hashing::blake2_256(output)),
			fuel_used: 500,
			status: ExecutionStatus::Exited(0),
		};
		for job in 0..timeouts {
			let replicas: Vec<AccountId> = pallet_jobs::Assignments::<Runtime>::get(job)
				.iter()
				.map(|a| a.worker.clone())
				.collect();
			let outputs: [&[u8]; 3] = [b"42", b"42", b"41"];
			for (who, output) in replicas.iter().zip(outputs) {
				let r = result(output);
				let commitment =
					result_commitment(job, who, &r.output_hash, r.fuel_used, &r.status, &salt);
				JobsPallet::commit(signed(who), job, commitment).unwrap();
			}
			for (who, output) in replicas.iter().zip(outputs) {
				JobsPallet::reveal(signed(who), job, result(output), salt).unwrap();
			}
			assert_eq!(Jobs::<Runtime>::get(job).unwrap().state, JobState::DrawingReferees);
		}
		(block + <<Runtime as pallet_jobs::Config>::DrawDelay as Get<u32>>::get(), timeouts)
	});
	ext.commit_all().unwrap();

	let ((charged, elapsed), proof) = ext.execute_and_prove(|| {
		System::set_block_number(draw_at);
		let start = std::time::Instant::now();
		let charged = JobsPallet::on_initialize(draw_at);
		(charged, start.elapsed())
	});
	ext.execute_with(|| {
		for job in 0..timeouts {
			let state = Jobs::<Runtime>::get(job).unwrap().state;
			assert_eq!(state, JobState::RefereesCommitting, "job {job}'s committee was drawn");
		}
	});
	let read = proof.encoded_size() as u64;
	let spent = elapsed.as_nanos() as u64 * 1_000;
	println!(
		"{timeouts} committee draws: read {read} bytes (charged {}), ran {spent} ps natively \
		 (charged {} ps)",
		charged.proof_size(),
		charged.ref_time()
	);
	assert!(read <= charged.proof_size(), "proof {read} > charged {}", charged.proof_size());
	assert!(spent <= charged.ref_time(), "time {spent} ps > charged {} ps", charged.ref_time());
	let max_block = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
	assert!(charged.all_lte(max_block), "{charged:?} does not fit a block ({max_block:?})");
}

/// Queue squatting on the real runtime, with its constants: 32 accounts (at most
/// `MaxQueuedPerAccount` = 32 entries each) fill all 1,024 places of the queue with jobs no
/// worker can serve (the highest allowed reputation floor), and honest submissions fail
/// `QueueFull`. Waiting was free: ~190 POVC of transaction fees kept the queue full for a
/// week. Now each job leaves the queue `MaxQueueWait` blocks after its first draw, having
/// burned `QueueFeePerBlock` for each of them: keeping the queue full for a week costs the
/// squatter more than 10,000 POVC, burned.
#[test]
fn squatting_the_job_queue_for_a_week_costs_over_ten_thousand_povc() {
	use frame_support::traits::{fungible::Mutate, Hooks};
	use pallet_jobs::{FailureReason, JobInput, JobSpec, JobState, Jobs, Queue, QueuedByAccount};
	use sp_core::H256;

	use crate::{AccountId, RuntimeOrigin, DAYS, UNIT};

	type JobsPallet = pallet_jobs::Pallet<Runtime>;
	let queue_len = <<Runtime as pallet_jobs::Config>::MaxQueueLen as Get<u32>>::get();
	let per_account = <<Runtime as pallet_jobs::Config>::MaxQueuedPerAccount as Get<u32>>::get();
	let fee = <<Runtime as pallet_jobs::Config>::QueueFeePerBlock as Get<u128>>::get();
	let wait = <<Runtime as pallet_jobs::Config>::MaxQueueWait as Get<u32>>::get();
	let delay = <<Runtime as pallet_jobs::Config>::DrawDelay as Get<u32>>::get();
	assert_eq!((queue_len, per_account), (1_024, 32));

	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let signed = |who: &AccountId| RuntimeOrigin::signed(who.clone());
		let code =
			wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start")))"#)
				.unwrap();
		let program = H256(sp_crypto_hashing::blake2_256(&code));
		JobsPallet::upload_program(signed(&alice), code).unwrap();
		// The cheapest job there is, with a reputation floor no worker meets yet.
		let unservable = JobSpec {
			program,
			input: JobInput::Inline(Default::default()),
			tasks: 1,
			fuel_limit: 1,
			replicas: 1,
			price_per_fuel: crate::configs::MinReplicaPayment::get(),
			deadline: 1 + 7 * DAYS,
			min_reputation: <<Runtime as pallet_jobs::Config>::MaxMinReputation as Get<_>>::get(),
			max_output_len: 0,
		};
		let squatters: Vec<AccountId> = (0..queue_len / per_account)
			.map(|i| AccountId::from(sp_crypto_hashing::blake2_256(&i.to_le_bytes())))
			.collect();
		for squatter in &squatters {
			// Each job holds the 0.4 POVC price floor, its 0.36 POVC queue allowance and
			// 0.01 POVC of result deposit.
			Balances::mint_into(squatter, 30 * UNIT).unwrap();
			for _ in 0..per_account {
				JobsPallet::submit_job(signed(squatter), unservable.clone()).unwrap();
			}
		}
		// One account gets no more than its share; then the queue is full for everyone.
		let extra = JobsPallet::submit_job(signed(&squatters[0]), unservable.clone());
		assert_eq!(extra, Err(pallet_jobs::Error::<Runtime>::TooManyQueued.into()));
		let honest = JobsPallet::submit_job(signed(&alice), unservable.clone());
		assert_eq!(honest, Err(pallet_jobs::Error::<Runtime>::QueueFull.into()));
		assert_eq!(Queue::<Runtime>::get().len() as u32, queue_len);

		let held = |who: &AccountId| Balances::total_balance(who);
		let before: u128 = squatters.iter().map(held).sum();
		let issuance = Balances::total_issuance();
		// The blocks of one `MaxQueueWait`: every job is tried in turn, as many a block as
		// the hook's budget allows, fails its draw and goes to the back; then all time out,
		// as many a block as the hook's half for timeouts holds.
		let per_block = crate::market_tests::timeouts_per_block();
		let mut block = 1;
		while !Queue::<Runtime>::get().is_empty() {
			block += 1;
			System::set_block_number(block);
			JobsPallet::on_initialize(block);
			if block < 1 + delay + wait {
				assert_eq!(Queue::<Runtime>::get().len() as u32, queue_len, "full at {block}");
			}
		}
		assert!(block < 1 + delay + wait + queue_len / per_block + 2, "all left by block {block}");
		for job in 0..u64::from(queue_len) {
			let record = Jobs::<Runtime>::get(job).unwrap();
			assert_eq!(record.state, JobState::Failed(FailureReason::NotEnoughWorkers));
			// Tried about once every 50 blocks: below `MaxFailedDraws`, so each job leaves
			// by its queue timeout, having paid its whole allowance.
			let max_failed = <<Runtime as pallet_jobs::Config>::MaxFailedDraws as Get<u32>>::get();
			assert!(
				u32::from(record.failed_draws) < max_failed,
				"job {job} tried {} times",
				record.failed_draws
			);
		}
		assert_eq!(QueuedByAccount::<Runtime>::iter().count(), 0);
		let paid = before - squatters.iter().map(held).sum::<u128>();
		// Each job paid its whole allowance (the late ones no more than it), burned.
		assert_eq!(paid, u128::from(queue_len) * fee * u128::from(wait));
		assert_eq!(issuance - Balances::total_issuance(), paid);
		// A slot is held `DrawDelay + MaxQueueWait` blocks per job; a week of all of them:
		let per_week = paid * u128::from(7 * DAYS) / u128::from(delay + wait);
		assert!(per_week > 10_000 * UNIT, "a week of squatting costs {} POVC", per_week / UNIT);
		pallet_jobs::Pallet::<Runtime>::do_try_state(block).unwrap();
	});
}

/// A job no worker can serve, alone in the queue, is tried every block and fails
/// `NoEligibleWorkers` after `MaxFailedDraws` (600) draws, an hour after its first:
/// longer than a registration takes to reach the draws (2–3 epochs of 10 minutes).
#[test]
fn an_unservable_job_leaves_the_queue_after_max_failed_draws() {
	use frame_support::traits::Hooks;
	use pallet_jobs::{Event, FailureReason, JobInput, JobSpec, JobState, Jobs};
	use sp_core::H256;

	use crate::{RuntimeOrigin, DAYS, HOURS};

	type JobsPallet = pallet_jobs::Pallet<Runtime>;
	let max_failed = <<Runtime as pallet_jobs::Config>::MaxFailedDraws as Get<u32>>::get();
	let fee = <<Runtime as pallet_jobs::Config>::QueueFeePerBlock as Get<u128>>::get();
	assert!(max_failed >= 30 * crate::MINUTES * 2, "twice the longest snapshot delay");

	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let code =
			wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start")))"#)
				.unwrap();
		let program = H256(sp_crypto_hashing::blake2_256(&code));
		JobsPallet::upload_program(RuntimeOrigin::signed(alice.clone()), code).unwrap();
		let spec = JobSpec {
			program,
			input: JobInput::Inline(Default::default()),
			tasks: 1,
			fuel_limit: 1_000,
			replicas: 1,
			price_per_fuel: crate::configs::MinReplicaPayment::get() / 1_000,
			deadline: 1 + DAYS,
			min_reputation: <<Runtime as pallet_jobs::Config>::MaxMinReputation as Get<_>>::get(),
			max_output_len: 16,
		};
		JobsPallet::submit_job(RuntimeOrigin::signed(alice.clone()), spec).unwrap();
		let first_draw = 3;
		let last_draw = first_draw + max_failed - 1;
		for block in 2..=last_draw {
			System::set_block_number(block);
			JobsPallet::on_initialize(block);
		}
		let record = Jobs::<Runtime>::get(0).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::NoEligibleWorkers));
		assert!(last_draw < HOURS + 3, "it gave its place back within the hour");
		let burned = fee * u128::from(last_draw - first_draw);
		assert!(System::events().iter().any(|r| r.event
			== crate::RuntimeEvent::Jobs(Event::QueueFeeCharged {
				job: 0,
				blocks: last_draw - first_draw,
				burned
			})));
		// 599 blocks of waiting: 0.06 POVC.
		assert!(burned < crate::UNIT / 10);
	});
}

/// The local testnet's score unit is the least a verified paid job burns per replica, so
/// that the genesis scores stay comparable with what verified jobs add.
#[test]
fn the_local_score_unit_is_the_burn_of_a_replica_paid_the_price_floor() {
	let burn = <<Runtime as pallet_jobs::Config>::BurnShare as Get<sp_runtime::Perbill>>::get();
	let floor = crate::configs::MinReplicaPayment::get();
	assert_eq!(genesis_config_presets::LOCAL_SCORE_UNIT, burn * floor);
}
