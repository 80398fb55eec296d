//! Unit tests of the runtime's own configuration: genesis presets and fees.

use frame_support::traits::{fungible::Inspect, OnUnbalanced};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;
use sp_runtime::BuildStorage;

use crate::{
	configs::FeesToAuthor, genesis_config_presets, Babe, Balances, Runtime, RuntimeGenesisConfig,
	System,
};

/// Genesis storage of a named preset, built the way the node builds it.
fn preset_storage(name: &str) -> sp_io::TestExternalities {
	let json = genesis_config_presets::get_preset(&name.into()).expect("preset exists");
	let mut config: serde_json::Value = serde_json::from_slice(&json).unwrap();
	// A preset is a patch over the default config: merge it in as the node does.
	let mut full = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut full, config.take());
	let config: RuntimeGenesisConfig = serde_json::from_value(full).unwrap();
	config.build_storage().unwrap().into()
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

#[test]
fn presets_are_listed_and_unknown_ones_are_none() {
	let names = genesis_config_presets::preset_names();
	assert_eq!(names.len(), 2);
	assert!(genesis_config_presets::get_preset(&"no-such-preset".into()).is_none());
}

#[test]
fn development_preset_has_alice_as_only_authority_and_funds_dev_accounts() {
	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Babe::authorities().len(), 1);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 1);
		assert_eq!(
			pallet_session::Validators::<Runtime>::get(),
			vec![Sr25519Keyring::Alice.to_account_id()]
		);
		for account in Sr25519Keyring::well_known() {
			assert_eq!(
				Balances::balance(&account.to_account_id()),
				genesis_config_presets::ENDOWMENT
			);
		}
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
	});
}

#[test]
fn local_testnet_preset_has_four_authorities_in_order() {
	preset_storage(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let expected: Vec<_> = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.iter()
		.map(|k| k.to_account_id())
		.collect();
		assert_eq!(pallet_session::Validators::<Runtime>::get(), expected);
		let babe: Vec<_> = Babe::authorities().iter().map(|(_, weight)| *weight).collect();
		assert_eq!(babe, vec![1, 1, 1, 1], "equal weights until pallet-povc weights them");
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
	});
}

#[test]
fn fees_without_a_known_author_are_burned_and_issuance_stays_consistent() {
	use frame_support::traits::fungible::Balanced;
	preset_storage(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let issuance = Balances::total_issuance();
		let fee = <Balances as Balanced<_>>::withdraw(
			&alice,
			1_000,
			frame_support::traits::tokens::Precision::Exact,
			frame_support::traits::tokens::Preservation::Preserve,
			frame_support::traits::tokens::Fortitude::Polite,
		)
		.unwrap();
		// No block author in a bare test externality: the credit is dropped, i.e. burned.
		FeesToAuthor::on_unbalanced(fee);
		assert_eq!(Balances::total_issuance(), issuance - 1_000);
	});
}
