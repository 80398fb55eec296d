//! `povc-incentives`: prints the incentive-security table and fails when a row breaks its
//! bounds.
//!
//!   povc-incentives [--jobs N] [--threads T] [--strategy NAME]...

use povc_incentives::{scenario::Scenario, tally, Strategy};
use std::process::ExitCode;

fn main() -> ExitCode {
	let mut jobs: u64 = 10_000;
	let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
	let mut only: Vec<Strategy> = Vec::new();
	let mut args = std::env::args().skip(1);
	while let Some(arg) = args.next() {
		let value = args.next();
		let parsed = match (arg.as_str(), value.as_deref()) {
			("--jobs", Some(v)) => v.parse().map(|v| jobs = v).is_ok(),
			("--threads", Some(v)) => v.parse().map(|v| threads = v).is_ok(),
			("--strategy", Some(v)) => Strategy::from_name(v).map(|s| only.push(s)).is_some(),
			_ => false,
		};
		if !parsed {
			let names: Vec<_> = Strategy::ALL.iter().map(|s| s.name()).collect();
			eprintln!(
				"usage: povc-incentives [--jobs N] [--threads T] [--strategy NAME]...\n\
				 (bad or missing value for {arg}; strategies: {})",
				names.join(", ")
			);
			return ExitCode::from(2);
		}
	}
	let scenarios: Vec<Scenario> = Scenario::table()
		.into_iter()
		.filter(|s| only.is_empty() || only.contains(&s.strategy))
		.collect();
	let started = std::time::Instant::now();
	let rows = povc_incentives::run_table(&scenarios, jobs, threads);
	println!("{}", tally::HEADER);
	let mut broken = 0;
	for row in &rows {
		println!("{}", tally::markdown(row));
	}
	for row in &rows {
		for violation in row.violations() {
			broken += 1;
			eprintln!(
				"BOUND BROKEN: {} f={:.2} R={}: {violation}",
				row.scenario.strategy,
				row.scenario.f(),
				row.scenario.replicas
			);
		}
	}
	let total: u64 = rows.iter().map(|r| r.tally.jobs).sum();
	eprintln!(
		"povc-incentives: {} rows, {total} jobs, {:.0} s, {broken} bounds broken",
		rows.len(),
		started.elapsed().as_secs_f64()
	);
	if broken > 0 {
		ExitCode::FAILURE
	} else {
		ExitCode::SUCCESS
	}
}
