//! End to end: runtime upgrades (`sudo(system.set_code)`) under running clients.
//!
//! Three `povc-worker`s and the `povc` CLI, started before, keep working through a
//! compatible upgrade — a new pallet with a call and an event, a changed constant, a higher
//! spec version — without a restart. After an incompatible one (a transaction extension
//! they cannot fill in) `povc` and the workers send nothing and say why, with exit code 6.
//! Each upgrade on its own chain.
//!
//! The upgrades are the rehearsal runtimes `runtime/build.rs` builds when
//! `POVC_REHEARSAL_RUNTIMES=1` (the project's scripts set it); see `runtime/src/rehearsal.rs`.

use std::time::Duration;

use jsonrpsee::{rpc_params, ws_client::WsClient};
use povc_client::{api::povc, connection::Connection, keys::Signer};
use povc_e2e::{
	chain,
	cli::{json, povc_fails, povc_ok},
	market::{DevMarket, MarketConfig},
};
use serde_json::Value;
use subxt::{dynamic::Value as Dynamic, utils::Static};

const PRIMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/jobs/wasm/primes.wasm");
const MINUTE: Duration = Duration::from_secs(60);
/// An input longer than the genesis runtime's `Jobs::MaxInlineInput` (4096 bytes) and
/// within the rehearsal runtime's (8192).
const INPUT_LEN: usize = 6000;

/// The rehearsal runtime built with `feature`.
fn rehearsal_runtime(feature: &str) -> Vec<u8> {
	let name = format!("povc_runtime_{}.compact.compressed.wasm", feature.replace('-', "_"));
	let path =
		povc_e2e::node::node_binary().with_file_name("wbuild").join("povc-runtime").join(name);
	std::fs::read(&path).unwrap_or_else(|e| {
		panic!(
			"{}: {e}; build with POVC_REHEARSAL_RUNTIMES=1 (scripts/env.sh sets it)",
			path.display()
		)
	})
}

async fn spec_version(client: &WsClient) -> u64 {
	let version: Value =
		chain::request(client, "state_getRuntimeVersion", rpc_params![]).await.unwrap();
	version["specVersion"].as_u64().unwrap()
}

/// Install `code` with `sudo(system.set_code)`, signed by //Alice through `connection`;
/// returns once the best block runs it, with its spec version.
async fn upgrade(connection: &Connection, client: &WsClient, code: Vec<u8>) -> u64 {
	let before = spec_version(client).await;
	let alice = Signer::from_suri("//Alice").unwrap();
	// Nested as bytes: `sudo`'s argument is a `RuntimeCall`, whose type every upgrade that
	// adds a pallet changes.
	let set_code = connection.call_data(&povc::tx().system().set_code(code)).await.unwrap();
	let sudo = subxt::tx::dynamic("Sudo", "sudo", (Static(set_code),));
	let inclusion = connection.execute(&alice, &sudo).await.unwrap();
	let updated = inclusion.find::<povc::system::events::CodeUpdated>().unwrap();
	assert_eq!(updated.len(), 1, "sudo(set_code) did not update the code");
	let deadline = tokio::time::Instant::now() + MINUTE;
	loop {
		let now = spec_version(client).await;
		if now != before {
			return now;
		}
		assert!(tokio::time::Instant::now() < deadline, "the new runtime never ran");
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// Submit a primes job with `INPUT_LEN` bytes of input through the CLI and wait for its
/// verified output; returns the job as `povc job status` shows it.
fn run_job_through_the_cli(url: &str, dir: &std::path::Path, n: u32) -> Value {
	let input = dir.join(format!("input-{n}"));
	std::fs::write(&input, format!("{n:<INPUT_LEN$}")).unwrap();
	let args = [
		"--key",
		"//Alice",
		"--json",
		"job",
		"submit",
		"--program",
		PRIMES,
		"--fuel",
		"100000000",
		"--price",
		"10000",
		"--input",
		input.to_str().unwrap(),
		"--wait",
	];
	let done = json(&povc_ok(url, &args));
	let expected = format!("primes below {n}: {}\n", povc_e2e::primes_below(n as usize));
	assert_eq!(done["output"], expected);
	let id = done["job"].to_string();
	json(&povc_ok(url, &["--json", "job", "status", &id]))
}

/// A dev market with workers Bob, Charlie and Dave, and a client connection to it.
async fn market() -> (DevMarket, Connection) {
	let mut market = DevMarket::start(MarketConfig::default()).await;
	market.start_workers(&["//Bob", "//Charlie", "//Dave"], &[]).await;
	let connection = Connection::connect(&market.url()).await.unwrap();
	(market, connection)
}

#[tokio::test(flavor = "multi_thread")]
async fn clients_keep_working_through_a_compatible_runtime_upgrade() {
	let upgrade_code = rehearsal_runtime("upgrade-rehearsal");
	let (mut market, connection) = market().await;
	let (url, client, dir) = (market.url(), &market.client, market.dir.path());

	// Before: verified by the three workers; 6000 bytes exceed the inline limit, so the
	// CLI stores the input as a data blob.
	let job = run_job_through_the_cli(&url, dir, 5000);
	assert!(job["input"].get("blob").is_some(), "stored as a blob: {job}");

	// A compatible upgrade, nothing restarted.
	let genesis_spec = spec_version(client).await;
	let spec = upgrade(&connection, client, upgrade_code).await;
	assert!(spec > genesis_spec);
	let max_inline = connection.constant(povc::constants().jobs().max_inline_input()).await;
	assert_eq!(max_inline.unwrap(), 8192, "the client reads the upgraded constant");

	// The new call, signed with the new spec version, and its new event.
	let alice = Signer::from_suri("//Alice").unwrap();
	let note = subxt::tx::dynamic("Rehearsal", "note", vec![Dynamic::u128(7)]);
	let inclusion = connection.execute(&alice, &note).await.unwrap();
	let noted = inclusion
		.events
		.iter()
		.filter_map(Result::ok)
		.find(|event| event.pallet_name() == "Rehearsal" && event.event_name() == "Noted");
	assert!(noted.is_some(), "no Rehearsal::Noted event");

	// The same workers verify a new job, which the same CLI submits (the input inline now,
	// by the new constant) and reads.
	let job = run_job_through_the_cli(&url, dir, 7000);
	assert!(job["input"].get("inline").is_some(), "inline under the new limit: {job}");
	let id = job["id"].to_string();
	let verified: pallet_jobs::JobState = serde_json::from_value(job["state"].clone()).unwrap();
	assert!(verified.is_verified(), "job {id}: {job}");
	// A batch: `utility.batch_all` takes `RuntimeCall`, the type the new pallet changed.
	let manifest = dir.join("batch.txt");
	std::fs::write(&manifest, "1000\n2000\n").unwrap();
	let outputs = dir.join("batch");
	let (manifest, outputs_arg) = (manifest.to_str().unwrap(), outputs.to_str().unwrap());
	let batch = ["--key", "//Alice", "job", "submit-batch", "--program", PRIMES];
	let batch = [&batch[..], &["--fuel", "100000000", "--price", "10000", "--chunk", "2"]];
	povc_ok(
		&url,
		&[&batch.concat()[..], &["--manifest", manifest, "--out-dir", outputs_arg]].concat(),
	);
	for (i, n) in [1000, 2000].into_iter().enumerate() {
		let output = std::fs::read_to_string(outputs.join(format!("{}.out", i + 1))).unwrap();
		assert_eq!(output, format!("primes below {n}: {}\n", povc_e2e::primes_below(n)));
	}
	for worker in &mut market.workers {
		assert!(worker.is_running(), "a worker stopped: {}", worker.log_tail());
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn clients_stop_at_an_incompatible_runtime_upgrade_with_exit_code_6() {
	let incompatible = rehearsal_runtime("upgrade-incompatible");
	let (mut market, connection) = market().await;
	let url = market.url();

	// An incompatible upgrade, right after a job the workers have to commit and reveal.
	let submit = ["--key", "//Alice", "job", "submit", "--program", PRIMES, "--fuel", "1000"];
	let submit = [&submit[..], &["--price", "1000000000"]].concat();
	let submitted = json(&povc_ok(&url, &[&submit[..], &["--json"]].concat()));
	let id = submitted["job"].to_string();
	upgrade(&connection, &market.client, incompatible).await;
	// The CLI refuses to sign what the chain cannot decode; reading still works.
	povc_fails(&url, &submit, 6, "update it");
	let status = json(&povc_ok(&url, &["--json", "job", "status", &id]));
	assert_eq!(status["id"], submitted["job"]);
	// The workers stop with the same exit code instead of failing every block.
	let deadline = tokio::time::Instant::now() + 3 * MINUTE;
	for worker in &mut market.workers {
		while worker.exit_code().is_none() {
			assert!(tokio::time::Instant::now() < deadline, "still running: {}", worker.log_tail());
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		assert_eq!(worker.exit_code(), Some(6), "{}", worker.log_tail());
		assert!(worker.log().contains("update povc-worker"), "{}", worker.log_tail());
	}
}
