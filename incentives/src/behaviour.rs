//! What each worker does with a job it was assigned: honest workers run it (or abstain
//! when it cannot finish in time); attacking workers follow the row's strategy, knowing
//! which of the job's workers are theirs.

use crate::scenario::Strategy;
use pallet_jobs::{ExecutionResult, Role};
use povc_primitives::{ExecutionStatus, Fuel, JobId};
use sp_core::H256;

/// What a job really computes, as every honest run finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Truth {
	pub output: Vec<u8>,
	pub result: ExecutionResult,
}

impl Truth {
	pub fn new(output: Vec<u8>, fuel_used: Fuel, status: ExecutionStatus) -> Truth {
		let output_hash = H256(sp_crypto_hashing::blake2_256(&output));
		Truth { output, result: ExecutionResult { output_hash, fuel_used, status } }
	}
}

/// What a worker sees of a job when it acts.
pub struct JobView<'a> {
	pub id: JobId,
	/// `None` for a sleep bomb: no worker finishes it within the commit period.
	pub truth: Option<&'a Truth>,
	pub fuel_limit: Fuel,
	/// Every replica of the job is the attacker's.
	pub all_replicas_attacker: bool,
	/// The output the replicas published (an audit's auditor can read it).
	pub published: Option<Truth>,
}

/// A worker's move in a commit phase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
	/// Commit to `claim`; reveal it later unless `withhold`. `ran` is the fuel the worker
	/// really spent (its compute cost).
	Commit { claim: Truth, withhold: bool, ran: Fuel },
	/// Say it gives no result (not slashed).
	Abstain,
	/// Do nothing (miss the deadline).
	Idle,
}

/// An honest worker: runs the job and commits to what it found, or abstains from a job it
/// cannot finish in time.
pub fn honest(job: &JobView<'_>) -> Plan {
	match job.truth {
		Some(truth) => {
			Plan::Commit { claim: truth.clone(), withhold: false, ran: truth.result.fuel_used }
		},
		None => Plan::Abstain,
	}
}

/// The attacker's one coordinated wrong output for a job: every attacker worker knows it
/// without running anything.
pub fn lie(job: &JobView<'_>) -> Truth {
	let fuel = job.truth.map_or(job.fuel_limit / 2, |t| t.result.fuel_used);
	Truth::new(
		[b"lie:".as_slice(), &job.id.to_le_bytes()].concat(),
		fuel,
		ExecutionStatus::Exited(0),
	)
}

/// A claim of the job's whole fuel limit for an output never computed.
pub fn fuel_claim(job: &JobView<'_>) -> Truth {
	Truth::new(
		[b"claim:".as_slice(), &job.id.to_le_bytes()].concat(),
		job.fuel_limit,
		ExecutionStatus::Exited(0),
	)
}

fn commit_unrun(claim: Truth) -> Plan {
	Plan::Commit { claim, withhold: false, ran: 0 }
}

/// An auditor that copies the published output instead of running the job.
fn copy_published(job: &JobView<'_>) -> Plan {
	job.published.clone().map_or(Plan::Abstain, commit_unrun)
}

/// An attacking worker in `role` under `strategy`.
pub fn attacker(strategy: Strategy, role: Role, job: &JobView<'_>, own_job: bool) -> Plan {
	let alone = job.all_replicas_attacker;
	match (strategy, role) {
		// Over-declaring workers compute honestly; the simulation makes them abstain from
		// jobs beyond the slots they really have.
		(Strategy::Honest | Strategy::SelfDeal | Strategy::OverDeclare, _) => honest(job),
		(Strategy::LieAlways, _) => commit_unrun(lie(job)),
		// Holding every replica is what the draw attacks are for.
		(Strategy::LieWhenAlone | Strategy::OwnClass | Strategy::ReRoll, _) if alone => {
			commit_unrun(lie(job))
		},
		(Strategy::LieWhenAlone | Strategy::OwnClass | Strategy::ReRoll, _) => honest(job),
		(Strategy::ClaimFuel, _) if alone => commit_unrun(fuel_claim(job)),
		(Strategy::ClaimFuel, _) => honest(job),
		(Strategy::CopyAudits, Role::Replica) => honest(job),
		(Strategy::CopyAudits, Role::Auditor) => copy_published(job),
		(Strategy::CopyAudits, Role::Referee) => Plan::Abstain,
		// Its own sleep bombs cannot be run either.
		(Strategy::Grief, Role::Replica) if own_job || job.truth.is_none() => Plan::Abstain,
		(Strategy::Grief, Role::Replica) => match honest(job) {
			Plan::Commit { claim, ran, .. } => Plan::Commit { claim, withhold: true, ran },
			other => other,
		},
		(Strategy::Grief, _) => honest(job),
		(Strategy::NoShow, _) => Plan::Idle,
		(Strategy::Combined, _) if alone => commit_unrun(fuel_claim(job)),
		(Strategy::Combined, Role::Replica) => honest(job),
		(Strategy::Combined, Role::Auditor) => copy_published(job),
		(Strategy::Combined, Role::Referee) => Plan::Abstain,
	}
}
