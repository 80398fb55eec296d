//! A test runtime: frame-system, the real pallet-balances and the workers pallet.

use crate::{self as pallet_workers, CreditOf};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Imbalance, OnUnbalanced},
};
use sp_runtime::{BuildStorage, Perbill};

pub(crate) type AccountId = u64;
pub(crate) type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Workers: pallet_workers,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU64<1>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// Smallest bond.
pub(crate) const MIN_BOND: Balance = 100;
/// Unbonding delay, in blocks.
pub(crate) const DELAY: u64 = 10;
/// Most unlocking chunks.
pub(crate) const MAX_CHUNKS: u32 = 3;
/// Most workers.
pub(crate) const WORKER_LIMIT: u32 = 20;
/// Most allowed classes.
pub(crate) const MAX_CLASSES: u32 = 4;
/// The classes allowed at genesis.
pub(crate) const GENESIS_CLASSES: [&str; 2] =
	["x86_64/wasmtime-48/povc-1", "aarch64/wasmtime-48/povc-1"];
/// Epochs from a change to the snapshot that takes it into the trees.
pub(crate) const SNAPSHOT_DELAY: u64 = 3;
/// Most snapshots applied per block.
pub(crate) const MAX_ACTIVATIONS: u32 = 8;
/// Largest capacity.
pub(crate) const MAX_CAPACITY: u32 = 4;
/// Longest class.
pub(crate) const MAX_CLASS_LEN: u32 = 32;
/// What every endowed account starts with.
pub(crate) const ENDOWMENT: Balance = 10_000;
/// Accounts endowed at genesis: 1..=ENDOWED.
pub(crate) const ENDOWED: AccountId = 30;

parameter_types! {
	/// Settable, so that a test can slash a whole bond.
	pub static WrongResultSlash: Perbill = Perbill::from_percent(10);
	pub const NoShowSlash: Perbill = Perbill::from_percent(1);
	/// Settable, so that tests of large registries can raise it.
	pub static MaxWorkers: u32 = WORKER_LIMIT;
	/// The current epoch: tests move it with [`next_epochs`].
	pub static Epoch: u64 = 0;
	pub const NoRevealSlash: Perbill = Perbill::from_percent(5);
	/// Slashed funds that reached `OnSlash` (and were burned) in this test.
	pub static SlashedToDestination: Balance = 0;
}

/// The slash destination: records the amount, then drops the credit, which burns it.
pub struct BurnAndRecord;
impl OnUnbalanced<CreditOf<Test>> for BurnAndRecord {
	fn on_nonzero_unbalanced(credit: CreditOf<Test>) {
		SlashedToDestination::set(SlashedToDestination::get() + credit.peek());
	}
}

impl pallet_workers::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinBond = ConstU64<MIN_BOND>;
	type UnbondingDelay = ConstU64<DELAY>;
	type MaxUnlockingChunks = ConstU32<MAX_CHUNKS>;
	type MaxWorkers = MaxWorkers;
	type MaxClasses = ConstU32<MAX_CLASSES>;
	type MaxRefereesPerValidator = ConstU32<6>;
	type CurrentEpoch = Epoch;
	type SnapshotDelay = ConstU64<SNAPSHOT_DELAY>;
	type MaxActivationsPerBlock = ConstU32<MAX_ACTIVATIONS>;
	type MaxCapacity = ConstU32<MAX_CAPACITY>;
	type MaxClassLen = ConstU32<MAX_CLASS_LEN>;
	type WrongResultSlash = WrongResultSlash;
	type NoShowSlash = NoShowSlash;
	type NoRevealSlash = NoRevealSlash;
	type OnSlash = BurnAndRecord;
	type WeightInfo = ();
}

/// Builds test externalities.
#[derive(Default)]
pub struct ExtBuilder {
	workers: Vec<(AccountId, Balance, u32, Vec<u8>)>,
	no_classes: bool,
}

impl ExtBuilder {
	/// Registers workers at genesis.
	pub fn with_workers(mut self, workers: Vec<(AccountId, Balance, u32, &str)>) -> Self {
		self.workers = workers
			.into_iter()
			.map(|(who, bond, capacity, class)| (who, bond, capacity, class.as_bytes().to_vec()))
			.collect();
		self
	}

	/// No class is allowed at genesis.
	#[cfg(feature = "runtime-benchmarks")]
	pub fn without_classes(mut self) -> Self {
		self.no_classes = true;
		self
	}

	/// Externalities with accounts `1..=ENDOWED` holding [`ENDOWMENT`] each, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: (1..=ENDOWED).map(|who| (who, ENDOWMENT)).collect(),
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_workers::GenesisConfig::<Test> {
			classes: if self.no_classes {
				Vec::new()
			} else {
				GENESIS_CLASSES.iter().map(|c| c.as_bytes().to_vec()).collect()
			},
			workers: self.workers,
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			SlashedToDestination::set(0);
			MaxWorkers::set(WORKER_LIMIT);
			Epoch::set(0);
		});
		ext
	}

	/// Runs `test`, then checks the pallet's invariants and that the total issuance only
	/// changed by the slashes that went to the (burning) destination.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			let issuance = Balances::total_issuance();
			test();
			Workers::do_try_state().expect("invariants hold after the test");
			check_conservation(issuance);
		})
	}
}

/// Moves to the epoch `epochs` later and applies every snapshot due by then, as the
/// blocks' `on_initialize` would (the block number stays: tests of delays count blocks).
pub(crate) fn next_epochs(epochs: u64) {
	Epoch::set(Epoch::get() + epochs);
	while Workers::activate_due(Epoch::get(), MAX_ACTIVATIONS) == MAX_ACTIVATIONS {}
}

/// Lets every change made so far take effect: [`SNAPSHOT_DELAY`] epochs on.
pub(crate) fn snapshot() {
	next_epochs(SNAPSHOT_DELAY);
}

/// Total issuance is the starting one minus what was burned by slashes, and equals the sum
/// of all accounts' balances (free + held).
pub(crate) fn check_conservation(initial_issuance: Balance) {
	let issuance = Balances::total_issuance();
	assert_eq!(issuance, initial_issuance - SlashedToDestination::get());
	let sum: Balance = frame_system::Account::<Test>::iter()
		.map(|(_, account)| account.data.free + account.data.reserved)
		.sum();
	assert_eq!(sum, issuance, "accounts add up to the total issuance");
}

/// Externalities for the benchmark test suite.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut ext = ExtBuilder::default().without_classes().build();
	// Benchmarks fill registries far beyond the unit tests' limit.
	ext.execute_with(|| MaxWorkers::set(1_000_000));
	ext
}
