//! Settlement and payment: how a job ends.
//!
//! **Rule.** When every replica has revealed (or the reveal phase ended with at least one
//! reveal), unanimous replicas are asked to publish their output (an empty output needs
//! no publishing); then each is paid `fuel_used × price_per_fuel`, at least
//! `MinReplicaPayment` unless the job is volunteer work, from the escrow, of which
//! `BurnShare` is burned ([`crate::escrow`]). A single replica's result is
//! unverified and the job ends. A verified result raises its replicas' reputation and earns
//! score worth the fee burned on their payments (a volunteer job: its project's rate),
//! pending an audit ([`crate::audits`]). A batch whose replicas all revealed different
//! roots settles the tasks they agree on ([`crate::narrowing`]); anything else but
//! unanimity opens a dispute ([`crate::disputes`]). [`Pallet::finish`] ends every job: its output kept under a
//! deposit, the rest of the escrow refunded, its blobs and replicas' capacity released,
//! its pruning scheduled.
//!
//! **Attacks answered.** Score farming: score is the burned fee, not the claimed fuel, so
//! a requester whose own workers hold every replica pays a fee for every unit of score it
//! gets, and fuel claimed but never run is what audits catch. Withholding: replicas that
//! agreed and publish nothing are all slashed to the requester ([`crate::timeouts`]).

use crate::{
	Assignment, AssignmentsOf, BlobKind, Config, Error, Event, ExecutionResult, FailureReason,
	JobInput, JobOf, JobState, Jobs, Outputs, Pallet, PendingCredits, Queue, Role,
};
use alloc::vec::Vec;
use frame_support::{ensure, pallet_prelude::DispatchResult, BoundedVec};
use povc_primitives::{JobId, VerifiedComputeSink, VolunteerProjects, WorkerRegistry};
use sp_core::{Get, H256};
use sp_runtime::{traits::Saturating, SaturatedConversion};

/// blake2-256 of no output: a result nobody needs to publish.
fn empty_output_hash() -> H256 {
	H256(sp_crypto_hashing::blake2_256(&[]))
}

impl<T: Config> Pallet<T> {
	/// Every replica revealed (or the reveal phase ended with at least one reveal):
	/// settle if they all agree; else narrow a batch whose replicas all revealed down to
	/// the tasks they differ on ([`crate::narrowing`]), or open a dispute.
	pub(crate) fn settle_replicas(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &mut AssignmentsOf<T>,
	) -> DispatchResult {
		let replicas: Vec<&Assignment<T::AccountId>> =
			assignments.iter().filter(|a| a.role == Role::Replica).collect();
		let first = replicas.first().and_then(|a| a.result);
		let unanimous = first.is_some() && replicas.iter().all(|a| a.result == first);
		match first {
			Some(result) if unanimous => {
				job.result = Some(result);
				if result.output_hash == empty_output_hash() {
					// Nothing to publish.
					Outputs::<T>::insert(job_id, result.output_hash, BoundedVec::new());
					Self::settle_agreed(job_id, job, assignments, result);
				} else {
					let now = frame_system::Pallet::<T>::block_number();
					let publish_by = Self::schedule_timeout(
						job_id,
						job,
						now,
						now.saturating_add(T::RevealPeriod::get()),
					);
					job.state = JobState::Publishing;
					Self::deposit_event(Event::OutputRequested { job: job_id, publish_by });
				}
				Ok(())
			},
			// A batch can be settled task by task: only the tasks they differ on are lost.
			_ if job.spec.tasks > 1 && replicas.iter().all(|a| a.result.is_some()) => {
				Self::start_narrowing(job_id, job);
				Ok(())
			},
			_ => {
				Self::open_dispute(job_id, job);
				Ok(())
			},
		}
	}

	/// The replicas agreed on `result` and its output is stored: each is paid now. A
	/// single replica's result is unverified and the job ends. A verified result (even one
	/// that credits no score) waits `AuditDelay` blocks for its audit draw, its score
	/// pending, its replicas free for other work and the dispute fee still in escrow to pay
	/// an audit.
	pub(crate) fn settle_agreed(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		result: ExecutionResult,
	) {
		let workers: Vec<T::AccountId> = assignments
			.iter()
			.filter(|a| a.role == Role::Replica)
			.map(|a| a.worker.clone())
			.collect();
		let verified = workers.len() > 1;
		let credits: Vec<_> = workers
			.iter()
			.filter_map(|worker| Self::reward(job_id, job, worker, &result, verified))
			.collect();
		job.result = Some(result);
		if !verified {
			return Self::finish(job_id, job, assignments, JobState::Unverified);
		}
		// Audited whatever it credits: a made-up output claiming 0 fuel credits no score
		// but is still a wrong result verified (and a reputation gained).
		let value = credits.iter().fold(0u128, |sum, (_, _, value)| sum.saturating_add(*value));
		PendingCredits::<T>::insert(job_id, BoundedVec::truncate_from(credits));
		for worker in &workers {
			T::Workers::release(worker);
		}
		let now = frame_system::Pallet::<T>::block_number();
		let audit_at =
			Self::schedule_timeout(job_id, job, now, now.saturating_add(T::AuditDelay::get()));
		job.state = JobState::AuditPending;
		Self::deposit_event(Event::ScorePending { job: job_id, value, audit_at });
	}

	/// Pays a worker whose result stands. A verified result also raises its reputation and
	/// earns score worth the value burned on the payment, returned as `(worker,
	/// beneficiary, value)`. (Score by the claimed fuel would let a requester whose own
	/// workers hold every replica mint score at any price, for fuel nobody ran.) Volunteer
	/// work is unpaid; its score is the project's rate times the fuel, which the
	/// project's budget bounds when it is credited.
	pub(crate) fn reward(
		job_id: JobId,
		job: &mut JobOf<T>,
		worker: &T::AccountId,
		result: &ExecutionResult,
		verified: bool,
	) -> Option<(T::AccountId, T::AccountId, u128)> {
		let burned = Self::pay_worker(job_id, job, worker, result.fuel_used);
		if !verified {
			return None;
		}
		T::Workers::note_verified(worker);
		let beneficiary = T::Workers::compute_beneficiary(worker);
		let value = if job.is_volunteer() {
			T::Projects::score_for(&job.requester, result.fuel_used)
		} else {
			burned.saturated_into()
		};
		(value != 0).then(|| (worker.clone(), beneficiary, value))
	}

	/// Credits score to the validators it counts for: a volunteer job's within its
	/// project's budget. Returns the value credited.
	pub(crate) fn credit(
		job: &JobOf<T>,
		credits: impl IntoIterator<Item = (T::AccountId, T::AccountId, u128)>,
	) -> u128 {
		let mut total = 0u128;
		for (worker, beneficiary, value) in credits {
			let credited = if job.is_volunteer() {
				T::Projects::credit(&job.requester, &worker, &beneficiary, value)
			} else {
				T::ComputeSink::note_verified_compute(&worker, &beneficiary, value);
				value
			};
			total = total.saturating_add(credited);
		}
		total
	}

	/// Credits the job's pending score.
	pub(crate) fn credit_pending(job_id: JobId, job: &JobOf<T>) {
		let value = Self::credit(job, PendingCredits::<T>::take(job_id));
		Self::deposit_event(Event::ScoreCredited { job: job_id, value });
	}

	/// Drops the job's pending score.
	pub(crate) fn void_pending(job_id: JobId) {
		let credits = PendingCredits::<T>::take(job_id);
		let value = credits.iter().fold(0u128, |sum, (_, _, value)| sum.saturating_add(*value));
		Self::deposit_event(Event::ScoreVoided { job: job_id, value });
	}

	/// Ends a job in `state`: keeps the output of its result (if any) under a deposit,
	/// refunds the rest of the escrow, releases its blobs and its replicas' capacity, and
	/// schedules its pruning. The caller stores `job`.
	pub(crate) fn finish(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		state: JobState,
	) {
		if job.state == JobState::Queued {
			// Its queue fee is burned before the refund; the unused allowance is refunded
			// with the rest of the escrow.
			let now = frame_system::Pallet::<T>::block_number();
			Self::leave_queue(job_id, job, now);
			Queue::<T>::mutate(|queue| queue.retain(|id| *id != job_id));
		}
		let kept = job.result.map(|r| r.output_hash);
		for hash in assignments.iter().filter_map(|a| a.result.map(|r| r.output_hash)) {
			if Some(hash) != kept {
				Outputs::<T>::remove(job_id, hash);
			}
		}
		Self::close_escrow(job_id, job, kept);
		Self::release_blob(BlobKind::Program, job.spec.program);
		if let JobInput::Blob(hash) = &job.spec.input {
			Self::release_blob(BlobKind::Data, *hash);
		}
		// A job that ends otherwise than by its audit (a step that failed) gives no score.
		if PendingCredits::<T>::contains_key(job_id) {
			Self::void_pending(job_id);
		}
		// An audited job's replicas were released when they were paid.
		if !Self::audited(job, assignments) {
			for assignment in assignments.iter().filter(|a| a.role == Role::Replica) {
				T::Workers::release(&assignment.worker);
			}
		}
		job.state = state;
		let event = match (state, job.result) {
			(JobState::Verified, Some(r)) => Event::JobVerified {
				job: job_id,
				output_hash: r.output_hash,
				fuel_used: r.fuel_used,
				status: r.status,
			},
			(JobState::Unverified, Some(r)) => Event::JobUnverified {
				job: job_id,
				output_hash: r.output_hash,
				fuel_used: r.fuel_used,
				status: r.status,
			},
			(JobState::Failed(reason), _) => Event::JobFailed { job: job_id, reason },
			_ => Event::JobCancelled { job: job_id },
		};
		Self::deposit_event(event);
		Self::schedule_pruning(job_id, job);
	}

	/// Ends a job without a result, refunding it (less the abstention fee if its
	/// replicas abstained).
	pub(crate) fn fail(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		reason: FailureReason,
	) {
		job.result = None;
		if reason == FailureReason::Abstained {
			Self::charge_abstentions(job_id, job);
		}
		Self::finish(job_id, job, assignments, JobState::Failed(reason));
	}

	pub(crate) fn do_clear_result(who: T::AccountId, job_id: JobId) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.requester == who, Error::<T>::NotRequester);
		ensure!(!job.state.is_open(), Error::<T>::JobNotFinished);
		let result = job.result.ok_or(Error::<T>::NoResult)?;
		ensure!(Outputs::<T>::contains_key(job_id, result.output_hash), Error::<T>::NoResult);
		Outputs::<T>::remove(job_id, result.output_hash);
		let deposit = job.result_deposit;
		Self::release_result_deposit(&mut job);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::ResultCleared { job: job_id, deposit });
		Ok(())
	}
}
