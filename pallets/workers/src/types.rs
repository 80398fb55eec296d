//! The records the pallet stores.

use crate::sortition::{self, Tree};
use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::traits::{ConstU32, Get};
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
	/// Its leaf in the sortition trees of `drawn.class_id`; `None` until its first
	/// snapshot with any weight takes effect, and after one without.
	pub leaf: Option<u32>,
	/// What the trees hold for it now: the snapshot draws are made over.
	pub drawn: Snapshot,
	/// Snapshots of its record, oldest first, each taking effect [`Config::SnapshotDelay`]
	/// epochs after the epoch it was made in (see [`crate::snapshot`]).
	pub scheduled: BoundedVec<Scheduled, ConstU32<MAX_SCHEDULED>>,
}

/// Most snapshots a worker can have waiting: one per epoch of the delay, and one more for
/// the epoch an activation runs late into.
pub const MAX_SCHEDULED: u32 = 4;

/// Index of an epoch (BABE's, in povc's runtime).
pub type EpochIndex = u64;

/// What a worker is drawn as: its class, its weight in each of the class's trees (in the
/// order of [`crate::classes::TREES`]) and its capacity. A record's changes reach the
/// draws only as a snapshot, epochs after they were made.
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
pub struct Snapshot {
	/// The class whose trees it is in.
	pub class_id: ClassId,
	/// Its weight in each tree of the class.
	pub weights: [u128; 4],
	/// Its declared capacity: a draw accepts it with probability `free slots / capacity`.
	pub capacity: u32,
}

impl Snapshot {
	/// Its weight in `tree`.
	pub fn weight(&self, tree: Tree) -> u128 {
		self.weights[tree as usize]
	}

	/// Whether it weighs nothing in any tree (the worker is then out of the trees).
	pub fn is_empty(&self) -> bool {
		self.weights.iter().all(|w| *w == 0)
	}
}

/// A snapshot waiting for its epoch.
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
pub struct Scheduled {
	/// The epoch the change was made in.
	pub made_in: EpochIndex,
	/// The record's snapshot at the end of that epoch (so far).
	pub snapshot: Snapshot,
}

impl<T: Config> WorkerInfo<T> {
	/// A newly registered worker of `class` (whose id is `class_id`), not in the trees
	/// until its first snapshot takes effect.
	pub fn new(bond: BalanceOf<T>, capacity: u32, class: ClassOf<T>, class_id: ClassId) -> Self {
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
			leaf: None,
			drawn: Snapshot { class_id, weights: [0; 4], capacity: 0 },
			scheduled: Default::default(),
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

	/// Whether it has left: nothing on hold, out of the trees and no snapshot waiting.
	/// Its record is then removed.
	pub fn has_left(&self) -> bool {
		self.is_empty() && self.leaf.is_none() && self.scheduled.is_empty()
	}

	/// Its weight in `tree` by its record now (what its next snapshot says): its bond
	/// while it counts there, else 0. Free capacity is not part of it: a draw weighs it
	/// when it meets the worker (see [`crate::selection`]).
	pub fn weight(&self, tree: Tree) -> u128 {
		let bonded = self.bonded_weight();
		let counts = match tree {
			Tree::Bonded => true,
			Tree::Available => !self.paused,
			Tree::Referees => self.referee_for.is_some(),
			Tree::Volunteers => self.volunteer && !self.paused,
		};
		if counts {
			bonded
		} else {
			0
		}
	}

	/// Its bond if at least [`Config::MinBond`], else 0.
	pub fn bonded_weight(&self) -> u128 {
		if self.bond >= T::MinBond::get() && !self.bond.is_zero() {
			self.bond.saturated_into()
		} else {
			0
		}
	}

	/// Its snapshot by its record now.
	pub fn snapshot(&self) -> Snapshot {
		Snapshot {
			class_id: self.class_id,
			weights: crate::classes::TREES.map(|t| self.weight(t)),
			capacity: self.capacity,
		}
	}

	/// The snapshot it will be drawn as once everything scheduled has taken effect.
	pub fn latest_snapshot(&self) -> &Snapshot {
		self.scheduled.last().map_or(&self.drawn, |s| &s.snapshot)
	}

	/// Whether it has a free capacity slot and is not paused: what taking an assignment
	/// needs now.
	pub fn can_take_assignment(&self) -> bool {
		!self.paused && self.open_assignments < self.capacity
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
