//! Abstention: a worker that cannot stand behind a result (its run outlasted what the
//! fuel predicts, its host failed, the program it got was not the job's) says so instead
//! of committing. It is never slashed; the job goes on with a replacement, or fails and
//! pays the abstention fee if nobody can finish it.

use crate::{mock::*, Error, Event, FailureReason, JobState, Jobs as JobsStorage, Role};
use frame_support::{assert_noop, assert_ok};

fn abstain(who: AccountId, job: povc_primitives::JobId) {
	assert_ok!(Jobs::abstain(RuntimeOrigin::signed(who), job));
}

fn slashes() -> usize {
	System::events()
		.iter()
		.filter(|r| matches!(r.event, RuntimeEvent::Workers(pallet_workers::Event::Slashed { .. })))
		.count()
}

#[test]
fn an_abstaining_replica_is_replaced_and_keeps_its_bond() {
	build_and_execute(|| {
		for w in [11, 12, 13, 14] {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		let job = submit(2, spec(program, 3));
		let requester_before = free(2) + JobsStorage::<Test>::get(job).unwrap().escrow;
		let first = assigned(job, Role::Replica);
		let spare = [11, 12, 13, 14].into_iter().find(|w| !first.contains(w)).unwrap();
		commit(first[0], job, b"42", 600);
		commit(first[1], job, b"42", 600);
		abstain(first[2], job);
		assert!(jobs_events().contains(&Event::WorkerAbstained { job, worker: first[2] }));
		run_to_block(1 + DRAW_DELAY + COMMIT_PERIOD);

		assert_eq!(bond_held(first[2]), 1_000, "abstaining costs no bond");
		assert_eq!(slashes(), 0);
		let reputation = pallet_workers::Pallet::<Test>::reputation_of(&first[2]).unwrap();
		assert!(
			reputation < sp_runtime::Permill::from_percent(50),
			"but reputation: {reputation:?}"
		);
		let now = assigned(job, Role::Replica);
		assert!(now.contains(&spare) && !now.contains(&first[2]));
		commit(spare, job, b"42", 600);
		for w in [first[0], first[1], spare] {
			reveal(w, job, b"42", 600);
		}
		end_audit_delay(job);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		// A job that was finished pays no abstention fee: three replicas paid 600 × 2.
		assert_eq!(free(2), requester_before - 3 * 600 * PRICE - result_deposit_of(b"42"));
		assert!(!jobs_events().iter().any(|e| matches!(e, Event::AbstentionsCharged { .. })));
	});
}

fn result_deposit_of(output: &[u8]) -> Balance {
	crate::Pallet::<Test>::result_deposit(output.len() as u32)
}

#[test]
fn a_job_nobody_can_finish_fails_pays_the_abstention_fee_and_slashes_nobody() {
	build_and_execute(|| {
		let job = job_of_three();
		let requester_before = free(2) + JobsStorage::<Test>::get(job).unwrap().escrow;
		for w in [11, 12, 13] {
			abstain(w, job);
		}
		// Nobody is left to commit: the phase ends in the next block, not at its end.
		run_to_block(System::block_number() + 1);

		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::Abstained));
		// 1 % of one replica's maximum payment (1000 fuel × 2) per abstention.
		let fee = 3 * (FUEL_LIMIT as Balance * PRICE) / 100;
		assert!(jobs_events().contains(&Event::AbstentionsCharged {
			job,
			abstentions: 3,
			burned: fee
		}));
		assert_eq!(free(2), requester_before - fee);
		assert_eq!(escrow_held(2), 0);
		for w in [11, 12, 13] {
			assert_eq!(bond_held(w), 1_000);
		}
		assert_eq!(slashes(), 0);
	});
}

#[test]
fn abstaining_is_only_for_an_assigned_worker_that_has_not_committed() {
	build_and_execute(|| {
		let job = job_of_three();
		assert_noop!(Jobs::abstain(RuntimeOrigin::signed(14), job), Error::<Test>::NotAssigned);
		assert_noop!(Jobs::abstain(RuntimeOrigin::signed(11), 99), Error::<Test>::UnknownJob);
		commit(11, job, b"42", 600);
		assert_noop!(
			Jobs::abstain(RuntimeOrigin::signed(11), job),
			Error::<Test>::AlreadyCommitted
		);
		abstain(12, job);
		assert_noop!(
			Jobs::abstain(RuntimeOrigin::signed(12), job),
			Error::<Test>::AlreadyAbstained
		);
		let (result, _) = result_of(b"42", 600);
		let commitment = povc_primitives::result_commitment(
			job,
			&12,
			&result.output_hash,
			result.fuel_used,
			&result.status,
			&salt_of(12),
		);
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(12), job, commitment),
			Error::<Test>::AlreadyAbstained
		);
		commit(13, job, b"42", 600);
		// No reveal phase: the abstainer is replaced in the next block.
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Committing);
		assert_eq!(record.timeout_at, System::block_number() + 1);
	});
}

#[test]
fn a_replica_cannot_abstain_after_the_commit_phase() {
	build_and_execute(|| {
		let job = job_of_three();
		for w in [11, 12, 13] {
			commit(w, job, b"42", 600);
		}
		assert_noop!(Jobs::abstain(RuntimeOrigin::signed(11), job), Error::<Test>::WrongPhase);
	});
}

#[test]
fn an_abstaining_referee_is_not_slashed_and_the_rest_decide() {
	build_and_execute(|| {
		let job = job_of_three();
		referee_pool(&[21, 22, 23, 24]);
		split_replicas(job);
		run_to_block(JobsStorage::<Test>::get(job).unwrap().timeout_at);
		let referees = assigned(job, Role::Referee);
		assert_eq!(referees.len(), 3);
		commit(referees[0], job, b"42", 600);
		commit(referees[1], job, b"42", 600);
		// The last open referee abstains: the committed ones reveal at once.
		abstain(referees[2], job);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::RefereesRevealing);
		reveal(referees[0], job, b"42", 600);
		reveal(referees[1], job, b"42", 600);
		assert_eq!(
			JobsStorage::<Test>::get(job).unwrap().state,
			JobState::Failed(FailureReason::Disputed)
		);
		assert_eq!(bond_held(referees[2]), 1_000);
		assert_eq!(bond_held(13), 900, "the contradicted replica is slashed 10 %");
	});
}
