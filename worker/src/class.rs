//! The determinism class of this worker: what must be equal for two workers to produce
//! bit-identical results (output AND fuel) for every program, NaN payloads included.
//!
//! That is the engine release and the sandbox's semantics, nothing about the machine:
//! the two things plain WebAssembly leaves to the machine code are made deterministic by
//! instrumenting every program before compiling it (`sandbox::instrument`). NaNs are
//! canonicalised wherever their bits become observable, and the stack limit is counted
//! by the program itself in units of its frames' sizes, far below the native stack. So
//! workers on x86-64 and AArch64, with any CPU features, release or debug builds, all
//! agree, and a job's replicas are drawn from the whole worker pool.
//!
//! The class is `engine/sandbox-version`: wasmtime is pinned exactly (`=48.0.8` in
//! Cargo.toml), and [`SANDBOX_VERSION`] changes whenever what a program computes or the
//! fuel it uses could change (the instrumentation, fuel costs, limits, the WASI host).
//!
//! Code generation is still pinned to a fixed CPU feature set per architecture (no host
//! feature detection). Results do not depend on it, but it keeps one machine code per
//! architecture, so what is tested on one machine is what runs on all of them.

use wasmtime::Config;

/// Version of the pinned engine, part of the class.
pub const ENGINE: &str = "wasmtime-48.0.8";

/// Version of the sandbox's semantics (instrumentation, limits, host), part of the
/// class. 1 was the per-architecture classes without instrumentation; 2 charged no fuel
/// per byte of `random_get` and `fd_write`.
pub const SANDBOX_VERSION: &str = "povc-3";

/// The CPU features code generation may use on x86-64: the x86-64-v2 level (2009+
/// CPUs). A host without them cannot run the worker; wasmtime refuses to start there.
#[cfg(target_arch = "x86_64")]
const TARGET_FEATURES: (&str, &[&str]) = (
	"x86-64-v2",
	&["has_sse3", "has_ssse3", "has_cmpxchg16b", "has_sse41", "has_sse42", "has_popcnt"],
);

/// On AArch64 the baseline (with NEON) is enough; no optional feature is used.
#[cfg(target_arch = "aarch64")]
const TARGET_FEATURES: (&str, &[&str]) = ("armv8.0-a", &[]);

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!("povc-worker pins code generation for x86_64 and aarch64 only");

/// This worker's class, as registered on chain: `engine/sandbox-version`, the same on
/// every architecture and build.
pub fn determinism_class() -> String {
	format!("{ENGINE}/{SANDBOX_VERSION}")
}

/// The pinned CPU feature level code generation targets on this architecture (logged at
/// start; not part of the class).
pub fn target_features() -> &'static str {
	TARGET_FEATURES.0
}

/// Make `config` generate this architecture's pinned code: an explicit host target
/// (which turns off host feature inference) and exactly the pinned CPU features.
pub fn pin_code_generation(config: &mut Config) -> wasmtime::Result<()> {
	config.target(&host_triple())?;
	for feature in TARGET_FEATURES.1 {
		// SAFETY: wasmtime checks at engine creation that the host has every enabled
		// feature and refuses to run otherwise, so no unsupported instruction can run.
		unsafe {
			config.cranelift_flag_enable(feature);
		}
	}
	Ok(())
}

fn host_triple() -> String {
	let os = if cfg!(target_os = "macos") { "apple-darwin" } else { "unknown-linux-gnu" };
	format!("{}-{os}", std::env::consts::ARCH)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_class_names_engine_and_sandbox_version_only_and_fits_on_chain() {
		let class = determinism_class();
		assert_eq!(class, "wasmtime-48.0.8/povc-3");
		// Nothing about the machine: one class for x86-64 and AArch64, any CPU, any build.
		for machine in ["x86_64", "aarch64", "x86-64-v2", "armv8", "debug", "release"] {
			assert!(!class.contains(machine), "{class} names {machine}");
		}
		// pallet-workers' MaxClassLen in the runtime.
		assert!(class.len() <= 64);
	}

	#[test]
	fn a_new_chain_allows_this_workers_class() {
		// Genesis allows `RELEASE_CLASSES`; a worker whose class is not there cannot
		// register (`ClassNotAllowed`). One release, one class.
		let class = determinism_class();
		assert_eq!(povc_primitives::RELEASE_CLASSES, [class.as_str()]);
	}
}
