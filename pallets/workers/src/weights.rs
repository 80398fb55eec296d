//! Weights for `pallet_workers`, measured by `scripts/benchmark-pallets.sh`
//! (frame-omni-bencher, benchmark CLI 64.0.0) on 2026-11-30.
//! Steps: 10, repeat: 3. Machine: `vm`, CPU `AMD EPYC`.
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
	fn set_volunteer() -> Weight;
	fn resume() -> Weight;
	fn contribute_to() -> Weight;
	fn allow_class() -> Weight;
	fn disallow_class() -> Weight;
	fn select_workers(w: u32, ) -> Weight;
	fn slash_worker(b: u32, ) -> Weight;
	fn activate_snapshots(n: u32, ) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register() -> Weight {
		Weight::from_parts(617_547_000, 40092)
			.saturating_add(T::DbWeight::get().reads(19_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
	}
	fn bond_more() -> Weight {
		Weight::from_parts(529_292_000, 40092)
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(397_526_000, 40092)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(14_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(1_351_144_000, 79194)
			.saturating_add(T::DbWeight::get().reads(35_u64))
			.saturating_add(T::DbWeight::get().writes(36_u64))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(138_770_000, 12162)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn set_class() -> Weight {
		Weight::from_parts(1_922_815_000, 118296)
			.saturating_add(T::DbWeight::get().reads(47_u64))
			.saturating_add(T::DbWeight::get().writes(47_u64))
	}
	fn pause() -> Weight {
		Weight::from_parts(274_695_000, 26127)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn set_volunteer() -> Weight {
		Weight::from_parts(270_297_000, 26127)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn resume() -> Weight {
		Weight::from_parts(197_220_000, 26127)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn contribute_to() -> Weight {
		Weight::from_parts(46_878_000, 4040)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn allow_class() -> Weight {
		Weight::from_parts(56_186_000, 3649)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn disallow_class() -> Weight {
		Weight::from_parts(50_074_000, 3649)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// `w` in `[100, 100000]`.
	fn select_workers(w: u32, ) -> Weight {
		Weight::from_parts(1_009_836_455, 38247)
			.saturating_add(Weight::from_parts(4_969, 0).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(27_u64))
	}
	/// `b` in `[0, 32]`.
	fn slash_worker(b: u32, ) -> Weight {
		Weight::from_parts(449_997_855, 40092)
			.saturating_add(Weight::from_parts(92_255_213, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes(16_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(b.into()))
	}
	/// `n` in `[0, 32]`.
	fn activate_snapshots(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1500)
			.saturating_add(Weight::from_parts(2_000_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((50_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((50_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 120000).saturating_mul(n.into()))
	}
}

/// The same measurements with RocksDB weights, for tests.
impl WeightInfo for () {
	fn register() -> Weight {
		Weight::from_parts(617_547_000, 40092)
			.saturating_add(RocksDbWeight::get().reads(19_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
	}
	fn bond_more() -> Weight {
		Weight::from_parts(529_292_000, 40092)
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(16_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(397_526_000, 40092)
			.saturating_add(RocksDbWeight::get().reads(16_u64))
			.saturating_add(RocksDbWeight::get().writes(14_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(1_351_144_000, 79194)
			.saturating_add(RocksDbWeight::get().reads(35_u64))
			.saturating_add(RocksDbWeight::get().writes(36_u64))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(138_770_000, 12162)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_class() -> Weight {
		Weight::from_parts(1_922_815_000, 118296)
			.saturating_add(RocksDbWeight::get().reads(47_u64))
			.saturating_add(RocksDbWeight::get().writes(47_u64))
	}
	fn pause() -> Weight {
		Weight::from_parts(274_695_000, 26127)
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn set_volunteer() -> Weight {
		Weight::from_parts(270_297_000, 26127)
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn resume() -> Weight {
		Weight::from_parts(197_220_000, 26127)
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn contribute_to() -> Weight {
		Weight::from_parts(46_878_000, 4040)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn allow_class() -> Weight {
		Weight::from_parts(56_186_000, 3649)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn disallow_class() -> Weight {
		Weight::from_parts(50_074_000, 3649)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn select_workers(w: u32, ) -> Weight {
		Weight::from_parts(1_009_836_455, 38247)
			.saturating_add(Weight::from_parts(4_969, 0).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(27_u64))
	}
	fn slash_worker(b: u32, ) -> Weight {
		Weight::from_parts(449_997_855, 40092)
			.saturating_add(Weight::from_parts(92_255_213, 0).saturating_mul(b.into()))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(RocksDbWeight::get().writes(16_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(b.into()))
	}
	fn activate_snapshots(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1500)
			.saturating_add(Weight::from_parts(2_000_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((50_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((50_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 120000).saturating_mul(n.into()))
	}
}
