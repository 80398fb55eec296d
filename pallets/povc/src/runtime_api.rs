//! Runtime API for reading compute scores and authority sets (served by the node as
//! `povc_scores` and `povc_authorities`).

use crate::{Authorities, Candidates, Config, CurrentEpoch, NextAuthorities, Pallet, Scores};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;
use sp_consensus_babe::BabeAuthorityWeight;
use sp_runtime::Perbill;

/// An account's compute score.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct ScoreView<AccountId> {
	pub account: AccountId,
	/// The decayed sum of verified value (planck burned on verified payments) credited to
	/// it, now.
	#[cfg_attr(feature = "std", serde(with = "povc_primitives::amount_string"))]
	pub score: u128,
	/// Whether it asked to validate (`povc.validate`).
	pub candidate: bool,
	/// Whether it has session keys (a candidate without them is never picked).
	pub session_keys: bool,
}

/// An authority and its BABE weight.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct AuthorityView<AccountId> {
	pub account: AccountId,
	pub weight: BabeAuthorityWeight,
	/// `weight` over the set's total, in parts per billion.
	pub share: Perbill,
}

/// The authority set of this epoch and the one announced for the next.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct AuthoritiesView<AccountId> {
	/// The current session index (= the epoch scores decay by).
	pub session: u32,
	/// BABE's epoch index.
	pub epoch: u64,
	pub current: Vec<AuthorityView<AccountId>>,
	pub next: Vec<AuthorityView<AccountId>>,
}

sp_api::decl_runtime_apis! {
	/// Reading compute scores and authority sets.
	pub trait PovcApi<AccountId>
	where
		AccountId: codec::Codec,
	{
		/// Every scored account and every candidate, best score first.
		fn scores() -> Vec<ScoreView<AccountId>>;
		/// The current and the next authority set with their BABE weights.
		fn authorities() -> AuthoritiesView<AccountId>;
		/// Every approved volunteer project with its budget this epoch, by account.
		fn projects() -> Vec<crate::ProjectView<AccountId>>;
	}
}

impl<T: Config> Pallet<T> {
	/// The API view of all scores.
	pub fn scores_view() -> Vec<ScoreView<T::AccountId>> {
		let mut accounts: Vec<T::AccountId> = Scores::<T>::iter_keys().collect();
		accounts.extend(Candidates::<T>::iter_keys().filter(|who| !Scores::<T>::contains_key(who)));
		let mut views: Vec<_> = accounts
			.into_iter()
			.map(|account| ScoreView {
				score: Self::score_of(&account),
				candidate: Pallet::<T>::is_candidate(&account),
				session_keys: Self::has_session_keys(&account),
				account,
			})
			.collect();
		views.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.account.cmp(&b.account)));
		views
	}

	/// The API view of the current and the next authority set.
	pub fn authorities_view() -> AuthoritiesView<T::AccountId> {
		fn view<A: Clone>(set: &[(A, BabeAuthorityWeight)]) -> Vec<AuthorityView<A>> {
			let total: u128 = set.iter().map(|(_, weight)| u128::from(*weight)).sum();
			set.iter()
				.map(|(account, weight)| AuthorityView {
					account: account.clone(),
					weight: *weight,
					share: Perbill::from_rational(u128::from(*weight), total.max(1)),
				})
				.collect()
		}
		AuthoritiesView {
			session: CurrentEpoch::<T>::get(),
			epoch: pallet_babe::EpochIndex::<T>::get(),
			current: view(&Authorities::<T>::get()),
			next: view(&NextAuthorities::<T>::get()),
		}
	}
}
