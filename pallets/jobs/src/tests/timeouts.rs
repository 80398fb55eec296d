//! Missed deadlines: no-shows and silent workers are slashed and replaced, or the job
//! fails and is refunded; nothing outlives its deadline.

use crate::{mock::*, Event, FailureReason, JobState, Jobs as JobsStorage, Role};
use frame_support::assert_ok;

#[test]
fn a_no_show_is_slashed_and_replaced() {
	build_and_execute(|| {
		for w in [11, 12, 13, 14] {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		let job = submit(2, spec(program, 3));
		let first = assigned(job, Role::Replica);
		let spare = [11, 12, 13, 14].into_iter().find(|w| !first.contains(w)).unwrap();
		commit(first[0], job, b"42", 600);
		commit(first[1], job, b"42", 600);
		run_to_block(1 + DRAW_DELAY + COMMIT_PERIOD);

		let no_show = first[2];
		assert_eq!(bond_held(no_show), 990, "1 % of the bond");
		assert!(jobs_events().contains(&Event::WorkerMissedDeadline {
			job,
			worker: no_show,
			slashed: 10
		}));
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Committing);
		assert_eq!(record.replacements_left, 2);
		let now = assigned(job, Role::Replica);
		assert!(now.contains(&spare) && !now.contains(&no_show));
		assert_eq!(crate::Replaced::<Test>::get(job).into_inner(), vec![no_show]);

		// The replacement completes the job.
		commit(spare, job, b"42", 600);
		for w in [first[0], first[1], spare] {
			reveal(w, job, b"42", 600);
		}
		end_audit_delay(job);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		// The no-show's capacity slot was released: it can unbond.
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(no_show), 990));
	});
}

#[test]
fn without_a_replacement_the_job_fails_and_is_refunded() {
	build_and_execute(|| {
		let job = job_of_three();
		let requester_before = free(2) + JobsStorage::<Test>::get(job).unwrap().escrow;
		commit(11, job, b"42", 600);
		run_to_block(1 + DRAW_DELAY + COMMIT_PERIOD);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::NotEnoughWorkers));
		assert_eq!(free(2), requester_before);
		assert_eq!(bond_held(11), 1_000);
		assert_eq!(bond_held(12), 990);
		assert_eq!(bond_held(13), 990);
	});
}

#[test]
fn a_silent_replica_is_slashed_and_the_rest_go_to_referees() {
	build_and_execute(|| {
		let job = job_of_three();
		referee_pool(&[21, 22, 23]);
		for w in [11, 12, 13] {
			commit(w, job, b"42", 600);
		}
		reveal(11, job, b"42", 600);
		reveal(12, job, b"42", 600);
		let requester = free(2);
		run_to_block(1 + DRAW_DELAY + REVEAL_PERIOD);
		assert_eq!(bond_held(13), 980, "2 % of the bond");
		// The silent replica forced the dispute: its slash goes to the requester, who pays
		// the referees.
		assert_eq!(free(2), requester + 20);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::DrawingReferees);
		run_to_block(1 + DRAW_DELAY + REVEAL_PERIOD + DRAW_DELAY);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::RefereesCommitting);
		for r in [21, 22, 23] {
			commit(r, job, b"42", 600);
		}
		for r in [21, 22, 23] {
			reveal(r, job, b"42", 600);
		}
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(bond_held(13), 980, "a silent replica is not slashed twice");
	});
}

#[test]
fn when_nobody_reveals_a_fresh_set_of_replicas_is_drawn() {
	build_and_execute(|| {
		for w in 11..=16 {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		let job = submit(2, spec(program, 3));
		let first = assigned(job, Role::Replica);
		for w in &first {
			commit(*w, job, b"42", 600);
		}
		run_to_block(1 + DRAW_DELAY + REVEAL_PERIOD);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Committing);
		assert_eq!(record.replacements_left, 0);
		let second = assigned(job, Role::Replica);
		assert_eq!(second.len(), 3);
		assert!(second.iter().all(|w| !first.contains(w)));
		for w in &first {
			assert_eq!(bond_held(*w), 980);
		}
	});
}

#[test]
fn referees_that_never_commit_end_the_job_without_a_verdict() {
	build_and_execute(|| {
		let job = job_of_three();
		referee_pool(&[21, 22, 23]);
		let requester_before = free(2) + JobsStorage::<Test>::get(job).unwrap().escrow;
		split_replicas(job);
		run_to_block(1 + 2 * DRAW_DELAY + COMMIT_PERIOD);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::NoRefereeMajority));
		assert_eq!(free(2), requester_before);
		for r in [21, 22, 23] {
			assert_eq!(bond_held(r), 990);
		}
		assert_eq!(bond_held(13), 1_000);
	});
}

#[test]
fn every_job_is_settled_by_its_deadline() {
	build_and_execute(|| {
		for w in 11..=20 {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		let mut jobs = Vec::new();
		for requester in 1..=3 {
			jobs.push(submit(requester, spec(program, 3)));
		}
		// Nobody ever commits: rounds of replacements, then failure — all before block 101.
		run_to_block(101);
		for job in jobs {
			// Failed long before the deadline, and already pruned after the retention.
			assert!(JobsStorage::<Test>::get(job).is_none(), "{job} still stored");
			assert!(jobs_events()
				.contains(&Event::JobFailed { job, reason: FailureReason::NotEnoughWorkers }));
		}
		for requester in 1..=3 {
			assert_eq!(escrow_held(requester), 0);
		}
	});
}

#[test]
fn a_no_show_close_to_the_deadline_expires_the_job_with_a_refund() {
	build_and_execute(|| {
		for w in [11, 12, 13, 14] {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		let mut tight = spec(program, 3);
		tight.deadline = 1 + 2 * DRAW_DELAY + 2 * (COMMIT_PERIOD + REVEAL_PERIOD) + 1;
		let job = submit(2, tight);
		let requester_before = free(2) + JobsStorage::<Test>::get(job).unwrap().escrow;
		let first = assigned(job, Role::Replica);
		commit(first[0], job, b"42", 600);
		commit(first[1], job, b"42", 600);
		// At the commit deadline a new round would end after the job's deadline.
		run_to_block(1 + DRAW_DELAY + COMMIT_PERIOD);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::DeadlineExpired));
		assert_eq!(free(2), requester_before);
		assert_eq!(bond_held(first[2]), 990);
	});
}
