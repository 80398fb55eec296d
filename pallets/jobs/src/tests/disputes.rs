//! Disputes: a referee committee's strict majority decides who is right. Its verdict
//! confirms a result no revealed replica contradicts; replicas that disagree fail the job.

use crate::{mock::*, Error, Event, FailureReason, JobState, Jobs as JobsStorage, Role};
use frame_support::{assert_noop, assert_ok};

/// A job of three replicas (11, 12, 13) and a referee pool of `referees`.
fn job_with_referee_pool(referees: &[u64]) -> u64 {
	let job = job_of_three();
	referee_pool(referees);
	job
}

/// The replicas disagree ([`split_replicas`]); runs to the block that draws the committee.
fn disagree(job: u64) {
	split_replicas(job);
	run_to_block(JobsStorage::<Test>::get(job).unwrap().timeout_at);
}

/// The committee commits and reveals `outputs`, one per referee.
fn committee_reveals(job: u64, outputs: [&[u8]; 3]) -> Vec<u64> {
	let referees = assigned(job, Role::Referee);
	for (r, out) in referees.iter().zip(outputs) {
		commit(*r, job, out, 600);
	}
	for (r, out) in referees.iter().zip(outputs) {
		reveal(*r, job, out, 600);
	}
	referees
}

/// Grinding: the committee used to be drawn in the block of the last reveal, with
/// randomness its sender knew, so the last replica chose its committee by choosing when to
/// reveal. It is drawn `DRAW_DELAY` blocks later, with that block's randomness.
#[test]
fn the_committee_is_drawn_after_the_last_reveal() {
	build_and_execute(|| {
		let job = job_with_referee_pool(&[21, 22, 23]);
		split_replicas(job);
		let revealed_at = System::block_number();
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::DrawingReferees);
		assert_eq!(record.timeout_at, revealed_at + DRAW_DELAY);
		assert!(jobs_events()
			.contains(&Event::DisputeOpened { job, draw_at: revealed_at + DRAW_DELAY }));
		run_to_block(revealed_at + DRAW_DELAY - 1);
		assert!(assigned(job, Role::Referee).is_empty(), "nobody knows the committee yet");
		run_to_block(revealed_at + DRAW_DELAY);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::RefereesCommitting);
		assert_eq!(assigned(job, Role::Referee).len(), 3);
		assert!(jobs_events().iter().any(|e| matches!(e, Event::RefereesDrawn { .. })));
	});
}

/// Captured committee: an attacker whose workers referee holds a majority of a committee
/// of three with probability 3f² − 2f³ (26 % at f = 0.33), far more often than every
/// replica (f³). Its verdict used to replace the replicas' result, so one lying replica
/// and two captured referees verified a wrong result. Now a verdict verifies nothing when
/// the replicas disagree: the job fails and is refunded.
#[test]
fn a_captured_committee_cannot_verify_a_minority_replicas_lie() {
	build_and_execute(|| {
		let job = job_with_referee_pool(&[21, 22, 23]);
		let requester_before = free(2) + JobsStorage::<Test>::get(job).unwrap().escrow;
		disagree(job);
		// 13 lied "41"; the captured committee backs it.
		let referees = committee_reveals(job, [b"41", b"41", b"41"]);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::Disputed));
		assert!(Jobs::result_of(job).is_none());
		assert!(COMPUTE.with(|c| c.borrow().is_empty()), "no score for anyone");
		// No replica is paid; the requester pays only the referees, from the dispute fee.
		for w in [11, 12, 13] {
			assert_eq!(free(w), INITIAL_BALANCE - 1_000, "replica {w} unpaid");
		}
		for r in &referees {
			assert_eq!(free(*r), INITIAL_BALANCE - 1_000 + 1_080 + 66);
		}
		assert_eq!(free(2), requester_before - 3 * 1_200);
		assert_eq!(escrow_held(2), 0);
	});
}

#[test]
fn replicas_that_disagree_fail_the_job_and_the_verdict_records_faults() {
	build_and_execute(|| {
		let job = job_with_referee_pool(&[21, 22, 23]);
		disagree(job);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::RefereesCommitting);
		let mut referees = assigned(job, Role::Referee);
		referees.sort();
		assert_eq!(referees, vec![21, 22, 23]);
		assert!(jobs_events().iter().any(|e| matches!(e, Event::RefereesDrawn { .. })));

		let pot_before = free(SLASH_POT);
		committee_reveals(job, [b"42", b"42", b"42"]);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::Disputed));
		// The right replicas are not paid either: a verdict cannot tell them apart from a
		// captured committee's.
		assert_eq!(free(11), INITIAL_BALANCE - 1_000);
		assert_eq!(free(12), INITIAL_BALANCE - 1_000);
		// The contradicted replica takes a fault and (with a slash share set) loses that
		// share of its bond to the referees (dust to the pot), who are also paid for their
		// fuel from the dispute fee.
		assert_eq!(bond_held(13), 900);
		for r in [21, 22, 23] {
			assert_eq!(free(r), INITIAL_BALANCE - 1_000 + 1_080 + 33);
		}
		assert_eq!(free(SLASH_POT), pot_before + 1);
		assert!(jobs_events().contains(&Event::WrongResultSlashed {
			job,
			worker: 13,
			slashed: 100
		}));
		let rep = |w| pallet_workers::Pallet::<Test>::reputation_of(&w).unwrap();
		assert!(rep(13) < rep(11));
		assert!(COMPUTE.with(|c| c.borrow().is_empty()));
		assert_eq!(escrow_held(2), 0);
	});
}

/// Liveness: a replica that falls silent forces a dispute, but the committee confirms what
/// every revealing replica revealed, and the job is verified as if they had agreed.
#[test]
fn a_committee_confirms_the_result_of_replicas_that_did_not_disagree() {
	build_and_execute(|| {
		let job = job_with_referee_pool(&[21, 22, 23]);
		fall_silent(job);
		let before: Vec<u64> = [11, 12].iter().map(|a| free(*a)).collect();
		committee_reveals(job, [b"42", b"42", b"42"]);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Verified);
		assert_eq!(Jobs::result_of(job).unwrap(), b"42".to_vec());
		// The revealing replicas are paid 1200 less the 10 % fee and credited.
		assert_eq!(free(11), before[0] + 1_080);
		assert_eq!(free(12), before[1] + 1_080);
		let mut credited: Vec<u64> =
			COMPUTE.with(|c| c.borrow().iter().map(|(w, _, _)| *w).collect());
		credited.sort();
		assert_eq!(credited, vec![11, 12]);
	});
}

/// A captured committee cannot verify a result no replica revealed either, nor fault
/// replicas into paying for one: the job fails.
#[test]
fn a_verdict_against_every_revealed_replica_fails_the_job() {
	build_and_execute(|| {
		let job = job_with_referee_pool(&[21, 22, 23]);
		fall_silent(job);
		committee_reveals(job, [b"41", b"41", b"41"]);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::Disputed));
		assert!(Jobs::result_of(job).is_none());
		assert!(COMPUTE.with(|c| c.borrow().is_empty()));
	});
}

/// Unpaid refereeing: referees used to be paid only from slashes, so a committee without
/// a majority worked for nothing. The dispute fee pays every referee that revealed.
#[test]
fn a_split_committee_is_paid_from_the_fee_and_the_rest_is_refunded() {
	build_and_execute(|| {
		let job = job_with_referee_pool(&[21, 22, 23]);
		let requester_before = free(2) + JobsStorage::<Test>::get(job).unwrap().escrow;
		disagree(job);
		let outputs: [&[u8]; 3] = [b"42", b"41", b"40"];
		let referees = assigned(job, Role::Referee);
		for (r, out) in referees.iter().zip(outputs) {
			commit(*r, job, out, 600);
		}
		for (r, out) in referees.iter().zip(outputs) {
			reveal(*r, job, out, 600);
		}
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::NoRefereeMajority));
		// Each referee is paid its 600 fuel at price 2, less the 10 % burned.
		for r in &referees {
			assert_eq!(free(*r), INITIAL_BALANCE - 1_000 + 1_080);
		}
		assert_eq!(free(2), requester_before - 3 * 1_200);
		for w in [11, 12, 13, 21, 22, 23] {
			assert_eq!(bond_held(w), 1_000);
		}
		assert!(Jobs::result_of(job).is_none());
	});
}

#[test]
fn without_enough_referees_the_job_fails_and_is_refunded() {
	build_and_execute(|| {
		let job = job_with_referee_pool(&[21, 22]);
		let requester_before = free(2) + JobsStorage::<Test>::get(job).unwrap().escrow;
		disagree(job);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::NotEnoughWorkers));
		assert_eq!(free(2), requester_before);
		assert_eq!(bond_held(13), 1_000);
	});
}

/// Capture: workers that merely contribute to a validator used to be its referees. Only
/// those the validator accepted sit on committees, however much bond the others have.
#[test]
fn workers_a_validator_did_not_accept_never_referee() {
	build_and_execute(|| {
		let job = job_of_three();
		for r in [21, 22, 23] {
			register_worker(r, 5_000);
			assert_ok!(Workers::contribute_to(RuntimeOrigin::signed(r), Some(VALIDATOR)));
		}
		referee_pool(&[24, 25]);
		disagree(job);
		assert_eq!(
			JobsStorage::<Test>::get(job).unwrap().state,
			JobState::Failed(FailureReason::NotEnoughWorkers)
		);
		assert!(assigned(job, Role::Referee).is_empty());
	});
}

/// Copying: a lazy referee sees the replicas' output hashes (their reveals are public) but
/// no output bytes; a commitment built from a hash does not open, because a referee's
/// commitment binds the output bytes to the referee.
#[test]
fn a_referee_with_only_a_replicas_output_hash_cannot_reveal() {
	build_and_execute(|| {
		let job = job_with_referee_pool(&[21, 22, 23]);
		fall_silent(job);
		assert_eq!(
			crate::Outputs::<Test>::iter_prefix(job).count(),
			0,
			"no replica output is on chain while referees commit"
		);
		let referees = assigned(job, Role::Referee);
		let (lazy, honest) = (referees[0], &referees[1..]);
		let (majority, output) = result_of(b"42", 600);
		let copied = povc_primitives::result_commitment(
			job,
			&lazy,
			&majority.output_hash,
			majority.fuel_used,
			&majority.status,
			&salt_of(lazy),
		);
		assert_ok!(Jobs::commit(RuntimeOrigin::signed(lazy), job, copied));
		for r in honest {
			commit(*r, job, b"42", 600);
		}
		// Even handed the bytes at reveal time, the copied commitment does not open.
		assert_noop!(
			Jobs::reveal_verdict(
				RuntimeOrigin::signed(lazy),
				job,
				majority,
				salt_of(lazy),
				output.try_into().unwrap()
			),
			Error::<Test>::CommitmentMismatch
		);
		for r in honest {
			reveal(*r, job, b"42", 600);
		}
		run_to_block(JobsStorage::<Test>::get(job).unwrap().timeout_at);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(bond_held(lazy), 980, "the lazy referee is slashed for not revealing");
		assert_eq!(Jobs::result_of(job).unwrap(), b"42".to_vec(), "the requester gets the output");
	});
}

#[test]
fn referees_are_drawn_from_every_class() {
	build_and_execute(|| {
		// One pool: replicas of `CLASS` are refereed by workers of another class (the
		// sandbox is bit-identical across classes), so a thin class is nobody's private
		// committee.
		let job = job_of_three();
		referee_pool_in(&[21, 22, 23], OTHER_CLASS);
		disagree(job);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::RefereesCommitting);
		let mut referees = assigned(job, Role::Referee);
		referees.sort();
		assert_eq!(referees, vec![21, 22, 23]);
	});
}

#[test]
fn a_minority_referee_is_slashed_too() {
	build_and_execute(|| {
		let job = job_with_referee_pool(&[21, 22, 23]);
		fall_silent(job);
		let referees = committee_reveals(job, [b"42", b"42", b"41"]);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(bond_held(referees[2]), 900);
		assert!(jobs_events().contains(&Event::WrongResultSlashed {
			job,
			worker: referees[2],
			slashed: 100
		}));
	});
}
