//! The referee pool of the job market: the workers that contribute to a current
//! validator (or are one), so disputes are decided by the parties the chain already
//! trusts for consensus. Computed when a dispute opens, so a worker that starts to
//! contribute to a validator can referee at once.

use crate::{Authorities, Config, Pallet};
use alloc::vec::Vec;
use frame_support::traits::Get;
use povc_primitives::{RefereePool, WorkerDirectory};

impl<T: Config> RefereePool<T::AccountId> for Pallet<T> {
	fn referees() -> Vec<T::AccountId> {
		let validators = Authorities::<T>::get();
		T::Workers::workers_with_beneficiaries()
			.into_iter()
			.filter(|(_, beneficiary)| validators.iter().any(|(v, _)| v == beneficiary))
			.map(|(worker, _)| worker)
			.take(T::MaxReferees::get() as usize)
			.collect()
	}
}
