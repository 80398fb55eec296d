//! Timeouts: each open job has exactly one entry in `Timeouts`, at the block its current
//! phase ends; finished jobs have one at the block they are pruned. `on_initialize`
//! handles the entries of its block, and tries to assign a few queued jobs.

use crate::{
	lifecycle::AssignmentsOf, Assignments, Config, Error, Event, FailureReason, JobOf, JobState,
	Jobs, JobsByRequester, JobsByWorker, MaxAssigneesOf, Outputs, Pallet, Queue, Replaced, Role,
	Timeouts,
};
use alloc::vec::Vec;
use frame_support::storage::with_storage_layer;
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::{JobId, Offence, WorkerRegistry};
use sp_core::Get;
use sp_runtime::{traits::Saturating, DispatchError};

/// How many blocks the search for a block with a free timeout slot goes through.
const SLOT_SEARCH: u32 = 16;

impl<T: Config> Pallet<T> {
	/// Moves the job's timeout to the latest block in `(now, at]` with a free slot (never
	/// later: a phase must not outlast the job's deadline). Returns the block.
	pub(crate) fn schedule_timeout(
		job_id: JobId,
		job: &mut JobOf<T>,
		now: BlockNumberFor<T>,
		at: BlockNumberFor<T>,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		Self::unschedule(job_id, job);
		let mut block = at;
		for _ in 0..SLOT_SEARCH {
			if block <= now {
				break;
			}
			if Timeouts::<T>::try_append(block, job_id).is_ok() {
				job.timeout_at = block;
				return Ok(block);
			}
			block = block.saturating_sub(1u32.into());
		}
		Err(Error::<T>::TimeoutsFull.into())
	}

	/// Schedules the pruning of a finished job at the first block with a free slot after
	/// `JobRetention`, or prunes it at once if the next blocks are all full.
	pub(crate) fn schedule_pruning(job_id: JobId, job: &mut JobOf<T>) {
		Self::unschedule(job_id, job);
		let now = frame_system::Pallet::<T>::block_number();
		let mut block =
			now.saturating_add(T::JobRetention::get()).max(now.saturating_add(1u32.into()));
		for _ in 0..SLOT_SEARCH {
			if Timeouts::<T>::try_append(block, job_id).is_ok() {
				job.timeout_at = block;
				return;
			}
			block = block.saturating_add(1u32.into());
		}
		job.timeout_at = now;
	}

	fn unschedule(job_id: JobId, job: &JobOf<T>) {
		Timeouts::<T>::mutate_exists(job.timeout_at, |entries| {
			if let Some(list) = entries {
				list.retain(|id| *id != job_id);
				if list.is_empty() {
					*entries = None;
				}
			}
		});
	}

	/// Handles the timeouts of block `now`. Returns how many it handled.
	pub(crate) fn process_timeouts(now: BlockNumberFor<T>) -> u32 {
		let due = Timeouts::<T>::take(now);
		for job_id in due.iter().copied() {
			let Some(mut job) = Jobs::<T>::get(job_id) else { continue };
			if job.timeout_at != now {
				continue;
			}
			if !job.state.is_open() {
				Self::prune(job_id, &mut job);
				continue;
			}
			// A failed step leaves no partial changes; the job then fails and is refunded.
			let handled = with_storage_layer(|| {
				let mut attempt = job.clone();
				Self::on_phase_timeout(job_id, &mut attempt, now)?;
				Jobs::<T>::insert(job_id, attempt);
				Ok::<_, DispatchError>(())
			});
			if handled.is_err() {
				let assignments = Assignments::<T>::get(job_id);
				Self::fail(job_id, &mut job, &assignments, FailureReason::Congested);
				Jobs::<T>::insert(job_id, job);
			}
		}
		due.len() as u32
	}

	fn on_phase_timeout(
		job_id: JobId,
		job: &mut JobOf<T>,
		now: BlockNumberFor<T>,
	) -> Result<(), DispatchError> {
		let mut assignments = Assignments::<T>::get(job_id);
		match job.state {
			JobState::Queued => {
				Self::fail(job_id, job, &assignments, FailureReason::NotEnoughWorkers)
			},
			JobState::Committing => {
				let no_shows = Self::punish_missing(job_id, &assignments, Role::Replica, false);
				Self::replace(job_id, job, &mut assignments, no_shows, now)?;
			},
			JobState::Revealing => {
				let silent = Self::punish_missing(job_id, &assignments, Role::Replica, true);
				let revealed =
					assignments.iter().any(|a| a.role == Role::Replica && a.result.is_some());
				if revealed {
					Self::settle_replicas(job_id, job, &mut assignments)?;
				} else {
					// Nothing was revealed: a fresh set of replicas, as nothing is public yet.
					Self::replace(job_id, job, &mut assignments, silent, now)?;
				}
			},
			JobState::RefereesCommitting => {
				Self::punish_missing(job_id, &assignments, Role::Referee, false);
				if assignments.iter().any(|a| a.role == Role::Referee && a.commitment.is_some()) {
					Self::start_reveal(job_id, job, Role::Referee)?;
				} else {
					Self::fail(job_id, job, &assignments, FailureReason::NoRefereeMajority);
				}
			},
			JobState::RefereesRevealing => {
				Self::punish_missing(job_id, &assignments, Role::Referee, true);
				Self::decide_dispute(job_id, job, &assignments);
			},
			_ => {},
		}
		Assignments::<T>::insert(job_id, assignments);
		Ok(())
	}

	/// Slashes the workers of `role` that did not commit (or, after committing, did not
	/// reveal) by their deadline. Returns them.
	fn punish_missing(
		job_id: JobId,
		assignments: &AssignmentsOf<T>,
		role: Role,
		reveal_phase: bool,
	) -> Vec<T::AccountId> {
		let offence = if reveal_phase { Offence::NoReveal } else { Offence::NoShow };
		let missing: Vec<T::AccountId> = assignments
			.iter()
			.filter(|a| a.role == role)
			.filter(|a| {
				if reveal_phase {
					a.commitment.is_some() && a.result.is_none()
				} else {
					a.commitment.is_none()
				}
			})
			.map(|a| a.worker.clone())
			.collect();
		for worker in &missing {
			let slashed = T::Workers::slash(worker, offence, &[]);
			Self::deposit_event(Event::WorkerMissedDeadline {
				job: job_id,
				worker: worker.clone(),
				slashed,
			});
		}
		missing
	}

	/// Replaces `gone` replicas with newly drawn ones if replacements, time and eligible
	/// workers allow; otherwise the job fails and is refunded.
	fn replace(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &mut AssignmentsOf<T>,
		gone: Vec<T::AccountId>,
		now: BlockNumberFor<T>,
	) -> Result<(), DispatchError> {
		let count = gone.len() as u32;
		if !Self::round_fits(job, now) {
			Self::fail(job_id, job, assignments, FailureReason::DeadlineExpired);
			return Ok(());
		}
		if u32::from(job.replacements_left) < count {
			Self::fail(job_id, job, assignments, FailureReason::NotEnoughWorkers);
			return Ok(());
		}
		for worker in &gone {
			T::Workers::release(worker);
		}
		assignments.retain(|a| !gone.contains(&a.worker));
		Replaced::<T>::try_mutate(job_id, |replaced| {
			gone.iter().try_for_each(|w| replaced.try_push(w.clone()))
		})
		.map_err(|_| Error::<T>::InvalidReplicas)?;
		job.replacements_left = job.replacements_left.saturating_sub(count as u8);
		// After a round without any reveal, the old commitments are worthless.
		if job.state == JobState::Revealing {
			for assignment in assignments.iter_mut() {
				assignment.commitment = None;
			}
		}
		let Some(workers) = Self::draw_workers(job_id, job, assignments, count) else {
			Self::fail(job_id, job, assignments, FailureReason::NotEnoughWorkers);
			return Ok(());
		};
		let commit_by =
			Self::schedule_timeout(job_id, job, now, now.saturating_add(T::CommitPeriod::get()))?;
		Self::add_assignees(job_id, assignments, workers, Role::Replica, commit_by)?;
		job.state = JobState::Committing;
		Ok(())
	}

	/// Tries to draw workers for up to `MaxAssignmentsPerBlock` queued jobs, from the
	/// front of the queue. A job that cannot be drawn now goes to the back, so jobs nobody
	/// can serve yet never block those behind them (round robin); a job submitted less than
	/// `DrawDelay` blocks ago keeps its place. Returns how many jobs it looked at.
	pub(crate) fn assign_from_queue(now: BlockNumberFor<T>) -> u32 {
		let queue = Queue::<T>::get();
		let mut done: Vec<JobId> = Vec::new();
		let mut retry: Vec<JobId> = Vec::new();
		let mut tried = 0u32;
		for job_id in queue.iter().copied().take(T::MaxAssignmentsPerBlock::get() as usize) {
			tried += 1;
			let Some(job) = Jobs::<T>::get(job_id) else {
				done.push(job_id);
				continue;
			};
			if now < job.submitted_at.saturating_add(T::DrawDelay::get()) {
				continue;
			}
			let assigned = with_storage_layer(|| {
				let mut attempt = job.clone();
				if Self::try_assign(job_id, &mut attempt, now)? {
					Jobs::<T>::insert(job_id, attempt);
					Ok(())
				} else {
					Err(DispatchError::Other("no workers"))
				}
			});
			if assigned.is_ok() {
				done.push(job_id);
			} else {
				retry.push(job_id);
			}
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
		tried
	}

	/// Removes a finished job and everything stored for it.
	pub(crate) fn prune(job_id: JobId, job: &mut JobOf<T>) {
		Self::release_result_deposit(job);
		let _ = Outputs::<T>::clear_prefix(job_id, MaxAssigneesOf::<T>::get(), None);
		for assignment in Assignments::<T>::take(job_id) {
			JobsByWorker::<T>::remove(&assignment.worker, job_id);
		}
		for worker in Replaced::<T>::take(job_id) {
			JobsByWorker::<T>::remove(&worker, job_id);
		}
		JobsByRequester::<T>::remove(&job.requester, job_id);
		Jobs::<T>::remove(job_id);
		Self::deposit_event(Event::JobPruned { job: job_id });
	}
}
