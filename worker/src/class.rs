//! The determinism class of this worker: what must be equal for two workers to produce
//! bit-identical results (output AND fuel) for every program, NaN payloads included.
//!
//! WebAssembly is deterministic except for the bit patterns of NaNs, which depend on the
//! machine instructions the compiler picks. Those depend on the CPU architecture, the
//! engine version and the CPU features the code generator may use. A class pins all
//! three: wasmtime is pinned exactly (`=48.0.8` in Cargo.toml) and the code generator
//! gets a fixed feature set instead of the host's (no host feature detection), so two
//! workers of one class run the same machine code. Replicas of a job come from one
//! class and run without NaN canonicalisation (full speed); only jobs that span classes
//! pay for canonicalisation.

use wasmtime::Config;

/// Version of the pinned engine, part of the class.
pub const ENGINE: &str = "wasmtime-48.0.8";

/// The CPU features code generation may use on x86-64: the x86-64-v2 level (2009+
/// CPUs). A host without them cannot join the class; wasmtime refuses to start there.
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

/// This worker's class, as registered on chain: `engine/architecture/features`.
pub fn determinism_class() -> String {
	format!("{ENGINE}/{}/{}", std::env::consts::ARCH, TARGET_FEATURES.0)
}

/// Make `config` generate the class's code: an explicit host target (which turns off
/// host feature inference) and exactly the class's CPU features.
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
	fn the_class_names_engine_architecture_and_features_and_fits_on_chain() {
		let class = determinism_class();
		assert!(class.starts_with("wasmtime-48.0.8/"), "{class}");
		assert!(class.contains(std::env::consts::ARCH), "{class}");
		// pallet-workers' MaxClassLen in the runtime.
		assert!(class.len() <= 64);
	}

	#[test]
	fn a_new_chain_allows_this_workers_class() {
		// Genesis allows `RELEASE_CLASSES`; a worker whose class is not there cannot
		// register (`ClassNotAllowed`).
		let class = determinism_class();
		assert!(povc_primitives::RELEASE_CLASSES.contains(&class.as_str()), "{class}");
	}
}
