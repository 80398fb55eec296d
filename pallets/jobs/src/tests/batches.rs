//! Batch jobs: one job runs its program once per task, and its replicas agree on the
//! Merkle root of every task's status, fuel and output. Attacks answered: a batch cannot
//! ask for more work than one commit period holds (honest workers would have to abstain
//! from it), nor escape the price of its tasks' fuel; a publisher cannot store outputs
//! other than those the replicas agreed on, task by task.

use crate::{mock::*, Error, ExecutionResult, JobInput, JobState, Role};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, BoundedVec};
use povc_primitives::{
	batch::{self, TaskOutput},
	result_commitment, ExecutionStatus, Fuel, JobId,
};
use sp_core::H256;

/// A batch of `tasks` tasks, their inputs inline, each with up to 8 bytes of output.
pub(super) fn batch_spec(program: H256, tasks: u32) -> crate::JobSpecOf<Test> {
	let inputs: Vec<Vec<u8>> = (0..tasks).map(|i| vec![i as u8]).collect();
	let mut spec = spec(program, 3);
	spec.input = JobInput::Inline(BoundedVec::truncate_from(inputs.encode()));
	spec.tasks = tasks;
	spec.max_output_len = 8;
	spec
}

/// The tasks' outputs of an honest run: task `i` printed `[i]` and used `10 + i` fuel.
pub(super) fn honest_outputs(tasks: u32) -> Vec<TaskOutput> {
	(0..tasks)
		.map(|i| TaskOutput {
			status: ExecutionStatus::Exited(0),
			fuel_used: 10 + Fuel::from(i),
			output: vec![i as u8],
		})
		.collect()
}

/// A replica's result for a batch output, as `povc-worker` reports it.
pub(super) fn batch_result(output: &[u8], tasks: u32) -> ExecutionResult {
	let (root, fuel) = batch::output_digest(tasks, 8, output).expect("a batch's output");
	ExecutionResult {
		output_hash: root,
		fuel_used: fuel.expect("a batch's fuel"),
		status: ExecutionStatus::Exited(0),
	}
}

pub(super) fn commit_result(job: JobId, who: u64, result: ExecutionResult) {
	let salt = salt_of(who);
	let commitment =
		result_commitment(job, &who, &result.output_hash, result.fuel_used, &result.status, &salt);
	assert_ok!(Jobs::commit(RuntimeOrigin::signed(who), job, commitment));
}

pub(super) fn reveal_result(job: JobId, who: u64, result: ExecutionResult) {
	assert_ok!(Jobs::reveal(RuntimeOrigin::signed(who), job, result, salt_of(who)));
}

/// Every replica of `job` commits to and reveals `result`.
pub(super) fn all_reveal(job: JobId, result: ExecutionResult) {
	let replicas = assigned(job, Role::Replica);
	for who in &replicas {
		commit_result(job, *who, result);
	}
	for who in &replicas {
		reveal_result(job, *who, result);
	}
}

/// Workers 11–13 registered and a batch of `tasks` submitted by account 2 and drawn.
pub(super) fn drawn_batch(tasks: u32) -> JobId {
	for w in [11, 12, 13] {
		register_worker(w, 1_000);
	}
	let program = upload_program(1);
	submit(2, batch_spec(program, tasks))
}

#[test]
fn a_batch_holds_its_tasks_fuel_for_every_replica() {
	build_and_execute(|| {
		let program = upload_program(1);
		let single = Jobs::estimate_cost(&spec(program, 3)).unwrap();
		let batch = Jobs::estimate_cost(&batch_spec(program, 5)).unwrap();
		assert_eq!(batch.max_payment, 5 * single.max_payment);
		assert_eq!(batch.dispute_fee, 5 * single.dispute_fee);
		let output = batch::max_output_bytes(5, 8) as u32;
		assert_eq!(batch.max_result_deposit, Jobs::result_deposit(output));
	});
}

/// Attack: a batch of more fuel than one commit period runs would make honest workers
/// abstain (or be slashed for not committing): its total is bounded like a single job's.
#[test]
fn a_batch_asks_no_more_than_one_job_can_do_and_says_what_is_wrong() {
	build_and_execute(|| {
		let program = upload_program(1);
		let refused = |spec, error: Error<Test>| {
			assert_noop!(Jobs::submit_job(RuntimeOrigin::signed(2), spec), error);
		};
		// Starting each task counts too: a fresh instance is work fuel does not meter.
		let start = batch::TASK_START_FUEL;
		let mut too_much_fuel = batch_spec(program, 4);
		too_much_fuel.fuel_limit = 1_000_000_000 / 4 - start + 1;
		refused(too_much_fuel.clone(), Error::InvalidFuelLimit);
		too_much_fuel.fuel_limit -= 1;
		MinReplicaPayment::set(0);
		assert_ok!(Jobs::estimate_cost(&too_much_fuel).map(|_| ()));

		refused(batch_spec(program, 0), Error::InvalidTaskCount);
		let mut too_many = batch_spec(program, MAX_TASKS);
		too_many.tasks = MAX_TASKS + 1;
		refused(too_many, Error::InvalidTaskCount);

		let mut miscounted = batch_spec(program, 4);
		miscounted.tasks = 5;
		refused(miscounted, Error::TaskInputsMismatch);
		let mut not_a_list = batch_spec(program, 4);
		not_a_list.input = JobInput::Inline(BoundedVec::truncate_from(b"input".to_vec()));
		refused(not_a_list, Error::TaskInputsMismatch);

		// 32 tasks of 32 bytes with their status and fuel exceed the mock's 1,024.
		let mut too_much_output = batch_spec(program, MAX_TASKS);
		too_much_output.max_output_len = 32;
		refused(too_much_output, Error::OutputLimitTooLarge);
	});
}

#[test]
fn a_blob_holds_a_batchs_inputs_only_if_it_counts_as_many() {
	build_and_execute(|| {
		let program = upload_program(1);
		let inputs: Vec<Vec<u8>> = vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()];
		assert_ok!(Jobs::upload_blob(RuntimeOrigin::signed(2), inputs.encode()));
		let hash = H256(sp_crypto_hashing::blake2_256(&inputs.encode()));
		let info = crate::Blobs::<Test>::get(crate::BlobKind::Data, hash).unwrap();
		assert_eq!(info.task_inputs, 3);
		let mut spec = batch_spec(program, 4);
		spec.input = JobInput::Blob(hash);
		assert_noop!(
			Jobs::submit_job(RuntimeOrigin::signed(2), spec.clone()),
			Error::<Test>::TaskInputsMismatch
		);
		spec.tasks = 3;
		assert_ok!(Jobs::submit_job(RuntimeOrigin::signed(2), spec));
	});
}

#[test]
fn unanimous_replicas_settle_the_whole_batch_and_are_paid_for_its_fuel() {
	build_and_execute(|| {
		let tasks = 6;
		let job = drawn_batch(tasks);
		let output = honest_outputs(tasks).encode();
		let result = batch_result(&output, tasks);
		let replicas = assigned(job, Role::Replica);
		let before: Vec<Balance> = replicas.iter().map(|who| free(*who)).collect();
		all_reveal(job, result);
		assert_eq!(crate::Jobs::<Test>::get(job).unwrap().state, JobState::Publishing);
		let bounded: BoundedVec<u8, _> = output.clone().try_into().unwrap();
		assert_ok!(Jobs::publish_output(RuntimeOrigin::signed(replicas[0]), job, bounded));
		assert!(crate::Jobs::<Test>::get(job).unwrap().state.is_verified());
		assert_eq!(Jobs::result_of(job), Some(output));
		// Each replica is paid for the fuel of all six tasks: 10 + … + 15 = 75.
		let pay = (75 * PRICE).max(MinReplicaPayment::get());
		let kept = pay - BurnShare::get() * pay;
		for (who, before) in replicas.iter().zip(before) {
			assert_eq!(free(*who), before + kept, "worker {who}");
		}
	});
}

/// Attack: replicas agreed on a root; the publisher tries to store other task outputs
/// (one changed, fuel that does not add up, or bytes that are no batch at all).
#[test]
fn only_the_agreed_tasks_can_be_published() {
	build_and_execute(|| {
		let tasks = 4;
		let job = drawn_batch(tasks);
		let honest = honest_outputs(tasks);
		let result = batch_result(&honest.encode(), tasks);
		let replicas = assigned(job, Role::Replica);
		all_reveal(job, result);
		let publish = |output: Vec<u8>| {
			Jobs::publish_output(
				RuntimeOrigin::signed(replicas[0]),
				job,
				output.try_into().unwrap(),
			)
		};
		let mut changed = honest.clone();
		changed[2].output = vec![9];
		assert_noop!(publish(changed.encode()), Error::<Test>::OutputHashMismatch);
		assert_noop!(publish(honest[..3].encode()), Error::<Test>::MalformedBatchOutput);
		assert_noop!(publish(b"not a batch".to_vec()), Error::<Test>::MalformedBatchOutput);
		let mut too_long = honest.clone();
		too_long[0].output = vec![0; 9];
		assert_noop!(publish(too_long.encode()), Error::<Test>::MalformedBatchOutput);
		assert_ok!(publish(honest.encode()));
	});
}

/// Unanimous replicas whose summed fuel is not their tasks' cannot be paid for it.
#[test]
fn a_batch_result_whose_fuel_is_not_its_tasks_sum_cannot_be_published() {
	build_and_execute(|| {
		let tasks = 3;
		let job = drawn_batch(tasks);
		let output = honest_outputs(tasks).encode();
		let mut inflated = batch_result(&output, tasks);
		inflated.fuel_used += 1;
		all_reveal(job, inflated);
		assert_noop!(
			Jobs::publish_output(RuntimeOrigin::signed(11), job, output.try_into().unwrap()),
			Error::<Test>::BatchFuelMismatch
		);
	});
}

#[test]
fn a_replica_cannot_claim_more_fuel_than_the_batch_allows() {
	build_and_execute(|| {
		let tasks = 3;
		let job = drawn_batch(tasks);
		let mut result = batch_result(&honest_outputs(tasks).encode(), tasks);
		result.fuel_used = FUEL_LIMIT * Fuel::from(tasks);
		commit_result(job, 11, result);
		let mut over = result;
		over.fuel_used += 1;
		commit_result(job, 12, over);
		commit_result(job, 13, result);
		reveal_result(job, 11, result);
		assert_noop!(
			Jobs::reveal(RuntimeOrigin::signed(12), job, over, salt_of(12)),
			Error::<Test>::FuelAboveLimit
		);
	});
}

/// Publication is charged for the most tasks its bytes could hold, and refunded to the
/// job's own count.
#[test]
fn publishing_refunds_the_hashing_of_tasks_the_job_does_not_have() {
	build_and_execute(|| {
		let charged = Jobs::output_weight(<() as crate::WeightInfo>::publish_output, 1_000, None);
		let single = Jobs::output_weight(<() as crate::WeightInfo>::publish_output, 1_000, Some(1));
		let per_task = <() as crate::WeightInfo>::hash_batch_output(MAX_TASKS);
		assert_eq!(charged, single + per_task, "1,000 bytes can hold every task the mock allows");
		let refunded =
			Jobs::output_weight(<() as crate::WeightInfo>::publish_output, 1_000, Some(4));
		assert!(refunded.ref_time() < charged.ref_time());
	});
}
