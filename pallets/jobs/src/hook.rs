//! The block hook: the work `on_initialize` does in each block, within a weight budget.
//!
//! **Rule.** `on_initialize` spends at most [`Config::MaxHookWeight`] (povc's runtime:
//! half a block). A step is taken only if the budget has room for its benchmarked worst
//! case at the registry's current size:
//! 1. due timeouts ([`crate::timeouts`]), with at most half of the budget; each is
//!    charged the end of its own job's phase ([`Pallet::timeout_weight_of`]), learned
//!    with one read;
//! 2. due prunings of finished jobs, with at most an eighth, each charged its worst case;
//! 3. draws of queued jobs ([`crate::submission`]), front first, with all that is left (at
//!    least three eighths): the queue drains by weight, not by a count. A draw needs room
//!    for its dearest outcome and is charged the outcome it had (drawn, or not).
//!
//! `on_idle` prunes more with the weight the block's extrinsics left. What does not fit
//! waits for the next blocks: a phase then ends later than scheduled, never earlier.
//!
//! **Attack answered.** Blanked blocks: each pruning used to be charged like the dearest
//! timeout, and up to 40 of each a block charged 2.6 s against a 2 s block, so a burst of
//! finished jobs (cheap: submit, then cancel) left no room for extrinsics. Now, whatever
//! the backlog, half of every block stays for extrinsics, and each kind of work keeps its
//! share: a backlog of prunings never holds up phase ends or draws, nor one of timeouts
//! the draws. Throughput: charged the dearest timeout (a contested audit's verdict), the
//! end of each verified job's audit delay capped the market at about 40 jobs a block;
//! charged its own benchmark, about a fifth of that. **What remains**: a sustained
//! backlog delays phase ends and draws (queued jobs pay their queue fee while they wait).

use crate::{weights::WeightInfo, Config, Pallet};
use frame_support::weights::{Weight, WeightMeter};
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::WorkerRegistry;
use sp_core::Get;

impl<T: Config> Pallet<T> {
	/// The block hook: timeouts, prunings and draws within `MaxHookWeight`. Returns the
	/// weight it used.
	pub(crate) fn run_hook(now: BlockNumberFor<T>) -> Weight {
		let limit = T::MaxHookWeight::get();
		let mut meter = WeightMeter::with_limit(limit);
		if meter.try_consume(T::WeightInfo::on_initialize_base()).is_err() {
			return Weight::zero();
		}
		Self::within(&mut meter, limit / 2, |share| Self::process_timeouts(now, share));
		Self::within(&mut meter, limit / 8, |share| Self::process_prunings(now, share));
		Self::assign_from_queue(now, &mut meter);
		meter.consumed()
	}

	/// Prunes finished jobs with the weight the block left (`on_idle`). Returns the weight
	/// it used.
	pub(crate) fn run_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(remaining);
		Self::process_prunings(now, &mut meter);
		meter.consumed()
	}

	/// Runs `step` with at most `share` of what `meter` has left, and charges it to
	/// `meter`.
	fn within(meter: &mut WeightMeter, share: Weight, step: impl FnOnce(&mut WeightMeter)) {
		let mut part = WeightMeter::with_limit(meter.remaining().min(share));
		step(&mut part);
		meter.consume(part.consumed());
	}

	/// The registry size the hook's steps are charged at: the workers registered now
	/// (read once per step), which nothing in the hook changes, and at most `MaxWorkers`.
	/// Charging at `MaxWorkers` (2 million in povc's runtime) made a draw cost about seven
	/// times what a registry of a few thousand takes, and left most of the hook unused.
	pub fn registry_size() -> u32 {
		T::Workers::registered().min(T::Workers::max_workers())
	}

	/// The dearest step ending a phase can take with `workers` registered: what a due
	/// timeout whose phase is not known yet may cost.
	pub fn timeout_weight(workers: u32) -> Weight {
		T::WeightInfo::process_timeout(workers)
			.max(T::WeightInfo::draw_referees(workers))
			.max(T::WeightInfo::decide_contested_audit(workers))
			.max(T::WeightInfo::conclude_audit())
			.max(T::WeightInfo::conclude_narrowing(workers))
			.max(T::WeightInfo::start_audit(workers))
	}

	/// What ending a phase of `state` is charged with `workers` registered, besides the
	/// read that learned the phase: the benchmark of that phase's end where one measures
	/// all its outcomes, else the dearest ([`Pallet::timeout_weight`]). The end of every
	/// verified job's audit delay, the one timeout of the honest path, costs about a fifth
	/// of the dearest (a contested audit's verdict): charged the dearest, it capped the
	/// market at about 40 verified jobs a block.
	pub fn timeout_weight_of(state: &crate::JobState, workers: u32) -> Weight {
		use crate::JobState;
		match state {
			JobState::AuditPending => T::WeightInfo::start_audit(workers),
			JobState::DrawingReferees => T::WeightInfo::draw_referees(workers),
			JobState::Narrowing => T::WeightInfo::conclude_narrowing(workers),
			_ => Self::timeout_weight(workers),
		}
	}

	/// The least [`Pallet::timeout_weight_of`] charges with `workers` registered.
	pub(crate) fn cheapest_timeout(workers: u32) -> Weight {
		use crate::JobState;
		[JobState::AuditPending, JobState::DrawingReferees, JobState::Narrowing]
			.iter()
			.map(|phase| Self::timeout_weight_of(phase, workers))
			.fold(Self::timeout_weight(workers), |least, weight| least.min(weight))
	}

	/// What one queued job tried is charged with `workers` registered: it is drawn (and
	/// pays its queue fee) or fails its draw, perhaps its last (then it fails and is
	/// refunded).
	pub fn draw_weight(workers: u32) -> Weight {
		T::WeightInfo::assign_queued(workers).max(T::WeightInfo::fail_queued(workers))
	}

	/// How many items of `weight` each, with two storage reads of walk each, fit in what
	/// `meter` has left.
	pub fn room_for(meter: &WeightMeter, weight: Weight) -> u32 {
		let item = weight.saturating_add(T::DbWeight::get().reads(2));
		let room = meter.remaining().checked_div_per_component(&item).unwrap_or(u64::MAX);
		room.min(u32::MAX.into()) as u32
	}
}
