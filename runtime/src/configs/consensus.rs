//! Proof of valuable computing: pallet-povc turns verified compute into BABE weights,
//! picks the validators, rewards block authors and supplies the referee pool. Also the
//! slot timing, which a chain may choose at genesis (fast test networks).

use frame_support::{parameter_types, traits::Get};
use sp_runtime::Perbill;

use crate::{
	constants::{currency::UNIT, time::*},
	AccountId, Balance, Balances, Historical, Povc, Runtime, RuntimeCall, RuntimeEvent,
	UncheckedExtrinsic, Workers,
};
use alloc::vec::Vec;

parameter_types! {
	/// Minted to every block's author, besides the fees.
	pub const BlockReward: Balance = UNIT;
	/// Scores halve in about 144 epochs (a day of 10-minute epochs): 2^(-1/144) kept.
	pub const ScoreKeptPerEpoch: Perbill = Perbill::from_parts(995_198_050);
	/// No validator holds more than half of the block production.
	pub const MaxAuthorityShare: Perbill = Perbill::from_percent(50);
	/// Ten minimum worker bonds: squatting all 256 candidate seats locks 256,000 UNIT, and
	/// any candidate with a higher score displaces a squatter anyway.
	pub const CandidacyDeposit: Balance = 1_000 * UNIT;
	/// 0.5 % of the candidates' total score: at most 200 candidates can qualify (the set
	/// holds 100), a validator elected on a token score holds a token weight anyway, and
	/// below it an identity adds votes to every GRANDPA round but no security.
	pub const MinScoreShare: Perbill = Perbill::from_parts(5_000_000);
	/// A chilled validator authors in its session and the next (announced already); one
	/// more session leaves time for a report of its last session to be included.
	pub const DepositHeldSessions: u32 = 3;
	/// A lone equivocation (a backup node started by mistake, typically) costs 10 % of
	/// the deposit, 100 POVC, besides the score; the offence's own fraction, (3k/n)² for
	/// k offenders of n, takes everything from a third of the set equivocating together.
	pub const EquivocationSlash: Perbill = Perbill::from_percent(10);
	/// GRANDPA's set ids of the sessions a report may still come for.
	pub const MaxSetIdSessionEntries: u64 = DepositHeldSessions::get() as u64 + 1;
}

impl pallet_povc::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = crate::RuntimeHoldReason;
	type CandidacyDeposit = CandidacyDeposit;
	type BlockReward = BlockReward;
	type ScoreKeptPerEpoch = ScoreKeptPerEpoch;
	/// Any verified compute qualifies; a score of 0 never does.
	type MinScore = frame_support::traits::ConstU128<1>;
	type MinScoreShare = MinScoreShare;
	type DepositHeldSessions = DepositHeldSessions;
	type EquivocationSlash = EquivocationSlash;
	type MaxCandidates = frame_support::traits::ConstU32<256>;
	type MaxAuthorities = super::MaxAuthorities;
	/// GRANDPA tolerates one faulty authority from four on: with fewer qualifying
	/// candidates the set stays as it is (as on a one-validator dev chain).
	type MinAuthorities = frame_support::traits::ConstU32<4>;
	type MaxAuthorityShare = MaxAuthorityShare;
	type Workers = Workers;
	/// Root today; a council or an OpenGov track takes over by replacing this origin.
	type ProjectOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxProjects = frame_support::traits::ConstU32<64>;
	type MaxProjectNameLen = frame_support::traits::ConstU32<64>;
	type MaxProjectUrlLen = frame_support::traits::ConstU32<256>;
	type WeightInfo = pallet_povc::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkSessionKeys;
}

/// pallet-povc as session manager, with the historical roots that key-ownership proofs are
/// checked against: kept for [`DepositHeldSessions`] sessions, as long as a report can
/// still punish, then pruned.
pub struct PovcSessions;

impl pallet_session::SessionManager<AccountId> for PovcSessions {
	fn new_session(new_index: u32) -> Option<Vec<AccountId>> {
		<Povc as pallet_session::SessionManager<AccountId>>::new_session(new_index)
	}
	fn start_session(start_index: u32) {
		<Povc as pallet_session::SessionManager<AccountId>>::start_session(start_index);
		if let Some(oldest_kept) = start_index.checked_sub(DepositHeldSessions::get()) {
			Historical::prune_up_to(oldest_kept);
		}
	}
	fn end_session(end_index: u32) {
		<Povc as pallet_session::SessionManager<AccountId>>::end_session(end_index);
	}
}

impl pallet_session::historical::SessionManager<AccountId, ()> for PovcSessions {
	fn new_session(new_index: u32) -> Option<Vec<(AccountId, ())>> {
		<Self as pallet_session::SessionManager<AccountId>>::new_session(new_index)
			.map(|validators| validators.into_iter().map(|who| (who, ())).collect())
	}
	fn start_session(start_index: u32) {
		<Self as pallet_session::SessionManager<AccountId>>::start_session(start_index);
	}
	fn end_session(end_index: u32) {
		<Self as pallet_session::SessionManager<AccountId>>::end_session(end_index);
	}
}

/// A validator needs no identification beyond its account (nothing is staked on it).
pub struct NoIdentification;
impl sp_runtime::traits::Convert<AccountId, Option<()>> for NoIdentification {
	fn convert(_: AccountId) -> Option<()> {
		Some(())
	}
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = NoIdentification;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = Povc;
}

/// How long, in blocks, an equivocation report stays valid in the pool: as long as a
/// report can punish ([`DepositHeldSessions`] sessions).
pub struct ReportLongevity;
impl Get<u64> for ReportLongevity {
	fn get() -> u64 {
		u64::from(DepositHeldSessions::get()) * EpochDuration::get()
	}
}

/// Unsigned transactions (equivocation reports) as the runtime's extrinsics.
impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateBare<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

/// BABE's slot length: genesis may choose it, else [`SLOT_DURATION`].
pub struct SlotDuration;
impl Get<u64> for SlotDuration {
	fn get() -> u64 {
		Povc::slot_duration_ms().unwrap_or(SLOT_DURATION)
	}
}

/// Timestamps advance by at least half a slot (BABE's slot is twice this).
pub struct MinimumPeriod;
impl Get<u64> for MinimumPeriod {
	fn get() -> u64 {
		SlotDuration::get() / 2
	}
}

/// An epoch (= a session) in slots: genesis may choose it, else
/// [`EPOCH_DURATION_IN_SLOTS`].
pub struct EpochDuration;
impl Get<u64> for EpochDuration {
	fn get() -> u64 {
		Povc::epoch_duration_slots().unwrap_or(EPOCH_DURATION_IN_SLOTS)
	}
}

/// Gives benchmark accounts session keys straight in storage.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkSessionKeys;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_povc::benchmarking::BenchmarkHelper<crate::AccountId> for BenchmarkSessionKeys {
	fn set_session_keys(who: &crate::AccountId) {
		let keys = crate::SessionKeys {
			babe: sp_core::sr25519::Public::from_raw([7; 32]).into(),
			grandpa: sp_core::ed25519::Public::from_raw([7; 32]).into(),
		};
		pallet_session::NextKeys::<Runtime>::insert(who, keys);
	}

	fn register_worker(worker: &crate::AccountId, validator: &crate::AccountId) {
		use pallet_jobs::benchmarking::BenchmarkHelper as _;
		let class = povc_primitives::RELEASE_CLASSES[0].as_bytes();
		// In a class whose trees are as high as the largest registry makes them.
		super::job_market::BenchmarkWorkers::fill_class(class, 0);
		super::job_market::BenchmarkWorkers::register_worker(worker, class);
		let target = sp_runtime::MultiAddress::Id(validator.clone());
		Workers::contribute_to(crate::RuntimeOrigin::signed(worker.clone()), Some(target))
			.expect("a registered worker contributes");
	}
}
