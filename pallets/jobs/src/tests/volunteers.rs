//! Volunteer work: approved research projects submit jobs at price 0; only workers that
//! opted in are drawn for them; verified fuel earns score at the project's rate, within
//! its budget; the claims are audited like paid ones.

use crate::{mock::*, Error, Event, JobState, Jobs as JobsStorage, PendingCredits, Role};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::Perbill;

/// The research project's account.
const PROJECT: AccountId = 3;
/// Score per unit of verified fuel.
const RATE: u128 = 5;

fn volunteer(who: AccountId) {
	register_worker(who, 1_000);
	assert_ok!(Workers::set_volunteer(RuntimeOrigin::signed(who), true));
}

/// A price-0 job of three replicas from `PROJECT`.
fn volunteer_job() -> u64 {
	let program = upload_program(1);
	let mut spec = spec(program, 3);
	spec.price_per_fuel = 0;
	submit(PROJECT, spec)
}

fn credited() -> Vec<(AccountId, AccountId, u128)> {
	let mut credits = COMPUTE.with(|c| c.borrow().clone());
	credits.sort();
	credits
}

/// Volunteers 11, 12 and 13 agree on `output` with `fuel`; the job's score is pending.
fn agreed_volunteer_job(output: &[u8], fuel: u64) -> u64 {
	for w in [11, 12, 13] {
		volunteer(w);
	}
	let job = volunteer_job();
	for w in [11, 12, 13] {
		commit(w, job, output, fuel);
	}
	for w in [11, 12, 13] {
		reveal(w, job, output, fuel);
	}
	assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::AuditPending);
	job
}

/// The attack: a requester that pays nothing takes workers' time for nothing. Only a
/// project governance approved may submit at price 0.
#[test]
fn price_zero_jobs_are_refused_unless_from_an_approved_project() {
	build_and_execute(|| {
		let program = upload_program(1);
		let mut free_job = spec(program, 3);
		free_job.price_per_fuel = 0;
		assert_noop!(
			Jobs::submit_job(RuntimeOrigin::signed(2), free_job.clone()),
			Error::<Test>::NotAProject
		);
		approve_project(PROJECT, RATE, 1_000_000);
		assert_noop!(
			Jobs::submit_job(RuntimeOrigin::signed(2), free_job.clone()),
			Error::<Test>::NotAProject
		);
		assert_ok!(Jobs::submit_job(RuntimeOrigin::signed(PROJECT), free_job));
	});
}

/// Nobody is drafted to work unpaid: with no volunteers, a project's job is never drawn,
/// however many paid workers are idle; volunteers are drawn, and only they.
#[test]
fn volunteer_jobs_are_drawn_only_among_volunteers() {
	build_and_execute(|| {
		approve_project(PROJECT, RATE, 1_000_000);
		for w in [14, 15, 16, 17] {
			register_worker(w, 10_000);
		}
		let job = volunteer_job();
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Queued);
		assert!(assigned(job, Role::Replica).is_empty());

		for w in [11, 12, 13] {
			volunteer(w);
		}
		run_to_block(System::block_number() + 1);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Committing);
		let mut replicas = assigned(job, Role::Replica);
		replicas.sort();
		assert_eq!(replicas, vec![11, 12, 13]);

		// Opting out takes a worker out of the volunteer tree.
		assert_ok!(Workers::set_volunteer(RuntimeOrigin::signed(14), true));
		assert_ok!(Workers::set_volunteer(RuntimeOrigin::signed(14), false));
		assert_noop!(
			Workers::set_volunteer(RuntimeOrigin::signed(14), false),
			pallet_workers::Error::<Test>::VolunteerUnchanged
		);
	});
}

#[test]
fn verified_volunteer_fuel_earns_the_project_rate_and_costs_the_project_nothing() {
	build_and_execute(|| {
		approve_project(PROJECT, RATE, 1_000_000);
		let before = free(PROJECT);
		let job = agreed_volunteer_job(b"42", 600);
		assert!(credited().is_empty(), "pending until the audit draw");
		end_audit_delay(job);

		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		let expected: Vec<_> = [11, 12, 13].iter().map(|w| (*w, *w, RATE * 600)).collect();
		assert_eq!(credited(), expected, "rate × fuel for each replica's validator");
		assert_eq!(budget_left(PROJECT), 1_000_000 - 3 * RATE * 600);
		assert!(jobs_events().contains(&Event::ScoreCredited { job, value: 3 * RATE * 600 }));
		assert_eq!(escrow_held(PROJECT), 0);
		let deposit = JobsStorage::<Test>::get(job).unwrap().result_deposit;
		assert!(deposit > 0);
		assert_eq!(free(PROJECT) + deposit, before, "no price, no fee: only the output's deposit");
		assert_ok!(Jobs::clear_result(RuntimeOrigin::signed(PROJECT), job));
		assert_eq!(free(PROJECT), before, "and that comes back");
	});
}

/// A compromised project mints no more weight than its budget, whatever fuel its
/// volunteers claim.
#[test]
fn a_project_never_credits_beyond_its_budget() {
	build_and_execute(|| {
		approve_project(PROJECT, RATE, 4_000);
		let job = agreed_volunteer_job(b"42", 600);
		end_audit_delay(job);

		let total: u128 = credited().iter().map(|(_, _, value)| value).sum();
		assert_eq!(total, 4_000, "3,000 + 1,000 + nothing");
		assert_eq!(budget_left(PROJECT), 0);
		assert!(jobs_events().contains(&Event::ScoreCredited { job, value: 4_000 }));
	});
}

/// Volunteers claiming fuel they never ran are audited like paid replicas: the score
/// is voided and they are slashed, to the auditor and the committee.
#[test]
fn a_volunteer_claim_is_audited_like_a_paid_one() {
	build_and_execute(|| {
		approve_project(PROJECT, RATE, 1_000_000);
		let job = agreed_volunteer_job(b"42", FUEL_LIMIT);
		referee_pool(&[21, 22, 23, 24]);
		assert_ok!(Jobs::set_audit_rate(RuntimeOrigin::root(), Perbill::one()));
		end_audit_delay(job);
		let auditor = assigned(job, Role::Auditor)[0];
		commit(auditor, job, b"41", 600);
		reveal(auditor, job, b"41", 600);
		let record = JobsStorage::<Test>::get(job).unwrap();
		run_to_block(record.timeout_at);
		let referees = assigned(job, Role::Referee);
		for r in &referees {
			commit(*r, job, b"41", 600);
		}
		for r in &referees {
			reveal(*r, job, b"41", 600);
		}

		assert_eq!(
			JobsStorage::<Test>::get(job).unwrap().state,
			JobState::Failed(crate::FailureReason::Overturned)
		);
		assert!(credited().is_empty(), "the claimed score never counts");
		assert!(PendingCredits::<Test>::get(job).is_empty());
		for w in [11, 12, 13] {
			assert_eq!(bond_held(w), 900, "volunteer {w} slashed like a wrong result");
		}
		assert_eq!(budget_left(PROJECT), 1_000_000, "nothing spent of the budget");
	});
}
