//! Audits: a verified result's score counts only after a chance to be re-run.
//!
//! **Rule.** A unanimously verified result is paid at once, but its score (even none)
//! stays pending for `AuditDelay` blocks. Then, with probability [`AuditRate`] decided by randomness
//! nobody knew at settlement, one worker of the job's class from the referee pool (none
//! of its workers) re-runs the job. A matching result pays the auditor its fuel's worth
//! from the dispute fee and the score counts. A different one goes to a referee committee
//! ([`crate::disputes`]): a verdict for the replicas credits the score and faults the
//! auditor; one against them voids the score, faults them and withdraws the result
//! ([`FailureReason::Overturned`]). An auditor that abstains or misses its deadline leaves
//! the result unchallenged, and without an eligible auditor the score counts.
//!
//! **Attack answered.** Replicas that all belong to one attacker and claim fuel they never
//! ran, to mint score: each such job is audited with probability `AuditRate`. **What
//! remains**: such an attacker keeps the score of the jobs that are not audited, having
//! paid the burned fee on all of them.

use crate::{AssignmentsOf, AuditRate, Config, Event, JobOf, JobState, Pallet, Role};
use frame_support::pallet_prelude::DispatchResult;
use povc_primitives::{JobId, WorkerRegistry};
use sp_runtime::Perbill;

/// Whether a random `roll` (at least 8 bytes) draws an audit at `rate`. A 64-bit number
/// modulo 10⁹ is uniform to within 10⁹ / 2⁶⁴ (a `u32` modulo 10⁹ favoured the low
/// residues: 5 % audited 5.8 % of results).
pub fn audit_roll_hits(roll: &[u8], rate: Perbill) -> bool {
	let mut low = [0u8; 8];
	low.copy_from_slice(roll.get(..8).unwrap_or(&[0; 8]));
	Perbill::from_parts((u64::from_le_bytes(low) % 1_000_000_000) as u32) < rate
}

impl<T: Config> Pallet<T> {
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
		if !audit_roll_hits(roll.as_ref(), AuditRate::<T>::get()) {
			Self::conclude_audit(job_id, job, assignments);
			return Ok(());
		}
		Self::draw_auditor(job_id, job, assignments)
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
}
