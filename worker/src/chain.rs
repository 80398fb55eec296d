//! The worker's view of the chain: a `povc-client` connection plus the worker's key,
//! best heads, and job inputs.

use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
};
use pallet_jobs::runtime_api::{InputView, OpenAssignment};
use povc_client::{
	amount::Token,
	connection::Connection,
	keys::Signer,
	tx::{Inclusion, Pending},
	types::{AccountId, BlockNumber, ChainConfig, Hash, Header},
};
use povc_primitives::JobId;
use sp_core::H256;
use subxt::{events::Events, tx::Payload};

pub use povc_client::connection::{Job, Worker};

use crate::Result;

/// A connection to a node, signing as the worker.
pub struct Chain {
	connection: Connection,
	signer: Signer,
	/// The chain's block time.
	block_time: std::time::Duration,
}

impl Chain {
	/// Connect to the node at `url`.
	pub async fn connect(url: &str, signer: Signer) -> Result<Self> {
		let connection = Connection::connect(url).await?;
		let block_time =
			std::time::Duration::from_millis(connection.expected_block_time_ms().await?);
		Ok(Self { connection, signer, block_time })
	}

	/// The chain's expected time between blocks (not its slot duration: on weighted
	/// chains a third of the slots have a block).
	pub fn block_time(&self) -> std::time::Duration {
		self.block_time
	}

	/// Whether the connection is still up.
	pub fn is_connected(&self) -> bool {
		self.connection.is_connected()
	}

	/// The chain's token.
	pub fn token(&self) -> &Token {
		self.connection.token()
	}

	/// The worker's account.
	pub fn account(&self) -> &AccountId {
		self.signer.account()
	}

	/// New best block headers, as they come (on a reorg, the new best chain's head).
	pub async fn best_heads(&self) -> Result<Subscription<Header>> {
		Ok(self
			.connection
			.client()
			.subscribe("chain_subscribeNewHeads", rpc_params![], "chain_unsubscribeNewHeads")
			.await?)
	}

	/// The hash of the last finalized block.
	pub async fn finalized_hash(&self) -> Result<Hash> {
		Ok(self.connection.client().request("chain_getFinalizedHead", rpc_params![]).await?)
	}

	/// The hash of block `number` on the canonical chain.
	pub async fn block_hash(&self, number: BlockNumber) -> Result<Option<Hash>> {
		self.connection.block_hash(number).await
	}

	/// What the worker must commit or reveal, as of block `at`.
	pub async fn assignments(&self, at: Hash) -> Result<Vec<OpenAssignment<BlockNumber>>> {
		self.connection.assignments(self.account(), Some(at)).await
	}

	/// Job `id` as of block `at`.
	pub async fn job(&self, id: JobId, at: Hash) -> Result<Option<Job>> {
		self.connection.job(id, Some(at)).await
	}

	/// The worker's registration, as of the best block.
	pub async fn worker(&self) -> Result<Option<Worker>> {
		self.connection.worker(self.account()).await
	}

	/// The code of program `hash`.
	pub async fn program(&self, hash: H256, at: Hash) -> Result<Vec<u8>> {
		self.connection
			.program(hash, Some(at))
			.await?
			.ok_or_else(|| format!("program {hash:?} is not on chain").into())
	}

	/// The input bytes of `job`.
	pub async fn input(&self, job: &Job, at: Hash) -> Result<Vec<u8>> {
		match &job.input {
			InputView::Inline(bytes) => Ok(bytes.clone()),
			InputView::Blob(hash) => self
				.connection
				.data_blob(*hash, Some(at))
				.await?
				.ok_or_else(|| format!("input blob {hash:?} is not on chain").into()),
		}
	}

	/// The events of block `at`, decoded with that block's metadata.
	pub async fn events(&self, at: Hash) -> Result<Events<ChainConfig>> {
		self.connection.events(at).await
	}

	/// Sign and send `call`, wait until it is finalized; an error if it failed.
	pub async fn execute<P: Payload>(&self, call: &P) -> Result<Inclusion> {
		self.connection.execute(&self.signer, call).await
	}

	/// Sign and send `call`; the node accepted it when this returns.
	pub async fn send<P: Payload>(&self, call: &P) -> Result<Pending> {
		self.connection.send(&self.signer, call).await
	}

	/// Whether the worker can still sign `call` for the runtime of block `at` (nothing is
	/// sent).
	pub async fn check_signable<P: Payload>(&self, call: &P, at: Hash) -> Result<()> {
		self.connection.check_signable(&self.signer, call, at).await
	}

	/// The spec version of the runtime of block `at`.
	pub async fn spec_version(&self, at: Hash) -> Result<u32> {
		Ok(self.connection.at(at).await?.spec_version())
	}

	/// The constant at `address`, as the best block's runtime sets it.
	pub async fn constant<A: subxt::constants::Address>(&self, address: A) -> Result<A::Target> {
		self.connection.constant(address).await
	}
}
