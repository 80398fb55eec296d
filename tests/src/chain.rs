//! Reading chain state over JSON-RPC: the client's plain reads, and state decoded with
//! the runtime's own types, which the tests check the chain against.

use codec::Decode;
use jsonrpsee::ws_client::WsClient;
use povc_runtime::{AccountId, Balance, BlockNumber, Hash, Header, Nonce, Runtime, RuntimeEvent};

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

/// The `povc_job` view of job `id`.
pub async fn job(client: &WsClient, id: u64) -> Result<serde_json::Value> {
	request(client, "povc_job", jsonrpsee::rpc_params![id]).await
}

/// The `povc_worker` view of `who`, if it is a registered worker.
pub async fn worker(client: &WsClient, who: &AccountId) -> Result<Option<serde_json::Value>> {
	request(client, "povc_worker", jsonrpsee::rpc_params![who.to_string()]).await
}

/// Waits until the draws see each of `workers` as their records say: every change they
/// made is in effect (registry snapshots take effect three epochs after the epoch of the
/// change).
pub async fn wait_until_drawn(
	client: &WsClient,
	workers: &[AccountId],
	timeout: std::time::Duration,
) -> Result<()> {
	for who in workers {
		wait_for(&format!("the draws to see {who}"), timeout, || async {
			Ok(worker(client, who).await?.filter(|view| view["changesFromEpoch"].is_null()))
		})
		.await?;
	}
	Ok(())
}

/// `who`'s compute score at block `at` (0 if it has none), from `povc_scores`.
pub async fn score_at(client: &WsClient, who: &AccountId, at: Hash) -> Result<u128> {
	use sp_core::crypto::Ss58Codec;
	let scores: Vec<serde_json::Value> =
		request(client, "povc_scores", jsonrpsee::rpc_params![at]).await?;
	let address = who.to_ss58check();
	match scores.iter().find(|s| s["account"] == address) {
		Some(entry) => crate::amount(&entry["score"]).ok_or_else(|| format!("{entry}").into()),
		None => Ok(0),
	}
}

/// Every `pallet_jobs` event of blocks `from..=to` of the best chain, in order.
pub async fn job_events(
	client: &WsClient,
	from: BlockNumber,
	to: BlockNumber,
) -> Result<Vec<pallet_jobs::Event<Runtime>>> {
	let mut found = Vec::new();
	for number in from..=to {
		let hash = block_hash(client, number).await?.ok_or("a block of the range is missing")?;
		for record in events(client, hash).await? {
			if let RuntimeEvent::Jobs(event) = record.event {
				found.push(event);
			}
		}
	}
	Ok(found)
}
