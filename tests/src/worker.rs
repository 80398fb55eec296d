//! Starting and stopping `povc-worker` processes.

use std::{
	fs::File,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
};

use crate::{ports::reserve_port, Result};

/// Path of the `povc-worker` binary under test: `POVC_WORKER_BIN`, else the one beside
/// the `povc-node` under test.
pub fn worker_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("POVC_WORKER_BIN") {
		return PathBuf::from(path);
	}
	let binary = crate::node::node_binary().with_file_name("povc-worker");
	assert!(
		binary.exists(),
		"{} not found: build it first (`cargo build --release -p povc-worker`) or set \
		 POVC_WORKER_BIN",
		binary.display()
	);
	binary
}

/// A running `povc-worker run`. Dropping it stops exactly this process (by PID).
pub struct WorkerProcess {
	/// The dev seed or SURI it signs with.
	pub key: String,
	pub data_dir: PathBuf,
	pub node: String,
	/// Port of its Prometheus metrics.
	pub metrics_port: u16,
	extra_args: Vec<String>,
	child: Option<Child>,
	log_path: PathBuf,
}

impl WorkerProcess {
	/// Start `povc-worker run --register` for `key` against `node`, with its data dir under
	/// `dir`, and `extra_args`.
	pub fn start(node: &str, key: &str, dir: &Path, extra_args: &[&str]) -> Result<Self> {
		let data_dir =
			dir.join(format!("worker-{}", key.trim_start_matches('/').replace('/', "-")));
		std::fs::create_dir_all(&data_dir)?;
		let mut worker = Self {
			key: key.into(),
			data_dir,
			node: node.into(),
			metrics_port: reserve_port(),
			extra_args: extra_args.iter().map(|a| a.to_string()).collect(),
			child: None,
			log_path: PathBuf::new(),
		};
		worker.spawn()?;
		Ok(worker)
	}

	fn spawn(&mut self) -> Result<()> {
		self.log_path = crate::process::next_log_path(&self.data_dir, "worker");
		let log = File::create(&self.log_path)?;
		let mut command = Command::new(worker_binary());
		command.args(["run", "--register", "--node", &self.node]);
		if !self.extra_args.iter().any(|a| a == "--parallel") {
			command.args(["--parallel", "2"]);
		}
		let child = command
			.arg("--data-dir")
			.arg(&self.data_dir)
			.args(["--prometheus-port", &self.metrics_port.to_string()])
			.args(&self.extra_args)
			.env("POVC_KEY", &self.key)
			.env("RUST_LOG", "info")
			.stdin(Stdio::null())
			.stdout(log.try_clone()?)
			.stderr(log)
			.spawn()?;
		crate::process::register(child.id(), &format!("povc-worker {}", self.key), &self.log_path);
		self.child = Some(child);
		Ok(())
	}

	/// Its process id, while it runs.
	pub fn pid(&self) -> Option<u32> {
		self.child.as_ref().map(Child::id)
	}

	/// Crash it: SIGKILL to its PID.
	pub fn kill(&mut self) {
		if let Some(child) = self.child.take() {
			crate::process::kill(child);
		}
	}

	/// Start it again with the same key, data dir and arguments.
	pub fn restart(&mut self) -> Result<()> {
		self.stop();
		self.spawn()
	}

	/// Stop it gracefully (SIGTERM, then SIGKILL after 30 s).
	pub fn stop(&mut self) {
		if let Some(child) = self.child.take() {
			crate::process::terminate(child);
		}
	}

	/// Whether it is still running.
	pub fn is_running(&mut self) -> bool {
		self.child.as_mut().is_some_and(|child| matches!(child.try_wait(), Ok(None)))
	}

	/// Its exit code, once it has exited by itself.
	pub fn exit_code(&mut self) -> Option<i32> {
		let child = self.child.as_mut()?;
		child.try_wait().ok().flatten().and_then(|status| status.code())
	}

	/// Its current log.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log_path).unwrap_or_default()
	}

	/// The last lines of its current log.
	pub fn log_tail(&self) -> String {
		crate::process::log_tail(&self.log_path)
	}
}

impl Drop for WorkerProcess {
	fn drop(&mut self) {
		self.stop();
	}
}
