//! A dev market: the fixture of every test that runs jobs through real `povc-worker`s.
//!
//! A `povc-node --dev` with 2-second slots and 20-second epochs ([`NodeConfig::fast_dev`]);
//! three workers of this build's class, registered and paused ([`REFEREES`]: never drawn
//! as replicas, they referee and audit with [`Referees::Running`]); the audit rate the
//! test chooses; then the real workers the test starts with [`DevMarket::start_workers`],
//! which waits until the draws see them (their first snapshot, three epochs after they
//! registered). Everything runs under one temporary
//! directory and stops, by PID, when the market is dropped.

use std::{process::Output, time::Duration};

use jsonrpsee::ws_client::WsClient;
use povc_runtime::{BlockNumber, RuntimeCall};
use serde_json::Value;
use sp_keyring::Sr25519Keyring;
use sp_runtime::Perbill;
use tempfile::TempDir;

use crate::{
	chain::{self, wait_for},
	node::{Node, NodeConfig},
	sign,
	tx::ChainContext,
	worker::{worker_binary, WorkerProcess},
};

const MINUTE: Duration = Duration::from_secs(60);

/// Registered, paused workers; with [`Referees::Running`] the accepted referees and
/// auditors.
pub const REFEREES: [Sr25519Keyring; 3] =
	[Sr25519Keyring::Eve, Sr25519Keyring::Ferdie, Sr25519Keyring::AliceStash];

/// The dev keys of [`REFEREES`], for `povc-worker`.
const REFEREE_KEYS: [&str; 3] = ["//Eve", "//Ferdie", "//Alice//stash"];

/// What the paused workers of [`REFEREES`] do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Referees {
	/// Only keys: nobody accepted them, so they are never drawn as referees or
	/// auditors.
	Standby,
	/// They contribute to Alice (the dev chain's validator), Alice accepts them, and each
	/// runs a `povc-worker`: they referee disputes and audit verified results.
	Running,
}

/// How to set a market up.
#[derive(Clone, Debug)]
pub struct MarketConfig {
	pub referees: Referees,
	/// The audit rate to set through sudo; `None` keeps the genesis rate.
	pub audit_rate: Option<Perbill>,
	/// Programs Alice uploads before the test starts.
	pub programs: Vec<Vec<u8>>,
}

impl Default for MarketConfig {
	fn default() -> Self {
		Self { referees: Referees::Standby, audit_rate: None, programs: Vec::new() }
	}
}

/// A running dev market. Dropping it stops its workers and its node.
pub struct DevMarket {
	/// The real workers the test started ([`DevMarket::start_workers`]).
	pub workers: Vec<WorkerProcess>,
	/// The referees' workers, with [`Referees::Running`].
	pub referees: Vec<WorkerProcess>,
	pub node: Node,
	pub client: WsClient,
	pub ctx: ChainContext,
	/// The class of this build's `povc-worker`: every worker of the market is of it.
	pub class: String,
	/// Holds the node's database, the workers' data and every log; deleted last.
	pub dir: TempDir,
}

impl DevMarket {
	/// Start the node and set the market up as `config` says.
	pub async fn start(config: MarketConfig) -> Self {
		let dir = tempfile::tempdir().expect("a temporary directory");
		let node = Node::start(NodeConfig::fast_dev(dir.path()).expect("the fast dev spec"))
			.await
			.expect("the dev node starts");
		let client = node.client().await.expect("a client of the dev node");
		chain::wait_for_best(&client, 1, 2 * MINUTE)
			.await
			.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail()));
		let ctx = ChainContext::fetch(&client).await.expect("the chain context");
		let class = worker_class();
		let mut market =
			Self { workers: Vec::new(), referees: Vec::new(), node, client, ctx, class, dir };
		market.set_up(config).await;
		market
	}

	async fn set_up(&mut self, config: MarketConfig) {
		let alice = Sr25519Keyring::Alice;
		// Each referee in one extrinsic, all in the same block (different signers).
		let registrations = REFEREES.map(|referee| {
			let mut calls = vec![
				RuntimeCall::Workers(pallet_workers::Call::register {
					bond: 100 * povc_runtime::UNIT,
					capacity: 2,
					class: self.class.as_bytes().to_vec().try_into().expect("a short class"),
				}),
				RuntimeCall::Workers(pallet_workers::Call::pause {}),
			];
			if config.referees == Referees::Running {
				calls.push(RuntimeCall::Workers(pallet_workers::Call::contribute_to {
					beneficiary: Some(alice.to_account_id().into()),
				}));
			}
			self.send(referee, RuntimeCall::Utility(pallet_utility::Call::batch_all { calls }))
		});
		futures::future::join_all(registrations).await;
		if let Some(rate) = config.audit_rate {
			sign::set_audit_rate(&self.client, &self.ctx, rate).await;
		}
		if config.referees == Referees::Running {
			// Alice accepts them: nobody referees uninvited.
			let calls = REFEREES
				.iter()
				.map(|referee| {
					RuntimeCall::Povc(pallet_povc::Call::accept_referee {
						worker: referee.to_account_id(),
					})
				})
				.collect();
			self.send(alice, RuntimeCall::Utility(pallet_utility::Call::batch_all { calls })).await;
			for key in REFEREE_KEYS {
				let referee = self.spawn_worker(key, &[]);
				self.referees.push(referee);
			}
		}
		for code in config.programs {
			self.upload(code).await;
		}
	}

	/// `ws://…` of the node.
	pub fn url(&self) -> String {
		self.node.ws_url()
	}

	/// Sign `call` as `who`, submit it and wait until it is in a block; panics if it fails.
	pub async fn send(&self, who: Sr25519Keyring, call: RuntimeCall) {
		sign::send(&self.client, &self.ctx, who, call).await;
	}

	/// Alice uploads the program `code`.
	pub async fn upload(&self, code: Vec<u8>) {
		let upload = RuntimeCall::Jobs(pallet_jobs::Call::upload_program { code });
		self.send(Sr25519Keyring::Alice, upload).await;
	}

	/// Start a `povc-worker run --register` with `args` for each of `keys` (dev seeds such
	/// as `//Bob`), and wait until each is registered.
	pub async fn start_workers(&mut self, keys: &[&str], args: &[&str]) {
		let workers: Vec<(&str, &[&str])> = keys.iter().map(|key| (*key, args)).collect();
		self.start_workers_each(&workers).await;
	}

	/// [`Self::start_workers`] with arguments of their own for each worker, all started
	/// before waiting for any (one wait for the registry's snapshot, not one per group).
	pub async fn start_workers_each(&mut self, workers: &[(&str, &[&str])]) {
		for (key, args) in workers {
			let worker = self.spawn_worker(key, args);
			self.workers.push(worker);
		}
		for (key, _) in workers {
			let who = dev_account(key);
			let registered = wait_for(&format!("{key} to register"), 2 * MINUTE, || async {
				Ok(chain::worker(&self.client, &who).await?.filter(|v| v["class"].is_array()))
			})
			.await;
			registered.unwrap_or_else(|e| panic!("{e}\n{}", self.logs()));
			// And in the draws: its first snapshot took effect.
			let registered = chain::wait_until_drawn(&self.client, &[who], 2 * MINUTE).await;
			registered.unwrap_or_else(|e| panic!("{e}\n{}", self.logs()));
		}
	}

	fn spawn_worker(&self, key: &str, args: &[&str]) -> WorkerProcess {
		WorkerProcess::start(&self.url(), key, self.dir.path(), args)
			.unwrap_or_else(|e| panic!("povc-worker {key} starts: {e}"))
	}

	/// The worker the test started with `key`.
	pub fn worker(&mut self, key: &str) -> &mut WorkerProcess {
		self.workers
			.iter_mut()
			.find(|worker| worker.key == key)
			.unwrap_or_else(|| panic!("no worker {key}"))
	}

	/// The best block number.
	pub async fn best(&self) -> BlockNumber {
		chain::best_number(&self.client).await.expect("the best block")
	}

	/// A deadline far enough ahead for any test job.
	pub async fn deadline(&self) -> BlockNumber {
		self.best().await + 1_000
	}

	/// The `povc_job` view of job `id`.
	pub async fn job(&self, id: u64) -> Value {
		chain::job(&self.client, id).await.unwrap_or_else(|e| panic!("povc_job {id}: {e}"))
	}

	/// Wait until job `id` is settled (no longer open) and return its view; on timeout,
	/// panic with every worker's log.
	pub async fn settled(&self, id: u64) -> Value {
		let outcome = wait_for(&format!("job {id} to settle"), 5 * MINUTE, || async {
			let view = chain::job(&self.client, id).await?;
			Ok((!crate::is_open(&view["state"])).then_some(view))
		})
		.await;
		outcome.unwrap_or_else(|e| panic!("{e}\n{}", self.logs()))
	}

	/// Every `pallet_jobs` event of blocks `from..=to`.
	pub async fn job_events(
		&self,
		from: BlockNumber,
		to: BlockNumber,
	) -> Vec<pallet_jobs::Event<povc_runtime::Runtime>> {
		chain::job_events(&self.client, from, to).await.expect("the blocks' events")
	}

	/// Run the `povc` CLI with `args` against this node.
	pub fn povc(&self, args: &[&str]) -> Output {
		crate::cli::povc(&self.url(), args, None)
	}

	/// Run the `povc` CLI with `args` against this node and expect success; returns
	/// stdout. On failure, panics with its stderr and the workers' logs.
	pub fn povc_ok(&self, args: &[&str]) -> Vec<u8> {
		let output = self.povc(args);
		assert!(
			output.status.success(),
			"povc {args:?} failed: {}\n{}\n{}",
			output.status,
			String::from_utf8_lossy(&output.stderr),
			self.logs()
		);
		output.stdout
	}

	/// Stop the node and start it again on its database; the workers keep running.
	pub async fn restart_node(&mut self) {
		self.node.restart().await.expect("the dev node restarts");
		self.client = self.node.client().await.expect("a client of the restarted node");
		let best = self.best().await;
		chain::wait_for_best(&self.client, best + 1, 2 * MINUTE)
			.await
			.unwrap_or_else(|e| panic!("{e}\n{}", self.node.log_tail()));
	}

	/// The last lines of every worker's log and the node's, for failure messages.
	pub fn logs(&self) -> String {
		let mut logs: Vec<String> = self
			.workers
			.iter()
			.chain(&self.referees)
			.map(|worker| format!("--- {}:\n{}", worker.key, worker.log_tail()))
			.collect();
		logs.push(format!("--- node:\n{}", self.node.log_tail()));
		logs.join("\n")
	}
}

/// The class `povc-worker class` reports: what its workers register with.
pub fn worker_class() -> String {
	let output =
		std::process::Command::new(worker_binary()).arg("class").output().expect("povc-worker");
	assert!(output.status.success(), "povc-worker class: {output:?}");
	String::from_utf8(output.stdout).expect("a UTF-8 class").trim().to_string()
}

/// The account of a dev seed (`//Bob`, `//Alice//stash`).
pub fn dev_account(seed: &str) -> povc_runtime::AccountId {
	use sp_core::Pair;
	use sp_runtime::traits::IdentifyAccount;
	let pair =
		sp_core::sr25519::Pair::from_string(seed, None).unwrap_or_else(|e| panic!("{seed}: {e:?}"));
	sp_runtime::MultiSigner::from(pair.public()).into_account()
}
