//! Reading chain state over JSON-RPC, decoded with the runtime's own types.

use std::time::{Duration, Instant};

use codec::Decode;
use jsonrpsee::{
	core::{client::ClientT, params::ArrayParams},
	rpc_params,
	ws_client::WsClient,
};
use povc_runtime::{AccountId, Balance, Hash, Header, Nonce, Runtime, RuntimeEvent};
use serde_json::Value;

use crate::Result;

/// The events of one block, as the runtime stores them.
pub type EventRecords = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;

/// One JSON-RPC call.
pub async fn request<R: serde::de::DeserializeOwned>(
	client: &WsClient,
	method: &str,
	params: ArrayParams,
) -> Result<R> {
	Ok(client.request(method, params).await?)
}

/// `0x`-prefixed hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Bytes of a `0x`-prefixed hex string.
pub fn from_hex(text: &str) -> Result<Vec<u8>> {
	Ok(hex::decode(text.trim_start_matches("0x"))?)
}

/// The header of the best block, or of block `hash`.
pub async fn header(client: &WsClient, hash: Option<Hash>) -> Result<Header> {
	let value: Value = request(client, "chain_getHeader", rpc_params![hash]).await?;
	Ok(serde_json::from_value(value)?)
}

/// Number of the best block.
pub async fn best_number(client: &WsClient) -> Result<u32> {
	Ok(header(client, None).await?.number)
}

/// Hash of the last finalized block.
pub async fn finalized_hash(client: &WsClient) -> Result<Hash> {
	request(client, "chain_getFinalizedHead", rpc_params![]).await
}

/// Number of the last finalized block.
pub async fn finalized_number(client: &WsClient) -> Result<u32> {
	let hash = finalized_hash(client).await?;
	Ok(header(client, Some(hash)).await?.number)
}

/// Hash of the canonical block at `number`, if the node has it.
pub async fn block_hash(client: &WsClient, number: u32) -> Result<Option<Hash>> {
	request(client, "chain_getBlockHash", rpc_params![number]).await
}

/// Raw storage at `key` in block `at` (best if `None`).
pub async fn storage(client: &WsClient, key: &[u8], at: Option<Hash>) -> Result<Option<Vec<u8>>> {
	let value: Option<String> =
		request(client, "state_getStorage", rpc_params![to_hex(key), at]).await?;
	value.map(|hex| from_hex(&hex)).transpose()
}

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

/// Poll `probe` every half second until it returns `Some`, or fail after `timeout`
/// with `what` in the message.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> Result<T>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Result<Option<T>>>,
{
	let deadline = Instant::now() + timeout;
	loop {
		if let Some(value) = probe().await? {
			return Ok(value);
		}
		if Instant::now() > deadline {
			return Err(format!("timed out after {timeout:?} waiting for {what}").into());
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// Wait until the best block is at least `number`.
pub async fn wait_for_best(client: &WsClient, number: u32, timeout: Duration) -> Result<u32> {
	wait_for(&format!("best block #{number}"), timeout, || async {
		let best = best_number(client).await?;
		Ok((best >= number).then_some(best))
	})
	.await
}

/// Wait until the finalized block is at least `number`.
pub async fn wait_for_finalized(client: &WsClient, number: u32, timeout: Duration) -> Result<u32> {
	wait_for(&format!("finalized block #{number}"), timeout, || async {
		let finalized = finalized_number(client).await?;
		Ok((finalized >= number).then_some(finalized))
	})
	.await
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
