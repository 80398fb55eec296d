//! Benchmarks of pallet-povc's calls and of the per-block reward.

use crate::{
	Authorities, Call, Candidates, Config, HoldReason, Pallet, Score, Scores, TotalRewards,
};
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
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
	Candidates::<T>::insert(who, deposit);
}

/// Makes `who` the only current validator.
fn make_authority<T: Config>(who: &T::AccountId) {
	let set = alloc::vec![(who.clone(), 1)];
	Authorities::<T>::put(crate::WeightedSetOf::<T>::force_from(set, None));
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

		assert!(Candidates::<T>::contains_key(&caller));
		assert_eq!(Candidates::<T>::count(), T::MaxCandidates::get());
	}

	#[benchmark]
	fn chill() {
		let caller: T::AccountId = whitelisted_caller();
		make_candidate::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(!Candidates::<T>::contains_key(&caller));
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

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
