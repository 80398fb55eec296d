//! Disputes: replicas that disagree, or a replica that did not reveal, go to a referee
//! committee.
//!
//! **Rule.** `RefereeCount` referees of the job's class that the referee pool accepts
//! (none of the job's workers) are drawn `DrawDelay` blocks after the dispute opened. They
//! re-run the job with commit–reveal; a strict majority of the whole committee is the
//! verdict. A verdict only *confirms* a result: it stands if every replica that revealed
//! revealed it (the dispute came from a silent replica), and those replicas are paid and
//! credited; otherwise (the replicas disagree, or the verdict is not what they revealed)
//! the job fails [`FailureReason::Disputed`], refunded, no replica paid. Workers the verdict contradicts get a `WrongResult` fault: reputation,
//! plus the registry's `WrongResultSlash` share of their bond, which is zero on povc's
//! runtime. The referees of the majority are paid the verdict's fuel at the job's price
//! from the dispute fee. Without a majority, every referee that revealed gets its own
//! fuel's worth and nobody is faulted; the job fails
//! [`FailureReason::NoRefereeMajority`], refunded (an audited job keeps its result and
//! payments but loses its score).
//!
//! **Attacks answered.** Captured committees: an attacker with stake share f holds a
//! majority of three with probability 3f² − 2f³, far more than the f^R it needs to hold
//! every replica, so a verdict never creates a result and, with no bond at stake, never
//! costs an honest worker its bond. Referees cannot copy: no output bytes are public before
//! their commitments are in. **What remains**: one lying replica fails an honest job as
//! `Disputed` for a reputation fault, since a dispute is voted on, not proven.

use crate::{
	Assignment, AssignmentsOf, Config, Event, ExecutionResult, FailureReason, JobOf, JobState,
	Pallet, Role,
};
use alloc::vec::Vec;
use povc_primitives::{JobId, Offence, WorkerRegistry};
use sp_core::Get;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// The replicas disagree (or some did not reveal): the committee is drawn `DrawDelay`
	/// blocks from now, by the timeout of [`JobState::DrawingReferees`]. Drawing it now
	/// would use randomness the last replica to reveal knew when it chose to reveal.
	pub(crate) fn open_dispute(job_id: JobId, job: &mut JobOf<T>) {
		let now = frame_system::Pallet::<T>::block_number();
		let draw_at =
			Self::schedule_timeout(job_id, job, now, now.saturating_add(T::DrawDelay::get()));
		job.state = JobState::DrawingReferees;
		Self::deposit_event(Event::DisputeOpened { job: job_id, draw_at });
	}

	/// The referee committee has revealed (or its reveal phase ended). A strict majority
	/// of the whole committee decides who is right; without one nobody is faulted and the
	/// dispute is [undecided](Self::undecided). Refereeing is paid from the job's dispute
	/// fee either way: with a verdict, the referees of the majority get the verdict's fuel
	/// at the job's price (the minority gets a fault and nothing); without one, every referee
	/// that revealed gets its own fuel's worth, since nobody can tell who was right. The
	/// unspent fee is refunded.
	///
	/// A verdict only ever *confirms* a result, never creates one: an attacker whose
	/// workers referee holds a majority of a committee of three with probability
	/// 3f² − 2f³, far more than the f^R it needs to hold every replica. So the result
	/// stands only if every replica that revealed revealed the verdict (the dispute came
	/// from a silent replica, not from a disagreement). Otherwise the job ends
	/// [`FailureReason::Disputed`]: it is refunded, no replica is paid, and the verdict
	/// only records faults against the side it contradicts.
	///
	/// A contested audit is decided the same way, between the replicas' result (paid
	/// already, its score pending) and the auditor's. A verdict for the replicas credits
	/// the score and faults the auditor; one against them voids the score, faults them and
	/// withdraws the result ([`FailureReason::Overturned`]).
	pub(crate) fn decide_dispute(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
	) {
		let audit = Self::audited(job, assignments);
		let referees: Vec<&Assignment<T::AccountId>> =
			assignments.iter().filter(|a| a.role == Role::Referee).collect();
		let committee = referees.len();
		let majority = referees.iter().filter_map(|a| a.result).find(|candidate| {
			referees.iter().filter(|a| a.result.as_ref() == Some(candidate)).count() * 2 > committee
		});
		let Some(verdict) = majority else {
			let ran = |a: &&Assignment<T::AccountId>| a.role != Role::Replica;
			for (worker, result) in
				assignments.iter().filter(ran).filter_map(|a| Some((&a.worker, a.result?)))
			{
				Self::pay_worker(job_id, job, worker, result.fuel_used);
			}
			Self::undecided(job_id, job, assignments, FailureReason::NoRefereeMajority);
			return;
		};
		let stands = if audit {
			job.result == Some(verdict)
		} else {
			Self::revealed_only(assignments, verdict)
		};

		let upheld: Vec<T::AccountId> = assignments
			.iter()
			.filter(|a| a.role != Role::Replica && a.result == Some(verdict))
			.map(|a| a.worker.clone())
			.collect();
		let referees_upheld: Vec<T::AccountId> = referees
			.iter()
			.filter(|a| a.result == Some(verdict))
			.map(|a| a.worker.clone())
			.collect();
		let mut credits = Vec::new();
		for assignment in assignments.iter() {
			let worker = &assignment.worker;
			let wrong = |to: &[T::AccountId]| {
				let slashed = T::Workers::slash(worker, Offence::WrongResult, to);
				Self::deposit_event(Event::WrongResultSlashed {
					job: job_id,
					worker: worker.clone(),
					slashed,
				});
			};
			match (assignment.role, assignment.result) {
				// Audited replicas were paid when they agreed (their pending score is settled
				// below); replicas that disagreed are not paid, right or not.
				(Role::Replica, Some(result)) if result == verdict => {
					if stands && !audit {
						credits.extend(Self::reward(job_id, job, worker, &result, true))
					}
				},
				(Role::Replica, Some(_)) => wrong(&upheld),
				(Role::Referee | Role::Auditor, Some(result)) if result == verdict => {
					Self::pay_worker(job_id, job, worker, result.fuel_used);
					T::Workers::note_verified(worker)
				},
				(Role::Auditor, Some(_)) => wrong(&referees_upheld),
				(Role::Referee, Some(_)) => wrong(&[]),
				// Those that did not reveal were slashed when their deadline passed.
				(_, None) => {},
			}
		}
		match (audit, stands) {
			(true, true) => Self::credit_pending(job_id, job),
			// `fail` voids the pending score and withdraws the published output.
			(true, false) => {
				return Self::fail(job_id, job, assignments, FailureReason::Overturned)
			},
			(false, true) if !credits.is_empty() => {
				// A committee of independent referees re-ran the job: no audit needed.
				let value = Self::credit(job, credits);
				Self::deposit_event(Event::ScoreCredited { job: job_id, value });
			},
			(false, true) => {},
			(false, false) => return Self::fail(job_id, job, assignments, FailureReason::Disputed),
		}
		job.result = Some(verdict);
		Self::finish(job_id, job, assignments, JobState::Verified);
	}

	/// Whether some replica revealed `result` and none revealed anything else.
	fn revealed_only(assignments: &AssignmentsOf<T>, result: ExecutionResult) -> bool {
		let mut revealed = assignments
			.iter()
			.filter(|a| a.role == Role::Replica)
			.filter_map(|a| a.result)
			.peekable();
		revealed.peek().is_some() && revealed.all(|r| r == result)
	}

	/// Nobody could decide a dispute (`reason`). An ordinary job fails and is refunded.
	/// An audited one keeps its result and payments, but not its score: a worker's
	/// claim against it stands unanswered, and score is only ever given, never in doubt.
	pub(crate) fn undecided(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		reason: FailureReason,
	) {
		if Self::audited(job, assignments) {
			Self::void_pending(job_id);
			Self::finish(job_id, job, assignments, JobState::Verified);
		} else {
			Self::fail(job_id, job, assignments, reason);
		}
	}
}
