//! The records the pallet stores.

use crate::sortition::{self, Tree};
use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::traits::Get;
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::ClassId;
use scale_info::TypeInfo;
use sp_runtime::{traits::Zero, Permill, SaturatedConversion, Saturating};

/// Part of a bond that is being unbonded: still held (and so still accounted for under
/// [`crate::HoldReason::Bond`]), released by `withdraw_unbonded` from block `unlock_at` on.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct UnlockChunk<Balance, BlockNumber> {
	/// Amount that becomes free.
	pub amount: Balance,
	/// First block at which it can be withdrawn.
	pub unlock_at: BlockNumber,
}

/// A chunk of `T`'s unbonding funds.
pub type UnlockChunkOf<T> = UnlockChunk<BalanceOf<T>, BlockNumberFor<T>>;

/// A worker's declared determinism class, in its human-readable form
/// (e.g. `x86_64/wasmtime-48/povc-1`).
pub type ClassOf<T> = BoundedVec<u8, <T as Config>::MaxClassLen>;

/// Everything the registry knows about one worker.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct WorkerInfo<T: Config> {
	/// Active bond: held under [`crate::HoldReason::Bond`], slashable, and the weight with
	/// which the worker is drawn.
	pub bond: BalanceOf<T>,
	/// Funds on their way out: still held and slashable until withdrawn (so unbonding is no
	/// escape from a slash), but no longer counted for selection.
	pub unlocking: BoundedVec<UnlockChunkOf<T>, T::MaxUnlockingChunks>,
	/// Most assignments the worker wants at once.
	pub capacity: u32,
	/// Assignments it currently has (taken by `assign`, returned by `release`).
	pub open_assignments: u32,
	/// A paused worker keeps its bond and assignments but is not drawn for new ones.
	pub paused: bool,
	/// Whether it opted in to volunteer work (price-0 jobs of approved projects): it is
	/// then in its class's [`Tree::Volunteers`] while available.
	pub volunteer: bool,
	/// Determinism class, human-readable.
	pub class: ClassOf<T>,
	/// `blake2_256(class)`: what selection compares.
	pub class_id: ClassId,
	/// Whose compute score the worker's verified compute counts for; `None` = itself.
	pub contribute_to: Option<T::AccountId>,
	/// The validator (its `contribute_to`) that accepted it as a referee: it is then in its
	/// class's [`Tree::Referees`].
	pub referee_for: Option<T::AccountId>,
	/// Results of the worker that were verified.
	pub verified: u32,
	/// Offences the worker was slashed for.
	pub faults: u32,
	/// Assignments it abstained from (gave no result without being at fault).
	pub abstained: u32,
	/// Its leaf in its class's sortition trees.
	pub leaf: u32,
}

impl<T: Config> WorkerInfo<T> {
	/// A newly registered worker at `leaf` of the trees of `class` (whose id is
	/// `class_id`).
	pub fn new(
		bond: BalanceOf<T>,
		capacity: u32,
		class: ClassOf<T>,
		class_id: ClassId,
		leaf: u32,
	) -> Self {
		Self {
			bond,
			unlocking: Default::default(),
			capacity,
			open_assignments: 0,
			paused: false,
			volunteer: false,
			class,
			class_id,
			contribute_to: None,
			referee_for: None,
			verified: 0,
			faults: 0,
			abstained: 0,
			leaf,
		}
	}

	/// Sum of the unlocking chunks.
	pub fn total_unlocking(&self) -> BalanceOf<T> {
		self.unlocking
			.iter()
			.fold(Zero::zero(), |sum: BalanceOf<T>, chunk| sum.saturating_add(chunk.amount))
	}

	/// Everything the worker has on hold under the pallet's reason: bond and unlocking.
	pub fn total_held(&self) -> BalanceOf<T> {
		self.bond.saturating_add(self.total_unlocking())
	}

	/// Whether the worker has nothing left with the registry and can leave it.
	pub fn is_empty(&self) -> bool {
		self.bond.is_zero() && self.unlocking.is_empty()
	}

	/// Its weight in `tree`: its bond while it counts there, else 0.
	pub fn weight(&self, tree: Tree) -> u128 {
		let bonded = self.bond >= T::MinBond::get() && !self.bond.is_zero();
		let counts = match tree {
			Tree::Bonded => bonded,
			Tree::Available => self.is_available(bonded),
			Tree::Referees => bonded && self.referee_for.is_some(),
			Tree::Volunteers => self.volunteer && self.is_available(bonded),
		};
		if counts {
			self.bond.saturated_into()
		} else {
			0
		}
	}

	/// Whether a worker (bonded or not) can take an assignment now.
	fn is_available(&self, bonded: bool) -> bool {
		bonded && !self.paused && self.open_assignments < self.capacity
	}

	/// Beta-style reputation: the posterior mean
	/// `(verified + 1) / (verified + 4·faults + abstained + 2)` of a Beta(1, 1) prior, where
	/// a fault counts as four failures, since one offence says much more about a worker
	/// than one good result, and an abstention as one: no fault, but no result either, so
	/// a worker that abstains often is drawn less for jobs with a reputation floor. A new
	/// worker has 50 %.
	pub fn reputation(&self) -> Permill {
		// u64 cannot overflow here: u32::MAX + 4·u32::MAX + u32::MAX + 2 < 2^35.
		let verified = u64::from(self.verified);
		let faults = u64::from(self.faults);
		let abstained = u64::from(self.abstained);
		Permill::from_rational(verified + 1, verified + 4 * faults + abstained + 2)
	}
}

/// A class workers can be in: its name, whether it is allowed, and its sortition trees'
/// shape and totals (kept so that picking a class reads no tree).
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ClassInfo<T: Config> {
	/// The class, human-readable.
	pub name: ClassOf<T>,
	/// Whether it is on the allow-list.
	pub allowed: bool,
	/// Its workers: leaves `0..leaves` of its trees.
	pub leaves: u32,
	/// Levels of its trees (see [`sortition`]).
	pub height: u8,
	/// Workers of weight > 0 in [`Tree::Available`] and their total weight.
	pub available: TreeTotals,
	/// Workers of weight > 0 in [`Tree::Bonded`] and their total weight.
	pub bonded: TreeTotals,
	/// Workers of weight > 0 in [`Tree::Referees`] and their total weight.
	pub referees: TreeTotals,
	/// Workers of weight > 0 in [`Tree::Volunteers`] and their total weight.
	pub volunteers: TreeTotals,
}

impl<T: Config> ClassInfo<T> {
	/// A class without workers.
	pub fn new(name: ClassOf<T>) -> Self {
		Self {
			name,
			allowed: true,
			leaves: 0,
			height: 1,
			available: Default::default(),
			bonded: Default::default(),
			referees: Default::default(),
			volunteers: Default::default(),
		}
	}

	/// The totals of `tree`.
	pub fn totals(&self, tree: Tree) -> &TreeTotals {
		match tree {
			Tree::Available => &self.available,
			Tree::Bonded => &self.bonded,
			Tree::Referees => &self.referees,
			Tree::Volunteers => &self.volunteers,
		}
	}

	/// The totals of `tree`, to change.
	pub fn totals_mut(&mut self, tree: Tree) -> &mut TreeTotals {
		match tree {
			Tree::Available => &mut self.available,
			Tree::Bonded => &mut self.bonded,
			Tree::Referees => &mut self.referees,
			Tree::Volunteers => &mut self.volunteers,
		}
	}

	/// Whether the trees have room for one more leaf without growing.
	pub fn has_room(&self) -> bool {
		sortition::height_for(self.leaves.saturating_add(1)) <= self.height
	}
}

/// How many leaves of a tree weigh something, and their total weight (the root's sum).
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct TreeTotals {
	/// Leaves of weight > 0.
	pub workers: u32,
	/// Sum of the weights.
	pub weight: u128,
}
