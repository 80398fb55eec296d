//! Money the chain creates or destroys, read at one block: total issuance and the block
//! rewards minted so far (the only money the chain creates).

use codec::Decode;
use jsonrpsee::ws_client::WsClient;
use povc_runtime::{Balance, Hash, Runtime};

use crate::{chain, Result};

/// The total issuance at `at`.
pub async fn total_issuance(client: &WsClient, at: Hash) -> Result<Balance> {
	let key = pallet_balances::TotalIssuance::<Runtime>::hashed_key();
	let bytes = chain::storage(client, &key, Some(at)).await?.ok_or("no total issuance")?;
	Ok(Balance::decode(&mut &bytes[..])?)
}

/// All block rewards minted up to and including block `at`.
pub async fn total_rewards(client: &WsClient, at: Hash) -> Result<Balance> {
	let key = pallet_povc::TotalRewards::<Runtime>::hashed_key();
	Ok(match chain::storage(client, &key, Some(at)).await? {
		Some(bytes) => Balance::decode(&mut &bytes[..])?,
		None => 0,
	})
}

/// The hash of the best block now, to read several values at one block.
pub async fn best_hash(client: &WsClient) -> Result<Hash> {
	let best = chain::best_number(client).await?;
	chain::block_hash(client, best).await?.ok_or_else(|| "no best block".into())
}
