//! End to end: the `povc` CLI against a dev market with real workers, each test on its
//! own chain — the README's quick start as written, upload, submit --wait, result and
//! scores; a sweep of 20 inputs as batch jobs; cancel, accounts, and bad inputs (clear error, non-zero
//! exit, no funds lost).

use std::process::Command;

use jsonrpsee::ws_client::WsClient;
use povc_e2e::{
	chain,
	cli::{json, povc_binary, povc_fails},
	market::{DevMarket, MarketConfig},
	money,
};
use povc_runtime::Balance;
use sp_keyring::Sr25519Keyring;
use sp_keyring::Sr25519Keyring::Alice;

const PRIMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/jobs/wasm/primes.wasm");
const README: &str = include_str!("../../README.md");

/// `args` signed as //Alice.
fn with_alice<'a>(args: &[&'a str]) -> Vec<&'a str> {
	[&["--key", "//Alice"][..], args].concat()
}

async fn free(client: &WsClient) -> Balance {
	chain::free_balance(client, &Alice.to_account_id(), None).await.unwrap()
}

/// The commands of the README's quick start (the `sh` block after "<!-- quick-start -->"),
/// without the line that starts the dev chain (the test has started one).
fn quick_start_commands() -> Vec<String> {
	let block = README
		.split("<!-- quick-start -->")
		.nth(1)
		.and_then(|rest| rest.split("```sh\n").nth(1))
		.and_then(|rest| rest.split("```").next())
		.expect("the README has a quick-start block");
	block
		.lines()
		.map(|line| line.split(" #").next().unwrap_or(line).trim())
		.filter(|line| !line.is_empty() && !line.starts_with("scripts/run-dev.sh"))
		.map(str::to_string)
		.collect()
}

fn run_quick_start(node: &str) -> String {
	let mut last = String::new();
	for command in quick_start_commands() {
		let command = command.replacen("povc ", &format!("{} ", povc_binary().display()), 1);
		let output = Command::new("bash")
			.args(["-c", &command])
			.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
			.env("POVC_NODE_URL", node)
			.output()
			.unwrap();
		assert!(
			output.status.success(),
			"README quick start `{command}` failed: {}",
			String::from_utf8_lossy(&output.stderr)
		);
		last = String::from_utf8_lossy(&output.stdout).into_owned();
	}
	last
}

/// A dev market whose workers Bob, Charlie and Dave run up to 8 jobs each at once.
async fn market() -> DevMarket {
	let mut market = DevMarket::start(MarketConfig::default()).await;
	market.start_workers(&["//Bob", "//Charlie", "//Dave"], &["--parallel", "8"]).await;
	market
}

const ALICE: [&str; 2] = ["--key", "//Alice"];
const SUBMIT: [&str; 8] =
	["job", "submit", "--program", PRIMES, "--fuel", "1000000000", "--price", "1000"];

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_quick_start_runs_as_written_and_submit_wait_result_agree() {
	let market = market().await;
	let url = market.url();

	// The README quick start, as written, ends with a verified result.
	let printed = run_quick_start(&url);
	assert_eq!(printed, format!("primes below 1000000: {}\n", povc_e2e::primes_below(1_000_000)));

	// Upload is idempotent.
	let first = json(&market.povc_ok(&with_alice(&["--json", "program", "upload", PRIMES])));
	assert_eq!(first["uploaded"], false, "the quick start uploaded it already");

	// Submit and wait, output to a file; the same output through `job result`.
	let input = market.dir.path().join("input");
	std::fs::write(&input, "100000").unwrap();
	let out = market.dir.path().join("out");
	let (input_arg, out_arg) = (input.to_str().unwrap(), out.to_str().unwrap());
	let args =
		[&ALICE[..], &SUBMIT, &["--input", input_arg, "--wait", "--output", out_arg]].concat();
	market.povc_ok(&args);
	let expected = format!("primes below 100000: {}\n", povc_e2e::primes_below(100_000));
	assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
	let listed = json(&market.povc_ok(&with_alice(&["--json", "job", "list"])));
	let id = listed.as_array().unwrap().last().unwrap()["id"].to_string();
	assert_eq!(String::from_utf8(market.povc_ok(&["job", "result", &id])).unwrap(), expected);
	let status = json(&market.povc_ok(&["--json", "job", "status", &id]));
	let state: pallet_jobs::JobState = serde_json::from_value(status["state"].clone()).unwrap();
	assert!(state.is_verified(), "verified, its score perhaps still awaiting its audit: {status}");

	// Compute scores: the three workers' verified jobs count for themselves; Alice, the
	// dev chain's only validator, authors with all the weight.
	let bob = json(&market.povc_ok(&["--json", "keys", "inspect", "//Bob"]));
	let scores = json(&market.povc_ok(&["--json", "scores"]));
	let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	assert_eq!(scores["authorities"]["current"][0]["account"], alice, "{scores}");
	assert_eq!(scores["authorities"]["current"][0]["share"], 1_000_000_000, "{scores}");
	let bob_score = scores["scores"]
		.as_array()
		.unwrap()
		.iter()
		.find(|s| s["account"] == bob["address"])
		.and_then(|s| povc_e2e::amount(&s["score"]));
	assert!(bob_score.is_some_and(|score| score > 0), "Bob ran verified jobs: {scores}");
	assert!(String::from_utf8_lossy(&market.povc_ok(&["scores"])).contains(alice));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sweep_of_twenty_inputs_is_gathered_into_a_folder() {
	let market = market().await;
	let program = json(&market.povc_ok(&with_alice(&["--json", "program", "upload", PRIMES])));
	let program = program["program"].as_str().unwrap().to_string();

	// A sweep of 20 inputs as batch jobs of at most 8 tasks, gathered into a folder.
	let manifest = market.dir.path().join("sweep.txt");
	let sweep: Vec<usize> = (1..=20).map(|i| i * 1_000).collect();
	std::fs::write(&manifest, sweep.iter().map(|n| format!("{n}\n")).collect::<String>()).unwrap();
	let outputs = market.dir.path().join("sweep");
	let batch = [
		"job",
		"submit-batch",
		"--program",
		&program,
		"--fuel",
		"100000000",
		"--price",
		"10000",
		"--manifest",
		manifest.to_str().unwrap(),
		"--out-dir",
		outputs.to_str().unwrap(),
		"--chunk",
		"8",
	];
	market.povc_ok(&[&ALICE[..], &batch].concat());
	for (i, n) in sweep.iter().enumerate() {
		let text = std::fs::read_to_string(outputs.join(format!("{:02}.out", i + 1))).unwrap();
		assert_eq!(text, format!("primes below {n}: {}\n", povc_e2e::primes_below(*n)));
	}
	let summary = json(&std::fs::read(outputs.join("results.json")).unwrap());
	assert_eq!(summary["verified"], 20);
	assert_eq!(summary["jobs"].as_array().map(Vec::len), Some(3), "8 + 8 + 4 tasks: {summary}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_refunds_and_bad_input_fails_clearly_without_losing_funds() {
	let market = market().await;
	let (url, client) = (market.url(), &market.client);

	// Cancel: five replicas cannot be drawn from three workers, so the job waits.
	let queued = [&ALICE[..], &SUBMIT, &["--replicas", "5", "--json"]].concat();
	let queued = json(&market.povc_ok(&queued))["job"].to_string();
	let before_cancel = free(client).await;
	let cancelled = json(&market.povc_ok(&with_alice(&["--json", "job", "cancel", &queued])));
	assert_ne!(cancelled["refunded"], "0");
	let status = json(&market.povc_ok(&["--json", "job", "status", &queued]));
	assert_eq!(status["state"], "Cancelled");
	assert!(free(client).await > before_cancel, "the escrow came back");

	// Bad input: a clear error, a meaningful exit code, and not a planck spent.
	let at_start = money::best_hash(client).await.unwrap();
	let before = chain::free_balance(client, &Alice.to_account_id(), Some(at_start)).await.unwrap();
	let missing = [
		"--key",
		"//Alice",
		"job",
		"submit",
		"--program",
		"/no/such.wasm",
		"--fuel",
		"1",
		"--price",
		"1",
	];
	povc_fails(&url, &missing, 2, "cannot read /no/such.wasm");
	let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
	povc_fails(&url, &with_alice(&["program", "upload", readme]), 2, "not a valid job program");
	povc_fails(&url, &with_alice(&["job", "result", "999999"]), 2, "there is no job 999999");
	let unknown = "0x1111111111111111111111111111111111111111111111111111111111111111";
	let args =
		["--key", "//Alice", "job", "submit", "--program", unknown, "--fuel", "1", "--price", "1"];
	povc_fails(&url, &args, 2, "unknown program");
	let submit_primes = |key: &'static str, fuel: &'static str, price: &'static str| {
		["--key", key, "job", "submit", "--program", PRIMES, "--fuel", fuel, "--price", price]
	};
	let greedy = submit_primes("//Alice", "1000000000000", "100000000000");
	povc_fails(&url, &greedy, 5, "not enough");
	let pauper = submit_primes("//Nobody", "1000000000", "1000");
	povc_fails(&url, &pauper, 5, "not enough");
	let cheap = submit_primes("//Alice", "1000", "1");
	povc_fails(&url, &cheap, 2, "less than the chain's price floor of 0.4 POVC");
	povc_fails("ws://127.0.0.1:1", &with_alice(&["balance"]), 4, "cannot reach a povc node");
	povc_fails(&url, &["job", "cancel", "0"], 2, "needs a key");
	// Alice authors the dev chain: her balance moves only by the block rewards meanwhile.
	let at_end = money::best_hash(client).await.unwrap();
	let rewards = money::total_rewards(client, at_end).await.unwrap()
		- money::total_rewards(client, at_start).await.unwrap();
	let after = chain::free_balance(client, &Alice.to_account_id(), Some(at_end)).await.unwrap();
	assert_eq!(after, before + rewards, "refused commands cost nothing");

	// Accounts and workers.
	let bob = json(&market.povc_ok(&["--json", "worker", "info", "//Bob"]));
	assert_eq!(povc_e2e::amount(&bob["bond"]), Some(100_000_000_000_000));
	let key = json(&market.povc_ok(&["--json", "keys", "inspect", "//Bob"]));
	assert_eq!(key["address"], "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty");
	let generated = json(&market.povc_ok(&["--json", "keys", "generate"]));
	assert_eq!(generated["mnemonic"].as_str().unwrap().split(' ').count(), 12);
	// Ferdie's balance is still (Alice's grows with every block she authors).
	let balance = json(&market.povc_ok(&["--key", "//Ferdie", "--json", "balance"]));
	let ferdie = Sr25519Keyring::Ferdie.to_account_id();
	let ferdie_free = chain::free_balance(client, &ferdie, None).await.unwrap();
	assert_eq!(balance["free"], ferdie_free.to_string());
}
