//! The worker's view of the chain: its assignments, the jobs' programs and inputs, and
//! signed commit/reveal/register extrinsics, over one JSON-RPC connection.

use std::sync::Arc;

use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use pallet_jobs::runtime_api::{InputView, JobView, OpenAssignment};
use pallet_workers::runtime_api::WorkerView;
use povc_client::{
	keys::Signer,
	rpc,
	tx::{self, ChainContext, Inclusion},
};
use povc_primitives::JobId;
use povc_runtime::{AccountId, Balance, BlockNumber, Hash, Header, Runtime, RuntimeCall};
use sp_core::H256;
use tokio::sync::Mutex;

use crate::Result;

/// A job as the API shows it.
pub type Job = JobView<AccountId, Balance, BlockNumber>;
/// A worker as the API shows it.
pub type Worker = WorkerView<AccountId, Balance, BlockNumber>;

/// A connection to a node, signing as the worker.
pub struct Chain {
	client: Arc<WsClient>,
	context: ChainContext,
	signer: Signer,
	/// Held from reading the next nonce until the node accepted the extrinsic, so two
	/// extrinsics sent at once never get the same nonce.
	nonce_lock: Mutex<()>,
}

impl Chain {
	/// Connect to the node at `url`.
	pub async fn connect(url: &str, signer: Signer) -> Result<Self> {
		let client = WsClientBuilder::default()
			.max_request_size(16 << 20)
			.max_response_size(16 << 20)
			.build(url)
			.await
			.map_err(|e| format!("cannot reach the node at {url}: {e}"))?;
		let context = ChainContext::fetch(&client).await?;
		Ok(Self { client: Arc::new(client), context, signer, nonce_lock: Mutex::new(()) })
	}

	/// Whether the connection is still up.
	pub fn is_connected(&self) -> bool {
		self.client.is_connected()
	}

	/// The worker's account.
	pub fn account(&self) -> &AccountId {
		self.signer.account()
	}

	/// New finalized block headers, as they come.
	pub async fn finalized_heads(&self) -> Result<Subscription<Header>> {
		Ok(self
			.client
			.subscribe(
				"chain_subscribeFinalizedHeads",
				rpc_params![],
				"chain_unsubscribeFinalizedHeads",
			)
			.await?)
	}

	/// The hash of block `number` on the canonical chain.
	pub async fn block_hash(&self, number: BlockNumber) -> Result<Option<Hash>> {
		rpc::block_hash(&self.client, number).await
	}

	/// What the worker must commit or reveal, as of block `at`.
	pub async fn assignments(&self, at: Hash) -> Result<Vec<OpenAssignment<BlockNumber>>> {
		let who = self.account().to_string();
		Ok(self.client.request("povc_assignments", rpc_params![who, at]).await?)
	}

	/// Job `id` as of block `at`.
	pub async fn job(&self, id: JobId, at: Hash) -> Result<Option<Job>> {
		Ok(self.client.request("povc_job", rpc_params![id, at]).await?)
	}

	/// The worker's registration, as of the best block.
	pub async fn worker(&self) -> Result<Option<Worker>> {
		let who = self.account().to_string();
		Ok(self.client.request("povc_worker", rpc_params![who]).await?)
	}

	/// The code of program `hash`.
	pub async fn program(&self, hash: H256, at: Hash) -> Result<Vec<u8>> {
		let key = pallet_jobs::Programs::<Runtime>::hashed_key_for(hash);
		self.blob(&key, at).await?.ok_or_else(|| format!("program {hash:?} is not on chain").into())
	}

	/// The input bytes of `job`.
	pub async fn input(&self, job: &Job, at: Hash) -> Result<Vec<u8>> {
		match &job.input {
			InputView::Inline(bytes) => Ok(bytes.clone()),
			InputView::Blob(hash) => {
				let key = pallet_jobs::DataBlobs::<Runtime>::hashed_key_for(hash);
				self.blob(&key, at)
					.await?
					.ok_or_else(|| format!("input blob {hash:?} is not on chain").into())
			},
		}
	}

	async fn blob(&self, key: &[u8], at: Hash) -> Result<Option<Vec<u8>>> {
		use codec::Decode;
		let Some(bytes) = rpc::storage(&self.client, key, Some(at)).await? else {
			return Ok(None);
		};
		// Stored as a SCALE `BoundedVec<u8>`: a compact length, then the bytes.
		Ok(Some(Vec::<u8>::decode(&mut &bytes[..])?))
	}

	/// The events of block `at`.
	pub async fn events(&self, at: Hash) -> Result<Vec<povc_runtime::RuntimeEvent>> {
		Ok(rpc::events(&self.client, at).await?.into_iter().map(|r| r.event).collect())
	}

	/// Sign and send `call`; the returned future resolves once it is in a block.
	pub async fn send(
		&self,
		call: RuntimeCall,
	) -> Result<impl std::future::Future<Output = Result<Inclusion>> + Send + 'static> {
		let _nonce = self.nonce_lock.lock().await;
		let nonce = tx::next_nonce(&self.client, self.account()).await?;
		let extrinsic = tx::signed_extrinsic(
			&self.context,
			call,
			self.account(),
			self.signer.pair(),
			nonce,
			0,
		);
		let mut subscription = tx::watch(&self.client, &extrinsic).await?;
		let client = self.client.clone();
		Ok(async move {
			let block = tx::wait_in_block(&mut subscription).await?;
			tx::inclusion(&client, block, &codec::Encode::encode(&extrinsic)).await
		})
	}
}
