//! How many runs this machine can take at once: one per core, and no more than its memory
//! holds. A run may use `MAX_MEMORY_BYTES` of linear memory (a program can touch all of
//! it), its thread's stack and the compiled code and store besides; more runs than the
//! memory holds would make the host fail runs (abstentions) or swap until the guard
//! stops them, so a worker should not take them.

use crate::sandbox::{HOST_STACK, MAX_WASM_STACK};
use povc_primitives::MAX_MEMORY_BYTES;
use std::fmt;

/// What a run may need besides its linear memory and stack: compiled code, the store,
/// WASI buffers (input and output), allocator slack.
const RUN_OVERHEAD: u64 = 64 << 20;

/// Bytes one run may need at most.
pub fn bytes_per_run() -> u64 {
	MAX_MEMORY_BYTES + (MAX_WASM_STACK + HOST_STACK) as u64 + RUN_OVERHEAD
}

/// The machine's memory, from `/proc/meminfo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
	pub total: u64,
	/// What can be given to new work without swapping (`MemAvailable`).
	pub available: u64,
}

impl Memory {
	/// This machine's memory, if `/proc/meminfo` can be read.
	pub fn of_this_machine() -> Option<Self> {
		Self::parse(&std::fs::read_to_string("/proc/meminfo").ok()?)
	}

	/// Parse `/proc/meminfo` (values in KiB); `MemFree` stands in for a missing
	/// `MemAvailable` (kernels before 3.14).
	pub fn parse(meminfo: &str) -> Option<Self> {
		let field = |name: &str| {
			meminfo.lines().find_map(|line| {
				let value = line.strip_prefix(name)?.strip_prefix(':')?;
				let kib = value.trim().strip_suffix("kB").unwrap_or(value).trim();
				kib.parse::<u64>().ok().map(|kib| kib.saturating_mul(1024))
			})
		};
		let total = field("MemTotal")?;
		let available = field("MemAvailable").or_else(|| field("MemFree"))?;
		Some(Self { total, available })
	}
}

/// The runs this machine can take at once, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizing {
	pub cores: usize,
	pub memory: Option<Memory>,
	/// Runs the available memory holds (`None`: unknown, cores decide).
	pub by_memory: Option<usize>,
	/// The smaller of cores and `by_memory`, at least 1.
	pub capacity: usize,
}

impl Sizing {
	pub fn new(cores: usize, memory: Option<Memory>) -> Self {
		let by_memory = memory.map(|memory| (memory.available / bytes_per_run()) as usize);
		let capacity = by_memory.map_or(cores, |runs| runs.min(cores)).max(1);
		Self { cores, memory, by_memory, capacity }
	}

	/// A warning if `capacity` runs are more than the memory holds.
	pub fn warning(&self, capacity: usize) -> Option<String> {
		let by_memory = self.by_memory?;
		(capacity > by_memory).then(|| {
			format!(
				"capacity {capacity} exceeds what memory allows ({self}): runs may fail for \
				 lack of memory (the worker then abstains) or swap until they time out"
			)
		})
	}
}

fn gib(bytes: u64) -> String {
	format!("{:.1} GiB", bytes as f64 / f64::from(1 << 30))
}

impl fmt::Display for Sizing {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let cores = self.cores;
		let per_run = bytes_per_run();
		match (self.memory, self.by_memory) {
			(Some(memory), Some(runs)) => write!(
				f,
				"capacity {}: {cores} cores, {} available (of {}) allows {runs} runs of {}",
				self.capacity,
				gib(memory.available),
				gib(memory.total),
				gib(per_run)
			),
			_ => write!(f, "capacity {}: {cores} cores, memory unknown", self.capacity),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const MEMINFO: &str = "MemTotal:        4028480 kB\nMemFree:          211312 kB\n\
		MemAvailable:    1363148 kB\nBuffers:           84000 kB\n";

	#[test]
	fn meminfo_is_read_in_kib() {
		let memory = Memory::parse(MEMINFO).unwrap();
		assert_eq!(memory, Memory { total: 4_028_480 * 1024, available: 1_363_148 * 1024 });
		let old_kernel = "MemTotal: 2048 kB\nMemFree: 1024 kB\n";
		assert_eq!(Memory::parse(old_kernel).unwrap().available, 1024 * 1024);
		assert_eq!(Memory::parse("garbage"), None);
	}

	#[test]
	fn memory_limits_capacity_below_cores() {
		let per_run = bytes_per_run();
		assert!(per_run > MAX_MEMORY_BYTES + MAX_WASM_STACK as u64);
		let memory = |runs: u64| Some(Memory { total: 16 << 30, available: runs * per_run + 1 });
		let sizing = Sizing::new(4, memory(2));
		assert_eq!((sizing.by_memory, sizing.capacity), (Some(2), 2));
		assert!(sizing.to_string().starts_with("capacity 2: 4 cores, "), "{sizing}");
		assert!(sizing.to_string().contains("allows 2 runs of 0.6 GiB"), "{sizing}");
		assert_eq!(sizing.warning(2), None);
		assert!(sizing.warning(3).unwrap().contains("exceeds what memory allows"));
		// Cores limit a machine with plenty of memory; at least one run is always taken.
		assert_eq!(Sizing::new(4, memory(100)).capacity, 4);
		assert_eq!(Sizing::new(4, memory(0)).capacity, 1);
		assert_eq!(Sizing::new(3, None).capacity, 3);
		assert_eq!(Sizing::new(3, None).warning(8), None);
	}
}
