//! What a simulation counts, and the row of the table it makes: the figures, the bounds
//! they are held to and whether they hold.

use crate::scenario::Scenario;
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
		let p = self.all_replicas_chance();
		let n = self.tally.jobs.max(1) as f64;
		p + 3.0 * (p * (1.0 - p) / n).sqrt()
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
