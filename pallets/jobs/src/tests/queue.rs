//! Queue squatting: a queue slot costs its occupant.
//!
//! The attack: the queue holds `MaxQueueLen` jobs and used to be free to wait in. Jobs
//! that nobody can serve (a reputation floor no worker meets) went to the back after each
//! failed draw and waited until their deadline, up to `MaxJobLifetime`, to be refunded in
//! full: the transaction fees of `MaxQueueLen` submissions kept the queue full for a week,
//! and every honest submission failed `QueueFull`. Now one account holds at most
//! `MaxQueuedPerAccount` entries, a job fails after `MaxFailedDraws` failed draws, and
//! every block a job waits after its `DrawDelay` burns `QueueFeePerBlock` of its escrow.

use crate::{
	mock::*, Error, Event, FailureReason, JobState, Jobs as JobsStorage, Queue, QueuedByAccount,
};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::Permill;

/// A job no worker of the tests can serve: their reputation is 50 %.
fn unservable(program: sp_core::H256) -> crate::JobSpecOf<Test> {
	let mut picky = spec(program, 1);
	picky.min_reputation = Permill::from_percent(90);
	picky.deadline = System::block_number() + 1_000;
	picky
}

#[test]
fn one_account_cannot_fill_the_queue() {
	build_and_execute(|| {
		let program = upload_program(1);
		for _ in 0..MAX_QUEUED_PER_ACCOUNT {
			submit_only(4, unservable(program));
		}
		assert_eq!(QueuedByAccount::<Test>::get(4), MAX_QUEUED_PER_ACCOUNT);
		// The squatter's next entry is refused, though the queue has room (4 places)...
		assert_noop!(
			Jobs::submit_job(RuntimeOrigin::signed(4), unservable(program)),
			Error::<Test>::TooManyQueued
		);
		// ...which another account takes.
		let honest = submit_only(2, spec(program, 1));
		assert_eq!(Queue::<Test>::get().len(), 4);
		// Leaving the queue frees the account's entry.
		let first = Queue::<Test>::get()[0];
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(4), first));
		assert_eq!(QueuedByAccount::<Test>::get(4), MAX_QUEUED_PER_ACCOUNT - 1);
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(2), honest));
		assert!(!QueuedByAccount::<Test>::contains_key(2), "no entry is kept at zero");
		assert_ok!(Jobs::submit_job(RuntimeOrigin::signed(4), unservable(program)));
	});
}

#[test]
fn a_job_nobody_can_serve_fails_after_max_failed_draws_and_pays_its_queue_fee() {
	build_and_execute(|| {
		register_worker(11, 1_000);
		let program = upload_program(1);
		let job = submit_only(4, unservable(program));
		let first_draw = 1 + DRAW_DELAY;
		// Alone in the queue, it is tried every block from its first draw on: its last
		// failed draw is `MAX_FAILED_DRAWS - 1` blocks later.
		let last_draw = first_draw + u64::from(MAX_FAILED_DRAWS) - 1;
		run_to_block(last_draw - 1);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Queued);
		assert_eq!(u32::from(record.failed_draws), MAX_FAILED_DRAWS - 1);
		run_to_block(last_draw);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::NoEligibleWorkers));
		// Before its deadline (1,001) and the end of its queue allowance (63).
		assert!(last_draw < 1 + DRAW_DELAY + MAX_QUEUE_WAIT);
		let blocks = last_draw - first_draw;
		let fee = QUEUE_FEE * blocks;
		assert!(jobs_events().contains(&Event::QueueFeeCharged {
			job,
			blocks: blocks as u32,
			burned: fee
		}));
		assert!(jobs_events()
			.contains(&Event::JobFailed { job, reason: FailureReason::NoEligibleWorkers }));
		assert_eq!(free(4), INITIAL_BALANCE - fee, "refunded less the queue fee");
		assert_eq!(escrow_held(4), 0);
		assert!(Queue::<Test>::get().is_empty());
		assert!(!QueuedByAccount::<Test>::contains_key(4));
	});
}

#[test]
fn a_job_that_waited_for_workers_pays_for_those_blocks_and_gets_the_rest_back() {
	build_and_execute(|| {
		let program = upload_program(1);
		let job_spec = spec(program, 1);
		let cost = Jobs::estimate_cost(&job_spec).unwrap();
		let job = submit_only(2, job_spec);
		// No worker for 7 blocks after its first draw; then one registers.
		run_to_block(1 + DRAW_DELAY + 6);
		register_worker(11, 1_000);
		run_to_block(1 + DRAW_DELAY + 7);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Committing);
		assert_eq!(record.queue_allowance, 0);
		let fee = QUEUE_FEE * 7;
		assert!(jobs_events().contains(&Event::QueueFeeCharged { job, blocks: 7, burned: fee }));
		// What the allowance did not pay is released at the draw; the workers' part of the
		// escrow is untouched.
		assert!(jobs_events().contains(&Event::EscrowRefunded {
			job,
			requester: 2,
			amount: cost.max_queue_fee - fee
		}));
		assert_eq!(record.escrow, cost.escrow - cost.max_queue_fee);
		assert_eq!(escrow_held(2), cost.escrow - cost.max_queue_fee);
		assert_eq!(free(2), INITIAL_BALANCE - (cost.escrow - cost.max_queue_fee) - fee);
	});
}

#[test]
fn the_queue_fee_never_exceeds_the_allowance() {
	build_and_execute(|| {
		let program = upload_program(1);
		let job = submit_only(2, unservable(program));
		// Its queue timeout is the end of its allowance, before its latest start.
		assert_eq!(
			JobsStorage::<Test>::get(job).unwrap().timeout_at,
			1 + DRAW_DELAY + MAX_QUEUE_WAIT
		);
		// Should the job leave the queue later than that (a backlog of timeouts), it still
		// pays no more than its allowance: the escrow for its workers is never touched.
		System::set_block_number(1 + DRAW_DELAY + 3 * MAX_QUEUE_WAIT);
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(2), job));
		let allowance = QUEUE_FEE * MAX_QUEUE_WAIT;
		assert!(jobs_events().contains(&Event::QueueFeeCharged {
			job,
			blocks: 3 * MAX_QUEUE_WAIT as u32,
			burned: allowance
		}));
		assert_eq!(free(2), INITIAL_BALANCE - allowance);
	});
}

#[test]
fn a_job_not_drawn_within_max_queue_wait_fails_less_its_allowance() {
	build_and_execute(|| {
		let program = upload_program(1);
		// A full queue tried 2 a block: each job is tried every other block, so its
		// `MaxQueueWait` runs out before its failed draws do.
		assert!(u64::from(MAX_FAILED_DRAWS) > MAX_QUEUE_WAIT / 2);
		let jobs: Vec<_> = [4, 4, 4, 5].map(|who| submit_only(who, unservable(program))).into();
		let end = 1 + DRAW_DELAY + MAX_QUEUE_WAIT;
		run_to_block(end - 1);
		assert!(jobs
			.iter()
			.all(|job| JobsStorage::<Test>::get(job).unwrap().state == JobState::Queued));
		run_to_block(end);
		for job in &jobs {
			let record = JobsStorage::<Test>::get(job).unwrap();
			assert_eq!(record.state, JobState::Failed(FailureReason::NotEnoughWorkers));
			assert!(u32::from(record.failed_draws) < MAX_FAILED_DRAWS);
			assert!(jobs_events().contains(&Event::QueueFeeCharged {
				job: *job,
				blocks: MAX_QUEUE_WAIT as u32,
				burned: QUEUE_FEE * MAX_QUEUE_WAIT
			}));
		}
		assert_eq!(free(4), INITIAL_BALANCE - 3 * QUEUE_FEE * MAX_QUEUE_WAIT);
		assert!(Queue::<Test>::get().is_empty());
		assert_eq!(QueuedByAccount::<Test>::iter().count(), 0);
	});
}

/// The squatter keeps every place of the queue taken for `BLOCKS` blocks with jobs nobody
/// can serve, from as many accounts as `MaxQueuedPerAccount` requires, resubmitting as
/// soon as one of its jobs fails. Honest submissions fail `QueueFull` all along, but the
/// squatter pays the queue fee for nearly every slot-block.
#[test]
fn keeping_the_queue_full_costs_the_squatter_the_queue_fee_of_every_slot() {
	const BLOCKS: u64 = 1_000;
	const SQUATTERS: [AccountId; 2] = [4, 5];
	build_and_execute(|| {
		register_worker(11, 1_000);
		let program = upload_program(1);
		let fill = || {
			for squatter in SQUATTERS {
				while Queue::<Test>::get().len() < 4
					&& QueuedByAccount::<Test>::get(squatter) < MAX_QUEUED_PER_ACCOUNT
				{
					submit_only(squatter, unservable(program));
				}
			}
		};
		fill();
		let start = System::block_number();
		let squatters_before: Balance = SQUATTERS.iter().map(|s| free(*s) + escrow_held(*s)).sum();
		let mut refused = 0;
		while System::block_number() < start + BLOCKS {
			run_to_block(System::block_number() + 1);
			fill();
			assert_eq!(Queue::<Test>::get().len(), 4, "the squatter keeps the queue full");
			// An honest requester tries every block and is refused.
			assert_noop!(
				Jobs::submit_job(RuntimeOrigin::signed(2), spec(program, 1)),
				Error::<Test>::QueueFull
			);
			refused += 1;
		}
		assert_eq!(refused, BLOCKS);
		// Cancel what is left, so that every slot-block is paid for.
		for job in Queue::<Test>::get() {
			let requester = JobsStorage::<Test>::get(job).unwrap().requester;
			assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(requester), job));
		}
		let squatters_after: Balance = SQUATTERS.iter().map(|s| free(*s) + escrow_held(*s)).sum();
		let cost = squatters_before - squatters_after;
		// 4 places × 1,000 blocks × 10 per block, less the `DrawDelay` blocks each job
		// waits for free: each job lives `DrawDelay + MaxQueueWait` blocks (the queue is
		// tried 2 a block, so its failed draws do not run out first): 2 of 62 blocks free.
		let slot_blocks = 4 * BLOCKS;
		assert!(cost >= slot_blocks * QUEUE_FEE * 95 / 100, "the squatter paid only {cost}");
		// Everything it lost was burned as queue fee: nobody was paid to keep it waiting.
		let queue_fees: Balance = jobs_events()
			.into_iter()
			.filter_map(|e| match e {
				Event::QueueFeeCharged { burned, .. } => Some(burned),
				_ => None,
			})
			.sum();
		assert_eq!(cost, queue_fees);
	});
}
