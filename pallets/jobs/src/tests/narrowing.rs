//! Narrowing: a batch whose replicas all revealed different roots settles the tasks they
//! all agree on. Attacks answered: a replica that lies on one task no longer fails the
//! whole batch; a majority never decides a task; a replica that does not stand behind the
//! root it revealed is slashed; a publisher can only publish its own revealed result.

use super::batches::{batch_result, commit_result, drawn_batch, reveal_result};
use crate::{mock::*, Error, Event, FailureReason, JobState, Narrowings, Outputs};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, pallet_prelude::DispatchResultWithPostInfo};
use povc_primitives::{batch::TaskOutput, ExecutionStatus, JobId};

const TASKS: u32 = 4;
/// Fuel each honest task reports: 4 tasks pay well above `MinReplicaPayment`.
const TASK_FUEL: u64 = 100;

/// An honest run: task `i` printed `[i]` with `TASK_FUEL` fuel.
fn honest() -> Vec<TaskOutput> {
	(0..TASKS)
		.map(|i| TaskOutput {
			status: ExecutionStatus::Exited(0),
			fuel_used: TASK_FUEL,
			output: vec![i as u8],
		})
		.collect()
}

/// An honest run with task `task`'s output replaced (its fuel unchanged: a consistent lie).
fn lie_on(task: usize) -> Vec<TaskOutput> {
	let mut outputs = honest();
	outputs[task].output = b"lie".to_vec();
	outputs
}

/// Replicas 11, 12 and 13 of a drawn batch commit to and reveal these outputs.
fn reveal_outputs(job: JobId, outputs: [&Vec<TaskOutput>; 3]) {
	let results: Vec<_> = outputs.iter().map(|o| batch_result(&o.encode(), TASKS)).collect();
	for (who, result) in [11, 12, 13].into_iter().zip(&results) {
		commit_result(job, who, *result);
	}
	for (who, result) in [11, 12, 13].into_iter().zip(&results) {
		reveal_result(job, who, *result);
	}
}

fn publish_own(who: u64, job: JobId, outputs: &[TaskOutput]) -> DispatchResultWithPostInfo {
	Jobs::publish_own_output(RuntimeOrigin::signed(who), job, outputs.encode().try_into().unwrap())
}

fn state(job: JobId) -> JobState {
	crate::Jobs::<Test>::get(job).expect("job").state
}

/// What a replica keeps of a payment for `fuel`.
fn kept_for(fuel: u64) -> Balance {
	let pay = (Balance::from(fuel) * PRICE).max(MinReplicaPayment::get());
	pay - BurnShare::get() * pay
}

/// Attack: replica 13 lies on task 2 of a batch of four. On the old code the batch went
/// to referees and failed `Disputed`, its honest replicas unpaid; now tasks 0, 1 and 3
/// settle, every replica is paid for them, task 2 is refunded and marked disputed.
#[test]
fn a_replica_lying_on_one_task_loses_that_task_not_the_batch() {
	build_and_execute(|| {
		let job = drawn_batch(TASKS);
		let (honest, lie) = (honest(), lie_on(2));
		let before: Vec<Balance> = [11, 12, 13].iter().map(|w| free(*w)).collect();
		let requester_before = free(2) + escrow_held(2);
		reveal_outputs(job, [&honest, &honest, &lie]);
		assert_eq!(state(job), JobState::Narrowing, "not a dispute");
		assert_ok!(publish_own(11, job, &honest));
		assert_eq!(state(job), JobState::Narrowing, "the liar's result is not published yet");
		assert_ok!(publish_own(13, job, &lie));

		assert_eq!(state(job), JobState::Verified);
		let view = Jobs::job_view(job).unwrap();
		assert_eq!(view.disputed_tasks, vec![2]);
		assert_eq!(Jobs::result_of(job), Some(honest.encode()), "the first publication is kept");
		let paid_fuel = 3 * TASK_FUEL;
		assert!(jobs_events().contains(&Event::TasksDisputed { job, disputed: 1, paid_fuel }));
		for (who, before) in [11, 12, 13].iter().zip(before) {
			assert_eq!(free(*who), before + kept_for(paid_fuel), "worker {who}");
		}
		// The requester paid three tasks' fuel per replica, and the stored result's deposit.
		let paid = 3 * (Balance::from(paid_fuel) * PRICE).max(MinReplicaPayment::get());
		let deposit = crate::Jobs::<Test>::get(job).unwrap().result_deposit;
		assert_eq!(free(2) + escrow_held(2), requester_before - paid - deposit);
		assert_eq!(escrow_held(2), 0);
		// Only the kept output stays; a narrowed batch earns pay, not score.
		assert_eq!(Outputs::<Test>::iter_prefix(job).count(), 1);
		assert!(!crate::PendingCredits::<Test>::contains_key(job));
	});
}

/// Attack: two colluding replicas agree on a lie about task 0 against one honest replica.
/// A majority would verify their lie; the narrowing settles only what all three agree on.
#[test]
fn a_majority_of_replicas_never_decides_a_task() {
	build_and_execute(|| {
		let job = drawn_batch(TASKS);
		let (honest, lie) = (honest(), lie_on(0));
		reveal_outputs(job, [&lie, &lie, &honest]);
		assert_ok!(publish_own(11, job, &lie));
		assert_ok!(publish_own(13, job, &honest));
		assert_eq!(state(job), JobState::Verified);
		assert_eq!(Jobs::job_view(job).unwrap().disputed_tasks, vec![0]);
		assert!(jobs_events().contains(&Event::TasksDisputed {
			job,
			disputed: 1,
			paid_fuel: 3 * TASK_FUEL
		}));
	});
}

/// Attack: the liar reveals its root and then withholds its output, hoping to stall the
/// batch. It is slashed like a missing reveal; the honest replicas' result settles whole,
/// and the honest replica that left publishing to its peer is not slashed.
#[test]
fn a_replica_that_withholds_the_output_it_revealed_is_slashed() {
	build_and_execute(|| {
		let job = drawn_batch(TASKS);
		let (honest, lie) = (honest(), lie_on(1));
		let bonds: Vec<Balance> = [11, 12, 13].iter().map(|w| bond_held(*w)).collect();
		reveal_outputs(job, [&honest, &honest, &lie]);
		assert_ok!(publish_own(12, job, &honest));
		run_to_block(crate::Jobs::<Test>::get(job).unwrap().timeout_at);

		assert_eq!(state(job), JobState::Verified);
		assert_eq!(bond_held(11), bonds[0]);
		assert_eq!(bond_held(12), bonds[1]);
		assert!(bond_held(13) < bonds[2], "the withholder is slashed");
		assert!(Jobs::job_view(job).unwrap().disputed_tasks.is_empty());
		assert!(jobs_events().contains(&Event::TasksDisputed {
			job,
			disputed: 0,
			paid_fuel: 4 * TASK_FUEL
		}));
	});
}

/// Nobody publishes: every replica is slashed and the job fails, refunded.
#[test]
fn a_narrowing_nobody_publishes_fails_and_slashes_every_replica() {
	build_and_execute(|| {
		let job = drawn_batch(TASKS);
		let bonds: Vec<Balance> = [11, 12, 13].iter().map(|w| bond_held(*w)).collect();
		reveal_outputs(job, [&honest(), &honest(), &lie_on(3)]);
		run_to_block(crate::Jobs::<Test>::get(job).unwrap().timeout_at);
		assert_eq!(state(job), JobState::Failed(FailureReason::OutputWithheld));
		for (who, bond) in [11, 12, 13].iter().zip(bonds) {
			assert!(bond_held(*who) < bond, "worker {who}");
		}
		assert_eq!(escrow_held(2), 0);
		assert!(!Narrowings::<Test>::contains_key(job));
		assert_eq!(Outputs::<Test>::iter_prefix(job).count(), 0);
	});
}

/// Outputs that differ in every task leave nothing to settle: the job fails `Disputed`,
/// refunded, nobody paid.
#[test]
fn a_batch_disputed_in_every_task_fails_refunded() {
	build_and_execute(|| {
		let job = drawn_batch(TASKS);
		let honest = honest();
		let mut all_wrong = honest.clone();
		for task in &mut all_wrong {
			task.output.push(b'!');
		}
		let before = free(2) + escrow_held(2);
		reveal_outputs(job, [&honest, &honest, &all_wrong]);
		assert_ok!(publish_own(11, job, &honest));
		assert_ok!(publish_own(13, job, &all_wrong));
		assert_eq!(state(job), JobState::Failed(FailureReason::Disputed));
		assert_eq!(free(2), before, "refunded in full");
		assert!(!Narrowings::<Test>::contains_key(job));
	});
}

/// A publisher can publish only its own revealed result, once; a replica whose result is
/// published has nothing left to do.
#[test]
fn a_replica_publishes_only_its_own_result_once() {
	build_and_execute(|| {
		let job = drawn_batch(TASKS);
		let (honest, lie) = (honest(), lie_on(2));
		reveal_outputs(job, [&honest, &honest, &lie]);
		assert_noop!(publish_own(13, job, &honest), Error::<Test>::OutputHashMismatch);
		let agreed = Jobs::publish_output(
			RuntimeOrigin::signed(11),
			job,
			honest.encode().try_into().unwrap(),
		);
		assert_noop!(agreed, Error::<Test>::WrongPhase);
		assert_noop!(publish_own(14, job, &honest), Error::<Test>::NotAssigned);
		let open = |who| Jobs::open_assignments_of(&who);
		assert_eq!(open(11).len(), 1, "the first replica with a result publishes it");
		assert!(open(12).is_empty(), "its peer waits for half the period");
		assert_eq!(open(13).len(), 1);
		assert_ok!(publish_own(11, job, &honest));
		assert_noop!(publish_own(12, job, &honest), Error::<Test>::AlreadyPublished);
		assert!(open(11).is_empty() && open(12).is_empty());
		assert_eq!(open(13)[0].state, JobState::Narrowing);
	});
}

/// A single run has no tasks to narrow to: its disagreement goes to referees as before.
#[test]
fn a_single_run_s_disagreement_still_goes_to_referees() {
	build_and_execute(|| {
		let job = job_of_three();
		split_replicas(job);
		assert_eq!(state(job), JobState::DrawingReferees);
	});
}

/// An agreed output is published as the agreed one, never as one's own.
#[test]
fn an_agreed_output_is_not_published_as_one_s_own() {
	build_and_execute(|| {
		let job = drawn_batch(TASKS);
		reveal_outputs(job, [&honest(), &honest(), &honest()]);
		assert_eq!(state(job), JobState::Publishing);
		assert_noop!(publish_own(11, job, &honest()), Error::<Test>::WrongPhase);
	});
}
