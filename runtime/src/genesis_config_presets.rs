//! Genesis presets: `development` (one authority, Alice, 6 s slots) and `local_testnet`
//! (Alice, Bob, Charlie and Dave with compute scores 1 : 1 : 2 : 4, 2 s slots).

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	constants::{
		currency::UNIT,
		time::{
			BABE_GENESIS_EPOCH_CONFIG, BABE_WEIGHTED_EPOCH_CONFIG, DEV_EPOCH_DURATION_IN_SLOTS,
			SLOT_DURATION, WEIGHTED_SLOT_DURATION,
		},
	},
	AccountId, BabeConfig, Balance, BalancesConfig, PovcConfig, RuntimeGenesisConfig,
	SessionConfig, SessionKeys, SudoConfig, WorkersConfig,
};
use pallet_povc::SlotTiming;
use sp_consensus_babe::BabeEpochConfiguration;

/// Balance of every endowed development account: 10 million POVC.
pub const ENDOWMENT: Balance = 10_000_000 * UNIT;

/// An authority at genesis: its account, its session keys and its compute score.
struct Authority {
	account: AccountId,
	babe: BabeId,
	grandpa: GrandpaId,
	score: u128,
}

impl Authority {
	/// The well-known development keys of one dev identity (`//Alice`, ...): its sr25519 key
	/// is the account and BABE key, its ed25519 key the GRANDPA key.
	fn dev(sr25519: Sr25519Keyring, ed25519: Ed25519Keyring, score: u128) -> Self {
		Self {
			account: sr25519.to_account_id(),
			babe: sr25519.public().into(),
			grandpa: ed25519.public().into(),
			score,
		}
	}
}

/// How a chain's blocks are produced: BABE's epoch configuration and the slot timing.
struct BlockProduction {
	epoch_config: BabeEpochConfiguration,
	/// `None`: the runtime's default 6 s slots and 10-minute epochs.
	timing: Option<SlotTiming>,
}

fn testnet_genesis(
	authorities: Vec<Authority>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
	production: BlockProduction,
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
		// pallet-povc announces the genesis set to BABE, weighted by these scores.
		povc: PovcConfig {
			candidates: authorities
				.iter()
				.map(|a| (a.account.clone(), a.score))
				.collect::<Vec<_>>(),
			timing: production.timing,
		},
		babe: BabeConfig { epoch_config: production.epoch_config },
		// The classes of this release's povc-worker: the only ones workers can join.
		workers: WorkersConfig {
			classes: povc_primitives::RELEASE_CLASSES
				.iter()
				.map(|class| class.as_bytes().to_vec())
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
	})
}

/// Compute score of the lightest `local_testnet` validator: the value burned on one
/// replica paid the price floor (10 % of `MinReplicaPayment`, 0.4 POVC), the least a
/// verified paid job adds, so that a few verified jobs visibly move the weights without
/// one of them leaving the other validators below `MinScoreShare`.
pub const LOCAL_SCORE_UNIT: u128 = 40_000_000_000;

/// `development`: Alice is the only authority and root; the well-known accounts are funded.
/// One authority needs no weighting: every slot has a block (primary or secondary).
/// One-minute epochs: a worker registered on a dev chain is drawn from its first snapshot
/// on, three epochs after the one it registered in (`pallet_workers::snapshot`), so within
/// three minutes instead of half an hour.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![Authority::dev(Sr25519Keyring::Alice, Ed25519Keyring::Alice, LOCAL_SCORE_UNIT)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		BlockProduction {
			epoch_config: BABE_GENESIS_EPOCH_CONFIG,
			timing: Some(SlotTiming {
				slot_duration_ms: SLOT_DURATION,
				epoch_duration_slots: DEV_EPOCH_DURATION_IN_SLOTS,
			}),
		},
	)
}

/// `local_testnet`: Alice, Bob, Charlie and Dave are authorities with compute scores
/// 1 : 1 : 2 : 4; Alice is root. Weighted block production: primary slots only, with
/// 2 s slots so that blocks still come every 6 s on average.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			Authority::dev(Sr25519Keyring::Alice, Ed25519Keyring::Alice, LOCAL_SCORE_UNIT),
			Authority::dev(Sr25519Keyring::Bob, Ed25519Keyring::Bob, LOCAL_SCORE_UNIT),
			Authority::dev(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie, 2 * LOCAL_SCORE_UNIT),
			Authority::dev(Sr25519Keyring::Dave, Ed25519Keyring::Dave, 4 * LOCAL_SCORE_UNIT),
		],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		BlockProduction {
			epoch_config: BABE_WEIGHTED_EPOCH_CONFIG,
			timing: Some(SlotTiming {
				slot_duration_ms: WEIGHTED_SLOT_DURATION,
				// Ten minutes, as on the default timing.
				epoch_duration_slots: 10 * 60 * 1_000 / WEIGHTED_SLOT_DURATION,
			}),
		},
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
