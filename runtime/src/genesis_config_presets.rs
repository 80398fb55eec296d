//! Genesis presets: `development` (one authority, Alice) and `local_testnet`
//! (Alice, Bob, Charlie and Dave).

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	constants::{currency::UNIT, time::BABE_GENESIS_EPOCH_CONFIG},
	AccountId, BabeConfig, Balance, BalancesConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys, SudoConfig,
};

/// Balance of every endowed development account: 10 million POVC.
pub const ENDOWMENT: Balance = 10_000_000 * UNIT;

/// An authority at genesis: its account and its session keys.
struct Authority {
	account: AccountId,
	babe: BabeId,
	grandpa: GrandpaId,
}

impl Authority {
	/// The well-known development keys of one dev identity (`//Alice`, ...): its sr25519 key
	/// is the account and BABE key, its ed25519 key the GRANDPA key.
	fn dev(sr25519: Sr25519Keyring, ed25519: Ed25519Keyring) -> Self {
		Self {
			account: sr25519.to_account_id(),
			babe: sr25519.public().into(),
			grandpa: ed25519.public().into(),
		}
	}
}

fn testnet_genesis(
	authorities: Vec<Authority>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		// Session sets BABE's and GRANDPA's genesis authorities from these keys.
		session: SessionConfig {
			keys: authorities
				.iter()
				.map(|a| {
					(
						a.account.clone(),
						a.account.clone(),
						SessionKeys { babe: a.babe.clone(), grandpa: a.grandpa.clone() },
					)
				})
				.collect::<Vec<_>>(),
		},
		babe: BabeConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
		sudo: SudoConfig { key: Some(root) },
	})
}

/// `development`: Alice is the only authority and root; the well-known accounts are funded.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![Authority::dev(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// `local_testnet`: Alice, Bob, Charlie and Dave are authorities; Alice is root.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			Authority::dev(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			Authority::dev(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			Authority::dev(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			Authority::dev(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON of the preset called `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
