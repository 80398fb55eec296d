//! Plain JSON-RPC reads that need no runtime types: headers, block hashes, raw storage,
//! and waiting for blocks.

use std::time::{Duration, Instant};

use jsonrpsee::{
	core::{client::ClientT, params::ArrayParams},
	rpc_params,
	ws_client::WsClient,
};
use serde_json::Value;

use crate::{
	types::{BlockNumber, Hash, Header},
	Result,
};

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
pub async fn best_number(client: &WsClient) -> Result<BlockNumber> {
	Ok(header(client, None).await?.number)
}

/// Hash of the last finalized block.
pub async fn finalized_hash(client: &WsClient) -> Result<Hash> {
	request(client, "chain_getFinalizedHead", rpc_params![]).await
}

/// Number of the last finalized block.
pub async fn finalized_number(client: &WsClient) -> Result<BlockNumber> {
	let hash = finalized_hash(client).await?;
	Ok(header(client, Some(hash)).await?.number)
}

/// Hash of the canonical block at `number`, if the node has it.
pub async fn block_hash(client: &WsClient, number: BlockNumber) -> Result<Option<Hash>> {
	request(client, "chain_getBlockHash", rpc_params![number]).await
}

/// Raw storage at `key` in block `at` (best if `None`).
pub async fn storage(client: &WsClient, key: &[u8], at: Option<Hash>) -> Result<Option<Vec<u8>>> {
	let value: Option<String> =
		request(client, "state_getStorage", rpc_params![to_hex(key), at]).await?;
	value.map(|hex| from_hex(&hex)).transpose()
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
pub async fn wait_for_best(
	client: &WsClient,
	number: BlockNumber,
	timeout: Duration,
) -> Result<BlockNumber> {
	wait_for(&format!("best block #{number}"), timeout, || async {
		let best = best_number(client).await?;
		Ok((best >= number).then_some(best))
	})
	.await
}

/// Wait until the finalized block is at least `number`.
pub async fn wait_for_finalized(
	client: &WsClient,
	number: BlockNumber,
	timeout: Duration,
) -> Result<BlockNumber> {
	wait_for(&format!("finalized block #{number}"), timeout, || async {
		let finalized = finalized_number(client).await?;
		Ok((finalized >= number).then_some(finalized))
	})
	.await
}
