//! End to end: honest workers are never slashed for what they cannot control. On a
//! `povc-node --dev` with three real `povc-worker` processes, a requester submits jobs
//! that ask the host to sleep (a relative sleep on the monotonic clock and an absolute
//! deadline on the frozen realtime clock: each used to hold a worker for 20 s on 35
//! fuel) and a job too long for the workers to finish in the time they give a run.
//! Every worker keeps its whole bond, the sleeping jobs are verified at once, the long
//! one fails as abstained (the requester pays the abstention fee), and then a normal job
//! is verified. Then finality stalls (the node restarts without its GRANDPA voter) for
//! longer than a reveal period while a job is committed, revealed and verified: the
//! workers act on best blocks, as the phases count them, so nobody is slashed for
//! silence; finality then resumes and covers the job.

use std::time::{Duration, Instant};

use jsonrpsee::rpc_params;
use povc_e2e::{
	chain,
	market::{DevMarket, MarketConfig},
	tx::{job_spec, submit_job_call},
};
use povc_runtime::{Balance, RuntimeCall, RuntimeEvent, UNIT};
use serde_json::Value;
use sp_keyring::Sr25519Keyring::*;

/// Planck per fuel: the smallest job here (10^6 fuel) offers each replica the price floor.
const PRICE: Balance = 400_000;
const MINUTE: Duration = Duration::from_secs(60);
const PRIMES: &[u8] = include_bytes!("../../examples/jobs/wasm/primes.wasm");

/// Asks `poll_oneoff` for one clock subscription (`clock`, `flags`, 20 s), then writes
/// "awake\n".
fn sleeper(clock: u32, flags: u32) -> Vec<u8> {
	wat::parse_str(format!(
		r#"(module
		(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
		(memory (export "memory") 1)
		(data (i32.const 200) "awake\n")
		(func (export "_start")
			;; subscription at 0: userdata 1, tag 0 (clock), clock id, 20 s, flags
			(i64.store (i32.const 0) (i64.const 1))
			(i32.store8 (i32.const 8) (i32.const 0))
			(i32.store (i32.const 16) (i32.const {clock}))
			(i64.store (i32.const 24) (i64.const 20000000000))
			(i64.store (i32.const 32) (i64.const 0))
			(i32.store16 (i32.const 40) (i32.const {flags}))
			(drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 120)))
			(i32.store (i32.const 128) (i32.const 200))
			(i32.store (i32.const 132) (i32.const 6))
			(drop (call $write (i32.const 1) (i32.const 128) (i32.const 1) (i32.const 136)))))"#
	))
	.unwrap()
}

/// Never ends: runs until its fuel is gone.
fn spinner() -> Vec<u8> {
	wat::parse_str(
		r#"(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))"#,
	)
	.unwrap()
}

fn submit(program: &[u8], input: &[u8], fuel_limit: u64, deadline: u32) -> RuntimeCall {
	submit_job_call(job_spec(program, input, fuel_limit, PRICE, deadline))
}

#[tokio::test(flavor = "multi_thread")]
async fn sleeping_and_unfinishable_jobs_slash_no_honest_worker() {
	let programs = [sleeper(1, 0), sleeper(0, 1), spinner(), PRIMES.to_vec()];
	let config = MarketConfig { programs: programs.to_vec(), ..Default::default() };
	let mut market = DevMarket::start(config).await;
	// Each worker gives a run at most 5 s of wall-clock time (an operator's setting; the
	// commit period and the fuel's predicted time bound it as well).
	let keys = ["//Bob", "//Charlie", "//Dave"];
	market.start_workers(&keys, &["--max-run-seconds", "5"]).await;
	let client = &market.client;
	let from = market.best().await;

	// ---- Jobs 0 and 1 sleep 20 s by the host's clock: now they take no time at all.
	let started = Instant::now();
	market.send(Alice, submit(&programs[0], b"", 1_000_000, from + 1_000)).await;
	market.send(Alice, submit(&programs[1], b"", 1_000_000, from + 1_000)).await;
	for id in [0, 1] {
		let view = market.settled(id).await;
		assert_eq!(view["state"], "Verified", "{view}");
		let output: Option<String> =
			chain::request(client, "povc_result", rpc_params![id]).await.unwrap();
		assert_eq!(output, Some(format!("0x{}", hex::encode("awake\n"))));
	}
	println!("two sleeping jobs verified in {:.1} s", started.elapsed().as_secs_f64());

	// ---- Job 2 spins through 1.5·10^10 fuel (the chain's limit): longer than the 5 s
	// the workers give a run. Each abstains; nobody is left to draw, so the job fails and
	// the requester pays the abstention fee.
	let limit = <povc_runtime::Runtime as pallet_jobs::Config>::MaxFuelLimit::get();
	market.send(Alice, submit(&programs[2], b"", limit, from + 1_000)).await;
	let view = market.settled(2).await;
	assert_eq!(view["state"], serde_json::json!({ "Failed": "Abstained" }), "{view}");

	// ---- Job 3: an ordinary job, verified by the same three workers.
	market.send(Alice, submit(PRIMES, b"100000", 1_000_000_000, from + 1_000)).await;
	let view = market.settled(3).await;
	assert_eq!(view["state"], "Verified", "{view}");

	// ---- Job 4: finality stalls for longer than a reveal period while the job runs.
	// Workers that acted on finalized blocks never committed (slashed as no-shows).
	let reveal_period = <povc_runtime::Runtime as pallet_jobs::Config>::RevealPeriod::get();
	market.node.config.extra_args = vec!["--no-grandpa".into()];
	market.restart_node().await;
	let finalized_at_stall = chain::finalized_number(&market.client).await.unwrap();
	let stalled_from = market.best().await;
	market.send(Alice, submit(PRIMES, b"1000", 1_000_000_000, stalled_from + 1_000)).await;
	let view = market.settled(4).await;
	assert_eq!(view["state"], "Verified", "{view}");
	let verified_by = market.best().await;
	chain::wait_for_best(&market.client, stalled_from + reveal_period + 1, 5 * MINUTE)
		.await
		.unwrap();
	let finalized = chain::finalized_number(&market.client).await.unwrap();
	assert_eq!(finalized, finalized_at_stall, "finality stalled over the whole job");
	println!(
		"job 4 verified by block {verified_by} while finality stood at #{finalized} \
		 (stalled from block {stalled_from}, reveal period {reveal_period} blocks)"
	);
	market.node.config.extra_args.clear();
	market.restart_node().await;
	chain::wait_for_finalized(&market.client, verified_by, 2 * MINUTE).await.unwrap();

	// Nobody was slashed over the whole run, and every worker keeps its whole bond.
	let client = &market.client;
	let to = market.best().await;
	let mut abstained = 0;
	for number in from..=to {
		let hash = chain::block_hash(client, number).await.unwrap().unwrap();
		for record in chain::events(client, hash).await.unwrap() {
			match record.event {
				RuntimeEvent::Workers(pallet_workers::Event::Slashed { who, .. }) => {
					panic!("{who} was slashed in block {number}")
				},
				RuntimeEvent::Jobs(pallet_jobs::Event::WorkerAbstained { job, .. }) => {
					assert_eq!(job, 2, "only the unfinishable job is abstained from");
					abstained += 1;
				},
				_ => {},
			}
		}
	}
	assert_eq!(abstained, 3);
	for who in [Bob, Charlie, Dave] {
		let view: Value = chain::worker(client, &who.to_account_id()).await.unwrap().unwrap();
		assert_eq!(povc_e2e::amount(&view["bond"]), Some(100 * UNIT), "{who:?}: {view}");
	}
	for key in keys {
		assert!(market.worker(key).log().contains("abstain"), "{key} logs its abstention");
	}
}
