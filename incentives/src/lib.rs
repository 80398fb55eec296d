//! The incentive-security table of povc, measured on the real runtime.
//!
//! Each row of the table is a market of honest and attacking requesters, workers,
//! referees and validators ([`scenario`]) run natively on the povc runtime, block by block,
//! through thousands of jobs ([`sim`]); every block ends with every pallet's `try_state`
//! and the conservation of balances checked. The attacker holds a share f of the bonded
//! stake, one requester and one validator, sees every assignment and follows one
//! [`Strategy`] ([`behaviour`]). What the row measures and the bounds it is held to are in
//! [`tally`].
//!
//! A row is simulated in shards: independent markets of a few hundred jobs each, whose
//! counts add up. That keeps each block's invariant checks (which read every stored job)
//! cheap, and lets shards run in parallel.

pub mod behaviour;
pub mod scenario;
pub mod sim;
pub mod tally;
pub mod world;

pub use scenario::{Scenario, Strategy};
pub use tally::{Row, Tally};

use std::sync::{atomic::AtomicUsize, atomic::Ordering, Mutex};

/// Jobs per shard.
pub const SHARD_JOBS: u64 = 500;

/// Simulates one shard of `scenario` with `jobs` jobs.
pub fn run_shard(scenario: Scenario, shard: u64, jobs: u64) -> Tally {
	let mut ext = world::genesis();
	ext.execute_with(|| sim::Sim::new(scenario, shard).run(jobs))
}

/// Simulates every scenario with at least `jobs` jobs each, on `threads` threads, and
/// returns the rows in the order given, each with its honest baseline's cost per score.
pub fn run_table(scenarios: &[Scenario], jobs: u64, threads: usize) -> Vec<Row> {
	let shards = jobs.div_ceil(SHARD_JOBS).max(1);
	let per_shard = jobs.div_ceil(shards);
	// The baselines first: every row needs its replicas' honest cost.
	let mut all: Vec<Scenario> = scenario::REPLICAS
		.iter()
		.map(|r| Scenario::new(Strategy::Honest, 0.0, *r))
		.filter(|baseline| !scenarios.contains(baseline))
		.collect();
	all.extend_from_slice(scenarios);
	let tasks: Vec<(usize, u64)> =
		(0..all.len()).flat_map(|row| (0..shards).map(move |shard| (row, shard))).collect();
	let tallies = Mutex::new(vec![Tally::default(); all.len()]);
	let next = AtomicUsize::new(0);
	std::thread::scope(|scope| {
		for _ in 0..threads.max(1) {
			scope.spawn(|| loop {
				let Some(&(row, shard)) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) else {
					break;
				};
				// Distinct seeds per row and shard; the same on every run.
				let seed = (row as u64) << 32 | shard;
				let tally = run_shard(all[row], seed, per_shard);
				tallies.lock().expect("no thread panicked holding it")[row].add(&tally);
			});
		}
	});
	let tallies = tallies.into_inner().expect("no thread panicked holding it");
	let baseline = |replicas: u8| {
		all.iter()
			.position(|s| s.strategy == Strategy::Honest && s.replicas == replicas)
			.and_then(|i| tallies[i].honest_cost_per_score())
	};
	scenarios
		.iter()
		.map(|scenario| {
			let i = all.iter().position(|s| s == scenario).expect("simulated");
			Row {
				scenario: *scenario,
				tally: tallies[i].clone(),
				honest_cost_per_score: baseline(scenario.replicas),
			}
		})
		.collect()
}
