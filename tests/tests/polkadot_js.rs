//! The `povc_*` JSON-RPC through @polkadot/api: a JavaScript client loads the RPC
//! definitions shipped in `rpc/definitions.json` and reads a job from a real
//! `povc-node --dev` (`tests/js/read-job.mjs`), and the job's amounts reach JavaScript as
//! exact decimal strings.
//!
//! Needs Node.js (`node` and `npm` on PATH); the first run installs `tests/js`'s locked
//! dependencies with `npm ci`.

use std::{
	path::{Path, PathBuf},
	process::Output,
	time::Duration,
};

use povc_e2e::{
	chain,
	node::start_dev,
	sign::send,
	tx::{job_spec, submit_job_call, ChainContext},
};
use povc_runtime::{Balance, RuntimeCall};
use serde_json::Value;
use sp_keyring::Sr25519Keyring::Alice;

/// Above 2^53: as a JSON number, JavaScript would read it rounded (to 2^53).
const PRICE: Balance = (1 << 53) + 1;
const FUEL_LIMIT: u64 = 1;

/// The smallest WASI command.
const PROGRAM: &str = r#"(module
	(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
	(memory (export "memory") 1)
	(func (export "_start")))"#;

/// `tests/js`: the JavaScript client and its locked dependencies. Canonical: npm takes a
/// `--prefix` through a symlink (as the scripts build through `$POVC_BUILD_SRC`) for
/// another package, whose lock file it then finds out of sync.
fn js_dir() -> PathBuf {
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
	dir.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// Runs `program args` to completion within `timeout`; panics with a clear message if it
/// cannot be started (e.g. Node.js is not installed) or takes too long.
async fn run(program: &str, args: &[&str], timeout: Duration) -> Output {
	let mut command = tokio::process::Command::new(program);
	command.args(args).stdin(std::process::Stdio::null()).kill_on_drop(true);
	let output = command.output();
	match tokio::time::timeout(timeout, output).await {
		Ok(Ok(output)) => output,
		Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => panic!(
			"`{program}` is not on PATH: this test needs Node.js (node and npm, version 18 or \
			 later) to run @polkadot/api; install it and run the test again"
		),
		Ok(Err(e)) => panic!("cannot run `{program} {args:?}`: {e}"),
		Err(_) => panic!("`{program} {args:?}` did not finish within {timeout:?}"),
	}
}

fn describe(output: &Output) -> String {
	format!(
		"{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
		output.status,
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	)
}

/// Checks that Node.js is there and installs `tests/js`'s dependencies if they are not.
async fn prepare_js() {
	let version = run("node", &["--version"], Duration::from_secs(30)).await;
	assert!(version.status.success(), "node --version failed: {}", describe(&version));

	let dir = js_dir();
	if !dir.join("node_modules/@polkadot/api/package.json").exists() {
		// Exactly the versions in package-lock.json; offline from npm's cache when it can.
		let prefix = dir.to_str().expect("a UTF-8 path");
		let args = ["ci", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline"];
		let install = run("npm", &args, Duration::from_secs(600)).await;
		assert!(install.status.success(), "npm ci in {}: {}", dir.display(), describe(&install));
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn polkadot_js_reads_a_job_with_exact_amounts() {
	// Before the chain: a machine without Node.js fails here, at once and clearly.
	prepare_js().await;

	let dir = tempfile::tempdir().unwrap();
	let (node, client) = start_dev(dir.path()).await.expect("dev node");
	let ctx = ChainContext::fetch(&client).await.unwrap();

	let code = wat::parse_str(PROGRAM).unwrap();
	let upload = pallet_jobs::Call::upload_program { code: code.clone() };
	send(&client, &ctx, Alice, RuntimeCall::Jobs(upload)).await;
	let deadline = chain::best_number(&client).await.unwrap() + 1_000;
	let mut spec = job_spec(&code, b"input", FUEL_LIMIT, PRICE, deadline);
	spec.replicas = 1;
	send(&client, &ctx, Alice, submit_job_call(spec)).await;

	let script = js_dir().join("read-job.mjs");
	let script = script.to_str().expect("a UTF-8 path");
	let output = run("node", &[script, &node.ws_url(), "0"], Duration::from_secs(120)).await;
	assert!(
		output.status.success(),
		"read-job.mjs failed: {}\n--- node log ---\n{}",
		describe(&output),
		node.log_tail()
	);
	let job: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
		panic!("read-job.mjs printed no JSON job ({e}): {}", describe(&output))
	});

	assert_eq!(job["id"], 0, "{job}");
	assert_eq!(job["requester"], Alice.to_account_id().to_string(), "{job}");
	assert_eq!(job["fuelLimit"], FUEL_LIMIT, "{job}");
	// The exact price, as the decimal string it was submitted with.
	assert_eq!(job["pricePerFuel"], PRICE.to_string(), "{job}");
	let escrow = job["escrow"].as_str().unwrap_or_else(|| panic!("escrow is not a string: {job}"));
	escrow.parse::<Balance>().unwrap_or_else(|e| panic!("escrow {escrow:?}: {e}"));
}
