//! Timeouts and pruning: the end of every phase, and the removal of finished jobs.
//!
//! **Rule.** When a phase ends ([`Pallet::on_phase_timeout`]): workers that did not commit
//! are slashed (`NoShow`) and replaced, like those that abstained, while the deadline and
//! `MaxReplacements` allow; replicas that committed but did not reveal are slashed
//! (`NoReveal`) to the requester, whose dispute fee pays the referees they force; replicas
//! that agreed but published nothing are all slashed like a missing reveal and the job
//! fails `OutputWithheld`; referees and an auditor that miss a deadline are slashed and
//! the dispute or audit goes on without them.
//!
//! **Scheduling.** Each open job has exactly one entry in `Timeouts`, at the block its
//! current phase ends; each finished job has one in `Prunings`, at the block it is
//! removed. Entries are keyed by (block, job), so scheduling never fails: no other job's
//! entries can make a commit or reveal fail, or shorten a phase. The block hook
//! ([`crate::hook`]) handles as many due entries of each kind as its weight budget allows,
//! oldest block first from a cursor; when more are due (a burst), the rest wait for the
//! next blocks, so a phase can end later than scheduled, never earlier.
//!
//! **Attacks answered.** Stalling: silence costs bond, so a worker cannot hold up a job
//! for free. Bursts: a flood of timeouts or of finished jobs (cheap to create: submit,
//! cancel) never ends a phase early, and pruning has its own queue and cursor, so a backlog
//! of finished jobs never delays the phases of running jobs.

use crate::weights::WeightInfo;
use crate::{
	Assignments, AssignmentsOf, Config, Event, FailureReason, JobOf, JobState, Jobs,
	JobsByRequester, JobsByWorker, MaxAssigneesOf, Narrowings, Outputs, Pallet, PruningCursor,
	Prunings, Replaced, Role, TimeoutCursor, Timeouts,
};
use alloc::vec::Vec;
use frame_support::{
	storage::{with_storage_layer, IterableStorageDoubleMap, StorageValue},
	weights::{Weight, WeightMeter},
};
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::{JobId, Offence, WorkerRegistry};
use sp_core::Get;
use sp_runtime::{traits::Saturating, DispatchError};

/// What one call of [`Pallet::take_due`] found.
pub(crate) struct Due<BlockNumber> {
	/// The due entries, oldest block first.
	pub jobs: Vec<(BlockNumber, JobId)>,
	/// Storage reads spent on blocks (empty ones included).
	pub steps: u32,
}

impl<T: Config> Pallet<T> {
	/// Schedules the end of the job's current phase at block `at` (at least the next
	/// block), replacing its previous entry. Never fails.
	pub(crate) fn schedule_timeout(
		job_id: JobId,
		job: &mut JobOf<T>,
		now: BlockNumberFor<T>,
		at: BlockNumberFor<T>,
	) -> BlockNumberFor<T> {
		Timeouts::<T>::remove(job.timeout_at, job_id);
		let at = at.max(now.saturating_add(1u32.into()));
		Timeouts::<T>::insert(at, job_id, ());
		job.timeout_at = at;
		at
	}

	/// Schedules the pruning of a finished job `JobRetention` blocks from now (at least
	/// the next block). Never fails.
	pub(crate) fn schedule_pruning(job_id: JobId, job: &mut JobOf<T>) {
		Timeouts::<T>::remove(job.timeout_at, job_id);
		let now = frame_system::Pallet::<T>::block_number();
		let at = now.saturating_add(T::JobRetention::get()).max(now.saturating_add(1u32.into()));
		Prunings::<T>::insert(at, job_id, ());
		job.timeout_at = at;
	}

	/// Removes up to `budget` entries of `Queue` due at or before `now`, oldest block
	/// first, starting at (and moving) the queue's cursor.
	pub(crate) fn take_due<Queue, Cursor>(
		now: BlockNumberFor<T>,
		budget: u32,
	) -> Due<BlockNumberFor<T>>
	where
		Queue: IterableStorageDoubleMap<BlockNumberFor<T>, JobId, ()>,
		Cursor: StorageValue<BlockNumberFor<T>, Query = Option<BlockNumberFor<T>>>,
	{
		let mut block = Cursor::get().unwrap_or(now).min(now);
		let mut due = Due { jobs: Vec::new(), steps: 0 };
		// Each step reads one block's entries; a block without any costs a read too, so
		// the walk is bounded like the entries.
		let max_steps = budget.saturating_mul(2).max(1);
		while block <= now && (due.jobs.len() as u32) < budget && due.steps < max_steps {
			due.steps += 1;
			let wanted = budget - due.jobs.len() as u32;
			let found: Vec<JobId> = Queue::iter_key_prefix(block).take(wanted as usize).collect();
			let finished = (found.len() as u32) < wanted;
			for job_id in found {
				Queue::remove(block, job_id);
				due.jobs.push((block, job_id));
			}
			if !finished {
				break;
			}
			block = block.saturating_add(1u32.into());
		}
		Cursor::put(block);
		due
	}

	/// Handles due timeouts, oldest block first, while `meter` has room for the next one:
	/// each is charged what ending its job's phase costs at the registry's size (read
	/// once; [`Pallet::timeout_weight_of`]) and a read to learn that phase, and each block
	/// walked a read. The first one that does not fit stays due, with those behind it.
	pub(crate) fn process_timeouts(now: BlockNumberFor<T>, meter: &mut WeightMeter) {
		let read = T::DbWeight::get().reads(1);
		if meter.try_consume(read).is_err() {
			return;
		}
		let workers = Self::registry_size();
		// Each entry costs at least a phase's end and a read: no block holds more that fit.
		let cheapest = Self::cheapest_timeout(workers).saturating_add(read);
		let mut block = TimeoutCursor::<T>::get().unwrap_or(now).min(now);
		'blocks: while block <= now && meter.try_consume(read).is_ok() {
			let room = Self::room_for(meter, cheapest);
			if room == 0 {
				break;
			}
			let due: Vec<JobId> =
				Timeouts::<T>::iter_key_prefix(block).take(room as usize).collect();
			let whole_block = (due.len() as u32) < room;
			for job_id in due {
				let Some(job) = Jobs::<T>::get(job_id) else {
					// Nothing to end: the entry of a job already removed.
					meter.consume(read);
					Timeouts::<T>::remove(block, job_id);
					continue;
				};
				let current = job.timeout_at == block && job.state.is_open();
				let cost = if current {
					Self::timeout_weight_of(&job.state, workers)
				} else {
					Weight::zero()
				};
				if meter.try_consume(cost.saturating_add(read)).is_err() {
					break 'blocks;
				}
				Timeouts::<T>::remove(block, job_id);
				if current {
					Self::on_timeout(job_id, job, now);
				}
			}
			if !whole_block {
				// The block may hold more than the room that was left: look again.
				continue;
			}
			block = block.saturating_add(1u32.into());
		}
		TimeoutCursor::<T>::put(block);
	}

	/// Prunes as many due finished jobs as `meter` has room for, and charges it.
	pub(crate) fn process_prunings(now: BlockNumberFor<T>, meter: &mut WeightMeter) {
		let each = T::WeightInfo::prune_job();
		Self::handle_due::<Prunings<T>, PruningCursor<T>>(now, meter, each, |block, job_id| {
			let Some(mut job) = Jobs::<T>::get(job_id) else { return };
			if job.timeout_at == block && !job.state.is_open() {
				Self::prune(job_id, &mut job);
			}
		});
	}

	/// Takes as many due entries of `Queue` as `meter` has room for at `each` apiece,
	/// hands each to `handle`, and charges `meter` `each` per entry and a read per block
	/// walked: at most what [`Pallet::room_for`] made room for, as the walk takes at most
	/// two steps per entry it was allowed.
	fn handle_due<Queue, Cursor>(
		now: BlockNumberFor<T>,
		meter: &mut WeightMeter,
		each: Weight,
		mut handle: impl FnMut(BlockNumberFor<T>, JobId),
	) where
		Queue: IterableStorageDoubleMap<BlockNumberFor<T>, JobId, ()>,
		Cursor: StorageValue<BlockNumberFor<T>, Query = Option<BlockNumberFor<T>>>,
	{
		let room = Self::room_for(meter, each);
		if room == 0 {
			return;
		}
		let due = Self::take_due::<Queue, Cursor>(now, room);
		for (block, job_id) in due.jobs.iter().copied() {
			handle(block, job_id);
		}
		let walked = T::DbWeight::get().reads(due.steps.into());
		meter.consume(each.saturating_mul(due.jobs.len() as u64).saturating_add(walked));
	}

	/// The current phase of an open job ended.
	fn on_timeout(job_id: JobId, mut job: JobOf<T>, now: BlockNumberFor<T>) {
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
				let mut gone =
					Self::punish_missing(job_id, &assignments, Role::Replica, false, &[]);
				gone.extend(Self::abstainers(&assignments, Role::Replica));
				Self::replace(job_id, job, &mut assignments, gone, now)?;
			},
			JobState::Revealing => {
				// A silent replica forces a dispute (or a new round): its slash compensates
				// the requester, whose dispute fee pays the referees.
				let requester = [job.requester.clone()];
				let silent =
					Self::punish_missing(job_id, &assignments, Role::Replica, true, &requester);
				let revealed =
					assignments.iter().any(|a| a.role == Role::Replica && a.result.is_some());
				if revealed {
					Self::settle_replicas(job_id, job, &mut assignments)?;
				} else {
					// Nothing was revealed: a fresh set of replicas, as nothing is public yet.
					Self::replace(job_id, job, &mut assignments, silent, now)?;
				}
			},
			JobState::Publishing => {
				// Every replica had the output and none published it: all are slashed like
				// a missing reveal, to the requester, who gets no result and a refund.
				for replica in assignments.iter().filter(|a| a.role == Role::Replica) {
					Self::punish_withheld_output(job_id, job, &replica.worker);
				}
				Self::fail(job_id, job, &assignments, FailureReason::OutputWithheld);
			},
			// Results nobody published are slashed; the tasks the others agree on settle.
			JobState::Narrowing => Self::conclude_narrowing(job_id, job, &assignments),
			JobState::DrawingReferees => Self::draw_referees(job_id, job, &mut assignments)?,
			JobState::RefereesCommitting => {
				Self::punish_missing(job_id, &assignments, Role::Referee, false, &[]);
				if assignments.iter().any(|a| a.role == Role::Referee && a.commitment.is_some()) {
					Self::start_reveal(job_id, job, Role::Referee);
				} else {
					Self::undecided(job_id, job, &assignments, FailureReason::NoRefereeMajority);
				}
			},
			JobState::RefereesRevealing => {
				Self::punish_missing(job_id, &assignments, Role::Referee, true, &[]);
				Self::decide_dispute(job_id, job, &assignments);
			},
			JobState::AuditPending => Self::start_audit(job_id, job, &mut assignments)?,
			// An auditor that abstains or misses its deadline leaves the result unchallenged
			// (a missed deadline costs its bond as usual).
			JobState::Auditing => {
				Self::punish_missing(job_id, &assignments, Role::Auditor, false, &[]);
				Self::conclude_audit(job_id, job, &assignments);
			},
			JobState::AuditRevealing => {
				Self::punish_missing(job_id, &assignments, Role::Auditor, true, &[]);
				Self::conclude_audit(job_id, job, &assignments);
			},
			_ => {},
		}
		Assignments::<T>::insert(job_id, assignments);
		Ok(())
	}

	/// Slashes the workers of `role` that did not commit (or, after committing, did not
	/// reveal) by their deadline, to `beneficiaries` (none: to `OnSlash`). Returns them.
	fn punish_missing(
		job_id: JobId,
		assignments: &AssignmentsOf<T>,
		role: Role,
		reveal_phase: bool,
		beneficiaries: &[T::AccountId],
	) -> Vec<T::AccountId> {
		let offence = if reveal_phase { Offence::NoReveal } else { Offence::NoShow };
		let missing: Vec<T::AccountId> = assignments
			.iter()
			.filter(|a| a.role == role)
			.filter(|a| {
				if reveal_phase {
					a.commitment.is_some() && a.result.is_none()
				} else {
					// Abstaining is not missing: it costs reputation, never bond.
					a.commitment.is_none() && !a.abstained
				}
			})
			.map(|a| a.worker.clone())
			.collect();
		for worker in &missing {
			let slashed = T::Workers::slash(worker, offence, beneficiaries);
			Self::deposit_event(Event::WorkerMissedDeadline {
				job: job_id,
				worker: worker.clone(),
				slashed,
			});
		}
		missing
	}

	/// Slashes a replica that revealed a result but never published its output, like a
	/// missing reveal, to the requester, who is left without that output.
	pub(crate) fn punish_withheld_output(job_id: JobId, job: &JobOf<T>, worker: &T::AccountId) {
		let requester = core::slice::from_ref(&job.requester);
		let slashed = T::Workers::slash(worker, Offence::NoReveal, requester);
		Self::deposit_event(Event::WorkerMissedDeadline {
			job: job_id,
			worker: worker.clone(),
			slashed,
		});
	}

	/// The workers of `role` that abstained in this phase.
	fn abstainers(assignments: &AssignmentsOf<T>, role: Role) -> Vec<T::AccountId> {
		assignments
			.iter()
			.filter(|a| a.role == role && a.abstained)
			.map(|a| a.worker.clone())
			.collect()
	}

	/// Removes a finished job and everything stored for it.
	pub(crate) fn prune(job_id: JobId, job: &mut JobOf<T>) {
		Self::release_result_deposit(job);
		let _ = Outputs::<T>::clear_prefix(job_id, MaxAssigneesOf::<T>::get(), None);
		Narrowings::<T>::remove(job_id);
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
