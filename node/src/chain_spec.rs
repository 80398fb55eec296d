//! Built-in chain specifications: `dev` and `local`.

use povc_runtime::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY};
use sc_service::ChainType;

/// A chain spec of this node (no client extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

/// Network protocol id: keeps povc nodes from talking to other Substrate chains.
const PROTOCOL_ID: &str = "povc";

/// The token and address format wallets show (polkadot.js reads these).
fn properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime Wasm binary is not available: build without SKIP_WASM_BUILD.".to_string()
	})
}

/// A chain spec named `name` (id `id`) whose genesis is the runtime preset `preset`.
fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_protocol_id(PROTOCOL_ID)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// Single-authority development chain: Alice authors and finalizes every block.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"povc Development",
		"povc_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// Local testnet: Alice, Bob, Charlie and Dave are the authorities.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"povc Local Testnet",
		"povc_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}
