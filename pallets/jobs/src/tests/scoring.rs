//! What verified compute is worth in score: the value burned on its payment, never the
//! fuel claimed, so that score costs a self-dealing requester what it costs honest work.

use crate::{mock::*, JobState, Jobs as JobsStorage, Role};
use frame_support::{assert_ok, traits::fungible::Inspect};
use povc_primitives::{Fuel, JobId};
use sp_core::H256;

/// A validator that runs its own workers and submits jobs to them.
const ATTACKER: AccountId = 30;
const ATTACKER_WORKERS: [AccountId; 3] = [31, 32, 33];

/// All value an account has, free and held.
fn total(who: AccountId) -> Balance {
	Balances::total_balance(&who)
}

/// Score credited to `validator` so far.
fn score_of(validator: AccountId) -> u128 {
	COMPUTE.with(|c| c.borrow().iter().filter(|(_, b, _)| *b == validator).map(|(_, _, v)| v).sum())
}

/// Submits a job of three replicas at `price` and runs it to verification, every replica
/// claiming `claimed` fuel for the same output.
fn run_verified_job(requester: AccountId, program: H256, price: Balance, claimed: Fuel) -> JobId {
	let job = submit(requester, crate::JobSpec { price_per_fuel: price, ..spec(program, 3) });
	let workers = assigned(job, Role::Replica);
	for w in &workers {
		commit(*w, job, b"42", claimed);
	}
	for w in &workers {
		reveal(*w, job, b"42", claimed);
	}
	end_audit_delay(job);
	assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
	job
}

/// Value given up per unit of score gained, in planck (as a fraction, to compare exactly).
struct CostPerScore {
	cost: u128,
	score: u128,
}

impl CostPerScore {
	fn at_least(&self, other: &CostPerScore) -> bool {
		self.cost * other.score >= other.cost * self.score
	}
}

/// The self-dealing attack: a requester whose own workers hold every replica pays the
/// lowest price and has them claim the whole fuel limit without running anything. Its
/// workers' pay comes back to it, so what it gives up is the burn. Scored by claimed
/// fuel, that bought 10 units of score per planck at price 1, ten times cheaper than
/// an honest requester's score at the market price of the mock, 2 (and five times
/// cheaper at 1: the honest result claims only the 600 fuel it ran). Scored by burned
/// value, every unit costs a planck burned, whoever pays.
#[test]
fn self_dealing_buys_no_score_cheaper_than_honest_work() {
	build_and_execute(|| {
		// Honest: requester 2, independent workers, results that cost 600 fuel to run.
		for w in [11, 12, 13] {
			register_worker(w, 1_000);
			assert_ok!(Workers::contribute_to(RuntimeOrigin::signed(w), Some(VALIDATOR)));
		}
		let program = upload_program(1);
		let mut honest = Vec::new();
		for price in [1, PRICE] {
			let issuance = Balances::total_issuance();
			let score = score_of(VALIDATOR);
			run_verified_job(2, program, price, 600);
			honest.push(CostPerScore {
				cost: (issuance - Balances::total_issuance()).into(),
				score: score_of(VALIDATOR) - score,
			});
		}
		for w in [11, 12, 13] {
			assert_ok!(Workers::pause(RuntimeOrigin::signed(w)));
		}

		// The attacker: its own workers (the only registered ones now), price 1, claimed
		// fuel = the limit.
		for w in ATTACKER_WORKERS {
			register_worker(w, 1_000);
			assert_ok!(Workers::contribute_to(RuntimeOrigin::signed(w), Some(ATTACKER)));
		}
		let accounts = [ATTACKER].into_iter().chain(ATTACKER_WORKERS);
		let wealth = || accounts.clone().map(total).sum::<Balance>();
		let before = wealth();
		let job = run_verified_job(ATTACKER, program, 1, FUEL_LIMIT);
		assert!(assigned(job, Role::Replica).iter().all(|w| ATTACKER_WORKERS.contains(w)));
		let attack = CostPerScore { cost: (before - wealth()).into(), score: score_of(ATTACKER) };

		assert!(attack.score > 0, "verified, fee-burning work still scores");
		for honest in &honest {
			assert!(
				attack.at_least(honest),
				"self-dealing paid {} for {} score; honest work paid {} for {}",
				attack.cost,
				attack.score,
				honest.cost,
				honest.score
			);
		}
		println!(
			"planck given up per unit of score: self-dealing {}/{}; honest at price 1 {}/{}, at price {PRICE} {}/{}",
			attack.cost, attack.score, honest[0].cost, honest[0].score, honest[1].cost, honest[1].score
		);
	});
}
