//! The job market: pallet-workers (registry, bonds, slashing) and pallet-jobs (programs,
//! jobs, escrow, commit-reveal, settlement). Defaults from docs/ARCHITECTURE.md.

use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64, Randomness},
};
use sp_runtime::{Perbill, Permill};

use crate::{
	constants::{currency::*, time::*},
	Balance, Balances, BlockNumber, Hash, Povc, Runtime, RuntimeHoldReason, Workers,
};

parameter_types! {
	/// Half a block for `on_initialize`'s timeouts, prunings and draws: the other half
	/// stays for extrinsics whatever the backlog.
	pub MaxHookWeight: frame_support::weights::Weight =
		super::RuntimeBlockWeights::get().max_block / 2;
	/// A worker bonds at least 100 POVC: its weight in draws, and what its missed deadlines
	/// are slashed from (a wrong result costs reputation, not bond: `WrongResultSlash`).
	pub const MinBond: Balance = 100 * UNIT;
	/// The highest reputation floor a job may ask for: 9 verified results without a fault.
	pub const MaxMinReputation: Permill = Permill::from_percent(90);
	/// Unbonded funds stay slashable for a day: long enough for every job the worker
	/// ran to settle, including a dispute.
	pub const UnbondingDelay: BlockNumber = DAYS;
	/// A referee verdict records a fault but takes no bond: an attacker whose workers
	/// referee captures some committees (3f² − 2f³ of them at stake share f), and a
	/// captured verdict must not cost honest workers their bond (docs/SECURITY.md).
	pub const WrongResultSlash: Perbill = Perbill::zero();
	pub const NoShowSlash: Perbill = Perbill::from_percent(1);
	pub const NoRevealSlash: Perbill = Perbill::from_percent(2);
	/// Protocol fee: 10 % of every payment is burned.
	pub const BurnShare: Perbill = Perbill::from_percent(10);
	/// One verified result in twenty is re-run by an auditor before its score counts: a
	/// replica set that claims fuel it never ran is caught within about twenty jobs.
	pub const DefaultAuditRate: Perbill = Perbill::from_percent(5);
	pub const AbstentionFee: Perbill = Perbill::from_percent(1);
	/// A paid job pays each replica at least 0.4 POVC: the fees its free commit, reveal
	/// and publication would pay at their charged weight (about 0.39 POVC;
	/// `market_tests.rs` holds the floor above them), so no requester gets workers'
	/// block space for less than a transaction sender pays for it.
	pub const MinReplicaPayment: Balance = 400 * MILLI_UNIT;
	pub const BlobDepositBase: Balance = 10 * MILLI_UNIT;
	pub const DepositPerByte: Balance = MICRO_UNIT;
	pub const ResultDepositBase: Balance = 10 * MILLI_UNIT;
	/// Workers have 10 minutes to run a job and commit, 2 minutes to reveal.
	pub const CommitPeriod: BlockNumber = 10 * MINUTES;
	pub const RevealPeriod: BlockNumber = 2 * MINUTES;
	pub const MaxJobLifetime: BlockNumber = 7 * DAYS;
	/// The most fuel a worker at the worst-case rate runs in half the commit period (the
	/// other half is for fetching and compiling the program and getting the commitment
	/// in): 300 s × 5·10^7 fuel/s = 1.5·10^10. A larger limit would be a job that honest
	/// workers cannot finish in time.
	pub const MaxFuelLimit: u64 = CommitPeriod::get() as u64 * MILLI_SECS_PER_BLOCK / 1_000 / 2
		* povc_primitives::WORST_CASE_FUEL_PER_SECOND;
	pub const JobRetention: BlockNumber = DAYS;
}

impl pallet_workers::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinBond = MinBond;
	type UnbondingDelay = UnbondingDelay;
	type MaxUnlockingChunks = ConstU32<16>;
	/// Draws are O(log n) (sortition trees): this bounds storage only. Two million
	/// workers hold at least 200 million POVC in bonds.
	type MaxWorkers = ConstU32<2_000_000>;
	/// Classes are governed (Root): a handful of engine releases, one pool.
	type MaxClasses = ConstU32<8>;
	/// 32 referees: a committee draw reads at most 32 records to weigh a validator's pool.
	type MaxRefereesPerValidator = ConstU32<32>;
	type CurrentEpoch = CurrentEpoch;
	/// Draws see a change from the start of the third epoch after the one it was made in:
	/// an epoch's VRF randomness is fixed by the outputs of the epoch two before, whose
	/// last author knows it while its block can still change the registry; one epoch more
	/// and nobody knew it (`pallet_workers::snapshot`).
	type SnapshotDelay = ConstU64<3>;
	/// A snapshot moving a worker between classes costs about 8 ms (weights.rs): 32 stay
	/// within a sixteenth of a block, 3,200 an epoch of 10-minute epochs.
	type MaxActivationsPerBlock = ConstU32<32>;
	type MaxCapacity = ConstU32<256>;
	type MaxClassLen = ConstU32<64>;
	type WrongResultSlash = WrongResultSlash;
	type NoShowSlash = NoShowSlash;
	type NoRevealSlash = NoRevealSlash;
	/// Slashes without beneficiaries are burned.
	type OnSlash = ();
	type WeightInfo = pallet_workers::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A queued job burns 10^-4 POVC for every block it waits after `DrawDelay`: an honest
	/// job drawn within a few blocks pays next to nothing (0.01 POVC for 100 blocks, what a
	/// full queue takes to drain at `MaxWorkers`, 8 draws a block at least; 0.03 POVC for
	/// the ~300 blocks a new chain's
	/// first workers take to reach the draws), while holding a slot costs 1.44 POVC a day.
	/// Keeping all 1,024 slots for a week burns over 10,000 POVC (`runtime/src/tests.rs`),
	/// against ~190 POVC of transaction fees when waiting was free.
	pub const QueueFeePerBlock: Balance = 100 * MICRO_UNIT;
	/// A job waits at most 6 hours for its replicas; its escrow holds 0.36 POVC for the
	/// queue fee, released less the fee at its draw. Many times what an honest job waits:
	/// a full queue drains in 128 blocks, a new chain's first registrations reach the
	/// draws in 2–3 epochs of 10 minutes (~300 blocks).
	pub const MaxQueueWait: BlockNumber = 6 * HOURS;
}

impl pallet_jobs::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Workers = Workers;
	/// The workers of the current validators (pallet-povc).
	type RefereePool = Povc;
	/// Verified compute becomes compute scores (pallet-povc).
	type ComputeSink = Povc;
	type Projects = Povc;
	type Randomness = BabeRandomness;
	type MaxProgramSize = ConstU32<{ 2 * 1024 * 1024 }>;
	type MaxBlobSize = ConstU32<{ 1024 * 1024 }>;
	#[cfg(not(feature = "upgrade-rehearsal"))]
	type MaxInlineInput = ConstU32<4096>;
	// The compatible rehearsal upgrade changes a constant that clients read.
	#[cfg(feature = "upgrade-rehearsal")]
	type MaxInlineInput = ConstU32<8192>;
	// A batch of 16,384 tasks can still return about 45 bytes each.
	type MaxOutputLen = ConstU32<{ 1024 * 1024 }>;
	type MaxTasks = ConstU32<16_384>;
	type MaxReplicas = ConstU32<5>;
	type RefereeCount = ConstU32<3>;
	type MaxReplacements = ConstU32<3>;
	type MaxFuelLimit = MaxFuelLimit;
	type BlobDepositBase = BlobDepositBase;
	type BlobDepositPerByte = DepositPerByte;
	type ResultDepositBase = ResultDepositBase;
	type ResultDepositPerByte = DepositPerByte;
	type BurnShare = BurnShare;
	type CommitPeriod = CommitPeriod;
	type RevealPeriod = RevealPeriod;
	type MaxJobLifetime = MaxJobLifetime;
	type JobRetention = JobRetention;
	type MaxQueueLen = ConstU32<1024>;
	/// Less than one block's draws (each needs room for its dearest outcome at the
	/// registry's size, about 6 ms up to a few thousand workers, and a drawn job is
	/// charged about 4 ms: over 200 a block when the hook has nothing else to do, at
	/// least 60 when timeouts and prunings take their shares; 21 and 8 at `MaxWorkers`):
	/// an honest batch loses little, and filling the queue takes 32 accounts, each paying
	/// its queue fees.
	type MaxQueuedPerAccount = ConstU32<32>;
	type QueueFeePerBlock = QueueFeePerBlock;
	type MaxQueueWait = MaxQueueWait;
	/// 600 failed draws: a job alone in the queue is tried every block, so it waits an
	/// hour (6 epochs, twice the 2–3 epochs a registration takes to reach the draws)
	/// before it fails `NoEligibleWorkers`; in a queue longer than a block's draws it is
	/// tried only when the hook's budget reaches it, so it waits longer still, until
	/// `MaxQueueWait`.
	type MaxFailedDraws = ConstU32<600>;
	/// A job that fails because its replicas abstained pays 1 % of one replica's maximum
	/// payment per abstention (burned).
	type AbstentionFee = AbstentionFee;
	type MinReplicaPayment = MinReplicaPayment;
	/// Block `n` draws with block `n − 1`'s VRF output: two blocks after the submission,
	/// the submission's author no longer knows the randomness.
	type DrawDelay = ConstU32<2>;
	/// Like `DrawDelay`: the audit draw uses randomness the settling block's author did
	/// not know.
	type AuditDelay = ConstU32<2>;
	type DefaultAuditRate = DefaultAuditRate;
	type MaxMinReputation = MaxMinReputation;
	type MaxHookWeight = MaxHookWeight;
	type WeightInfo = pallet_jobs::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkWorkers;
}

/// The current BABE epoch: registry snapshots are taken and take effect by it.
pub struct CurrentEpoch;
impl frame_support::traits::Get<u64> for CurrentEpoch {
	fn get() -> u64 {
		pallet_babe::EpochIndex::<Runtime>::get()
	}
}

/// Randomness for drawing workers: the VRF output of the parent block's BABE author,
/// which nobody knew before that block was authored, and one epoch's randomness for the
/// first blocks where there is none yet.
pub struct BabeRandomness;
impl Randomness<Hash, BlockNumber> for BabeRandomness {
	fn random(subject: &[u8]) -> (Hash, BlockNumber) {
		match pallet_babe::ParentBlockRandomness::<Runtime>::random(subject) {
			(Some(random), block) => (random, block),
			(None, _) => pallet_babe::RandomnessFromOneEpochAgo::<Runtime>::random(subject),
		}
	}
}

/// Sets up benchmark workers in the real registry and referee pool.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkWorkers;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_jobs::benchmarking::BenchmarkHelper<crate::AccountId> for BenchmarkWorkers {
	fn fill_class(class: &[u8], n: u32) {
		use frame_support::traits::Get;
		let class: pallet_workers::ClassOf<Runtime> = class.to_vec().try_into().expect("short");
		let class_id = pallet_workers::class_id_of(&class);
		if !Workers::is_allowed(&class_id) {
			Workers::allow_class(crate::RuntimeOrigin::root(), class).expect("room for a class");
		}
		pallet_workers::classes::populate::workers::<Runtime>(class_id, n, MinBond::get(), |i| {
			frame_benchmarking::account("filler", i, 7)
		});
		// As high as the largest registry makes the trees: every walk is that long.
		pallet_workers::classes::populate::grow_to::<Runtime>(
			class_id,
			pallet_workers::sortition::height_for(
				<Runtime as pallet_workers::Config>::MaxWorkers::get(),
			),
		);
	}

	fn register_worker(who: &crate::AccountId, class: &[u8]) {
		use frame_support::traits::fungible::Mutate;
		let bond = MinBond::get();
		let _ = Balances::mint_into(who, bond * 2);
		let class = class.to_vec().try_into().expect("short class");
		pallet_workers::Pallet::<Runtime>::register(
			crate::RuntimeOrigin::signed(who.clone()),
			bond,
			256,
			class,
		)
		.expect("benchmark worker registers");
	}

	fn make_referee(who: &crate::AccountId) {
		// Referees are workers that a current validator accepted.
		if let Some((validator, _)) = pallet_povc::Authorities::<Runtime>::get().first() {
			let target = sp_runtime::MultiAddress::Id(validator.clone());
			let _ = Workers::contribute_to(crate::RuntimeOrigin::signed(who.clone()), Some(target));
			let _ =
				Povc::accept_referee(crate::RuntimeOrigin::signed(validator.clone()), who.clone());
		}
	}
}
