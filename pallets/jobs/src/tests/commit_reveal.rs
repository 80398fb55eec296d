//! Commit-reveal: phases, bound commitments, mismatches, bad reveals.

use crate::{mock::*, Error, Event, ExecutionResult, JobState, Jobs as JobsStorage, Role};
use frame_support::{assert_noop, assert_ok};
use povc_primitives::{result_commitment, ExecutionStatus};
use sp_core::H256;

fn job_with_replicas() -> (u64, Vec<u64>) {
	let job = job_of_three();
	(job, assigned(job, Role::Replica))
}

#[test]
fn only_assigned_workers_commit_once_each() {
	build_and_execute(|| {
		let (job, w) = job_with_replicas();
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(20), job, H256::repeat_byte(1)),
			Error::<Test>::NotAssigned
		);
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(w[0]), 99, H256::repeat_byte(1)),
			Error::<Test>::UnknownJob
		);
		commit(w[0], job, b"a", 1);
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(w[0]), job, H256::repeat_byte(2)),
			Error::<Test>::AlreadyCommitted
		);
	});
}

/// Front-running: a co-replica copies the victim's commitment from the transaction pool
/// and gets it in first. The victim's commit still lands (the old `DuplicateCommitment`
/// refusal slashed the victim for not committing), and the copy, bound to the victim's
/// account, can never be revealed: only the copier is slashed.
#[test]
fn a_front_run_commitment_harms_only_the_copier() {
	build_and_execute(|| {
		let (job, w) = job_with_replicas();
		let (victim, copier) = (w[0], w[1]);
		let (result, _) = result_of(b"a", 1);
		let pending = result_commitment(
			job,
			&victim,
			&result.output_hash,
			1,
			&result.status,
			&salt_of(victim),
		);
		assert_ok!(Jobs::commit(RuntimeOrigin::signed(copier), job, pending));
		assert_ok!(Jobs::commit(RuntimeOrigin::signed(victim), job, pending));
		commit(w[2], job, b"a", 1);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Revealing);
		for salt in [salt_of(copier), salt_of(victim)] {
			assert_noop!(
				Jobs::reveal(RuntimeOrigin::signed(copier), job, result, salt),
				Error::<Test>::CommitmentMismatch
			);
		}
		reveal(victim, job, b"a", 1);
		reveal(w[2], job, b"a", 1);
		run_to_block(JobsStorage::<Test>::get(job).unwrap().timeout_at);
		assert_eq!(bond_held(victim), 1_000, "the victim is not slashed");
		assert_eq!(bond_held(w[2]), 1_000);
		assert!(bond_held(copier) < 1_000, "the copier is slashed for not revealing");
	});
}

#[test]
fn reveal_waits_for_all_commits() {
	build_and_execute(|| {
		let (job, w) = job_with_replicas();
		commit(w[0], job, b"a", 1);
		let (result, _) = result_of(b"a", 1);
		assert_noop!(
			Jobs::reveal(RuntimeOrigin::signed(w[0]), job, result, salt_of(w[0])),
			Error::<Test>::WrongPhase
		);
	});
}

#[test]
fn bad_reveals_get_precise_errors_and_change_nothing() {
	build_and_execute(|| {
		let (job, w) = job_with_replicas();
		for x in &w {
			commit(*x, job, b"a", 1);
		}
		let who = RuntimeOrigin::signed(w[0]);
		let (result, _) = result_of(b"a", 1);
		// A different salt, fuel, status or output than committed.
		assert_noop!(
			Jobs::reveal(who.clone(), job, result, [0; 32]),
			Error::<Test>::CommitmentMismatch
		);
		for other in [
			ExecutionResult { fuel_used: 2, ..result },
			ExecutionResult { status: ExecutionStatus::Trapped, ..result },
			result_of(b"b", 1).0,
		] {
			assert_noop!(
				Jobs::reveal(who.clone(), job, other, salt_of(w[0])),
				Error::<Test>::CommitmentMismatch
			);
		}
		let too_much_fuel = ExecutionResult { fuel_used: FUEL_LIMIT + 1, ..result };
		assert_noop!(
			Jobs::reveal(who.clone(), job, too_much_fuel, salt_of(w[0])),
			Error::<Test>::FuelAboveLimit
		);
		assert_noop!(
			Jobs::reveal(RuntimeOrigin::signed(20), job, result, salt_of(20)),
			Error::<Test>::NotAssigned
		);
		// Replicas reveal no output: the referees' call is refused to them.
		assert_noop!(
			Jobs::reveal_verdict(who.clone(), job, result, salt_of(w[0]), Default::default()),
			Error::<Test>::WrongPhase
		);
		reveal_only(w[0], job, b"a", 1);
		assert_noop!(Jobs::reveal(who, job, result, salt_of(w[0])), Error::<Test>::AlreadyRevealed);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Revealing);
	});
}

/// Copying: replicas used to reveal their output bytes, so referees could copy the
/// majority's. Replica reveals carry hashes only; the bytes come once the replicas agree.
#[test]
fn agreed_output_is_published_after_the_reveals_and_then_settles() {
	build_and_execute(|| {
		let (job, w) = job_with_replicas();
		for x in &w {
			commit(*x, job, b"a", 1);
		}
		for x in &w {
			reveal_only(*x, job, b"a", 1);
		}
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Publishing);
		assert!(jobs_events().contains(&Event::OutputRequested {
			job,
			publish_by: System::block_number() + REVEAL_PERIOD
		}));
		assert!(Jobs::result_of(job).is_none(), "no output bytes on chain yet");
		let bounded = |o: &[u8]| o.to_vec().try_into().unwrap();
		assert_noop!(
			Jobs::publish_output(RuntimeOrigin::signed(20), job, bounded(b"a")),
			Error::<Test>::NotAssigned
		);
		assert_noop!(
			Jobs::publish_output(RuntimeOrigin::signed(w[1]), job, bounded(b"b")),
			Error::<Test>::OutputHashMismatch
		);
		let before = free(w[1]);
		let info =
			Jobs::publish_output(RuntimeOrigin::signed(w[1]), job, bounded(b"a")).expect("publish");
		assert_eq!(info.pays_fee, frame_support::dispatch::Pays::No, "free for the publisher");
		// Verified and paid; its audit draw comes after `AuditDelay`.
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::AuditPending);
		assert_eq!(Jobs::result_of(job).unwrap(), b"a".to_vec());
		assert!(free(w[1]) > before, "paid");
		assert!(jobs_events().contains(&Event::OutputPublished { job, publisher: w[1] }));
		assert_noop!(
			Jobs::publish_output(RuntimeOrigin::signed(w[0]), job, bounded(b"a")),
			Error::<Test>::WrongPhase
		);
	});
}

/// A failed publication costs its sender the fee: the first replica is asked to publish,
/// the others only once half the period has passed without it.
#[test]
fn the_first_replica_publishes_and_the_others_stand_by() {
	build_and_execute(|| {
		let (job, w) = job_with_replicas();
		for x in &w {
			commit(*x, job, b"a", 1);
		}
		for x in &w {
			reveal_only(*x, job, b"a", 1);
		}
		let first = crate::Assignments::<Test>::get(job)[0].worker;
		let asked = || -> Vec<u64> {
			let mut asked: Vec<u64> = w
				.iter()
				.copied()
				.filter(|x| Jobs::open_assignments_of(x).iter().any(|a| a.job == job))
				.collect();
			asked.sort();
			asked
		};
		assert_eq!(asked(), vec![first]);
		let open = Jobs::open_assignments_of(&first);
		assert_eq!(open[0].state, JobState::Publishing);
		assert!(open[0].committed);
		let ends = JobsStorage::<Test>::get(job).unwrap().timeout_at;
		run_to_block(ends - REVEAL_PERIOD / 2);
		let mut everyone = w.clone();
		everyone.sort();
		assert_eq!(asked(), everyone);
	});
}

#[test]
fn replicas_that_withhold_the_agreed_output_are_slashed_and_the_job_refunded() {
	build_and_execute(|| {
		let (job, w) = job_with_replicas();
		let requester_before = free(2) + JobsStorage::<Test>::get(job).unwrap().escrow;
		for x in &w {
			commit(*x, job, b"a", 1);
		}
		for x in &w {
			reveal_only(*x, job, b"a", 1);
		}
		run_to_block(JobsStorage::<Test>::get(job).unwrap().timeout_at);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(crate::FailureReason::OutputWithheld));
		for x in &w {
			assert_eq!(bond_held(*x), 980, "2 % of the bond, as for a missing reveal");
		}
		// The slashes compensate the requester, who also gets its escrow back.
		assert_eq!(free(2), requester_before + 3 * 20);
	});
}

#[test]
fn traps_and_out_of_fuel_are_results_too() {
	build_and_execute(|| {
		register_worker(11, 1_000);
		register_worker(12, 1_000);
		let program = upload_program(1);
		let job = submit(2, spec(program, 2));
		let result = ExecutionResult {
			output_hash: H256(sp_crypto_hashing::blake2_256(b"")),
			fuel_used: FUEL_LIMIT,
			status: ExecutionStatus::OutOfFuel,
		};
		for w in [11, 12] {
			let c = result_commitment(
				job,
				&w,
				&result.output_hash,
				FUEL_LIMIT,
				&result.status,
				&salt_of(w),
			);
			assert_ok!(Jobs::commit(RuntimeOrigin::signed(w), job, c));
		}
		// Nothing to publish: the empty output settles with the last reveal.
		for w in [11, 12] {
			assert_ok!(Jobs::reveal(RuntimeOrigin::signed(w), job, result, salt_of(w)));
		}
		end_audit_delay(job);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Verified);
		assert_eq!(record.result.unwrap().status, ExecutionStatus::OutOfFuel);
		assert_eq!(record.escrow, 0);
	});
}
