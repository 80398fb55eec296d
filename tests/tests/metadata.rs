//! The client's view of the chain: the metadata its types are generated from is the
//! node's, and it signs the way a wallet does (mortal, fees quoted by the chain, the
//! token the chain declares); an offline signer can have the runtime check the metadata
//! it signed with (`CheckMetadataHash`).

use std::time::Duration;

use codec::{Decode, Encode};
use povc_client::{api::povc, connection::Connection, keys::Signer};
use povc_e2e::tx::{self, ChainContext};
use povc_e2e::{
	chain::{self, wait_for_best},
	node::{Node, NodeConfig},
};
use povc_runtime::{UncheckedExtrinsic, UNIT};
use sp_keyring::Sr25519Keyring::{Alice, Bob};
use sp_runtime::generic::Preamble;

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread")]
async fn committed_metadata_is_the_node_s_and_the_client_signs_like_a_wallet() {
	let dir = tempfile::tempdir().unwrap();
	let node = Node::start(NodeConfig::new("dev", Some("alice"), dir.path())).await.unwrap();
	let client = node.client().await.unwrap();
	wait_for_best(&client, 1, 2 * MINUTE).await.unwrap();

	// The metadata `povc-client`'s types were generated from is the running runtime's.
	let live = metadata_at_version(&client, 16).await;
	assert!(
		live == povc_client::api::METADATA,
		"client/metadata/povc.scale is not the runtime's metadata: run scripts/update-metadata.sh"
	);

	// The token comes from the chain's properties.
	let connection = Connection::connect(&node.ws_url()).await.unwrap();
	assert_eq!(connection.token().symbol, "POVC");
	assert_eq!(connection.token().format(3 * UNIT / 2), "1.5 POVC");

	// A transfer: its fee is what the chain quoted, it is read from a finalized block, and
	// the extrinsic is mortal.
	let alice = Signer::from_suri("//Alice").unwrap();
	let dest = subxt::utils::MultiAddress::Id(subxt::utils::AccountId32(Bob.to_raw_public()));
	let call = povc::tx().balances().transfer_keep_alive(dest, 7 * UNIT);
	let quoted = connection.estimate_fee(&alice, &call).await.unwrap();
	let bob_before = connection.free_balance(&Bob.to_account_id()).await.unwrap();
	let inclusion = connection.execute(&alice, &call).await.unwrap();
	let finalized = chain::finalized_number(&client).await.unwrap();
	let included = chain::header(&client, Some(inclusion.block)).await.unwrap().number;
	assert!(included <= finalized, "reported from block #{included}, finalized #{finalized}");
	let paid = inclusion.find::<povc::transaction_payment::events::TransactionFeePaid>().unwrap();
	assert_eq!(paid.len(), 1);
	assert!(quoted > 0);
	assert_eq!(paid[0].actual_fee, quoted, "the fee paid is the one quoted");
	let transfers = inclusion.find::<povc::balances::events::Transfer>().unwrap();
	assert_eq!(transfers[0].amount, 7 * UNIT);
	let bob_after = connection.free_balance(&Bob.to_account_id()).await.unwrap();
	assert_eq!(bob_after, bob_before + 7 * UNIT);

	let body: serde_json::Value =
		chain::request(&client, "chain_getBlock", jsonrpsee::rpc_params![inclusion.block])
			.await
			.unwrap();
	let index = inclusion.events.extrinsic_index();
	let hex = body["block"]["extrinsics"][index].as_str().unwrap();
	let extrinsic = UncheckedExtrinsic::decode(&mut &chain::from_hex(hex).unwrap()[..]).unwrap();
	let Preamble::Signed(signer, _, extension) = extrinsic.preamble else {
		panic!("a signed extrinsic")
	};
	assert_eq!(signer, Alice.to_account_id().into());
	// `CheckEra`: an immortal era encodes as one zero byte.
	assert_ne!(extension.4.encode(), vec![0], "the transaction is mortal");
}

/// The runtime's metadata in format `version` (`Metadata_metadata_at_version`).
async fn metadata_at_version(client: &jsonrpsee::ws_client::WsClient, version: u32) -> Vec<u8> {
	let argument = chain::to_hex(&version.encode());
	let params = jsonrpsee::rpc_params!["Metadata_metadata_at_version", argument];
	let answer: String = chain::request(client, "state_call", params).await.unwrap();
	let answer = chain::from_hex(&answer).unwrap();
	let metadata = Option::<Vec<u8>>::decode(&mut &answer[..]).unwrap();
	metadata.unwrap_or_else(|| panic!("no V{version} metadata"))
}

/// The metadata hash (RFC 78) of the node's runtime, computed as an offline signer does:
/// from its V15 metadata, version, SS58 prefix and token.
async fn metadata_hash(client: &jsonrpsee::ws_client::WsClient) -> [u8; 32] {
	use frame_metadata::RuntimeMetadataPrefixed;
	let bytes = metadata_at_version(client, 15).await;
	let metadata = RuntimeMetadataPrefixed::decode(&mut &bytes[..]).unwrap().1;
	let version: serde_json::Value =
		chain::request(client, "state_getRuntimeVersion", jsonrpsee::rpc_params![]).await.unwrap();
	let properties: serde_json::Value =
		chain::request(client, "system_properties", jsonrpsee::rpc_params![]).await.unwrap();
	let extra = merkleized_metadata::ExtraInfo {
		spec_version: version["specVersion"].as_u64().unwrap() as u32,
		spec_name: version["specName"].as_str().unwrap().into(),
		base58_prefix: properties["ss58Format"].as_u64().unwrap() as u16,
		decimals: properties["tokenDecimals"].as_u64().unwrap() as u8,
		token_symbol: properties["tokenSymbol"].as_str().unwrap().into(),
	};
	merkleized_metadata::generate_metadata_digest(&metadata, extra).unwrap().hash()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_runtime_checks_the_metadata_hash_an_offline_signer_signed() {
	let dir = tempfile::tempdir().unwrap();
	let node = Node::start(NodeConfig::new("dev", Some("alice"), dir.path())).await.unwrap();
	let client = node.client().await.unwrap();
	wait_for_best(&client, 1, 2 * MINUTE).await.unwrap();
	let context = ChainContext::fetch(&client).await.unwrap();
	let hash = metadata_hash(&client).await;
	let (alice, bob) = (Alice.to_account_id(), Bob.to_account_id());
	let signed = |nonce, metadata_hash| {
		let call = tx::transfer_call(&bob, UNIT);
		tx::signed_extrinsic_with_metadata_hash(
			&context,
			call,
			&alice,
			&Alice.pair(),
			nonce,
			0,
			Some(metadata_hash),
		)
	};

	// Signed for other metadata: the runtime's own hash is part of what it verifies, so
	// the signature does not match.
	let nonce = tx::next_nonce(&client, &alice).await.unwrap();
	let mut wrong = hash;
	wrong[0] ^= 1;
	let refused = tx::watch(&client, &signed(nonce, wrong)).await;
	assert!(refused.is_err(), "a transfer signed for other metadata was accepted");

	// Signed for this runtime's metadata: accepted. Without the `metadata-hash` feature the
	// runtime knows no hash and refuses this one too.
	let block = tx::submit_and_wait_in_block(&client, &signed(nonce, hash)).await;
	block.expect("a transfer signed with the runtime's metadata hash is accepted");
}
