//! A test runtime: frame-system, pallet-balances, the real pallet-workers and this pallet.

use crate::{self as pallet_jobs, ExecutionResult, JobInput, JobSpecOf};
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, ConstU64, Hooks, Randomness},
	weights::Weight,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::{
	referee_commitment, result_commitment, ExecutionStatus, Fuel, JobId, VerifiedComputeSink,
	VolunteerProjects, WorkerDirectory,
};
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill, Permill};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Workers: pallet_workers,
		Jobs: pallet_jobs,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ExistentialDeposit = ConstU64<1>;
	type MaxFreezes = ConstU32<0>;
}

/// Receives slashes that have no beneficiary, so that the issuance only changes by the
/// protocol fees burned (which the tests sum up from events).
pub const SLASH_POT: AccountId = 999;
pub const MIN_BOND: Balance = 100;
pub const INITIAL_BALANCE: Balance = 1_000_000;

parameter_types! {
	pub const SlashPot: AccountId = SLASH_POT;
	pub const WrongResultSlash: Perbill = Perbill::from_percent(10);
	pub const NoShowSlash: Perbill = Perbill::from_percent(1);
	pub const NoRevealSlash: Perbill = Perbill::from_percent(2);
	pub const BurnShare: Perbill = Perbill::from_percent(10);
	pub const AbstentionFee: Perbill = Perbill::from_percent(1);
}

impl pallet_workers::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinBond = ConstU64<MIN_BOND>;
	type UnbondingDelay = ConstU64<10>;
	type MaxUnlockingChunks = ConstU32<4>;
	type MaxWorkers = ConstU32<1_000_000>;
	type MaxClasses = ConstU32<4>;
	type MaxRefereesPerValidator = ConstU32<64>;
	/// Always epoch 0, and no snapshot delay: a registry change reaches the draws in the
	/// next block's `on_initialize` (pallet-workers' own tests cover the delay).
	type CurrentEpoch = ConstU64<0>;
	type SnapshotDelay = ConstU64<0>;
	type MaxActivationsPerBlock = ConstU32<1_000>;
	type MaxCapacity = ConstU32<16>;
	type MaxClassLen = ConstU32<64>;
	type WrongResultSlash = WrongResultSlash;
	type NoShowSlash = NoShowSlash;
	type NoRevealSlash = NoRevealSlash;
	type OnSlash = ResolveTo<SlashPot, Balances>;
	type WeightInfo = ();
}

thread_local! {
	/// Verified compute reported to the sink: (worker, beneficiary, burned value).
	pub static COMPUTE: RefCell<Vec<(AccountId, AccountId, u128)>> = const { RefCell::new(Vec::new()) };
}

/// Records verified compute, as pallet-povc will consume it.
pub struct RecordCompute;
impl VerifiedComputeSink<AccountId> for RecordCompute {
	fn note_verified_compute(worker: &AccountId, beneficiary: &AccountId, value: u128) {
		COMPUTE.with(|c| c.borrow_mut().push((*worker, *beneficiary, value)));
	}
}

thread_local! {
	/// Approved volunteer projects: account → (score per fuel, score budget left).
	pub static PROJECTS: RefCell<alloc::collections::BTreeMap<AccountId, (u128, u128)>> =
		const { RefCell::new(alloc::collections::BTreeMap::new()) };
}

/// Approves `project` at `score_per_fuel` with `budget` score left, as pallet-povc's
/// `approve_project` would.
pub fn approve_project(project: AccountId, score_per_fuel: u128, budget: u128) {
	PROJECTS.with(|p| p.borrow_mut().insert(project, (score_per_fuel, budget)));
}

/// The score budget `project` has left.
pub fn budget_left(project: AccountId) -> u128 {
	PROJECTS.with(|p| p.borrow().get(&project).map_or(0, |(_, left)| *left))
}

/// Volunteer projects as pallet-povc keeps them (its own tests cover epochs and
/// governance): rate × fuel, credited to the sink within the budget left.
pub struct TestProjects;
impl VolunteerProjects<AccountId> for TestProjects {
	fn is_project(who: &AccountId) -> bool {
		PROJECTS.with(|p| p.borrow().contains_key(who))
	}

	fn score_for(project: &AccountId, fuel: Fuel) -> u128 {
		PROJECTS.with(|p| p.borrow().get(project).map_or(0, |(rate, _)| rate * u128::from(fuel)))
	}

	fn credit(
		project: &AccountId,
		worker: &AccountId,
		beneficiary: &AccountId,
		value: u128,
	) -> u128 {
		let credited = PROJECTS.with(|p| {
			let mut projects = p.borrow_mut();
			let Some((_, left)) = projects.get_mut(project) else { return 0 };
			let credited = value.min(*left);
			*left -= credited;
			credited
		});
		if credited > 0 {
			RecordCompute::note_verified_compute(worker, beneficiary, credited);
		}
		credited
	}
}

/// Deterministic stand-in for BABE's randomness: a hash of the subject and the block.
pub struct TestRandomness;
impl Randomness<H256, BlockNumberFor<Test>> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, BlockNumberFor<Test>) {
		let block = System::block_number();
		(H256(sp_crypto_hashing::blake2_256(&(subject, block).encode())), block)
	}
}
use codec::Encode;

pub const COMMIT_PERIOD: u64 = 5;
/// Blocks from submission to the first draw.
pub const DRAW_DELAY: u64 = 2;
parameter_types! {
	pub const MaxMinReputation: Permill = Permill::from_percent(90);
	/// A twentieth of [`spec`]'s 2,000 per replica: a run of under 50 fuel is paid 100.
	pub static MinReplicaPayment: Balance = 100;
}
/// Blocks a verified result's score stays pending.
pub const AUDIT_DELAY: u64 = 2;
pub const REVEAL_PERIOD: u64 = 5;
pub const JOB_RETENTION: u64 = 50;
pub const MAX_OUTPUT: u32 = 1024;
/// Most tasks of a batch in the tests.
pub const MAX_TASKS: u32 = 32;
pub const MAX_QUEUED_PER_ACCOUNT: u32 = 3;
/// Burned per block a job waits in the queue after `DRAW_DELAY`.
pub const QUEUE_FEE: Balance = 10;
/// Most blocks a job waits after `DRAW_DELAY`: its queue allowance is 10 × 60 = 600.
/// More than `MAX_FAILED_DRAWS` (a job alone in the queue fails by its draws first), less
/// than twice it (in a full queue, tried every other block, it times out first).
pub const MAX_QUEUE_WAIT: u64 = 60;
pub const MAX_FAILED_DRAWS: u32 = 50;

impl pallet_jobs::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Workers = Workers;
	type RefereePool = AcceptedReferees;
	type ComputeSink = RecordCompute;
	type Projects = TestProjects;
	type Randomness = TestRandomness;
	type MaxProgramSize = ConstU32<65_536>;
	type MaxBlobSize = ConstU32<4_096>;
	type MaxInlineInput = ConstU32<64>;
	type MaxOutputLen = ConstU32<MAX_OUTPUT>;
	type MaxTasks = ConstU32<MAX_TASKS>;
	type MaxReplicas = ConstU32<5>;
	type RefereeCount = ConstU32<3>;
	type MaxReplacements = ConstU32<3>;
	type MaxFuelLimit = ConstU64<1_000_000_000>;
	type BlobDepositBase = ConstU64<10>;
	type BlobDepositPerByte = ConstU64<1>;
	type ResultDepositBase = ConstU64<5>;
	type ResultDepositPerByte = ConstU64<1>;
	type BurnShare = BurnShare;
	type CommitPeriod = ConstU64<COMMIT_PERIOD>;
	type RevealPeriod = ConstU64<REVEAL_PERIOD>;
	type MaxJobLifetime = ConstU64<1_000>;
	type JobRetention = ConstU64<JOB_RETENTION>;
	type MaxQueueLen = ConstU32<4>;
	/// Fewer than the queue holds, so that one account cannot fill it.
	type MaxQueuedPerAccount = ConstU32<MAX_QUEUED_PER_ACCOUNT>;
	type QueueFeePerBlock = ConstU64<QUEUE_FEE>;
	type MaxQueueWait = ConstU64<MAX_QUEUE_WAIT>;
	type MaxFailedDraws = ConstU32<MAX_FAILED_DRAWS>;
	type AbstentionFee = AbstentionFee;
	type MinReplicaPayment = MinReplicaPayment;
	type DrawDelay = ConstU64<DRAW_DELAY>;
	type AuditDelay = ConstU64<AUDIT_DELAY>;
	/// No audits unless a test asks for them.
	type DefaultAuditRate = ();
	type MaxMinReputation = MaxMinReputation;
	type MaxHookWeight = MaxHookWeight;
	type WeightInfo = HookWeights;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = RegisterWorkers;
}

parameter_types! {
	/// With [`HookWeights`]: 8 timeouts (half), 8 prunings (an eighth) and 2 draws (when
	/// nothing else is due) a block.
	pub MaxHookWeight: Weight = Weight::from_parts(320, 0);
}

/// Round weights for the block hook's steps, so that the tests know how many of each fit
/// a block ([`MaxHookWeight`]); the measured ones for everything else.
pub struct HookWeights;
impl pallet_jobs::WeightInfo for HookWeights {
	fn upload_program(n: u32) -> Weight {
		<() as pallet_jobs::WeightInfo>::upload_program(n)
	}
	fn upload_blob(n: u32) -> Weight {
		<() as pallet_jobs::WeightInfo>::upload_blob(n)
	}
	fn remove_blob() -> Weight {
		<() as pallet_jobs::WeightInfo>::remove_blob()
	}
	fn submit_job(w: u32) -> Weight {
		<() as pallet_jobs::WeightInfo>::submit_job(w)
	}
	fn cancel_job() -> Weight {
		<() as pallet_jobs::WeightInfo>::cancel_job()
	}
	fn commit() -> Weight {
		<() as pallet_jobs::WeightInfo>::commit()
	}
	fn abstain() -> Weight {
		<() as pallet_jobs::WeightInfo>::abstain()
	}
	fn reveal() -> Weight {
		<() as pallet_jobs::WeightInfo>::reveal()
	}
	fn reveal_verdict(n: u32) -> Weight {
		<() as pallet_jobs::WeightInfo>::reveal_verdict(n)
	}
	fn publish_output(n: u32) -> Weight {
		<() as pallet_jobs::WeightInfo>::publish_output(n)
	}
	fn clear_result() -> Weight {
		<() as pallet_jobs::WeightInfo>::clear_result()
	}
	fn set_audit_rate() -> Weight {
		<() as pallet_jobs::WeightInfo>::set_audit_rate()
	}
	fn hash_batch_output(t: u32) -> Weight {
		<() as pallet_jobs::WeightInfo>::hash_batch_output(t)
	}
	fn on_initialize_base() -> Weight {
		Weight::zero()
	}
	fn process_timeout(_: u32) -> Weight {
		Weight::from_parts(20, 0)
	}
	fn draw_referees(_: u32) -> Weight {
		Weight::from_parts(20, 0)
	}
	fn decide_contested_audit(_: u32) -> Weight {
		Weight::from_parts(20, 0)
	}
	fn conclude_audit() -> Weight {
		Weight::from_parts(20, 0)
	}
	fn conclude_narrowing(_: u32) -> Weight {
		Weight::from_parts(20, 0)
	}
	/// A quarter of the dearest: 32 audit delays end in a block's half, where 8 would if
	/// charged the dearest.
	fn start_audit(_: u32) -> Weight {
		Weight::from_parts(5, 0)
	}
	fn reveal_before_last() -> Weight {
		<() as pallet_jobs::WeightInfo>::reveal_before_last()
	}
	fn prune_job() -> Weight {
		Weight::from_parts(5, 0)
	}
	fn assign_queued(_: u32) -> Weight {
		Weight::from_parts(150, 0)
	}
	fn fail_queued(_: u32) -> Weight {
		Weight::from_parts(150, 0)
	}
}

/// Registers benchmark workers in the real worker registry.
#[cfg(feature = "runtime-benchmarks")]
pub struct RegisterWorkers;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for RegisterWorkers {
	fn fill_class(class: &[u8], n: u32) {
		let class: pallet_workers::ClassOf<Test> = class.to_vec().try_into().unwrap();
		let class_id = pallet_workers::class_id_of(&class);
		if !Workers::is_allowed(&class_id) {
			Workers::allow_class(RuntimeOrigin::root(), class).expect("allow");
		}
		// Accounts far above the funded ones.
		pallet_workers::classes::populate::workers::<Test>(class_id, n, MIN_BOND, |i| {
			1_000_000 + u64::from(i)
		});
	}

	fn make_referee(who: &AccountId) {
		accept_referee(*who);
		// Benchmarks draw without blocks in between: the change takes effect at once.
		Workers::activate_all_now();
	}

	fn register_worker(who: &AccountId, class: &[u8]) {
		Workers::register(
			RuntimeOrigin::signed(*who),
			MIN_BOND,
			16,
			class.to_vec().try_into().unwrap(),
		)
		.expect("register");
		Workers::activate_all_now();
	}
}

/// Accounts 1..=40 are funded; workers and requesters are picked from them.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<(AccountId, Balance)> = (1..=40).map(|a| (a, INITIAL_BALANCE)).collect();
	balances.push((SLASH_POT, 1));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	// Three paused standby workers of `CLASS`, in the registry from genesis: never
	// replicas (and in no referee pool), so every draw must pass them by.
	pallet_workers::GenesisConfig::<Test> {
		classes: vec![CLASS.to_vec(), OTHER_CLASS.to_vec()],
		workers: STANDBY.iter().map(|who| (*who, 1_000, 4, CLASS.to_vec())).collect(),
		paused: STANDBY.to_vec(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		COMPUTE.with(|c| c.borrow_mut().clear());
		PROJECTS.with(|p| p.borrow_mut().clear());
	});
	ext
}

/// Runs `test`, then checks every invariant, and that the total issuance changed by
/// exactly the burned protocol fees.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = pallet_balances::TotalIssuance::<Test>::get();
		test();
		check_invariants();
		assert_eq!(
			pallet_balances::TotalIssuance::<Test>::get(),
			issuance - burned(),
			"total issuance changes only by the burned fees"
		);
	});
}

pub fn check_invariants() {
	Jobs::do_try_state(System::block_number()).expect("jobs invariants");
	Workers::do_try_state().expect("workers invariants");
	// Across the two pallets: a worker's open assignments are the replica seats it holds
	// in jobs still running (an audited job's replicas were released when paid).
	let mut held = std::collections::BTreeMap::<AccountId, u32>::new();
	for (job_id, job) in pallet_jobs::Jobs::<Test>::iter() {
		let assignments = pallet_jobs::Assignments::<Test>::get(job_id);
		let audited = assignments.iter().any(|a| a.role == crate::Role::Auditor);
		if !job.state.is_open() || job.state == crate::JobState::AuditPending || audited {
			continue;
		}
		for a in assignments.iter().filter(|a| a.role == crate::Role::Replica) {
			*held.entry(a.worker).or_default() += 1;
		}
	}
	for (who, info) in pallet_workers::Workers::<Test>::iter() {
		let expected = held.get(&who).copied().unwrap_or_default();
		assert_eq!(info.open_assignments, expected, "open assignments of worker {who}");
	}
}

/// Everything burned as protocol, abstention or queue fee so far (events are never reset in these tests).
pub fn burned() -> Balance {
	jobs_events()
		.into_iter()
		.filter_map(|e| match e {
			pallet_jobs::Event::WorkerPaid { burned, .. } => Some(burned),
			pallet_jobs::Event::AbstentionsCharged { burned, .. } => Some(burned),
			pallet_jobs::Event::QueueFeeCharged { burned, .. } => Some(burned),
			_ => None,
		})
		.sum()
}

pub fn jobs_events() -> Vec<pallet_jobs::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Jobs(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Advances to block `n`, running the hooks and checking the invariants at every block.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Workers::on_initialize(next);
		Jobs::on_initialize(next);
		check_invariants();
	}
}

pub const CLASS: &[u8] = b"x86_64/wasmtime-48/povc-1";
/// A second allowed class.
pub const OTHER_CLASS: &[u8] = b"aarch64/wasmtime-48/povc-1";

/// Paused workers of `CLASS` registered at genesis.
pub const STANDBY: [AccountId; 3] = [37, 38, 39];

pub fn register_worker(who: AccountId, bond: Balance) {
	register_worker_in(who, bond, CLASS);
}

pub fn register_worker_in(who: AccountId, bond: Balance, class: &[u8]) {
	Workers::register(RuntimeOrigin::signed(who), bond, 4, class.to_vec().try_into().unwrap())
		.expect("register");
}

/// The smallest WASI command: writes nothing and exits 0.
pub fn hello_wat() -> &'static str {
	r#"(module
		(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
		(memory (export "memory") 1)
		(func (export "_start")))"#
}

pub fn wasm(wat: &str) -> Vec<u8> {
	wat::parse_str(wat).expect("valid wat")
}

/// Uploads the test program as `who` and returns its hash.
pub fn upload_program(who: AccountId) -> H256 {
	let code = wasm(hello_wat());
	Jobs::upload_program(RuntimeOrigin::signed(who), code.clone()).expect("upload");
	H256(sp_crypto_hashing::blake2_256(&code))
}

pub const PRICE: Balance = 2;
pub const FUEL_LIMIT: Fuel = 1_000;

/// A job spec for `program` with `replicas` and a deadline 100 blocks away.
pub fn spec(program: H256, replicas: u8) -> JobSpecOf<Test> {
	crate::JobSpec {
		program,
		input: JobInput::Inline(BoundedVec::truncate_from(b"input".to_vec())),
		tasks: 1,
		fuel_limit: FUEL_LIMIT,
		replicas,
		price_per_fuel: PRICE,
		deadline: System::block_number() + 100,
		min_reputation: Permill::zero(),
		max_output_len: 100,
	}
}

/// Workers 11, 12 and 13 register, account 1 uploads the program and account 2 submits a
/// job of three replicas, so that exactly those three are drawn.
pub fn job_of_three() -> JobId {
	for w in [11, 12, 13] {
		register_worker(w, 1_000);
	}
	let program = upload_program(1);
	submit(2, spec(program, 3))
}

/// The validator the tests' referees referee for.
pub const VALIDATOR: AccountId = 500;

/// Every worker a validator accepted is a referee here: the mock has no authority set
/// (pallet-povc's pool also checks that the validator is a current one).
pub struct AcceptedReferees;
impl povc_primitives::RefereePool<AccountId> for AcceptedReferees {
	fn referee_chance(who: &AccountId) -> Option<(u128, u128)> {
		<Workers as WorkerDirectory<AccountId>>::referee_for(who).map(|_| (1, 1))
	}
}

/// The registered worker `who` contributes to [`VALIDATOR`], which accepts it as referee.
pub fn accept_referee(who: AccountId) {
	Workers::contribute_to(RuntimeOrigin::signed(who), Some(VALIDATOR)).expect("contribute");
	<Workers as WorkerDirectory<AccountId>>::accept_referee(&VALIDATOR, &who).expect("accept");
}

/// Registers `referees` (bond 1000, class `class`) and makes them referees of [`VALIDATOR`].
pub fn referee_pool_in(referees: &[AccountId], class: &[u8]) {
	for r in referees {
		register_worker_in(*r, 1_000, class);
		accept_referee(*r);
	}
}

pub fn referee_pool(referees: &[AccountId]) {
	referee_pool_in(referees, CLASS);
}

/// Runs to the end of the audit delay of a job whose replicas agreed: unless `AuditRate`
/// draws an audit, its pending score is credited and it is verified.
pub fn end_audit_delay(job: JobId) {
	let record = pallet_jobs::Jobs::<Test>::get(job).expect("job");
	assert_eq!(record.state, crate::JobState::AuditPending);
	run_to_block(record.timeout_at);
}

/// Submits a job and runs to the block that draws its workers.
pub fn submit(requester: AccountId, spec: JobSpecOf<Test>) -> JobId {
	let id = submit_only(requester, spec);
	run_to_block(System::block_number() + DRAW_DELAY);
	id
}

/// Submits a job (it waits in the queue until its draw).
pub fn submit_only(requester: AccountId, spec: JobSpecOf<Test>) -> JobId {
	let id = pallet_jobs::NextJobId::<Test>::get();
	Jobs::submit_job(RuntimeOrigin::signed(requester), spec).expect("submit");
	id
}

/// The workers assigned to a job with a role, in assignment order.
pub fn assigned(job: JobId, role: crate::Role) -> Vec<AccountId> {
	pallet_jobs::Assignments::<Test>::get(job)
		.iter()
		.filter(|a| a.role == role)
		.map(|a| a.worker)
		.collect()
}

/// A worker's result: `output` with `fuel` and exit code 0.
pub fn result_of(output: &[u8], fuel: Fuel) -> (ExecutionResult, Vec<u8>) {
	let result = ExecutionResult {
		output_hash: H256(sp_crypto_hashing::blake2_256(output)),
		fuel_used: fuel,
		status: ExecutionStatus::Exited(0),
	};
	(result, output.to_vec())
}

/// The salt a test worker uses.
pub fn salt_of(who: AccountId) -> [u8; 32] {
	[who as u8; 32]
}

/// `who`'s role in `job` now (referee once a committee was drawn for it).
fn role_of(who: AccountId, job: JobId) -> crate::Role {
	pallet_jobs::JobsByWorker::<Test>::get(who, job).expect("assigned")
}

/// Commits `who` to `output` and `fuel`, as a replica or, if drawn as such, a referee.
pub fn commit(who: AccountId, job: JobId, output: &[u8], fuel: Fuel) {
	let (result, _) = result_of(output, fuel);
	let salt = salt_of(who);
	let commitment = match role_of(who, job) {
		crate::Role::Replica => result_commitment(
			job,
			&who,
			&result.output_hash,
			result.fuel_used,
			&result.status,
			&salt,
		),
		crate::Role::Referee | crate::Role::Auditor => {
			referee_commitment(job, &who, output, result.fuel_used, &result.status, &salt)
		},
	};
	Jobs::commit(RuntimeOrigin::signed(who), job, commitment).expect("commit");
}

/// Reveals what [`commit`] committed to, and if that makes the replicas agree publishes
/// the output as `who` (as every honest replica would), so that the job settles.
pub fn reveal(who: AccountId, job: JobId, output: &[u8], fuel: Fuel) {
	reveal_only(who, job, output, fuel);
	if pallet_jobs::Jobs::<Test>::get(job).is_some_and(|j| j.state == crate::JobState::Publishing) {
		publish(who, job, output);
	}
}

/// Reveals what [`commit`] committed to: a replica its result, a referee its result and
/// output.
pub fn reveal_only(who: AccountId, job: JobId, output: &[u8], fuel: Fuel) {
	let (result, output) = result_of(output, fuel);
	let origin = RuntimeOrigin::signed(who);
	match role_of(who, job) {
		crate::Role::Replica => Jobs::reveal(origin, job, result, salt_of(who)),
		crate::Role::Referee | crate::Role::Auditor => {
			Jobs::reveal_verdict(origin, job, result, salt_of(who), output.try_into().unwrap())
		},
	}
	.expect("reveal");
}

/// The replicas of [`job_of_three`] disagree: 11 and 12 commit to and reveal "42", 13 "41".
pub fn split_replicas(job: JobId) {
	for (who, output) in [(11, b"42"), (12, b"42"), (13, b"41")] {
		commit(who, job, output, 600);
	}
	for (who, output) in [(11, b"42"), (12, b"42"), (13, b"41")] {
		reveal(who, job, output, 600);
	}
}

/// Replica 13 commits but never reveals; 11 and 12 reveal "42". Runs to the block that
/// draws the committee (the pool must have referees).
pub fn fall_silent(job: JobId) {
	for w in [11, 12, 13] {
		commit(w, job, b"42", 600);
	}
	reveal(11, job, b"42", 600);
	reveal(12, job, b"42", 600);
	run_to_block(pallet_jobs::Jobs::<Test>::get(job).expect("job").timeout_at);
	run_to_block(pallet_jobs::Jobs::<Test>::get(job).expect("job").timeout_at);
	assert_eq!(
		pallet_jobs::Jobs::<Test>::get(job).expect("job").state,
		crate::JobState::RefereesCommitting
	);
}

/// A replica publishes the agreed output of a job in `Publishing`.
pub fn publish(who: AccountId, job: JobId, output: &[u8]) {
	Jobs::publish_output(RuntimeOrigin::signed(who), job, output.to_vec().try_into().unwrap())
		.expect("publish");
}

/// Free balance.
pub fn free(who: AccountId) -> Balance {
	pallet_balances::Pallet::<Test>::free_balance(who)
}

/// Funds held under the jobs pallet's escrow.
pub fn escrow_held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&crate::HoldReason::Escrow.into(), &who)
}

/// Funds held as a worker's bond.
pub fn bond_held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&pallet_workers::HoldReason::Bond.into(), &who)
}
