//! The extrinsics a worker sends for an assignment: its commitment, its reveal, and the
//! agreed output it publishes. The commitment binds the worker's own account (and, for a
//! referee or an auditor, its output bytes), so a copied one cannot be revealed.

use pallet_jobs::{ExecutionResult, Role};
use povc_client::{api::povc as chain_api, tx::Pending, types::Hash};
use povc_primitives::{referee_commitment, result_commitment, ExecutionStatus};
use sp_core::H256;
use subxt::utils::Static;

use crate::{chain::Chain, store::Execution, Result};

/// What the worker sends for an assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
	/// Its commitment.
	Commit,
	/// Its result (and, as a referee, its output).
	Reveal,
	/// The output its replicas agreed on (any of them may; the first one settles the job).
	Publish,
	/// Its own output, in a batch whose replicas disagreed (once per distinct result).
	PublishOwn,
}

impl Action {
	/// Sign and send the extrinsic of this action for `execution`.
	pub(crate) async fn send(self, chain: &Chain, execution: &Execution) -> Result<Pending> {
		let (job, result, salt) = (execution.job, execution.result, execution.salt);
		let worker = chain.account();
		// The sandbox capped the output at the job's `max_output_len`, which the chain
		// bounds; the chain checks the bound again.
		let output = || {
			chain_api::runtime_types::bounded_collections::bounded_vec::BoundedVec(
				execution.output.clone(),
			)
		};
		let jobs = chain_api::tx().jobs();
		match (self, execution.role) {
			(Self::Commit, Role::Replica) => {
				let commitment = result_commitment(
					job,
					worker,
					&result.output_hash,
					result.fuel_used,
					&result.status,
					&salt,
				);
				chain.send(&jobs.commit(job, commitment)).await
			},
			// A referee's (or an auditor's) commitment binds its output bytes to itself.
			(Self::Commit, Role::Referee | Role::Auditor) => {
				let commitment = referee_commitment(
					job,
					worker,
					&execution.output,
					result.fuel_used,
					&result.status,
					&salt,
				);
				chain.send(&jobs.commit(job, commitment)).await
			},
			(Self::Reveal, Role::Replica) => {
				chain.send(&jobs.reveal(job, Static(result), salt)).await
			},
			(Self::Reveal, Role::Referee | Role::Auditor) => {
				chain.send(&jobs.reveal_verdict(job, Static(result), salt, output())).await
			},
			(Self::Publish, _) => chain.send(&jobs.publish_output(job, output())).await,
			(Self::PublishOwn, _) => chain.send(&jobs.publish_own_output(job, output())).await,
		}
	}

	pub(crate) fn name(self) -> &'static str {
		match self {
			Self::Commit => "commit",
			Self::Reveal => "reveal",
			Self::Publish => "output",
			Self::PublishOwn => "own output",
		}
	}
}

/// An [`Incompatible`](povc_client::tx::Incompatible) error if the runtime of block `at`
/// no longer takes one of the extrinsics a worker sends, signed as it signs them. The
/// worker checks each new runtime version, so it stops at an incompatible upgrade even
/// when it has nothing to send then, instead of running jobs it could not commit.
pub(crate) async fn check_compatible(chain: &Chain, at: Hash) -> Result<()> {
	use chain_api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
	let jobs = chain_api::tx().jobs();
	let result = || {
		let status = ExecutionStatus::OutOfFuel;
		Static(ExecutionResult { output_hash: H256::zero(), fuel_used: 0, status })
	};
	chain.check_signable(&jobs.commit(0, H256::zero()), at).await?;
	chain.check_signable(&jobs.reveal(0, result(), [0; 32]), at).await?;
	chain
		.check_signable(&jobs.reveal_verdict(0, result(), [0; 32], BoundedVec(vec![])), at)
		.await?;
	chain.check_signable(&jobs.publish_output(0, BoundedVec(vec![])), at).await?;
	chain.check_signable(&jobs.publish_own_output(0, BoundedVec(vec![])), at).await?;
	chain.check_signable(&jobs.abstain(0), at).await
}
