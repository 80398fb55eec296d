//! Commit–reveal: how drawn workers hand in their results.
//!
//! **Rule.** Every assigned worker first commits to a hash that binds its own account:
//! [`povc_primitives::result_commitment`] for a replica,
//! [`povc_primitives::referee_commitment`] (which covers the output bytes) for a referee
//! or an auditor. Once all have committed, or the commit period ended, they reveal. A
//! replica reveals its output's hash, fuel and status, never the bytes; when the replicas
//! agree, one of them publishes the bytes ([`Pallet::publish_output`]). A referee or an
//! auditor reveals its output bytes with its result. A worker that cannot stand behind a
//! result abstains before committing: that costs reputation, never bond.
//!
//! **Attacks answered.** Copying: a commitment binds its worker's account, so a copied
//! commitment cannot be revealed, and no result is public before every commitment is in.
//! Output bytes stay private until the result is agreed, so a dispute's referees have
//! nothing to copy. Front-running: another worker's equal commitment never makes a commit
//! fail, so a co-replica cannot get a victim slashed as a no-show.
//!
//! **Fees.** An assigned worker's commit, reveal, verdict, publication (its own, in a
//! narrowing, too) and abstention are free when they succeed (`Pays::No`); a failing one
//! pays its fee. Charged, they cost a replica about 0.2 POVC a job (a reveal paid for the
//! worst-case settlement weight), more than a cheap job pays: a requester could drain
//! workers with 5-replica jobs at 1 planck per fuel. Only an assigned worker's first call of a phase succeeds, so free calls
//! are bounded by the assignments. **What remains**: a cheap job still takes the
//! workers' machine time for what it pays.

use crate::{
	Assignment, Assignments, AssignmentsOf, Config, Error, Event, ExecutionResult, JobOf, JobState,
	Jobs, Outputs, Pallet, Role, WeightInfo,
};
use frame_support::{ensure, pallet_prelude::DispatchResult, weights::Weight, BoundedVec};
use povc_primitives::{batch, referee_commitment, result_commitment, JobId, WorkerRegistry};
use sp_core::{Get, H256};
use sp_runtime::{traits::Saturating, DispatchError};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_commit(who: T::AccountId, job_id: JobId, commitment: H256) -> DispatchResult {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let role = Self::committing_role(job.state).ok_or(Error::<T>::WrongPhase)?;
		// Another worker's equal commitment is no reason to refuse this one: commitments
		// bind the worker's account, so a copy is worthless to the copier (it cannot be
		// revealed), and refusing the original would let a co-replica that front-runs it
		// get the victim slashed for not committing.
		let mut assignments = Assignments::<T>::get(job_id);
		let mine = Self::assignment_of(&mut assignments, &who, role)?;
		ensure!(!mine.abstained, Error::<T>::AlreadyAbstained);
		ensure!(mine.commitment.is_none(), Error::<T>::AlreadyCommitted);
		mine.commitment = Some(commitment);
		Self::deposit_event(Event::Committed { job: job_id, worker: who });

		Self::advance_commit_phase(job_id, &mut job, &assignments, role);
		Assignments::<T>::insert(job_id, assignments);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// `who`'s assignment in `role`.
	fn assignment_of<'a>(
		assignments: &'a mut AssignmentsOf<T>,
		who: &T::AccountId,
		role: Role,
	) -> Result<&'a mut Assignment<T::AccountId>, Error<T>> {
		assignments
			.iter_mut()
			.find(|a| a.worker == *who && a.role == role)
			.ok_or(Error::<T>::NotAssigned)
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
		let mine = Self::assignment_of(&mut assignments, &who, role)?;
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
	/// output bytes, which stay private until the result is decided. Returns whether it
	/// was the last reveal, which settled the replicas.
	pub(crate) fn do_reveal(
		who: T::AccountId,
		job_id: JobId,
		result: ExecutionResult,
		salt: [u8; 32],
	) -> Result<bool, DispatchError> {
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
		let last = Self::all_revealed(&assignments, Role::Replica);
		if last {
			Self::settle_replicas(job_id, &mut job, &mut assignments)?;
		}
		Assignments::<T>::insert(job_id, assignments);
		Jobs::<T>::insert(job_id, job);
		Ok(last)
	}

	/// A referee or an auditor opens its commitment, which binds the output bytes to it
	/// ([`povc_primitives::referee_commitment`]), with the output itself.
	pub(crate) fn do_reveal_verdict(
		who: T::AccountId,
		job_id: JobId,
		result: ExecutionResult,
		salt: [u8; 32],
		output: BoundedVec<u8, T::MaxOutputLen>,
	) -> Result<u32, DispatchError> {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		let role = match job.state {
			JobState::RefereesRevealing => Role::Referee,
			JobState::AuditRevealing => Role::Auditor,
			_ => return Err(Error::<T>::WrongPhase.into()),
		};
		Self::check_output(&job, &result, &output)?;
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
		let tasks = job.spec.tasks;
		Assignments::<T>::insert(job_id, assignments);
		Jobs::<T>::insert(job_id, job);
		Ok(tasks)
	}

	/// A replica of a job whose replicas agreed publishes the output; the job settles.
	/// Returns the job's task count (what checking the output cost).
	pub(crate) fn do_publish(
		who: T::AccountId,
		job_id: JobId,
		output: BoundedVec<u8, T::MaxOutputLen>,
	) -> Result<u32, DispatchError> {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.state == JobState::Publishing, Error::<T>::WrongPhase);
		let result = job.result.ok_or(Error::<T>::WrongPhase)?;
		let assignments = Assignments::<T>::get(job_id);
		ensure!(
			assignments.iter().any(|a| a.worker == who && a.role == Role::Replica),
			Error::<T>::NotAssigned
		);
		Self::check_output(&job, &result, &output)?;
		Outputs::<T>::insert(job_id, result.output_hash, output);
		Self::deposit_event(Event::OutputPublished { job: job_id, publisher: who });
		Self::settle_agreed(job_id, &mut job, &assignments, result);
		let tasks = job.spec.tasks;
		Jobs::<T>::insert(job_id, job);
		Ok(tasks)
	}

	/// Checks revealed output bytes against the job and the result: their length, their
	/// digest (a batch's: its tasks' Merkle root) and, for a batch, its tasks' fuel.
	pub(crate) fn check_output(
		job: &JobOf<T>,
		result: &ExecutionResult,
		output: &[u8],
	) -> DispatchResult {
		ensure!(output.len() as u64 <= job.spec.max_output_bytes(), Error::<T>::OutputTooLong);
		let spec = &job.spec;
		let (digest, tasks_fuel) = batch::output_digest(spec.tasks, spec.max_output_len, output)
			.ok_or(Error::<T>::MalformedBatchOutput)?;
		ensure!(digest == result.output_hash, Error::<T>::OutputHashMismatch);
		ensure!(
			tasks_fuel.is_none_or(|fuel| fuel == result.fuel_used),
			Error::<T>::BatchFuelMismatch
		);
		Ok(())
	}

	/// The weight of a call that carries `len` output bytes (`per_len`), with the hashing
	/// of a batch's tasks: charged before dispatch for the most tasks `len` bytes can hold
	/// (each takes at least [`batch::MIN_TASK_BYTES`], at most `MaxTasks` of them), and
	/// after it for the job's own `tasks`.
	pub fn output_weight(per_len: fn(u32) -> Weight, len: usize, tasks: Option<u32>) -> Weight {
		let most = (len / batch::MIN_TASK_BYTES as usize).min(T::MaxTasks::get() as usize);
		let tasks = tasks.unwrap_or(most as u32);
		let hashing = match tasks {
			0 | 1 => Weight::zero(),
			tasks => T::WeightInfo::hash_batch_output(tasks),
		};
		per_len(len as u32).saturating_add(hashing)
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
		ensure!(result.fuel_used <= job.spec.fuel_budget(), Error::<T>::FuelAboveLimit);
		let mine = Self::assignment_of(assignments, who, role)?;
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
}
