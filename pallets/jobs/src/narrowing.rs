//! Narrowing: a batch whose replicas disagree settles the tasks they all agree on.
//!
//! **Rule.** When every replica of a batch revealed and their roots differ, the job goes
//! to [`JobState::Narrowing`], not to a dispute. Within `RevealPeriod` each distinct
//! result is published ([`Pallet::publish_own_output`]) by a replica that revealed it,
//! checked against that replica's own root and fuel. The first publication is the
//! reference, which the job keeps; each later one is compared with it task by task
//! ([`povc_primitives::batch::task_leaves`]), and the tasks where they differ are marked
//! disputed ([`Narrowings`]). When every result is published, or the period ends:
//! - a replica whose result nobody published is slashed like a missing reveal, to the
//!   requester;
//! - if the results of at least two replicas were published and they agree on some task,
//!   the job is verified: each of those replicas is paid the agreed tasks' fuel, the
//!   disputed tasks are refunded, and [`Event::TasksDisputed`] says how many there are
//!   (readers get their indices, and no output for them);
//! - otherwise it fails, refunded: [`FailureReason::OutputWithheld`] when fewer than two
//!   replicas' results were published, [`FailureReason::Disputed`] when no task is agreed.
//!
//! A task settles only if every published result agrees on it, never by a majority: an
//! attacker holds two of three replicas far more often than all three. And a narrowed
//! batch earns pay, not score, and is never audited: replicas that hold every seat could
//! otherwise disagree on one task to skip the audit of the rest.
//!
//! **Attacks answered.** A replica that lies on one task: on the old code every
//! disagreement went to a referee committee, whose verdict never creates a result, so one
//! wrong task failed the whole batch and its honest replicas went unpaid. Now only the
//! tasks it lied on are lost. Withholding: a replica that does not stand behind the root
//! it revealed (publishes nothing) is slashed. Publishing something else: refused, the
//! output must be the publisher's own revealed root and fuel.
//!
//! **What remains.** A liar costs the requester the tasks it lies on (refunded, not run
//! again), and the honest replicas those tasks' pay and the batch's score, while keeping
//! its bond and its pay for the other tasks; deciding a disputed task needs evidence, not
//! votes (execution proofs).

use crate::{
	Assignments, AssignmentsOf, Config, Error, Event, FailureReason, JobOf, JobState, Jobs,
	Narrowing, Narrowings, Outputs, Pallet, Role, WeightInfo,
};
use alloc::vec::Vec;
use frame_support::{ensure, weights::Weight, BoundedVec};
use povc_primitives::{batch, JobId};
use sp_core::Get;
use sp_runtime::{traits::Saturating, DispatchError};

impl<T: Config> Pallet<T> {
	/// The replicas of a batch all revealed, with different roots: each result's output is
	/// published by `RevealPeriod` from now.
	pub(crate) fn start_narrowing(job_id: JobId, job: &mut JobOf<T>) {
		let now = frame_system::Pallet::<T>::block_number();
		let publish_by =
			Self::schedule_timeout(job_id, job, now, now.saturating_add(T::RevealPeriod::get()));
		job.state = JobState::Narrowing;
		Self::deposit_event(Event::NarrowingStarted { job: job_id, publish_by });
	}

	/// `who` publishes the output of its own result in a narrowing. Returns the job's task
	/// count and what the narrowing adds to the weight of publishing a settled job's output.
	pub(crate) fn do_publish_own(
		who: T::AccountId,
		job_id: JobId,
		output: BoundedVec<u8, T::MaxOutputLen>,
	) -> Result<(u32, Weight), DispatchError> {
		let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.state == JobState::Narrowing, Error::<T>::WrongPhase);
		let assignments = Assignments::<T>::get(job_id);
		let weight = Self::compare_and_store(&who, job_id, &mut job, &assignments, output)?;
		let tasks = job.spec.tasks;
		Jobs::<T>::insert(job_id, job);
		Ok((tasks, weight))
	}

	/// `who` publishes the output of the result it revealed, which is compared task by task
	/// with the reference (the first publication); the last result published concludes the
	/// narrowing. Returns what this adds to the weight of publishing a settled job's
	/// output ([`Self::narrowing_weight`]).
	fn compare_and_store(
		who: &T::AccountId,
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
		output: BoundedVec<u8, T::MaxOutputLen>,
	) -> Result<Weight, DispatchError> {
		let mine = assignments
			.iter()
			.find(|a| &a.worker == who && a.role == Role::Replica)
			.ok_or(Error::<T>::NotAssigned)?;
		let result = mine.result.ok_or(Error::<T>::NotAssigned)?;
		ensure!(
			!Outputs::<T>::contains_key(job_id, result.output_hash),
			Error::<T>::AlreadyPublished
		);
		Self::check_output(job, &result, &output)?;
		let (spec, mut read) = (&job.spec, 0);
		let narrowing = match Narrowings::<T>::get(job_id) {
			None => Narrowing {
				reference: result.output_hash,
				disputed: BoundedVec::truncate_from(
					alloc::vec![0; spec.tasks.div_ceil(8) as usize],
				),
				disputed_tasks: 0,
				disputed_fuel: 0,
			},
			Some(mut narrowing) => {
				let reference = Outputs::<T>::get(job_id, narrowing.reference).unwrap_or_default();
				read = reference.len();
				// Both were checked against their roots when published: they decode.
				let leaves = |bytes: &[u8]| {
					batch::task_leaves(spec.tasks, spec.max_output_len, bytes).unwrap_or_default()
				};
				let (theirs, ours) = (leaves(&reference), leaves(&output));
				for (index, (theirs, ours)) in theirs.iter().zip(&ours).enumerate() {
					let index = index as u32;
					if theirs.0 != ours.0 && !narrowing.is_disputed(index) {
						if let Some(byte) = narrowing.disputed.get_mut((index / 8) as usize) {
							*byte |= 1 << (index % 8);
						}
						narrowing.disputed_tasks = narrowing.disputed_tasks.saturating_add(1);
						narrowing.disputed_fuel = narrowing.disputed_fuel.saturating_add(theirs.1);
					}
				}
				narrowing
			},
		};
		Narrowings::<T>::insert(job_id, narrowing);
		Outputs::<T>::insert(job_id, result.output_hash, output);
		Self::deposit_event(Event::OutputPublished { job: job_id, publisher: who.clone() });
		let unpublished = assignments
			.iter()
			.filter(|a| a.role == Role::Replica)
			.filter_map(|a| a.result)
			.any(|r| !Outputs::<T>::contains_key(job_id, r.output_hash));
		let concluded = !unpublished;
		if concluded {
			Self::conclude_narrowing(job_id, job, assignments);
		}
		let workers = concluded.then(Self::registry_size);
		Ok(Self::narrowing_weight(read, Some(job.spec.tasks), workers))
	}

	/// Every result is published, or the period ended: the tasks the published results all
	/// agree on settle (see the module's rule).
	pub(crate) fn conclude_narrowing(
		job_id: JobId,
		job: &mut JobOf<T>,
		assignments: &AssignmentsOf<T>,
	) {
		let mut published = Vec::new();
		for replica in assignments.iter().filter(|a| a.role == Role::Replica) {
			let Some(result) = replica.result else { continue };
			if Outputs::<T>::contains_key(job_id, result.output_hash) {
				published.push((replica.worker.clone(), result));
				continue;
			}
			Self::punish_withheld_output(job_id, job, &replica.worker);
		}
		let narrowing = Narrowings::<T>::get(job_id);
		let reference = narrowing.as_ref().and_then(|narrowing| {
			published.iter().map(|(_, r)| *r).find(|r| r.output_hash == narrowing.reference)
		});
		let (Some(narrowing), Some(reference), true) = (narrowing, reference, published.len() >= 2)
		else {
			Narrowings::<T>::remove(job_id);
			return Self::fail(job_id, job, assignments, FailureReason::OutputWithheld);
		};
		if narrowing.disputed_tasks >= job.spec.tasks {
			Narrowings::<T>::remove(job_id);
			return Self::fail(job_id, job, assignments, FailureReason::Disputed);
		}
		let paid_fuel = reference.fuel_used.saturating_sub(narrowing.disputed_fuel);
		for (worker, _) in &published {
			Self::pay_worker(job_id, job, worker, paid_fuel);
		}
		job.result = Some(reference);
		Self::deposit_event(Event::TasksDisputed {
			job: job_id,
			disputed: narrowing.disputed_tasks,
			paid_fuel,
		});
		Self::finish(job_id, job, assignments, JobState::Verified);
	}

	/// What a publication in a narrowing adds to publishing a settled job's output:
	/// comparing it with a reference of `reference_len` bytes (0: none), that is reading
	/// the reference and hashing its tasks (bounded by what publishing it cost) with its
	/// bytes in the proof, and hashing the publication's tasks once more; and, if it
	/// concludes the narrowing (`Some` registry size), the conclusion. Charged before dispatch for the largest reference, the most tasks and
	/// the largest registry.
	pub fn narrowing_weight(
		reference_len: usize,
		tasks: Option<u32>,
		concluded_with_workers: Option<u32>,
	) -> Weight {
		let comparison = match reference_len {
			0 => Weight::zero(),
			len => Self::output_weight(T::WeightInfo::publish_output, len, tasks)
				.saturating_add(Self::output_weight(|_| Weight::zero(), len, tasks))
				.saturating_add(Weight::from_parts(0, len as u64)),
		};
		let conclusion =
			concluded_with_workers.map_or(Weight::zero(), T::WeightInfo::conclude_narrowing);
		comparison.saturating_add(conclusion)
	}
}
