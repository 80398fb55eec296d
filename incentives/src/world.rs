//! The simulated chain: the real povc runtime, natively, on the local-testnet genesis.
//! Blocks advance BABE's epoch every [`EPOCH_BLOCKS`] blocks and run the registry's hook
//! (due snapshots) and the job market's (draws) with fresh BABE randomness; after every
//! block every pallet's `try_state` invariants and the conservation of balances are
//! checked.

use codec::Encode;
use frame_support::traits::{fungible::Mutate, Hooks, UnfilteredDispatchable};
use povc_runtime::{
	AccountId, Balance, Jobs, Povc, Runtime, RuntimeCall, RuntimeEvent, RuntimeGenesisConfig,
	RuntimeOrigin, System, Workers, UNIT,
};
use sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{BuildStorage, DispatchError};

pub type BlockNumber = u32;

/// Every worker bonds this much: an attacker's share of the stake is its share of workers.
pub const BOND: Balance = 1_000 * UNIT;
/// Jobs a worker may hold at once.
pub const CAPACITY: u32 = 64;
/// Blocks per simulated BABE epoch. The chain's epochs are 300 blocks; shorter ones let a
/// registry change made during a simulation reach the draws within it (`SnapshotDelay`,
/// 3 epochs, stays the runtime's), while a re-roll still cannot reach the next block.
pub const EPOCH_BLOCKS: BlockNumber = 10;
/// What each simulated account starts with.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// A simulated account, derived from a role and an index.
pub fn account(role: &str, index: u32) -> AccountId {
	AccountId::new(sp_crypto_hashing::blake2_256(&(b"povc-incentives", role, index).encode()))
}

/// The honest validators (their referees are honest workers) and the attacker's.
pub fn validators() -> (Vec<AccountId>, AccountId) {
	let honest = [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.iter()
		.map(|k| k.to_account_id())
		.collect();
	(honest, Sr25519Keyring::Dave.to_account_id())
}

/// Genesis storage of the local-testnet preset (four validators: Alice, Bob, Charlie,
/// Dave), built the way the node builds it.
pub fn genesis() -> sp_io::TestExternalities {
	let json =
		povc_runtime::genesis_config_presets::get_preset(&LOCAL_TESTNET_RUNTIME_PRESET.into())
			.expect("the local testnet preset exists");
	let patch: serde_json::Value = serde_json::from_slice(&json).expect("preset is json");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("json");
	merge(&mut config, patch);
	let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("a genesis config");
	config.build_storage().expect("genesis builds").into()
}

fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// Mints `amount` into `who` (set-up only, before balances are watched).
pub fn endow(who: &AccountId, amount: Balance) {
	pallet_balances::Pallet::<Runtime>::mint_into(who, amount).expect("mint");
}

/// Dispatches `call` as a signed transaction of `who` would (its own storage layer, the
/// call filters), without fees.
pub fn dispatch(who: &AccountId, call: impl Into<RuntimeCall>) -> Result<(), DispatchError> {
	let call: RuntimeCall = call.into();
	call.dispatch_bypass_filter(RuntimeOrigin::signed(who.clone())).map(|_| ()).map_err(|e| e.error)
}

/// Starts block `n`: its epoch (`n / EPOCH_BLOCKS`), BABE's randomness for it (in the
/// chain, the parent block author's VRF output, unknown before that block), the
/// registry's hook (snapshots due this epoch) and the job market's (draws, timeouts,
/// audits).
pub fn start_block(n: BlockNumber, randomness: [u8; 32]) {
	System::set_block_number(n);
	System::reset_events();
	pallet_babe::EpochIndex::<Runtime>::put(u64::from(n / EPOCH_BLOCKS));
	pallet_babe::AuthorVrfRandomness::<Runtime>::put(Some(randomness));
	Workers::on_initialize(n);
	Jobs::on_initialize(n);
}

/// The events of the current block.
pub fn events() -> Vec<RuntimeEvent> {
	System::events().into_iter().map(|record| record.event).collect()
}

/// Every invariant of the runtime's pallets, and conservation: the total issuance is the
/// sum of all balances, and never grows (nothing is minted during a simulation).
pub fn check_invariants(n: BlockNumber, issuance_ceiling: Balance) -> Result<(), String> {
	Jobs::do_try_state(n).map_err(|e| format!("jobs invariant at block {n}: {e:?}"))?;
	Workers::do_try_state().map_err(|e| format!("workers invariant at block {n}: {e:?}"))?;
	Povc::do_try_state().map_err(|e| format!("povc invariant at block {n}: {e:?}"))?;
	let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
	let held: Balance = frame_system::Account::<Runtime>::iter()
		.map(|(_, info)| info.data.free + info.data.reserved)
		.sum();
	if held != issuance {
		return Err(format!("block {n}: balances sum to {held}, total issuance is {issuance}"));
	}
	if issuance > issuance_ceiling {
		return Err(format!("block {n}: issuance grew from {issuance_ceiling} to {issuance}"));
	}
	Ok(())
}

/// Free plus held balance.
pub fn total_balance(who: &AccountId) -> Balance {
	let info = frame_system::Account::<Runtime>::get(who);
	info.data.free + info.data.reserved
}
