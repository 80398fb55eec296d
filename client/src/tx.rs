//! Signing and sending transactions through the chain's metadata (subxt), as a wallet
//! does: encoded and signed for the runtime of the block they are built on, mortal, and
//! followed until they are in a block or finalized.

use subxt::{
	client::OnlineClientAtBlockImpl,
	config::DefaultExtrinsicParamsBuilder,
	events::DecodeAsEvent,
	extrinsics::ExtrinsicEvents,
	tx::{TransactionProgress, TransactionStatus},
	utils::{AccountId32, MultiSignature},
};

use crate::{
	keys::Signer,
	types::{ChainConfig, Hash, Nonce},
	Result,
};

/// How many blocks a transaction stays valid after the block it was built on: long
/// enough to wait out a busy pool, short enough that a stuck one expires (a minute or
/// two at povc's block times).
pub const MORTALITY: u64 = 64;

/// How far finality may lag behind the best block before a transaction's lifetime counts
/// from the best block's parent instead of the finalized block (as polkadot.js does).
pub const MAX_FINALITY_LAG: u64 = 16;

/// The exit code of `povc` and `povc-worker run` when they stop on [`Incompatible`], so
/// that scripts and supervisors tell "update me" from other failures.
pub const INCOMPATIBLE_EXIT_CODE: u8 = 6;

/// Why the chain cannot take what this client would send: its runtime changed a call,
/// an event or the transaction format this client was built for.
#[derive(Debug)]
pub struct Incompatible(pub String);

impl std::fmt::Display for Incompatible {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for Incompatible {}

impl subxt::tx::Signer<ChainConfig> for Signer {
	fn account_id(&self) -> AccountId32 {
		AccountId32(*self.account().as_ref())
	}

	fn sign(&self, payload: &[u8]) -> MultiSignature {
		use sp_core::Pair;
		MultiSignature::Sr25519(self.pair().sign(payload).0)
	}
}

/// The parameters of a transaction signed with `nonce`: mortal for [`MORTALITY`] blocks
/// from block `birth` (number, hash), no tip.
pub fn params(
	nonce: Nonce,
	birth: (u64, Hash),
) -> <<ChainConfig as subxt::Config>::TransactionExtensions as subxt::config::TransactionExtensions<
	ChainConfig,
>>::Params{
	DefaultExtrinsicParamsBuilder::<ChainConfig>::new()
		.nonce(nonce.into())
		.mortal_from_unchecked(MORTALITY, birth.0, birth.1)
		.build()
}

/// Whether a transaction built on best block `best` should count its lifetime from the
/// finalized block `finalized` (else from the best block's parent).
///
/// Not from the best block: a node validates a transaction against its pool's view of
/// the chain, which under load can still be an ancestor of the best block the client
/// saw, and there the best block's hash is unknown, so the transaction would be refused
/// as having "an ancient birth block". The finalized block is known to every view; only
/// when finality lags far behind does the best block's parent (one block of slack) keep
/// the transaction's lifetime long enough.
pub fn counts_from_finalized(best: u64, finalized: u64) -> bool {
	best.saturating_sub(finalized) <= MAX_FINALITY_LAG
}

/// A transaction the node accepted, not yet in a block.
pub struct Pending {
	progress: TransactionProgress<ChainConfig, OnlineClientAtBlockImpl<ChainConfig>>,
}

/// How a transaction fared in the block that included it.
#[derive(Debug)]
pub struct Inclusion {
	/// The block it is in.
	pub block: Hash,
	/// The events it emitted, decoded with that block's metadata.
	pub events: ExtrinsicEvents<ChainConfig>,
	/// Why it failed (e.g. `Jobs(PhaseOver)`), if it did.
	pub error: Option<String>,
}

impl Inclusion {
	/// Its events of type `E`; events this client does not know are skipped.
	pub fn find<E: DecodeAsEvent>(&self) -> Result<Vec<E>> {
		Ok(self.events.find::<E>().collect::<Result<_, _>>()?)
	}
}

impl Pending {
	pub(crate) fn new(
		progress: TransactionProgress<ChainConfig, OnlineClientAtBlockImpl<ChainConfig>>,
	) -> Self {
		Self { progress }
	}

	/// Wait until it is in a best block.
	pub async fn in_block(self) -> Result<Inclusion> {
		self.follow(false).await
	}

	/// Wait until it is in a finalized block: what it did then stays done.
	pub async fn finalized(self) -> Result<Inclusion> {
		self.follow(true).await
	}

	async fn follow(mut self, finalized: bool) -> Result<Inclusion> {
		while let Some(status) = self.progress.next().await {
			let in_block = match status? {
				TransactionStatus::InFinalizedBlock(in_block) => in_block,
				TransactionStatus::InBestBlock(in_block) if !finalized => in_block,
				TransactionStatus::Error { message } => {
					return Err(format!("transaction failed: {message}").into())
				},
				TransactionStatus::Invalid { message } => {
					return Err(format!("transaction invalid: {message}").into())
				},
				TransactionStatus::Dropped { message } => {
					return Err(format!("transaction dropped: {message}").into())
				},
				_ => continue,
			};
			let events = in_block.fetch_events().await?;
			let error = failure(&events, in_block.at().await?.metadata())?;
			return Ok(Inclusion { block: in_block.block_hash(), events, error });
		}
		Err("the transaction status subscription ended before inclusion".into())
	}
}

/// Why the extrinsic of `events` failed, as `Pallet(Error)`, if it did.
fn failure(
	events: &ExtrinsicEvents<ChainConfig>,
	metadata: subxt::ArcMetadata,
) -> Result<Option<String>> {
	for event in events.iter() {
		let event = event?;
		if event.pallet_name() != "System" || event.event_name() != "ExtrinsicFailed" {
			continue;
		}
		let error =
			subxt::error::DispatchError::decode_from(event.field_bytes(), metadata.clone())?;
		return Ok(Some(match &error {
			subxt::error::DispatchError::Module(module) => match module.details() {
				Ok(details) => format!("{}({})", details.pallet.name(), details.variant.name),
				Err(_) => module.to_string(),
			},
			other => other.to_string(),
		}));
	}
	Ok(None)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_transaction_lives_from_the_finalized_block_unless_finality_lags_far_behind() {
		// Every pool view has the finalized block; the best one it may not have yet.
		assert!(counts_from_finalized(100, 98));
		assert!(counts_from_finalized(100, 100));
		assert!(counts_from_finalized(100, 100 - MAX_FINALITY_LAG));
		// Far behind, the lifetime would be mostly over: the best block's parent instead.
		assert!(!counts_from_finalized(100, 99 - MAX_FINALITY_LAG));
		assert!(!counts_from_finalized(100, 50));
	}
}
