//! Invariants of the job market, checked by `try_state` and after every unit test.

use crate::{
	Assignments, BlobKind, Blobs, Config, DataBlobs, HoldReason, JobInput, JobState, Jobs,
	Narrowings, Outputs, Pallet, PendingCredits, Programs, PruningCursor, Prunings, Queue,
	QueuedByAccount, Role, TimeoutCursor, Timeouts,
};
use alloc::collections::btree_map::BTreeMap;
use frame_support::traits::fungible::InspectHold;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::{Get, H256};
use sp_runtime::{traits::Zero, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks every invariant at the end of block `now`.
	pub fn do_try_state(now: BlockNumberFor<T>) -> Result<(), TryRuntimeError> {
		let mut escrow = BTreeMap::<T::AccountId, crate::BalanceOf<T>>::new();
		let mut result_deposits = BTreeMap::<T::AccountId, crate::BalanceOf<T>>::new();
		let mut refs = BTreeMap::<(BlobKind, H256), u32>::new();
		let queue = Queue::<T>::get();
		let mut queued_by = BTreeMap::<T::AccountId, u32>::new();

		let (mut open_jobs, mut finished_jobs) = (0usize, 0usize);
		for (job_id, job) in Jobs::<T>::iter() {
			escrow.entry(job.requester.clone()).or_default();
			*result_deposits.entry(job.requester.clone()).or_default() += job.result_deposit;
			// Due entries not yet handled (a burst beyond the block hook's budget) wait at or
			// after the cursor; every other entry is in the future.
			let (scheduled, cursor) = if job.state.is_open() {
				open_jobs += 1;
				(Timeouts::<T>::contains_key(job.timeout_at, job_id), TimeoutCursor::<T>::get())
			} else {
				finished_jobs += 1;
				(Prunings::<T>::contains_key(job.timeout_at, job_id), PruningCursor::<T>::get())
			};
			ensure(scheduled, "every job has its timeout or pruning entry")?;
			ensure(
				job.timeout_at > now || cursor.is_some_and(|c| c <= job.timeout_at),
				"timeouts are in the future or not yet handled",
			)?;
			ensure(
				(job.state == JobState::Queued) == queue.contains(&job_id),
				"the queue holds exactly the queued jobs",
			)?;
			let assignments = Assignments::<T>::get(job_id);
			if !job.state.is_open() {
				ensure(job.escrow.is_zero(), "finished jobs hold no escrow")?;
				ensure(job.queue_allowance.is_zero(), "only queued jobs hold a queue allowance")?;
				let stored =
					job.result.is_some_and(|r| Outputs::<T>::contains_key(job_id, r.output_hash));
				ensure(stored != job.result_deposit.is_zero(), "a stored result has a deposit")?;
				continue;
			}
			*escrow.entry(job.requester.clone()).or_default() += job.escrow;
			ensure(job.result_deposit.is_zero(), "open jobs have no result deposit")?;
			*refs.entry((BlobKind::Program, job.spec.program)).or_default() += 1;
			if let JobInput::Blob(hash) = job.spec.input {
				*refs.entry((BlobKind::Data, hash)).or_default() += 1;
			}
			let replicas = assignments.iter().filter(|a| a.role == Role::Replica).count();
			if matches!(
				job.state,
				JobState::Committing
					| JobState::Revealing
					| JobState::Publishing
					| JobState::Narrowing
			) {
				ensure(
					replicas == usize::from(job.spec.replicas),
					"a running job has all its replicas",
				)?;
			}
			if job.state == JobState::Queued {
				ensure(assignments.is_empty(), "queued jobs have no workers")?;
				*queued_by.entry(job.requester.clone()).or_default() += 1;
				// The escrow covers the most the job can still pay for waiting besides what
				// its workers can earn; the queue fee never eats into the latter.
				ensure(
					job.queue_allowance <= job.escrow,
					"a queued job's escrow holds its queue allowance",
				)?;
				ensure(
					u32::from(job.failed_draws) < T::MaxFailedDraws::get(),
					"a queued job has draws left",
				)?;
			} else {
				ensure(job.queue_allowance.is_zero(), "only queued jobs hold a queue allowance")?;
			}
			if job.state == JobState::Publishing {
				ensure(job.result.is_some(), "a job publishing its output has its result")?;
			}
			if matches!(
				job.state,
				JobState::AuditPending | JobState::Auditing | JobState::AuditRevealing
			) {
				let stored =
					job.result.is_some_and(|r| Outputs::<T>::contains_key(job_id, r.output_hash));
				ensure(stored, "a job pending its audit has its output stored")?;
				ensure(
					PendingCredits::<T>::contains_key(job_id),
					"a job pending its audit has its pending score",
				)?;
			}
		}

		// A narrowing record belongs to a batch narrowing its replicas' disagreement, or
		// verified by it; one bit per task, as many set as it counts, its reference stored.
		for (job_id, narrowing) in Narrowings::<T>::iter() {
			let job = Jobs::<T>::get(job_id);
			let state = job.as_ref().map(|job| job.state);
			ensure(
				matches!(state, Some(JobState::Narrowing | JobState::Verified)),
				"a narrowing record belongs to a narrowing or verified job",
			)?;
			let tasks = job.map(|job| job.spec.tasks).unwrap_or_default();
			ensure(
				narrowing.disputed.len() == tasks.div_ceil(8) as usize,
				"a narrowing has one bit per task",
			)?;
			let set = narrowing.disputed.iter().map(|byte| byte.count_ones()).sum::<u32>();
			ensure(
				set == narrowing.disputed_tasks && narrowing.disputed_indices().all(|i| i < tasks),
				"a narrowing counts its disputed tasks, all of them the job's",
			)?;
			ensure(
				state != Some(JobState::Narrowing)
					|| Outputs::<T>::contains_key(job_id, narrowing.reference),
				"a narrowing job has its reference output stored",
			)?;
		}

		// Pending score belongs to verified jobs whose audit is not over: in an audit
		// phase, or in the dispute a contested audit opened. At most one entry per paid
		// replica (none when the result credits no score: it is audited all the same).
		for (job_id, credits) in PendingCredits::<T>::iter() {
			let job = Jobs::<T>::get(job_id);
			let auditing = job.as_ref().is_some_and(|job| {
				job.state.is_open() && job.state != JobState::Queued && {
					let assignments = Assignments::<T>::get(job_id);
					job.state.is_verified() || assignments.iter().any(|a| a.role == Role::Auditor)
				}
			});
			ensure(auditing, "pending score belongs to a job whose audit is not over")?;
			let replicas = job.map(|job| usize::from(job.spec.replicas)).unwrap_or_default();
			ensure(credits.len() <= replicas, "at most one pending credit per replica")?;
		}

		ensure(
			queue.len() == queued_by.values().sum::<u32>() as usize,
			"the queue has no entry but its queued jobs, each once",
		)?;
		ensure(
			QueuedByAccount::<T>::iter().all(|(who, count)| queued_by.get(&who) == Some(&count)),
			"queue entries counted per account are the account's queued jobs",
		)?;
		ensure(
			QueuedByAccount::<T>::iter_keys().count() == queued_by.len(),
			"every account with queued jobs is counted",
		)?;
		ensure(Timeouts::<T>::iter_keys().count() == open_jobs, "timeouts are of open jobs only")?;
		ensure(
			Prunings::<T>::iter_keys().count() == finished_jobs,
			"prunings are of finished jobs only",
		)?;

		let escrow_reason = HoldReason::Escrow.into();
		let deposit_reason = HoldReason::ResultDeposit.into();
		for (who, expected) in &escrow {
			ensure(
				T::Currency::balance_on_hold(&escrow_reason, who) == *expected,
				"escrow held equals the escrow of the requester's open jobs",
			)?;
			let deposits = result_deposits.get(who).copied().unwrap_or_default();
			ensure(
				T::Currency::balance_on_hold(&deposit_reason, who) == deposits,
				"result deposits held equal those of the requester's jobs",
			)?;
		}

		let mut blob_deposits = BTreeMap::<T::AccountId, crate::BalanceOf<T>>::new();
		for (kind, hash, info) in Blobs::<T>::iter() {
			ensure(
				info.refs == refs.get(&(kind, hash)).copied().unwrap_or(0),
				"blob reference counts match the open jobs using them",
			)?;
			ensure(!info.retiring || info.refs > 0, "a retiring blob goes with its last job")?;
			let len = match kind {
				BlobKind::Program => Programs::<T>::decode_len(hash),
				BlobKind::Data => DataBlobs::<T>::decode_len(hash),
			};
			ensure(len == Some(info.len as usize), "every blob has its content")?;
			*blob_deposits.entry(info.owner).or_default() += info.deposit;
		}
		for ((kind, hash), _) in refs {
			ensure(Blobs::<T>::contains_key(kind, hash), "open jobs use stored blobs")?;
		}
		let blob_reason = HoldReason::BlobDeposit.into();
		for (who, expected) in blob_deposits {
			ensure(
				T::Currency::balance_on_hold(&blob_reason, &who) == expected,
				"blob deposits held equal the owner's blobs' deposits",
			)?;
		}
		ensure(
			Programs::<T>::iter_keys().count() + DataBlobs::<T>::iter_keys().count()
				== Blobs::<T>::iter_keys().count(),
			"no blob content without metadata",
		)?;
		Ok(())
	}
}

fn ensure(condition: bool, invariant: &'static str) -> Result<(), TryRuntimeError> {
	if condition {
		Ok(())
	} else {
		Err(TryRuntimeError::Other(invariant))
	}
}
