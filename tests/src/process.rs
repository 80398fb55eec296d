//! Stopping the processes a test started, by PID, and keeping their logs apart.

use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

/// Stop `child` gracefully: SIGTERM to its PID, then SIGKILL if it has not exited in 30 s.
pub fn terminate(mut child: Child) {
	if let Ok(Some(_)) = child.try_wait() {
		return;
	}
	let _ = Command::new("kill")
		.arg("-TERM")
		.arg(child.id().to_string())
		.stderr(Stdio::null())
		.status();
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
