//! Runtime API for reading the worker registry (served by the node as `povc_worker`).

use crate::{BalanceOf, Config, Pallet, Workers};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::ClassId;
use scale_info::TypeInfo;
use sp_runtime::Permill;

/// A worker, as read through the API.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct WorkerView<AccountId, Balance, BlockNumber> {
	/// Active, slashable bond.
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string",
			bound = "Balance: povc_primitives::amount_string::Amount"
		)
	)]
	pub bond: Balance,
	/// Funds unbonding, with the block from which each can be withdrawn.
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string::first_of_pairs",
			bound = "Balance: povc_primitives::amount_string::Amount, BlockNumber: serde::Serialize + serde::de::DeserializeOwned"
		)
	)]
	pub unlocking: Vec<(Balance, BlockNumber)>,
	pub capacity: u32,
	pub open_assignments: u32,
	pub paused: bool,
	/// Whether it opted in to volunteer work (price-0 jobs of research projects).
	pub volunteer: bool,
	/// The determinism class as declared (UTF-8 in practice).
	pub class: Vec<u8>,
	pub class_id: ClassId,
	/// Whose compute score its verified compute counts for.
	pub contributes_to: AccountId,
	pub verified: u32,
	pub faults: u32,
	/// Assignments it abstained from.
	pub abstained: u32,
	/// `(verified + 1) / (verified + 4 × faults + abstained + 2)`.
	pub reputation: Permill,
	/// Whether it can be drawn for new jobs now: its snapshot gives it weight as a
	/// replica, and it is not paused and has a free slot.
	pub eligible: bool,
	/// The bond draws weigh it with: its snapshot's (0 until its first one takes effect).
	#[cfg_attr(feature = "std", serde(with = "povc_primitives::amount_string"))]
	pub drawn_bond: u128,
	/// The epoch from which draws see its latest change, if one is waiting.
	pub changes_from_epoch: Option<u64>,
}

sp_api::decl_runtime_apis! {
	/// Reading the worker registry.
	pub trait WorkersApi<AccountId, Balance, BlockNumber>
	where
		AccountId: codec::Codec,
		Balance: codec::Codec,
		BlockNumber: codec::Codec,
	{
		/// A registered worker, or `None`.
		fn worker(who: AccountId) -> Option<WorkerView<AccountId, Balance, BlockNumber>>;
	}
}

impl<T: Config> Pallet<T> {
	/// The API view of a worker.
	pub fn worker_view(
		who: &T::AccountId,
	) -> Option<WorkerView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let info = Workers::<T>::get(who)?;
		let drawn_bond = info.drawn.weight(crate::sortition::Tree::Available);
		let eligible = drawn_bond > 0 && info.can_take_assignment();
		let changes_from_epoch = info
			.scheduled
			.last()
			.map(|s| s.made_in.saturating_add(<T as Config>::SnapshotDelay::get()));
		Some(WorkerView {
			bond: info.bond,
			unlocking: info.unlocking.iter().map(|c| (c.amount, c.unlock_at)).collect(),
			capacity: info.capacity,
			open_assignments: info.open_assignments,
			paused: info.paused,
			volunteer: info.volunteer,
			class: info.class.to_vec(),
			class_id: info.class_id,
			contributes_to: info.contribute_to.clone().unwrap_or_else(|| who.clone()),
			verified: info.verified,
			faults: info.faults,
			abstained: info.abstained,
			reputation: info.reputation(),
			eligible,
			drawn_bond,
			changes_from_epoch,
		})
	}
}
