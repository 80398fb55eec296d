//! The draws. Every worker a job gets is drawn here: its replicas, their replacements,
//! a dispute's referee committee and an audit's auditor, from pallet-workers' sortition
//! trees, with probability proportional to bond.
//!
//! **Rule.** Each draw's seed ([`Pallet::random_seed`]) mixes the runtime's randomness
//! with the purpose, the job and the job's draw counter, so no two draws of a job share a
//! seed. Every draw is from one pool spanning all allowed determinism classes: the
//! sandbox computes bit-identical results on every allowed class, so a class does not
//! split the pool (a thin class would be a private pool for whoever fills it). Replicas
//! meet the job's reputation floor and, for volunteer jobs, have opted in to unpaid work.
//! Referees and auditors come from those the referee pool accepts
//! ([`Config::RefereePool`]). Nobody who worked on a job, or was replaced on it, is drawn
//! for it again.
//!
//! **Attacks answered.** A drawn worker cannot choose its co-replicas or its referees,
//! and a replaced no-show cannot come back. A committee is drawn `DrawDelay` blocks after
//! the dispute opened and an auditor `AuditDelay` blocks after settlement, so the last
//! replica to reveal does not know their randomness when it acts. The registry a draw
//! reads is a snapshot from epochs before (`pallet_workers::snapshot`), so the author of
//! the block before a draw, who knows its randomness, cannot re-roll it by changing the
//! registry. **What remains**: that author can withhold its block, or leave out the
//! transactions that would free an honest candidate's slot.

use crate::{
	Assignment, Assignments, AssignmentsOf, Config, Error, Event, FailureReason, JobOf, JobState,
	JobsByWorker, Pallet, Replaced, Role,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{pallet_prelude::DispatchResult, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::{JobId, Purpose, RefereePool, SelectionRequest, WorkerRegistry};
use sp_core::{Get, H256};
use sp_runtime::{traits::Saturating, DispatchError, Permill};

impl<T: Config> Pallet<T> {
	/// Randomness for the `draw`-th draw of `purpose` for a job.
	pub(crate) fn random_seed(purpose: &[u8], job_id: JobId, draw: u8) -> H256 {
		let subject = (b"povc/jobs", purpose, job_id, draw).encode();
		let (random, _) = T::Randomness::random(&subject);
		H256(sp_crypto_hashing::blake2_256(&random.encode()))
	}

	/// Draws and assigns a full set of replicas if enough workers are eligible. Returns
	/// whether it did; on error nothing must be kept (callers run it transactionally).
	pub(crate) fn try_assign(
		job_id: JobId,
		job: &mut JobOf<T>,
		now: BlockNumberFor<T>,
	) -> Result<bool, DispatchError> {
		let mut assignments = Assignments::<T>::get(job_id);
		let Some(workers) =
			Self::draw_workers(job_id, job, &assignments, u32::from(job.spec.replicas))
		else {
			return Ok(false);
		};
		let commit_by = now.saturating_add(T::CommitPeriod::get());
		let commit_by = Self::schedule_timeout(job_id, job, now, commit_by);
		Self::add_assignees(job_id, &mut assignments, workers, Role::Replica, commit_by)?;
		Assignments::<T>::insert(job_id, assignments);
		job.state = JobState::Committing;
		Ok(true)
	}

	/// Everyone who worked on the job or was replaced on it: never drawn for it again.
	fn ever_assigned(job_id: JobId, assignments: &AssignmentsOf<T>) -> Vec<T::AccountId> {
		let mut workers: Vec<T::AccountId> = assignments.iter().map(|a| a.worker.clone()).collect();
		workers.extend(Replaced::<T>::get(job_id));
		workers
	}

	/// Draws `count` workers for the job, never one it had before.
	pub(crate) fn draw_workers(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		count: u32,
	) -> Option<Vec<T::AccountId>> {
		let exclude = Self::ever_assigned(job_id, assignments);
		let seed = Self::random_seed(b"assign", job_id, job.draws);
		job.draws = job.draws.saturating_add(1);
		T::Workers::select(&SelectionRequest {
			count,
			min_reputation: job.spec.min_reputation,
			exclude: &exclude,
			seed,
			// Nobody works unpaid without having opted in.
			purpose: if job.is_volunteer() { Purpose::Volunteers } else { Purpose::Replicas },
		})
	}

	/// Records new assignees (replicas take one of their capacity slots).
	pub(crate) fn add_assignees(
		job_id: JobId,
		assignments: &mut AssignmentsOf<T>,
		workers: Vec<T::AccountId>,
		role: Role,
		commit_by: BlockNumberFor<T>,
	) -> DispatchResult {
		for worker in workers {
			if role == Role::Replica {
				T::Workers::assign(&worker)?;
			}
			assignments
				.try_push(Assignment {
					worker: worker.clone(),
					role,
					commitment: None,
					result: None,
					abstained: false,
				})
				.map_err(|_| Error::<T>::InvalidReplicas)?;
			JobsByWorker::<T>::insert(&worker, job_id, role);
			Self::deposit_event(Event::WorkerAssigned { job: job_id, worker, role, commit_by });
		}
		Ok(())
	}

	/// Replaces `gone` replicas (no-shows, silent or abstaining) with newly drawn ones if
	/// replacements, time and eligible workers allow; otherwise the job fails and is
	/// refunded (less the abstention fee if replicas abstained: see
	/// [`Pallet::charge_abstentions`]).
	pub(crate) fn replace(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &mut AssignmentsOf<T>,
		gone: Vec<T::AccountId>,
		now: BlockNumberFor<T>,
	) -> Result<(), DispatchError> {
		let count = gone.len() as u32;
		let abstained = assignments.iter().any(|a| a.abstained && gone.contains(&a.worker));
		let give_up = |reason| if abstained { FailureReason::Abstained } else { reason };
		if !Self::round_fits(job, now) {
			Self::fail(job_id, job, assignments, give_up(FailureReason::DeadlineExpired));
			return Ok(());
		}
		if u32::from(job.replacements_left) < count {
			Self::fail(job_id, job, assignments, give_up(FailureReason::NotEnoughWorkers));
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
			Self::fail(job_id, job, assignments, give_up(FailureReason::NotEnoughWorkers));
			return Ok(());
		};
		let commit_by =
			Self::schedule_timeout(job_id, job, now, now.saturating_add(T::CommitPeriod::get()));
		Self::add_assignees(job_id, assignments, workers, Role::Replica, commit_by)?;
		job.state = JobState::Committing;
		Ok(())
	}

	/// Draws the referee committee: workers that the referee pool accepts, by bond, never one of the job's workers. Without enough referees nobody can
	/// be proven wrong: the job fails and is refunded.
	pub(crate) fn draw_referees(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &mut AssignmentsOf<T>,
	) -> DispatchResult {
		let count = T::RefereeCount::get();
		let Some(committee) = Self::draw_from_referee_pool(job_id, job, assignments, count) else {
			Self::undecided(job_id, job, assignments, FailureReason::NotEnoughWorkers);
			return Ok(());
		};

		let now = frame_system::Pallet::<T>::block_number();
		let commit_by =
			Self::schedule_timeout(job_id, job, now, now.saturating_add(T::CommitPeriod::get()));
		Self::add_assignees(job_id, assignments, committee.clone(), Role::Referee, commit_by)?;
		job.state = JobState::RefereesCommitting;
		Self::deposit_event(Event::RefereesDrawn { job: job_id, referees: committee });
		Ok(())
	}

	/// Draws `count` workers that the referee pool accepts, by bond, never one that worked
	/// on the job: from the registry's referee tree, O(log n) reads each.
	fn draw_from_referee_pool(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		count: u32,
	) -> Option<Vec<T::AccountId>> {
		let exclude = Self::ever_assigned(job_id, assignments);
		let seed = Self::random_seed(b"referees", job_id, job.draws);
		job.draws = job.draws.saturating_add(1);
		T::Workers::select(&SelectionRequest {
			count,
			min_reputation: Permill::zero(),
			exclude: &exclude,
			seed,
			purpose: Purpose::Referees(T::RefereePool::referee_chance),
		})
	}

	/// Draws the auditor of a job whose audit draw said so; without any eligible referee
	/// the score counts.
	pub(crate) fn draw_auditor(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &mut AssignmentsOf<T>,
	) -> DispatchResult {
		let Some(mut drawn) = Self::draw_from_referee_pool(job_id, job, assignments, 1) else {
			Self::conclude_audit(job_id, job, assignments);
			return Ok(());
		};
		let auditor = drawn.remove(0);
		let now = frame_system::Pallet::<T>::block_number();
		let commit_by =
			Self::schedule_timeout(job_id, job, now, now.saturating_add(T::CommitPeriod::get()));
		Self::add_assignees(
			job_id,
			assignments,
			alloc::vec![auditor.clone()],
			Role::Auditor,
			commit_by,
		)?;
		job.state = JobState::Auditing;
		Self::deposit_event(Event::AuditorDrawn { job: job_id, auditor });
		Ok(())
	}
}
