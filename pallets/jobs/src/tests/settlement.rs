//! Unanimous settlement: payments, burns, refunds, reputation, compute, stored results.

use crate::{mock::*, Error, Event, JobState, Jobs as JobsStorage, Outputs, Role};
use frame_support::{assert_noop, assert_ok};

/// Three workers, one job of three replicas; returns (job, workers).
fn three_replica_job() -> (u64, Vec<u64>) {
	let job = job_of_three();
	(job, assigned(job, Role::Replica))
}

#[test]
fn unanimous_replicas_are_paid_and_the_rest_refunded() {
	build_and_execute(|| {
		let (job, workers) = three_replica_job();
		let escrow = JobsStorage::<Test>::get(job).unwrap().escrow;
		let requester_before = free(2) + escrow;
		for w in &workers {
			commit(*w, job, b"42", 600);
		}
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Revealing);
		let worker_before: Vec<u64> = workers.iter().map(|w| free(*w)).collect();
		for w in &workers {
			reveal(*w, job, b"42", 600);
		}
		// Paid at once; the score waits for the audit draw, the dispute fee in escrow.
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::AuditPending);
		assert!(record.escrow > 0);
		assert!(COMPUTE.with(|c| c.borrow().is_empty()), "no score before the audit draw");
		assert_eq!(crate::PendingCredits::<Test>::get(job).len(), 3);
		end_audit_delay(job);
		assert!(crate::PendingCredits::<Test>::get(job).is_empty());
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Verified);
		assert_eq!(record.escrow, 0);
		// 600 fuel × price 2 = 1200 each, of which 10 % is burned.
		for (w, before) in workers.iter().zip(worker_before) {
			assert_eq!(free(*w), before + 1_080);
			assert_eq!(
				pallet_workers::Pallet::<Test>::reputation_of(w).unwrap(),
				sp_runtime::Permill::from_rational(2u32, 3)
			);
		}
		assert_eq!(burned(), 3 * 120);
		let deposit = 5 + 2;
		assert_eq!(record.result_deposit, deposit);
		assert_eq!(free(2), requester_before - 3 * 1_200 - deposit);
		assert_eq!(Jobs::result_of(job).unwrap(), b"42".to_vec());
		let credited: Vec<_> = COMPUTE.with(|c| c.borrow().clone());
		assert_eq!(credited.len(), 3);
		// Scored by the value burned on each payment, not by the fuel claimed.
		assert!(credited.iter().all(|(w, b, value)| w == b && *value == 120));
		assert!(jobs_events()
			.iter()
			.any(|e| matches!(e, Event::JobVerified { job: j, fuel_used: 600, .. } if *j == job)));
	});
}

#[test]
fn verified_compute_counts_for_the_chosen_validator() {
	build_and_execute(|| {
		let (job, workers) = three_replica_job();
		assert_ok!(Workers::contribute_to(RuntimeOrigin::signed(workers[0]), Some(30)));
		for w in &workers {
			commit(*w, job, b"42", 600);
		}
		for w in &workers {
			reveal(*w, job, b"42", 600);
		}
		end_audit_delay(job);
		let credited: Vec<_> = COMPUTE.with(|c| c.borrow().clone());
		assert!(credited.contains(&(workers[0], 30, 120)));
	});
}

#[test]
fn a_single_replica_is_paid_but_unverified_and_never_scored() {
	build_and_execute(|| {
		register_worker(11, 1_000);
		let program = upload_program(1);
		let job = submit(2, spec(program, 1));
		let before = free(11);
		commit(11, job, b"7", 300);
		reveal(11, job, b"7", 300);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Unverified);
		assert_eq!(free(11), before + 540);
		assert!(COMPUTE.with(|c| c.borrow().is_empty()));
		// Not verified: reputation unchanged.
		assert_eq!(
			pallet_workers::Pallet::<Test>::reputation_of(&11).unwrap(),
			sp_runtime::Permill::from_percent(50)
		);
	});
}

#[test]
fn clear_result_refunds_the_deposit() {
	build_and_execute(|| {
		let (job, workers) = three_replica_job();
		for w in &workers {
			commit(*w, job, b"42", 600);
		}
		assert_noop!(
			Jobs::clear_result(RuntimeOrigin::signed(2), job),
			Error::<Test>::JobNotFinished
		);
		for w in &workers {
			reveal(*w, job, b"42", 600);
		}
		assert_noop!(
			Jobs::clear_result(RuntimeOrigin::signed(2), job),
			Error::<Test>::JobNotFinished
		);
		end_audit_delay(job);
		assert_noop!(
			Jobs::clear_result(RuntimeOrigin::signed(3), job),
			Error::<Test>::NotRequester
		);
		let before = free(2);
		assert_ok!(Jobs::clear_result(RuntimeOrigin::signed(2), job));
		assert_eq!(free(2), before + 7);
		assert!(Jobs::result_of(job).is_none());
		assert_noop!(Jobs::clear_result(RuntimeOrigin::signed(2), job), Error::<Test>::NoResult);
	});
}

#[test]
fn finished_jobs_are_pruned_after_retention_and_refund_the_deposit() {
	build_and_execute(|| {
		let (job, workers) = three_replica_job();
		for w in &workers {
			commit(*w, job, b"42", 600);
		}
		for w in &workers {
			reveal(*w, job, b"42", 600);
		}
		end_audit_delay(job);
		let before = free(2);
		run_to_block(1 + DRAW_DELAY + AUDIT_DELAY + JOB_RETENTION);
		assert!(JobsStorage::<Test>::get(job).is_none());
		assert!(Outputs::<Test>::iter_prefix(job).next().is_none());
		assert!(crate::Assignments::<Test>::get(job).is_empty());
		assert!(Jobs::jobs_of_requester(&2, None, 10).is_empty());
		assert!(Jobs::jobs_of_worker(&workers[0], None, 10).is_empty());
		assert_eq!(free(2), before + 7);
		assert!(jobs_events().contains(&Event::JobPruned { job }));
	});
}

#[test]
fn the_read_api_shows_jobs_and_assignments() {
	build_and_execute(|| {
		let (job, workers) = three_replica_job();
		assert_eq!(Jobs::jobs_of_requester(&2, None, 10), vec![job]);
		assert_eq!(Jobs::jobs_of_worker(&workers[0], None, 10), vec![job]);
		let open = Jobs::open_assignments_of(&workers[0]);
		assert_eq!(open.len(), 1);
		assert!(!open[0].committed);
		commit(workers[0], job, b"42", 600);
		assert!(Jobs::open_assignments_of(&workers[0]).is_empty());
		let view = Jobs::job_view(job).unwrap();
		assert_eq!(view.assignments.len(), 3);
		assert_eq!(view.state, JobState::Committing);
		assert!(Jobs::job_view(job + 1).is_none());
	});
}
