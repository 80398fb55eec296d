//! # Workers pallet
//!
//! povc's worker registry. A worker is an account that runs `povc-worker` and offers to
//! execute jobs; this pallet owns everything the chain knows about it:
//!
//! - its **bond**, held from its balance under [`HoldReason::Bond`]. The bond is the
//!   weight with which it is drawn for jobs, so that a colluding group gets a share of
//!   replicas proportional to its stake, not to its number of identities, and what is
//!   slashed for its offences ([`Config::NoShowSlash`], [`Config::NoRevealSlash`] and
//!   [`Config::WrongResultSlash`], which povc's runtime sets to zero: a referee verdict
//!   records a fault but takes no bond). Unbonding goes through [`Config::UnbondingDelay`], is blocked
//!   while the worker has open assignments, and unbonding funds stay slashable until they
//!   are withdrawn, so a worker cannot run away from a slash.
//! - its **capacity** (assignments at once) and open assignments;
//! - its **class**: the engine release it runs (the sandbox gives bit-identical results
//!   and fuel on every architecture). Classes are governed: only those on the allow-list
//!   ([`Pallet::allow_class`], Root) can be joined, and all allowed classes form one pool
//!   that every draw spans, so a class of one's own is no private pool;
//! - its **reputation**, a Beta-style score of verified results against offences;
//! - whom its verified compute counts for (`contribute_to`).
//!
//! The job market (`pallet-jobs`) sees the registry only through
//! [`povc_primitives::WorkerRegistry`], implemented by [`Pallet`]: random selection
//! weighted by `bond × free slots / capacity`, assignment bookkeeping, reputation and
//! slashing.
//!
//! ## Snapshots
//!
//! Draws read the registry as it stood epochs ago ([`snapshot`]): a change to what a
//! worker is drawn with takes effect [`Config::SnapshotDelay`] epochs after the epoch it
//! was made in, so the author of the block before a draw, who knows its randomness, cannot
//! re-roll it by changing the registry. Funds move at once; a draw weighs a worker by what
//! it holds now against its snapshot.
//!
//! ## Selection at scale
//!
//! Nothing reads the whole registry. Every class keeps its workers as the leaves of four
//! [`sortition`] sum trees (available, bonded, referee and volunteer bond), updated along
//! one root-to-leaf path whenever a worker's snapshot takes effect. A draw walks one path
//! per candidate: O(log₁₆ n) reads, 5 for a million workers.
//!
//! ## Calls and where their rules live
//!
//! Calls hand off to the module of their rule, which opens with the rule and the attack it
//! answers:
//! - [`registration`]: [`register`](Pallet::register),
//!   [`set_capacity`](Pallet::set_capacity), [`set_class`](Pallet::set_class),
//!   [`pause`](Pallet::pause), [`resume`](Pallet::resume),
//!   [`set_volunteer`](Pallet::set_volunteer), [`contribute_to`](Pallet::contribute_to);
//! - [`bonding`]: [`bond_more`](Pallet::bond_more), [`unbond`](Pallet::unbond),
//!   [`withdraw_unbonded`](Pallet::withdraw_unbonded) (which also deregisters a worker that
//!   has nothing left);
//! - [`classes`] (Root): [`allow_class`](Pallet::allow_class),
//!   [`disallow_class`](Pallet::disallow_class);
//! - [`selection`] and [`sortition`]: the draws; [`snapshot`]: when changes reach them;
//!   `registry_impl`: assignments, reputation and slashing as pallet-jobs sees them.
//!
//! ## Invariants
//!
//! Checked by [`Pallet::do_try_state`] (the `try_state` hook, and every unit test):
//! - for every worker, its balance on hold for [`HoldReason::Bond`] is `bond + Σ unlocking`;
//! - [`WorkerCount`] counts [`Workers`]; a worker with a `leaf` is the leaf [`Leaves`]
//!   names there in the class of its snapshot, and the leaves of a class are exactly
//!   `0..leaves`;
//! - every tree node's children sum to the node above them, every leaf weighs what its
//!   worker's snapshot says, and each class's totals and counts match its trees;
//! - a worker's waiting snapshots are in order of their epochs;
//! - `class_id == blake2_256(class)` and `1 ≤ capacity ≤ MaxCapacity`;
//! - a worker with nothing held is still in the trees or has a snapshot waiting (it
//!   leaves when that takes effect).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

pub mod bonding;
pub mod classes;
mod invariants;
pub mod registration;
mod registry_impl;
pub mod runtime_api;
pub mod selection;
pub mod snapshot;
pub mod sortition;
mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use frame_support::traits::fungible;
use povc_primitives::ClassId;
use sp_runtime::traits::StaticLookup;

/// Log target of the pallet.
pub const LOG_TARGET: &str = "runtime::workers";

/// The balance type of the configured currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Funds taken out of the system by a slash, to be handed to [`Config::OnSlash`].
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

/// blake2-256 of a class, its [`ClassId`].
pub fn class_id_of(class: &[u8]) -> ClassId {
	ClassId::from(sp_io::hashing::blake2_256(class))
}

// The pallet macros expand to paths (in `error`, `storage`, `genesis_build`) that the
// workspace's `unused_qualifications` lint finds over-qualified: not ours to change.
#[allow(unused_qualifications)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{pallet_prelude::*, traits::OnUnbalanced};
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A worker's bond, active or unbonding.
		#[codec(index = 0)]
		Bond,
	}

	/// Configuration of the pallet.
	///
	/// There is no `type RuntimeEvent`: with the pinned frame-support (49) the pallet macro
	/// adds the bound `frame_system::Config<RuntimeEvent: From<Event<Self>>>` itself and warns
	/// that the item is deprecated (polkadot-sdk PR 7229). pallet-balances 51 keeps its item,
	/// under `#[allow(deprecated)]`, only so as not to break existing runtimes.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency bonds are held in. `hold::Balanced` is what lets a slash take held
		/// funds out as a [`CreditOf`] for [`Config::OnSlash`].
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::hold::Mutate<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::hold::Balanced<Self::AccountId>;

		/// The overarching hold reason, which [`HoldReason`] is part of.
		type RuntimeHoldReason: From<HoldReason>;

		/// Smallest bond with which a worker can register and be drawn for jobs. A worker
		/// slashed below it stays registered but is not drawn until it bonds more.
		#[pallet::constant]
		type MinBond: Get<BalanceOf<Self>>;

		/// Blocks between `unbond` and the moment the funds can be withdrawn.
		#[pallet::constant]
		type UnbondingDelay: Get<BlockNumberFor<Self>>;

		/// Most unbonding chunks a worker can have at once (unbonds in one block share one).
		#[pallet::constant]
		type MaxUnlockingChunks: Get<u32>;

		/// Most registered workers. Draws are O(log n), so this bounds storage only (each
		/// worker holds at least [`Config::MinBond`]); registering beyond it fails with
		/// [`Error::TooManyWorkers`].
		#[pallet::constant]
		type MaxWorkers: Get<u32>;

		/// Most classes on the allow-list at once. A draw reads each.
		#[pallet::constant]
		type MaxClasses: Get<u32>;

		/// Most referees one validator may accept. Bounds the reads of weighing its
		/// referees, which every committee draw that meets one of them does.
		#[pallet::constant]
		type MaxRefereesPerValidator: Get<u32>;

		/// The index of the current epoch (BABE's in povc's runtime): snapshots are taken
		/// and take effect by it.
		type CurrentEpoch: Get<EpochIndex>;

		/// Epochs after the one a change was made in before draws see it ([`snapshot`]).
		/// Long enough that nobody knew the randomness of a draw when the registry it
		/// reads was last changed: with BABE, whose epoch randomness is fixed by the VRF
		/// outputs of the epoch two before, 3.
		#[pallet::constant]
		type SnapshotDelay: Get<EpochIndex>;

		/// Most waiting snapshots `on_initialize` applies per block. More due ones wait
		/// for the next blocks, first made first applied.
		#[pallet::constant]
		type MaxActivationsPerBlock: Get<u32>;

		/// Largest capacity (assignments at once) a worker can declare.
		#[pallet::constant]
		type MaxCapacity: Get<u32>;

		/// Longest determinism class, in bytes.
		#[pallet::constant]
		type MaxClassLen: Get<u32>;

		/// Share of the bond slashed for [`povc_primitives::Offence::WrongResult`]: a
		/// referee verdict against the worker. Set it above zero only where no attacker can
		/// enter the referee pool, as a captured committee's verdict would slash honest
		/// workers; the fault is recorded either way.
		#[pallet::constant]
		type WrongResultSlash: Get<Perbill>;

		/// Share of the bond slashed for [`povc_primitives::Offence::NoShow`].
		#[pallet::constant]
		type NoShowSlash: Get<Perbill>;

		/// Share of the bond slashed for [`povc_primitives::Offence::NoReveal`].
		#[pallet::constant]
		type NoRevealSlash: Get<Perbill>;

		/// Where slashed funds go when a slash has no beneficiaries, and the dust of an equal
		/// split between beneficiaries. `()` burns them.
		type OnSlash: OnUnbalanced<CreditOf<Self>>;

		/// Weights of the calls, and of selection and slashing for the job market.
		type WeightInfo: WeightInfo;
	}

	/// Every registered worker.
	#[pallet::storage]
	pub type Workers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, WorkerInfo<T>, OptionQuery>;

	/// The referees each validator accepted (whose `referee_for` names it).
	#[pallet::storage]
	pub type RefereesOf<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<T::AccountId, T::MaxRefereesPerValidator>,
		ValueQuery,
	>;

	/// The referee-tree weight of each validator's referees (the sum of their drawn
	/// snapshots' referee weights), kept as they change, so that a committee draw weighs a
	/// validator's referees with one read.
	#[pallet::storage]
	pub type RefereeWeightOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u128, ValueQuery>;

	/// How many workers are registered.
	#[pallet::storage]
	pub type WorkerCount<T> = StorageValue<_, u32, ValueQuery>;

	/// The classes workers may join and jobs are drawn from, in the order they were
	/// allowed.
	#[pallet::storage]
	pub type AllowedClasses<T: Config> =
		StorageValue<_, BoundedVec<ClassId, T::MaxClasses>, ValueQuery>;

	/// Every class that is allowed or still has workers: its name, its trees' shape and
	/// totals.
	#[pallet::storage]
	pub type Classes<T: Config> = StorageMap<_, Identity, ClassId, ClassInfo<T>, OptionQuery>;

	/// The worker at each leaf of a class's sortition trees (leaves `0..leaves`).
	#[pallet::storage]
	pub type Leaves<T: Config> =
		StorageDoubleMap<_, Identity, ClassId, Twox64Concat, u32, T::AccountId, OptionQuery>;

	/// Workers whose snapshots take effect at an epoch: sequence number → `(epoch,
	/// worker)`, applied in sequence from [`ActivationQueueBounds`]`.0`. One entry per
	/// waiting snapshot, so at most [`MAX_SCHEDULED`] per worker.
	#[pallet::storage]
	pub type ActivationQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, (EpochIndex, T::AccountId), OptionQuery>;

	/// `(head, tail)` of [`ActivationQueue`]: its entries are `head..tail`.
	#[pallet::storage]
	pub type ActivationQueueBounds<T: Config> = StorageValue<_, (u64, u64), ValueQuery>;

	/// The nodes of the sortition trees: `(class, tree, level, index)` → the weights of the
	/// node's children. See [`sortition`].
	#[pallet::storage]
	pub type SortitionNodes<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Identity, ClassId>,
			NMapKey<Twox64Concat, sortition::Tree>,
			NMapKey<Twox64Concat, u8>,
			NMapKey<Twox64Concat, u32>,
		),
		sortition::Node,
		ValueQuery,
	>;

	/// Allowed classes and workers registered at genesis (for development chains).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The classes on the allow-list, e.g. [`povc_primitives::RELEASE_CLASSES`].
		pub classes: Vec<Vec<u8>>,
		/// `(account, bond, capacity, class)` of each worker, registered as by `register`.
		pub workers: Vec<(T::AccountId, BalanceOf<T>, u32, Vec<u8>)>,
		/// Workers that start paused (e.g. referees of a development chain, which nobody
		/// wants drawn as replicas).
		pub paused: Vec<T::AccountId>,
		/// `(worker, beneficiary)`: whom a genesis worker's compute counts for.
		pub contributions: Vec<(T::AccountId, T::AccountId)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for class in &self.classes {
				let class: ClassOf<T> = class.clone().try_into().expect("genesis class too long");
				Pallet::<T>::do_allow_class(class).expect("genesis class cannot be allowed");
			}
			for (who, bond, capacity, class) in &self.workers {
				// A broken genesis must not produce a chain: panicking is the intent here.
				let class: ClassOf<T> =
					class.clone().try_into().expect("genesis worker class too long");
				Pallet::<T>::do_register(who, *bond, *capacity, class)
					.expect("genesis worker cannot be registered");
			}
			for who in &self.paused {
				Pallet::<T>::set_paused(who, true).expect("genesis paused worker is registered");
			}
			for (who, beneficiary) in &self.contributions {
				let mut info = Workers::<T>::get(who).expect("genesis contributor is registered");
				info.contribute_to = Some(beneficiary.clone()).filter(|b| b != who);
				Workers::<T>::insert(who, info);
			}
			// A chain starts with its registry in effect: nobody knows its randomness yet.
			Pallet::<T>::activate_all_now();
		}
	}

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A worker registered with a bond, capacity and determinism class.
		Registered { who: T::AccountId, bond: BalanceOf<T>, capacity: u32, class_id: ClassId },
		/// A worker added to its bond.
		Bonded { who: T::AccountId, amount: BalanceOf<T> },
		/// A worker started unbonding `amount`, withdrawable from block `unlock_at`.
		Unbonded { who: T::AccountId, amount: BalanceOf<T>, unlock_at: BlockNumberFor<T> },
		/// Matured unbonding funds were released to the worker.
		Withdrawn { who: T::AccountId, amount: BalanceOf<T> },
		/// A worker left the registry: it had no bond and nothing unbonding left.
		Deregistered { who: T::AccountId },
		/// A worker's snapshot took effect: draws now see it in `class_id` with `weight`
		/// (its bond, or 0 if it was paused or below the minimum bond).
		SnapshotApplied { who: T::AccountId, class_id: ClassId, weight: u128 },
		/// A worker changed its capacity.
		CapacitySet { who: T::AccountId, capacity: u32 },
		/// A worker changed its determinism class.
		ClassSet { who: T::AccountId, class_id: ClassId },
		/// A worker stopped taking new assignments.
		Paused { who: T::AccountId },
		/// A paused worker takes new assignments again.
		Resumed { who: T::AccountId },
		/// A worker opted in to (`true`) or out of (`false`) unpaid volunteer work.
		VolunteerSet { who: T::AccountId, volunteer: bool },
		/// A worker's verified compute now counts for `beneficiary` (possibly itself).
		ContributionTargetSet { who: T::AccountId, beneficiary: T::AccountId },
		/// `validator` accepted the worker as its referee: it may sit on referee committees
		/// while `validator` is a current validator.
		RefereeAccepted { who: T::AccountId, validator: T::AccountId },
		/// The worker no longer referees for `validator` (revoked by either side, or the
		/// worker's compute now goes elsewhere).
		RefereeRemoved { who: T::AccountId, validator: T::AccountId },
		/// A worker was slashed `amount` for `offence`.
		Slashed { who: T::AccountId, offence: povc_primitives::Offence, amount: BalanceOf<T> },
		/// Root put a class on the allow-list: workers may join it, jobs are drawn from it.
		ClassAllowed { class_id: ClassId, class: ClassOf<T> },
		/// Root took a class off the allow-list: nobody joins it and no job is drawn from
		/// it; its workers keep their bonds and can move with `set_class`.
		ClassDisallowed { class_id: ClassId },
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The bond is below [`Config::MinBond`].
		BondTooLow,
		/// The capacity is 0 or above [`Config::MaxCapacity`].
		InvalidCapacity,
		/// The determinism class is empty.
		EmptyClass,
		/// The account is already a registered worker.
		AlreadyRegistered,
		/// The account is not a registered worker.
		NotRegistered,
		/// [`Config::MaxWorkers`] workers are registered already.
		TooManyWorkers,
		/// The account cannot put that much on hold (its free balance, minus the existential
		/// deposit it must keep, is too small).
		InsufficientBalance,
		/// The amount is zero.
		ZeroAmount,
		/// Unbonding more than the active bond.
		InsufficientBond,
		/// Unbonding would leave a bond that is neither zero nor at least
		/// [`Config::MinBond`].
		BelowMinBond,
		/// The worker has open assignments: it cannot unbond until they end.
		HasOpenAssignments,
		/// The worker has [`Config::MaxUnlockingChunks`] chunks unbonding already; withdraw
		/// the matured ones or wait.
		TooManyUnlockingChunks,
		/// No unbonding funds have matured yet.
		NothingToWithdraw,
		/// The worker is paused already.
		AlreadyPaused,
		/// The worker is not paused.
		NotPaused,
		/// The worker's volunteer flag has that value already.
		VolunteerUnchanged,
		/// The worker is paused and takes no new assignments.
		WorkerPaused,
		/// The worker has as many open assignments as its capacity.
		AtCapacity,
		/// The class is not on the allow-list (see [`Pallet::allow_class`]).
		ClassNotAllowed,
		/// The class is on the allow-list already.
		ClassAlreadyAllowed,
		/// [`Config::MaxClasses`] classes are allowed already.
		TooManyClasses,
		/// The worker does not contribute its compute to this validator: a worker referees
		/// only for the validator it chose with `contribute_to`.
		NotContributing,
		/// The worker is a referee already.
		AlreadyReferee,
		/// The worker is no validator's referee.
		NotReferee,
		/// The validator has [`Config::MaxRefereesPerValidator`] referees already.
		TooManyReferees,
		/// The worker has [`MAX_SCHEDULED`] snapshots waiting to take effect already: try
		/// again next epoch.
		TooManyPendingChanges,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Applies the snapshots due this epoch ([`snapshot`]).
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			let applied =
				Self::activate_due(T::CurrentEpoch::get(), T::MaxActivationsPerBlock::get());
			T::WeightInfo::activate_snapshots(applied)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a worker, holding `bond` from its free balance.
		///
		/// - `bond`: at least [`Config::MinBond`]; the caller must keep the existential
		///   deposit free besides.
		/// - `capacity`: how many assignments at once, `1..=MaxCapacity`.
		/// - `class`: the class (engine release), non-empty, e.g. `wasmtime-48.0.8/povc-3`.
		///
		/// Draws see the worker from its first snapshot on, [`Config::SnapshotDelay`]
		/// epochs after this one.
		///
		/// Emits [`Event::Registered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			#[pallet::compact] bond: BalanceOf<T>,
			capacity: u32,
			class: ClassOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(&who, bond, capacity, class)
		}

		/// Adds `amount` from the caller's free balance to its bond.
		///
		/// Emits [`Event::Bonded`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::bond_more())]
		pub fn bond_more(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond_more(who, amount)
		}

		/// Starts unbonding `amount` of the caller's bond: it stops counting for selection and
		/// slashing now and can be withdrawn [`Config::UnbondingDelay`] blocks later.
		///
		/// The remaining bond must be zero (leaving) or at least [`Config::MinBond`], and the
		/// worker must have no open assignments: a worker must not be able to take its bond
		/// out from under a job it may be slashed for.
		///
		/// Emits [`Event::Unbonded`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbond(who, amount)
		}

		/// Releases the caller's matured unbonding chunks to its free balance. A worker left
		/// with no bond and nothing unbonding is deregistered.
		///
		/// Emits [`Event::Withdrawn`], and [`Event::Deregistered`] when the worker leaves.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who)
		}

		/// Sets how many assignments the caller takes at once, `1..=MaxCapacity`. Lowering it
		/// below the open assignments only stops new ones until enough have ended.
		///
		/// Emits [`Event::CapacitySet`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_capacity())]
		pub fn set_capacity(origin: OriginFor<T>, capacity: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_capacity(who, capacity)
		}

		/// Declares a new class for the caller (after an engine upgrade, say). The class
		/// must be on the allow-list. Draws see the worker in it from its next snapshot on.
		///
		/// Emits [`Event::ClassSet`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_class())]
		pub fn set_class(origin: OriginFor<T>, class: ClassOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_class(who, class)
		}

		/// Stops the caller from being drawn for new assignments (its open ones go on): at
		/// once, as a draw turns down a paused worker; out of the trees with its next
		/// snapshot.
		///
		/// Emits [`Event::Paused`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::pause())]
		pub fn pause(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::set_paused(&who, true)
		}

		/// Lets a paused caller be drawn again.
		///
		/// Emits [`Event::Resumed`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::resume())]
		pub fn resume(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::set_paused(&who, false)
		}

		/// Opts the caller in to (`true`) or out of (`false`) volunteer work: jobs of
		/// approved research projects, at price 0, whose verified fuel earns score at the
		/// project's rate instead of pay. Only volunteers are drawn for them.
		///
		/// Emits [`Event::VolunteerSet`].
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::set_volunteer())]
		pub fn set_volunteer(origin: OriginFor<T>, volunteer: bool) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_volunteer(who, volunteer)
		}

		/// Directs the compute score earned by the caller's verified compute to
		/// `beneficiary` (a validator, like a nomination); `None` means the caller itself.
		/// A referee whose beneficiary changes stops refereeing for the old one.
		///
		/// Emits [`Event::ContributionTargetSet`] (and [`Event::RefereeRemoved`]).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::contribute_to())]
		pub fn contribute_to(
			origin: OriginFor<T>,
			beneficiary: Option<AccountIdLookupOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let beneficiary = beneficiary.map(T::Lookup::lookup).transpose()?;
			Self::do_contribute_to(who, beneficiary)
		}

		/// Puts a determinism class on the allow-list (Root; a council or referendum once
		/// governance is wired). Only allowed classes can be registered in and drawn from.
		///
		/// Emits [`Event::ClassAllowed`].
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::allow_class())]
		pub fn allow_class(origin: OriginFor<T>, class: ClassOf<T>) -> DispatchResult {
			ensure_root(origin)?;
			Self::do_allow_class(class)
		}

		/// Takes a class off the allow-list (Root). Its workers keep their bonds and open
		/// jobs, but no new job is drawn from it and nobody joins it.
		///
		/// Emits [`Event::ClassDisallowed`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::disallow_class())]
		pub fn disallow_class(origin: OriginFor<T>, class_id: ClassId) -> DispatchResult {
			ensure_root(origin)?;
			Self::do_disallow_class(class_id)
		}
	}
}
