//! [`WorkerRegistry`]: the registry as the job market sees it.

use crate::{
	selection, sortition::Tree, BalanceOf, Config, CreditOf, Error, Event, HoldReason, Pallet,
	RefereeWeightOf, RefereesOf, WorkerCount, WorkerInfo, Workers,
};
use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{
		fungible::{hold::Balanced as BalancedHold, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
		Get, Imbalance, OnUnbalanced,
	},
};
use povc_primitives::{Offence, SelectionRequest, WorkerDirectory, WorkerRegistry};
use sp_runtime::{
	traits::{CheckedDiv, Saturating, Zero},
	DispatchError, SaturatedConversion,
};

impl<T: Config> Pallet<T> {
	/// The worker's reputation, see [`crate::WorkerInfo::reputation`]; `None` if not
	/// registered.
	pub fn reputation_of(who: &T::AccountId) -> Option<sp_runtime::Permill> {
		Workers::<T>::get(who).map(|info| info.reputation())
	}

	/// The share of the bond (active and unbonding) slashed for `offence`.
	pub fn slash_share(offence: Offence) -> sp_runtime::Perbill {
		match offence {
			Offence::WrongResult => T::WrongResultSlash::get(),
			Offence::NoShow => T::NoShowSlash::get(),
			Offence::NoReveal => T::NoRevealSlash::get(),
		}
	}
}

impl<T: Config> WorkerRegistry<T::AccountId> for Pallet<T> {
	type Balance = BalanceOf<T>;

	/// See [`selection::select`]: O(log n) reads per drawn worker.
	fn select(request: &SelectionRequest<'_, T::AccountId>) -> Option<Vec<T::AccountId>> {
		selection::select::<T>(request)
	}

	fn max_workers() -> u32 {
		T::MaxWorkers::get()
	}

	fn registered() -> u32 {
		WorkerCount::<T>::get()
	}

	fn assign(who: &T::AccountId) -> Result<(), DispatchError> {
		let mut info = Workers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		frame_support::ensure!(!info.paused, Error::<T>::WorkerPaused);
		frame_support::ensure!(info.open_assignments < info.capacity, Error::<T>::AtCapacity);
		info.open_assignments = info.open_assignments.saturating_add(1);
		// Open assignments are no draw weight: a draw reads them live.
		Workers::<T>::insert(who, info);
		Ok(())
	}

	fn release(who: &T::AccountId) {
		if let Some(mut info) = Workers::<T>::get(who) {
			info.open_assignments = info.open_assignments.saturating_sub(1);
			Workers::<T>::insert(who, info);
		}
	}

	fn note_verified(who: &T::AccountId) {
		if let Some(mut info) = Workers::<T>::get(who) {
			info.verified = info.verified.saturating_add(1);
			Workers::<T>::insert(who, info);
		}
	}

	fn note_abstained(who: &T::AccountId) {
		if let Some(mut info) = Workers::<T>::get(who) {
			info.abstained = info.abstained.saturating_add(1);
			Workers::<T>::insert(who, info);
		}
	}

	fn slash(who: &T::AccountId, offence: Offence, beneficiaries: &[T::AccountId]) -> BalanceOf<T> {
		let Some(mut info) = Workers::<T>::get(who) else { return Zero::zero() };
		// Unbonding funds stay slashable until withdrawn, so unbonding is no escape from a
		// slash for work done before it.
		let slashable = info.bond.saturating_add(info.total_unlocking());
		let amount = Self::slash_share(offence).mul_floor(slashable);
		let taken = Self::take_slash(who, amount, beneficiaries);

		let from_bond = taken.min(info.bond);
		info.bond = info.bond.saturating_sub(from_bond);
		// The rest from the chunks that would be free last.
		let mut rest = taken.saturating_sub(from_bond);
		for chunk in info.unlocking.iter_mut().rev() {
			let cut = rest.min(chunk.amount);
			chunk.amount = chunk.amount.saturating_sub(cut);
			rest = rest.saturating_sub(cut);
		}
		info.unlocking.retain(|chunk| !chunk.amount.is_zero());
		info.faults = info.faults.saturating_add(1);
		Self::deposit_event(Event::Slashed { who: who.clone(), offence, amount: taken });
		// A slash of the whole bond with nothing unbonding leaves nothing held: the worker
		// leaves once its snapshot without weight takes effect. Until then a draw weighs
		// it by what it still has: nothing.
		Self::deregister_or_store(who, info);
		taken
	}

	fn compute_beneficiary(who: &T::AccountId) -> T::AccountId {
		Workers::<T>::get(who).and_then(|info| info.contribute_to).unwrap_or_else(|| who.clone())
	}
}

impl<T: Config> WorkerDirectory<T::AccountId> for Pallet<T> {
	fn beneficiary_of(who: &T::AccountId) -> Option<T::AccountId> {
		Workers::<T>::get(who).map(|info| info.contribute_to.unwrap_or_else(|| who.clone()))
	}

	fn referee_for(who: &T::AccountId) -> Option<T::AccountId> {
		Workers::<T>::get(who).and_then(|info| info.referee_for)
	}

	fn referee_weight(validator: &T::AccountId) -> u128 {
		RefereeWeightOf::<T>::get(validator)
	}

	fn accept_referee(validator: &T::AccountId, worker: &T::AccountId) -> DispatchResult {
		let mut info = Workers::<T>::get(worker).ok_or(Error::<T>::NotRegistered)?;
		ensure!(info.contribute_to.as_ref() == Some(validator), Error::<T>::NotContributing);
		ensure!(info.referee_for.is_none(), Error::<T>::AlreadyReferee);
		RefereesOf::<T>::try_mutate(validator, |referees| referees.try_push(worker.clone()))
			.map_err(|_| Error::<T>::TooManyReferees)?;
		info.referee_for = Some(validator.clone());
		Self::add_referee_weight(validator, 0, info.drawn.weight(Tree::Referees));
		Self::store(worker, info)?;
		Self::deposit_event(Event::RefereeAccepted {
			who: worker.clone(),
			validator: validator.clone(),
		});
		Ok(())
	}

	fn remove_referee(worker: &T::AccountId) -> Result<T::AccountId, DispatchError> {
		let mut info = Workers::<T>::get(worker).ok_or(Error::<T>::NotRegistered)?;
		let validator = info.referee_for.take().ok_or(Error::<T>::NotReferee)?;
		Self::forget_referee(&validator, worker, &info);
		// Must happen even if the worker filled its schedule: a draw reads the seat live.
		Self::store_postponing(worker, info);
		Self::deposit_event(Event::RefereeRemoved {
			who: worker.clone(),
			validator: validator.clone(),
		});
		Ok(validator)
	}
}

impl<T: Config> Pallet<T> {
	/// Takes `worker` (whose record is `info`) off `validator`'s list of referees and its
	/// weight off the validator's sum.
	pub(crate) fn forget_referee(
		validator: &T::AccountId,
		worker: &T::AccountId,
		info: &WorkerInfo<T>,
	) {
		Self::add_referee_weight(validator, info.drawn.weight(Tree::Referees), 0);
		RefereesOf::<T>::mutate_exists(validator, |referees| {
			if let Some(list) = referees {
				list.retain(|referee| referee != worker);
				if list.is_empty() {
					*referees = None;
				}
			}
		});
	}

	/// Replaces `before` by `after` in `validator`'s referee weight.
	pub(crate) fn add_referee_weight(validator: &T::AccountId, before: u128, after: u128) {
		if before == after {
			return;
		}
		RefereeWeightOf::<T>::mutate_exists(validator, |weight| {
			let sum = weight.unwrap_or(0).saturating_sub(before).saturating_add(after);
			*weight = (sum > 0).then_some(sum);
		});
	}

	/// Takes `amount` from `who`'s held bond: equal shares to `beneficiaries` (still held by
	/// nobody: moved to their free balance), and the rest (the dust of the split, and any
	/// share a beneficiary cannot receive, e.g. below the existential deposit of a new
	/// account) to [`Config::OnSlash`]. Returns what was taken.
	fn take_slash(
		who: &T::AccountId,
		amount: BalanceOf<T>,
		beneficiaries: &[T::AccountId],
	) -> BalanceOf<T> {
		if amount.is_zero() {
			return Zero::zero();
		}
		let reason = HoldReason::Bond.into();
		let mut taken: BalanceOf<T> = Zero::zero();
		let parts: BalanceOf<T> = (beneficiaries.len() as u64).saturated_into();
		let share = amount.checked_div(&parts).unwrap_or_else(Zero::zero);
		if !share.is_zero() {
			for beneficiary in beneficiaries {
				// `Force`: a slash must not be stopped by freezes on the worker's account.
				match T::Currency::transfer_on_hold(
					&reason,
					who,
					beneficiary,
					share,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				) {
					Ok(moved) => taken = taken.saturating_add(moved),
					Err(e) => log::debug!(
						target: crate::LOG_TARGET,
						"slash share of {who:?} for {beneficiary:?} goes to OnSlash: {e:?}",
					),
				}
			}
		}
		let rest = amount.saturating_sub(taken);
		if !rest.is_zero() {
			let (credit, _missing): (CreditOf<T>, _) =
				<T::Currency as BalancedHold<T::AccountId>>::slash(&reason, who, rest);
			taken = taken.saturating_add(credit.peek());
			T::OnSlash::on_unbalanced(credit);
		}
		taken
	}
}
