//! What a simulation counts, and the row of the table it makes: the figures, the bounds
//! they are held to and whether they hold.

use crate::{
	scenario::{Scenario, Strategy},
	world::CAPACITY,
};
use povc_runtime::{Balance, UNIT};

/// Counts of one simulated market (summed over a row's shards).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
	/// Jobs submitted that ended (verified, failed or cancelled).
	pub jobs: u64,
	/// Jobs still open when the simulation stopped (should be none).
	pub unfinished: u64,
	pub verified: u64,
	/// Verified with a result no honest run gives.
	pub wrong_verified: u64,
	/// Jobs of honest requesters, those that failed, and their blocks from submission to
	/// their end, summed.
	pub honest_jobs: u64,
	pub honest_failed: u64,
	pub honest_blocks: u64,
	/// Honest submissions the chain refused (a full queue).
	pub honest_refused: u64,
	/// Slashes of honest workers that took bond (count and amount), and what attacker
	/// workers lost. A verdict against an honest worker that takes no bond (a
	/// `WrongResultSlash` of 0) is a reputation fault, counted apart.
	pub honest_slashes: u64,
	pub honest_faults: u64,
	pub honest_slashed: Balance,
	pub attacker_slashed: Balance,
	/// Honest workers' calls the chain refused (a simulation bug if any).
	pub honest_call_failures: u64,
	/// Impossible specs the chain refused at submission.
	pub refused_specs: u64,
	/// Audits an attacker passed (and was paid for) without running the job.
	pub unrun_audits_paid: u64,
	/// Compute spent (fuel run × the job's price) by each side.
	pub attacker_compute: Balance,
	pub honest_compute: Balance,
	/// Tokens each side lost (negative: gained), all its accounts together.
	pub attacker_spent: i128,
	pub honest_spent: i128,
	/// Score each side's validators gained.
	pub attacker_score: u128,
	pub honest_score: u128,
	/// On the attacker's own jobs: what its requester paid out (and burned) less what its
	/// workers received, plus the compute they ran; and the score they earned its
	/// validator.
	pub self_deal_cost: i128,
	pub self_deal_score: u128,
	/// Blocks simulated.
	pub blocks: u64,
	/// Jobs whose replicas were drawn, and those whose first draw gave every replica to
	/// the attacker.
	pub drawn: u64,
	pub all_replica_jobs: u64,
	/// Replica seats assigned (replacements included), and those the attacker's.
	pub replica_seats: u64,
	pub attacker_replica_seats: u64,
	/// Re-roll: blocks the attacker authored and tried variants in, variants tried, blocks
	/// where some variant beat making no change, and the jobs with every replica its own
	/// those variants gained in all.
	pub reroll_blocks: u64,
	pub reroll_variants: u64,
	/// Variants whose trial gave another count than making no change (either way): the
	/// trials see what live state a draw reads.
	pub reroll_differed: u64,
	pub reroll_better: u64,
	pub reroll_gained: u64,
	/// Re-roll blocks whose draws differed from what the attacker's trial predicted (a
	/// simulation bug if any: the trial is the next block's hook on the same state).
	pub reroll_mispredicted: u64,
	/// Over-declare: jobs an attacker worker abstained from because it held more than it
	/// serves, and the most open assignments one attacker worker held.
	pub over_capacity_abstentions: u64,
	pub attacker_peak_open: u32,
}

impl Tally {
	pub fn add(&mut self, other: &Tally) {
		self.jobs += other.jobs;
		self.unfinished += other.unfinished;
		self.verified += other.verified;
		self.wrong_verified += other.wrong_verified;
		self.honest_jobs += other.honest_jobs;
		self.honest_failed += other.honest_failed;
		self.honest_blocks += other.honest_blocks;
		self.honest_refused += other.honest_refused;
		self.honest_slashes += other.honest_slashes;
		self.honest_faults += other.honest_faults;
		self.honest_slashed += other.honest_slashed;
		self.attacker_slashed += other.attacker_slashed;
		self.honest_call_failures += other.honest_call_failures;
		self.refused_specs += other.refused_specs;
		self.unrun_audits_paid += other.unrun_audits_paid;
		self.attacker_compute += other.attacker_compute;
		self.honest_compute += other.honest_compute;
		self.attacker_spent += other.attacker_spent;
		self.honest_spent += other.honest_spent;
		self.attacker_score += other.attacker_score;
		self.honest_score += other.honest_score;
		self.self_deal_cost += other.self_deal_cost;
		self.self_deal_score += other.self_deal_score;
		self.blocks += other.blocks;
		self.drawn += other.drawn;
		self.all_replica_jobs += other.all_replica_jobs;
		self.replica_seats += other.replica_seats;
		self.attacker_replica_seats += other.attacker_replica_seats;
		self.reroll_blocks += other.reroll_blocks;
		self.reroll_variants += other.reroll_variants;
		self.reroll_differed += other.reroll_differed;
		self.reroll_better += other.reroll_better;
		self.reroll_gained += other.reroll_gained;
		self.reroll_mispredicted += other.reroll_mispredicted;
		self.over_capacity_abstentions += other.over_capacity_abstentions;
		self.attacker_peak_open = self.attacker_peak_open.max(other.attacker_peak_open);
	}

	/// What a unit of score cost the attacker: tokens lost plus compute spent, per score.
	pub fn attacker_cost_per_score(&self) -> Option<f64> {
		cost_per_score(self.attacker_spent, self.attacker_compute, self.attacker_score)
	}

	/// What a unit of score bought by self-dealing cost the attacker.
	pub fn self_deal_cost_per_score(&self) -> Option<f64> {
		cost_per_score(self.self_deal_cost, 0, self.self_deal_score)
	}

	/// What a unit of score cost honest workers.
	pub fn honest_cost_per_score(&self) -> Option<f64> {
		cost_per_score(self.honest_spent, self.honest_compute, self.honest_score)
	}
}

fn cost_per_score(spent: i128, compute: Balance, score: u128) -> Option<f64> {
	(score > 0).then(|| (spent as f64 + compute as f64) / score as f64)
}

/// A row of the table with its bounds.
#[derive(Clone, Debug)]
pub struct Row {
	pub scenario: Scenario,
	pub tally: Tally,
	/// The honest cost per unit of score of the baseline with the same replicas.
	pub honest_cost_per_score: Option<f64>,
}

impl Row {
	/// f^R: the chance that every replica of a job is the attacker's, drawing by stake.
	pub fn all_replicas_chance(&self) -> f64 {
		self.scenario.f().powi(i32::from(self.scenario.replicas))
	}

	pub fn wrong_rate(&self) -> f64 {
		ratio(self.tally.wrong_verified, self.tally.jobs)
	}

	/// f^R + 3σ, σ the standard deviation of a rate of f^R over this many jobs.
	pub fn wrong_bound(&self) -> f64 {
		three_sigma_bound(self.all_replicas_chance(), self.tally.jobs)
	}

	/// The share of drawn jobs whose replicas were all the attacker's.
	pub fn all_replica_rate(&self) -> f64 {
		ratio(self.tally.all_replica_jobs, self.tally.drawn)
	}

	/// f^R + 3σ over the jobs drawn.
	pub fn all_replica_bound(&self) -> f64 {
		three_sigma_bound(self.all_replicas_chance(), self.tally.drawn)
	}

	/// The attacker's share of replica seats.
	pub fn seat_share(&self) -> f64 {
		ratio(self.tally.attacker_replica_seats, self.tally.replica_seats)
	}

	/// Attacker cost per unit of score ÷ honest cost (the baseline's).
	pub fn cost_ratio(&self) -> Option<f64> {
		Some(self.tally.attacker_cost_per_score()? / self.honest_cost_per_score?)
	}

	/// Self-dealing cost per unit of score ÷ honest cost (the baseline's).
	pub fn self_deal_ratio(&self) -> Option<f64> {
		Some(self.tally.self_deal_cost_per_score()? / self.honest_cost_per_score?)
	}

	/// The bounds this row breaks, if any.
	pub fn violations(&self) -> Vec<String> {
		let mut broken = Vec::new();
		let t = &self.tally;
		if t.honest_slashes > 0 {
			broken.push(format!("{} honest workers slashed", t.honest_slashes));
		}
		if self.wrong_rate() > self.wrong_bound() {
			broken.push(format!(
				"wrong results verified at {:.4} > f^R + 3σ = {:.4}",
				self.wrong_rate(),
				self.wrong_bound()
			));
		}
		// Whatever the strategy, the draw gives the attacker every replica of a job at the
		// rate of holding share f of the bond, and no more.
		if self.all_replica_rate() > self.all_replica_bound() {
			broken.push(format!(
				"every replica the attacker's in {:.4} of jobs > f^R + 3σ = {:.4}",
				self.all_replica_rate(),
				self.all_replica_bound()
			));
		}
		if t.drawn < t.jobs / 2 {
			broken.push(format!("only {} of {} jobs were drawn", t.drawn, t.jobs));
		}
		if t.reroll_mispredicted > 0 {
			broken.push(format!("{} re-roll trials mispredicted the draws", t.reroll_mispredicted));
		}
		if self.scenario.strategy.self_deals() {
			match self.self_deal_ratio() {
				Some(r) if r < 1.0 => {
					broken.push(format!("self-dealt score costs the attacker {r:.3}× honest"))
				},
				Some(_) => {},
				None => broken.push("self-dealing earned no score to measure".into()),
			}
		}
		if t.unfinished > 0 {
			broken.push(format!("{} jobs never ended", t.unfinished));
		}
		if t.honest_call_failures > 0 {
			broken.push(format!("{} honest calls refused", t.honest_call_failures));
		}
		broken
	}

	/// Strategy-specific figures for the notes column.
	pub fn notes(&self) -> String {
		let t = &self.tally;
		let mut notes = Vec::new();
		if let Some(ratio) = self.self_deal_ratio() {
			notes.push(format!("self-dealt score costs {ratio:.2}× honest"));
		}
		if self.scenario.strategy.attacks_draws() {
			notes.push(format!(
				"every replica its own in {}/{} jobs drawn = {:.4} (bound {:.4}); {:.1} % of \
				 replica seats for {:.1} % of bond",
				t.all_replica_jobs,
				t.drawn,
				self.all_replica_rate(),
				self.all_replica_bound(),
				100.0 * self.seat_share(),
				100.0 * self.scenario.f(),
			));
		}
		if t.reroll_blocks > 0 {
			notes.push(format!(
				"{} blocks authored, {} variants tried, {} changed the next draws' outcome, {} \
				 beat no change (+{} such jobs)",
				t.reroll_blocks,
				t.reroll_variants,
				t.reroll_differed,
				t.reroll_better,
				t.reroll_gained
			));
		}
		if self.scenario.strategy == Strategy::OverDeclare {
			notes.push(format!(
				"at most {} open jobs per attacker worker; {} abstained beyond {} slots",
				t.attacker_peak_open, t.over_capacity_abstentions, CAPACITY
			));
		}
		if t.honest_faults > 0 {
			notes.push(format!("{} reputation faults of honest workers", t.honest_faults));
		}
		if t.refused_specs > 0 {
			notes.push(format!("{} impossible specs refused", t.refused_specs));
		}
		if t.unrun_audits_paid > 0 {
			notes.push(format!("{} audits passed without running", t.unrun_audits_paid));
		}
		if t.honest_refused > 0 {
			notes.push(format!("{} honest submissions refused (queue full)", t.honest_refused));
		}
		notes.join("; ")
	}
}

/// `p` + 3σ, σ the standard deviation of a rate `p` over `n` trials.
fn three_sigma_bound(p: f64, n: u64) -> f64 {
	let n = n.max(1) as f64;
	p + 3.0 * (p * (1.0 - p) / n).sqrt()
}

fn ratio(part: u64, whole: u64) -> f64 {
	if whole == 0 {
		0.0
	} else {
		part as f64 / whole as f64
	}
}

/// The table's header, as Markdown.
pub const HEADER: &str = "| strategy | f | R | jobs | wrong verified | rate | f^R | bound f^R+3σ | attacker bond lost (POVC) | honest slashed | attacker cost/score ÷ honest | honest failed | honest latency (blocks) | notes |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

/// One row of the table, as Markdown.
pub fn markdown(row: &Row) -> String {
	let t = &row.tally;
	let ratio = match row.cost_ratio() {
		Some(r) => format!("{r:.2}"),
		None => "no score".into(),
	};
	let latency =
		if t.honest_jobs == 0 { 0.0 } else { t.honest_blocks as f64 / t.honest_jobs as f64 };
	format!(
		"| {} | {:.2} | {} | {} | {} | {:.4} | {:.4} | {:.4} | {:.1} | {} | {} | {} | {:.1} | {} |",
		row.scenario.strategy,
		row.scenario.f(),
		row.scenario.replicas,
		t.jobs,
		t.wrong_verified,
		row.wrong_rate(),
		row.all_replicas_chance(),
		row.wrong_bound(),
		t.attacker_slashed as f64 / UNIT as f64,
		t.honest_slashes,
		ratio,
		t.honest_failed,
		latency,
		row.notes(),
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn row(strategy: Strategy, drawn: u64, all_replica_jobs: u64) -> Row {
		let tally = Tally { jobs: drawn, drawn, all_replica_jobs, ..Tally::default() };
		Row { scenario: Scenario::new(strategy, 0.33, 3), tally, honest_cost_per_score: None }
	}

	#[test]
	fn every_replica_the_attackers_is_held_to_f_to_the_r() {
		// f = 20/60, R = 3: f^R = 0.037, 3σ over 2,000 jobs = 0.0127.
		let within = row(Strategy::OwnClass, 2_000, 99);
		assert!(within.violations().is_empty(), "{:?}", within.violations());
		// What one class per job drawn by stake gave: every replica in a share f of jobs.
		let private_class = row(Strategy::OwnClass, 2_000, 667);
		assert!(private_class.violations().iter().any(|v| v.contains("every replica")));
		// The bound holds for the older rows too.
		let lies = row(Strategy::LieWhenAlone, 2_000, 120);
		assert!(lies.violations().iter().any(|v| v.contains("every replica")));
	}

	#[test]
	fn a_row_whose_jobs_were_never_drawn_breaks() {
		let mut undrawn = row(Strategy::ReRoll, 0, 0);
		undrawn.tally.jobs = 500;
		assert!(undrawn.violations().iter().any(|v| v.contains("were drawn")));
	}
}
