//! The povc runtime.
//!
//! A FRAME runtime for a solochain whose blocks are produced by BABE and finalized by
//! GRANDPA. Later the povc pallets (jobs, workers, compute scores) are added here and
//! weight BABE's authorities by verified compute; see `docs/ARCHITECTURE.md`.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` needs a large recursion limit.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

mod apis;
pub use apis::RuntimeApi;
pub mod configs;
#[cfg(test)]
mod consensus_tests;
pub mod constants;
pub mod genesis_config_presets;
#[cfg(test)]
mod market_tests;
// Compiled in every runtime (the `runtime` macro names it even where it is configured
// out), but part of the rehearsal runtimes only.
#[cfg(test)]
mod pool_tests;
pub mod rehearsal;
#[cfg(test)]
mod tests;

// The FRAME macros below expect `Vec` in scope.
use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use constants::{currency::*, time::*};
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;

/// An index to a block.
pub type BlockNumber = u32;

/// The signature scheme of transactions: sr25519, ed25519 or ecdsa, so any Substrate wallet works.
pub type Signature = MultiSignature;

/// An account is identified by the public key of its signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// A balance, in the smallest unit (1 POVC = 10^12 units).
pub type Balance = u128;

/// The number of transactions an account has sent.
pub type Nonce = u32;

/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;

/// Opaque types, so the node can sync blocks without knowing the runtime's call types.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	/// The keys a validator registers with `session.set_keys`.
	pub struct SessionKeys {
		/// Handled by pallet-povc, which announces the BABE authorities with their weights.
		pub babe: Povc,
		/// Handled by pallet-povc's `FinalityWeights`, which gives GRANDPA the same weights
		/// (after pallet-grandpa's own handling). Must come after `babe`.
		pub grandpa: pallet_povc::finality::FinalityWeights<Runtime>,
	}
}

/// Declares [`VERSION`] with spec version `$spec`: `#[runtime_version]` reads it as a
/// literal, and the upgrade-rehearsal runtimes need higher ones.
macro_rules! declare_version {
	($spec:tt) => {
		#[runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("povc"),
			impl_name: alloc::borrow::Cow::Borrowed("povc-node"),
			authoring_version: 1,
			spec_version: $spec,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 1,
			system_version: 1,
		};
	};
}

// Bump on every change of runtime logic; nodes refuse to import blocks of an unknown spec.
#[cfg(not(feature = "upgrade-rehearsal"))]
declare_version!(102);
// The rehearsal runtimes (see `rehearsal`) stay above any real spec version.
#[cfg(all(feature = "upgrade-rehearsal", not(feature = "upgrade-incompatible")))]
declare_version!(1_000_000);
#[cfg(feature = "upgrade-incompatible")]
declare_version!(1_000_001);

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions every signed transaction carries (replay protection,
/// mortality, fees, optional metadata hash for offline signers).
#[cfg(not(feature = "upgrade-incompatible"))]
pub type TxExtension = StandardTxExtension;
/// The incompatible rehearsal runtime adds one that carries data (see `rehearsal`).
#[cfg(feature = "upgrade-incompatible")]
pub type TxExtension = (StandardTxExtension, rehearsal::CheckRehearsalTag);

/// The extensions of [`TxExtension`] in every runtime.
pub type StandardTxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to apply on runtime upgrade, besides the pallets' own.
type Migrations = ();

/// Executive: dispatches calls to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	// BABE must come before Timestamp: it checks the slot against the timestamp inherent.
	#[runtime::pallet_index(1)]
	pub type Babe = pallet_babe;

	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(3)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	// Genesis is built in pallet index order: Povc's scores must exist when Session asks
	// it for the first set.
	#[runtime::pallet_index(6)]
	pub type Povc = pallet_povc;

	#[runtime::pallet_index(12)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(7)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(8)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(9)]
	pub type Workers = pallet_workers;

	#[runtime::pallet_index(10)]
	pub type Jobs = pallet_jobs;

	/// Lets workers batch their commits and reveals of several jobs in one extrinsic.
	#[runtime::pallet_index(11)]
	pub type Utility = pallet_utility;

	/// Only in the upgrade-rehearsal runtimes: what a compatible upgrade adds.
	#[cfg(feature = "upgrade-rehearsal")]
	#[runtime::pallet_index(13)]
	pub type Rehearsal = crate::rehearsal;

	/// Session roots for the key-ownership proofs of equivocation reports.
	#[runtime::pallet_index(14)]
	pub type Historical = pallet_session::historical;

	/// Equivocation reports of BABE and GRANDPA, punished by pallet-povc.
	#[runtime::pallet_index(15)]
	pub type Offences = pallet_offences;
}

#[cfg(feature = "runtime-benchmarks")]
mod benches {
	frame_benchmarking::define_benchmarks!(
		[frame_benchmarking, BaselineBench::<Runtime>]
		[frame_system, SystemBench::<Runtime>]
		[pallet_balances, Balances]
		[pallet_timestamp, Timestamp]
		[pallet_sudo, Sudo]
		[pallet_workers, Workers]
		[pallet_jobs, Jobs]
		[pallet_povc, Povc]
		[pallet_utility, Utility]
	);
}
