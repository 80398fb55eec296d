//! Builds the runtime to Wasm (when compiled with `std`) with substrate-wasm-builder.
//!
//! The Wasm is part of the chain spec, so it must not depend on where the workspace or
//! the cargo registry happen to live: panic locations would otherwise embed absolute
//! paths, and a fresh clone in another directory would build a different genesis.

#[cfg(feature = "std")]
fn main() {
	#[allow(unused_mut)]
	let mut runtime = builder();
	#[cfg(feature = "metadata-hash")]
	{
		runtime = runtime.enable_metadata_hash("POVC", 12);
	}
	runtime.build();

	// The runtimes the e2e test `runtime_upgrade` upgrades to (see `src/rehearsal.rs`), as
	// `wbuild/povc-runtime/<name>.compact.compressed.wasm`. Only when asked (the project's
	// scripts ask): they cost two more compilations of the runtime.
	println!("cargo:rerun-if-env-changed={REHEARSALS}");
	if std::env::var_os(REHEARSALS).is_some_and(|value| value == "1") {
		for feature in ["upgrade-rehearsal", "upgrade-incompatible"] {
			let name = format!("povc_runtime_{}", feature.replace('-', "_"));
			builder().enable_feature(feature).set_file_name(name).build();
		}
	}
}

/// Set to `1` to build the upgrade-rehearsal runtimes too.
#[cfg(feature = "std")]
const REHEARSALS: &str = "POVC_REHEARSAL_RUNTIMES";

/// A Wasm builder for this crate whose output does not depend on where it is built.
#[cfg(feature = "std")]
fn builder() -> substrate_wasm_builder::WasmBuilder {
	use std::path::PathBuf;

	// Read at run time: the same compiled build script may serve another checkout path.
	let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
	let workspace = manifest_dir.parent().expect("runtime/ lives in the workspace");
	let cargo_home = std::env::var_os("CARGO_HOME")
		.map(PathBuf::from)
		.or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));

	let mut builder = substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.append_to_rust_flags(format!("--remap-path-prefix={}=/povc", workspace.display()));
	if let Some(cargo_home) = cargo_home {
		builder = builder
			.append_to_rust_flags(format!("--remap-path-prefix={}=/cargo", cargo_home.display()));
	}
	// The toolchain's own sources (core, alloc) are compiled in too.
	let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
	if let Ok(output) = std::process::Command::new(rustc).args(["--print", "sysroot"]).output() {
		let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
		if output.status.success() && !sysroot.is_empty() {
			builder = builder.append_to_rust_flags(format!("--remap-path-prefix={sysroot}=/rustc"));
		}
	}
	builder
}

/// Compiling the runtime for Wasm itself: nothing to build.
#[cfg(not(feature = "std"))]
fn main() {}
