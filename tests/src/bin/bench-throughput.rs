//! `scripts/bench-throughput.sh [JOBS] [WORKERS] [TASKS]`: the job market's latency and
//! throughput on a dev chain with real workers, printed as figures (a benchmark, never a
//! test: nothing here asserts a speed).
//!
//! It starts the dev market of the e2e tests (`povc-node --dev` with 2 s slots, real
//! `povc-worker`s of capacity 256, each bonding 1,000 POVC: a replica holds its slot from
//! its draw to the job's settlement, idle most of that time for a tiny job, so 64 slots
//! capped the jobs in flight at 64, 3.5 verified jobs/s; 256 gave 5.0–5.4), then measures:
//! - **latency**: three tiny jobs of 3 replicas submitted one at a time on the idle
//!   chain: blocks from the block that includes the submission to the one that publishes
//!   the agreed output, and to the one that verifies the job (after its audit delay);
//! - **throughput**: `JOBS` tiny jobs of 3 replicas submitted at once by 24 requesters
//!   (`MaxQueuedPerAccount` jobs per batch each): verified jobs per second and per block
//!   from the first submission's block to the last settlement, blocks per job, where jobs
//!   waited (median blocks to their draw, their last commitment, their last reveal and
//!   their publication), and how full those blocks were (`System::BlockWeight` against
//!   the block's maximum);
//! - **batches**: `TASKS` tiny tasks as batch jobs of `MaxTasks` tasks (3 replicas each),
//!   submitted at once: verified tasks per second from the first submission's block to
//!   the last settlement, and blocks per batch.

use std::{
	collections::HashMap,
	time::{Duration, Instant},
};

use codec::Decode;
use frame_support::{
	dispatch::{DispatchClass, PerDispatchClass},
	traits::Get,
	weights::Weight,
};
use jsonrpsee::ws_client::WsClient;
use povc_e2e::{
	chain,
	market::{DevMarket, MarketConfig},
	tx::{self, ChainContext},
};
use povc_runtime::{AccountId, BlockNumber, Runtime, RuntimeCall, RuntimeEvent, UNIT};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;

/// A command that writes "ok\n": the tiny job.
const TINY: &str =
	include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/jobs/wat/tiny.wat"));

/// Funded dev keys that are not the market's referees.
const WORKER_KEYS: [&str; 8] = [
	"//Bob",
	"//Charlie",
	"//Dave",
	"//Bob//stash",
	"//Charlie//stash",
	"//Dave//stash",
	"//Eve//stash",
	"//Ferdie//stash",
];
/// Requesters submitting at once: each keeps at most `MaxQueuedPerAccount` (32) jobs
/// queued, for at least `DrawDelay` blocks, so eight could not submit more than about
/// 40 jobs/s; 24 can about 130.
const REQUESTERS: u32 = 24;
/// Each worker's `--parallel`: the slots it declares and the runs it makes at once.
const WORKER_CAPACITY: &str = "256";
/// Each worker's bond: ten times `MinBond`, so that a missed deadline's slash (1–2 %)
/// never takes a worker out of the draws mid-run, as it did with the minimum.
const WORKER_BOND: &str = "1000";
const FUEL: u64 = 10_000;
/// Planck per fuel: each replica is offered the price floor, 0.4 POVC.
const PRICE: u128 = 40_000_000;

type Result<T> = povc_e2e::Result<T>;

/// How a job ended, and at which block.
#[derive(Clone, Copy, Debug)]
enum End {
	Verified,
	Unverified,
	Failed(pallet_jobs::FailureReason),
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
	let mut args = std::env::args().skip(1);
	let jobs: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(300);
	let workers: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3);
	let workers = workers.clamp(3, WORKER_KEYS.len());
	let tasks: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(300_000);
	let code = wat::parse_str(TINY)?;
	println!("starting a dev chain and {workers} workers...");
	let mut market =
		DevMarket::start(MarketConfig { programs: vec![code.clone()], ..Default::default() }).await;
	register_workers(&market.url(), &WORKER_KEYS[..workers])?;
	market.start_workers(&WORKER_KEYS[..workers], &["--parallel", WORKER_CAPACITY]).await;
	let client = &market.client;

	let mut latencies = Vec::new();
	for _ in 0..3 {
		let (submitted, ids) =
			submit(client, &market.ctx, &Sr25519Keyring::Alice.pair(), &code, 1).await?;
		let id = ids[0];
		let seen = follow(client, &HashMap::from([(id, submitted)]), submitted).await?;
		let (end, ended) = seen.ends[&id];
		let published = seen.stages.get(&(id, Stage::Published)).copied().unwrap_or(ended);
		latencies.push((published - submitted, ended - submitted, end));
	}
	for (published, verified, end) in &latencies {
		println!("latency (idle chain, 3 replicas): output published {published} blocks after the submission's block, {end:?} {verified} blocks after");
	}

	let requesters = fund_requesters(&market).await?;
	if jobs > 0 {
		singles(&market, &requesters, &code, jobs, workers).await?;
	}
	if tasks > 0 {
		batches(&market, &requesters, &code, tasks).await?;
	}
	Ok(())
}

/// `jobs` tiny jobs submitted at once by the requesters: verified jobs/s, blocks per job
/// and block fullness.
async fn singles(
	market: &DevMarket,
	requesters: &[sr25519::Pair],
	code: &[u8],
	jobs: u32,
	workers: usize,
) -> Result<()> {
	let client = &market.client;
	let started = Instant::now();
	let per_requester = jobs.div_ceil(REQUESTERS);
	let submissions = requesters.iter().enumerate().map(|(i, pair)| {
		let count = per_requester.min(jobs.saturating_sub(i as u32 * per_requester));
		submit_all(client, &market.ctx, pair, code, count)
	});
	let submitted: Vec<Vec<(BlockNumber, u64)>> =
		futures::future::try_join_all(submissions).await?;
	let submitted: HashMap<u64, BlockNumber> =
		submitted.into_iter().flatten().map(|(b, id)| (id, b)).collect();
	println!("submitted {} jobs in {:.1} s", submitted.len(), started.elapsed().as_secs_f64());
	let first = *submitted.values().min().ok_or("nothing submitted")?;
	let Followed { ends, fullness, last, stages } = follow(client, &submitted, first).await?;
	let elapsed = started.elapsed();
	let verified = ends.values().filter(|(end, _)| matches!(end, End::Verified)).count();
	let blocks = last - first + 1;
	let mut took: Vec<BlockNumber> = ends.iter().map(|(id, (_, at))| at - submitted[id]).collect();
	took.sort_unstable();
	let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len().max(1) as f64;
	println!(
		"throughput: {verified} of {} jobs verified ({} unverified, {} failed) with {workers} \
		 workers in {blocks} blocks, {:.1} s: {:.2} verified jobs/s, {:.1} per block",
		ends.len(),
		ends.values().filter(|(end, _)| matches!(end, End::Unverified)).count(),
		ends.values().filter(|(end, _)| matches!(end, End::Failed(_))).count(),
		elapsed.as_secs_f64(),
		verified as f64 / elapsed.as_secs_f64(),
		verified as f64 / blocks as f64,
	);
	println!(
		"blocks from submission to settlement: median {}, max {}",
		took.get(took.len() / 2).copied().unwrap_or_default(),
		took.last().copied().unwrap_or_default()
	);
	// Where jobs wait: the median blocks from the previous stage (the submission first).
	let waits: Vec<String> = Stage::ALL
		.iter()
		.enumerate()
		.map(|(i, stage)| {
			let mut waits: Vec<BlockNumber> = submitted
				.iter()
				.filter_map(|(id, at)| {
					let since = match i {
						0 => *at,
						_ => *stages.get(&(*id, Stage::ALL[i - 1]))?,
					};
					Some(stages.get(&(*id, *stage))? - since)
				})
				.collect();
			waits.sort_unstable();
			format!("{stage:?} {}", waits.get(waits.len() / 2).copied().unwrap_or_default())
		})
		.collect();
	println!("median blocks from the previous stage (the submission first): {}", waits.join(", "));
	let totals: Vec<f64> = fullness.iter().map(Fullness::total).collect();
	let (fullest, most) = fullness
		.iter()
		.enumerate()
		.max_by(|a, b| a.1.total().total_cmp(&b.1.total()))
		.map(|(i, full)| (first + i as BlockNumber, *full))
		.unwrap_or_default();
	println!(
		"block fullness (weight used / max): mean {:.1} %, max {:.1} % (block {fullest}: hooks \
		 and inherents {:.1} %, normal {:.1} %, operational {:.1} %)",
		100.0 * mean(&totals),
		100.0 * most.total(),
		100.0 * most.mandatory,
		100.0 * most.normal,
		100.0 * most.operational,
	);
	Ok(())
}

/// Most tasks of a batch job, and the price per fuel that offers each replica the price
/// floor for a batch of them.
fn batch_terms() -> (u32, u128) {
	let max_tasks = <<Runtime as pallet_jobs::Config>::MaxTasks as Get<u32>>::get();
	let floor = <<Runtime as pallet_jobs::Config>::MinReplicaPayment as Get<u128>>::get();
	(max_tasks, floor.div_ceil(u128::from(FUEL) * u128::from(max_tasks)))
}

/// `tasks` tiny tasks as batch jobs of `MaxTasks` tasks, one per requester at a time:
/// verified tasks per second and blocks per batch.
async fn batches(
	market: &DevMarket,
	requesters: &[sr25519::Pair],
	code: &[u8],
	tasks: u32,
) -> Result<()> {
	let client = &market.client;
	let (per_batch, price) = batch_terms();
	// One blob of empty task inputs serves every batch (content-addressed).
	let mut inputs = codec::Encode::encode(&codec::Compact(per_batch));
	inputs.resize(inputs.len() + per_batch as usize, 0);
	let blob = sp_core::H256(sp_crypto_hashing::blake2_256(&inputs));
	let upload = pallet_jobs::Call::upload_blob { data: inputs };
	market.send(Sr25519Keyring::Alice, RuntimeCall::Jobs(upload)).await;
	let jobs = tasks.div_ceil(per_batch);
	let deadline = chain::best_number(client).await? + 1_000;
	let spec = {
		let mut spec = tx::job_spec(code, b"", FUEL, price, deadline);
		spec.input = pallet_jobs::JobInput::Blob(blob);
		spec.tasks = per_batch;
		spec.max_output_len = 8;
		spec
	};
	let started = Instant::now();
	// Each requester submits its share in one extrinsic (one nonce each).
	let share = |i: usize| (i..jobs as usize).step_by(requesters.len()).count();
	let submissions = requesters
		.iter()
		.enumerate()
		.filter(|(i, _)| share(*i) > 0)
		.map(|(i, pair)| submit_specs(client, &market.ctx, pair, vec![spec.clone(); share(i)]));
	let submitted: Vec<(BlockNumber, Vec<u64>)> =
		futures::future::try_join_all(submissions).await?;
	let submitted: HashMap<u64, BlockNumber> = submitted
		.into_iter()
		.flat_map(|(block, ids)| ids.into_iter().map(move |id| (id, block)))
		.collect();
	let first = *submitted.values().min().ok_or("nothing submitted")?;
	let Followed { ends, last, .. } = follow(client, &submitted, first).await?;
	let elapsed = started.elapsed();
	let verified = ends.values().filter(|(end, _)| matches!(end, End::Verified)).count();
	let verified_tasks = verified as u64 * u64::from(per_batch);
	let mut took: Vec<BlockNumber> = ends.iter().map(|(id, (_, at))| at - submitted[id]).collect();
	took.sort_unstable();
	let failures: Vec<_> = ends
		.values()
		.filter_map(|(end, _)| match end {
			End::Failed(reason) => Some(reason),
			_ => None,
		})
		.collect();
	if let Some(reason) = failures.first() {
		println!("batches: {} failed, the first {reason:?}", failures.len());
	}
	println!(
		"batches: {verified} of {jobs} batch jobs of {per_batch} tasks verified ({verified_tasks} \
		 tasks) in {} blocks, {:.1} s: {:.0} verified tasks/s; blocks from submission to \
		 settlement: median {}, max {}",
		last - first + 1,
		elapsed.as_secs_f64(),
		verified_tasks as f64 / elapsed.as_secs_f64(),
		took.get(took.len() / 2).copied().unwrap_or_default(),
		took.last().copied().unwrap_or_default()
	);
	Ok(())
}

/// Submit `count` tiny jobs as `pair` in one `batch_all`; returns the including block and
/// the jobs' ids.
async fn submit(
	client: &WsClient,
	ctx: &ChainContext,
	pair: &sr25519::Pair,
	code: &[u8],
	count: u32,
) -> Result<(BlockNumber, Vec<u64>)> {
	let deadline = chain::best_number(client).await? + 1_000;
	let specs = (0..count).map(|_| tx::job_spec(code, b"", FUEL, PRICE, deadline)).collect();
	submit_specs(client, ctx, pair, specs).await
}

/// Submit `specs` as `pair` in one `batch_all`; returns the including block and the
/// jobs' ids.
async fn submit_specs(
	client: &WsClient,
	ctx: &ChainContext,
	pair: &sr25519::Pair,
	specs: Vec<pallet_jobs::JobSpecOf<Runtime>>,
) -> Result<(BlockNumber, Vec<u64>)> {
	let account = AccountId::from(pair.public());
	let calls = specs.into_iter().map(tx::submit_job_call).collect();
	let batch = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls });
	let nonce = tx::next_nonce(client, &account).await?;
	let extrinsic = tx::signed_extrinsic(ctx, batch, &account, pair, nonce, 0);
	let inclusion = tx::submit_and_watch(client, &extrinsic).await?;
	if let Some(error) = inclusion.error {
		return Err(error.into());
	}
	let number = chain::header(client, Some(inclusion.block)).await?.number;
	let ids = inclusion
		.events
		.iter()
		.filter_map(|event| match event {
			RuntimeEvent::Jobs(pallet_jobs::Event::JobSubmitted { job, .. }) => Some(*job),
			_ => None,
		})
		.collect();
	Ok((number, ids))
}

/// Errors after which a batch is submitted again: the queue is full (`QueueFull`,
/// `TooManyQueued`), or the pool has not let go of the last one.
const RETRIED: [&str; 4] = ["Queue", "Already Imported", "Priority is too low", "Stale"];

/// Submit `count` jobs as `pair`, `MaxQueuedPerAccount` at a time, retrying a batch the
/// queue has no room for yet a block later.
async fn submit_all(
	client: &WsClient,
	ctx: &ChainContext,
	pair: &sr25519::Pair,
	code: &[u8],
	count: u32,
) -> Result<Vec<(BlockNumber, u64)>> {
	let per_batch = <<Runtime as pallet_jobs::Config>::MaxQueuedPerAccount as Get<u32>>::get();
	let mut submitted = Vec::new();
	while (submitted.len() as u32) < count {
		let n = per_batch.min(count - submitted.len() as u32);
		match submit(client, ctx, pair, code, n).await {
			Ok((block, ids)) => submitted.extend(ids.into_iter().map(|id| (block, id))),
			// No room in the queue yet, or the pool still holds this requester's last batch
			// (24 of them submitting at once): a block later, with a fresh nonce.
			Err(error) if RETRIED.iter().any(|e| error.to_string().contains(e)) => {
				tokio::time::sleep(Duration::from_secs(2)).await;
			},
			Err(error) => return Err(error),
		}
	}
	Ok(submitted)
}

/// Registers each worker with `WORKER_BOND` and `WORKER_CAPACITY` slots (`povc-worker
/// register`, all at once), before `run --register` finds it registered.
fn register_workers(node: &str, keys: &[&str]) -> Result<()> {
	let registering: Vec<_> = keys
		.iter()
		.map(|key| {
			std::process::Command::new(povc_e2e::worker::worker_binary())
				.args(["register", "--node", node, "--bond", WORKER_BOND])
				.args(["--capacity", WORKER_CAPACITY])
				.env("POVC_KEY", key)
				.env("RUST_LOG", "error")
				.spawn()
		})
		.collect::<std::io::Result<_>>()?;
	for (mut child, key) in registering.into_iter().zip(keys) {
		let status = child.wait()?;
		if !status.success() {
			return Err(format!("povc-worker register {key}: {status}").into());
		}
	}
	Ok(())
}

/// The requesters, funded by Alice in one batch.
async fn fund_requesters(market: &DevMarket) -> Result<Vec<sr25519::Pair>> {
	let pairs: Vec<sr25519::Pair> = (0..REQUESTERS)
		.map(|i| sr25519::Pair::from_string(&format!("//Alice//bench//{i}"), None))
		.collect::<std::result::Result<_, _>>()
		.map_err(|e| format!("a requester key: {e:?}"))?;
	let calls = pairs
		.iter()
		.map(|pair| tx::transfer_call(&AccountId::from(pair.public()), 10_000 * UNIT))
		.collect();
	market
		.send(
			Sr25519Keyring::Alice,
			RuntimeCall::Utility(pallet_utility::Call::batch_all { calls }),
		)
		.await;
	Ok(pairs)
}

/// How full a block was: its weight used by class, as shares of the block's maximum.
#[derive(Clone, Copy, Default)]
struct Fullness {
	/// Hooks and inherents.
	mandatory: f64,
	normal: f64,
	operational: f64,
}

impl Fullness {
	fn total(&self) -> f64 {
		self.mandatory + self.normal + self.operational
	}
}

/// The events of block `number` and how full it was.
async fn block(client: &WsClient, number: BlockNumber) -> Result<(Vec<RuntimeEvent>, Fullness)> {
	let hash = chain::block_hash(client, number).await?.ok_or("a block is missing")?;
	let events = chain::events(client, hash).await?.into_iter().map(|r| r.event).collect();
	let key = frame_system::BlockWeight::<Runtime>::hashed_key();
	let Some(bytes) = chain::storage(client, &key, Some(hash)).await? else {
		return Ok((events, Fullness::default()));
	};
	let used = PerDispatchClass::<Weight>::decode(&mut &bytes[..])?;
	let max = <Runtime as frame_system::Config>::BlockWeights::get().max_block.ref_time() as f64;
	let share = |weight: &Weight| weight.ref_time() as f64 / max;
	let fullness = Fullness {
		mandatory: share(used.get(DispatchClass::Mandatory)),
		normal: share(used.get(DispatchClass::Normal)),
		operational: share(used.get(DispatchClass::Operational)),
	};
	Ok((events, fullness))
}

/// The job an event ends, and how.
fn ending(event: &pallet_jobs::Event<Runtime>) -> Option<(u64, End)> {
	match event {
		pallet_jobs::Event::JobVerified { job, .. } => Some((*job, End::Verified)),
		pallet_jobs::Event::JobUnverified { job, .. } => Some((*job, End::Unverified)),
		pallet_jobs::Event::JobFailed { job, reason } => Some((*job, End::Failed(*reason))),
		_ => None,
	}
}

/// The steps of a job's life before it ends, each the first block it reached them in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Stage {
	/// A replica was drawn.
	Drawn,
	/// Every replica committed: the reveal started.
	Committed,
	/// Every replica revealed and they agreed: the output was asked for.
	Revealed,
	/// A replica published the output.
	Published,
}

impl Stage {
	const ALL: [Self; 4] = [Self::Drawn, Self::Committed, Self::Revealed, Self::Published];

	fn of(event: &pallet_jobs::Event<Runtime>) -> Option<(u64, Self)> {
		use pallet_jobs::Event::*;
		match event {
			WorkerAssigned { job, role: pallet_jobs::Role::Replica, .. } => {
				Some((*job, Self::Drawn))
			},
			RevealStarted { job, .. } => Some((*job, Self::Committed)),
			OutputRequested { job, .. } => Some((*job, Self::Revealed)),
			OutputPublished { job, .. } => Some((*job, Self::Published)),
			_ => None,
		}
	}
}

/// What [`follow`] saw.
struct Followed {
	/// How each job ended, and in which block.
	ends: HashMap<u64, (End, BlockNumber)>,
	/// The first block of each stage a job reached (its output published: `Stage::Published`).
	stages: HashMap<(u64, Stage), BlockNumber>,
	/// Each block's fullness, from the first block on.
	fullness: Vec<Fullness>,
	/// The block in which the last job ended.
	last: BlockNumber,
}

/// Follow blocks from `first` until every job of `submitted` ended (within an hour).
async fn follow(
	client: &WsClient,
	submitted: &HashMap<u64, BlockNumber>,
	first: BlockNumber,
) -> Result<Followed> {
	let mut seen = Followed {
		ends: HashMap::new(),
		stages: HashMap::new(),
		fullness: Vec::new(),
		last: first,
	};
	let mut number = first;
	let deadline = Instant::now() + Duration::from_secs(3_600);
	while seen.ends.len() < submitted.len() {
		if Instant::now() > deadline {
			let ended = seen.ends.len();
			return Err(format!("{ended} of {} jobs ended within an hour", submitted.len()).into());
		}
		if number > chain::best_number(client).await? {
			tokio::time::sleep(Duration::from_millis(200)).await;
			continue;
		}
		let (events, full) = block(client, number).await?;
		seen.fullness.push(full);
		for event in events {
			let RuntimeEvent::Jobs(event) = event else { continue };
			if let Some((job, stage)) = Stage::of(&event) {
				seen.stages.entry((job, stage)).or_insert(number);
			} else if let Some((job, end)) = ending(&event) {
				if submitted.contains_key(&job) {
					seen.ends.insert(job, (end, number));
				}
			}
		}
		seen.last = number;
		number += 1;
	}
	Ok(seen)
}
