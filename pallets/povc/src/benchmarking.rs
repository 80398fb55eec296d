//! Benchmarks of pallet-povc's calls and of the per-block reward.

use crate::{
	Authorities, Call, Candidates, Config, HoldReason, Pallet, Project, Projects, Score, Scores,
	TotalRewards,
};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use frame_system::RawOrigin;
use povc_primitives::WorkerDirectory;

/// What a benchmark cannot set up through this pallet alone.
pub trait BenchmarkHelper<AccountId> {
	/// Gives `who` session keys, as `session.set_keys` would.
	fn set_session_keys(who: &AccountId);

	/// Registers `worker` in the largest class the registry allows (its trees at their
	/// greatest height), contributing to `validator`.
	fn register_worker(worker: &AccountId, validator: &AccountId);
}

/// Gives `who` ten candidacy deposits (and the existential deposit).
fn fund<T: Config>(who: &T::AccountId) {
	use frame_support::traits::fungible::{Inspect, Mutate};
	let amount = T::CandidacyDeposit::get() * 10u32.into();
	let minimum = <T as Config>::Currency::minimum_balance();
	let _ = <T as Config>::Currency::set_balance(who, minimum + amount);
}

/// Makes `who` a candidate with its deposit held, as `validate` would.
fn make_candidate<T: Config>(who: &T::AccountId) {
	use frame_support::traits::fungible::MutateHold;
	fund::<T>(who);
	let deposit = T::CandidacyDeposit::get();
	<T as Config>::Currency::hold(&HoldReason::Candidacy.into(), who, deposit).expect("funded");
	Candidates::<T>::insert(who, crate::Candidacy { deposit, released_at: None });
}

/// Makes `who` the only current validator.
fn make_authority<T: Config>(who: &T::AccountId) {
	let set = alloc::vec![(who.clone(), 1)];
	Authorities::<T>::put(crate::WeightedSetOf::<T>::force_from(set, None));
}

/// A name or URL of the longest length allowed.
fn longest<S: Get<u32>>() -> frame_support::BoundedVec<u8, S> {
	frame_support::BoundedVec::truncate_from(alloc::vec![b'x'; S::get() as usize])
}

/// Fills the project registry up to `MaxProjects - 1`, so one more fits.
fn fill_projects<T: Config>() {
	for i in Projects::<T>::count()..T::MaxProjects::get().saturating_sub(1) {
		let project: T::AccountId = account("project", i, 0);
		let record = Project::<T>::new(longest(), longest(), 1, 1, 0);
		Projects::<T>::insert(project, record);
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: the list is full, so every candidate's score is read and the
	/// lowest-scored one is displaced.
	#[benchmark]
	fn validate() {
		for i in Candidates::<T>::count()..T::MaxCandidates::get() {
			let squatter: T::AccountId = account("candidate", i, 0);
			make_candidate::<T>(&squatter);
			Scores::<T>::insert(&squatter, Score { value: 1, epoch: 0 });
		}
		let caller: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::set_session_keys(&caller);
		fund::<T>(&caller);
		Scores::<T>::insert(&caller, Score { value: 2, epoch: 0 });

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(Pallet::<T>::is_candidate(&caller));
		assert_eq!(Candidates::<T>::count(), T::MaxCandidates::get());
	}

	#[benchmark]
	fn chill() {
		let caller: T::AccountId = whitelisted_caller();
		make_candidate::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(!Pallet::<T>::is_candidate(&caller));
	}

	/// Worst case: a candidate with a score, punished for the first time in the session.
	#[benchmark]
	fn punish() {
		let offender: T::AccountId = account("offender", 0, 0);
		make_candidate::<T>(&offender);
		Scores::<T>::insert(&offender, Score { value: 1_000, epoch: 0 });

		#[block]
		{
			Pallet::<T>::punish(&offender, sp_runtime::Perbill::from_percent(1), 0);
		}

		assert!(!Pallet::<T>::is_candidate(&offender));
		assert!(!Scores::<T>::contains_key(&offender));
	}

	#[benchmark]
	fn accept_referee() {
		let validator: T::AccountId = whitelisted_caller();
		let worker: T::AccountId = account("worker", 0, 0);
		make_authority::<T>(&validator);
		T::BenchmarkHelper::register_worker(&worker, &validator);

		#[extrinsic_call]
		_(RawOrigin::Signed(validator.clone()), worker.clone());

		assert_eq!(T::Workers::referee_for(&worker), Some(validator));
	}

	/// Worst case: a stranger removes the referee of a validator that left the set.
	#[benchmark]
	fn revoke_referee() {
		let validator: T::AccountId = account("validator", 0, 0);
		let worker: T::AccountId = account("worker", 0, 0);
		make_authority::<T>(&validator);
		T::BenchmarkHelper::register_worker(&worker, &validator);
		T::Workers::accept_referee(&validator, &worker).expect("accept");
		Authorities::<T>::kill();
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), worker.clone());

		assert_eq!(T::Workers::referee_for(&worker), None);
	}

	/// Worst case: the author's account does not exist yet.
	#[benchmark]
	fn reward_author() {
		let author: T::AccountId = account("author", 0, 0);

		#[block]
		{
			Pallet::<T>::reward(&author);
		}

		assert_eq!(TotalRewards::<T>::get(), <T as Config>::BlockReward::get());
	}

	/// Worst case: the longest name and URL, in an almost full registry.
	#[benchmark]
	fn approve_project() -> Result<(), BenchmarkError> {
		fill_projects::<T>();
		let origin =
			T::ProjectOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let project: T::AccountId = account("new project", 0, 0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, project.clone(), longest(), longest(), 1_000, 10);

		assert!(Projects::<T>::contains_key(&project));
		Ok(())
	}

	#[benchmark]
	fn update_project() -> Result<(), BenchmarkError> {
		fill_projects::<T>();
		let origin =
			T::ProjectOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let project: T::AccountId = account("new project", 0, 0);
		Projects::<T>::insert(&project, Project::<T>::new(longest(), longest(), 1, 1, 0));

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, project.clone(), longest(), longest(), 1_000, 10);

		assert_eq!(Projects::<T>::get(&project).map(|p| p.score_budget), Some(1_000));
		Ok(())
	}

	#[benchmark]
	fn remove_project() -> Result<(), BenchmarkError> {
		fill_projects::<T>();
		let origin =
			T::ProjectOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let project: T::AccountId = account("new project", 0, 0);
		Projects::<T>::insert(&project, Project::<T>::new(longest(), longest(), 1, 1, 0));

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, project.clone());

		assert!(!Projects::<T>::contains_key(&project));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
