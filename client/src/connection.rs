//! A connection to a node: the job market read over `povc_*` JSON-RPC, and signed
//! extrinsics followed until they are in a block.

use std::sync::Arc;

use jsonrpsee::{
	core::client::ClientT,
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use pallet_jobs::{
	runtime_api::{JobView, OpenAssignment},
	BlobKind, CostEstimate,
};
use pallet_workers::runtime_api::WorkerView;
use povc_primitives::{Fuel, JobId};
use sp_core::H256;
use subxt::{
	backend::LegacyBackend,
	client::{ClientAtBlock, OnlineClientAtBlockImpl},
	error::ExtrinsicError,
	events::Events,
	rpcs::RpcClient,
	tx::{DynamicPayload, Payload, SubmittableTransaction},
	utils::{Encoded, Static},
	OnlineClient,
};
use tokio::sync::Mutex;

use crate::{
	amount::Token,
	api::povc,
	keys::Signer,
	rpc,
	tx::{self, Incompatible, Pending},
	types::{AccountId, Balance, BlockNumber, ChainConfig, Hash},
	Result,
};

/// The chain as of one block: its runtime's metadata, storage and constants.
pub type AtBlock = ClientAtBlock<ChainConfig, OnlineClientAtBlockImpl<ChainConfig>>;

/// A job as the API shows it.
pub type Job = JobView<AccountId, Balance, BlockNumber>;
/// A worker as the API shows it.
pub type Worker = WorkerView<AccountId, Balance, BlockNumber>;
/// A volunteer research project as the API shows it.
pub type Project = pallet_povc::ProjectView<AccountId>;
/// A `utility.batch_all` of already encoded calls, from [`Connection::batch_all`].
pub type BatchAll = DynamicPayload<(Static<Vec<Encoded>>,)>;

/// Why a connection could not be made (so callers can tell it from other errors).
#[derive(Debug)]
pub struct Unreachable(pub String);

impl std::fmt::Display for Unreachable {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for Unreachable {}

/// A connection to one node.
pub struct Connection {
	rpc: Arc<WsClient>,
	api: OnlineClient<ChainConfig>,
	token: Token,
	/// What signing read from the best block last time. Held from reading an account's
	/// next nonce until the node accepted the extrinsic, so two extrinsics sent at once
	/// never get the same nonce.
	signing: Mutex<Option<SigningContext>>,
}

/// What signing an extrinsic needs from the best block, read once per best block and
/// signer: a worker sends hundreds of extrinsics a block, and reading these anew for
/// each (seven round trips to the node, under the nonce lock) capped what it sent.
struct SigningContext {
	/// The best block it was read at.
	best: Hash,
	signer: AccountId,
	/// The chain at `best`: the runtime that checks the extrinsic.
	at: AtBlock,
	/// The block the transaction's lifetime counts from.
	birth: (u64, Hash),
	/// The signer's next nonce: the node's (pool included) at `best`, plus what was sent
	/// since.
	next_nonce: crate::types::Nonce,
}

impl SigningContext {
	/// `call` signed by `signer` for the runtime at `best`, with the next nonce
	/// (`create_signed` checks the call's shape hash against that runtime first).
	async fn sign<P: Payload>(
		&self,
		signer: &Signer,
		call: &P,
	) -> Result<SubmittableTransaction<ChainConfig, OnlineClientAtBlockImpl<ChainConfig>>> {
		let params = tx::params(self.next_nonce, self.birth);
		let signed = self.at.tx().create_signed(call, signer, params).await;
		signed.map_err(|e| incompatible(&self.at, call, e))
	}
}

impl Connection {
	/// Connect to the node at `url` (`ws://…`).
	pub async fn connect(url: &str) -> Result<Self> {
		let client = WsClientBuilder::default()
			.max_request_size(16 << 20)
			.max_response_size(16 << 20)
			.request_timeout(std::time::Duration::from_secs(60))
			.build(url)
			.await
			.map_err(|e| {
				Unreachable(format!(
					"cannot reach a povc node at {url} ({e}); start one (scripts/run-dev.sh) \
					 or pass --node"
				))
			})?;
		let rpc = Arc::new(client);
		// The legacy (`chain_*`, `state_*`) backend: every povc node serves it, and it holds
		// no server-side subscription that a slow client could lose.
		let backend = LegacyBackend::<ChainConfig>::builder().build(RpcClient::new(rpc.clone()));
		let api = OnlineClient::from_backend(Arc::new(backend)).await?;
		let properties: serde_json::Value = rpc.request("system_properties", rpc_params![]).await?;
		let token = Token::from_properties(&properties)?;
		Ok(Self { rpc, api, token, signing: Mutex::new(None) })
	}

	/// The JSON-RPC client.
	pub fn client(&self) -> &WsClient {
		&self.rpc
	}

	/// The subxt client.
	pub fn api(&self) -> &OnlineClient<ChainConfig> {
		&self.api
	}

	/// The chain's token, as its `system_properties` declare it.
	pub fn token(&self) -> &Token {
		&self.token
	}

	/// Whether the connection is still up.
	pub fn is_connected(&self) -> bool {
		self.rpc.is_connected()
	}

	/// The chain as of block `at`, read with that block's runtime metadata.
	pub async fn at(&self, at: Hash) -> Result<AtBlock> {
		Ok(self.api.at_block(at).await?)
	}

	/// The chain as of the best block.
	pub async fn at_best(&self) -> Result<AtBlock> {
		self.at(self.best_hash().await?).await
	}

	/// The hash of the best block.
	async fn best_hash(&self) -> Result<Hash> {
		Ok(self.rpc.request("chain_getBlockHash", rpc_params![]).await?)
	}

	/// The chain as of block `at`, or of the best block.
	pub async fn at_or_best(&self, at: Option<Hash>) -> Result<AtBlock> {
		match at {
			Some(at) => self.at(at).await,
			None => self.at_best().await,
		}
	}

	/// Sign `call` as `signer` and send it; the node accepted it when this returns.
	///
	/// It is encoded and signed for the runtime of the best block, which is the one that
	/// checks it; if the runtime is upgraded between signing and submission, it is signed
	/// again. A call this client's types no longer match is refused with [`Incompatible`]
	/// before anything is sent. What signing reads from the best block (runtime, lifetime,
	/// nonce) is read once per best block; a refused submission reads it afresh.
	pub async fn send<P: Payload>(&self, signer: &Signer, call: &P) -> Result<Pending> {
		let mut signing = self.signing.lock().await;
		let mut attempts = 0;
		loop {
			attempts += 1;
			let best = self.best_hash().await?;
			let mut context = match signing.take() {
				Some(context) if context.best == best && &context.signer == signer.account() => {
					context
				},
				_ => self.signing_context(best, signer.account()).await?,
			};
			let signed = context.sign(signer, call).await?;
			match signed.submit_and_watch().await {
				Ok(progress) => {
					context.next_nonce += 1;
					*signing = Some(context);
					return Ok(Pending::new(progress));
				},
				Err(error) if attempts < 3 => {
					let now = self.at_best().await?;
					if now.spec_version() == context.at.spec_version() {
						return Err(error.into());
					}
				},
				Err(error) => return Err(error.into()),
			}
		}
	}

	/// What signing as `signer` needs from block `best`.
	async fn signing_context(&self, best: Hash, signer: &AccountId) -> Result<SigningContext> {
		let at = self.at(best).await?;
		let next_nonce = self.next_nonce(signer).await?;
		let birth = self.birth_block(&at).await?;
		Ok(SigningContext { best, signer: signer.clone(), at, birth, next_nonce })
	}

	/// Whether this client can still sign `call` for the runtime of block `at`: an
	/// [`Incompatible`] error if that runtime changed the call or the transaction
	/// extensions this client was built for. Nothing is sent, so a long-running client
	/// can check after an upgrade instead of waiting until it next has something to send.
	pub async fn check_signable<P: Payload>(
		&self,
		signer: &Signer,
		call: &P,
		at: Hash,
	) -> Result<()> {
		let at = self.at(at).await?;
		let birth = (at.block_number(), at.block_hash());
		let signed = at.tx().create_signed(call, signer, tx::params(0, birth)).await;
		signed.map(drop).map_err(|e| incompatible(&at, call, e))
	}

	/// The block (number, hash) a transaction signed at `at` counts its lifetime from
	/// ([`tx::counts_from_finalized`]); the parent is only read when finality lags.
	async fn birth_block(&self, at: &AtBlock) -> Result<(u64, Hash)> {
		let finalized = rpc::finalized_hash(&self.rpc).await?;
		let finalized_number = u64::from(rpc::header(&self.rpc, Some(finalized)).await?.number);
		if tx::counts_from_finalized(at.block_number(), finalized_number) {
			return Ok((finalized_number, finalized));
		}
		let parent = rpc::header(&self.rpc, Some(at.block_hash())).await?.parent_hash;
		Ok((at.block_number() - 1, parent))
	}

	/// `calls` as one `utility.batch_all`: all of them or none. Each call is checked
	/// against the best block's runtime and encoded with its indices, so the batch stays
	/// valid when an upgrade adds pallets (which changes `RuntimeCall`, the type the
	/// generated `batch_all` was built for).
	pub async fn batch_all<P: Payload>(&self, calls: &[P]) -> Result<BatchAll> {
		let at = self.at_best().await?;
		let encoded = calls.iter().map(|call| encode_call(&at, call)).collect::<Result<_>>()?;
		Ok(subxt::tx::dynamic("Utility", "batch_all", (Static(encoded),)))
	}

	/// `call` encoded for the best block's runtime, to nest in a call that takes a call
	/// (`sudo`) as bytes, which no upgrade that adds pallets invalidates.
	pub async fn call_data<P: Payload>(&self, call: &P) -> Result<Encoded> {
		encode_call(&self.at_best().await?, call)
	}

	/// Send `call` and wait until it is in a finalized block; an error if it failed there.
	pub async fn execute<P: Payload>(&self, signer: &Signer, call: &P) -> Result<tx::Inclusion> {
		let inclusion = self.send(signer, call).await?.finalized().await?;
		match &inclusion.error {
			Some(error) => Err(format!("the chain refused it: {error}").into()),
			None => Ok(inclusion),
		}
	}

	/// The fee `signer` would pay for `call` now (`TransactionPaymentApi_query_info`).
	pub async fn estimate_fee<P: Payload>(&self, signer: &Signer, call: &P) -> Result<Balance> {
		let context = self.signing_context(self.best_hash().await?, signer.account()).await?;
		Ok(context.sign(signer, call).await?.partial_fee_estimate().await?)
	}

	/// The constant at `address`, as the best block's runtime sets it.
	pub async fn constant<A: subxt::constants::Address>(&self, address: A) -> Result<A::Target> {
		Ok(self.at_best().await?.constants().entry(address)?)
	}

	/// The next nonce of `who`, counting its transactions already in the pool.
	pub async fn next_nonce(&self, who: &AccountId) -> Result<crate::types::Nonce> {
		Ok(self.rpc.request("system_accountNextIndex", rpc_params![who.to_string()]).await?)
	}

	/// Job `id` (at block `at`, default best).
	pub async fn job(&self, id: JobId, at: Option<Hash>) -> Result<Option<Job>> {
		Ok(self.rpc.request("povc_job", rpc_params![id, at]).await?)
	}

	/// Ids of `who`'s jobs after `after`, at most `limit`.
	pub async fn jobs_by_requester(
		&self,
		who: &AccountId,
		after: Option<JobId>,
		limit: Option<u32>,
	) -> Result<Vec<JobId>> {
		let params = rpc_params![who.to_string(), after, limit];
		Ok(self.rpc.request("povc_jobsByRequester", params).await?)
	}

	/// What `who` must commit or reveal now, as of block `at`.
	pub async fn assignments(
		&self,
		who: &AccountId,
		at: Option<Hash>,
	) -> Result<Vec<OpenAssignment<BlockNumber>>> {
		Ok(self.rpc.request("povc_assignments", rpc_params![who.to_string(), at]).await?)
	}

	/// The verified output of job `id`, if stored.
	pub async fn result(&self, id: JobId) -> Result<Option<Vec<u8>>> {
		let hex: Option<String> = self.rpc.request("povc_result", rpc_params![id]).await?;
		hex.map(|hex| rpc::from_hex(&hex)).transpose()
	}

	/// The registered worker `who`.
	pub async fn worker(&self, who: &AccountId) -> Result<Option<Worker>> {
		Ok(self.rpc.request("povc_worker", rpc_params![who.to_string()]).await?)
	}

	/// The approved volunteer projects, with their budgets this epoch.
	pub async fn projects(&self) -> Result<Vec<Project>> {
		Ok(self.rpc.request("povc_projects", rpc_params![]).await?)
	}

	/// Whether `who` is an approved volunteer project, which alone may submit jobs at
	/// price 0.
	pub async fn is_project(&self, who: &AccountId) -> Result<bool> {
		Ok(self.projects().await?.iter().any(|project| project.account == *who))
	}

	/// What a job with these parameters (`tasks`: 1, or a batch's task count) holds in
	/// escrow.
	pub async fn estimate_cost(
		&self,
		fuel_limit: Fuel,
		tasks: u32,
		replicas: u8,
		price_per_fuel: Balance,
		max_output_len: u32,
	) -> Result<CostEstimate<Balance>> {
		// A u128 price can exceed what JSON numbers carry safely; the node takes hex too.
		let price = format!("0x{price_per_fuel:x}");
		let params = rpc_params![fuel_limit, replicas, price, max_output_len, tasks];
		Ok(self.rpc.request("povc_estimateCost", params).await?)
	}

	/// Whether a blob (program or data) with `hash` is stored.
	pub async fn blob_exists(&self, kind: BlobKind, hash: H256) -> Result<bool> {
		let at = self.at_best().await?;
		let key = (Static(kind), hash);
		Ok(at.storage().try_fetch(povc::storage().jobs().blobs(), key).await?.is_some())
	}

	/// The free balance of `who`, as of the best block.
	pub async fn free_balance(&self, who: &AccountId) -> Result<Balance> {
		Ok(self.account(who, None).await?.data.free)
	}

	/// The account of `who` (nonce and balances), as of block `at` (default best).
	pub async fn account(
		&self,
		who: &AccountId,
		at: Option<Hash>,
	) -> Result<
		povc::runtime_types::frame_system::AccountInfo<
			u32,
			povc::runtime_types::pallet_balances::types::AccountData<Balance>,
		>,
	> {
		let at = self.at_or_best(at).await?;
		let who = subxt::utils::AccountId32(*who.as_ref());
		Ok(at.storage().fetch(povc::storage().system().account(), (who,)).await?.decode()?)
	}

	/// The chain's expected time between blocks, in milliseconds (see
	/// [`expected_block_time_ms`]).
	pub async fn expected_block_time_ms(&self) -> Result<u64> {
		let hex: String =
			self.rpc.request("state_call", rpc_params!["BabeApi_configuration", "0x"]).await?;
		expected_block_time_ms(&rpc::from_hex(&hex)?)
	}

	/// The best block number.
	pub async fn best_number(&self) -> Result<BlockNumber> {
		rpc::best_number(&self.rpc).await
	}

	/// The hash of block `number`.
	pub async fn block_hash(&self, number: BlockNumber) -> Result<Option<Hash>> {
		rpc::block_hash(&self.rpc, number).await
	}

	/// The events of block `at`, decoded with that block's metadata.
	pub async fn events(&self, at: Hash) -> Result<Events<ChainConfig>> {
		Ok(self.at(at).await?.events().fetch().await?)
	}

	/// The code of program `hash`, if stored.
	pub async fn program(&self, hash: H256, at: Option<Hash>) -> Result<Option<Vec<u8>>> {
		let at = self.at_or_best(at).await?;
		let value = at.storage().try_fetch(povc::storage().jobs().programs(), (hash,)).await?;
		Ok(value.map(|value| value.decode()).transpose()?.map(|code| code.0))
	}

	/// The bytes of data blob `hash`, if stored.
	pub async fn data_blob(&self, hash: H256, at: Option<Hash>) -> Result<Option<Vec<u8>>> {
		let at = self.at_or_best(at).await?;
		let value = at.storage().try_fetch(povc::storage().jobs().data_blobs(), (hash,)).await?;
		Ok(value.map(|value| value.decode()).transpose()?.map(|data| data.0))
	}
}

/// `call`'s pallet and call index and arguments, checked against the runtime at `at`
/// (`call_data` alone encodes by the live metadata without comparing shape hashes).
fn encode_call<P: Payload>(at: &AtBlock, call: &P) -> Result<Encoded> {
	at.tx().validate(call).map_err(|e| incompatible(at, call, e))?;
	Ok(Encoded(at.tx().call_data(call).map_err(|e| incompatible(at, call, e))?))
}

/// `error` from building `call` at `at`, as [`Incompatible`] when the chain's runtime no
/// longer takes what this client was built for.
fn incompatible<P: Payload>(at: &AtBlock, call: &P, error: ExtrinsicError) -> crate::Error {
	use ExtrinsicError::*;
	match error {
		IncompatibleCodegen
		| PalletNameNotFound(_)
		| CallNameNotFound { .. }
		| EncodeError(_)
		| UnsupportedVersion
		| Params(_) => Incompatible(format!(
			"the chain's runtime (spec version {}) no longer takes {}.{} as this client sends \
			 it ({error}); this client was built for spec version {}: update it",
			at.spec_version(),
			call.pallet_name(),
			call.call_name(),
			crate::api::built_for_spec_version(),
		))
		.into(),
		other => other.into(),
	}
}

/// The expected time between blocks, in milliseconds, of a chain whose SCALE-encoded
/// `BabeConfiguration` is `config`. With secondary slots every slot has a block; with
/// primary slots only, a slot has one with probability `c` (each authority wins with
/// 1 - (1 - c)^θ for its weight share θ, so some authority wins with 1 - (1 - c)^1 = c),
/// so blocks come every slot / c: 6 s for the 2 s slots and c = 1/3 of weighted chains.
pub fn expected_block_time_ms(config: &[u8]) -> Result<u64> {
	use codec::Decode;
	/// `sp_consensus_babe::BabeConfiguration`, field by field.
	type BabeConfiguration = (u64, u64, (u64, u64), Vec<([u8; 32], u64)>, [u8; 32], u8);
	let (slot, _epoch_length, (numerator, denominator), _authorities, _randomness, allowed) =
		BabeConfiguration::decode(&mut &config[..])
			.map_err(|e| format!("cannot decode the BABE configuration: {e}"))?;
	if slot == 0 {
		return Err("the chain reports a slot duration of 0".into());
	}
	/// `AllowedSlots::PrimarySlots`.
	const PRIMARY_SLOTS_ONLY: u8 = 0;
	if allowed != PRIMARY_SLOTS_ONLY {
		return Ok(slot);
	}
	if numerator == 0 || numerator > denominator {
		return Err(format!(
			"the chain reports a primary slot probability of {numerator}/{denominator}"
		)
		.into());
	}
	Ok(slot.saturating_mul(denominator) / numerator)
}

#[cfg(test)]
mod block_time_tests {
	use super::*;
	use codec::Encode;

	fn config(slot: u64, c: (u64, u64), allowed: u8) -> Vec<u8> {
		(slot, 600u64, c, vec![([7u8; 32], 1u64)], [0u8; 32], allowed).encode()
	}

	/// The bad luck this answers: the worker took the slot duration (2 s on weighted
	/// chains) for the block time, while blocks come every 6 s, so it budgeted a third of
	/// the time a commit phase has and abstained from jobs it could finish.
	#[test]
	fn weighted_chains_have_a_block_every_three_slots() {
		assert_eq!(expected_block_time_ms(&config(2_000, (1, 3), 0)).unwrap(), 6_000);
		// Secondary slots fill every slot the primaries leave (the dev chain).
		assert_eq!(expected_block_time_ms(&config(6_000, (1, 4), 2)).unwrap(), 6_000);
		assert_eq!(expected_block_time_ms(&config(6_000, (1, 4), 1)).unwrap(), 6_000);
		assert!(expected_block_time_ms(&config(0, (1, 3), 0)).is_err());
		assert!(expected_block_time_ms(&config(2_000, (0, 3), 0)).is_err());
		assert!(expected_block_time_ms(&[1, 2, 3]).is_err());
	}
}
