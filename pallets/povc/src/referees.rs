//! The referee pool of the job market: the workers that contribute to a current
//! validator (or are one), so disputes are decided by the parties the chain already
//! trusts for consensus. A membership test (two reads), so that the job market draws
//! committees from the registry's sortition tree instead of listing the pool; a worker
//! that starts to contribute to a validator can referee at once.

use crate::{Authorities, Config, Pallet};
use povc_primitives::{RefereePool, WorkerDirectory};

impl<T: Config> RefereePool<T::AccountId> for Pallet<T> {
	fn is_referee(who: &T::AccountId) -> bool {
		let Some(beneficiary) = T::Workers::beneficiary_of(who) else { return false };
		Authorities::<T>::get().iter().any(|(validator, _)| *validator == beneficiary)
	}
}
