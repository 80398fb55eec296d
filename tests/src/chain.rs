//! Reading chain state over JSON-RPC: the client's plain reads, and state decoded with
//! the runtime's own types, which the tests check the chain against.

use codec::Decode;
use jsonrpsee::ws_client::WsClient;
use povc_runtime::{AccountId, Balance, Hash, Header, Nonce, Runtime, RuntimeEvent};

use crate::Result;

/// The events of one block, as the runtime stores them.
pub type EventRecords = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;

pub use povc_client::rpc::*;

/// Account info (nonce and balances) of `who` at block `at`.
pub async fn account(
	client: &WsClient,
	who: &AccountId,
	at: Option<Hash>,
) -> Result<frame_system::AccountInfo<Nonce, pallet_balances::AccountData<Balance>>> {
	let key = frame_system::Account::<Runtime>::hashed_key_for(who);
	Ok(match storage(client, &key, at).await? {
		Some(bytes) => Decode::decode(&mut &bytes[..])?,
		None => Default::default(),
	})
}

/// Free balance of `who` at block `at`.
pub async fn free_balance(client: &WsClient, who: &AccountId, at: Option<Hash>) -> Result<Balance> {
	Ok(account(client, who, at).await?.data.free)
}

/// The events emitted in block `at`.
pub async fn events(client: &WsClient, at: Hash) -> Result<EventRecords> {
	// `System::Events` is private to FRAME; its key is the standard storage-value key.
	let key =
		[sp_crypto_hashing::twox_128(b"System"), sp_crypto_hashing::twox_128(b"Events")].concat();
	Ok(match storage(client, &key, Some(at)).await? {
		Some(bytes) => Decode::decode(&mut &bytes[..])?,
		None => Vec::new(),
	})
}

/// The BABE authority index that authored `header`, and whether it won a primary slot.
pub fn babe_author(header: &Header) -> Option<(u32, bool)> {
	use sp_consensus_babe::digests::{CompatibleDigestItem, PreDigest};
	header.digest.logs.iter().find_map(|log| {
		let pre_digest: PreDigest = log.as_babe_pre_digest()?;
		let primary = matches!(pre_digest, PreDigest::Primary(_));
		Some((pre_digest.authority_index(), primary))
	})
}
