//! The committed chain specs in `chain-spec/` are exactly what the node builds.
//! Regenerate them with `scripts/regenerate-chain-specs.sh` after a runtime change.
//!
//! The Wasm runtime in a spec is reproducible only when built from the same source path,
//! which is why the scripts build through `$POVC_BUILD_SRC` (see `scripts/env.sh`): run
//! these through `scripts/test.sh`.

use std::path::PathBuf;

use povc_e2e::node::run_node_command;

fn committed(name: &str) -> Vec<u8> {
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../chain-spec").join(name);
	std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check(chain: &str, raw: bool, file: &str) {
	let mut args = vec!["build-spec", "--chain", chain];
	if raw {
		args.push("--raw");
	}
	let built = run_node_command(&args).unwrap();
	assert!(
		built == committed(file),
		"chain-spec/{file} differs from `povc-node {}`: after a runtime change run \
		 scripts/regenerate-chain-specs.sh; otherwise build and test through scripts/test.sh, \
		 which builds the runtime from the fixed path that makes it reproducible",
		args.join(" ")
	);
}

#[test]
fn local_raw_spec_is_reproduced_byte_for_byte() {
	check("local", true, "local-raw.json");
}

#[test]
fn dev_raw_spec_is_reproduced_byte_for_byte() {
	check("dev", true, "dev-raw.json");
}

#[test]
fn plain_specs_are_reproduced_byte_for_byte() {
	check("local", false, "local.json");
	check("dev", false, "dev.json");
}

#[test]
fn specs_carry_token_properties_for_wallets() {
	for file in ["dev.json", "local.json", "dev-raw.json", "local-raw.json"] {
		let spec: serde_json::Value = serde_json::from_slice(&committed(file)).unwrap();
		let properties = &spec["properties"];
		assert_eq!(properties["tokenSymbol"], "POVC", "{file}");
		assert_eq!(properties["tokenDecimals"], 12, "{file}");
		assert_eq!(properties["ss58Format"], 42, "{file}");
	}
}

#[test]
fn a_spec_file_loads_and_a_missing_one_is_a_clear_error() {
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../chain-spec/local-raw.json");
	let from_file =
		run_node_command(&["build-spec", "--chain", path.to_str().unwrap(), "--raw"]).unwrap();
	assert_eq!(from_file, committed("local-raw.json"));

	let error = run_node_command(&["build-spec", "--chain", "/nonexistent/spec.json"]).unwrap_err();
	assert!(error.to_string().contains("/nonexistent/spec.json"), "{error}");
}
