//! Durable local state: what this worker computed for each job, written (and synced to
//! disk) BEFORE the commitment is sent. A worker killed at any point restarts, finds its
//! result and salt here, and still reveals in time; without them a commitment could
//! never be opened and the bond would be slashed. Likewise the assignments it abstained
//! from, saved before the abstention is sent: a restart sends the abstention again
//! instead of running the job again.

use std::path::Path;

use codec::{Decode, Encode};
use pallet_jobs::{ExecutionResult, Role};
use povc_primitives::JobId;
use rocksdb::{ColumnFamily, Options, WriteOptions, DB};

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

/// The column family of abstentions (executions are in the default one).
const ABSTENTIONS: &str = "abstentions";

/// The worker's RocksDB database.
pub struct Store {
	db: DB,
}

impl Store {
	/// Open (or create) the store in `dir`.
	pub fn open(dir: &Path) -> Result<Self> {
		let mut options = Options::default();
		options.create_if_missing(true);
		options.create_missing_column_families(true);
		let db = DB::open_cf(&options, dir, [ABSTENTIONS])
			.map_err(|e| format!("cannot open the worker state in {}: {e}", dir.display()))?;
		Ok(Self { db })
	}

	/// Save `execution`, synced to disk before returning.
	pub fn put(&self, execution: &Execution) -> Result<()> {
		self.db.put_opt(key(execution.job, execution.role), execution.encode(), &synced())?;
		Ok(())
	}

	/// Save that the worker abstains from (`job`, `role`), and when it last sent the
	/// abstention (`None`: not on its way), synced to disk before returning.
	pub fn put_abstention(&self, job: JobId, role: Role, sent: Option<Sent>) -> Result<()> {
		self.db.put_cf_opt(self.abstentions(), key(job, role), sent.encode(), &synced())?;
		Ok(())
	}

	/// Whether the worker abstains from (`job`, `role`), and when it last sent the
	/// abstention.
	pub fn abstention(&self, job: JobId, role: Role) -> Result<Option<Option<Sent>>> {
		match self.db.get_cf(self.abstentions(), key(job, role))? {
			Some(bytes) => Ok(Some(Option::<Sent>::decode(&mut &bytes[..])?)),
			None => Ok(None),
		}
	}

	/// Every assignment the worker abstains from.
	pub fn all_abstentions(&self) -> Result<Vec<(JobId, Role)>> {
		self.db
			.iterator_cf(self.abstentions(), rocksdb::IteratorMode::Start)
			.map(|entry| {
				let (key, _) = entry?;
				let (job, role) = <([u8; 8], Role)>::decode(&mut &key[..])?;
				Ok((JobId::from_be_bytes(job), role))
			})
			.collect()
	}

	fn abstentions(&self) -> &ColumnFamily {
		self.db.cf_handle(ABSTENTIONS).expect("opened with the store")
	}

	/// The saved execution of (`job`, `role`).
	pub fn get(&self, job: JobId, role: Role) -> Result<Option<Execution>> {
		match self.db.get(key(job, role))? {
			Some(bytes) => Ok(Some(Execution::decode(&mut &bytes[..])?)),
			None => Ok(None),
		}
	}

	/// Forget (`job`, `role`) (its execution or abstention) once the job no longer needs
	/// us.
	pub fn remove(&self, job: JobId, role: Role) -> Result<()> {
		self.db.delete(key(job, role))?;
		self.db.delete_cf(self.abstentions(), key(job, role))?;
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

fn synced() -> WriteOptions {
	let mut sync = WriteOptions::default();
	sync.set_sync(true);
	sync
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

	/// Abstentions are kept apart from executions, survive reopening, and go with
	/// `remove`. A store written before abstentions were kept opens as it is.
	#[test]
	fn abstentions_survive_reopening_the_store() {
		let dir = tempfile::tempdir().unwrap();
		{
			let mut options = Options::default();
			options.create_if_missing(true);
			let old = DB::open(&options, dir.path()).unwrap();
			old.put(key(1, Role::Replica), execution(1).encode()).unwrap();
		}
		{
			let store = Store::open(dir.path()).unwrap();
			let sent = Sent { phase_ends: 50, at_block: 9 };
			store.put_abstention(3, Role::Auditor, Some(sent)).unwrap();
			store.put_abstention(4, Role::Replica, None).unwrap();
		}
		let store = Store::open(dir.path()).unwrap();
		assert_eq!(store.get(1, Role::Replica).unwrap(), Some(execution(1)));
		assert_eq!(store.all().unwrap(), vec![execution(1)], "abstentions are no executions");
		assert_eq!(
			store.abstention(3, Role::Auditor).unwrap(),
			Some(Some(Sent { phase_ends: 50, at_block: 9 }))
		);
		assert_eq!(store.abstention(4, Role::Replica).unwrap(), Some(None));
		assert_eq!(store.abstention(3, Role::Replica).unwrap(), None);
		assert_eq!(store.all_abstentions().unwrap(), vec![(3, Role::Auditor), (4, Role::Replica)]);
		store.remove(3, Role::Auditor).unwrap();
		assert_eq!(store.all_abstentions().unwrap(), vec![(4, Role::Replica)]);
	}
}
