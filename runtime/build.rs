//! Builds the runtime to Wasm (when compiled with `std`) with substrate-wasm-builder.
//!
//! The Wasm is part of the chain spec, so it must not depend on where the workspace or
//! the cargo registry happen to live: panic locations would otherwise embed absolute
//! paths, and a fresh clone in another directory would build a different genesis.

#[cfg(feature = "std")]
fn main() {
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
	#[cfg(feature = "metadata-hash")]
	{
		builder = builder.enable_metadata_hash("POVC", 12);
	}
	builder.build();
}

/// Compiling the runtime for Wasm itself: nothing to build.
#[cfg(not(feature = "std"))]
fn main() {}
