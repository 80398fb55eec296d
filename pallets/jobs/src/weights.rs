//! Weights for `pallet_jobs`, measured by `scripts/benchmark-pallets.sh`
//! (frame-omni-bencher, benchmark CLI 64.0.0) on 2026-11-30.
//! Steps: 10, repeat: 3. Machine: `vm`, CPU `AMD EPYC`.
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
	fn draw_referees(w: u32, ) -> Weight;
	fn assign_queued(w: u32, ) -> Weight;
	fn fail_queued(w: u32, ) -> Weight;
	fn decide_contested_audit(w: u32, ) -> Weight;
	fn conclude_audit() -> Weight;
	fn prune_job() -> Weight;
	fn set_audit_rate() -> Weight;
	fn hash_batch_output(t: u32, ) -> Weight;
	fn conclude_narrowing(w: u32, ) -> Weight;
	fn reveal_before_last() -> Weight;
	fn start_audit(w: u32, ) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// `n` in `[1000, 2097152]`.
	fn upload_program(n: u32, ) -> Weight {
		Weight::from_parts(162_324_000, 3622)
			.saturating_add(Weight::from_parts(27_119, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// `n` in `[0, 1048576]`.
	fn upload_blob(n: u32, ) -> Weight {
		Weight::from_parts(277_323_819, 3622)
			.saturating_add(Weight::from_parts(13_724, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn remove_blob() -> Weight {
		Weight::from_parts(109_735_000, 3622)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// `w` in `[100, 100000]`.
	fn submit_job(w: u32, ) -> Weight {
		Weight::from_parts(289_593_614, 9679)
			.saturating_add(Weight::from_parts(1_162, 0).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(10_u64))
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(389_060_000, 9679)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn commit() -> Weight {
		Weight::from_parts(98_595_000, 7806)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn abstain() -> Weight {
		Weight::from_parts(109_956_000, 7806)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn reveal() -> Weight {
		Weight::from_parts(1_214_777_000, 16608)
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(18_u64))
	}
	/// `n` in `[0, 65536]`.
	fn reveal_verdict(n: u32, ) -> Weight {
		Weight::from_parts(2_537_038_084, 69053)
			.saturating_add(Weight::from_parts(25_207, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(43_u64))
			.saturating_add(T::DbWeight::get().writes(42_u64))
	}
	/// `n` in `[1, 65536]`.
	fn publish_output(n: u32, ) -> Weight {
		Weight::from_parts(1_199_092_358, 16608)
			.saturating_add(Weight::from_parts(16_466, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(17_u64))
	}
	fn clear_result() -> Weight {
		Weight::from_parts(211_517_000, 69053)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn on_initialize_base() -> Weight {
		Weight::from_parts(32_441_000, 9679)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// `w` in `[100, 100000]`.
	fn process_timeout(w: u32, ) -> Weight {
		Weight::from_parts(3_920_416_031, 69053)
			.saturating_add(Weight::from_parts(7_595, 0).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(92_u64))
			.saturating_add(T::DbWeight::get().writes(51_u64))
	}
	/// `w` in `[100, 100000]`.
	fn draw_referees(w: u32, ) -> Weight {
		Weight::from_parts(1_058_487_428, 25382)
			.saturating_add(Weight::from_parts(2_997, 0).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(32_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// `w` in `[100, 100000]`.
	fn assign_queued(w: u32, ) -> Weight {
		Weight::from_parts(1_184_845_724, 67091)
			.saturating_add(Weight::from_parts(9_430, 0).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(45_u64))
			.saturating_add(T::DbWeight::get().writes(15_u64))
	}
	/// `w` in `[100, 100000]`.
	fn fail_queued(w: u32, ) -> Weight {
		Weight::from_parts(3_000_000_000, 120000)
			.saturating_add(Weight::from_parts(20_000, 0).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(80_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	/// `w` in `[100, 100000]`.
	fn decide_contested_audit(w: u32, ) -> Weight {
		Weight::from_parts(5_072_766_951, 69053)
			.saturating_add(Weight::from_parts(9_836, 0).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(93_u64))
			.saturating_add(T::DbWeight::get().writes(54_u64))
	}
	fn conclude_audit() -> Weight {
		Weight::from_parts(350_908_000, 69053)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn prune_job() -> Weight {
		// Not measured yet (hand estimate, above what `decide_contested_audit`'s removals
		// cost): a job of `MaxAssignees` assignees, `MaxReplacements` replaced workers and
		// a stored result; rerun `scripts/benchmark-pallets.sh pallet_jobs`.
		Weight::from_parts(150_000_000, 69053)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(28_u64))
	}
	fn set_audit_rate() -> Weight {
		Weight::from_parts(19_536_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// `t` in `[2, 16384]`.
	fn hash_batch_output(t: u32, ) -> Weight {
		// Not measured by frame-omni-bencher yet (hand estimate: about three times the
		// 0.59 µs a task its body takes natively, `cargo bench --bench batch_digest`).
		Weight::from_parts(0, 0)
			.saturating_add(Weight::from_parts(1_600_000, 0).saturating_mul(t.into()))
	}
	/// `w` in `[100, 100000]`.
	fn conclude_narrowing(w: u32, ) -> Weight {
		// Not measured by frame-omni-bencher yet (hand estimate: `process_timeout`, whose
		// verdict slashes one worker and pays, credits and raises the reputation of up to
		// `MaxReplicas` + 2 before finishing the job; this slashes or pays each of up to
		// `MaxReplicas` replicas, credits nothing, and finishes it the same way).
		Self::process_timeout(w)
	}
	fn reveal_before_last() -> Weight {
		// Not measured by frame-omni-bencher yet (hand estimate: `commit`, which reads and
		// writes the same job and assignments, and a fifth more for the commitment's hash).
		Weight::from_parts(120_000_000, 7806)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// `w` in `[100, 100000]`.
	fn start_audit(w: u32, ) -> Weight {
		// Not measured by frame-omni-bencher yet (hand estimate: `draw_referees`, which
		// draws a committee of `RefereeCount` from the same pool where this draws one
		// auditor, or else `conclude_audit`, what a job the roll does not audit costs).
		Self::draw_referees(w).max(Self::conclude_audit())
	}
}

/// The same measurements with RocksDB weights, for tests.
impl WeightInfo for () {
	fn upload_program(n: u32, ) -> Weight {
		Weight::from_parts(162_324_000, 3622)
			.saturating_add(Weight::from_parts(27_119, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn upload_blob(n: u32, ) -> Weight {
		Weight::from_parts(277_323_819, 3622)
			.saturating_add(Weight::from_parts(13_724, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn remove_blob() -> Weight {
		Weight::from_parts(109_735_000, 3622)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn submit_job(w: u32, ) -> Weight {
		Weight::from_parts(289_593_614, 9679)
			.saturating_add(Weight::from_parts(1_162, 0).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(10_u64))
	}
	fn cancel_job() -> Weight {
		Weight::from_parts(389_060_000, 9679)
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn commit() -> Weight {
		Weight::from_parts(98_595_000, 7806)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn abstain() -> Weight {
		Weight::from_parts(109_956_000, 7806)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn reveal() -> Weight {
		Weight::from_parts(1_214_777_000, 16608)
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(18_u64))
	}
	fn reveal_verdict(n: u32, ) -> Weight {
		Weight::from_parts(2_537_038_084, 69053)
			.saturating_add(Weight::from_parts(25_207, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(43_u64))
			.saturating_add(RocksDbWeight::get().writes(42_u64))
	}
	fn publish_output(n: u32, ) -> Weight {
		Weight::from_parts(1_199_092_358, 16608)
			.saturating_add(Weight::from_parts(16_466, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(17_u64))
	}
	fn clear_result() -> Weight {
		Weight::from_parts(211_517_000, 69053)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn on_initialize_base() -> Weight {
		Weight::from_parts(32_441_000, 9679)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn process_timeout(w: u32, ) -> Weight {
		Weight::from_parts(3_920_416_031, 69053)
			.saturating_add(Weight::from_parts(7_595, 0).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(92_u64))
			.saturating_add(RocksDbWeight::get().writes(51_u64))
	}
	fn draw_referees(w: u32, ) -> Weight {
		Weight::from_parts(1_058_487_428, 25382)
			.saturating_add(Weight::from_parts(2_997, 0).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(32_u64))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
	}
	fn assign_queued(w: u32, ) -> Weight {
		Weight::from_parts(1_184_845_724, 67091)
			.saturating_add(Weight::from_parts(9_430, 0).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(45_u64))
			.saturating_add(RocksDbWeight::get().writes(15_u64))
	}
	fn fail_queued(w: u32, ) -> Weight {
		Weight::from_parts(3_000_000_000, 120000)
			.saturating_add(Weight::from_parts(20_000, 0).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(80_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
	fn decide_contested_audit(w: u32, ) -> Weight {
		Weight::from_parts(5_072_766_951, 69053)
			.saturating_add(Weight::from_parts(9_836, 0).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(93_u64))
			.saturating_add(RocksDbWeight::get().writes(54_u64))
	}
	fn conclude_audit() -> Weight {
		Weight::from_parts(350_908_000, 69053)
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn prune_job() -> Weight {
		// Not measured yet (hand estimate, above what `decide_contested_audit`'s removals
		// cost): a job of `MaxAssignees` assignees, `MaxReplacements` replaced workers and
		// a stored result; rerun `scripts/benchmark-pallets.sh pallet_jobs`.
		Weight::from_parts(150_000_000, 69053)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(28_u64))
	}
	fn set_audit_rate() -> Weight {
		Weight::from_parts(19_536_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// `t` in `[2, 16384]`.
	fn hash_batch_output(t: u32, ) -> Weight {
		// Not measured by frame-omni-bencher yet (hand estimate: about three times the
		// 0.59 µs a task its body takes natively, `cargo bench --bench batch_digest`).
		Weight::from_parts(0, 0)
			.saturating_add(Weight::from_parts(1_600_000, 0).saturating_mul(t.into()))
	}
	/// `w` in `[100, 100000]`.
	fn conclude_narrowing(w: u32, ) -> Weight {
		// Not measured by frame-omni-bencher yet (hand estimate: `process_timeout`, whose
		// verdict slashes one worker and pays, credits and raises the reputation of up to
		// `MaxReplicas` + 2 before finishing the job; this slashes or pays each of up to
		// `MaxReplicas` replicas, credits nothing, and finishes it the same way).
		Self::process_timeout(w)
	}
	fn reveal_before_last() -> Weight {
		// Not measured by frame-omni-bencher yet (hand estimate: `commit`, which reads and
		// writes the same job and assignments, and a fifth more for the commitment's hash).
		Weight::from_parts(120_000_000, 7806)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// `w` in `[100, 100000]`.
	fn start_audit(w: u32, ) -> Weight {
		// Not measured by frame-omni-bencher yet (hand estimate: `draw_referees`, which
		// draws a committee of `RefereeCount` from the same pool where this draws one
		// auditor, or else `conclude_audit`, what a job the roll does not audit costs).
		Self::draw_referees(w).max(Self::conclude_audit())
	}
}
