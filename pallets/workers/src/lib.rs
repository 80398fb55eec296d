//! # Workers pallet
//!
//! povc's worker registry. A worker is an account that runs `povc-worker` and offers to
//! execute jobs; this pallet owns everything the chain knows about it:
//!
//! - its **bond**, held from its balance under [`HoldReason::Bond`]. The bond is what is
//!   slashed when the worker misbehaves and the weight with which it is drawn for jobs, so
//!   that a colluding group gets a share of replicas proportional to its stake, not to its
//!   number of identities. Unbonding goes through [`Config::UnbondingDelay`], is blocked
//!   while the worker has open assignments, and unbonding funds stay slashable until they
//!   are withdrawn, so a worker cannot run away from a slash.
//! - its **capacity** (assignments at once) and open assignments;
//! - its **determinism class**: the architecture, engine version and target flags its
//!   results are bit-for-bit reproducible within. A job's replicas come from one class;
//! - its **reputation**, a Beta-style score of verified results against offences;
//! - whom its verified compute counts for (`contribute_to`).
//!
//! The job market (`pallet-jobs`) sees the registry only through
//! [`povc_primitives::WorkerRegistry`], implemented by [`Pallet`]: bond-weighted random
//! selection, assignment bookkeeping, reputation and slashing.
//!
//! ## Calls
//!
//! [`register`](Pallet::register), [`bond_more`](Pallet::bond_more),
//! [`unbond`](Pallet::unbond), [`withdraw_unbonded`](Pallet::withdraw_unbonded) (which also
//! deregisters a worker that has nothing left), [`set_capacity`](Pallet::set_capacity),
//! [`set_class`](Pallet::set_class), [`pause`](Pallet::pause), [`resume`](Pallet::resume),
//! [`contribute_to`](Pallet::contribute_to).
//!
//! ## Invariants
//!
//! Checked by [`Pallet::do_try_state`] (the `try_state` hook, and every unit test):
//! - for every worker, its balance on hold for [`HoldReason::Bond`] is `bond + Σ unlocking`;
//! - [`Registry`] and [`Workers`] hold exactly the same accounts, without duplicates;
//! - `class_id == blake2_256(class)` and `1 ≤ capacity ≤ MaxCapacity`;
//! - `bond` is zero only while something is unlocking (a worker with nothing left is
//!   deregistered).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

mod invariants;
mod registry_impl;
pub mod runtime_api;
pub mod selection;
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
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision, OnUnbalanced},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{Saturating, Zero},
		Perbill,
	};

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

		/// Most registered workers. Selection looks at all of them in one pass, so this
		/// bounds its weight; registering beyond it fails with [`Error::TooManyWorkers`].
		#[pallet::constant]
		type MaxWorkers: Get<u32>;

		/// Largest capacity (assignments at once) a worker can declare.
		#[pallet::constant]
		type MaxCapacity: Get<u32>;

		/// Longest determinism class, in bytes.
		#[pallet::constant]
		type MaxClassLen: Get<u32>;

		/// Share of the bond slashed for [`povc_primitives::Offence::WrongResult`].
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

	/// The registered workers, in registration order: the list selection iterates, which is
	/// why it is a bounded value rather than an iteration over [`Workers`].
	#[pallet::storage]
	pub type Registry<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxWorkers>, ValueQuery>;

	/// Workers registered at genesis (for development chains).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `(account, bond, capacity, class)` of each worker, registered as by `register`.
		pub workers: Vec<(T::AccountId, BalanceOf<T>, u32, Vec<u8>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (who, bond, capacity, class) in &self.workers {
				// A broken genesis must not produce a chain: panicking is the intent here.
				let class: ClassOf<T> =
					class.clone().try_into().expect("genesis worker class too long");
				Pallet::<T>::do_register(who, *bond, *capacity, class)
					.expect("genesis worker cannot be registered");
			}
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
		/// A worker changed its capacity.
		CapacitySet { who: T::AccountId, capacity: u32 },
		/// A worker changed its determinism class.
		ClassSet { who: T::AccountId, class_id: ClassId },
		/// A worker stopped taking new assignments.
		Paused { who: T::AccountId },
		/// A paused worker takes new assignments again.
		Resumed { who: T::AccountId },
		/// A worker's verified compute now counts for `beneficiary` (possibly itself).
		ContributionTargetSet { who: T::AccountId, beneficiary: T::AccountId },
		/// A worker was slashed `amount` for `offence`.
		Slashed { who: T::AccountId, offence: povc_primitives::Offence, amount: BalanceOf<T> },
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
		/// The worker has open assignments: it cannot unbond or change class until they end.
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
		/// The worker is paused and takes no new assignments.
		WorkerPaused,
		/// The worker has as many open assignments as its capacity.
		AtCapacity,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
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
		/// - `class`: the determinism class, non-empty, e.g. `x86_64/wasmtime-48/povc-1`.
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
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			Self::hold(&who, amount)?;
			info.bond = info.bond.saturating_add(amount);
			Workers::<T>::insert(&who, info);
			Self::deposit_event(Event::Bonded { who, amount });
			Ok(())
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
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut info = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(info.open_assignments == 0, Error::<T>::HasOpenAssignments);
			ensure!(amount <= info.bond, Error::<T>::InsufficientBond);
			let remaining = info.bond.saturating_sub(amount);
			ensure!(
				remaining.is_zero() || remaining >= T::MinBond::get(),
				Error::<T>::BelowMinBond
			);

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
			Workers::<T>::insert(&who, info);
			Self::deposit_event(Event::Unbonded { who, amount, unlock_at });
			Ok(())
		}

		/// Releases the caller's matured unbonding chunks to its free balance. A worker left
		/// with no bond and nothing unbonding is deregistered.
		///
		/// Emits [`Event::Withdrawn`], and [`Event::Deregistered`] when the worker leaves.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
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

			if info.is_empty() {
				Self::deregister(&who);
			} else {
				Workers::<T>::insert(&who, info);
			}
			Ok(())
		}

		/// Sets how many assignments the caller takes at once, `1..=MaxCapacity`. Lowering it
		/// below the open assignments only stops new ones until enough have ended.
		///
		/// Emits [`Event::CapacitySet`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_capacity())]
		pub fn set_capacity(origin: OriginFor<T>, capacity: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Self::valid_capacity(capacity), Error::<T>::InvalidCapacity);
			Workers::<T>::try_mutate(&who, |maybe| -> DispatchResult {
				let info = maybe.as_mut().ok_or(Error::<T>::NotRegistered)?;
				info.capacity = capacity;
				Ok(())
			})?;
			Self::deposit_event(Event::CapacitySet { who, capacity });
			Ok(())
		}

		/// Declares a new determinism class for the caller (after an engine upgrade, say).
		///
		/// Not while it has open assignments: a job draws replacements of a replica from the
		/// class of its replicas, and results are only comparable within one class.
		///
		/// Emits [`Event::ClassSet`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_class())]
		pub fn set_class(origin: OriginFor<T>, class: ClassOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!class.is_empty(), Error::<T>::EmptyClass);
			let class_id = class_id_of(&class);
			Workers::<T>::try_mutate(&who, |maybe| -> DispatchResult {
				let info = maybe.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(info.open_assignments == 0, Error::<T>::HasOpenAssignments);
				info.class = class;
				info.class_id = class_id;
				Ok(())
			})?;
			Self::deposit_event(Event::ClassSet { who, class_id });
			Ok(())
		}

		/// Stops the caller from being drawn for new assignments (its open ones go on).
		///
		/// Emits [`Event::Paused`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::pause())]
		pub fn pause(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::set_paused(&who, true)?;
			Self::deposit_event(Event::Paused { who });
			Ok(())
		}

		/// Lets a paused caller be drawn again.
		///
		/// Emits [`Event::Resumed`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::resume())]
		pub fn resume(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::set_paused(&who, false)?;
			Self::deposit_event(Event::Resumed { who });
			Ok(())
		}

		/// Directs the compute score earned by the caller's verified compute to
		/// `beneficiary` (a validator, like a nomination); `None` means the caller itself.
		///
		/// Emits [`Event::ContributionTargetSet`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::contribute_to())]
		pub fn contribute_to(
			origin: OriginFor<T>,
			beneficiary: Option<AccountIdLookupOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let beneficiary = beneficiary.map(T::Lookup::lookup).transpose()?;
			// Pointing at itself is the default: stored as `None`, so there is one encoding.
			let target = beneficiary.filter(|b| b != &who);
			Workers::<T>::try_mutate(&who, |maybe| -> DispatchResult {
				let info = maybe.as_mut().ok_or(Error::<T>::NotRegistered)?;
				info.contribute_to = target.clone();
				Ok(())
			})?;
			let beneficiary = target.unwrap_or_else(|| who.clone());
			Self::deposit_event(Event::ContributionTargetSet { who, beneficiary });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Registers `who`: the checks and effects of [`Pallet::register`].
		pub(crate) fn do_register(
			who: &T::AccountId,
			bond: BalanceOf<T>,
			capacity: u32,
			class: ClassOf<T>,
		) -> DispatchResult {
			ensure!(!Workers::<T>::contains_key(who), Error::<T>::AlreadyRegistered);
			ensure!(bond >= T::MinBond::get(), Error::<T>::BondTooLow);
			ensure!(Self::valid_capacity(capacity), Error::<T>::InvalidCapacity);
			ensure!(!class.is_empty(), Error::<T>::EmptyClass);
			let mut registry = Registry::<T>::get();
			ensure!(!registry.is_full(), Error::<T>::TooManyWorkers);
			Self::hold(who, bond)?;
			// Cannot fail: the registry was not full. Mapped anyway rather than unwrapped.
			registry.try_push(who.clone()).map_err(|_| Error::<T>::TooManyWorkers)?;
			Registry::<T>::put(registry);

			let class_id = class_id_of(&class);
			let info = WorkerInfo::<T> {
				bond,
				unlocking: Default::default(),
				capacity,
				open_assignments: 0,
				paused: false,
				class,
				class_id,
				contribute_to: None,
				verified: 0,
				faults: 0,
			};
			Workers::<T>::insert(who, info);
			Self::deposit_event(Event::Registered { who: who.clone(), bond, capacity, class_id });
			Ok(())
		}

		/// Holds `amount` of `who`'s free balance under [`HoldReason::Bond`].
		fn hold(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			T::Currency::hold(&HoldReason::Bond.into(), who, amount).map_err(|e| {
				log::debug!(target: LOG_TARGET, "hold of {amount:?} for {who:?} failed: {e:?}");
				Error::<T>::InsufficientBalance.into()
			})
		}

		fn valid_capacity(capacity: u32) -> bool {
			(1..=T::MaxCapacity::get()).contains(&capacity)
		}

		fn set_paused(who: &T::AccountId, paused: bool) -> DispatchResult {
			Workers::<T>::try_mutate(who, |maybe| -> DispatchResult {
				let info = maybe.as_mut().ok_or(Error::<T>::NotRegistered)?;
				if paused {
					ensure!(!info.paused, Error::<T>::AlreadyPaused);
				} else {
					ensure!(info.paused, Error::<T>::NotPaused);
				}
				info.paused = paused;
				Ok(())
			})
		}

		/// Removes `who` from [`Workers`] and [`Registry`]. Only for workers with nothing on
		/// hold any more.
		pub(crate) fn deregister(who: &T::AccountId) {
			Workers::<T>::remove(who);
			Registry::<T>::mutate(|registry| registry.retain(|w| w != who));
			Self::deposit_event(Event::Deregistered { who: who.clone() });
		}

		/// The worker's reputation, see [`WorkerInfo::reputation`]; `None` if not registered.
		pub fn reputation_of(who: &T::AccountId) -> Option<sp_runtime::Permill> {
			Workers::<T>::get(who).map(|info| info.reputation())
		}

		/// The share of the bond (active and unbonding) slashed for `offence`.
		pub fn slash_share(offence: povc_primitives::Offence) -> Perbill {
			use povc_primitives::Offence;
			match offence {
				Offence::WrongResult => T::WrongResultSlash::get(),
				Offence::NoShow => T::NoShowSlash::get(),
				Offence::NoReveal => T::NoRevealSlash::get(),
			}
		}
	}
}
