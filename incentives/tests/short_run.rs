//! The short run of the incentive-security table: every row, fewer jobs. The full run is
//! `scripts/bench-incentives.sh`.

use povc_incentives::{run_table, scenario::Scenario, tally, Strategy};

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
	for strategy in Strategy::ALL {
		assert!(rows.iter().any(|r| r.scenario.strategy == strategy), "no {strategy} row");
	}
	// The draw attacks' rows pass their bound only meaningfully if the attacker's workers
	// are in the draws at all (its own class is drawn from, its over-declared workers are
	// accepted): it must hold about its share of seats.
	for row in rows.iter().filter(|r| r.scenario.strategy.attacks_draws()) {
		let (share, f) = (row.seat_share(), row.scenario.f());
		assert!(share > f / 2.0, "{:?}: {share:.3} of seats for f = {f:.2}", row.scenario);
	}
	// The re-roller really tried its variants against the next block's draws, and the
	// trials were sensitive to what it changed (a pause turns its candidate down at once);
	// whatever the best variants gained is held to the bound above.
	let rerolls = rows.iter().filter(|r| r.scenario.strategy == Strategy::ReRoll);
	let (mut blocks, mut differed) = (0, 0);
	for row in rerolls {
		blocks += row.tally.reroll_blocks;
		differed += row.tally.reroll_differed;
	}
	assert!(blocks > 0 && differed > 0, "{blocks} re-roll blocks, {differed} variants differed");
}
