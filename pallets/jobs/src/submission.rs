//! Submission and the queue.
//!
//! **Rule.** [`Pallet::submit_job`](crate::Pallet::submit_job) checks the spec (replicas,
//! tasks and their inputs, fuel, output size, reputation floor, and a deadline that leaves
//! room for the draw, a replica round and a dispute), holds the whole escrow ([`crate::escrow`], with the queue
//! allowance) and queues the job. It is never drawn in the block that includes it: from
//! `DrawDelay` blocks after its submission, `on_initialize` tries as many queued jobs,
//! front first, as its weight budget allows ([`crate::hook`], [`crate::draw`]), and one
//! that cannot be served yet goes to the back of the queue. A job can be cancelled,
//! refunded less its queue fee, only while it is queued. Waiting costs its occupant:
//! - every block a job waits after its `DrawDelay` burns `QueueFeePerBlock` of its
//!   escrow, charged when it leaves the queue (drawn, failed, cancelled or timed out);
//! - a job whose `MaxFailedDraws`-th draw finds no eligible workers fails
//!   `NoEligibleWorkers`, and one not drawn `MaxQueueWait` blocks after its first draw (or
//!   by its latest start) fails `NotEnoughWorkers`; both are refunded less the fee;
//! - one account holds at most `MaxQueuedPerAccount` queue entries
//!   ([`Error::TooManyQueued`]).
//!
//! **Attacks answered.** Neither the requester nor the author of the block that includes
//! the submission knows the randomness of its draw. A requester cannot re-roll a draw by
//! cancelling: a drawn job runs and is paid for ([`Error::AlreadyDrawn`]). A job nobody can
//! serve never blocks the jobs behind it (round robin). Only approved research projects
//! submit unpaid (price 0) jobs, so nobody else takes workers' time for nothing.
//! *Queue squatting*: the queue holds `MaxQueueLen` (1,024) jobs; jobs nobody can serve
//! (a reputation floor nobody meets) used to wait for free until their deadline, up to 7
//! days, and were then refunded in full, so about 190 POVC of transaction fees kept the
//! queue full for a week and every honest submission failed `QueueFull`. Now every block a
//! queue slot is held costs its occupant `QueueFeePerBlock` (povc's runtime: a full queue
//! costs over 10,000 POVC a week, burned), a dead job leaves the queue after
//! `MaxFailedDraws` tries, and the squatter needs `MaxQueueLen / MaxQueuedPerAccount`
//! accounts. **What remains**: a squatter willing to burn that much still fills the
//! queue; honest submissions then fail `QueueFull` at once (nothing is held) and can be
//! retried as squatting jobs leave.

use crate::{
	weights::WeightInfo, Assignments, AssignmentsOf, BlobKind, Config, Error, Event, FailureReason,
	HoldReason, Job, JobInput, JobOf, JobSpecOf, JobState, Jobs, JobsByRequester, NextJobId,
	Pallet, Queue, QueuedByAccount,
};
use alloc::vec::Vec;
use frame_support::{
	ensure, pallet_prelude::DispatchResult, storage::with_storage_layer,
	traits::fungible::MutateHold, weights::WeightMeter,
};
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::{batch, JobId, VolunteerProjects};
use sp_core::Get;
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError,
};

impl<T: Config> Pallet<T> {
	/// Blocks of one commit-reveal round.
	pub(crate) fn round_length() -> BlockNumberFor<T> {
		T::CommitPeriod::get().saturating_add(T::RevealPeriod::get())
	}

	/// Blocks from the start of a replica round to the end of a dispute after it: two
	/// commit-reveal rounds and the delay before the committee's draw.
	pub(crate) fn rounds_with_dispute() -> BlockNumberFor<T> {
		Self::round_length().saturating_mul(2u32.into()).saturating_add(T::DrawDelay::get())
	}

	/// Whether a replica round starting `now` leaves time for a dispute before the
	/// deadline, so that every phase of the job ends by its deadline.
	pub(crate) fn round_fits(job: &JobOf<T>, now: BlockNumberFor<T>) -> bool {
		now.saturating_add(Self::rounds_with_dispute()) <= job.spec.deadline
	}

	pub(crate) fn do_submit(who: T::AccountId, spec: JobSpecOf<T>) -> Result<JobId, DispatchError> {
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			spec.replicas >= 1 && u32::from(spec.replicas) <= T::MaxReplicas::get(),
			Error::<T>::InvalidReplicas
		);
		ensure!(spec.tasks >= 1 && spec.tasks <= T::MaxTasks::get(), Error::<T>::InvalidTaskCount);
		// A batch runs its tasks one after another within one commit period, as one job.
		ensure!(
			spec.fuel_limit >= 1 && spec.work_fuel() <= T::MaxFuelLimit::get(),
			Error::<T>::InvalidFuelLimit
		);
		ensure!(
			spec.max_output_bytes() <= T::MaxOutputLen::get().into(),
			Error::<T>::OutputLimitTooLarge
		);
		if let (JobInput::Inline(bytes), true) = (&spec.input, spec.tasks > 1) {
			ensure!(
				batch::count_task_inputs(bytes) == Some(spec.tasks),
				Error::<T>::TaskInputsMismatch
			);
		}
		// Unpaid work is only for research projects governance vouched for: anyone else's
		// price-0 job would take workers' time for nothing.
		ensure!(
			!spec.price_per_fuel.is_zero() || T::Projects::is_project(&who),
			Error::<T>::NotAProject
		);
		ensure!(
			spec.min_reputation <= T::MaxMinReputation::get(),
			Error::<T>::ReputationUnreachable
		);
		// Room for the draw, a replica round and a dispute.
		let earliest =
			now.saturating_add(T::DrawDelay::get()).saturating_add(Self::rounds_with_dispute());
		ensure!(spec.deadline > earliest, Error::<T>::DeadlineTooSoon);
		ensure!(
			spec.deadline <= now.saturating_add(T::MaxJobLifetime::get()),
			Error::<T>::DeadlineTooFar
		);
		// One account cannot fill the queue: the rest of it stays for everyone else.
		let queued = QueuedByAccount::<T>::get(&who);
		ensure!(queued < T::MaxQueuedPerAccount::get(), Error::<T>::TooManyQueued);
		let cost = Self::estimate_cost(&spec)?;

		Self::acquire_blob(BlobKind::Program, spec.program)?;
		if let JobInput::Blob(hash) = &spec.input {
			let task_inputs = Self::acquire_blob(BlobKind::Data, *hash)?;
			ensure!(spec.tasks == 1 || task_inputs == spec.tasks, Error::<T>::TaskInputsMismatch);
		}
		T::Currency::hold(&HoldReason::Escrow.into(), &who, cost.escrow)
			.map_err(|_| Error::<T>::InsufficientBalance)?;

		let job_id = NextJobId::<T>::mutate(|next| {
			let id = *next;
			*next = next.saturating_add(1);
			id
		});
		let mut job = Job {
			requester: who.clone(),
			spec,
			state: JobState::Queued,
			escrow: cost.escrow,
			submitted_at: now,
			timeout_at: Zero::zero(),
			queue_allowance: cost.max_queue_fee,
			failed_draws: 0,
			replacements_left: T::MaxReplacements::get().min(u8::MAX.into()) as u8,
			draws: 0,
			abstentions: 0,
			result: None,
			result_deposit: Zero::zero(),
		};
		JobsByRequester::<T>::insert(&who, job_id, ());
		Self::deposit_event(Event::JobSubmitted {
			job: job_id,
			requester: who,
			escrow: cost.escrow,
		});

		// Never drawn here: this block's randomness is known to its author, who chooses
		// whether to include the submission. `on_initialize` draws it from `DrawDelay`
		// blocks on.
		Queue::<T>::try_append(job_id).map_err(|_| Error::<T>::QueueFull)?;
		QueuedByAccount::<T>::insert(&job.requester, queued.saturating_add(1));
		// It leaves the queue by its latest start (a round and a dispute must still fit)
		// and once its queue allowance is used up, whichever comes first.
		let latest_start = job.spec.deadline.saturating_sub(Self::rounds_with_dispute());
		let allowance_end =
			now.saturating_add(T::DrawDelay::get()).saturating_add(T::MaxQueueWait::get());
		Self::schedule_timeout(job_id, &mut job, now, latest_start.min(allowance_end));
		Self::deposit_event(Event::JobQueued { job: job_id });
		Jobs::<T>::insert(job_id, job);
		Ok(job_id)
	}

	pub(crate) fn do_cancel(who: T::AccountId, job_id: JobId) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.requester == who, Error::<T>::NotRequester);
		ensure!(job.state.is_open(), Error::<T>::WrongPhase);
		ensure!(job.state == JobState::Queued, Error::<T>::AlreadyDrawn);
		let assignments = Assignments::<T>::get(job_id);
		Self::finish(job_id, &mut job, &assignments, JobState::Cancelled);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Tries to draw workers for as many queued jobs as `meter` has room for (room for
	/// [`Pallet::draw_weight`] each at the registry's size, read once; charged the draw's
	/// outcome: `assign_queued` drawn, `fail_queued` not), from the front of the queue. A
	/// drawn job pays its queue fee and gets back its unused queue allowance. A job that
	/// cannot be drawn now goes to the back, so jobs nobody can serve yet never block
	/// those behind them (round robin), unless that was its `MaxFailedDraws`-th failed
	/// draw: then it fails `NoEligibleWorkers`. A job submitted less than `DrawDelay`
	/// blocks ago keeps its place (and costs a read).
	pub(crate) fn assign_from_queue(now: BlockNumberFor<T>, meter: &mut WeightMeter) {
		let queue = Queue::<T>::get();
		let mut done: Vec<JobId> = Vec::new();
		let mut retry: Vec<JobId> = Vec::new();
		let read = T::DbWeight::get().reads(1);
		if meter.try_consume(read).is_err() {
			return;
		}
		let workers = Self::registry_size();
		let (drawn, not_drawn) =
			(T::WeightInfo::assign_queued(workers), T::WeightInfo::fail_queued(workers));
		let each = Self::draw_weight(workers);
		for job_id in queue.iter().copied() {
			// Room for its dearest outcome before it is read: reading it may show it is not
			// due yet.
			if !meter.can_consume(each) {
				break;
			}
			let Some(mut job) = Jobs::<T>::get(job_id) else {
				meter.consume(read);
				done.push(job_id);
				continue;
			};
			if now < job.submitted_at.saturating_add(T::DrawDelay::get()) {
				meter.consume(read);
				continue;
			}
			let assigned = with_storage_layer(|| {
				let mut attempt = job.clone();
				if Self::try_assign(job_id, &mut attempt, now)? {
					let unused = Self::leave_queue(job_id, &mut attempt, now);
					Self::release_escrow(job_id, &mut attempt, unused);
					Jobs::<T>::insert(job_id, attempt);
					Ok(())
				} else {
					Err(DispatchError::Other("no workers"))
				}
			});
			if assigned.is_ok() {
				meter.consume(drawn);
				done.push(job_id);
				continue;
			}
			meter.consume(not_drawn);
			job.failed_draws = job.failed_draws.saturating_add(1);
			if u32::from(job.failed_draws) >= T::MaxFailedDraws::get() {
				// Nobody could serve it in all those tries: it gives its place back.
				let none = AssignmentsOf::<T>::default();
				Self::fail(job_id, &mut job, &none, FailureReason::NoEligibleWorkers);
				done.push(job_id);
			} else {
				retry.push(job_id);
			}
			Jobs::<T>::insert(job_id, job);
		}
		if !done.is_empty() || !retry.is_empty() {
			Queue::<T>::mutate(|queue| {
				queue.retain(|id| !done.contains(id) && !retry.contains(id));
				// Cannot overflow: these were in the queue a moment ago.
				for id in retry {
					let _ = queue.try_push(id);
				}
			});
		}
	}
}
