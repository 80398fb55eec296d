//! Validator candidates: who may be drawn into the authority set.
//!
//! Rule: an account with session keys becomes a candidate by holding
//! [`Config::CandidacyDeposit`] ([`Pallet::validate`]) and leaves with [`Pallet::chill`];
//! its deposit stays held until [`Config::DepositHeldSessions`] sessions later and is
//! released when that session starts. The list (leaving candidates included) holds at
//! most [`Config::MaxCandidates`]; when it is full a newcomer that scores higher than the
//! lowest-scored candidate outside the current and the next authority set takes that seat.
//!
//! Attacks answered:
//! - accounts squatting a bounded list to lock out validators whose workers compute:
//!   squatting costs a deposit per seat and lasts only until someone with more verified
//!   compute arrives; a seat without score never enters the authority set;
//! - a validator that chills, or is displaced, and then equivocates while it still
//!   authors (two sessions: the next set is announced already): its deposit stays held
//!   until a report can no longer come, and an authority is never displaced.
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
use sp_runtime::traits::{Saturating, Zero};

/// A candidate's record.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
	Debug,
)]
pub struct Candidacy<Balance> {
	/// What is held from it.
	pub deposit: Balance,
	/// `None` while it wants to validate; after [`Pallet::chill`] (or a punishment), the
	/// session at whose start the deposit is released.
	pub released_at: Option<u32>,
}

impl<Balance> Candidacy<Balance> {
	/// Whether it still wants to validate.
	pub fn is_active(&self) -> bool {
		self.released_at.is_none()
	}
}

impl<T: Config> Pallet<T> {
	/// [`Pallet::validate`]: `who` becomes a candidate (again), displacing the
	/// lowest-scored one from a full list if it scores higher.
	pub(crate) fn do_validate(who: T::AccountId) -> DispatchResult {
		let former = Candidates::<T>::get(&who);
		ensure!(!former.is_some_and(|c| c.is_active()), Error::<T>::AlreadyCandidate);
		ensure!(Self::has_session_keys(&who), Error::<T>::NoSessionKeys);
		let deposit = T::CandidacyDeposit::get();
		let held = former.map(|c| c.deposit).unwrap_or_else(Zero::zero);
		let top_up = deposit.saturating_sub(held);
		if !top_up.is_zero() {
			Self::hold_deposit(&who, top_up).map_err(|_| Error::<T>::InsufficientDeposit)?;
		}
		if former.is_none() && Candidates::<T>::count() >= T::MaxCandidates::get() {
			let (lowest, lowest_score) =
				Self::lowest_candidate().ok_or(Error::<T>::CandidateListFull)?;
			ensure!(Self::score_of(&who) > lowest_score, Error::<T>::CandidateListFull);
			Self::release_deposit(&lowest);
			Self::deposit_event(Event::CandidateDisplaced { who: lowest, by: who.clone() });
		}
		let deposit = held.max(deposit);
		Candidates::<T>::insert(&who, Candidacy { deposit, released_at: None });
		Self::deposit_event(Event::CandidateAdded { who, deposit });
		Ok(())
	}

	/// [`Pallet::chill`]: `who` stops being a candidate; its deposit is released
	/// [`Config::DepositHeldSessions`] sessions later.
	pub(crate) fn do_chill(who: T::AccountId) -> DispatchResult {
		let candidacy = Candidates::<T>::get(&who).filter(|c| c.is_active());
		ensure!(candidacy.is_some(), Error::<T>::NotCandidate);
		let released_at = Self::end_candidacy(&who);
		Self::deposit_event(Event::CandidateRemoved { who, released_at });
		Ok(())
	}

	/// Marks `who`'s candidacy as ended (if it still has a record) and returns the session
	/// at whose start its deposit is released.
	pub(crate) fn end_candidacy(who: &T::AccountId) -> u32 {
		let released_at = Self::release_session();
		Candidates::<T>::mutate(who, |candidacy| {
			if let Some(candidacy) = candidacy {
				candidacy.released_at.get_or_insert(released_at);
			}
		});
		released_at
	}

	/// The session at whose start a candidacy ended now releases its deposit.
	pub(crate) fn release_session() -> u32 {
		pallet_session::Pallet::<T>::current_index().saturating_add(T::DepositHeldSessions::get())
	}

	/// Releases the deposits due at the start of session `session` (reads every record:
	/// at most [`Config::MaxCandidates`]).
	pub(crate) fn release_due_deposits(session: u32) {
		let due: Vec<_> = Candidates::<T>::iter()
			.filter(|(_, c)| c.released_at.is_some_and(|at| at <= session))
			.map(|(who, _)| who)
			.collect();
		for who in due {
			let amount = Self::release_deposit(&who);
			Self::deposit_event(Event::DepositReleased { who, amount });
		}
	}

	/// Holds `deposit` from `who` for its candidacy.
	pub(crate) fn hold_deposit(who: &T::AccountId, deposit: BalanceOf<T>) -> DispatchResult {
		<T as Config>::Currency::hold(&HoldReason::Candidacy.into(), who, deposit)
	}

	/// Removes `who`'s record and releases its deposit; returns what was released.
	pub(crate) fn release_deposit(who: &T::AccountId) -> BalanceOf<T> {
		let deposit = Candidates::<T>::take(who).map(|c| c.deposit).unwrap_or_else(Zero::zero);
		// Best effort: the hold is exactly `deposit` while the invariant holds.
		<T as Config>::Currency::release(
			&HoldReason::Candidacy.into(),
			who,
			deposit,
			Precision::BestEffort,
		)
		.unwrap_or_else(|_| Zero::zero())
	}

	/// The candidate a newcomer displaces from a full list, with its score: of the
	/// candidates in neither the current nor the next authority set, the lowest-scored,
	/// and of equal scores the greatest account (a fixed order). Reads every candidate: at
	/// most [`Config::MaxCandidates`].
	pub fn lowest_candidate() -> Option<(T::AccountId, u128)> {
		let (current, next) = (crate::Authorities::<T>::get(), crate::NextAuthorities::<T>::get());
		let authority = |who: &T::AccountId| {
			current.iter().chain(next.iter()).any(|(validator, _)| validator == who)
		};
		Candidates::<T>::iter()
			.filter(|(who, candidacy)| candidacy.is_active() && !authority(who))
			.map(|(who, _)| {
				let score = Self::score_of(&who);
				(who, score)
			})
			.min_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
	}

	/// Active candidates with session keys and their current scores, by account (the
	/// stable order ties are broken in).
	pub fn candidate_scores() -> Vec<(T::AccountId, u128)> {
		let mut all: Vec<_> = Candidates::<T>::iter()
			.filter(|(who, candidacy)| candidacy.is_active() && Self::has_session_keys(who))
			.map(|(who, _)| {
				let score = Self::score_of(&who);
				(who, score)
			})
			.collect();
		all.sort_by(|a, b| a.0.cmp(&b.0));
		all
	}

	/// Whether `who` wants to validate.
	pub fn is_candidate(who: &T::AccountId) -> bool {
		Candidates::<T>::get(who).is_some_and(|c| c.is_active())
	}

	/// Whether `who` has session keys (only those can author blocks).
	pub fn has_session_keys(who: &T::AccountId) -> bool {
		<pallet_session::Pallet<T> as ValidatorRegistration<T::AccountId>>::is_registered(who)
	}
}
