//! `povc_scores`, `povc_authorities` and `povc_projects`: compute scores, weighted
//! authority sets and volunteer projects, read through the runtime's `PovcApi`.

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_povc::{
	runtime_api::{AuthoritiesView, PovcApi as PovcRuntimeApi, ScoreView},
	ProjectView,
};
use povc_runtime::{opaque::Block, AccountId};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

use super::jobs::runtime_error;

type BlockHash = <Block as BlockT>::Hash;

#[rpc(server)]
pub trait PovcRpc {
	/// Every scored account and every validator candidate, best score first.
	#[method(name = "povc_scores")]
	fn scores(&self, at: Option<BlockHash>) -> RpcResult<Vec<ScoreView<AccountId>>>;

	/// The authorities of the current epoch and those announced for the next, with
	/// their BABE weights and shares.
	#[method(name = "povc_authorities")]
	fn authorities(&self, at: Option<BlockHash>) -> RpcResult<AuthoritiesView<AccountId>>;

	/// Every approved volunteer project with its budget this epoch.
	#[method(name = "povc_projects")]
	fn projects(&self, at: Option<BlockHash>) -> RpcResult<Vec<ProjectView<AccountId>>>;
}

/// Serves [`PovcRpcServer`] from a client's runtime API.
pub struct Povc<C> {
	client: Arc<C>,
}

impl<C> Povc<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

impl<C> PovcRpcServer for Povc<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: PovcRuntimeApi<Block, AccountId>,
{
	fn scores(&self, at: Option<BlockHash>) -> RpcResult<Vec<ScoreView<AccountId>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().scores(at).map_err(runtime_error)
	}

	fn authorities(&self, at: Option<BlockHash>) -> RpcResult<AuthoritiesView<AccountId>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().authorities(at).map_err(runtime_error)
	}

	fn projects(&self, at: Option<BlockHash>) -> RpcResult<Vec<ProjectView<AccountId>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().projects(at).map_err(runtime_error)
	}
}
