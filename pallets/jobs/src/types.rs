//! The records the job market stores, and the parameters its calls take.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use povc_primitives::{ExecutionStatus, Fuel};
use scale_info::TypeInfo;
use sp_core::{Get, H256};
use sp_runtime::{traits::Zero, Permill};

/// What a content-addressed blob is used as. Programs are validated WebAssembly; data
/// blobs are job inputs. The two live in separate namespaces.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum BlobKind {
	/// A validated WASI command module.
	Program,
	/// Job input data.
	Data,
}

/// Book-keeping of a stored blob.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct BlobInfo<AccountId, Balance> {
	/// Who uploaded it and has its deposit on hold.
	pub owner: AccountId,
	/// The refundable deposit held from `owner`.
	pub deposit: Balance,
	/// Length in bytes.
	pub len: u32,
	/// Jobs not yet finished that use it. It can be removed only at zero.
	pub refs: u32,
	/// How many task inputs a data blob holds when it is a batch's input (a SCALE
	/// `Vec<Vec<u8>>`, counted at upload); 0 if it is not one, or a program.
	pub task_inputs: u32,
	/// Its owner removed it while jobs used it: no new job may, and it is removed when
	/// `refs` reaches zero.
	pub retiring: bool,
}

/// A job's input: a stored data blob, or a few bytes inline in the job itself.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(MaxInline))]
pub enum JobInput<MaxInline: Get<u32>> {
	/// The data blob with this blake2-256 hash.
	Blob(H256),
	/// These bytes.
	Inline(BoundedVec<u8, MaxInline>),
}

/// What a requester asks for in `submit_job`.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(MaxInline))]
pub struct JobSpec<Balance, BlockNumber, MaxInline: Get<u32>>
where
	Balance: Clone + PartialEq + Eq + Debug,
	BlockNumber: Clone + PartialEq + Eq + Debug,
{
	/// blake2-256 of an uploaded program.
	pub program: H256,
	/// The program's stdin; for a batch, the tasks' inputs.
	pub input: JobInput<MaxInline>,
	/// How many times the program runs: 1 runs it once on `input`; a batch of `tasks` > 1
	/// runs it once per task, on the task's own input, `input` holding them all as a SCALE
	/// `Vec<Vec<u8>>`, and its output is every task's status, fuel and stdout
	/// ([`povc_primitives::batch`]). `fuel_limit` and `max_output_len` apply to each task.
	pub tasks: u32,
	/// Fuel each replica may use (in a batch: for each task).
	pub fuel_limit: Fuel,
	/// How many independent workers run it (1 = unverified).
	pub replicas: u8,
	/// What the requester pays per unit of fuel a verified replica used.
	pub price_per_fuel: Balance,
	/// Block by which the job must be settled; whatever was not earned is refunded then.
	pub deadline: BlockNumber,
	/// Lowest reputation a worker must have to be assigned.
	pub min_reputation: Permill,
	/// Most bytes of stdout the program may produce (in a batch: each task).
	pub max_output_len: u32,
}

impl<Balance, BlockNumber, MaxInline> JobSpec<Balance, BlockNumber, MaxInline>
where
	Balance: Clone + PartialEq + Eq + Debug,
	BlockNumber: Clone + PartialEq + Eq + Debug,
	MaxInline: Get<u32>,
{
	/// Fuel a replica may use for the whole job: `fuel_limit` for each of its tasks.
	pub fn fuel_budget(&self) -> Fuel {
		self.fuel_limit.saturating_mul(self.tasks.max(1).into())
	}

	/// The work it may take, in fuel: `fuel_limit`, or for a batch its tasks' fuel and
	/// what starting each counts for ([`povc_primitives::batch::work_fuel`]).
	pub fn work_fuel(&self) -> Fuel {
		povc_primitives::batch::work_fuel(self.tasks, self.fuel_limit)
	}

	/// Most bytes its output can take: `max_output_len`, or for a batch every task's
	/// output with its status and fuel ([`povc_primitives::batch::max_output_bytes`]).
	pub fn max_output_bytes(&self) -> u64 {
		povc_primitives::batch::max_output_bytes(self.tasks, self.max_output_len)
	}
}

/// Where a job is in its life.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum JobState {
	/// Waiting in the queue for enough eligible workers.
	Queued,
	/// Assigned workers are committing to their results.
	Committing,
	/// All assigned workers committed; they are revealing (results, not output bytes).
	Revealing,
	/// The replicas agreed: one of them publishes the output, whose bytes were public
	/// nowhere until now, and the job settles.
	Publishing,
	/// The replicas of a batch all revealed, and their roots differ: each publishes its
	/// own output, the chain compares them task by task, and the tasks they all agree on
	/// settle (see [`crate::narrowing`]).
	Narrowing,
	/// Replicas disagreed (or some did not reveal): the referee committee is drawn
	/// `DrawDelay` blocks later, with randomness nobody knew when the replicas revealed.
	DrawingReferees,
	/// The referee committee is committing.
	RefereesCommitting,
	/// The referee committee is revealing.
	RefereesRevealing,
	/// The replicas agreed, were paid and the output is stored; the score their result
	/// earned is pending until `AuditDelay` blocks after settlement, when the job may be
	/// drawn for an audit (`AuditRate`).
	AuditPending,
	/// An auditor is committing to its own run of the job.
	Auditing,
	/// The auditor reveals its result with the output bytes. A match credits the pending
	/// score; a mismatch goes to a referee committee.
	AuditRevealing,
	/// Settled with a result that all replicas (or the referee majority) agreed on.
	Verified,
	/// Settled with the result of a single replica (`replicas = 1`).
	Unverified,
	/// Ended without a result; the escrow was refunded.
	Failed(FailureReason),
	/// Cancelled by the requester before any commitment.
	Cancelled,
}

impl JobState {
	/// Whether the job still holds escrow and may change.
	pub fn is_open(&self) -> bool {
		matches!(
			self,
			Self::Queued
				| Self::Committing
				| Self::Revealing
				| Self::Publishing
				| Self::Narrowing
				| Self::DrawingReferees
				| Self::RefereesCommitting
				| Self::RefereesRevealing
				| Self::AuditPending
				| Self::Auditing
				| Self::AuditRevealing
		)
	}

	/// Whether the job has its verified output, final or with its score still pending an
	/// audit. (An audit that a referee committee overturns replaces the result.)
	pub fn is_verified(&self) -> bool {
		matches!(self, Self::AuditPending | Self::Auditing | Self::AuditRevealing | Self::Verified)
	}

	/// Whether the job has a result for its requester: verified (see
	/// [`Self::is_verified`]) or unverified.
	pub fn has_result(&self) -> bool {
		self.is_verified() || *self == Self::Unverified
	}

	/// Whether the requester is still waiting: the job is open and has no result yet.
	pub fn is_running(&self) -> bool {
		self.is_open() && !self.is_verified()
	}
}

/// A batch whose replicas disagreed, narrowed to the tasks they disagree on, from its
/// first publication on. Kept with a verified job until it is pruned: its readers need
/// to know which tasks of the stored output nobody vouches for.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxBitmapLen))]
pub struct Narrowing<MaxBitmapLen: Get<u32>> {
	/// The first published output's hash: the output that is kept, whose agreed tasks are
	/// the job's result.
	pub reference: H256,
	/// Bit `i % 8` of byte `i / 8` is set when task `i` differs between two published
	/// outputs. One bit per task of the job.
	pub disputed: BoundedVec<u8, MaxBitmapLen>,
	/// How many bits of `disputed` are set.
	pub disputed_tasks: u32,
	/// The fuel the reference reports for its disputed tasks: nobody is paid for it.
	pub disputed_fuel: Fuel,
}

impl<MaxBitmapLen: Get<u32>> Narrowing<MaxBitmapLen> {
	/// Whether task `index` is disputed.
	pub fn is_disputed(&self, index: u32) -> bool {
		let byte = self.disputed.get((index / 8) as usize).copied().unwrap_or(0);
		byte & (1 << (index % 8)) != 0
	}

	/// The disputed tasks, in order.
	pub fn disputed_indices(&self) -> impl Iterator<Item = u32> + '_ {
		let bits = self.disputed.len() as u32 * 8;
		(0..bits).filter(|index| self.is_disputed(*index))
	}
}

/// Why a job ended without a result.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum FailureReason {
	/// A worker missed its deadline and no further round fits before the job's deadline.
	DeadlineExpired,
	/// Not enough eligible workers or referees (or replacements left) to (re)fill the job;
	/// or its replicas were not drawn before its latest start or `MaxQueueWait` blocks
	/// after its first draw (its queue allowance was used up).
	NotEnoughWorkers,
	/// The referee committee reached no strict majority.
	NoRefereeMajority,
	/// A step of the job failed unexpectedly (its changes were discarded).
	Congested,
	/// Its replicas abstained (could not finish it in time or on their host) and no
	/// replacement was left, or no further round fit before the deadline.
	Abstained,
	/// The replicas agreed, but none published the output in time (all were slashed).
	OutputWithheld,
	/// The replicas disagreed. The referees' verdict recorded faults against the side it
	/// contradicts, but verifies no result: a committee is easier to capture than every
	/// replica.
	Disputed,
	/// An audit's referee committee contradicted the replicas: their score was voided and
	/// their result withdrawn.
	Overturned,
	/// `MaxFailedDraws` draws in a row found no eligible workers for the queued job (e.g. a
	/// reputation floor nobody meets): it leaves the queue, refunded less its queue fee.
	NoEligibleWorkers,
}

/// Whether an assigned worker runs the job as one of its replicas, a referee or its auditor.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum Role {
	/// One of the job's `replicas` independent workers.
	Replica,
	/// A member of the referee committee of a disputed job.
	Referee,
	/// The worker drawn to re-run a verified job whose score is pending. It commits and
	/// reveals like a referee; a mismatch is decided by a referee committee.
	Auditor,
}

/// A result as replicas must agree on it: two reveals agree iff these are equal.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct ExecutionResult {
	/// blake2-256 of the program's stdout; for a batch, the Merkle root of its tasks'
	/// results ([`povc_primitives::batch::output_digest`]).
	pub output_hash: H256,
	/// Fuel the run consumed (a batch: all its tasks).
	pub fuel_used: Fuel,
	/// How the run ended (a batch reports `Exited(0)`: each task's status is in its
	/// output).
	pub status: ExecutionStatus,
}

/// One worker's part in a job.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct Assignment<AccountId> {
	/// The worker.
	pub worker: AccountId,
	/// Replica or referee.
	pub role: Role,
	/// Its commitment, once committed.
	pub commitment: Option<H256>,
	/// Its result, once revealed.
	pub result: Option<ExecutionResult>,
	/// It abstained in this phase (gives no result, is not slashed).
	pub abstained: bool,
}

/// A job and everything needed to settle it. Its assignments are stored beside it.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxInline))]
pub struct Job<AccountId, Balance, BlockNumber, MaxInline: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	BlockNumber: Clone + PartialEq + Eq + Debug,
{
	/// Who submitted and pays.
	pub requester: AccountId,
	/// What was asked for.
	pub spec: JobSpec<Balance, BlockNumber, MaxInline>,
	/// Where it is in its life.
	pub state: JobState,
	/// Funds still held from the requester for this job (while open).
	pub escrow: Balance,
	/// Block the job was submitted in.
	pub submitted_at: BlockNumber,
	/// Block at which the current phase times out (the next timeout entry).
	pub timeout_at: BlockNumber,
	/// The part of `escrow` held for the queue fee while the job is queued:
	/// `QueueFeePerBlock × MaxQueueWait` at submission; zero once it left the queue (the
	/// fee burned, the rest released or refunded).
	pub queue_allowance: Balance,
	/// Draws that found no eligible workers while the job was queued; at
	/// `MaxFailedDraws` the job fails `NoEligibleWorkers`.
	pub failed_draws: u16,
	/// Replacements of no-show replicas still allowed.
	pub replacements_left: u8,
	/// How many assignment rounds happened (part of each draw's randomness subject).
	pub draws: u8,
	/// How many replicas abstained from it.
	pub abstentions: u8,
	/// The settled result, once settled.
	pub result: Option<ExecutionResult>,
	/// Deposit held from the requester while the verified output is stored.
	pub result_deposit: Balance,
}

/// What a job would cost, as `estimate_cost` and `submit_job` compute it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct CostEstimate<Balance> {
	/// Most the replicas can earn: fuel_limit × tasks × price_per_fuel × replicas.
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string",
			bound = "Balance: povc_primitives::amount_string::Amount"
		)
	)]
	pub max_payment: Balance,
	/// Most of that which is burned as protocol fee (BurnShare).
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string",
			bound = "Balance: povc_primitives::amount_string::Amount"
		)
	)]
	pub max_burn: Balance,
	/// Most a dispute's referees can earn: fuel_limit × tasks × price_per_fuel × RefereeCount
	/// (zero for one replica: nothing to dispute). Unspent, it is refunded.
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string",
			bound = "Balance: povc_primitives::amount_string::Amount"
		)
	)]
	pub dispute_fee: Balance,
	/// Most the stored result's deposit can be (refunded when it is cleared).
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string",
			bound = "Balance: povc_primitives::amount_string::Amount"
		)
	)]
	pub max_result_deposit: Balance,
	/// Most the job pays for waiting in the queue: `QueueFeePerBlock × MaxQueueWait`,
	/// burned per block waited after `DrawDelay`; what it did not use is released when its
	/// replicas are drawn (or refunded when it ends in the queue).
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string",
			bound = "Balance: povc_primitives::amount_string::Amount"
		)
	)]
	pub max_queue_fee: Balance,
	/// Everything held at submission: max_payment + dispute_fee + max_result_deposit +
	/// max_queue_fee.
	#[cfg_attr(
		feature = "std",
		serde(
			with = "povc_primitives::amount_string",
			bound = "Balance: povc_primitives::amount_string::Amount"
		)
	)]
	pub escrow: Balance,
}

impl<AccountId, Balance, BlockNumber, MaxInline> Job<AccountId, Balance, BlockNumber, MaxInline>
where
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug + Zero,
	BlockNumber: Clone + PartialEq + Eq + Debug,
	MaxInline: Get<u32>,
{
	/// Whether it is volunteer work: a research project's job at price 0, drawn among
	/// volunteers and paid in score at the project's rate.
	pub fn is_volunteer(&self) -> bool {
		self.spec.price_per_fuel.is_zero()
	}
}
