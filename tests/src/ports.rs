//! TCP ports for the processes a test starts, that no other test is given while this
//! test process lives, whichever process runs it.
//!
//! Why not "bind port 0 and release it": the kernel hands port 0 out of the ephemeral
//! range, the range every outgoing connection takes its local port from. Between release
//! and the node's own bind, another test's connection (or a node started in parallel by
//! nextest) can take it. So ports come from below the ephemeral range, where the kernel
//! never assigns one by itself, and each is reserved by a lock file held until this
//! process exits: the kernel drops the lock then, even on SIGKILL, so nothing stays
//! reserved after a crash.

use std::{
	fs::{File, OpenOptions, TryLockError},
	net::TcpListener,
	ops::Range,
	path::PathBuf,
	sync::Mutex,
};

/// The lock files this process holds: one per port it was given.
static HELD: Mutex<Vec<File>> = Mutex::new(Vec::new());

/// Lowest port handed out: above the well-known and most registered service ports.
const FIRST_PORT: u16 = 12_000;

/// A TCP port on 127.0.0.1 that nothing listens on now and that no other caller of this
/// function (in this or another process) gets while this process runs.
pub fn reserve_port() -> u16 {
	let range = port_range();
	let span = u32::from(range.end - range.start);
	// Start where other processes are unlikely to search: fewer lock files to skip.
	let offset = (std::process::id().wrapping_mul(2_654_435_761)) % span;
	let directory = lock_directory();
	let mut held = HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	for step in 0..span {
		let port = range.start + ((offset + step) % span) as u16;
		let Some(lock) = try_lock(&directory, port) else { continue };
		// Reserved by us now; still skip it if something outside the tests listens there.
		if TcpListener::bind(("127.0.0.1", port)).is_ok() {
			held.push(lock);
			return port;
		}
	}
	panic!("no free port in {range:?}: all reserved by other tests or in use");
}

/// Ports below the kernel's ephemeral range (`net.ipv4.ip_local_port_range`).
fn port_range() -> Range<u16> {
	let ephemeral_start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
		.ok()
		.and_then(|text| text.split_whitespace().next()?.parse::<u16>().ok())
		.unwrap_or(32_768);
	assert!(
		ephemeral_start > FIRST_PORT + 1_000,
		"the ephemeral port range starts at {ephemeral_start}: too low to reserve test ports \
		 below it"
	);
	FIRST_PORT..ephemeral_start
}

/// Where the lock files live: shared by every test process of this user.
fn lock_directory() -> PathBuf {
	let directory = std::env::temp_dir().join("povc-e2e-ports");
	std::fs::create_dir_all(&directory)
		.unwrap_or_else(|e| panic!("cannot create {}: {e}", directory.display()));
	directory
}

/// The lock on `port`'s file, if no other holder has it.
fn try_lock(directory: &std::path::Path, port: u16) -> Option<File> {
	let path = directory.join(port.to_string());
	let file = OpenOptions::new()
		.create(true)
		.truncate(false)
		.write(true)
		.open(&path)
		.unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
	match file.try_lock() {
		Ok(()) => Some(file),
		Err(TryLockError::WouldBlock) => None,
		Err(TryLockError::Error(e)) => panic!("cannot lock {}: {e}", path.display()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_reserved_port_is_given_once_and_below_the_ephemeral_range() {
		let ports: Vec<u16> = (0..20).map(|_| reserve_port()).collect();
		let mut unique = ports.clone();
		unique.sort();
		unique.dedup();
		assert_eq!(unique.len(), ports.len(), "a port was given twice: {ports:?}");
		let range = port_range();
		assert!(ports.iter().all(|port| range.contains(port)), "{ports:?} outside {range:?}");
		// Another holder (a parallel test process) cannot take a reserved port.
		let directory = lock_directory();
		assert!(try_lock(&directory, ports[0]).is_none(), "the lock is held");
	}
}
