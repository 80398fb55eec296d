//! Bonding: what a worker puts at stake, and how it gets it back.
//!
//! **Rule.** A worker's bond is held from its balance under [`HoldReason::Bond`]; it is
//! the weight with which the worker is drawn for jobs and what is slashed for its offences
//! ([`crate::registry_impl`]). Unbonding starts a chunk that matures after
//! [`Config::UnbondingDelay`] blocks and stays slashable until withdrawn; it is refused
//! while the worker has open assignments, and what remains must be zero or at least
//! [`Config::MinBond`]. Bond changes move the funds at once and the draw weight with the
//! worker's next snapshot ([`crate::snapshot`]); a draw weighs a worker by the smaller of
//! the two. A worker with no bond and nothing unbonding leaves the registry once its
//! snapshot without weight has taken effect (at once if it has none waiting).
//!
//! **Attacks answered.** Running from a slash: a worker cannot take its bond out from
//! under a job it may be slashed for, nor before every job it ran has settled. Sybils:
//! draws follow bond, not identities, so splitting a stake over many workers gains nothing
//! (and each identity needs `MinBond`).

use crate::{
	BalanceOf, Config, Error, Event, HoldReason, Pallet, UnlockChunk, WorkerCount, WorkerInfo,
	Workers, LOG_TARGET,
};
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Holds `amount` of `who`'s free balance under [`HoldReason::Bond`].
	pub(crate) fn hold(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::Bond.into(), who, amount).map_err(|e| {
			log::debug!(target: LOG_TARGET, "hold of {amount:?} for {who:?} failed: {e:?}");
			Error::<T>::InsufficientBalance.into()
		})
	}

	/// The checks and effects of [`Pallet::bond_more`].
	pub(crate) fn do_bond_more(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		info.bond = info.bond.saturating_add(amount);
		// A call is transactional: if `store` fails, the hold is undone with it.
		Self::hold(&who, amount)?;
		Self::store(&who, info)?;
		Self::deposit_event(Event::Bonded { who, amount });
		Ok(())
	}

	/// The checks and effects of [`Pallet::unbond`].
	pub(crate) fn do_unbond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(info.open_assignments == 0, Error::<T>::HasOpenAssignments);
		ensure!(amount <= info.bond, Error::<T>::InsufficientBond);
		let remaining = info.bond.saturating_sub(amount);
		ensure!(remaining.is_zero() || remaining >= T::MinBond::get(), Error::<T>::BelowMinBond);

		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingDelay::get());
		// Unbonds maturing in the same block share a chunk, so that the chunk limit only
		// bounds unbonds spread over time.
		if let Some(chunk) = info.unlocking.iter_mut().find(|c| c.unlock_at == unlock_at) {
			chunk.amount = chunk.amount.saturating_add(amount);
		} else {
			info.unlocking
				.try_push(UnlockChunk { amount, unlock_at })
				.map_err(|_| Error::<T>::TooManyUnlockingChunks)?;
		}
		info.bond = remaining;
		Self::store(&who, info)?;
		Self::deposit_event(Event::Unbonded { who, amount, unlock_at });
		Ok(())
	}

	/// The checks and effects of [`Pallet::withdraw_unbonded`].
	pub(crate) fn do_withdraw_unbonded(who: T::AccountId) -> DispatchResult {
		let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		let now = frame_system::Pallet::<T>::block_number();
		let mut matured: BalanceOf<T> = Zero::zero();
		info.unlocking.retain(|chunk| {
			if chunk.unlock_at <= now {
				matured = matured.saturating_add(chunk.amount);
				false
			} else {
				true
			}
		});
		ensure!(!matured.is_zero(), Error::<T>::NothingToWithdraw);

		// `Exact`: the hold is `bond + Σ unlocking` (an invariant), so anything less would
		// be a bug to surface, not to paper over.
		T::Currency::release(&HoldReason::Bond.into(), &who, matured, Precision::Exact)?;
		Self::deposit_event(Event::Withdrawn { who: who.clone(), amount: matured });

		Self::deregister_or_store(&who, info);
		Ok(())
	}

	/// Stores `info`, or removes `who` from [`Workers`] if it has left
	/// ([`WorkerInfo::has_left`]; otherwise it leaves when its snapshot without weight
	/// takes effect).
	pub(crate) fn deregister_or_store(who: &T::AccountId, info: WorkerInfo<T>) {
		if !Self::deregister_if_left(who, &info) {
			Self::store_postponing(who, info);
		}
	}

	/// Removes `who` (whose record is `info`) from [`Workers`] if it has left
	/// ([`WorkerInfo::has_left`]). Returns whether it did.
	pub(crate) fn deregister_if_left(who: &T::AccountId, info: &WorkerInfo<T>) -> bool {
		if !info.has_left() {
			return false;
		}
		Workers::<T>::remove(who);
		if let Some(validator) = &info.referee_for {
			Self::forget_referee(validator, who, info);
		}
		WorkerCount::<T>::mutate(|count| *count = count.saturating_sub(1));
		Self::deposit_event(Event::Deregistered { who: who.clone() });
		true
	}
}
