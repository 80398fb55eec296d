//! Benchmarks of pallet-povc's calls and of the per-block reward.

use crate::{Authorities, Call, Candidates, Config, Pallet, TotalRewards};
use povc_primitives::WorkerDirectory;
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;

/// What a benchmark cannot set up through this pallet alone.
pub trait BenchmarkHelper<AccountId> {
	/// Gives `who` session keys, as `session.set_keys` would.
	fn set_session_keys(who: &AccountId);

	/// Registers `worker` in the largest class the registry allows (its trees at their
	/// greatest height), contributing to `validator`.
	fn register_worker(worker: &AccountId, validator: &AccountId);
}

/// Makes `who` the only current validator.
fn make_authority<T: Config>(who: &T::AccountId) {
	let set = alloc::vec![(who.clone(), 1)];
	Authorities::<T>::put(crate::WeightedSetOf::<T>::force_from(set, None));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn validate() {
		let caller: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::set_session_keys(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(Candidates::<T>::contains_key(&caller));
	}

	#[benchmark]
	fn chill() {
		let caller: T::AccountId = whitelisted_caller();
		Candidates::<T>::insert(&caller, ());

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
