//! Reports BABE equivocations with sealed headers.
//!
//! sc-consensus-babe checks for equivocations when it imports a block, on the header it
//! is importing. By then the seal has moved to the post-digests, so the two headers of its
//! proof carry no seal and the runtime refuses every such report
//! (`babe.InvalidEquivocationProof`). This task does the check on what the client
//! imported, the sealed header: it remembers who authored each recent slot and reports
//! a second header from the same authority for the same slot, through the runtime API
//! and the local transaction pool as BABE would. BABE's own reports go to [`Refused`].

use std::{collections::BTreeMap, sync::Arc};

use futures::StreamExt;
use povc_runtime::opaque::Block;
use sc_client_api::{BlockchainEvents, HeaderBackend};
use sc_transaction_pool_api::{
	error::Error as PoolError, LocalTransactionPool, OffchainTransactionPoolFactory,
};
use sp_api::{ApiExt, ProvideRuntimeApi};
use sp_consensus_babe::{digests::CompatibleDigestItem, BabeApi, EquivocationProof, Slot};
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};

use crate::service::FullClient;

/// Slots remembered: a report about an older slot would name an epoch the runtime may
/// no longer prove key ownership for.
const SLOTS_KEPT: u64 = 4_096;

type Header = <Block as BlockT>::Header;

/// A transaction pool that takes nothing: where BABE's own import-time reports go, since
/// the runtime refuses them (and their tag would keep the good report out of the pool).
pub struct Refused;

impl LocalTransactionPool for Refused {
	type Block = Block;
	type Hash = <Block as BlockT>::Hash;
	type Error = PoolError;

	fn submit_local(
		&self,
		_at: <Block as BlockT>::Hash,
		_xt: <Block as BlockT>::Extrinsic,
	) -> Result<Self::Hash, Self::Error> {
		Err(PoolError::Unactionable)
	}
}

/// The BABE slot and authority index a header claims.
fn claim(header: &Header) -> Option<(Slot, u32)> {
	let pre_digest = header.digest().logs().iter().find_map(|log| log.as_babe_pre_digest())?;
	Some((pre_digest.slot(), pre_digest.authority_index()))
}

/// Watches imported blocks and reports every BABE equivocation among them.
pub async fn report_babe_equivocations(
	client: Arc<FullClient>,
	pool: OffchainTransactionPoolFactory<Block>,
) {
	let mut imports = client.import_notification_stream();
	let mut authored: BTreeMap<(Slot, u32), Header> = BTreeMap::new();
	while let Some(imported) = imports.next().await {
		let header = imported.header;
		let Some((slot, authority)) = claim(&header) else { continue };
		match authored.get(&(slot, authority)) {
			Some(first) if first.hash() != header.hash() => {
				if let Err(error) = report(&client, &pool, first.clone(), header, imported.hash) {
					log::warn!(target: "babe", "could not report an equivocation at slot {slot}: {error}");
				}
			},
			Some(_) => {},
			None => {
				authored.insert((slot, authority), header);
				let oldest = Slot::from(u64::from(slot).saturating_sub(SLOTS_KEPT));
				authored = authored.split_off(&(oldest, 0));
			},
		}
	}
}

/// Reports `first` and `second`, two headers of one slot by one authority; `second` was
/// imported as block `at`.
fn report(
	client: &FullClient,
	pool: &OffchainTransactionPoolFactory<Block>,
	first: Header,
	second: Header,
	at: <Block as BlockT>::Hash,
) -> Result<(), String> {
	let (slot, authority) = claim(&second).ok_or("no BABE pre-digest")?;
	let epoch = client.runtime_api().current_epoch(at).map_err(|e| e.to_string())?;
	let offender = epoch
		.authorities
		.get(authority as usize)
		.map(|(id, _)| id.clone())
		.ok_or("the authority index is not in the block's epoch")?;
	let best = client.info().best_hash;
	let key_owner_proof = client
		.runtime_api()
		.generate_key_ownership_proof(best, slot, offender.clone())
		.map_err(|e| e.to_string())?
		.ok_or("no key ownership proof (the offender is not in the current session)")?;
	let proof = EquivocationProof { offender, slot, first_header: first, second_header: second };
	let mut api = client.runtime_api();
	api.register_extension(pool.offchain_transaction_pool(best));
	api.submit_report_equivocation_unsigned_extrinsic(best, proof, key_owner_proof)
		.map_err(|e| e.to_string())?
		.ok_or("the runtime refused to submit the report")?;
	log::info!(target: "babe", "reported the equivocation of authority {authority} at slot {slot}");
	Ok(())
}
