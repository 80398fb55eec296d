//! The short run of the incentive-security table: every row, fewer jobs. The full run is
//! `scripts/bench-incentives.sh`.

use povc_incentives::{run_table, scenario::Scenario, tally};

/// Jobs per row: enough for every strategy to meet disputes, audits and all-attacker
/// draws at f = 0.33.
const JOBS: u64 = 500;

#[test]
fn every_row_of_the_table_holds_its_bounds() {
	let rows = run_table(&Scenario::table(), JOBS, 2);
	println!("{}", tally::HEADER);
	for row in &rows {
		println!("{}", tally::markdown(row));
	}
	let broken: Vec<String> = rows
		.iter()
		.flat_map(|row| {
			row.violations().into_iter().map(move |v| {
				format!(
					"{} f={:.2} R={}: {v}",
					row.scenario.strategy,
					row.scenario.f(),
					row.scenario.replicas
				)
			})
		})
		.collect();
	assert!(broken.is_empty(), "bounds broken:\n{}", broken.join("\n"));
	for row in &rows {
		assert!(row.tally.jobs >= JOBS, "{:?} ran {} jobs", row.scenario, row.tally.jobs);
	}
}
