//! Durable local state: what this worker computed for each job, written (and synced to
//! disk) BEFORE the commitment is sent. A worker killed at any point restarts, finds its
//! result and salt here, and still reveals in time; without them a commitment could
//! never be opened and the bond would be slashed.

use std::path::Path;

use codec::{Decode, Encode};
use pallet_jobs::{ExecutionResult, Role};
use povc_primitives::JobId;
use rocksdb::{Options, WriteOptions, DB};

use crate::Result;

/// What a worker keeps for one of its assignments.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Execution {
	pub job: JobId,
	pub role: Role,
	pub result: ExecutionResult,
	pub salt: [u8; 32],
	pub output: Vec<u8>,
	/// The end of the phase in which the commitment was sent, and the best block
	/// number at that time: a commitment in flight is not sent again.
	pub commit_sent: Option<Sent>,
	/// Likewise for the reveal.
	pub reveal_sent: Option<Sent>,
}

/// When an extrinsic was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Sent {
	/// The last block of the phase it was sent in (a new round has another).
	pub phase_ends: u32,
	/// The number of the best block the worker had seen when it was sent.
	pub at_block: u32,
}

/// The worker's RocksDB database.
pub struct Store {
	db: DB,
}

impl Store {
	/// Open (or create) the store in `dir`.
	pub fn open(dir: &Path) -> Result<Self> {
		let mut options = Options::default();
		options.create_if_missing(true);
		let db = DB::open(&options, dir)
			.map_err(|e| format!("cannot open the worker state in {}: {e}", dir.display()))?;
		Ok(Self { db })
	}

	/// Save `execution`, synced to disk before returning.
	pub fn put(&self, execution: &Execution) -> Result<()> {
		let mut sync = WriteOptions::default();
		sync.set_sync(true);
		self.db.put_opt(key(execution.job, execution.role), execution.encode(), &sync)?;
		Ok(())
	}

	/// The saved execution of (`job`, `role`).
	pub fn get(&self, job: JobId, role: Role) -> Result<Option<Execution>> {
		match self.db.get(key(job, role))? {
			Some(bytes) => Ok(Some(Execution::decode(&mut &bytes[..])?)),
			None => Ok(None),
		}
	}

	/// Forget (`job`, `role`) once the job no longer needs us.
	pub fn remove(&self, job: JobId, role: Role) -> Result<()> {
		self.db.delete(key(job, role))?;
		Ok(())
	}

	/// Every saved execution.
	pub fn all(&self) -> Result<Vec<Execution>> {
		self.db
			.iterator(rocksdb::IteratorMode::Start)
			.map(|entry| {
				let (_, value) = entry?;
				Ok(Execution::decode(&mut &value[..])?)
			})
			.collect()
	}
}

fn key(job: JobId, role: Role) -> Vec<u8> {
	(job.to_be_bytes(), role).encode()
}

#[cfg(test)]
mod tests {
	use super::*;
	use povc_primitives::ExecutionStatus;
	use sp_core::H256;

	fn execution(job: JobId) -> Execution {
		Execution {
			job,
			role: Role::Replica,
			result: ExecutionResult {
				output_hash: H256::repeat_byte(1),
				fuel_used: 42,
				status: ExecutionStatus::Exited(0),
			},
			salt: [9; 32],
			output: b"out".to_vec(),
			commit_sent: None,
			reveal_sent: None,
		}
	}

	#[test]
	fn executions_survive_reopening_the_store() {
		let dir = tempfile::tempdir().unwrap();
		{
			let store = Store::open(dir.path()).unwrap();
			store.put(&execution(1)).unwrap();
			let mut sent = execution(2);
			sent.commit_sent = Some(Sent { phase_ends: 100, at_block: 7 });
			store.put(&sent).unwrap();
		}
		let store = Store::open(dir.path()).unwrap();
		assert_eq!(store.get(1, Role::Replica).unwrap(), Some(execution(1)));
		assert_eq!(store.get(1, Role::Referee).unwrap(), None);
		assert_eq!(store.get(2, Role::Replica).unwrap().unwrap().commit_sent.unwrap().at_block, 7);
		store.remove(1, Role::Replica).unwrap();
		let jobs: Vec<_> = store.all().unwrap().into_iter().map(|e| e.job).collect();
		assert_eq!(jobs, vec![2]);
	}
}
