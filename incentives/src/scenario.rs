//! What a row of the table simulates: an attacker strategy, the attacker's share of the
//! bonded stake and the replicas per job.

use core::fmt;

/// Workers in every simulated market, all bonded equally: an attacker with share `f` of
/// the bonded stake runs `round(f × WORKERS)` of them.
pub const WORKERS: u32 = 60;

/// The attacker's shares of bonded stake the table covers.
pub const ATTACKER_SHARES: [f64; 3] = [0.1, 0.2, 0.33];

/// The bond increments, in planck, a re-rolling attacker tries (`bond_more(δ)` for δ =
/// 1..=`REROLL_BONDS`), besides pausing or resuming each of its workers.
pub const REROLL_BONDS: u128 = 64;

/// The replica counts the table covers.
pub const REPLICAS: [u8; 2] = [3, 5];

/// What the attacker does. It controls its workers, one requester and one validator
/// (whose referees are its workers) completely, and sees every job's assignments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strategy {
	/// Nobody attacks: the baseline for honest cost and latency.
	Honest,
	/// Every attacker worker, in every role, commits to one coordinated wrong output.
	LieAlways,
	/// Lie only when every replica of a job is the attacker's (and, as referee or auditor,
	/// back such a lie); compute honestly otherwise.
	LieWhenAlone,
	/// When every replica is the attacker's, claim the job's whole fuel limit for an
	/// output never computed (and back the claim as auditor or referee).
	ClaimFuel,
	/// The attacker's requester pays for jobs to earn its workers score; its workers
	/// compute honestly.
	SelfDeal,
	/// As auditor, copy the published output instead of re-running the job; as referee
	/// (nothing to copy), abstain.
	CopyAudits,
	/// The attacker's requester floods the queue with sleep bombs (jobs no worker finishes
	/// in time) and tries impossible specs; its replicas commit and then withhold their
	/// reveals.
	Grief,
	/// Attacker workers never commit, in any role.
	NoShow,
	/// All at once: self-dealing with fuel claims when alone, lies when alone, copied
	/// audits, abstaining referees, sleep bombs among its jobs.
	Combined,
	/// "A thin class is a private class": Root allows a second class and every attacker
	/// worker registers in it, alone. Lies when every replica is its own.
	OwnClass,
	/// Re-rolls the draws: in each block it authors (a share f of blocks), it tries
	/// `bond_more(δ)` for δ = 1..=`REROLL_BONDS` and pausing or resuming each of its
	/// workers against the next block's draws (whose randomness it knows), and makes the
	/// change that gives it the most jobs whose replicas are all its own. Lies when every
	/// replica is its own.
	ReRoll,
	/// Its workers declare `MaxCapacity` slots while honest ones declare their
	/// `CAPACITY`, but serve only `CAPACITY` jobs at once: beyond that they abstain.
	/// Computes honestly otherwise.
	OverDeclare,
}

impl Strategy {
	/// Every strategy, baseline first.
	pub const ALL: [Strategy; 12] = [
		Strategy::Honest,
		Strategy::LieAlways,
		Strategy::LieWhenAlone,
		Strategy::ClaimFuel,
		Strategy::SelfDeal,
		Strategy::CopyAudits,
		Strategy::Grief,
		Strategy::NoShow,
		Strategy::Combined,
		Strategy::OwnClass,
		Strategy::ReRoll,
		Strategy::OverDeclare,
	];

	/// Whether the attacker's requester submits jobs of its own.
	pub fn submits_jobs(self) -> bool {
		matches!(
			self,
			Strategy::ClaimFuel | Strategy::SelfDeal | Strategy::Grief | Strategy::Combined
		)
	}

	/// Whether the row buys score by paying for its own jobs (and so is held to the
	/// bound: attacker cost per unit of score ≥ honest cost).
	pub fn self_deals(self) -> bool {
		matches!(self, Strategy::ClaimFuel | Strategy::SelfDeal | Strategy::Combined)
	}

	/// Whether the row attacks the draw itself (and so reports its share of replica seats
	/// and of jobs whose replicas are all its own).
	pub fn attacks_draws(self) -> bool {
		matches!(self, Strategy::OwnClass | Strategy::ReRoll | Strategy::OverDeclare)
	}

	/// The name used on the command line and in the table.
	pub fn name(self) -> &'static str {
		match self {
			Strategy::Honest => "honest",
			Strategy::LieAlways => "lie-always",
			Strategy::LieWhenAlone => "lie-when-alone",
			Strategy::ClaimFuel => "claim-fuel",
			Strategy::SelfDeal => "self-deal",
			Strategy::CopyAudits => "copy-audits",
			Strategy::Grief => "grief",
			Strategy::NoShow => "no-show",
			Strategy::Combined => "combined",
			Strategy::OwnClass => "own-class",
			Strategy::ReRoll => "re-roll",
			Strategy::OverDeclare => "over-declare",
		}
	}

	pub fn from_name(name: &str) -> Option<Strategy> {
		Strategy::ALL.into_iter().find(|s| s.name() == name)
	}
}

impl fmt::Display for Strategy {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(self.name())
	}
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scenario {
	pub strategy: Strategy,
	/// The attacker's workers (of [`WORKERS`], bonded equally).
	pub attacker_workers: u32,
	pub replicas: u8,
}

impl Scenario {
	/// `strategy` with share `f` of the bonded stake (none for the honest baseline).
	pub fn new(strategy: Strategy, f: f64, replicas: u8) -> Scenario {
		let attacker_workers =
			if strategy == Strategy::Honest { 0 } else { (f * f64::from(WORKERS)).round() as u32 };
		Scenario { strategy, attacker_workers, replicas }
	}

	/// The attacker's share of the bonded stake.
	pub fn f(&self) -> f64 {
		f64::from(self.attacker_workers) / f64::from(WORKERS)
	}

	/// Every row of the table: the honest baseline per replica count, then each strategy
	/// at each share and replica count.
	pub fn table() -> Vec<Scenario> {
		let mut rows = Vec::new();
		for replicas in REPLICAS {
			rows.push(Scenario::new(Strategy::Honest, 0.0, replicas));
		}
		for strategy in Strategy::ALL.into_iter().skip(1) {
			for f in ATTACKER_SHARES {
				for replicas in REPLICAS {
					rows.push(Scenario::new(strategy, f, replicas));
				}
			}
		}
		rows
	}
}
