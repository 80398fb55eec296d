//! Weights for `pallet_jobs`, measured by `scripts/benchmark-pallets.sh`
//! (frame-omni-bencher, benchmark CLI 64.0.0) on 2026-11-21.
//! Steps: 20, repeat: 5. Machine: `vm`, CPU `AMD EPYC`.
//! Regenerate after changing the pallet; do not edit by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions of `pallet_jobs`.
pub trait WeightInfo {
	fn upload_program(n: u32, ) -> Weight;
	fn upload_blob(n: u32, ) -> Weight;
	fn remove_blob() -> Weight;
	fn submit_job(w: u32, ) -> Weight;
	fn cancel_job() -> Weight;
	fn commit() -> Weight;
	fn abstain() -> Weight;
	fn reveal() -> Weight;
	fn reveal_verdict(n: u32, ) -> Weight;
	fn publish_output(n: u32, ) -> Weight;
	fn clear_result() -> Weight;
	fn on_initialize_base() -> Weight;
	fn process_timeout(w: u32, ) -> Weight;
	fn assign_queued(w: u32, ) -> Weight;
	fn draw_referees(w: u32, ) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// `n` in `[1000, 2097152]`.
	fn upload_program(n: u32, ) -> Weight {
		Weight::from_parts(163_362_663, 3604)
			.saturating_add(Weight::from_parts(12_176, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// `n` in `[0, 1048576]`.
	fn upload_blob(n: u32, ) -> Weight {
		Weight::from_parts(55_267_991, 3604)
			.saturating_add(Weight::from_parts(7_479, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn remove_blob() -> Weight {
		Weight::from_parts(42_713_000, 3604)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// `w` in `[100, 100000]`.
	fn submit_job(_w: u32, ) -> Weight {
		Weight::from_parts(2_251_155_000, 1541086)
			.saturating_add(T::DbWeight::get().reads(524_u64))
			.saturating_add(T::DbWeight::get().writes(19_u64))
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(204_204_000, 16030)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn commit() -> Weight {
		Weight::from_parts(76_534_000, 7805)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn abstain() -> Weight {
		Weight::from_parts(90_000_000, 9000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// `n` in `[0, 65536]`.
	/// Estimated from the last measured `reveal(n)` until the next benchmark run.
	fn reveal() -> Weight {
		Weight::from_parts(574_233_026, 69053)
			.saturating_add(Weight::from_parts(240_000_000, 32768))
			.saturating_add(T::DbWeight::get().reads(120_u64))
			.saturating_add(T::DbWeight::get().writes(120_u64))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(17_u64))
	}
	/// Estimated from the last measured `reveal(n)` until the next benchmark run.
	fn reveal_verdict(n: u32, ) -> Weight {
		Weight::from_parts(574_233_026, 69053)
			.saturating_add(Weight::from_parts(240_000_000, 32768))
			.saturating_add(T::DbWeight::get().reads(120_u64))
			.saturating_add(T::DbWeight::get().writes(120_u64))
			.saturating_add(Weight::from_parts(7_200, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(17_u64))
	}
	/// Estimated from the last measured `reveal(n)` until the next benchmark run.
	fn publish_output(n: u32, ) -> Weight {
		Weight::from_parts(574_233_026, 69053)
			.saturating_add(Weight::from_parts(240_000_000, 32768))
			.saturating_add(T::DbWeight::get().reads(120_u64))
			.saturating_add(T::DbWeight::get().writes(120_u64))
			.saturating_add(Weight::from_parts(7_200, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(17_u64))
	}
	fn clear_result() -> Weight {
		Weight::from_parts(135_082_000, 69053)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn on_initialize_base() -> Weight {
		Weight::from_parts(4_957_000, 9679)
			.saturating_add(T::DbWeight::get().reads(2_u64))
	}
	/// `w` in `[100, 100000]`.
	fn process_timeout(_w: u32, ) -> Weight {
		Weight::from_parts(769_868_000, 69053)
			// Releasing and slashing up to 8 workers now also moves their leaves in the
			// registry's sortition trees; estimated until the next benchmark run.
			.saturating_add(Weight::from_parts(240_000_000, 32768))
			.saturating_add(T::DbWeight::get().reads(120_u64))
			.saturating_add(T::DbWeight::get().writes(120_u64))
			.saturating_add(T::DbWeight::get().reads(27_u64))
			.saturating_add(T::DbWeight::get().writes(27_u64))
	}
	/// `w` in `[100, 100000]`.
	fn assign_queued(_w: u32, ) -> Weight {
		Weight::from_parts(2_600_337_000, 1541086)
			.saturating_add(T::DbWeight::get().reads(522_u64))
			.saturating_add(T::DbWeight::get().writes(15_u64))
	}
	/// `w` in `[100, 100000]`. Estimated like `assign_queued` until the next benchmark run.
	fn draw_referees(_w: u32, ) -> Weight {
		Weight::from_parts(2_600_337_000, 1541086)
			.saturating_add(T::DbWeight::get().reads(522_u64))
			.saturating_add(T::DbWeight::get().writes(15_u64))
	}
}

/// The same measurements with RocksDB weights, for tests.
impl WeightInfo for () {
	fn upload_program(n: u32, ) -> Weight {
		Weight::from_parts(163_362_663, 3604)
			.saturating_add(Weight::from_parts(12_176, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn upload_blob(n: u32, ) -> Weight {
		Weight::from_parts(55_267_991, 3604)
			.saturating_add(Weight::from_parts(7_479, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn remove_blob() -> Weight {
		Weight::from_parts(42_713_000, 3604)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// `w` in `[100, 100000]`.
	fn submit_job(_w: u32, ) -> Weight {
		Weight::from_parts(2_251_155_000, 1541086)
			.saturating_add(RocksDbWeight::get().reads(524_u64))
			.saturating_add(RocksDbWeight::get().writes(19_u64))
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(204_204_000, 16030)
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn commit() -> Weight {
		Weight::from_parts(76_534_000, 7805)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn abstain() -> Weight {
		Weight::from_parts(90_000_000, 9000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Estimated from the last measured `reveal(n)` until the next benchmark run.
	fn reveal() -> Weight {
		Weight::from_parts(574_233_026, 69053)
			.saturating_add(Weight::from_parts(240_000_000, 32768))
			.saturating_add(RocksDbWeight::get().reads(120_u64))
			.saturating_add(RocksDbWeight::get().writes(120_u64))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(17_u64))
	}
	/// Estimated from the last measured `reveal(n)` until the next benchmark run.
	fn reveal_verdict(n: u32, ) -> Weight {
		Weight::from_parts(574_233_026, 69053)
			.saturating_add(Weight::from_parts(240_000_000, 32768))
			.saturating_add(RocksDbWeight::get().reads(120_u64))
			.saturating_add(RocksDbWeight::get().writes(120_u64))
			.saturating_add(Weight::from_parts(7_200, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(17_u64))
	}
	/// Estimated from the last measured `reveal(n)` until the next benchmark run.
	fn publish_output(n: u32, ) -> Weight {
		Weight::from_parts(574_233_026, 69053)
			.saturating_add(Weight::from_parts(240_000_000, 32768))
			.saturating_add(RocksDbWeight::get().reads(120_u64))
			.saturating_add(RocksDbWeight::get().writes(120_u64))
			.saturating_add(Weight::from_parts(7_200, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(17_u64))
	}
	fn clear_result() -> Weight {
		Weight::from_parts(135_082_000, 69053)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn on_initialize_base() -> Weight {
		Weight::from_parts(4_957_000, 9679)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
	}
	/// `w` in `[100, 100000]`.
	fn process_timeout(_w: u32, ) -> Weight {
		Weight::from_parts(769_868_000, 69053)
			// Releasing and slashing up to 8 workers now also moves their leaves in the
			// registry's sortition trees; estimated until the next benchmark run.
			.saturating_add(Weight::from_parts(240_000_000, 32768))
			.saturating_add(RocksDbWeight::get().reads(120_u64))
			.saturating_add(RocksDbWeight::get().writes(120_u64))
			.saturating_add(RocksDbWeight::get().reads(27_u64))
			.saturating_add(RocksDbWeight::get().writes(27_u64))
	}
	/// `w` in `[100, 100000]`.
	fn assign_queued(_w: u32, ) -> Weight {
		Weight::from_parts(2_600_337_000, 1541086)
			.saturating_add(RocksDbWeight::get().reads(522_u64))
			.saturating_add(RocksDbWeight::get().writes(15_u64))
	}
	/// `w` in `[100, 100000]`. Estimated like `assign_queued` until the next benchmark run.
	fn draw_referees(_w: u32, ) -> Weight {
		Weight::from_parts(2_600_337_000, 1541086)
			.saturating_add(RocksDbWeight::get().reads(522_u64))
			.saturating_add(RocksDbWeight::get().writes(15_u64))
	}
}
