//! Validator candidates: who may be drawn into the authority set.
//!
//! Rule: an account with session keys becomes a candidate by holding
//! [`Config::CandidacyDeposit`] ([`Pallet::validate`]) and leaves, getting it back, with
//! [`Pallet::chill`]. The list holds at most [`Config::MaxCandidates`]; when it is full a
//! newcomer that scores higher than the lowest-scored candidate takes that seat.
//!
//! Attack answered: accounts squatting a bounded list to lock out validators whose
//! workers compute. Squatting costs a deposit per seat and lasts only until someone with
//! more verified compute arrives; a seat without score never enters the authority set.
//!
//! What remains: an attacker with more score than the lowest candidate can displace it
//! (that is the rule), and seats are as cheap as the deposit while the list is not full.

use crate::{BalanceOf, Candidates, Config, Error, Event, HoldReason, Pallet};
use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, tokens::Precision, Get, ValidatorRegistration},
};

impl<T: Config> Pallet<T> {
	/// [`Pallet::validate`]: `who` becomes a candidate, displacing the lowest-scored one
	/// from a full list if it scores higher.
	pub(crate) fn do_validate(who: T::AccountId) -> DispatchResult {
		ensure!(!Candidates::<T>::contains_key(&who), Error::<T>::AlreadyCandidate);
		ensure!(Self::has_session_keys(&who), Error::<T>::NoSessionKeys);
		let deposit = T::CandidacyDeposit::get();
		Self::hold_deposit(&who, deposit).map_err(|_| Error::<T>::InsufficientDeposit)?;
		if Candidates::<T>::count() >= T::MaxCandidates::get() {
			let (lowest, lowest_score) =
				Self::lowest_candidate().ok_or(Error::<T>::CandidateListFull)?;
			ensure!(Self::score_of(&who) > lowest_score, Error::<T>::CandidateListFull);
			Self::remove_candidate(&lowest);
			Self::deposit_event(Event::CandidateDisplaced { who: lowest, by: who.clone() });
		}
		Candidates::<T>::insert(&who, deposit);
		Self::deposit_event(Event::CandidateAdded { who, deposit });
		Ok(())
	}

	/// [`Pallet::chill`]: `who` stops being a candidate and gets its deposit back.
	pub(crate) fn do_chill(who: T::AccountId) -> DispatchResult {
		ensure!(Candidates::<T>::contains_key(&who), Error::<T>::NotCandidate);
		Self::remove_candidate(&who);
		Self::deposit_event(Event::CandidateRemoved { who });
		Ok(())
	}

	/// Holds `deposit` from `who` for its candidacy.
	pub(crate) fn hold_deposit(who: &T::AccountId, deposit: BalanceOf<T>) -> DispatchResult {
		<T as Config>::Currency::hold(&HoldReason::Candidacy.into(), who, deposit)
	}

	/// Removes candidate `who` and releases its deposit.
	pub(crate) fn remove_candidate(who: &T::AccountId) {
		let deposit = Candidates::<T>::take(who);
		// Best effort: the hold is exactly `deposit` while the invariant holds.
		let _ = <T as Config>::Currency::release(
			&HoldReason::Candidacy.into(),
			who,
			deposit,
			Precision::BestEffort,
		);
	}

	/// The candidate a newcomer displaces from a full list, with its score: the
	/// lowest-scored, and of equal scores the greatest account (a fixed order). Reads
	/// every candidate: at most [`Config::MaxCandidates`].
	pub fn lowest_candidate() -> Option<(T::AccountId, u128)> {
		Candidates::<T>::iter_keys()
			.map(|who| {
				let score = Self::score_of(&who);
				(who, score)
			})
			.min_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
	}

	/// Candidates with session keys and their current scores, by account (the stable
	/// order ties are broken in).
	pub fn candidate_scores() -> Vec<(T::AccountId, u128)> {
		let mut all: Vec<_> = Candidates::<T>::iter_keys()
			.filter(Self::has_session_keys)
			.map(|who| {
				let score = Self::score_of(&who);
				(who, score)
			})
			.collect();
		all.sort_by(|a, b| a.0.cmp(&b.0));
		all
	}

	/// Whether `who` has session keys (only those can author blocks).
	pub fn has_session_keys(who: &T::AccountId) -> bool {
		<pallet_session::Pallet<T> as ValidatorRegistration<T::AccountId>>::is_registered(who)
	}
}
