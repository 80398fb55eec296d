//! Starting and stopping `povc-node` processes.

use std::{
	fs::File,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use jsonrpsee::ws_client::{WsClient, WsClientBuilder};

use crate::{ports::reserve_port, Result};

/// Path of the `povc-node` binary under test.
///
/// `POVC_NODE_BIN` wins; otherwise the binary built with the same profile as this test,
/// i.e. `<target>/<profile>/povc-node` beside `<target>/<profile>/deps/<test>`.
pub fn node_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("POVC_NODE_BIN") {
		return PathBuf::from(path);
	}
	let exe = std::env::current_exe().expect("test executable path");
	let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>/deps");
	let binary = profile_dir.join("povc-node");
	assert!(
		binary.exists(),
		"{} not found: build it first (`cargo build --release -p povc-node`) or set POVC_NODE_BIN",
		binary.display()
	);
	binary
}

/// Slot duration of the fast dev chain ([`NodeConfig::fast_dev`]), in milliseconds.
pub const FAST_DEV_SLOT_MS: u64 = 2_000;

/// How to start one node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
	/// `dev`, `local` or a chain spec file.
	pub chain: String,
	/// Run with `--dev` (Alice authors alone, forced) on `chain`.
	pub dev: bool,
	/// A dev identity whose keys the node uses to author (`alice`, `bob`, ...), if any.
	/// Ignored with `dev`, where Alice always authors.
	pub validator: Option<String>,
	/// Where the node keeps its database and keystore; reused across restarts.
	pub base_path: PathBuf,
	pub rpc_port: u16,
	pub p2p_port: u16,
	/// Multiaddresses of nodes to connect to.
	pub bootnodes: Vec<String>,
	/// More command line arguments.
	pub extra_args: Vec<String>,
}

impl NodeConfig {
	/// A node of `chain` with reserved ports in its own directory under `dir`; `--dev` for
	/// the chain `dev`.
	pub fn new(chain: &str, validator: Option<&str>, dir: &Path) -> Self {
		let name = validator.unwrap_or("full");
		Self {
			chain: chain.into(),
			dev: chain == "dev",
			validator: validator.map(str::to_string),
			base_path: dir.join(name),
			rpc_port: reserve_port(),
			p2p_port: reserve_port(),
			bootnodes: Vec::new(),
			extra_args: Vec::new(),
		}
	}

	/// A `--dev` node of the dev chain with [`FAST_DEV_SLOT_MS`] slots (its spec written
	/// to `dir`): for tests whose subject is not block timing, three times as many blocks
	/// a minute as the 6-second dev chain. Phases and periods count blocks, so they pass
	/// three times as fast as well.
	pub fn fast_dev(dir: &Path) -> Result<Self> {
		// 20-second epochs: a worker registered in the test is drawn from its first
		// snapshot on, three epochs after the one it registered in.
		let epoch_slots = 20 * 1_000 / FAST_DEV_SLOT_MS;
		let spec = spec_with_timing(dir, "dev", FAST_DEV_SLOT_MS, epoch_slots)?;
		let mut config = Self::new(spec.to_str().ok_or("spec path is not UTF-8")?, None, dir);
		config.dev = true;
		config.base_path = dir.join("alice");
		Ok(config)
	}
}

/// Writes the chain spec of `chain` (`dev`, `local`) with another slot and epoch length to
/// `dir` and returns its path.
pub fn spec_with_timing(
	dir: &Path,
	chain: &str,
	slot_duration_ms: u64,
	epoch_slots: u64,
) -> Result<PathBuf> {
	let spec = run_node_command(&["build-spec", "--chain", chain])?;
	let mut spec: serde_json::Value = serde_json::from_slice(&spec)?;
	let genesis = &mut spec["genesis"]["runtimeGenesis"];
	let config =
		if genesis["patch"].is_object() { &mut genesis["patch"] } else { &mut genesis["config"] };
	config["povc"]["timing"] = serde_json::json!({
		"slotDurationMs": slot_duration_ms,
		"epochDurationSlots": epoch_slots,
	});
	let path = dir.join(format!("{chain}-{slot_duration_ms}ms-{epoch_slots}slots.json"));
	std::fs::write(&path, serde_json::to_vec_pretty(&spec)?)?;
	Ok(path)
}

/// A running `povc-node`. Dropping it stops exactly this process (by PID).
pub struct Node {
	pub config: NodeConfig,
	child: Option<Child>,
	log_path: PathBuf,
}

impl Node {
	/// Start a node and wait until its RPC answers.
	pub async fn start(config: NodeConfig) -> Result<Self> {
		std::fs::create_dir_all(&config.base_path)?;
		let log_path = crate::process::next_log_path(&config.base_path, "node");
		let log = File::create(&log_path)?;

		let mut cmd = Command::new(node_binary());
		if config.dev {
			// `--dev`: Alice's keys, force authoring, a generated network key.
			cmd.arg("--dev");
			if config.chain != "dev" {
				cmd.arg("--chain").arg(&config.chain);
			}
		} else {
			cmd.arg("--chain").arg(&config.chain);
			if let Some(who) = &config.validator {
				// A validator must have its network key on disk; keep one per base path.
				let key_file = config.base_path.join("node-key");
				if !key_file.exists() {
					run_node_command(&[
						"key",
						"generate-node-key",
						"--file",
						key_file.to_str().unwrap(),
					])?;
				}
				cmd.arg("--validator").arg(format!("--{who}")).arg("--node-key-file").arg(key_file);
			}
		}
		cmd.arg("--base-path")
			.arg(&config.base_path)
			.arg("--rpc-port")
			.arg(config.rpc_port.to_string())
			.arg("--listen-addr")
			.arg(format!("/ip4/127.0.0.1/tcp/{}", config.p2p_port))
			// Tests must never find each other's nodes, nor a developer's.
			.arg("--no-mdns")
			.arg("--no-telemetry")
			.arg("--no-prometheus")
			.arg("--state-pruning=archive");
		for bootnode in &config.bootnodes {
			cmd.arg("--bootnodes").arg(bootnode);
		}
		cmd.args(&config.extra_args);
		let child = cmd.stdin(Stdio::null()).stdout(log.try_clone()?).stderr(log).spawn()?;
		crate::process::register(child.id(), "povc-node", &log_path);

		let mut node = Self { config, child: Some(child), log_path };
		node.wait_for_rpc(Duration::from_secs(60)).await?;
		Ok(node)
	}

	/// The process id of this node.
	pub fn pid(&self) -> Option<u32> {
		self.child.as_ref().map(Child::id)
	}

	/// `ws://127.0.0.1:<rpc port>`.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.config.rpc_port)
	}

	/// A fresh RPC client for this node.
	pub async fn client(&self) -> Result<WsClient> {
		Ok(WsClientBuilder::default()
			.request_timeout(Duration::from_secs(30))
			.build(self.ws_url())
			.await?)
	}

	/// The multiaddress other nodes use to reach this one.
	pub async fn multiaddr(&self) -> Result<String> {
		let peer_id: String = crate::chain::request(
			&self.client().await?,
			"system_localPeerId",
			jsonrpsee::rpc_params![],
		)
		.await?;
		Ok(format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", self.config.p2p_port, peer_id))
	}

	async fn wait_for_rpc(&mut self, timeout: Duration) -> Result<()> {
		let deadline = Instant::now() + timeout;
		loop {
			if let Some(status) =
				self.child.as_mut().and_then(|child| child.try_wait().ok().flatten())
			{
				return Err(format!(
					"node exited with {status} before its RPC was up; log:\n{}",
					self.log_tail()
				)
				.into());
			}
			if let Ok(client) = self.client().await {
				// Our own node listens on our p2p port: a node of another test answering on
				// this RPC port (it should not: ports are reserved) would not.
				let listening: Result<Vec<String>> = crate::chain::request(
					&client,
					"system_localListenAddresses",
					jsonrpsee::rpc_params![],
				)
				.await;
				if let Ok(addresses) = listening {
					let own = format!("/tcp/{}/", self.config.p2p_port);
					if addresses.iter().any(|address| address.contains(&own)) {
						return Ok(());
					}
					return Err(format!(
						"the node on RPC port {} listens on {addresses:?}, not on p2p port {}: \
						 another node took the port",
						self.config.rpc_port, self.config.p2p_port
					)
					.into());
				}
			}
			if Instant::now() > deadline {
				return Err(format!(
					"node RPC not up after {timeout:?}; log:\n{}",
					self.log_tail()
				)
				.into());
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}

	/// Stop gracefully: SIGTERM to this PID, then SIGKILL if it has not exited in 30 s.
	pub fn stop(&mut self) {
		if let Some(child) = self.child.take() {
			crate::process::terminate(child);
		}
	}

	/// Crash: SIGKILL to this PID, no chance to flush anything.
	pub fn kill(&mut self) {
		if let Some(child) = self.child.take() {
			crate::process::kill(child);
		}
	}

	/// Stop this node and start it again with the same configuration and base path.
	pub async fn restart(&mut self) -> Result<()> {
		self.stop();
		*self = Node::start(self.config.clone()).await?;
		Ok(())
	}

	/// The last lines of this node's log, for failure messages.
	pub fn log_tail(&self) -> String {
		crate::process::log_tail(&self.log_path)
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.stop();
	}
}

/// Run `povc-node` with `args` to completion and return its stdout.
pub fn run_node_command(args: &[&str]) -> Result<Vec<u8>> {
	let output = Command::new(node_binary()).args(args).stdin(Stdio::null()).output()?;
	if !output.status.success() {
		return Err(format!(
			"povc-node {args:?} failed with {}: {}",
			output.status,
			String::from_utf8_lossy(&output.stderr)
		)
		.into());
	}
	Ok(output.stdout)
}

/// Run a `povc-node` subcommand that works on a stopped node's database
/// (`chain-info`, `export-blocks`, `import-blocks`, ...) of `chain` at `base_path`.
pub fn run_database_command(
	subcommand: &str,
	chain: &str,
	base_path: &Path,
	args: &[&str],
) -> Result<Vec<u8>> {
	let base_path = base_path.to_str().ok_or("base path is not UTF-8")?;
	let mut all = vec![subcommand, "--chain", chain, "--base-path", base_path];
	all.extend_from_slice(args);
	run_node_command(&all)
}

/// The best block number recorded in the database of `chain` at `base_path`.
pub fn best_block_on_disk(chain: &str, base_path: &Path) -> Result<u32> {
	let output = run_database_command("chain-info", chain, base_path, &[])?;
	let info: serde_json::Value = serde_json::from_slice(&output)?;
	let best = info["best_number"].as_u64().ok_or_else(|| format!("chain-info: {info}"))?;
	Ok(u32::try_from(best)?)
}

/// A `povc-node --dev` (Alice authors, 6-second slots) under `dir` that has authored its
/// first block, and a client of it.
pub async fn start_dev(dir: &Path) -> Result<(Node, WsClient)> {
	start_authoring(NodeConfig::new("dev", Some("alice"), dir)).await
}

/// Like [`start_dev`], with 2-second slots ([`NodeConfig::fast_dev`]).
pub async fn start_fast_dev(dir: &Path) -> Result<(Node, WsClient)> {
	start_authoring(NodeConfig::fast_dev(dir)?).await
}

async fn start_authoring(config: NodeConfig) -> Result<(Node, WsClient)> {
	let node = Node::start(config).await?;
	let client = node.client().await?;
	crate::chain::wait_for_best(&client, 1, Duration::from_secs(120)).await?;
	Ok((node, client))
}
