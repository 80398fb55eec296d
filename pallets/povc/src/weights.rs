//! Weights for `pallet_povc`, measured by `scripts/benchmark-pallets.sh`
//! (frame-omni-bencher, benchmark CLI 64.0.0) on 2026-11-21.
//! Steps: 20, repeat: 5. Machine: `vm`, CPU `AMD EPYC`.
//! Regenerate after changing the pallet; do not edit by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions of `pallet_povc`.
pub trait WeightInfo {
	fn validate() -> Weight;
	fn chill() -> Weight;
	fn reward_author() -> Weight;
	fn accept_referee() -> Weight;
	fn revoke_referee() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn validate() -> Weight {
		Weight::from_parts(18_467_000, 4004)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn chill() -> Weight {
		Weight::from_parts(14_281_000, 3513)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn reward_author() -> Weight {
		Weight::from_parts(25_939_000, 3593)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Estimated (a worker record and one path of its class's referee tree, 8 levels)
	/// until the next benchmark run.
	fn accept_referee() -> Weight {
		Weight::from_parts(150_000_000, 8192)
			.saturating_add(T::DbWeight::get().reads(14_u64))
			.saturating_add(T::DbWeight::get().writes(10_u64))
	}
	/// Estimated like `accept_referee` until the next benchmark run.
	fn revoke_referee() -> Weight {
		Weight::from_parts(150_000_000, 8192)
			.saturating_add(T::DbWeight::get().reads(14_u64))
			.saturating_add(T::DbWeight::get().writes(10_u64))
	}
}

/// The same measurements with RocksDB weights, for tests.
impl WeightInfo for () {
	fn validate() -> Weight {
		Weight::from_parts(18_467_000, 4004)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn chill() -> Weight {
		Weight::from_parts(14_281_000, 3513)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn reward_author() -> Weight {
		Weight::from_parts(25_939_000, 3593)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Estimated (a worker record and one path of its class's referee tree, 8 levels)
	/// until the next benchmark run.
	fn accept_referee() -> Weight {
		Weight::from_parts(150_000_000, 8192)
			.saturating_add(RocksDbWeight::get().reads(14_u64))
			.saturating_add(RocksDbWeight::get().writes(10_u64))
	}
	/// Estimated like `accept_referee` until the next benchmark run.
	fn revoke_referee() -> Weight {
		Weight::from_parts(150_000_000, 8192)
			.saturating_add(RocksDbWeight::get().reads(14_u64))
			.saturating_add(RocksDbWeight::get().writes(10_u64))
	}
}
