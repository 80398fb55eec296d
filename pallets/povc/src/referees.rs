//! The referee pool of the job market: the workers that a current validator accepted as
//! its referees (and that contribute to it). A membership test (two reads), so that the job
//! market draws committees from the registry's referee tree instead of listing the pool.
//!
//! The referee tree holds every accepted worker; one whose validator has left the authority
//! set fails this test and is rejected by the draw (a bounded number of times), until
//! anyone removes it with [`Pallet::revoke_referee`](crate::Pallet::revoke_referee).

use crate::{Config, Pallet};
use povc_primitives::{RefereePool, WorkerDirectory};

impl<T: Config> RefereePool<T::AccountId> for Pallet<T> {
	fn is_referee(who: &T::AccountId) -> bool {
		T::Workers::referee_for(who).is_some_and(|validator| Self::is_authority(&validator))
	}
}
