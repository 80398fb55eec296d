//! # Jobs pallet
//!
//! The job market of povc: requesters upload WebAssembly programs and input data
//! (content-addressed blobs), submit jobs with escrowed payment, and get back results
//! that independent, randomly drawn workers agreed on.
//!
//! ## Life of a job
//! Each step is one module, which opens with its rule and the attack it answers. This file
//! only declares the pallet: FRAME's macro wants its config, storage, events, errors and
//! calls in one module, which with their docs makes it about 800 lines; calls hand off to
//! the modules.
//! 1. **Submission** ([`submission`]): [`Pallet::submit_job`] holds the escrow
//!    ([`escrow`]: `fuel_limit × price_per_fuel` per replica, at least
//!    [`Config::MinReplicaPayment`] unless it is volunteer work, the same per referee as the
//!    dispute fee when there is more than one replica, the largest result deposit, and the
//!    queue allowance) and queues the job, at most [`Config::MaxQueuedPerAccount`] per
//!    account.
//! 2. **The draw** ([`draw`]): from [`Config::DrawDelay`] blocks later, `on_initialize`
//!    draws `replicas` workers from `pallet-workers` with that block's randomness, by
//!    bond, from one pool spanning every allowed determinism class. Nobody knows the draw
//!    when the submission is made or included, and a drawn job cannot be cancelled.
//!    Without enough eligible workers the job goes to the back of the queue and is tried
//!    again, until [`Config::MaxFailedDraws`] tries or [`Config::MaxQueueWait`] blocks.
//!    Every block it waits after `DrawDelay` burns [`Config::QueueFeePerBlock`] of its
//!    escrow, so holding a queue slot costs its occupant.
//!    A job of `tasks` > 1 is a *batch*: the program runs once per task input, and
//!    replicas agree on the Merkle root of every task's result
//!    ([`povc_primitives::batch`]), so one job settles thousands of runs.
//! 3. **Commit–reveal** ([`commit_reveal`]): each worker runs the program and
//!    [`Pallet::commit`]s to a hash that binds its own account; once all have committed,
//!    each [`Pallet::reveal`]s its output's hash, fuel and status. A worker that cannot
//!    stand behind a result [`Pallet::abstain`]s instead: it loses reputation, never bond,
//!    and is replaced.
//! 4. **Settlement** ([`settlement`]): unanimous replicas make the result *verified*: one
//!    of them [`Pallet::publish_output`]s the bytes, each is paid `fuel_used ×
//!    price_per_fuel` (at least `MinReplicaPayment`) less the burned
//!    [`Config::BurnShare`], the rest of the escrow is refunded. A single replica's result is *unverified*.
//! 5. **Audit** ([`audits`]): a verified result's score (the fee burned on its payments)
//!    is pending for [`Config::AuditDelay`] blocks; with probability [`AuditRate`] one
//!    referee re-runs the job before the score counts.
//!    A batch whose replicas all revealed different roots is *narrowed* ([`narrowing`]):
//!    each publishes its own output, and the tasks they all agree on settle, the others
//!    are refunded.
//! 6. **Dispute** ([`disputes`]): any other disagreement, or a missing reveal, goes to a referee
//!    committee that re-runs the job. Its strict majority only confirms a result: unless every
//!    replica that revealed revealed the verdict, the job fails and is refunded. Workers it contradicts get a
//!    fault (reputation; their bond only if the runtime sets a `WrongResultSlash`, which
//!    povc's does not).
//! 7. **Timeouts** ([`timeouts`]): workers that miss a commit or reveal deadline are
//!    slashed and replaced while the deadline and `MaxReplacements` allow; otherwise the
//!    job fails and is refunded (less the `AbstentionFee`, burned, per abstention if its
//!    replicas abstained). Finished jobs are pruned after `JobRetention`.
//!
//! Plain majority voting is not used on purpose: with 20 % of the bonded stake
//! colluding, majority-of-3 accepts 10.4 % wrong results, while unanimity plus referees
//! accepts only jobs where every replica is an attacker (0.8 % at 3 replicas).
//!
//! All queue entries and per-job data are bounded; `on_initialize` ([`hook`]) handles
//! timeouts, prunings and queued jobs within `MaxHookWeight` (half a block in povc's
//! runtime): a step is taken only with room for its benchmarked worst case at the
//! registry's size; a timeout is charged the end of its own job's phase, a draw the
//! outcome it had. The hook never touches the jobs that only wait (their queue fee is
//! charged when they leave the queue). Scheduling a timeout never
//! fails and never shortens a phase.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

pub mod audits;
mod blobs;
pub mod commit_reveal;
pub mod disputes;
pub mod draw;
pub mod escrow;
pub mod hook;
pub mod narrowing;
pub mod program;
pub mod runtime_api;
pub mod settlement;
pub mod submission;
pub mod timeouts;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod invariants;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use frame_support::{traits::fungible, BoundedVec};
use sp_core::{Get, H256};

pub use types::*;

/// Balance type of the configured currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The job record type of a runtime.
pub type JobOf<T> = Job<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxInlineInput,
>;

/// The job spec type of a runtime.
pub type JobSpecOf<T> = JobSpec<
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxInlineInput,
>;

/// The metadata of a stored blob.
pub type BlobInfoOf<T> = BlobInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

/// One bit per task of the largest batch: the length of a [`Narrowing`]'s bitmap.
pub struct TaskBitmapLen<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<u32> for TaskBitmapLen<T> {
	fn get() -> u32 {
		T::MaxTasks::get().div_ceil(8)
	}
}

/// The narrowing record of a runtime.
pub type NarrowingOf<T> = Narrowing<TaskBitmapLen<T>>;

/// The assignments of one job.
pub type AssignmentsOf<T> =
	BoundedVec<Assignment<<T as frame_system::Config>::AccountId>, MaxAssigneesOf<T>>;

/// Most workers one job can have at a time: its replicas, an auditor and a referee committee.
pub struct MaxAssigneesOf<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<u32> for MaxAssigneesOf<T> {
	fn get() -> u32 {
		// Replicas, an auditor, and a referee committee (a dispute's or a contested
		// audit's).
		T::MaxReplicas::get().saturating_add(1).saturating_add(T::RefereeCount::get())
	}
}

// The pallet macros expand to paths that the workspace lint finds over-qualified.
#[allow(unused_qualifications)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		dispatch::PostDispatchInfo,
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			Randomness,
		},
		weights::WeightMeter,
	};
	use frame_system::pallet_prelude::*;
	use povc_primitives::{
		ExecutionStatus, Fuel, JobId, RefereePool, VerifiedComputeSink, VolunteerProjects,
		WorkerRegistry,
	};
	use sp_runtime::{Perbill, Permill};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why funds of an account are held by this pallet.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Escrow of the requester's open jobs.
		Escrow,
		/// Refundable deposit of an uploaded blob.
		BlobDeposit,
		/// Refundable deposit of a stored job result.
		ResultDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency escrow, payments and deposits are made in (held with
		/// [`HoldReason`]s).
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The worker registry: selection, capacity, reputation and slashing.
		type Workers: WorkerRegistry<Self::AccountId, Balance = BalanceOf<Self>>;

		/// Which of the workers drawn from the registry's referee tree may sit on a
		/// committee now (pallet-povc: those whose accepting validator is a current one).
		type RefereePool: RefereePool<Self::AccountId>;

		/// Receives the verified compute of settled jobs (compute scores).
		type ComputeSink: VerifiedComputeSink<Self::AccountId>;

		/// The volunteer research projects governance approved: only they submit jobs at
		/// price 0, which are drawn among volunteer workers and earn score at the project's
		/// rate instead of pay.
		type Projects: VolunteerProjects<Self::AccountId>;

		/// On-chain randomness for drawing workers and referees.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Largest program, in bytes.
		#[pallet::constant]
		type MaxProgramSize: Get<u32>;

		/// Largest data blob, in bytes.
		#[pallet::constant]
		type MaxBlobSize: Get<u32>;

		/// Largest input given inline in a job, in bytes.
		#[pallet::constant]
		type MaxInlineInput: Get<u32>;

		/// Largest output a job may produce, in bytes: a single run's stdout, or a batch's
		/// tasks' outputs with their statuses and fuel
		/// ([`povc_primitives::batch::max_output_bytes`]).
		#[pallet::constant]
		type MaxOutputLen: Get<u32>;

		/// Most tasks a batch job may have (each runs the program once).
		#[pallet::constant]
		type MaxTasks: Get<u32>;

		/// Most replicas a job may ask for.
		#[pallet::constant]
		type MaxReplicas: Get<u32>;

		/// Size of the referee committee of a disputed job.
		#[pallet::constant]
		type RefereeCount: Get<u32>;

		/// How many no-show (or no-reveal) workers one job may replace in its life.
		#[pallet::constant]
		type MaxReplacements: Get<u32>;

		/// Largest fuel limit a job may set.
		#[pallet::constant]
		type MaxFuelLimit: Get<Fuel>;

		/// Deposit per stored blob, plus [`Config::BlobDepositPerByte`] per byte.
		#[pallet::constant]
		type BlobDepositBase: Get<BalanceOf<Self>>;

		/// Deposit per byte of a stored blob.
		#[pallet::constant]
		type BlobDepositPerByte: Get<BalanceOf<Self>>;

		/// Deposit per stored result, plus [`Config::ResultDepositPerByte`] per byte.
		#[pallet::constant]
		type ResultDepositBase: Get<BalanceOf<Self>>;

		/// Deposit per byte of a stored result.
		#[pallet::constant]
		type ResultDepositPerByte: Get<BalanceOf<Self>>;

		/// Share of every payment to workers that is burned as protocol fee. Only fuel on
		/// which a fee was burned counts as verified compute, so that a requester paying
		/// its own workers cannot farm compute score for free.
		#[pallet::constant]
		type BurnShare: Get<Perbill>;

		/// Blocks an assigned worker has to commit.
		#[pallet::constant]
		type CommitPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks a committed worker has to reveal.
		#[pallet::constant]
		type RevealPeriod: Get<BlockNumberFor<Self>>;

		/// Furthest deadline a job may set, in blocks from submission.
		#[pallet::constant]
		type MaxJobLifetime: Get<BlockNumberFor<Self>>;

		/// Blocks a finished job (and its stored result) is kept before it is pruned.
		#[pallet::constant]
		type JobRetention: Get<BlockNumberFor<Self>>;

		/// Most jobs waiting for workers.
		#[pallet::constant]
		type MaxQueueLen: Get<u32>;

		/// Most queue entries one account holds at once: filling the queue takes
		/// `MaxQueueLen / MaxQueuedPerAccount` accounts, each paying its jobs' queue fees
		/// ([`Error::TooManyQueued`] beyond it). An account cannot get more jobs drawn than
		/// the chain draws anyway, so set it to a few blocks' worth of draws
		/// ([`Config::MaxHookWeight`]).
		#[pallet::constant]
		type MaxQueuedPerAccount: Get<u32>;

		/// What a queued job pays, burned from its escrow, for every block it waits after
		/// its `DrawDelay` (charged when it leaves the queue). A flat amount, not a share of
		/// the job's value: the scarce thing is the queue slot, which a job of the smallest
		/// escrow takes as much as any other. Small for a job drawn within a few blocks,
		/// ruinous for one that holds its slot for days.
		#[pallet::constant]
		type QueueFeePerBlock: Get<BalanceOf<Self>>;

		/// Most blocks a job waits in the queue after its `DrawDelay`: its escrow holds
		/// `QueueFeePerBlock × MaxQueueWait` for the queue fee (released, less the fee, at
		/// the draw), and a job not drawn by then fails `NotEnoughWorkers`, refunded less
		/// the fee. Long enough for the first workers of a new chain to enter the
		/// registry's snapshot.
		#[pallet::constant]
		type MaxQueueWait: Get<BlockNumberFor<Self>>;

		/// Failed draws after which a queued job fails `NoEligibleWorkers` (refunded less
		/// its queue fee): a job nobody can serve (a reputation floor no worker meets)
		/// gives its slot back. A job is tried only when the block hook's budget reaches
		/// it in the queue, at most once a block, so this is at least as many blocks; at
		/// most `u16::MAX`.
		#[pallet::constant]
		type MaxFailedDraws: Get<u32>;

		/// The least a paid job pays each replica and referee whose result counts: a job
		/// must offer `fuel_limit × price_per_fuel` of at least this
		/// ([`Error::PriceBelowFloor`]), and a run that used less fuel is paid this. A
		/// worker's successful calls are free, so the floor is what prices their block space
		/// (and a worker's time): set it at least at the fees a replica's commit, reveal and
		/// publication would pay. Volunteer jobs (price 0) are exempt.
		#[pallet::constant]
		type MinReplicaPayment: Get<BalanceOf<Self>>;

		/// Most weight `on_initialize` uses in a block ([`hook`]): at most half of it for
		/// due timeouts, an eighth for prunings, the rest for draws from the queue, each
		/// step taken only with room for its benchmarked worst case at the registry's size
		/// (a timeout's: that of its job's phase). What does not fit waits for the next
		/// blocks: phases then end later, never earlier. Half a block leaves the other
		/// half to extrinsics whatever the backlog.
		#[pallet::constant]
		type MaxHookWeight: Get<Weight>;

		/// What a job that fails because its replicas abstained pays per abstention, as a
		/// share of one replica's maximum payment (`fuel_limit × price_per_fuel`); burned,
		/// so that nobody gains from an abstention, while a requester pays for the worker
		/// time its unfinishable job took.
		#[pallet::constant]
		type AbstentionFee: Get<Perbill>;

		/// Blocks from a job's submission to the first block that may draw its workers. At
		/// least 2: block `n` draws with the randomness of block `n − 1`, which the author
		/// of the submission's block did not know (unless it authored both).
		#[pallet::constant]
		type DrawDelay: Get<BlockNumberFor<Self>>;

		/// Blocks a unanimously verified result's score stays pending before the job may be
		/// drawn for an audit. At least 2, like [`Config::DrawDelay`]: the audit is decided
		/// with randomness nobody knew when the result settled.
		#[pallet::constant]
		type AuditDelay: Get<BlockNumberFor<Self>>;

		/// The [`AuditRate`] of a new chain, until governance sets another.
		#[pallet::constant]
		type DefaultAuditRate: Get<Perbill>;

		/// Highest reputation floor a job may ask for. Reputation `(v + 1) / (v + 4f + 2)`
		/// never reaches 100 %, so a floor above what workers can reach would leave a job
		/// that nobody can ever serve.
		#[pallet::constant]
		type MaxMinReputation: Get<Permill>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Sets up workers for the benchmarks (the registry is another pallet).
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// Metadata of stored blobs, by kind and blake2-256 hash.
	#[pallet::storage]
	pub type Blobs<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlobKind, Blake2_128Concat, H256, BlobInfoOf<T>>;

	/// Code of stored programs.
	#[pallet::storage]
	pub type Programs<T: Config> =
		StorageMap<_, Blake2_128Concat, H256, BoundedVec<u8, T::MaxProgramSize>>;

	/// Content of stored data blobs.
	#[pallet::storage]
	pub type DataBlobs<T: Config> =
		StorageMap<_, Blake2_128Concat, H256, BoundedVec<u8, T::MaxBlobSize>>;

	/// The id the next job gets.
	#[pallet::storage]
	pub type NextJobId<T> = StorageValue<_, JobId, ValueQuery>;

	/// Score earned by the replicas of a verified job, pending its audit:
	/// `(worker, beneficiary, value)` per replica.
	#[pallet::storage]
	pub type PendingCredits<T: Config> = StorageMap<
		_,
		Twox64Concat,
		JobId,
		BoundedVec<(T::AccountId, T::AccountId, u128), T::MaxReplicas>,
		ValueQuery,
	>;

	/// Probability that a unanimously verified result is audited: one referee re-runs it
	/// before its score counts. Replicas that claim fuel they never ran then lose the
	/// score and, once a referee committee confirms the mismatch, their result and
	/// reputation (their bond only by the registry's `WrongResultSlash`). Set by
	/// governance ([`Pallet::set_audit_rate`]); see [`audits`].
	#[pallet::storage]
	pub type AuditRate<T: Config> = StorageValue<_, Perbill, ValueQuery, T::DefaultAuditRate>;

	/// Jobs, open and finished (until pruned).
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, JobOf<T>>;

	/// The workers (replicas, then referees) currently assigned to a job.
	#[pallet::storage]
	pub type Assignments<T: Config> = StorageMap<
		_,
		Twox64Concat,
		JobId,
		BoundedVec<Assignment<T::AccountId>, MaxAssigneesOf<T>>,
		ValueQuery,
	>;

	/// Workers that were replaced on a job; never drawn for it again.
	#[pallet::storage]
	pub type Replaced<T: Config> = StorageMap<
		_,
		Twox64Concat,
		JobId,
		BoundedVec<T::AccountId, T::MaxReplacements>,
		ValueQuery,
	>;

	/// Outputs revealed for a job, by hash. After settlement only the verified one stays,
	/// until the requester clears it or the job is pruned.
	#[pallet::storage]
	pub type Outputs<T: Config> =
		StorageDoubleMap<_, Twox64Concat, JobId, Identity, H256, BoundedVec<u8, T::MaxOutputLen>>;

	/// Batches whose replicas disagreed: the tasks their published outputs differ on
	/// ([`narrowing`]). From the first publication until the job is pruned.
	#[pallet::storage]
	pub type Narrowings<T: Config> = StorageMap<_, Twox64Concat, JobId, NarrowingOf<T>>;

	/// Jobs waiting for enough eligible workers, oldest first.
	#[pallet::storage]
	pub type Queue<T: Config> = StorageValue<_, BoundedVec<JobId, T::MaxQueueLen>, ValueQuery>;

	/// How many of the queued jobs each requester holds (no entry at zero); at most
	/// `MaxQueuedPerAccount`, so the map has at most `MaxQueueLen` entries.
	#[pallet::storage]
	pub type QueuedByAccount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Open jobs by the block their current phase ends (each open job has one entry).
	#[pallet::storage]
	pub type Timeouts<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, JobId, ()>;

	/// The oldest block whose timeouts may not all be handled yet.
	#[pallet::storage]
	pub type TimeoutCursor<T: Config> = StorageValue<_, BlockNumberFor<T>>;

	/// Finished jobs by the block they are pruned (each finished job has one entry).
	#[pallet::storage]
	pub type Prunings<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, JobId, ()>;

	/// The oldest block whose prunings may not all be done yet.
	#[pallet::storage]
	pub type PruningCursor<T: Config> = StorageValue<_, BlockNumberFor<T>>;

	/// Jobs by requester, until pruned.
	#[pallet::storage]
	pub type JobsByRequester<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, JobId, ()>;

	/// Jobs a worker was assigned to (as replica or referee), until pruned.
	#[pallet::storage]
	pub type JobsByWorker<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, JobId, Role>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A blob was stored.
		BlobUploaded {
			kind: BlobKind,
			hash: H256,
			owner: T::AccountId,
			len: u32,
			deposit: BalanceOf<T>,
		},
		/// A blob was removed and its deposit refunded.
		BlobRemoved { kind: BlobKind, hash: H256, owner: T::AccountId, deposit: BalanceOf<T> },
		/// Its owner removed a blob that `jobs` unfinished jobs still use: no new job may use
		/// it, and it is removed when the last of them finishes.
		BlobRetiring { kind: BlobKind, hash: H256, owner: T::AccountId, jobs: u32 },
		/// A job was submitted and its escrow held.
		JobSubmitted { job: JobId, requester: T::AccountId, escrow: BalanceOf<T> },
		/// Not enough eligible workers: the job waits in the queue.
		JobQueued { job: JobId },
		/// The job left the queue after waiting `blocks` blocks beyond its `DrawDelay`:
		/// `burned` of its escrow (`QueueFeePerBlock` per block, at most its queue
		/// allowance) was burned.
		QueueFeeCharged { job: JobId, blocks: u32, burned: BalanceOf<T> },
		/// A worker was assigned to a job; it must commit by `commit_by`.
		WorkerAssigned {
			job: JobId,
			worker: T::AccountId,
			role: Role,
			commit_by: BlockNumberFor<T>,
		},
		/// A worker committed to its result.
		Committed { job: JobId, worker: T::AccountId },
		/// All assigned workers committed; they must reveal by `reveal_by`.
		RevealStarted { job: JobId, reveal_by: BlockNumberFor<T> },
		/// The replicas agreed: one of them must publish the output by `publish_by`.
		OutputRequested { job: JobId, publish_by: BlockNumberFor<T> },
		/// `publisher` published the agreed output; the job settles. (In a narrowing: its
		/// own output, compared task by task with the first one published.)
		OutputPublished { job: JobId, publisher: T::AccountId },
		/// A batch's replicas revealed different roots: each publishes its own output by
		/// `publish_by`, and the tasks they all agree on settle.
		NarrowingStarted { job: JobId, publish_by: BlockNumberFor<T> },
		/// A narrowed batch settled: `disputed` of its tasks differed between the published
		/// outputs and are refunded; each publishing replica was paid `paid_fuel`, the
		/// agreed tasks' fuel.
		TasksDisputed { job: JobId, disputed: u32, paid_fuel: Fuel },
		/// A worker revealed its result.
		Revealed {
			job: JobId,
			worker: T::AccountId,
			output_hash: H256,
			fuel_used: Fuel,
			status: ExecutionStatus,
		},
		/// A worker abstained: it gives no result for the job (and is not slashed).
		WorkerAbstained { job: JobId, worker: T::AccountId },
		/// The job failed because its replicas abstained: `burned` of its escrow paid for
		/// their `abstentions`.
		AbstentionsCharged { job: JobId, abstentions: u32, burned: BalanceOf<T> },
		/// A worker missed its commit or reveal deadline and was slashed.
		WorkerMissedDeadline { job: JobId, worker: T::AccountId, slashed: BalanceOf<T> },
		/// Replicas disagreed (or some did not reveal): a referee committee is drawn at
		/// `draw_at`, with randomness from after this block.
		DisputeOpened { job: JobId, draw_at: BlockNumberFor<T> },
		/// The referee committee of a disputed job was drawn; it re-runs the job.
		RefereesDrawn { job: JobId, referees: Vec<T::AccountId> },
		/// The replicas' result is verified and paid; the score it earned (`value` in
		/// total) is pending until block `audit_at`, when the job may be drawn for an audit.
		ScorePending { job: JobId, value: u128, audit_at: BlockNumberFor<T> },
		/// The pending score of a verified job was credited to the validators it counts for.
		ScoreCredited { job: JobId, value: u128 },
		/// The pending score of a job was voided: an audit's referee committee found its
		/// result wrong, or could not decide.
		ScoreVoided { job: JobId, value: u128 },
		/// Governance set the probability that a verified result is audited.
		AuditRateSet { rate: Perbill },
		/// The job was drawn for an audit: `auditor` re-runs it.
		AuditorDrawn { job: JobId, auditor: T::AccountId },
		/// The auditor's result matched the replicas'.
		AuditPassed { job: JobId, auditor: T::AccountId },
		/// The auditor's result differs from the replicas': a referee committee decides.
		AuditContested { job: JobId, auditor: T::AccountId },
		/// A worker's result contradicted the referee majority: a fault against its
		/// reputation, and `slashed` of its bond (the registry's `WrongResultSlash` share,
		/// zero on povc's runtime) went to the workers the verdict upheld.
		WrongResultSlashed { job: JobId, worker: T::AccountId, slashed: BalanceOf<T> },
		/// A worker was paid for a result; `burned` of the payment was burned as fee.
		WorkerPaid { job: JobId, worker: T::AccountId, amount: BalanceOf<T>, burned: BalanceOf<T> },
		/// The job settled with a result all replicas (or the referee majority) agreed on.
		JobVerified { job: JobId, output_hash: H256, fuel_used: Fuel, status: ExecutionStatus },
		/// The job settled with the result of its single replica.
		JobUnverified { job: JobId, output_hash: H256, fuel_used: Fuel, status: ExecutionStatus },
		/// The job ended without a result.
		JobFailed { job: JobId, reason: FailureReason },
		/// The requester cancelled the job.
		JobCancelled { job: JobId },
		/// Unspent escrow went back to the requester: when the job ended, or, for its
		/// unused queue allowance, when its replicas were drawn.
		EscrowRefunded { job: JobId, requester: T::AccountId, amount: BalanceOf<T> },
		/// The stored result was removed and its deposit refunded.
		ResultCleared { job: JobId, deposit: BalanceOf<T> },
		/// A finished job was removed from storage.
		JobPruned { job: JobId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The program is larger than `MaxProgramSize`.
		ProgramTooLarge,
		/// The data blob is larger than `MaxBlobSize`.
		BlobTooLarge,
		/// Not a valid WebAssembly module with the allowed features.
		InvalidWasm,
		/// The program imports something other than a WASI preview 1 function.
		DisallowedImport,
		/// The program does not export `_start` and `memory` (it is not a WASI command).
		NotACommand,
		/// The program declares a shared or 64-bit memory, or several memories.
		DisallowedMemory,
		/// The program has too many functions, locals, globals, tables or initial memory.
		ProgramLimitExceeded,
		/// A blob with this content is already stored.
		AlreadyUploaded,
		/// No such blob.
		UnknownBlob,
		/// No such program.
		UnknownProgram,
		/// Only the uploader can remove a blob.
		NotBlobOwner,
		/// Its owner removed the blob: it serves the unfinished jobs that already use it and
		/// no new one, and goes (its deposit refunded) when the last of them finishes.
		BlobRetiring,
		/// The free balance cannot cover the deposit or escrow.
		InsufficientBalance,
		/// `replicas` must be between 1 and `MaxReplicas`.
		InvalidReplicas,
		/// `fuel_limit` must be at least 1, and the job's work at most `MaxFuelLimit`: a
		/// batch's `(fuel_limit + TASK_START_FUEL) × tasks`, since it runs its tasks within
		/// one commit period ([`povc_primitives::batch::work_fuel`]).
		InvalidFuelLimit,
		/// `max_output_len` exceeds `MaxOutputLen`; for a batch, its tasks' outputs of
		/// `max_output_len` each, with their status and fuel, would.
		OutputLimitTooLarge,
		/// `tasks` must be between 1 and `MaxTasks`.
		InvalidTaskCount,
		/// A batch's input is not exactly `tasks` task inputs (a SCALE `Vec<Vec<u8>>`),
		/// inline or in the data blob.
		TaskInputsMismatch,
		/// The deadline leaves too little time for a round and a dispute.
		DeadlineTooSoon,
		/// The deadline is further than `MaxJobLifetime`.
		DeadlineTooFar,
		/// A job at price 0 is volunteer work, which only an approved research project may
		/// submit: offer a price per fuel, or have governance approve the project
		/// (`povc.approve_project`).
		NotAProject,
		/// A paid job offers each replica less than `MinReplicaPayment`
		/// (`fuel_limit × price_per_fuel`): raise the price or the fuel limit.
		PriceBelowFloor,
		/// The escrow does not fit in a balance.
		Overflow,
		/// The queue of jobs waiting for workers is full.
		QueueFull,
		/// The account already holds `MaxQueuedPerAccount` queued jobs: wait until some
		/// are drawn, or cancel some.
		TooManyQueued,
		/// No such job.
		UnknownJob,
		/// Only the requester can do this.
		NotRequester,
		/// A worker has already committed: the job can no longer be cancelled.
		AlreadyCommitted,
		/// The job is not in the phase this call belongs to.
		WrongPhase,
		/// The caller is not assigned to the job (in the current phase's role).
		NotAssigned,
		/// The caller has not committed.
		NotCommitted,
		/// The caller has already revealed.
		AlreadyRevealed,
		/// The revealed values do not hash to the caller's commitment.
		CommitmentMismatch,
		/// The output does not hash to `output_hash` (a batch's: its tasks' Merkle root).
		OutputHashMismatch,
		/// A batch's output is not exactly `tasks` task outputs (a SCALE `Vec<TaskOutput>`) of
		/// at most `max_output_len` bytes each.
		MalformedBatchOutput,
		/// A batch's tasks' fuel does not add up to the result's `fuel_used`.
		BatchFuelMismatch,
		/// The output is longer than the job's `max_output_len`.
		OutputTooLong,
		/// `fuel_used` exceeds the job's fuel limit.
		FuelAboveLimit,
		/// The job has no stored result.
		NoResult,
		/// The job has not finished.
		JobNotFinished,
		/// The job's workers were drawn: it runs and its work is paid for (cancelling now
		/// would let a requester re-roll the draw).
		AlreadyDrawn,
		/// `min_reputation` is above `MaxMinReputation`: no worker could ever serve it.
		ReputationUnreachable,
		/// The caller abstained from this job.
		AlreadyAbstained,
		/// The output of the caller's result is already published (by it, or by a
		/// replica that revealed the same result).
		AlreadyPublished,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Ends the phases due now ([`timeouts`]), prunes finished jobs and draws queued
		/// ones ([`draw`]), failing those whose draws failed `MaxFailedDraws` times
		/// ([`submission`]), all within `MaxHookWeight` ([`hook`]). Emits the events of
		/// those steps: [`Event::WorkerAssigned`], [`Event::QueueFeeCharged`],
		/// [`Event::WorkerMissedDeadline`], [`Event::RefereesDrawn`],
		/// [`Event::AuditorDrawn`], [`Event::ScoreCredited`], [`Event::JobFailed`],
		/// [`Event::JobPruned`] and the settlement events they lead to.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::run_hook(now)
		}

		/// Prunes more finished jobs with the weight the block's extrinsics left.
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::run_idle(now, remaining)
		}

		fn integrity_test() {
			assert!(T::MaxReplicas::get() >= 1, "MaxReplicas must be at least 1");
			assert!(T::MaxReplicas::get() <= u8::MAX as u32, "replicas are counted in a u8");
			assert!(T::MaxReplacements::get() <= u8::MAX as u32, "replacements are a u8");
			assert!(T::RefereeCount::get() >= 1, "disputes need referees");
			assert!(!T::CommitPeriod::get().is_zero() && !T::RevealPeriod::get().is_zero());
			assert!(
				T::MaxInlineInput::get() <= T::MaxBlobSize::get(),
				"inline input is a small blob"
			);
			assert!(
				T::DrawDelay::get() >= 2u32.into(),
				"a draw must use randomness from after the submission's block"
			);
			assert!(T::MaxFailedDraws::get() >= 1, "a job gets at least one draw");
			assert!(T::MaxFailedDraws::get() <= u16::MAX.into(), "failed draws are a u16");
			assert!(T::MaxQueuedPerAccount::get() >= 1, "an account may queue a job");
			let hook = T::MaxHookWeight::get();
			let block = <T as frame_system::Config>::BlockWeights::get().max_block;
			assert!(hook.all_lte(block), "the block hook's budget fits a block");
			let share = |part: u64| WeightMeter::with_limit(hook / part);
			// At the largest registry, the worst case.
			let workers = T::Workers::max_workers();
			assert!(
				Self::room_for(&share(2), Self::timeout_weight(workers)) >= 1,
				"a timeout fits"
			);
			assert!(Self::room_for(&share(8), T::WeightInfo::prune_job()) >= 1, "a pruning fits");
			let draws = hook.saturating_sub(T::WeightInfo::on_initialize_base());
			assert!(Self::draw_weight(workers).all_lte(draws), "a draw fits");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state(now)
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Stores a job program, content-addressed by its blake2-256 hash, after checking
		/// that it is a valid WASI preview 1 command within the program limits. Holds a
		/// refundable deposit per byte. Invalid code fails with a precise error.
		///
		/// Emits [`Event::BlobUploaded`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::upload_program(code.len() as u32))]
		pub fn upload_program(origin: OriginFor<T>, code: Vec<u8>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_upload(who, BlobKind::Program, code)
		}

		/// Stores a data blob (job input), content-addressed by its blake2-256 hash, with a
		/// refundable deposit per byte.
		///
		/// Emits [`Event::BlobUploaded`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::upload_blob(data.len() as u32))]
		pub fn upload_blob(origin: OriginFor<T>, data: Vec<u8>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_upload(who, BlobKind::Data, data)
		}

		/// Removes a blob and refunds its deposit. Only the uploader can. A blob that
		/// unfinished jobs use is retired instead: no new job may use it, and it is removed
		/// when the last of them finishes, so others' jobs cannot keep the deposit held.
		///
		/// Emits [`Event::BlobRemoved`], or [`Event::BlobRetiring`] then [`Event::BlobRemoved`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove_blob())]
		pub fn remove_blob(origin: OriginFor<T>, kind: BlobKind, hash: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_blob(who, kind, hash)
		}

		/// Submits a job: holds its escrow (with its queue allowance) and queues it; its
		/// workers are drawn from `DrawDelay` blocks later, with randomness nobody knows
		/// now ([`submission`]). Refused with [`Error::TooManyQueued`] when the account
		/// holds `MaxQueuedPerAccount` queued jobs, [`Error::QueueFull`] when the queue is
		/// full.
		///
		/// Emits [`Event::JobSubmitted`] and [`Event::JobQueued`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::submit_job(T::Workers::max_workers()))]
		pub fn submit_job(origin: OriginFor<T>, spec: JobSpecOf<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_submit(who, spec)?;
			// Charged at the largest registry up front, at the actual one after.
			Ok(Some(T::WeightInfo::submit_job(Self::registry_size())).into())
		}

		/// Cancels a job whose workers have not been drawn yet, refunding its escrow less
		/// its queue fee (`QueueFeePerBlock` per block it waited after `DrawDelay`).
		///
		/// Emits [`Event::QueueFeeCharged`] (if it waited), [`Event::EscrowRefunded`] and
		/// [`Event::JobCancelled`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::cancel_job())]
		pub fn cancel_job(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel(who, job)
		}

		/// Commits an assigned worker to its result:
		/// `blake2_256(SCALE(job, worker, output_hash, fuel_used, status, salt))`
		/// ([`commit_reveal`]). Free when it succeeds, like every assigned worker's reveal,
		/// publication and abstention: workers do not pay to work; a failing call pays.
		///
		/// Emits [`Event::Committed`], and [`Event::RevealStarted`] once every assigned
		/// worker has committed.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::commit())]
		pub fn commit(
			origin: OriginFor<T>,
			job: JobId,
			commitment: H256,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_commit(who, job, commitment)?;
			Ok(Pays::No.into())
		}

		/// A replica reveals its committed result: output hash, fuel and status, never the
		/// output bytes (so that a dispute's referees have nothing to copy). The last reveal
		/// asks for the output if the replicas agree, or opens a dispute. Free when it
		/// succeeds.
		///
		/// Emits [`Event::Revealed`]; the last reveal then emits [`Event::OutputRequested`]
		/// (replicas agree), [`Event::NarrowingStarted`] (a batch's replicas do not),
		/// [`Event::DisputeOpened`] (a single run's do not), or, for an agreed empty output,
		/// the settlement's events as [`Pallet::publish_output`] does.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::reveal())]
		pub fn reveal(
			origin: OriginFor<T>,
			job: JobId,
			result: ExecutionResult,
			salt: [u8; 32],
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let settled = Self::do_reveal(who, job, result, salt)?;
			// Charged the last reveal's settlement up front; the others cost what a commit
			// does, and the block gets the difference back.
			let weight =
				if settled { T::WeightInfo::reveal() } else { T::WeightInfo::reveal_before_last() };
			Ok(PostDispatchInfo { actual_weight: Some(weight), pays_fee: Pays::No })
		}

		/// A referee reveals its committed result with the output bytes, which its
		/// commitment bound to its own account
		/// ([`povc_primitives::referee_commitment`]). The last reveal decides the dispute
		/// ([`disputes`]) or the audit ([`audits`]). Free when it succeeds.
		///
		/// Emits [`Event::Revealed`]. The last referee's reveal then emits, per worker,
		/// [`Event::WorkerPaid`] or [`Event::WrongResultSlashed`], then
		/// [`Event::ScoreCredited`] or [`Event::ScoreVoided`] where score was at stake, and
		/// [`Event::JobVerified`] or [`Event::JobFailed`] with [`Event::EscrowRefunded`].
		/// The auditor's reveal emits [`Event::AuditPassed`] (with [`Event::WorkerPaid`],
		/// [`Event::ScoreCredited`] and [`Event::JobVerified`]) or [`Event::AuditContested`]
		/// and [`Event::DisputeOpened`].
		#[pallet::call_index(10)]
		#[pallet::weight(Pallet::<T>::output_weight(T::WeightInfo::reveal_verdict, output.len(), None))]
		pub fn reveal_verdict(
			origin: OriginFor<T>,
			job: JobId,
			result: ExecutionResult,
			salt: [u8; 32],
			output: BoundedVec<u8, T::MaxOutputLen>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let len = output.len();
			let tasks = Self::do_reveal_verdict(who, job, result, salt, output)?;
			let weight = Self::output_weight(T::WeightInfo::reveal_verdict, len, Some(tasks));
			Ok(PostDispatchInfo { actual_weight: Some(weight), pays_fee: Pays::No })
		}

		/// A replica of a job whose replicas agreed publishes the output they agreed on;
		/// every replica is paid and the job settles. Free for the publisher that succeeds.
		/// If no replica publishes within `RevealPeriod`, all are slashed as if they had not
		/// revealed and the job fails with a refund.
		///
		/// Emits [`Event::OutputPublished`], [`Event::WorkerPaid`] per replica, then
		/// [`Event::ScorePending`] (a verified result with score, waiting for its audit), or
		/// [`Event::JobVerified`] / [`Event::JobUnverified`] with [`Event::EscrowRefunded`].
		#[pallet::call_index(11)]
		#[pallet::weight(Pallet::<T>::output_weight(T::WeightInfo::publish_output, output.len(), None))]
		pub fn publish_output(
			origin: OriginFor<T>,
			job: JobId,
			output: BoundedVec<u8, T::MaxOutputLen>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let len = output.len();
			let tasks = Self::do_publish(who, job, output)?;
			let weight = Self::output_weight(T::WeightInfo::publish_output, len, Some(tasks));
			Ok(PostDispatchInfo { actual_weight: Some(weight), pays_fee: Pays::No })
		}

		/// A replica of a batch being [narrowed](narrowing) (its replicas revealed different
		/// roots) publishes the output of its own result, once per distinct result; it is
		/// compared task by task with the first one published. The last result published
		/// settles the tasks they all agree on. Free for the publisher that succeeds.
		/// Results nobody published within `RevealPeriod` are slashed as if they had not
		/// been revealed. Its own call, so that an agreed output's publication is not charged
		/// for a comparison beforehand: this one is charged for reading the largest first
		/// output and for settling at the largest registry, refunded to what it did.
		///
		/// Emits [`Event::OutputPublished`]; the last publication [`Event::WorkerPaid`] per
		/// replica whose result was published, [`Event::WorkerMissedDeadline`] per other
		/// one, [`Event::TasksDisputed`], [`Event::JobVerified`] and
		/// [`Event::EscrowRefunded`], or [`Event::JobFailed`].
		#[pallet::call_index(13)]
		#[pallet::weight(Pallet::<T>::output_weight(T::WeightInfo::publish_output, output.len(), None)
			.saturating_add(Pallet::<T>::narrowing_weight(
				T::MaxOutputLen::get() as usize,
				None,
				Some(T::Workers::max_workers()),
			)))]
		pub fn publish_own_output(
			origin: OriginFor<T>,
			job: JobId,
			output: BoundedVec<u8, T::MaxOutputLen>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let len = output.len();
			let (tasks, narrowing) = Self::do_publish_own(who, job, output)?;
			let weight = Self::output_weight(T::WeightInfo::publish_output, len, Some(tasks))
				.saturating_add(narrowing);
			Ok(PostDispatchInfo { actual_weight: Some(weight), pays_fee: Pays::No })
		}

		/// Removes the stored result of a finished job and refunds its deposit.
		///
		/// Emits [`Event::ResultCleared`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::clear_result())]
		pub fn clear_result(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_clear_result(who, job)
		}

		/// Declares that the caller, assigned to the job and not yet committed in this
		/// phase, gives no result: its run outlasted what its fuel predicts or the commit
		/// period, its host failed, or the program or input it got did not match their
		/// hashes. Costs reputation, never bond; a replica is replaced when the phase ends.
		/// Free when it succeeds: the chain never charges a worker for giving up in time.
		///
		/// Emits [`Event::WorkerAbstained`].
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::abstain())]
		pub fn abstain(origin: OriginFor<T>, job: JobId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_abstain(who, job)?;
			Ok(Pays::No.into())
		}

		/// Sets the probability that a unanimously verified result is audited (root: a
		/// council or referendum on a governed chain). Applies to audit draws from the
		/// next block on, never to one already drawn.
		///
		/// Emits [`Event::AuditRateSet`].
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::set_audit_rate())]
		pub fn set_audit_rate(origin: OriginFor<T>, rate: Perbill) -> DispatchResult {
			ensure_root(origin)?;
			AuditRate::<T>::put(rate);
			Self::deposit_event(Event::AuditRateSet { rate });
			Ok(())
		}
	}
}
