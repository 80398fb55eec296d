//! Submitting, assigning, committing, revealing, cancelling and finishing jobs.

use crate::{
	Assignment, Assignments, BlobKind, Config, Error, Event, ExecutionResult, FailureReason,
	HoldReason, Job, JobInput, JobOf, JobSpecOf, JobState, Jobs, JobsByRequester, JobsByWorker,
	MaxAssigneesOf, NextJobId, Outputs, Pallet, PendingCredits, Queue, Replaced, Role,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, Randomness},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::{
	referee_commitment, result_commitment, ClassFilter, JobId, Purpose, SelectionRequest,
	VolunteerProjects, WorkerRegistry,
};
use sp_core::{Get, H256};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError,
};

/// The assignments of one job.
pub(crate) type AssignmentsOf<T> =
	BoundedVec<Assignment<<T as frame_system::Config>::AccountId>, MaxAssigneesOf<T>>;

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
		ensure!(
			spec.fuel_limit >= 1 && spec.fuel_limit <= T::MaxFuelLimit::get(),
			Error::<T>::InvalidFuelLimit
		);
		ensure!(spec.max_output_len <= T::MaxOutputLen::get(), Error::<T>::OutputLimitTooLarge);
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
		let cost = Self::estimate_cost(&spec)?;

		Self::acquire_blob(BlobKind::Program, spec.program)?;
		if let JobInput::Blob(hash) = &spec.input {
			Self::acquire_blob(BlobKind::Data, *hash)?;
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
			class: None,
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
		let latest_start = job.spec.deadline.saturating_sub(Self::rounds_with_dispute());
		Self::schedule_timeout(job_id, &mut job, now, latest_start);
		Self::deposit_event(Event::JobQueued { job: job_id });
		Jobs::<T>::insert(job_id, job);
		Ok(job_id)
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
		if !job.spec.cross_class {
			job.class = workers.first().and_then(T::Workers::class_of);
		}
		let commit_by = now.saturating_add(T::CommitPeriod::get());
		let commit_by = Self::schedule_timeout(job_id, job, now, commit_by);
		Self::add_assignees(job_id, &mut assignments, workers, Role::Replica, commit_by)?;
		Assignments::<T>::insert(job_id, assignments);
		job.state = JobState::Committing;
		Ok(true)
	}

	/// Draws `count` workers for the job, never one it had before.
	pub(crate) fn draw_workers(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		count: u32,
	) -> Option<Vec<T::AccountId>> {
		let mut exclude: Vec<T::AccountId> = assignments.iter().map(|a| a.worker.clone()).collect();
		exclude.extend(Replaced::<T>::get(job_id));
		let class = match (job.spec.cross_class, job.class) {
			(true, _) => ClassFilter::AnyClass,
			(false, Some(class)) => ClassFilter::Exactly(class),
			(false, None) => ClassFilter::AnySingleClass,
		};
		let seed = Self::random_seed(b"assign", job_id, job.draws);
		job.draws = job.draws.saturating_add(1);
		T::Workers::select(&SelectionRequest {
			count,
			min_reputation: job.spec.min_reputation,
			class,
			exclude: &exclude,
			seed,
			// A class is only picked if a dispute could be decided in it: the replicas
			// plus a referee committee that excludes them.
			min_class_size: u32::from(job.spec.replicas).saturating_add(T::RefereeCount::get()),
			// Nobody works unpaid without having opted in.
			purpose: if job.is_volunteer() { Purpose::Volunteers } else { Purpose::Replicas },
		})
	}

	/// Randomness for the `draw`-th draw of `purpose` for a job.
	pub(crate) fn random_seed(purpose: &[u8], job_id: JobId, draw: u8) -> H256 {
		let subject = (b"povc/jobs", purpose, job_id, draw).encode();
		let (random, _) = T::Randomness::random(&subject);
		H256(sp_crypto_hashing::blake2_256(&random.encode()))
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

	pub(crate) fn do_commit(who: T::AccountId, job_id: JobId, commitment: H256) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let role = Self::committing_role(job.state).ok_or(Error::<T>::WrongPhase)?;
		// Another worker's equal commitment is no reason to refuse this one: commitments
		// bind the worker's account, so a copy is worthless to the copier (it cannot be
		// revealed), and refusing the original would let a co-replica that front-runs it
		// get the victim slashed for not committing.
		let mut assignments = Assignments::<T>::get(job_id);
		let mine = assignments
			.iter_mut()
			.find(|a| a.worker == who && a.role == role)
			.ok_or(Error::<T>::NotAssigned)?;
		ensure!(!mine.abstained, Error::<T>::AlreadyAbstained);
		ensure!(mine.commitment.is_none(), Error::<T>::AlreadyCommitted);
		mine.commitment = Some(commitment);
		Self::deposit_event(Event::Committed { job: job_id, worker: who });

		Self::advance_commit_phase(job_id, &mut job, &assignments, role);
		Assignments::<T>::insert(job_id, assignments);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Who commits in a job's `state`, if anyone.
	fn committing_role(state: JobState) -> Option<Role> {
		match state {
			JobState::Committing => Some(Role::Replica),
			JobState::RefereesCommitting => Some(Role::Referee),
			JobState::Auditing => Some(Role::Auditor),
			_ => None,
		}
	}

	/// Whether the commit phase of `role` is complete before its timeout: every worker
	/// committed, or (referees, the auditor) every one that did not abstain committed.
	/// Replicas that abstained are replaced when the phase times out, so their phase runs
	/// to the end.
	fn all_committed(assignments: &AssignmentsOf<T>, role: Role) -> bool {
		let mut members = assignments.iter().filter(|a| a.role == role);
		match role {
			Role::Replica => members.all(|a| a.commitment.is_some()),
			Role::Referee | Role::Auditor => {
				let (mut committed, mut open) = (0, 0);
				for a in members {
					match (a.commitment.is_some(), a.abstained) {
						(true, _) => committed += 1,
						(false, false) => open += 1,
						(false, true) => {},
					}
				}
				committed > 0 && open == 0
			},
		}
	}

	/// Ends the commit phase of `role` as soon as nobody is left to commit: the reveal
	/// starts, or, if replicas (or the auditor) abstained, the phase times out in the next
	/// block (which replaces them, fails the job or concludes the audit) instead of
	/// waiting for its end.
	fn advance_commit_phase(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		role: Role,
	) {
		if Self::all_committed(assignments, role) {
			Self::start_reveal(job_id, job, role);
			return;
		}
		let mut members = assignments.iter().filter(|a| a.role == role);
		let all_acted = members.all(|a| a.commitment.is_some() || a.abstained);
		if matches!(role, Role::Replica | Role::Auditor) && all_acted {
			let now = frame_system::Pallet::<T>::block_number();
			Self::schedule_timeout(job_id, job, now, now.saturating_add(1u32.into()));
		}
	}

	/// An assigned worker gives no result for the job in this commit phase.
	pub(crate) fn do_abstain(who: T::AccountId, job_id: JobId) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let role = Self::committing_role(job.state).ok_or(Error::<T>::WrongPhase)?;
		let mut assignments = Assignments::<T>::get(job_id);
		let mine = assignments
			.iter_mut()
			.find(|a| a.worker == who && a.role == role)
			.ok_or(Error::<T>::NotAssigned)?;
		ensure!(mine.commitment.is_none(), Error::<T>::AlreadyCommitted);
		ensure!(!mine.abstained, Error::<T>::AlreadyAbstained);
		mine.abstained = true;
		if role == Role::Replica {
			job.abstentions = job.abstentions.saturating_add(1);
		}
		T::Workers::note_abstained(&who);
		Self::deposit_event(Event::WorkerAbstained { job: job_id, worker: who });
		Self::advance_commit_phase(job_id, &mut job, &assignments, role);
		Assignments::<T>::insert(job_id, assignments);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// All workers of `role` committed (or the commit phase ended): they reveal now.
	pub(crate) fn start_reveal(job_id: JobId, job: &mut JobOf<T>, role: Role) {
		let now = frame_system::Pallet::<T>::block_number();
		let reveal_by =
			Self::schedule_timeout(job_id, job, now, now.saturating_add(T::RevealPeriod::get()));
		job.state = match role {
			Role::Replica => JobState::Revealing,
			Role::Referee => JobState::RefereesRevealing,
			Role::Auditor => JobState::AuditRevealing,
		};
		Self::deposit_event(Event::RevealStarted { job: job_id, reveal_by });
	}

	/// A replica opens its commitment: its result (output hash, fuel, status), never the
	/// output bytes, which stay private until the result is decided.
	pub(crate) fn do_reveal(
		who: T::AccountId,
		job_id: JobId,
		result: ExecutionResult,
		salt: [u8; 32],
	) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.state == JobState::Revealing, Error::<T>::WrongPhase);
		let mut assignments = Assignments::<T>::get(job_id);
		let commitment = result_commitment(
			job_id,
			&who,
			&result.output_hash,
			result.fuel_used,
			&result.status,
			&salt,
		);
		Self::open_commitment(
			job_id,
			&job,
			&mut assignments,
			&who,
			Role::Replica,
			result,
			commitment,
		)?;
		if Self::all_revealed(&assignments, Role::Replica) {
			Self::settle_replicas(job_id, &mut job, &mut assignments)?;
		}
		Assignments::<T>::insert(job_id, assignments);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// A referee or an auditor opens its commitment, which binds the output bytes to it
	/// ([`povc_primitives::referee_commitment`]), with the output itself.
	pub(crate) fn do_reveal_verdict(
		who: T::AccountId,
		job_id: JobId,
		result: ExecutionResult,
		salt: [u8; 32],
		output: BoundedVec<u8, T::MaxOutputLen>,
	) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let role = match job.state {
			JobState::RefereesRevealing => Role::Referee,
			JobState::AuditRevealing => Role::Auditor,
			_ => return Err(Error::<T>::WrongPhase.into()),
		};
		Self::check_output(&job, &result.output_hash, &output)?;
		let mut assignments = Assignments::<T>::get(job_id);
		let commitment =
			referee_commitment(job_id, &who, &output, result.fuel_used, &result.status, &salt);
		Self::open_commitment(job_id, &job, &mut assignments, &who, role, result, commitment)?;
		if !Outputs::<T>::contains_key(job_id, result.output_hash) {
			Outputs::<T>::insert(job_id, result.output_hash, output);
		}
		if Self::all_revealed(&assignments, role) {
			match role {
				Role::Auditor => Self::decide_audit(job_id, &mut job, &assignments),
				_ => Self::decide_dispute(job_id, &mut job, &assignments),
			}
		}
		Assignments::<T>::insert(job_id, assignments);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// A replica of a job whose replicas agreed publishes the output; the job settles.
	pub(crate) fn do_publish(
		who: T::AccountId,
		job_id: JobId,
		output: BoundedVec<u8, T::MaxOutputLen>,
	) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.state == JobState::Publishing, Error::<T>::WrongPhase);
		let result = job.result.ok_or(Error::<T>::WrongPhase)?;
		let assignments = Assignments::<T>::get(job_id);
		ensure!(
			assignments.iter().any(|a| a.worker == who && a.role == Role::Replica),
			Error::<T>::NotAssigned
		);
		Self::check_output(&job, &result.output_hash, &output)?;
		Outputs::<T>::insert(job_id, result.output_hash, output);
		Self::deposit_event(Event::OutputPublished { job: job_id, publisher: who });
		Self::settle_agreed(job_id, &mut job, &assignments, result);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Checks revealed output bytes against the job and the result's hash.
	fn check_output(job: &JobOf<T>, output_hash: &H256, output: &[u8]) -> DispatchResult {
		ensure!(output.len() as u32 <= job.spec.max_output_len, Error::<T>::OutputTooLong);
		ensure!(
			H256(sp_crypto_hashing::blake2_256(output)) == *output_hash,
			Error::<T>::OutputHashMismatch
		);
		Ok(())
	}

	/// Records `who`'s result if it opens `who`'s commitment in `role`.
	fn open_commitment(
		job_id: JobId,
		job: &JobOf<T>,
		assignments: &mut AssignmentsOf<T>,
		who: &T::AccountId,
		role: Role,
		result: ExecutionResult,
		expected: H256,
	) -> DispatchResult {
		ensure!(result.fuel_used <= job.spec.fuel_limit, Error::<T>::FuelAboveLimit);
		let mine = assignments
			.iter_mut()
			.find(|a| a.worker == *who && a.role == role)
			.ok_or(Error::<T>::NotAssigned)?;
		let commitment = mine.commitment.ok_or(Error::<T>::NotCommitted)?;
		ensure!(mine.result.is_none(), Error::<T>::AlreadyRevealed);
		ensure!(expected == commitment, Error::<T>::CommitmentMismatch);
		mine.result = Some(result);
		Self::deposit_event(Event::Revealed {
			job: job_id,
			worker: who.clone(),
			output_hash: result.output_hash,
			fuel_used: result.fuel_used,
			status: result.status,
		});
		Ok(())
	}

	/// Whether every worker of `role` that committed has revealed.
	fn all_revealed(assignments: &AssignmentsOf<T>, role: Role) -> bool {
		assignments
			.iter()
			.filter(|a| a.role == role && a.commitment.is_some())
			.all(|a| a.result.is_some())
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

	/// Ends a job in `state`: keeps the output of its result (if any) under a deposit,
	/// refunds the rest of the escrow, releases its blobs and its replicas' capacity, and
	/// schedules its pruning. The caller stores `job`.
	pub(crate) fn finish(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		state: JobState,
	) {
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
		if job.state == JobState::Queued {
			Queue::<T>::mutate(|queue| queue.retain(|id| *id != job_id));
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
}
