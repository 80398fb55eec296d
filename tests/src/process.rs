//! Stopping the processes a test started, by PID, keeping their logs apart, and showing
//! them when the test runner terminates a hung test.

use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	sync::{Mutex, Once},
	time::{Duration, Instant},
};

/// A process this test started and has not stopped: its PID, name and log.
struct Running {
	pid: u32,
	name: String,
	log: PathBuf,
}

static RUNNING: Mutex<Vec<Running>> = Mutex::new(Vec::new());

/// Record a started process, so that a termination of this test (nextest's slow-timeout
/// sends SIGTERM) shows its log and stops it.
pub fn register(pid: u32, name: &str, log: &Path) {
	static REPORT: Once = Once::new();
	REPORT.call_once(install_termination_report);
	let mut running = RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	running.push(Running { pid, name: name.to_string(), log: log.to_path_buf() });
}

/// Forget a process this test has stopped.
pub fn unregister(pid: u32) {
	let mut running = RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	running.retain(|process| process.pid != pid);
}

/// On SIGTERM: print the log tail of every process this test still runs, stop them by
/// PID, and exit with 143 (128 + SIGTERM). Without it a hung test would end with no word
/// of what its node and workers were doing, and they could outlive it.
fn install_termination_report() {
	let installed = std::sync::mpsc::channel();
	std::thread::spawn(move || {
		let runtime = tokio::runtime::Builder::new_current_thread()
			.enable_io()
			.build()
			.expect("a signal runtime");
		runtime.block_on(async {
			use tokio::signal::unix::{signal, SignalKind};
			let mut terminate = signal(SignalKind::terminate()).expect("a SIGTERM handler");
			let _ = installed.0.send(());
			terminate.recv().await;
		});
		let running = RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		eprintln!("povc-e2e: terminated; the processes this test still runs:");
		for process in running.iter() {
			eprintln!(
				"--- {} (pid {}), log {}:\n{}",
				process.name,
				process.pid,
				process.log.display(),
				log_tail(&process.log)
			);
			signal_pid("-TERM", process.pid);
		}
		std::process::exit(143);
	});
	// The handler is in place before the first process starts.
	let _ = installed.1.recv_timeout(Duration::from_secs(10));
}

fn signal_pid(signal: &str, pid: u32) {
	let _ = Command::new("kill").arg(signal).arg(pid.to_string()).stderr(Stdio::null()).status();
}

/// Stop `child` gracefully: SIGTERM to its PID, then SIGKILL if it has not exited in 30 s.
pub fn terminate(mut child: Child) {
	unregister(child.id());
	if let Ok(Some(_)) = child.try_wait() {
		return;
	}
	signal_pid("-TERM", child.id());
	let deadline = Instant::now() + Duration::from_secs(30);
	while Instant::now() < deadline {
		if let Ok(Some(_)) = child.try_wait() {
			return;
		}
		std::thread::sleep(Duration::from_millis(100));
	}
	let _ = child.kill();
	let _ = child.wait();
}

/// Crash `child`: SIGKILL to its PID, no chance to flush anything.
pub fn kill(mut child: Child) {
	unregister(child.id());
	let _ = child.kill();
	let _ = child.wait();
}

/// `<stem>-<n>.log` in `dir` for the first unused `n`: each start keeps its own log.
pub fn next_log_path(dir: &Path, stem: &str) -> PathBuf {
	(0u32..)
		.map(|i| dir.join(format!("{stem}-{i}.log")))
		.find(|path| !path.exists())
		.expect("a free log file name")
}

/// The last 40 lines of the log at `path`, for failure messages.
pub fn log_tail(path: &Path) -> String {
	let log = std::fs::read_to_string(path).unwrap_or_default();
	let lines: Vec<&str> = log.lines().collect();
	lines[lines.len().saturating_sub(40)..].join("\n")
}
