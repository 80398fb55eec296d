//! Settlement: unanimous replicas publish their output (its bytes were private until
//! then) and are paid; anything else goes to a referee committee,
//! drawn with randomness from after the last reveal, whose strict majority decides who is
//! paid and who is slashed. Referees are paid from the job's dispute fee.

use crate::{
	lifecycle::AssignmentsOf, Assignment, Config, Event, ExecutionResult, FailureReason, JobOf,
	JobState, Outputs, Pallet, Replaced, Role,
};
use frame_support::BoundedVec;
use sp_core::H256;

/// blake2-256 of no output: a result nobody needs to publish.
fn empty_output_hash() -> H256 {
	H256(sp_crypto_hashing::blake2_256(&[]))
}
use alloc::vec::Vec;
use frame_support::pallet_prelude::DispatchResult;
use povc_primitives::{
	ClassFilter, JobId, Offence, Purpose, RefereePool, SelectionRequest, VerifiedComputeSink,
	WorkerRegistry,
};
use sp_core::Get;
use sp_runtime::Permill;
use sp_runtime::{
	traits::{Saturating, Zero},
	SaturatedConversion,
};

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

	/// The replicas agreed on `result` and its output is stored: each is paid (and, with
	/// more than one replica, the result is verified), and the job ends.
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
		for worker in &workers {
			Self::reward(job_id, job, worker, &result, verified);
		}
		job.result = Some(result);
		let state = if verified { JobState::Verified } else { JobState::Unverified };
		Self::finish(job_id, job, assignments, state);
	}

	/// Pays a worker whose result stands; a verified result also raises its reputation
	/// and counts as verified compute worth the value burned on the payment. (Counting the
	/// claimed fuel instead would let a requester whose own workers hold every replica
	/// mint score at any price, for fuel nobody ran.)
	fn reward(
		job_id: JobId,
		job: &mut JobOf<T>,
		worker: &T::AccountId,
		result: &ExecutionResult,
		verified: bool,
	) {
		let burned = Self::pay_worker(job_id, job, worker, result.fuel_used);
		if verified {
			T::Workers::note_verified(worker);
			if !burned.is_zero() {
				let beneficiary = T::Workers::compute_beneficiary(worker);
				T::ComputeSink::note_verified_compute(
					worker,
					&beneficiary,
					burned.saturated_into(),
				);
			}
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
		let mut exclude: Vec<T::AccountId> = assignments.iter().map(|a| a.worker.clone()).collect();
		exclude.extend(Replaced::<T>::get(job_id));
		let class = match job.class {
			Some(class) => ClassFilter::Exactly(class),
			None => ClassFilter::AnyClass,
		};
		let seed = Self::random_seed(b"referees", job_id, job.draws);
		job.draws = job.draws.saturating_add(1);
		// Drawn by bond from the registry's tree of the job's class, O(log n) reads each;
		// only workers the referee pool accepts sit on the committee.
		let drawn = T::Workers::select(&SelectionRequest {
			count: T::RefereeCount::get(),
			min_reputation: Permill::zero(),
			class,
			exclude: &exclude,
			seed,
			min_class_size: 0,
			purpose: Purpose::Referees(T::RefereePool::is_referee),
		});
		let Some(committee) = drawn else {
			Self::fail(job_id, job, assignments, FailureReason::NotEnoughWorkers);
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

	/// The referee committee has revealed (or its reveal phase ended). A strict majority
	/// of the whole committee decides; without one the job fails and nobody is slashed.
	/// Refereeing is paid from the job's dispute fee either way: with a verdict, the
	/// referees of the majority get the verdict's fuel at the job's price (the minority is
	/// slashed instead); without one, every referee that revealed gets its own fuel's
	/// worth, since nobody can tell who was right. The unspent fee is refunded.
	pub(crate) fn decide_dispute(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
	) {
		let referees: Vec<&Assignment<T::AccountId>> =
			assignments.iter().filter(|a| a.role == Role::Referee).collect();
		let committee = referees.len();
		let majority = referees.iter().filter_map(|a| a.result).find(|candidate| {
			referees.iter().filter(|a| a.result.as_ref() == Some(candidate)).count() * 2 > committee
		});
		let Some(verdict) = majority else {
			for (worker, result) in referees.iter().filter_map(|a| Some((&a.worker, a.result?))) {
				Self::pay_worker(job_id, job, worker, result.fuel_used);
			}
			Self::fail(job_id, job, assignments, FailureReason::NoRefereeMajority);
			return;
		};

		let upheld: Vec<T::AccountId> = referees
			.iter()
			.filter(|a| a.result == Some(verdict))
			.map(|a| a.worker.clone())
			.collect();
		for assignment in assignments.iter() {
			match (assignment.role, assignment.result) {
				(Role::Replica, Some(result)) if result == verdict => {
					Self::reward(job_id, job, &assignment.worker, &result, true)
				},
				(Role::Replica, Some(_)) => {
					let slashed =
						T::Workers::slash(&assignment.worker, Offence::WrongResult, &upheld);
					Self::deposit_event(Event::WrongResultSlashed {
						job: job_id,
						worker: assignment.worker.clone(),
						slashed,
					});
				},
				(Role::Referee, Some(result)) if result == verdict => {
					Self::pay_worker(job_id, job, &assignment.worker, result.fuel_used);
					T::Workers::note_verified(&assignment.worker)
				},
				(Role::Referee, Some(_)) => {
					let slashed = T::Workers::slash(&assignment.worker, Offence::WrongResult, &[]);
					Self::deposit_event(Event::WrongResultSlashed {
						job: job_id,
						worker: assignment.worker.clone(),
						slashed,
					});
				},
				// Those that did not reveal were slashed when their deadline passed.
				(_, None) => {},
			}
		}
		job.result = Some(verdict);
		Self::finish(job_id, job, assignments, JobState::Verified);
	}
}
