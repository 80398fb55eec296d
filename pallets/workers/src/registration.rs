//! Registration and the settings a worker declares: its capacity, its determinism class,
//! whether it is paused, whether it volunteers, and whom its verified compute counts for.
//!
//! **Rule.** A worker registers with at least [`Config::MinBond`], a capacity of
//! `1..=MaxCapacity` assignments at once and a class on the allow-list
//! ([`crate::classes`]). A paused worker keeps its open jobs but is not drawn; only
//! volunteers are drawn for unpaid project jobs; a referee whose beneficiary changes stops
//! refereeing for the old validator. What these settings do to the draws takes effect with
//! the worker's next snapshot ([`crate::snapshot`]), [`Config::SnapshotDelay`] epochs
//! later; a pause, a lower capacity and opting out of volunteer work also count at once,
//! as a draw only accepts a worker that can serve now.
//!
//! **Attacks answered.** Private classes: a class must be allowed by governance, and all
//! allowed classes form one pool, so a class with only the attacker's workers in it gives
//! it no more than its share of the pool's bond. Over-declared capacity: a draw accepts a
//! worker with probability `free slots / capacity`, so a worker declaring more slots than
//! it serves fills up like any other and gains no share. Borrowed referee seats: a
//! referee's seat belongs to the validator that accepted it and ends when the worker's
//! compute goes elsewhere. **What remains**: nothing checks that a worker's declared class
//! or capacity is true.

use crate::{
	class_id_of, BalanceOf, ClassOf, Config, Error, Event, Pallet, WorkerCount, WorkerInfo, Workers,
};
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get};

impl<T: Config> Pallet<T> {
	/// Registers `who`: the checks and effects of [`Pallet::register`].
	pub(crate) fn do_register(
		who: &T::AccountId,
		bond: BalanceOf<T>,
		capacity: u32,
		class: ClassOf<T>,
	) -> DispatchResult {
		ensure!(!Workers::<T>::contains_key(who), Error::<T>::AlreadyRegistered);
		ensure!(bond >= T::MinBond::get(), Error::<T>::BondTooLow);
		ensure!(Self::valid_capacity(capacity), Error::<T>::InvalidCapacity);
		ensure!(!class.is_empty(), Error::<T>::EmptyClass);
		let class_id = class_id_of(&class);
		ensure!(Self::is_allowed(&class_id), Error::<T>::ClassNotAllowed);
		let count = WorkerCount::<T>::get();
		ensure!(count < T::MaxWorkers::get(), Error::<T>::TooManyWorkers);
		Self::hold(who, bond)?;
		WorkerCount::<T>::put(count.saturating_add(1));
		Self::store(who, WorkerInfo::new(bond, capacity, class, class_id))?;
		Self::deposit_event(Event::Registered { who: who.clone(), bond, capacity, class_id });
		Ok(())
	}

	fn valid_capacity(capacity: u32) -> bool {
		(1..=T::MaxCapacity::get()).contains(&capacity)
	}

	/// The checks and effects of [`Pallet::set_capacity`].
	pub(crate) fn do_set_capacity(who: T::AccountId, capacity: u32) -> DispatchResult {
		ensure!(Self::valid_capacity(capacity), Error::<T>::InvalidCapacity);
		let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		info.capacity = capacity;
		Self::store(&who, info)?;
		Self::deposit_event(Event::CapacitySet { who, capacity });
		Ok(())
	}

	/// The checks and effects of [`Pallet::set_class`].
	pub(crate) fn do_set_class(who: T::AccountId, class: ClassOf<T>) -> DispatchResult {
		ensure!(!class.is_empty(), Error::<T>::EmptyClass);
		let class_id = class_id_of(&class);
		let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(Self::is_allowed(&class_id), Error::<T>::ClassNotAllowed);
		if info.class_id != class_id {
			info.class = class;
			info.class_id = class_id;
			Self::store(&who, info)?;
		}
		Self::deposit_event(Event::ClassSet { who, class_id });
		Ok(())
	}

	/// Pauses (`true`) or resumes (`false`) `who`: the checks and effects of
	/// [`Pallet::pause`] and [`Pallet::resume`].
	pub(crate) fn set_paused(who: &T::AccountId, paused: bool) -> DispatchResult {
		let mut info = Workers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		if paused {
			ensure!(!info.paused, Error::<T>::AlreadyPaused);
		} else {
			ensure!(info.paused, Error::<T>::NotPaused);
		}
		info.paused = paused;
		Self::store(who, info)?;
		let who = who.clone();
		Self::deposit_event(if paused { Event::Paused { who } } else { Event::Resumed { who } });
		Ok(())
	}

	/// The checks and effects of [`Pallet::set_volunteer`].
	pub(crate) fn do_set_volunteer(who: T::AccountId, volunteer: bool) -> DispatchResult {
		let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(info.volunteer != volunteer, Error::<T>::VolunteerUnchanged);
		info.volunteer = volunteer;
		Self::store(&who, info)?;
		Self::deposit_event(Event::VolunteerSet { who, volunteer });
		Ok(())
	}

	/// The checks and effects of [`Pallet::contribute_to`].
	pub(crate) fn do_contribute_to(
		who: T::AccountId,
		beneficiary: Option<T::AccountId>,
	) -> DispatchResult {
		// Pointing at itself is the default: stored as `None`, so there is one encoding.
		let target = beneficiary.filter(|b| b != &who);
		let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		// A referee referees for the validator it contributes to: moving its compute
		// elsewhere ends that (the new validator must accept it anew).
		let dropped = info.referee_for.take_if(|validator| Some(&*validator) != target.as_ref());
		info.contribute_to = target.clone();
		if let Some(validator) = dropped {
			// Out of the referee tree.
			Self::forget_referee(&validator, &who, &info);
			Self::store(&who, info)?;
			Self::deposit_event(Event::RefereeRemoved { who: who.clone(), validator });
		} else {
			Workers::<T>::insert(&who, info);
		}
		let beneficiary = target.unwrap_or_else(|| who.clone());
		Self::deposit_event(Event::ContributionTargetSet { who, beneficiary });
		Ok(())
	}
}
