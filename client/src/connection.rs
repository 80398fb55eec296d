//! A connection to a node: the job market read over `povc_*` JSON-RPC, and signed
//! extrinsics followed until they are in a block.

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
use povc_runtime::{AccountId, Balance, BlockNumber, Hash, Runtime, RuntimeCall};
use sp_core::H256;
use tokio::sync::Mutex;

use crate::{
	keys::Signer,
	rpc,
	tx::{self, ChainContext, Inclusion},
	Result,
};

/// A job as the API shows it.
pub type Job = JobView<AccountId, Balance, BlockNumber>;
/// A worker as the API shows it.
pub type Worker = WorkerView<AccountId, Balance, BlockNumber>;
/// A volunteer research project as the API shows it.
pub type Project = pallet_povc::ProjectView<AccountId>;

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
	client: std::sync::Arc<WsClient>,
	context: ChainContext,
	/// Held from reading an account's next nonce until the node accepted the
	/// extrinsic, so two extrinsics sent at once never get the same nonce.
	nonce_lock: Mutex<()>,
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
		let context = ChainContext::fetch(&client).await?;
		Ok(Self { client: std::sync::Arc::new(client), context, nonce_lock: Mutex::new(()) })
	}

	/// The JSON-RPC client.
	pub fn client(&self) -> &WsClient {
		&self.client
	}

	/// Whether the connection is still up.
	pub fn is_connected(&self) -> bool {
		self.client.is_connected()
	}

	/// Sign `call` as `signer` and send it; the returned future resolves once it is in
	/// a block, with what it did there.
	pub async fn send(
		&self,
		signer: &Signer,
		call: RuntimeCall,
	) -> Result<impl std::future::Future<Output = Result<Inclusion>> + Send + 'static> {
		let _nonce = self.nonce_lock.lock().await;
		let nonce = tx::next_nonce(&self.client, signer.account()).await?;
		let extrinsic =
			tx::signed_extrinsic(&self.context, call, signer.account(), signer.pair(), nonce, 0);
		let mut subscription = tx::watch(&self.client, &extrinsic).await?;
		let client = self.client.clone();
		Ok(async move {
			let block = tx::wait_in_block(&mut subscription).await?;
			tx::inclusion(&client, block, &codec::Encode::encode(&extrinsic)).await
		})
	}

	/// Send `call` and wait until it is in a block; an error if it failed there.
	pub async fn execute(&self, signer: &Signer, call: RuntimeCall) -> Result<Inclusion> {
		let inclusion = self.send(signer, call).await?.await?;
		match &inclusion.error {
			Some(error) => Err(format!("the chain refused it: {error}").into()),
			None => Ok(inclusion),
		}
	}

	/// Job `id` (at block `at`, default best).
	pub async fn job(&self, id: JobId, at: Option<Hash>) -> Result<Option<Job>> {
		Ok(self.client.request("povc_job", rpc_params![id, at]).await?)
	}

	/// Ids of `who`'s jobs after `after`, at most `limit`.
	pub async fn jobs_by_requester(
		&self,
		who: &AccountId,
		after: Option<JobId>,
		limit: Option<u32>,
	) -> Result<Vec<JobId>> {
		let params = rpc_params![who.to_string(), after, limit];
		Ok(self.client.request("povc_jobsByRequester", params).await?)
	}

	/// What `who` must commit or reveal now, as of block `at`.
	pub async fn assignments(
		&self,
		who: &AccountId,
		at: Option<Hash>,
	) -> Result<Vec<OpenAssignment<BlockNumber>>> {
		Ok(self.client.request("povc_assignments", rpc_params![who.to_string(), at]).await?)
	}

	/// The verified output of job `id`, if stored.
	pub async fn result(&self, id: JobId) -> Result<Option<Vec<u8>>> {
		let hex: Option<String> = self.client.request("povc_result", rpc_params![id]).await?;
		hex.map(|hex| rpc::from_hex(&hex)).transpose()
	}

	/// The registered worker `who`.
	pub async fn worker(&self, who: &AccountId) -> Result<Option<Worker>> {
		Ok(self.client.request("povc_worker", rpc_params![who.to_string()]).await?)
	}

	/// The approved volunteer projects, with their budgets this epoch.
	pub async fn projects(&self) -> Result<Vec<Project>> {
		Ok(self.client.request("povc_projects", rpc_params![]).await?)
	}

	/// Whether `who` is an approved volunteer project, which alone may submit jobs at
	/// price 0.
	pub async fn is_project(&self, who: &AccountId) -> Result<bool> {
		Ok(self.projects().await?.iter().any(|project| project.account == *who))
	}

	/// What a job with these parameters holds in escrow.
	pub async fn estimate_cost(
		&self,
		fuel_limit: Fuel,
		replicas: u8,
		price_per_fuel: Balance,
		max_output_len: u32,
	) -> Result<CostEstimate<Balance>> {
		// A u128 price can exceed what JSON numbers carry safely; the node takes hex too.
		let price = format!("0x{price_per_fuel:x}");
		let params = rpc_params![fuel_limit, replicas, price, max_output_len];
		Ok(self.client.request("povc_estimateCost", params).await?)
	}

	/// Whether a blob (program or data) with `hash` is stored.
	pub async fn blob_exists(&self, kind: BlobKind, hash: H256) -> Result<bool> {
		let key = pallet_jobs::Blobs::<Runtime>::hashed_key_for(kind, hash);
		Ok(rpc::storage(&self.client, &key, None).await?.is_some())
	}

	/// The free balance of `who`.
	pub async fn free_balance(&self, who: &AccountId) -> Result<Balance> {
		rpc::free_balance(&self.client, who, None).await
	}

	/// The chain's block time (its BABE slot duration), in milliseconds.
	pub async fn slot_duration_ms(&self) -> Result<u64> {
		use codec::Decode;
		let hex: String =
			self.client.request("state_call", rpc_params!["BabeApi_configuration", "0x"]).await?;
		let bytes = rpc::from_hex(&hex)?;
		// `BabeConfiguration` is SCALE-encoded field by field; `slot_duration: u64` comes
		// first, so its prefix is all that is read.
		let slot = u64::decode(&mut &bytes[..])
			.map_err(|e| format!("cannot decode the BABE configuration: {e}"))?;
		if slot == 0 {
			return Err("the chain reports a slot duration of 0".into());
		}
		Ok(slot)
	}

	/// The best block number.
	pub async fn best_number(&self) -> Result<BlockNumber> {
		rpc::best_number(&self.client).await
	}

	/// The hash of block `number`.
	pub async fn block_hash(&self, number: BlockNumber) -> Result<Option<Hash>> {
		rpc::block_hash(&self.client, number).await
	}

	/// The events of block `at`.
	pub async fn events(&self, at: Hash) -> Result<Vec<povc_runtime::RuntimeEvent>> {
		Ok(rpc::events(&self.client, at).await?.into_iter().map(|r| r.event).collect())
	}

	/// The code of program `hash`, if stored.
	pub async fn program(&self, hash: H256, at: Option<Hash>) -> Result<Option<Vec<u8>>> {
		let key = pallet_jobs::Programs::<Runtime>::hashed_key_for(hash);
		self.bounded_bytes(&key, at).await
	}

	/// The bytes of data blob `hash`, if stored.
	pub async fn data_blob(&self, hash: H256, at: Option<Hash>) -> Result<Option<Vec<u8>>> {
		let key = pallet_jobs::DataBlobs::<Runtime>::hashed_key_for(hash);
		self.bounded_bytes(&key, at).await
	}

	async fn bounded_bytes(&self, key: &[u8], at: Option<Hash>) -> Result<Option<Vec<u8>>> {
		use codec::Decode;
		let Some(bytes) = rpc::storage(&self.client, key, at).await? else { return Ok(None) };
		// Stored as a SCALE `BoundedVec<u8>`: a compact length, then the bytes.
		Ok(Some(Vec::<u8>::decode(&mut &bytes[..])?))
	}
}
