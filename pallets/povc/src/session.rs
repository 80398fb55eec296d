//! Authority sets by compute score, announced to BABE with their weights.
//!
//! pallet-session calls [`SessionManager::new_session`] to plan the set of the session
//! after next and then every key's session handler. BABE's own handler would announce
//! every authority with weight 1, so the runtime binds the `babe` session key to this
//! pallet instead: its handler hands BABE the same validators and keys *with* the
//! planned weights, which BABE's primary-slot threshold uses. One session is one epoch.

use crate::{
	weighting, Authorities, Config, Event, NextAuthorities, Pallet, PlannedAuthorities,
	WeightedSetOf,
};
use alloc::vec::Vec;
use frame_support::{
	traits::{Get, OneSessionHandler},
	WeakBoundedVec,
};
use sp_consensus_babe::{AuthorityId as BabeId, BabeAuthorityWeight};
use sp_runtime::BoundToRuntimeAppPublic;
/// A session index (one session is one BABE epoch).
type SessionIndex = u32;

/// The weight of an authority nobody planned a weight for (a set inherited from
/// pallet-session's genesis keys): BABE's own default.
const UNPLANNED_WEIGHT: BabeAuthorityWeight = 1;

impl<T: Config> Pallet<T> {
	/// The best-scored candidates for session `session`, weighted, or `None` when too
	/// few qualify and the current set should stay. A candidate qualifies with at least
	/// [`Config::MinScore`] and at least [`Config::MinScoreShare`] of the candidates'
	/// total score.
	pub fn plan_authorities(session: SessionIndex) -> Option<WeightedSetOf<T>> {
		let candidates = Self::candidate_scores();
		let total = candidates.iter().fold(0u128, |sum, (_, score)| sum.saturating_add(*score));
		let min_score = T::MinScore::get().max(T::MinScoreShare::get().mul_ceil(total)).max(1);
		let qualified: Vec<_> =
			candidates.into_iter().filter(|(_, score)| *score >= min_score).collect();
		let limits = weighting::Limits {
			min_authorities: T::MinAuthorities::get(),
			max_authorities: <T as Config>::MaxAuthorities::get(),
			max_share: T::MaxAuthorityShare::get(),
		};
		match weighting::authority_weights(&qualified, limits) {
			Some(set) => {
				Self::deposit_event(Event::AuthoritiesPlanned {
					session,
					authorities: set.clone(),
				});
				Some(WeakBoundedVec::force_from(set, None))
			},
			None => {
				let qualified = qualified.len() as u32;
				Self::deposit_event(Event::AuthoritiesKept { session, qualified });
				None
			},
		}
	}

	/// `who`'s weight in `set`, if it is there.
	fn weight_in(
		set: &[(T::AccountId, BabeAuthorityWeight)],
		who: &T::AccountId,
	) -> Option<BabeAuthorityWeight> {
		set.iter().find(|(account, _)| account == who).map(|(_, weight)| *weight)
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let set = Self::plan_authorities(new_index)?;
		let validators = set.iter().map(|(who, _)| who.clone()).collect();
		PlannedAuthorities::<T>::put(set);
		Some(validators)
	}

	/// Scores decay once per session; former candidates' deposits due now are released.
	fn start_session(start_index: SessionIndex) {
		crate::CurrentEpoch::<T>::put(start_index);
		Self::release_due_deposits(start_index);
		// No report for a session this old is accepted any more (its deposits are free).
		if let Some(old) = start_index.checked_sub(T::DepositHeldSessions::get()) {
			let _ = crate::SlashedShares::<T>::clear_prefix(old, u32::MAX, None);
		}
	}

	fn end_session(_: SessionIndex) {}
}

impl<T: Config> BoundToRuntimeAppPublic for Pallet<T> {
	type Public = BabeId;
}

/// Splits `(account, key, weight)` triples into this pallet's and BABE's view of a set.
fn split<T: Config>(
	set: Vec<(T::AccountId, BabeId, BabeAuthorityWeight)>,
) -> (
	WeightedSetOf<T>,
	WeakBoundedVec<(BabeId, BabeAuthorityWeight), <T as pallet_babe::Config>::MaxAuthorities>,
) {
	let (accounts, keys): (Vec<_>, Vec<_>) =
		set.into_iter().map(|(who, key, weight)| ((who, weight), (key, weight))).unzip();
	let keys = WeakBoundedVec::force_from(
		keys,
		Some("pallet-povc: more authorities than BABE's MaxAuthorities"),
	);
	(WeakBoundedVec::force_from(accounts, None), keys)
}

impl<T: Config> OneSessionHandler<T::AccountId> for Pallet<T> {
	type Key = BabeId;

	/// The genesis set, weighted as planned from the genesis scores, is BABE's first and
	/// second epoch's set (BABE's own genesis config holds no authorities then).
	fn on_genesis_session<'a, I: 'a>(validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, BabeId)>,
	{
		let planned = PlannedAuthorities::<T>::take().unwrap_or_default();
		let set = validators
			.map(|(who, key)| {
				let weight = Self::weight_in(&planned, who).unwrap_or(UNPLANNED_WEIGHT);
				(who.clone(), key, weight)
			})
			.collect();
		let (accounts, keys) = split::<T>(set);
		Authorities::<T>::put(&accounts);
		NextAuthorities::<T>::put(&accounts);
		Self::fix_referee_weight_per_share();
		pallet_babe::Authorities::<T>::put(&keys);
		pallet_babe::NextAuthorities::<T>::put(&keys);
	}

	/// Enacts the epoch change: the new current set keeps the weights it was announced
	/// with (BABE clients already use them), and the queued set is announced with the
	/// planned weights, or, if the set was kept, with the weights it has now.
	fn on_new_session<'a, I: 'a>(_changed: bool, validators: I, queued_validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, BabeId)>,
	{
		let announced = pallet_babe::NextAuthorities::<T>::get();
		let current: Vec<_> = validators
			.map(|(who, key)| {
				let weight = announced
					.iter()
					.find(|(announced_key, _)| announced_key == &key)
					.map(|(_, weight)| *weight)
					.unwrap_or(UNPLANNED_WEIGHT);
				(who.clone(), key, weight)
			})
			.collect();
		let planned = PlannedAuthorities::<T>::take();
		let next = queued_validators
			.map(|(who, key)| {
				let weight = match &planned {
					Some(planned) => Self::weight_in(planned, who),
					None => current.iter().find(|(v, _, _)| v == who).map(|(_, _, weight)| *weight),
				};
				(who.clone(), key, weight.unwrap_or(UNPLANNED_WEIGHT))
			})
			.collect();
		let (current_accounts, current_keys) = split::<T>(current);
		let (next_accounts, next_keys) = split::<T>(next);
		Authorities::<T>::put(current_accounts);
		NextAuthorities::<T>::put(next_accounts);
		Self::fix_referee_weight_per_share();
		let session = pallet_session::Pallet::<T>::current_index();
		pallet_babe::Pallet::<T>::enact_epoch_change(current_keys, next_keys, Some(session));
	}

	fn on_disabled(validator_index: u32) {
		<pallet_babe::Pallet<T> as OneSessionHandler<T::AccountId>>::on_disabled(validator_index);
	}
}
