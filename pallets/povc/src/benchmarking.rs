//! Benchmarks of pallet-povc's calls and of the per-block reward.

use crate::{Call, Candidates, Config, Pallet, TotalRewards};
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;

/// What a benchmark cannot set up through this pallet alone.
pub trait BenchmarkHelper<AccountId> {
	/// Gives `who` session keys, as `session.set_keys` would.
	fn set_session_keys(who: &AccountId);
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
