//! Benchmarks of the calls, and of selection and slashing for the job market's weights.

#![cfg(feature = "runtime-benchmarks")]

use super::*;
use crate::Pallet as Workers;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, InspectHold, Mutate},
		Get,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use povc_primitives::{Offence, Purpose, SelectionRequest, WorkerRegistry};
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, StaticLookup, Zero},
	Permill,
};

const SEED: u32 = 0;
/// Most beneficiaries of one slash the benchmark measures (a referee committee plus the
/// agreeing replicas); the weight is linear in it, so larger counts extrapolate.
const MAX_BENEFICIARIES: u32 = 32;

/// The bond step of the benchmarks: the minimum bond, at least 1.
fn unit<T: Config>() -> BalanceOf<T> {
	T::MinBond::get().max(1u32.into())
}

/// A class of the longest allowed length (hashing and storing it costs the most).
fn longest_class<T: Config>(tag: u8) -> ClassOf<T> {
	let mut class = vec![b'c'; T::MaxClassLen::get().max(1) as usize];
	class[0] = tag;
	BoundedVec::truncate_from(class)
}

/// An account with enough free balance for any bond the benchmarks make.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	let chunks: BalanceOf<T> = (T::MaxUnlockingChunks::get() + 10).into();
	let amount = unit::<T>()
		.saturating_mul(chunks)
		.saturating_mul(1_000u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(1_000u32.into()));
	T::Currency::set_balance(&who, amount);
	who
}

/// The class benchmark workers join: allowed, its trees as high as `MaxWorkers` workers
/// would make them (every tree operation walks that many levels), and `w` workers in it.
fn class_with<T: Config>(tag: u8, w: u32) -> ClassOf<T> {
	let class = longest_class::<T>(tag);
	let class_id = class_id_of(&class);
	if !Workers::<T>::is_allowed(&class_id) {
		let _ = Workers::<T>::do_allow_class(class.clone());
	}
	classes::populate::workers::<T>(class_id, w, unit::<T>(), |i| account("filler", i, tag.into()));
	classes::populate::grow_to::<T>(class_id, sortition::height_for(T::MaxWorkers::get()));
	class
}

/// Allows classes until `len` are allowed.
fn fill_allow_list<T: Config>(len: u32) {
	let mut tag = 0u8;
	while (AllowedClasses::<T>::get().len() as u32) < len {
		let _ = Workers::<T>::do_allow_class(longest_class::<T>(tag));
		tag = tag.wrapping_add(1);
	}
}

/// A registered worker with `bond`, full capacity and the longest class.
fn registered<T: Config>(
	name: &'static str,
	index: u32,
	bond: BalanceOf<T>,
) -> Result<T::AccountId, BenchmarkError> {
	let who = funded::<T>(name, index);
	Workers::<T>::do_register(&who, bond, T::MaxCapacity::get(), class_with::<T>(b'a', 0))
		.map_err(|_| BenchmarkError::Stop("cannot register a benchmark worker"))?;
	// In the trees, as a worker is from its first snapshot on.
	Workers::<T>::activate_all_now();
	Ok(who)
}

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(event.into());
}

fn set_block<T: Config>(n: u32) {
	frame_system::Pallet::<T>::set_block_number(BlockNumberFor::<T>::from(n));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// Worst case: the class's trees as high as `MaxWorkers` makes them and the longest
	// class (every path update walks all levels).
	#[benchmark]
	fn register() -> Result<(), BenchmarkError> {
		let class = class_with::<T>(b'a', 100);
		let caller = funded::<T>("caller", 0);
		let bond = unit::<T>();
		let capacity = T::MaxCapacity::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), bond, capacity, class);

		assert_eq!(WorkerCount::<T>::get(), 101);
		assert_eq!(T::Currency::balance_on_hold(&HoldReason::Bond.into(), &caller), bond);
		Ok(())
	}

	#[benchmark]
	fn bond_more() -> Result<(), BenchmarkError> {
		let caller = registered::<T>("caller", 0, unit::<T>())?;
		let amount = unit::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), amount);

		assert_last_event::<T>(Event::Bonded { who: caller, amount });
		Ok(())
	}

	// Worst case: all but one unlocking chunk in use, so the new one is searched for among
	// them and appended.
	#[benchmark]
	fn unbond() -> Result<(), BenchmarkError> {
		let chunks = T::MaxUnlockingChunks::get();
		let bond = unit::<T>().saturating_mul((chunks + 1).into());
		let caller = registered::<T>("caller", 0, bond)?;
		for block in 1..chunks {
			set_block::<T>(block);
			Workers::<T>::unbond(RawOrigin::Signed(caller.clone()).into(), unit::<T>())?;
		}
		set_block::<T>(chunks);
		let amount = unit::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), amount);

		let info = crate::Workers::<T>::get(&caller).ok_or("not a worker")?;
		assert_eq!(info.unlocking.len() as u32, chunks);
		Ok(())
	}

	// Worst case: every chunk in use and matured, the whole bond released, and the worker
	// (out of the trees since its snapshot without bond) deregistered.
	#[benchmark]
	fn withdraw_unbonded() -> Result<(), BenchmarkError> {
		let chunks = T::MaxUnlockingChunks::get().max(1);
		let bond = unit::<T>().saturating_mul(chunks.into());
		let caller = registered::<T>("caller", 0, bond)?;
		class_with::<T>(b'a', 100);
		for block in 1..=chunks {
			set_block::<T>(block);
			Workers::<T>::unbond(RawOrigin::Signed(caller.clone()).into(), unit::<T>())?;
		}
		Workers::<T>::activate_all_now();
		let matured = BlockNumberFor::<T>::from(chunks).saturating_add(T::UnbondingDelay::get());
		frame_system::Pallet::<T>::set_block_number(matured);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_last_event::<T>(Event::Deregistered { who: caller.clone() });
		assert!(T::Currency::balance_on_hold(&HoldReason::Bond.into(), &caller).is_zero());
		Ok(())
	}

	#[benchmark]
	fn set_capacity() -> Result<(), BenchmarkError> {
		let caller = registered::<T>("caller", 0, unit::<T>())?;
		let capacity = 1;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), capacity);

		assert_last_event::<T>(Event::CapacitySet { who: caller, capacity });
		Ok(())
	}

	// A new class is a snapshot scheduled: the leaf moves when it takes effect (see
	// `activate_snapshots`).
	#[benchmark]
	fn set_class() -> Result<(), BenchmarkError> {
		let caller = registered::<T>("caller", 0, unit::<T>())?;
		class_with::<T>(b'a', 100);
		let class = class_with::<T>(b'b', 100);
		let class_id = class_id_of(&class);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), class);

		assert_last_event::<T>(Event::ClassSet { who: caller, class_id });
		Ok(())
	}

	#[benchmark]
	fn pause() -> Result<(), BenchmarkError> {
		let caller = registered::<T>("caller", 0, unit::<T>())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_last_event::<T>(Event::Paused { who: caller });
		Ok(())
	}

	/// Worst case: the worker joins its class's volunteer tree, a write on every level.
	#[benchmark]
	fn set_volunteer() -> Result<(), BenchmarkError> {
		let caller = registered::<T>("caller", 0, unit::<T>())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), true);

		assert_last_event::<T>(Event::VolunteerSet { who: caller, volunteer: true });
		Ok(())
	}

	#[benchmark]
	fn resume() -> Result<(), BenchmarkError> {
		let caller = registered::<T>("caller", 0, unit::<T>())?;
		Workers::<T>::pause(RawOrigin::Signed(caller.clone()).into())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_last_event::<T>(Event::Resumed { who: caller });
		Ok(())
	}

	#[benchmark]
	fn contribute_to() -> Result<(), BenchmarkError> {
		let caller = registered::<T>("caller", 0, unit::<T>())?;
		let beneficiary: T::AccountId = account("validator", 0, SEED);
		let lookup = T::Lookup::unlookup(beneficiary.clone());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), Some(lookup));

		assert_last_event::<T>(Event::ContributionTargetSet { who: caller, beneficiary });
		Ok(())
	}

	// Worst case: the allow-list has room for just this one.
	#[benchmark]
	fn allow_class() -> Result<(), BenchmarkError> {
		fill_allow_list::<T>(T::MaxClasses::get().saturating_sub(1));
		let class = longest_class::<T>(b'z');
		let class_id = class_id_of(&class);

		#[extrinsic_call]
		_(RawOrigin::Root, class.clone());

		assert_last_event::<T>(Event::ClassAllowed { class_id, class });
		Ok(())
	}

	// Worst case: the class is the last of a full allow-list.
	#[benchmark]
	fn disallow_class() -> Result<(), BenchmarkError> {
		fill_allow_list::<T>(T::MaxClasses::get());
		let last = *AllowedClasses::<T>::get().last().ok_or("no class allowed")?;

		#[extrinsic_call]
		_(RawOrigin::Root, last);

		assert_last_event::<T>(Event::ClassDisallowed { class_id: last });
		Ok(())
	}

	// `WorkerRegistry::select` drawing 5 of a class of `w` workers whose trees are as high
	// as `MaxWorkers` makes them, each from a full walk, among a full allow-list, with 3 in
	// 4 workers paused since their snapshot (so about 15 candidates are turned down). The
	// weight must not grow with `w`.
	#[benchmark]
	fn select_workers(w: Linear<100, 100_000>) -> Result<(), BenchmarkError> {
		let class_id = class_id_of(&class_with::<T>(b'a', w));
		fill_allow_list::<T>(T::MaxClasses::get());
		for leaf in (0..w).filter(|leaf| leaf % 4 != 0) {
			let who = Leaves::<T>::get(class_id, leaf).ok_or("a leaf")?;
			crate::Workers::<T>::mutate(&who, |info| {
				if let Some(info) = info {
					info.paused = true;
				}
			});
		}
		let request = SelectionRequest {
			count: 5,
			min_reputation: Permill::zero(),
			exclude: &[],
			seed: H256::repeat_byte(42),
			purpose: Purpose::Replicas,
		};
		let drawn;

		#[block]
		{
			drawn = <Workers<T> as WorkerRegistry<T::AccountId>>::select(&request);
		}

		assert_eq!(drawn.map(|d| d.len()), Some(5));
		Ok(())
	}

	// `WorkerRegistry::slash` with `b` beneficiaries, each a new account (the worst case for
	// a transfer), for the largest share.
	#[benchmark]
	fn slash_worker(b: Linear<0, MAX_BENEFICIARIES>) -> Result<(), BenchmarkError> {
		let bond = unit::<T>()
			.saturating_add(T::Currency::minimum_balance())
			.saturating_mul((MAX_BENEFICIARIES * 100).into());
		let worker = registered::<T>("worker", 0, bond)?;
		let beneficiaries: Vec<T::AccountId> =
			(0..b).map(|i| account("beneficiary", i, SEED)).collect();
		let offence = [Offence::WrongResult, Offence::NoReveal, Offence::NoShow]
			.into_iter()
			.max_by_key(|offence| Workers::<T>::slash_share(*offence))
			.unwrap_or(Offence::WrongResult);
		let slashed;

		#[block]
		{
			slashed = <Workers<T> as WorkerRegistry<T::AccountId>>::slash(
				&worker,
				offence,
				&beneficiaries,
			);
		}

		assert_last_event::<T>(Event::Slashed { who: worker, offence, amount: slashed });
		Ok(())
	}

	// `on_initialize` applying `n` due snapshots, each the costliest: a worker moving from a
	// class (whose last leaf moves into its place) to another, both with the highest trees.
	#[benchmark]
	fn activate_snapshots(n: Linear<0, 32>) -> Result<(), BenchmarkError> {
		class_with::<T>(b'a', 100);
		let target = class_with::<T>(b'b', 100);
		let movers = (0..n)
			.map(|i| registered::<T>("mover", i, unit::<T>()))
			.collect::<Result<Vec<_>, _>>()?;
		for who in movers {
			Workers::<T>::set_class(RawOrigin::Signed(who).into(), target.clone())?;
		}
		let due = T::CurrentEpoch::get().saturating_add(T::SnapshotDelay::get());
		let applied;

		#[block]
		{
			applied = Workers::<T>::activate_due(due, n);
		}

		assert_eq!(applied, n);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, mock::new_test_ext(), mock::Test);
}
