//! Settlement: unanimous replicas publish their output (its bytes were private until
//! then) and are paid; anything else goes to a referee committee, drawn with randomness
//! from after the last reveal, whose strict majority decides who is right. Its verdict
//! confirms a result that no revealed replica contradicts and fails a job whose replicas
//! disagree: a committee is easier to capture than every replica. Referees are paid
//! from the job's dispute fee.
//!
//! The score a unanimous result earns is pending for `AuditDelay` blocks; then, with
//! probability `AuditRate`, one referee audits it (re-runs the job) before it counts. A
//! contested audit goes to a referee committee like a dispute.

use crate::{
	lifecycle::AssignmentsOf, Assignment, AuditRate, Config, Event, ExecutionResult, FailureReason,
	JobOf, JobState, Outputs, Pallet, PendingCredits, Replaced, Role,
};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::DispatchResult, BoundedVec};
use povc_primitives::{
	ClassFilter, JobId, Offence, Purpose, RefereePool, SelectionRequest, VerifiedComputeSink,
	VolunteerProjects, WorkerRegistry,
};
use sp_core::{Get, H256};
use sp_runtime::{traits::Saturating, Perbill, Permill, SaturatedConversion};

/// blake2-256 of no output: a result nobody needs to publish.
fn empty_output_hash() -> H256 {
	H256(sp_crypto_hashing::blake2_256(&[]))
}

impl<T: Config> Pallet<T> {
	/// Every replica revealed (or the reveal phase ended with at least one reveal):
	/// settle if they all agree, else open a dispute.
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
			_ => {
				Self::open_dispute(job_id, job);
				Ok(())
			},
		}
	}

	/// The replicas agreed on `result` and its output is stored: each is paid now. A
	/// single replica's result is unverified and the job ends. A verified result's score
	/// is pending: the job waits `AuditDelay` blocks for its audit draw, with its replicas
	/// free for other work and the dispute fee still in escrow to pay an audit.
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
		let value = credits.iter().fold(0u128, |sum, (_, _, value)| sum.saturating_add(*value));
		if value == 0 {
			// Nothing to credit, so nothing to audit.
			return Self::finish(job_id, job, assignments, JobState::Verified);
		}
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
	fn reward(
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
	fn credit(
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

	/// The audit found nothing against the result (it passed, or could not be held): the
	/// pending score counts and the job ends verified.
	pub(crate) fn conclude_audit(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
	) {
		Self::credit_pending(job_id, job);
		Self::finish(job_id, job, assignments, JobState::Verified);
	}

	/// Whether the job is in (or came from) an audit: its replicas were paid and released,
	/// and its score is pending.
	pub(crate) fn audited(job: &JobOf<T>, assignments: &AssignmentsOf<T>) -> bool {
		matches!(job.state, JobState::AuditPending | JobState::Auditing | JobState::AuditRevealing)
			|| assignments.iter().any(|a| a.role == Role::Auditor)
	}

	/// The end of an audit's `AuditDelay`: with probability `AuditRate`, decided by this
	/// block's randomness, which nobody knew at settlement, one referee of the job's class
	/// (never one of its workers) is drawn to re-run it. Otherwise, or without any such
	/// referee, the score counts.
	pub(crate) fn start_audit(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &mut AssignmentsOf<T>,
	) -> DispatchResult {
		let roll = Self::random_seed(b"audit", job_id, job.draws);
		job.draws = job.draws.saturating_add(1);
		let roll = u32::from_le_bytes([roll[0], roll[1], roll[2], roll[3]]);
		if Perbill::from_parts(roll % 1_000_000_000) >= AuditRate::<T>::get() {
			Self::conclude_audit(job_id, job, assignments);
			return Ok(());
		}
		Self::draw_auditor(job_id, job, assignments)
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

	/// The auditor revealed. A match pays it its fuel's worth from the escrow and the
	/// score counts. A mismatch proves nothing yet (the auditor may be the one lying): a
	/// referee committee decides, as in a dispute.
	pub(crate) fn decide_audit(job_id: JobId, job: &mut JobOf<T>, assignments: &AssignmentsOf<T>) {
		let Some((auditor, found)) = assignments
			.iter()
			.find(|a| a.role == Role::Auditor)
			.and_then(|a| Some((a.worker.clone(), a.result?)))
		else {
			return Self::conclude_audit(job_id, job, assignments);
		};
		if Some(found) == job.result {
			Self::pay_worker(job_id, job, &auditor, found.fuel_used);
			T::Workers::note_verified(&auditor);
			Self::deposit_event(Event::AuditPassed { job: job_id, auditor });
			Self::conclude_audit(job_id, job, assignments);
		} else {
			Self::deposit_event(Event::AuditContested { job: job_id, auditor });
			Self::open_dispute(job_id, job);
		}
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

	/// Draws the referee committee: workers of the job's class that the referee pool
	/// accepts, by bond, never one of the job's workers. Without enough referees nobody can
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

	/// Draws `count` workers of the job's class that the referee pool accepts, by bond,
	/// never one that worked on the job: from the registry's referee tree of the class,
	/// O(log n) reads each.
	fn draw_from_referee_pool(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		count: u32,
	) -> Option<Vec<T::AccountId>> {
		let mut exclude: Vec<T::AccountId> = assignments.iter().map(|a| a.worker.clone()).collect();
		exclude.extend(Replaced::<T>::get(job_id));
		let class = match job.class {
			Some(class) => ClassFilter::Exactly(class),
			None => ClassFilter::AnyClass,
		};
		let seed = Self::random_seed(b"referees", job_id, job.draws);
		job.draws = job.draws.saturating_add(1);
		T::Workers::select(&SelectionRequest {
			count,
			min_reputation: Permill::zero(),
			class,
			exclude: &exclude,
			seed,
			min_class_size: 0,
			purpose: Purpose::Referees(T::RefereePool::is_referee),
		})
	}

	/// The referee committee has revealed (or its reveal phase ended). A strict majority
	/// of the whole committee decides who is right; without one nobody is faulted and the
	/// dispute is [undecided](Self::undecided). Refereeing is paid from the job's dispute
	/// fee either way: with a verdict, the referees of the majority get the verdict's fuel
	/// at the job's price (the minority is slashed instead); without one, every referee
	/// that revealed gets its own fuel's worth, since nobody can tell who was right. The
	/// unspent fee is refunded.
	///
	/// A verdict only ever *confirms* a result, never creates one: an attacker whose
	/// workers referee holds a majority of a committee of three with probability
	/// 3f² − 2f³, far more than the f^R it needs to hold every replica. So the result
	/// stands only if every replica that revealed revealed the verdict (the dispute came
	/// from a silent replica, not from a disagreement). Replicas that disagree end the job
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
}
