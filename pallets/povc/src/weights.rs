//! Weights for `pallet_povc`, measured by `scripts/benchmark-pallets.sh`
//! (frame-omni-bencher, benchmark CLI 64.0.0) on 2026-11-30.
//! Steps: 10, repeat: 3. Machine: `vm`, CPU `AMD EPYC`.
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
	fn accept_referee() -> Weight;
	fn revoke_referee() -> Weight;
	fn reward_author() -> Weight;
	fn approve_project() -> Weight;
	fn update_project() -> Weight;
	fn remove_project() -> Weight;
	fn punish() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn validate() -> Weight {
		Weight::from_parts(4_359_295_000, 656052)
			.saturating_add(T::DbWeight::get().reads(521_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn chill() -> Weight {
		Weight::from_parts(125_265_000, 3622)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn accept_referee() -> Weight {
		Weight::from_parts(260_238_000, 26127)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn revoke_referee() -> Weight {
		Weight::from_parts(236_073_000, 26127)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn reward_author() -> Weight {
		Weight::from_parts(66_695_000, 3593)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn approve_project() -> Weight {
		Weight::from_parts(58_229_000, 3889)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn update_project() -> Weight {
		Weight::from_parts(75_712_000, 3889)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn remove_project() -> Weight {
		Weight::from_parts(65_613_000, 3889)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	// Not measured yet (frame-omni-bencher was not at hand): an estimate from `chill` and
	// `revoke_referee` for its reads and writes. Regenerate with scripts/benchmark-pallets.sh.
	fn punish() -> Weight {
		Weight::from_parts(200_000_000, 26127)
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
}

/// The same measurements with RocksDB weights, for tests.
impl WeightInfo for () {
	fn validate() -> Weight {
		Weight::from_parts(4_359_295_000, 656052)
			.saturating_add(RocksDbWeight::get().reads(521_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn chill() -> Weight {
		Weight::from_parts(125_265_000, 3622)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn accept_referee() -> Weight {
		Weight::from_parts(260_238_000, 26127)
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn revoke_referee() -> Weight {
		Weight::from_parts(236_073_000, 26127)
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn reward_author() -> Weight {
		Weight::from_parts(66_695_000, 3593)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn approve_project() -> Weight {
		Weight::from_parts(58_229_000, 3889)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn update_project() -> Weight {
		Weight::from_parts(75_712_000, 3889)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn remove_project() -> Weight {
		Weight::from_parts(65_613_000, 3889)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	// Not measured yet (frame-omni-bencher was not at hand): an estimate from `chill` and
	// `revoke_referee` for its reads and writes. Regenerate with scripts/benchmark-pallets.sh.
	fn punish() -> Weight {
		Weight::from_parts(200_000_000, 26127)
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().writes(7_u64))
	}
}
