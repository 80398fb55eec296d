//! Weights for `pallet_jobs`.
//!
//! PROVISIONAL: written in the layout of frame-benchmarking-cli's template, to be replaced by
//! the output of a real benchmark run on the reference machine:
//! `povc-node benchmark pallet --pallet pallet_jobs --extrinsic '*' --output pallets/jobs/src/weights.rs`
//! (see scripts/benchmark-pallets.sh).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_jobs`.
pub trait WeightInfo {
	fn upload_program(n: u32)-> Weight;
	fn upload_blob(n: u32)-> Weight;
	fn remove_blob()-> Weight;
	fn submit_job()-> Weight;
	fn cancel_job()-> Weight;
	fn commit()-> Weight;
	fn reveal(n: u32)-> Weight;
	fn clear_result()-> Weight;
	fn set_referees(n: u32)-> Weight;
	fn on_initialize_base()-> Weight;
	fn process_timeout()-> Weight;
	fn assign_queued()-> Weight;
}

/// Weights for `pallet_jobs` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: Blobs r:1 w:1, Programs r:0 w:1, Balances Holds r:1 w:1
	fn upload_program(n: u32) -> Weight {
		Weight::from_parts(60_000_000, 0)
			.saturating_add(Weight::from_parts(9_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: Blobs r:1 w:1, DataBlobs r:0 w:1, Balances Holds r:1 w:1
	fn upload_blob(n: u32) -> Weight {
		Weight::from_parts(40_000_000, 0)
			.saturating_add(Weight::from_parts(1_500, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: Blobs r:1 w:1, Programs w:1, Balances Holds r:1 w:1
	fn remove_blob() -> Weight {
		Weight::from_parts(45_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: Blobs, Workers (MaxWorkers), Registry, Holds, Jobs, Timeouts, Assignments
	fn submit_job() -> Weight {
		Weight::from_parts(2_500_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(300_u64))
			.saturating_add(T::DbWeight::get().writes(14_u64))
	}
	/// Storage: Jobs, Assignments, Workers, Blobs, Holds, Timeouts
	fn cancel_job() -> Weight {
		Weight::from_parts(250_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(14_u64))
			.saturating_add(T::DbWeight::get().writes(14_u64))
	}
	/// Storage: Jobs, Assignments, Timeouts
	fn commit() -> Weight {
		Weight::from_parts(60_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: Jobs, Assignments, Outputs, Workers, Registry, Holds, Timeouts (dispute or settlement)
	fn reveal(n: u32) -> Weight {
		Weight::from_parts(900_000_000, 0)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(40_u64))
			.saturating_add(T::DbWeight::get().writes(30_u64))
	}
	/// Storage: Jobs, Outputs, Holds
	fn clear_result() -> Weight {
		Weight::from_parts(50_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: ManagedReferees w:1
	fn set_referees(n: u32) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(20_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(0_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: Timeouts r:1 w:1, Queue r:1
	fn on_initialize_base() -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: Jobs, Assignments, Workers, Holds, Outputs, Timeouts
	fn process_timeout() -> Weight {
		Weight::from_parts(900_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(40_u64))
			.saturating_add(T::DbWeight::get().writes(30_u64))
	}
	/// Storage: Jobs, Workers (MaxWorkers), Registry, Assignments, Timeouts, Queue
	fn assign_queued() -> Weight {
		Weight::from_parts(2_500_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(300_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: Blobs r:1 w:1, Programs r:0 w:1, Balances Holds r:1 w:1
	fn upload_program(n: u32) -> Weight {
		Weight::from_parts(60_000_000, 0)
			.saturating_add(Weight::from_parts(9_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: Blobs r:1 w:1, DataBlobs r:0 w:1, Balances Holds r:1 w:1
	fn upload_blob(n: u32) -> Weight {
		Weight::from_parts(40_000_000, 0)
			.saturating_add(Weight::from_parts(1_500, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: Blobs r:1 w:1, Programs w:1, Balances Holds r:1 w:1
	fn remove_blob() -> Weight {
		Weight::from_parts(45_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: Blobs, Workers (MaxWorkers), Registry, Holds, Jobs, Timeouts, Assignments
	fn submit_job() -> Weight {
		Weight::from_parts(2_500_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(300_u64))
			.saturating_add(RocksDbWeight::get().writes(14_u64))
	}
	/// Storage: Jobs, Assignments, Workers, Blobs, Holds, Timeouts
	fn cancel_job() -> Weight {
		Weight::from_parts(250_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(14_u64))
			.saturating_add(RocksDbWeight::get().writes(14_u64))
	}
	/// Storage: Jobs, Assignments, Timeouts
	fn commit() -> Weight {
		Weight::from_parts(60_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: Jobs, Assignments, Outputs, Workers, Registry, Holds, Timeouts (dispute or settlement)
	fn reveal(n: u32) -> Weight {
		Weight::from_parts(900_000_000, 0)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(40_u64))
			.saturating_add(RocksDbWeight::get().writes(30_u64))
	}
	/// Storage: Jobs, Outputs, Holds
	fn clear_result() -> Weight {
		Weight::from_parts(50_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: ManagedReferees w:1
	fn set_referees(n: u32) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(20_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(0_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: Timeouts r:1 w:1, Queue r:1
	fn on_initialize_base() -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: Jobs, Assignments, Workers, Holds, Outputs, Timeouts
	fn process_timeout() -> Weight {
		Weight::from_parts(900_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(40_u64))
			.saturating_add(RocksDbWeight::get().writes(30_u64))
	}
	/// Storage: Jobs, Workers (MaxWorkers), Registry, Assignments, Timeouts, Queue
	fn assign_queued() -> Weight {
		Weight::from_parts(2_500_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(300_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
}
