//! Runtime API for reading the job market (served by the node as `povc_*` JSON-RPC).

use crate::{
	Assignment, Assignments, BalanceOf, Config, CostEstimate, ExecutionResult, JobInput, JobState,
	Jobs, JobsByRequester, JobsByWorker, Narrowings, Outputs, Pallet, Replaced, Role,
};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use core::fmt::Debug;
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::{Fuel, JobId};
use scale_info::TypeInfo;
use sp_core::{Get, H256};
use sp_runtime::{traits::Saturating, DispatchError, Permill};

/// Most ids one `jobs_by_*` call returns.
pub const MAX_PAGE: u32 = 1_000;

/// A job's input, as read through the API.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum InputView {
	/// The data blob with this hash.
	Blob(H256),
	/// These bytes.
	Inline(Vec<u8>),
}

/// A job with its workers, as read through the API.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct JobView<AccountId, Balance, BlockNumber> {
	pub id: JobId,
	pub requester: AccountId,
	pub program: H256,
	pub input: InputView,
	/// 1, or a batch's task count.
	pub tasks: u32,
	pub fuel_limit: Fuel,
	pub replicas: u8,
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string",
			bound = "Balance: povc_primitives::amount_string::Amount"
		)
	)]
	pub price_per_fuel: Balance,
	pub deadline: BlockNumber,
	pub min_reputation: Permill,
	pub max_output_len: u32,
	pub state: JobState,
	/// Escrow still held (open jobs).
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string",
			bound = "Balance: povc_primitives::amount_string::Amount"
		)
	)]
	pub escrow: Balance,
	pub submitted_at: BlockNumber,
	/// When the current phase ends (open jobs) or the job is pruned (finished ones).
	pub timeout_at: BlockNumber,
	/// The settled result.
	pub result: Option<ExecutionResult>,
	/// Whether the verified output is still stored (see `result`).
	pub output_stored: bool,
	/// The tasks of a batch whose replicas' published outputs differed (ascending): the
	/// stored output holds the first publication's entries for them, which nobody else
	/// vouches for, and they were refunded, not paid. Empty unless the job was narrowed.
	pub disputed_tasks: Vec<u32>,
	/// The current replicas, then the referees.
	pub assignments: Vec<Assignment<AccountId>>,
	/// Replicas that were replaced for missing a deadline.
	pub replaced: Vec<AccountId>,
}

/// Something a worker has to do now.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct OpenAssignment<BlockNumber> {
	pub job: JobId,
	pub role: Role,
	pub state: JobState,
	/// True once the worker committed (then it must reveal when the state says so).
	pub committed: bool,
	/// Last block of the current phase.
	pub phase_ends: BlockNumber,
}

sp_api::decl_runtime_apis! {
	/// Reading the job market.
	pub trait JobsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: codec::Codec,
		Balance: codec::Codec,
		BlockNumber: codec::Codec,
	{
		/// A job with its replicas, referees and state.
		fn job(id: JobId) -> Option<JobView<AccountId, Balance, BlockNumber>>;
		/// Ids of a requester's jobs (not yet pruned), ascending, after `after`.
		fn jobs_by_requester(who: AccountId, after: Option<JobId>, limit: u32) -> Vec<JobId>;
		/// Ids of jobs a worker was assigned to (not yet pruned), ascending, after `after`.
		fn jobs_by_worker(who: AccountId, after: Option<JobId>, limit: u32) -> Vec<JobId>;
		/// The jobs in which the worker must commit or reveal now.
		fn open_assignments(who: AccountId) -> Vec<OpenAssignment<BlockNumber>>;
		/// The stored verified output of a job.
		fn result(id: JobId) -> Option<Vec<u8>>;
		/// What a job with these parameters would hold in escrow and spend at most.
		fn estimate_cost(
			fuel_limit: Fuel,
			tasks: u32,
			replicas: u8,
			price_per_fuel: Balance,
			max_output_len: u32,
		) -> Result<CostEstimate<Balance>, DispatchError>;
	}
}

impl<T: Config> Pallet<T> {
	/// The API view of a job.
	pub fn job_view(id: JobId) -> Option<JobView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let job = Jobs::<T>::get(id)?;
		let output_stored =
			job.result.is_some_and(|r| Outputs::<T>::contains_key(id, r.output_hash));
		let input = match job.spec.input {
			JobInput::Blob(hash) => InputView::Blob(hash),
			JobInput::Inline(bytes) => InputView::Inline(bytes.into_inner()),
		};
		Some(JobView {
			id,
			requester: job.requester,
			program: job.spec.program,
			input,
			tasks: job.spec.tasks,
			fuel_limit: job.spec.fuel_limit,
			replicas: job.spec.replicas,
			price_per_fuel: job.spec.price_per_fuel,
			deadline: job.spec.deadline,
			min_reputation: job.spec.min_reputation,
			max_output_len: job.spec.max_output_len,
			state: job.state,
			escrow: job.escrow,
			submitted_at: job.submitted_at,
			timeout_at: job.timeout_at,
			result: job.result,
			output_stored,
			disputed_tasks: Narrowings::<T>::get(id)
				.map(|narrowing| narrowing.disputed_indices().collect())
				.unwrap_or_default(),
			assignments: Assignments::<T>::get(id).into_inner(),
			replaced: Replaced::<T>::get(id).into_inner(),
		})
	}

	/// A page of a requester's job ids.
	pub fn jobs_of_requester(who: &T::AccountId, after: Option<JobId>, limit: u32) -> Vec<JobId> {
		page(JobsByRequester::<T>::iter_key_prefix(who).collect(), after, limit)
	}

	/// A page of the ids of jobs a worker was assigned to.
	pub fn jobs_of_worker(who: &T::AccountId, after: Option<JobId>, limit: u32) -> Vec<JobId> {
		page(JobsByWorker::<T>::iter_key_prefix(who).collect(), after, limit)
	}

	/// What the worker has to do now.
	pub fn open_assignments_of(who: &T::AccountId) -> Vec<OpenAssignment<BlockNumberFor<T>>> {
		let mut open: Vec<_> = JobsByWorker::<T>::iter_prefix(who)
			.filter_map(|(job_id, role)| {
				let job = Jobs::<T>::get(job_id)?;
				let phase_role = match job.state {
					JobState::Committing
					| JobState::Revealing
					| JobState::Publishing
					| JobState::Narrowing => Role::Replica,
					JobState::RefereesCommitting | JobState::RefereesRevealing => Role::Referee,
					JobState::Auditing | JobState::AuditRevealing => Role::Auditor,
					_ => return None,
				};
				let assignments = Assignments::<T>::get(job_id);
				let mine = assignments
					.iter()
					.find(|a| &a.worker == who && a.role == role && role == phase_role)?;
				// The first replica with the result to publish (in a narrowing, its own).
				let first = assignments
					.iter()
					.find(|a| {
						a.role == Role::Replica
							&& (job.state != JobState::Narrowing || a.result == mine.result)
					})
					.is_some_and(|a| &a.worker == who);
				let pending = match job.state {
					JobState::Revealing
					| JobState::RefereesRevealing
					| JobState::AuditRevealing => mine.commitment.is_some() && mine.result.is_none(),
					// One publication is enough, and a failed one costs its fee: the first
					// replica publishes, the others only if it has not within half the period.
					// In a narrowing, every distinct result is published, the same way.
					JobState::Publishing | JobState::Narrowing => {
						let unpublished = match job.state {
							JobState::Narrowing => mine.result.is_some_and(|r| {
								!Outputs::<T>::contains_key(job_id, r.output_hash)
							}),
							_ => true,
						};
						let half = T::RevealPeriod::get() / 2u32.into();
						let now = frame_system::Pallet::<T>::block_number();
						unpublished && (first || now >= job.timeout_at.saturating_sub(half))
					},
					_ => mine.commitment.is_none() && !mine.abstained,
				};
				pending.then_some(OpenAssignment {
					job: job_id,
					role,
					state: job.state,
					committed: mine.commitment.is_some(),
					phase_ends: job.timeout_at,
				})
			})
			.collect();
		open.sort_by_key(|a| a.job);
		open
	}

	/// The stored verified output of a job.
	pub fn result_of(id: JobId) -> Option<Vec<u8>> {
		let job = Jobs::<T>::get(id)?;
		Outputs::<T>::get(id, job.result?.output_hash).map(|output| output.into_inner())
	}
}

fn page(mut ids: Vec<JobId>, after: Option<JobId>, limit: u32) -> Vec<JobId> {
	ids.sort_unstable();
	ids.into_iter()
		.filter(|id| after.is_none_or(|after| *id > after))
		.take(limit.min(MAX_PAGE) as usize)
		.collect()
}
