//! GRANDPA votes weighted by compute score.
//!
//! pallet-grandpa's own session handler gives every authority one vote, so that enough
//! identities with a token score would hold a third of finality (and halt it) or two
//! thirds (and finalize what they like). The runtime binds the `grandpa` session key to
//! [`FinalityWeights`] instead: it runs pallet-grandpa's handler (set changes, set ids,
//! stalls, disabling), then gives the scheduled set the weights this pallet announced to
//! BABE for the same validators, and schedules a change whenever those weights differ
//! from GRANDPA's even if the validators did not. So a share of finality costs the same
//! share of verified compute as a share of block production.
//!
//! It must come after the `babe` key in the session keys: it reads the current set's
//! weights, which this pallet's BABE handler stores in the same rotation.

use crate::{Authorities, Config};
use alloc::vec::Vec;
use core::marker::PhantomData;
use frame_support::{traits::OneSessionHandler, WeakBoundedVec};
use sp_consensus_grandpa::{AuthorityId as GrandpaId, AuthorityWeight};
use sp_runtime::BoundToRuntimeAppPublic;

/// The handler of the `grandpa` session key; see the module documentation.
pub struct FinalityWeights<T>(PhantomData<T>);

impl<T: Config + pallet_grandpa::Config> BoundToRuntimeAppPublic for FinalityWeights<T> {
	type Public = GrandpaId;
}

impl<T: Config + pallet_grandpa::Config> FinalityWeights<T> {
	/// The weights of `validators` in the current authority set, in their order (1 for one
	/// without a planned weight, as BABE's default).
	fn weighted(validators: &[(&T::AccountId, GrandpaId)]) -> Vec<(GrandpaId, AuthorityWeight)> {
		let set = Authorities::<T>::get();
		validators
			.iter()
			.map(|(who, key)| {
				let weight = set
					.iter()
					.find(|(validator, _)| validator == *who)
					.map(|(_, weight)| *weight)
					.unwrap_or(1);
				(key.clone(), weight)
			})
			.collect()
	}

	/// Gives the authorities in `list` their weight in `weighted`.
	fn reweigh(
		list: &mut pallet_grandpa::BoundedAuthorityList<
			<T as pallet_grandpa::Config>::MaxAuthorities,
		>,
		weighted: &[(GrandpaId, AuthorityWeight)],
	) {
		let reweighed = list
			.iter()
			.map(|(key, weight)| {
				let planned = weighted.iter().find(|(planned, _)| planned == key);
				(key.clone(), planned.map_or(*weight, |(_, planned)| *planned))
			})
			.collect();
		*list = WeakBoundedVec::force_from(reweighed, None);
	}
}

impl<T: Config + pallet_grandpa::Config> OneSessionHandler<T::AccountId> for FinalityWeights<T> {
	type Key = GrandpaId;

	fn on_genesis_session<'a, I: 'a>(validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, GrandpaId)>,
	{
		let validators: Vec<_> = validators.collect();
		<pallet_grandpa::Pallet<T> as OneSessionHandler<T::AccountId>>::on_genesis_session(
			validators.iter().cloned(),
		);
		let weighted = Self::weighted(&validators);
		pallet_grandpa::Authorities::<T>::mutate(|list| Self::reweigh(list, &weighted));
	}

	fn on_new_session<'a, I: 'a>(changed: bool, validators: I, queued_validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, GrandpaId)>,
	{
		let validators: Vec<_> = validators.collect();
		let queued_validators: Vec<_> = queued_validators.collect();
		let weighted = Self::weighted(&validators);
		let reweighted = pallet_grandpa::Authorities::<T>::get().to_vec() != weighted;
		<pallet_grandpa::Pallet<T> as OneSessionHandler<T::AccountId>>::on_new_session(
			changed || reweighted,
			validators.iter().cloned(),
			queued_validators.iter().cloned(),
		);
		// A change scheduled now is signalled in this block's `on_finalize`: weigh it first.
		let now = frame_system::Pallet::<T>::block_number();
		pallet_grandpa::PendingChange::<T>::mutate(|change| {
			if let Some(change) = change.as_mut().filter(|change| change.scheduled_at == now) {
				Self::reweigh(&mut change.next_authorities, &weighted);
			}
		});
	}

	fn on_disabled(validator_index: u32) {
		<pallet_grandpa::Pallet<T> as OneSessionHandler<T::AccountId>>::on_disabled(
			validator_index,
		);
	}
}
