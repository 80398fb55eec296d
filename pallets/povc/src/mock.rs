//! A test runtime: frame-system, pallet-balances, pallet-timestamp, the real BABE and
//! session pallets, and pallet-povc as session manager and BABE key handler.

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
};
use povc_primitives::WorkerDirectory;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_runtime::{impl_opaque_keys, BuildStorage, DispatchError, DispatchResult, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;

// Povc before Session: its genesis scores must exist when the session pallet asks for
// the genesis set.
frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Timestamp: pallet_timestamp,
		Babe: pallet_babe,
		Povc: crate,
		Session: pallet_session,
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
	type AccountStore = System;
}

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = Babe;
	type MinimumPeriod = ConstU64<1>;
	type WeightInfo = ();
}

impl pallet_babe::Config for Test {
	type EpochDuration = ConstU64<10>;
	type ExpectedBlockTime = ConstU64<2>;
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	type DisabledValidators = Session;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<10>;
	type MaxNominators = ConstU32<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl_opaque_keys! {
	pub struct MockSessionKeys {
		pub babe: Povc,
	}
}

impl pallet_session::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<ConstU64<10>, ConstU64<0>>;
	type NextSessionRotation = pallet_session::PeriodicSessions<ConstU64<10>, ConstU64<0>>;
	type SessionManager = Povc;
	type SessionHandler = <MockSessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = MockSessionKeys;
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy;
	type WeightInfo = ();
	type Currency = Balances;
	type KeyDeposit = ();
}

parameter_types! {
	pub const BlockReward: Balance = 1_000;
	pub const CandidacyDeposit: Balance = CANDIDACY_DEPOSIT;
	pub const ScoreKeptPerEpoch: Perbill = Perbill::from_percent(90);
	pub static MinScore: u128 = 1;
	pub static MinScoreShare: Perbill = Perbill::zero();
	pub const EquivocationSlash: Perbill = Perbill::from_percent(10);
	pub static MaxAuthorities: u32 = 4;
	pub static MinAuthorities: u32 = 2;
	pub static MaxAuthorityShare: Perbill = Perbill::from_percent(50);
	/// `(worker, beneficiary)` of every registered worker.
	pub static RegisteredWorkers: Vec<(AccountId, AccountId)> = Vec::new();
	/// `(worker, validator)` of every accepted referee.
	pub static AcceptedReferees: Vec<(AccountId, AccountId)> = Vec::new();
}

/// The worker registry, as lists the tests set (the real one is pallet-workers').
pub struct MockWorkers;
impl WorkerDirectory<AccountId> for MockWorkers {
	fn beneficiary_of(who: &AccountId) -> Option<AccountId> {
		RegisteredWorkers::get().into_iter().find(|(w, _)| w == who).map(|(_, b)| b)
	}

	fn referee_for(who: &AccountId) -> Option<AccountId> {
		AcceptedReferees::get().into_iter().find(|(w, _)| w == who).map(|(_, v)| v)
	}

	/// Every referee weighs [`REFEREE_WEIGHT`].
	fn referee_weight(validator: &AccountId) -> u128 {
		let count = AcceptedReferees::get().iter().filter(|(_, v)| v == validator).count();
		count as u128 * REFEREE_WEIGHT
	}

	fn accept_referee(validator: &AccountId, worker: &AccountId) -> DispatchResult {
		if Self::beneficiary_of(worker) != Some(*validator) {
			return Err(DispatchError::Other("NotContributing"));
		}
		if Self::referee_for(worker).is_some() {
			return Err(DispatchError::Other("AlreadyReferee"));
		}
		AcceptedReferees::mutate(|referees| referees.push((*worker, *validator)));
		Ok(())
	}

	fn remove_referee(worker: &AccountId) -> Result<AccountId, DispatchError> {
		let validator = Self::referee_for(worker).ok_or(DispatchError::Other("NotReferee"))?;
		AcceptedReferees::mutate(|referees| referees.retain(|(w, _)| w != worker));
		Ok(validator)
	}
}

impl crate::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CandidacyDeposit = CandidacyDeposit;
	type BlockReward = BlockReward;
	type ScoreKeptPerEpoch = ScoreKeptPerEpoch;
	type MinScore = MinScore;
	type MinScoreShare = MinScoreShare;
	type DepositHeldSessions = ConstU32<3>;
	type EquivocationSlash = EquivocationSlash;
	type MaxCandidates = ConstU32<5>;
	type MaxAuthorities = MaxAuthorities;
	type MinAuthorities = MinAuthorities;
	type MaxAuthorityShare = MaxAuthorityShare;
	type Workers = MockWorkers;
	type ProjectOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxProjects = ConstU32<3>;
	type MaxProjectNameLen = ConstU32<16>;
	type MaxProjectUrlLen = ConstU32<32>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = KeysForBenchmarks;
}

/// Gives benchmark accounts session keys straight in storage.
#[cfg(feature = "runtime-benchmarks")]
pub struct KeysForBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for KeysForBenchmarks {
	fn set_session_keys(who: &AccountId) {
		pallet_session::NextKeys::<Test>::insert(who, keys_of(*who));
	}

	fn register_worker(worker: &AccountId, validator: &AccountId) {
		RegisteredWorkers::mutate(|workers| workers.push((*worker, *validator)));
	}
}

/// The BABE key of test account `who`.
pub fn babe_key(who: AccountId) -> BabeId {
	sp_core::sr25519::Public::from_raw([who as u8; 32]).into()
}

/// The session keys of test account `who`.
pub fn keys_of(who: AccountId) -> MockSessionKeys {
	MockSessionKeys { babe: babe_key(who) }
}

/// What each referee weighs in the mock's referee tree.
pub const REFEREE_WEIGHT: u128 = 100;

/// Endowment of accounts 1..=9.
pub const ENDOWMENT: Balance = 10_000;

/// Held from every candidate.
pub const CANDIDACY_DEPOSIT: Balance = 100;

/// Funds held from `who` for its candidacy.
pub fn candidacy_held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&crate::HoldReason::Candidacy.into(), &who)
}

/// Externalities with session keys for accounts 1..=5 and candidates 1..=4 scored
/// 1 : 1 : 2 : 4 (× 1000), so the genesis set is 4, 3, 1, 2 weighted 4 : 2 : 1 : 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=9).map(|who| (who, ENDOWMENT)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	crate::GenesisConfig::<Test> {
		candidates: vec![(1, 1_000), (2, 1_000), (3, 2_000), (4, 4_000)],
		timing: None,
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_session::GenesisConfig::<Test> {
		keys: (1..=4).map(|who| (who, who, keys_of(who))).collect(),
		non_authority_keys: vec![(5, 5, keys_of(5))],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		// What BABE's first block would have done: epoch changes expect it.
		pallet_babe::Initialized::<Test>::put(None::<sp_consensus_babe::digests::PreDigest>);
	});
	ext
}

/// Runs `test` in fresh externalities, then checks the pallet's invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		crate::Pallet::<Test>::do_try_state().expect("invariants hold");
		// The other half of the deposit invariant, which `try_state` cannot enumerate:
		// nobody but a candidate has a candidacy deposit held.
		for who in 1..=9 {
			if !crate::Candidates::<Test>::contains_key(who) {
				assert_eq!(
					candidacy_held(who),
					0,
					"account {who} holds a deposit without candidacy"
				);
			}
		}
	});
}

/// Ends the session (= epoch), as pallet-session does when BABE's epoch is over.
pub fn rotate_session() {
	Session::rotate_session();
}

/// `(account, weight)` of BABE's authorities of this epoch, through the session keys.
pub fn babe_authorities() -> Vec<(AccountId, u64)> {
	named(pallet_babe::Authorities::<Test>::get().into_inner())
}

/// `(account, weight)` of BABE's authorities announced for the next epoch.
pub fn babe_next_authorities() -> Vec<(AccountId, u64)> {
	named(pallet_babe::NextAuthorities::<Test>::get().into_inner())
}

fn named(set: Vec<(BabeId, u64)>) -> Vec<(AccountId, u64)> {
	set.into_iter()
		.map(|(key, weight)| {
			let who = (1..=9).find(|who| babe_key(*who) == key).expect("a test key");
			(who, weight)
		})
		.collect()
}
