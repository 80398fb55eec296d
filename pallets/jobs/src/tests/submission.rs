//! Submitting, queueing, assigning and cancelling jobs.

use crate::{mock::*, Error, Event, JobState, Jobs as JobsStorage, Queue, Role};
use frame_support::{assert_noop, assert_ok};
use sp_core::H256;

#[test]
fn submit_holds_the_estimated_escrow_and_assigns_replicas() {
	build_and_execute(|| {
		for w in [11, 12, 13] {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		let job_spec = spec(program, 3);
		let cost = Jobs::estimate_cost(&job_spec).unwrap();
		assert_eq!(cost.max_payment, FUEL_LIMIT * PRICE * 3);
		assert_eq!(cost.max_result_deposit, 5 + 100);
		// Three referees' worth of fuel pays a dispute, should there be one.
		assert_eq!(cost.dispute_fee, FUEL_LIMIT * PRICE * 3);
		// The queue allowance pays for the blocks the job may wait in the queue.
		assert_eq!(cost.max_queue_fee, QUEUE_FEE * MAX_QUEUE_WAIT);
		assert_eq!(
			cost.escrow,
			cost.max_payment + cost.dispute_fee + cost.max_result_deposit + cost.max_queue_fee
		);
		assert_eq!(cost.max_burn, (cost.max_payment + cost.dispute_fee) / 10);
		// A single replica is never disputed.
		assert_eq!(Jobs::estimate_cost(&spec(program, 1)).unwrap().dispute_fee, 0);

		let before = free(2);
		let job = submit_only(2, job_spec);
		assert_eq!(free(2), before - cost.escrow);
		assert_eq!(escrow_held(2), cost.escrow);
		run_to_block(1 + DRAW_DELAY);
		// Drawn at its first chance: no queue fee, the whole allowance released.
		let held = cost.escrow - cost.max_queue_fee;
		assert_eq!(free(2), before - held);
		assert_eq!(escrow_held(2), held);
		assert!(jobs_events().contains(&Event::EscrowRefunded {
			job,
			requester: 2,
			amount: cost.max_queue_fee
		}));
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Committing);
		// Drawn `DRAW_DELAY` blocks after the submission.
		assert_eq!(record.timeout_at, 1 + DRAW_DELAY + COMMIT_PERIOD);
		let mut workers = assigned(job, Role::Replica);
		workers.sort();
		assert_eq!(workers, vec![11, 12, 13]);
		assert!(jobs_events().contains(&Event::JobSubmitted {
			job,
			requester: 2,
			escrow: cost.escrow
		}));
	});
}

#[test]
fn bad_specs_get_precise_errors() {
	build_and_execute(|| {
		let program = upload_program(1);
		let try_submit = |f: &dyn Fn(&mut crate::JobSpecOf<Test>)| {
			let mut s = spec(program, 3);
			f(&mut s);
			Jobs::submit_job(RuntimeOrigin::signed(2), s)
		};
		assert_noop!(try_submit(&|s| s.replicas = 0), Error::<Test>::InvalidReplicas);
		assert_noop!(try_submit(&|s| s.replicas = 6), Error::<Test>::InvalidReplicas);
		assert_noop!(try_submit(&|s| s.fuel_limit = 0), Error::<Test>::InvalidFuelLimit);
		assert_noop!(
			try_submit(&|s| s.fuel_limit = 1_000_000_001),
			Error::<Test>::InvalidFuelLimit
		);
		assert_noop!(
			try_submit(&|s| s.max_output_len = MAX_OUTPUT + 1),
			Error::<Test>::OutputLimitTooLarge
		);
		assert_noop!(try_submit(&|s| s.price_per_fuel = 0), Error::<Test>::NotAProject);
		assert_noop!(try_submit(&|s| s.price_per_fuel = u64::MAX), Error::<Test>::Overflow);
		assert_noop!(try_submit(&|s| s.deadline = 1), Error::<Test>::DeadlineTooSoon);
		assert_noop!(
			try_submit(&|s| s.deadline = 1 + 2 * DRAW_DELAY + 2 * (COMMIT_PERIOD + REVEAL_PERIOD)),
			Error::<Test>::DeadlineTooSoon
		);
		assert_noop!(try_submit(&|s| s.deadline = 1_002), Error::<Test>::DeadlineTooFar);
		assert_noop!(
			try_submit(&|s| s.program = H256::repeat_byte(9)),
			Error::<Test>::UnknownProgram
		);
		assert_noop!(
			try_submit(&|s| s.input = crate::JobInput::Blob(H256::repeat_byte(9))),
			Error::<Test>::UnknownBlob
		);
	});
}

#[test]
fn insufficient_funds_leave_nothing_behind() {
	build_and_execute(|| {
		let program = upload_program(1);
		let mut job_spec = spec(program, 3);
		job_spec.price_per_fuel = INITIAL_BALANCE; // far more than account 2 has
		assert_noop!(
			Jobs::submit_job(RuntimeOrigin::signed(2), job_spec),
			Error::<Test>::InsufficientBalance
		);
		assert_eq!(free(2), INITIAL_BALANCE);
	});
}

#[test]
fn without_workers_the_job_queues_and_is_assigned_later() {
	build_and_execute(|| {
		let program = upload_program(1);
		register_worker(11, 1_000);
		let job = submit(2, spec(program, 2));
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Queued);
		assert_eq!(Queue::<Test>::get().into_inner(), vec![job]);
		assert!(jobs_events().contains(&Event::JobQueued { job }));

		register_worker(12, 1_000);
		run_to_block(System::block_number() + 1);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Committing);
		assert!(Queue::<Test>::get().is_empty());
		assert_eq!(assigned(job, Role::Replica).len(), 2);
	});
}

#[test]
fn the_queue_is_bounded() {
	build_and_execute(|| {
		let program = upload_program(1);
		for requester in [2, 2, 2, 3] {
			submit(requester, spec(program, 1));
		}
		assert_noop!(
			Jobs::submit_job(RuntimeOrigin::signed(4), spec(program, 1)),
			Error::<Test>::QueueFull
		);
	});
}

#[test]
fn a_job_that_never_finds_workers_fails_at_its_latest_start_less_its_queue_fee() {
	build_and_execute(|| {
		let program = upload_program(1);
		// A deadline that leaves only a few blocks in the queue: it ends the job's wait
		// before `MaxFailedDraws` or `MaxQueueWait` would.
		let mut short = spec(program, 3);
		short.deadline = 30;
		let job = submit(2, short);
		let latest_start = 30 - 2 * (COMMIT_PERIOD + REVEAL_PERIOD) - DRAW_DELAY;
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().timeout_at, latest_start);
		run_to_block(latest_start);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(crate::FailureReason::NotEnoughWorkers));
		// It waited from its first draw (block 1 + DRAW_DELAY) to its latest start.
		let blocks = latest_start - (1 + DRAW_DELAY);
		let fee = QUEUE_FEE * blocks;
		assert!(jobs_events().contains(&Event::QueueFeeCharged {
			job,
			blocks: blocks as u32,
			burned: fee
		}));
		assert_eq!(free(2), INITIAL_BALANCE - fee);
		assert_eq!(escrow_held(2), 0);
		assert!(Queue::<Test>::get().is_empty());
	});
}

#[test]
fn replicas_are_drawn_from_one_pool_across_classes() {
	build_and_execute(|| {
		// The only two available workers are of different classes: a job of two replicas
		// gets both (it used to wait: all of a job's replicas came from one class).
		register_worker_in(11, 1_000, CLASS);
		register_worker_in(12, 1_000, OTHER_CLASS);
		let program = upload_program(1);
		let job = submit(2, spec(program, 2));
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Committing);
		let mut replicas = assigned(job, Role::Replica);
		replicas.sort();
		assert_eq!(replicas, vec![11, 12]);
	});
}

#[test]
fn min_reputation_filters_workers() {
	build_and_execute(|| {
		register_worker(11, 1_000);
		let program = upload_program(1);
		let mut picky = spec(program, 1);
		picky.min_reputation = sp_runtime::Permill::from_percent(90);
		let job = submit(2, picky);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Queued);
	});
}

#[test]
fn cancel_refunds_until_the_draw_and_is_refused_after() {
	build_and_execute(|| {
		for w in [11, 12, 13] {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		let job = submit_only(2, spec(program, 3));
		assert_noop!(Jobs::cancel_job(RuntimeOrigin::signed(3), job), Error::<Test>::NotRequester);
		assert_noop!(Jobs::cancel_job(RuntimeOrigin::signed(2), 99), Error::<Test>::UnknownJob);
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(2), job));
		assert_eq!(free(2), INITIAL_BALANCE);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Cancelled);
		assert!(Queue::<Test>::get().is_empty());
		assert_noop!(Jobs::cancel_job(RuntimeOrigin::signed(2), job), Error::<Test>::WrongPhase);

		// The attack: cancel a drawn job whose workers the requester dislikes, resubmit,
		// repeat until the draw suits it. Once drawn, a job runs and is paid for.
		let drawn = submit(2, spec(program, 3));
		assert_eq!(JobsStorage::<Test>::get(drawn).unwrap().state, JobState::Committing);
		assert_noop!(
			Jobs::cancel_job(RuntimeOrigin::signed(2), drawn),
			Error::<Test>::AlreadyDrawn
		);
		commit(11, drawn, b"out", 10);
		assert_noop!(
			Jobs::cancel_job(RuntimeOrigin::signed(2), drawn),
			Error::<Test>::AlreadyDrawn
		);
	});
}

#[test]
fn the_draw_uses_randomness_from_after_the_submission() {
	build_and_execute(|| {
		for w in [11, 12, 13, 14, 15] {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		// The attack: the requester (or the author of the block that includes the
		// submission) computes the draw from what it knows at submission and submits only
		// when it likes the replicas. Nothing is drawn in the submission's block, nor in
		// the next, whose randomness (the submission block's VRF) its author knew.
		let job = submit_only(2, spec(program, 3));
		assert!(assigned(job, Role::Replica).is_empty());
		run_to_block(System::block_number() + DRAW_DELAY - 1);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Queued);
		run_to_block(System::block_number() + 1);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Committing);
		assert_eq!(assigned(job, Role::Replica).len(), 3);
	});
}

#[test]
fn unreachable_reputation_floors_are_refused() {
	build_and_execute(|| {
		let program = upload_program(1);
		let mut impossible = spec(program, 1);
		// Reputation (v + 1) / (v + 4f + 2) never reaches 100 %: such a job would wait
		// forever in the queue.
		impossible.min_reputation = sp_runtime::Permill::one();
		assert_noop!(
			Jobs::submit_job(RuntimeOrigin::signed(2), impossible),
			Error::<Test>::ReputationUnreachable
		);
	});
}

#[test]
fn jobs_nobody_can_serve_now_do_not_block_the_queue() {
	build_and_execute(|| {
		for w in [11, 12, 13] {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		// The attack: fill the front of the queue with jobs no worker qualifies for now (the
		// highest allowed reputation floor), which used to hold the places the block hook
		// tries forever.
		let mut picky = spec(program, 1);
		picky.min_reputation = sp_runtime::Permill::from_percent(90);
		let jammers = [submit_only(4, picky.clone()), submit_only(4, picky)];
		let normal = submit_only(2, spec(program, 3));
		assert_eq!(Queue::<Test>::get().into_inner(), vec![jammers[0], jammers[1], normal]);
		// Block 1 + DRAW_DELAY tries the two jammers (the mock's hook draws 2) and moves
		// them to the back; the next block draws the normal job.
		run_to_block(1 + DRAW_DELAY);
		assert_eq!(Queue::<Test>::get().into_inner(), vec![normal, jammers[0], jammers[1]]);
		run_to_block(2 + DRAW_DELAY);
		assert_eq!(JobsStorage::<Test>::get(normal).unwrap().state, JobState::Committing);
		assert_eq!(Queue::<Test>::get().into_inner(), vec![jammers[1], jammers[0]]);
	});
}

#[test]
fn unbond_is_blocked_while_assigned() {
	build_and_execute(|| {
		register_worker(11, 1_000);
		let program = upload_program(1);
		let job = submit(2, spec(program, 1));
		assert_noop!(
			Workers::unbond(RuntimeOrigin::signed(11), 1_000),
			pallet_workers::Error::<Test>::HasOpenAssignments
		);
		commit(11, job, b"out", 10);
		reveal(11, job, b"out", 10);
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(11), 1_000));
	});
}
