//! `povc_*` JSON-RPC methods: read the job market through the runtime's `JobsApi` and
//! `WorkersApi`.

use std::sync::Arc;

use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::error::{ErrorObject, ErrorObjectOwned},
};
use pallet_jobs::{
	runtime_api::{JobView, JobsApi as JobsRuntimeApi, OpenAssignment},
	CostEstimate,
};
use pallet_workers::runtime_api::{WorkerView, WorkersApi as WorkersRuntimeApi};
use povc_primitives::{Fuel, JobId};
use povc_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::Bytes;
use sp_rpc::number::NumberOrHex;
use sp_runtime::{traits::Block as BlockT, DispatchError};

type BlockHash = <Block as BlockT>::Hash;

/// Error code of a failed runtime API call (state pruned, unknown block, ...).
pub const RUNTIME_ERROR: i32 = 1;
/// Error code of a parameter the runtime refuses (e.g. an escrow that overflows).
pub const INVALID_PARAMS: i32 = 2;

/// Default and largest page of `povc_jobsByRequester` / `povc_jobsByWorker`.
const DEFAULT_PAGE: u32 = 100;

#[rpc(server)]
pub trait JobsRpc {
	/// A job with its replicas, referees, state and settled result.
	#[method(name = "povc_job")]
	fn job(
		&self,
		id: JobId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<JobView<AccountId, Balance, BlockNumber>>>;

	/// Ids of a requester's jobs, ascending, after `after`, at most `limit` (≤ 1000).
	#[method(name = "povc_jobsByRequester")]
	fn jobs_by_requester(
		&self,
		who: AccountId,
		after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<JobId>>;

	/// Ids of the jobs a worker was assigned to, ascending, after `after`.
	#[method(name = "povc_jobsByWorker")]
	fn jobs_by_worker(
		&self,
		who: AccountId,
		after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<JobId>>;

	/// The jobs in which a worker must commit or reveal now.
	#[method(name = "povc_assignments")]
	fn assignments(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<OpenAssignment<BlockNumber>>>;

	/// The stored verified output of a job (hex), or null.
	#[method(name = "povc_result")]
	fn result(&self, id: JobId, at: Option<BlockHash>) -> RpcResult<Option<Bytes>>;

	/// A registered worker (bond, unlocking, capacity, class, reputation), or null.
	#[method(name = "povc_worker")]
	fn worker(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<WorkerView<AccountId, Balance, BlockNumber>>>;

	/// What a job with these parameters would hold in escrow and spend at most; `tasks`
	/// is a batch's task count (1 when omitted).
	#[method(name = "povc_estimateCost")]
	fn estimate_cost(
		&self,
		fuel_limit: Fuel,
		replicas: u8,
		price_per_fuel: NumberOrHex,
		max_output_len: u32,
		tasks: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<CostEstimate<Balance>>;
}

/// Serves [`JobsRpcServer`] from a client's runtime API.
pub struct Jobs<C> {
	client: Arc<C>,
}

impl<C> Jobs<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

pub(super) fn runtime_error(error: impl std::fmt::Debug) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "Runtime API call failed", Some(format!("{error:?}")))
}

fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObject::owned(INVALID_PARAMS, message.into(), None::<()>)
}

/// The name of a job-market error (`Overflow`, ...): error messages do not cross the
/// runtime boundary, only the pallet and error indices do.
fn describe(error: DispatchError) -> String {
	use codec::Decode;
	use frame_support::traits::PalletInfoAccess;
	if let DispatchError::Module(module) = error {
		if usize::from(module.index) == povc_runtime::Jobs::index() {
			if let Ok(error) =
				pallet_jobs::Error::<povc_runtime::Runtime>::decode(&mut &module.error[..])
			{
				let name: &'static str = error.into();
				return name.to_string();
			}
		}
	}
	format!("{error:?}")
}

impl<C> Jobs<C>
where
	C: HeaderBackend<Block>,
{
	fn at(&self, at: Option<BlockHash>) -> BlockHash {
		at.unwrap_or_else(|| self.client.info().best_hash)
	}
}

impl<C> JobsRpcServer for Jobs<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: JobsRuntimeApi<Block, AccountId, Balance, BlockNumber>
		+ WorkersRuntimeApi<Block, AccountId, Balance, BlockNumber>,
{
	fn job(
		&self,
		id: JobId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<JobView<AccountId, Balance, BlockNumber>>> {
		self.client.runtime_api().job(self.at(at), id).map_err(runtime_error)
	}

	fn jobs_by_requester(
		&self,
		who: AccountId,
		after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<JobId>> {
		let api = self.client.runtime_api();
		api.jobs_by_requester(self.at(at), who, after, limit.unwrap_or(DEFAULT_PAGE))
			.map_err(runtime_error)
	}

	fn jobs_by_worker(
		&self,
		who: AccountId,
		after: Option<JobId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<JobId>> {
		let api = self.client.runtime_api();
		api.jobs_by_worker(self.at(at), who, after, limit.unwrap_or(DEFAULT_PAGE))
			.map_err(runtime_error)
	}

	fn assignments(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<OpenAssignment<BlockNumber>>> {
		self.client.runtime_api().open_assignments(self.at(at), who).map_err(runtime_error)
	}

	fn result(&self, id: JobId, at: Option<BlockHash>) -> RpcResult<Option<Bytes>> {
		let output = self.client.runtime_api().result(self.at(at), id).map_err(runtime_error)?;
		Ok(output.map(Bytes))
	}

	fn worker(
		&self,
		who: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<WorkerView<AccountId, Balance, BlockNumber>>> {
		self.client.runtime_api().worker(self.at(at), who).map_err(runtime_error)
	}

	fn estimate_cost(
		&self,
		fuel_limit: Fuel,
		replicas: u8,
		price_per_fuel: NumberOrHex,
		max_output_len: u32,
		tasks: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<CostEstimate<Balance>> {
		let price: Balance = price_per_fuel
			.try_into()
			.map_err(|_| invalid_params("price_per_fuel does not fit in a balance"))?;
		self.client
			.runtime_api()
			.estimate_cost(
				self.at(at),
				fuel_limit,
				tasks.unwrap_or(1),
				replicas,
				price,
				max_output_len,
			)
			.map_err(runtime_error)?
			.map_err(|error| invalid_params(describe(error)))
	}
}
