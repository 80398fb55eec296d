//! Weights for `pallet_workers`, measured by `scripts/benchmark-pallets.sh`
//! (frame-omni-bencher, benchmark CLI 64.0.0) on 2026-11-30.
//! Steps: 20, repeat: 5. Machine: `vm`, CPU `AMD EPYC`.
//! Regenerate after changing the pallet; do not edit by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions of `pallet_workers`.
pub trait WeightInfo {
	fn register() -> Weight;
	fn bond_more() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn set_capacity() -> Weight;
	fn set_class() -> Weight;
	fn pause() -> Weight;
	fn resume() -> Weight;
	fn set_volunteer() -> Weight;
	fn contribute_to() -> Weight;
	fn allow_class() -> Weight;
	fn disallow_class() -> Weight;
	fn select_workers(w: u32, ) -> Weight;
	fn slash_worker(b: u32, ) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register() -> Weight {
		Weight::from_parts(658_896_000, 37299)
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
	}
	fn bond_more() -> Weight {
		Weight::from_parts(504_687_000, 37299)
			.saturating_add(T::DbWeight::get().reads(17_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(361_258_000, 37299)
			.saturating_add(T::DbWeight::get().reads(15_u64))
			.saturating_add(T::DbWeight::get().writes(14_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(1_065_017_000, 59643)
			.saturating_add(T::DbWeight::get().reads(28_u64))
			.saturating_add(T::DbWeight::get().writes(29_u64))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(85_761_000, 9369)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn set_class() -> Weight {
		Weight::from_parts(1_195_562_000, 95952)
			.saturating_add(T::DbWeight::get().reads(39_u64))
			.saturating_add(T::DbWeight::get().writes(40_u64))
	}
	fn pause() -> Weight {
		Weight::from_parts(258_986_000, 23334)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn resume() -> Weight {
		Weight::from_parts(251_021_000, 23334)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn set_volunteer() -> Weight {
		Weight::from_parts(251_021_000, 23334)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn contribute_to() -> Weight {
		Weight::from_parts(40_907_000, 4039)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn allow_class() -> Weight {
		Weight::from_parts(31_299_000, 3629)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn disallow_class() -> Weight {
		Weight::from_parts(43_792_000, 3629)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// `w` in `[100, 100000]`.
	fn select_workers(w: u32, ) -> Weight {
		Weight::from_parts(985_177_943, 41076)
			.saturating_add(Weight::from_parts(5_880, 0).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(28_u64))
	}
	/// `b` in `[0, 32]`.
	fn slash_worker(b: u32, ) -> Weight {
		Weight::from_parts(394_131_429, 37299)
			.saturating_add(Weight::from_parts(91_171_767, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(17_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes(16_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(b.into()))
	}
}

/// The same measurements with RocksDB weights, for tests.
impl WeightInfo for () {
	fn register() -> Weight {
		Weight::from_parts(658_896_000, 37299)
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
	}
	fn bond_more() -> Weight {
		Weight::from_parts(504_687_000, 37299)
			.saturating_add(RocksDbWeight::get().reads(17_u64))
			.saturating_add(RocksDbWeight::get().writes(16_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(361_258_000, 37299)
			.saturating_add(RocksDbWeight::get().reads(15_u64))
			.saturating_add(RocksDbWeight::get().writes(14_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(1_065_017_000, 59643)
			.saturating_add(RocksDbWeight::get().reads(28_u64))
			.saturating_add(RocksDbWeight::get().writes(29_u64))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(85_761_000, 9369)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_class() -> Weight {
		Weight::from_parts(1_195_562_000, 95952)
			.saturating_add(RocksDbWeight::get().reads(39_u64))
			.saturating_add(RocksDbWeight::get().writes(40_u64))
	}
	fn pause() -> Weight {
		Weight::from_parts(258_986_000, 23334)
			.saturating_add(RocksDbWeight::get().reads(10_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn resume() -> Weight {
		Weight::from_parts(251_021_000, 23334)
			.saturating_add(RocksDbWeight::get().reads(10_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn set_volunteer() -> Weight {
		Weight::from_parts(251_021_000, 23334)
			.saturating_add(RocksDbWeight::get().reads(10_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn contribute_to() -> Weight {
		Weight::from_parts(40_907_000, 4039)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn allow_class() -> Weight {
		Weight::from_parts(31_299_000, 3629)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn disallow_class() -> Weight {
		Weight::from_parts(43_792_000, 3629)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn select_workers(w: u32, ) -> Weight {
		Weight::from_parts(985_177_943, 41076)
			.saturating_add(Weight::from_parts(5_880, 0).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(28_u64))
	}
	fn slash_worker(b: u32, ) -> Weight {
		Weight::from_parts(394_131_429, 37299)
			.saturating_add(Weight::from_parts(91_171_767, 0).saturating_mul(b.into()))
			.saturating_add(RocksDbWeight::get().reads(17_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(RocksDbWeight::get().writes(16_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(b.into()))
	}
}
