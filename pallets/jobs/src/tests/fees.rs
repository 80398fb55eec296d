//! Workers do not pay to work: an assigned worker's successful commit, reveal, verdict,
//! publication and abstention are free (`Pays::No`); a failing call pays its fee.

use crate::{mock::*, Error, JobState, Jobs as JobsStorage, Role};
use frame_support::{dispatch::Pays, pallet_prelude::DispatchResultWithPostInfo};
use sp_core::H256;

/// Whether the transaction-payment extension would charge the call that returned `result`.
fn pays(result: DispatchResultWithPostInfo) -> Pays {
	match result {
		Ok(info) => info.pays_fee,
		Err(error) => error.post_info.pays_fee,
	}
}

#[test]
fn a_replicas_successful_calls_are_free_and_failing_ones_pay() {
	build_and_execute(|| {
		let job = job_of_three();
		let w = assigned(job, Role::Replica);
		let (result, output) = result_of(b"42", 600);
		let stranger = RuntimeOrigin::signed(20);
		let commitment = |who| {
			povc_primitives::result_commitment(
				job,
				&who,
				&result.output_hash,
				600,
				&result.status,
				&salt_of(who),
			)
		};

		let not_assigned = Jobs::commit(stranger.clone(), job, H256::repeat_byte(1));
		assert_eq!(not_assigned.map_err(|e| e.error), Err(Error::<Test>::NotAssigned.into()));
		assert_eq!(pays(Jobs::commit(stranger, job, H256::repeat_byte(1))), Pays::Yes);
		for who in &w {
			let committed = Jobs::commit(RuntimeOrigin::signed(*who), job, commitment(*who));
			assert_eq!(pays(committed), Pays::No, "worker {who}'s commit");
		}
		let again = Jobs::commit(RuntimeOrigin::signed(w[0]), job, commitment(w[0]));
		assert_eq!(pays(again), Pays::Yes, "a second commit fails and pays");

		let wrong_salt = Jobs::reveal(RuntimeOrigin::signed(w[0]), job, result, [0; 32]);
		assert_eq!(pays(wrong_salt), Pays::Yes, "a mismatched reveal pays");
		for who in &w {
			let revealed = Jobs::reveal(RuntimeOrigin::signed(*who), job, result, salt_of(*who));
			assert_eq!(pays(revealed), Pays::No, "worker {who}'s reveal");
		}
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Publishing);
		let bytes = || output.clone().try_into().unwrap();
		let published = Jobs::publish_output(RuntimeOrigin::signed(w[1]), job, bytes());
		assert_eq!(pays(published), Pays::No);
		let late = Jobs::publish_output(RuntimeOrigin::signed(w[2]), job, bytes());
		assert_eq!(pays(late), Pays::Yes, "publishing a settled job fails and pays");
	});
}

#[test]
fn an_abstention_is_free() {
	build_and_execute(|| {
		let job = job_of_three();
		let w = assigned(job, Role::Replica);
		assert_eq!(pays(Jobs::abstain(RuntimeOrigin::signed(w[0]), job)), Pays::No);
		let twice = Jobs::abstain(RuntimeOrigin::signed(w[0]), job);
		assert_eq!(pays(twice), Pays::Yes, "a second abstention fails and pays");
	});
}

#[test]
fn a_referees_verdict_is_free() {
	build_and_execute(|| {
		let job = job_of_three();
		referee_pool(&[21, 22, 23]);
		fall_silent(job);
		let referees = assigned(job, Role::Referee);
		for who in &referees {
			commit(*who, job, b"42", 600);
		}
		let (result, output) = result_of(b"42", 600);
		let output: frame_support::BoundedVec<u8, _> = output.try_into().unwrap();
		let stranger =
			Jobs::reveal_verdict(RuntimeOrigin::signed(20), job, result, [0; 32], output.clone());
		assert_eq!(pays(stranger), Pays::Yes, "a stranger's verdict fails and pays");
		for who in &referees {
			let origin = RuntimeOrigin::signed(*who);
			let verdict = Jobs::reveal_verdict(origin, job, result, salt_of(*who), output.clone());
			assert_eq!(pays(verdict), Pays::No, "referee {who}'s verdict");
		}
	});
}

/// Block space: every reveal was charged the last one's settlement, so a job's three
/// reveals took three settlements' room. A reveal before the last is charged what it
/// costs (`reveal_before_last`, about a commit), and the block gets the rest back; the
/// last one is charged the settlement it does. A submission is charged at the registry
/// it drew from, not the largest one.
#[test]
fn reveals_before_the_last_and_submissions_are_charged_what_they_cost() {
	use crate::weights::WeightInfo;
	use frame_support::dispatch::{GetDispatchInfo, PostDispatchInfo};
	type Weights = <Test as crate::Config>::WeightInfo;
	let actual = |info: PostDispatchInfo| info.actual_weight.expect("an actual weight");
	build_and_execute(|| {
		for w in [11, 12, 13] {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		let call = crate::Call::<Test>::submit_job { spec: spec(program, 3) };
		let charged = call.get_dispatch_info().total_weight();
		let submitted = Jobs::submit_job(RuntimeOrigin::signed(2), spec(program, 3)).unwrap();
		let registry = crate::Pallet::<Test>::registry_size();
		assert_eq!(actual(submitted), Weights::submit_job(registry));
		assert!(actual(submitted).all_lte(charged));
		let job = crate::NextJobId::<Test>::get() - 1;
		run_to_block(System::block_number() + DRAW_DELAY);
		let w = assigned(job, Role::Replica);
		for who in &w {
			commit(*who, job, b"42", 600);
		}
		let (result, _) = result_of(b"42", 600);
		let reveal = |who: u64| Jobs::reveal(RuntimeOrigin::signed(who), job, result, salt_of(who));
		for who in &w[..2] {
			assert_eq!(actual(reveal(*who).unwrap()), Weights::reveal_before_last());
		}
		assert_eq!(actual(reveal(w[2]).unwrap()), Weights::reveal());
		assert!(Weights::reveal_before_last().all_lt(Weights::reveal()));
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Publishing);
	});
}
