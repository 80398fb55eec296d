//! Weights for `pallet_workers`, measured by `scripts/benchmark-pallets.sh`
//! (frame-omni-bencher, benchmark CLI 64.0.0) on 2026-11-21.
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
		Weight::from_parts(172_598_000, 17871)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn bond_more() -> Weight {
		Weight::from_parts(50_716_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(11_908_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(178_546_000, 17871)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(9_695_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn set_class() -> Weight {
		Weight::from_parts(10_205_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn pause() -> Weight {
		Weight::from_parts(9_304_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn resume() -> Weight {
		Weight::from_parts(9_494_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn contribute_to() -> Weight {
		Weight::from_parts(9_485_000, 3998)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn allow_class() -> Weight {
		Weight::from_parts(20_000_000, 3998)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn disallow_class() -> Weight {
		Weight::from_parts(20_000_000, 3998)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// `w` in `[100, 100000]`.
	fn select_workers(w: u32, ) -> Weight {
		Weight::from_parts(7_411_000, 17871)
			.saturating_add(Weight::from_parts(5_072_546, 0).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(w.into())))
			.saturating_add(Weight::from_parts(0, 3008).saturating_mul(w.into()))
	}
	/// `b` in `[0, 32]`.
	fn slash_worker(b: u32, ) -> Weight {
		Weight::from_parts(18_245_475, 3998)
			.saturating_add(Weight::from_parts(33_539_102, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(b.into()))
	}
}

/// The same measurements with RocksDB weights, for tests.
impl WeightInfo for () {
	fn register() -> Weight {
		Weight::from_parts(172_598_000, 17871)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn bond_more() -> Weight {
		Weight::from_parts(50_716_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(11_908_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(178_546_000, 17871)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(9_695_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_class() -> Weight {
		Weight::from_parts(10_205_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn pause() -> Weight {
		Weight::from_parts(9_304_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn resume() -> Weight {
		Weight::from_parts(9_494_000, 3998)
			// Sortition trees, estimated until the next benchmark run: the class, two
			// leaves, two paths of 6 levels, a moved leaf.
			.saturating_add(Weight::from_parts(60_000_000, 8192))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn contribute_to() -> Weight {
		Weight::from_parts(9_485_000, 3998)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn allow_class() -> Weight {
		Weight::from_parts(20_000_000, 3998)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn disallow_class() -> Weight {
		Weight::from_parts(20_000_000, 3998)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// `w` in `[100, 100000]`.
	fn select_workers(w: u32, ) -> Weight {
		Weight::from_parts(7_411_000, 17871)
			.saturating_add(Weight::from_parts(5_072_546, 0).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(w.into())))
			.saturating_add(Weight::from_parts(0, 3008).saturating_mul(w.into()))
	}
	fn slash_worker(b: u32, ) -> Weight {
		Weight::from_parts(18_245_475, 3998)
			.saturating_add(Weight::from_parts(33_539_102, 0).saturating_mul(b.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(b.into()))
	}
}
