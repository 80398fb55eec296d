//! Slashing: amounts, where the funds go, and what it does to the worker.

use super::*;
use frame_support::traits::fungible::Inspect;
use povc_primitives::Offence;
use sp_runtime::Perbill;

#[test]
fn slash_without_beneficiaries_goes_to_the_destination() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 1_000);
		let issuance = Balances::total_issuance();
		assert_eq!(Workers::slash(&1, Offence::WrongResult, &[]), 100);
		assert_eq!(
			last_event(),
			Event::Slashed { who: 1, offence: Offence::WrongResult, amount: 100 }
		);
		assert_eq!(info(1).bond, 900);
		assert_eq!(info(1).faults, 1);
		assert_eq!(held(1), 900);
		assert_eq!(free(1), ENDOWMENT - 1_000);
		// The mock's destination burns.
		assert_eq!(SlashedToDestination::get(), 100);
		assert_eq!(Balances::total_issuance(), issuance - 100);
	});
}

#[test]
fn each_offence_has_its_share() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 10_000 - 1);
		assert_eq!(Workers::slash(&1, Offence::NoShow, &[]), 99); // 1 % of 9 999, floored
		assert_eq!(Workers::slash(&1, Offence::NoReveal, &[]), 495); // 5 % of 9 900
		assert_eq!(Workers::slash(&1, Offence::WrongResult, &[]), 940); // 10 % of 9 405, floored
		assert_eq!(info(1).bond, 10_000 - 1 - 99 - 495 - 940);
		assert_eq!(info(1).faults, 3);
	});
}

#[test]
fn slash_is_split_between_beneficiaries() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 1_000);
		let issuance = Balances::total_issuance();
		// 100 / 3 = 33 each; the dust of 1 goes to the destination.
		assert_eq!(Workers::slash(&1, Offence::WrongResult, &[2, 3, 4]), 100);
		for who in 2..=4 {
			assert_eq!(free(who), ENDOWMENT + 33);
		}
		assert_eq!(SlashedToDestination::get(), 1);
		assert_eq!(Balances::total_issuance(), issuance - 1);
		assert_eq!(info(1).bond, 900);
		assert_eq!(held(1), 900);
		assert_eq!(
			last_event(),
			Event::Slashed { who: 1, offence: Offence::WrongResult, amount: 100 }
		);
	});
}

#[test]
fn beneficiaries_may_be_new_accounts() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 1_000);
		let fresh = ENDOWED + 1;
		assert_eq!(Balances::total_balance(&fresh), 0);
		assert_eq!(Workers::slash(&1, Offence::WrongResult, &[fresh]), 100);
		assert_eq!(free(fresh), 100);
		assert_eq!(SlashedToDestination::get(), 0);
	});
}

#[test]
fn shares_too_small_to_split_go_to_the_destination() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 200);
		// 1 % of 200 = 2, three beneficiaries: nothing each.
		assert_eq!(Workers::slash(&1, Offence::NoShow, &[2, 3, 4]), 2);
		for who in 2..=4 {
			assert_eq!(free(who), ENDOWMENT);
		}
		assert_eq!(SlashedToDestination::get(), 2);
		assert_eq!(info(1).bond, 198);
	});
}

#[test]
fn slash_of_an_unknown_account_does_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Workers::slash(&1, Offence::WrongResult, &[2]), 0);
		assert!(events().is_empty());
		assert_eq!(free(2), ENDOWMENT);
	});
}

#[test]
fn unbonding_funds_are_slashed_too_bond_first() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 1_000);
		assert_ok!(Workers::unbond(signed(1), 500));
		// 10 % of everything still held (bond and unbonding): unbonding is no escape.
		assert_eq!(Workers::slash(&1, Offence::WrongResult, &[]), 100);
		let w = info(1);
		assert_eq!(w.bond, 400);
		assert_eq!(w.total_unlocking(), 500);
		assert_eq!(held(1), 900);
		run_to_block(1 + DELAY);
		assert_ok!(Workers::withdraw_unbonded(signed(1)));
		assert_eq!(free(1), ENDOWMENT - 1_000 + 500);
	});
}

#[test]
fn a_worker_that_unbonds_everything_is_still_slashed() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		assert_ok!(Workers::unbond(signed(1), 500));
		assert_eq!(Workers::slash(&1, Offence::WrongResult, &[2]), 50);
		assert_eq!(
			last_event(),
			Event::Slashed { who: 1, offence: Offence::WrongResult, amount: 50 }
		);
		let w = info(1);
		assert_eq!(w.faults, 1);
		assert_eq!(w.bond, 0);
		assert_eq!(w.total_unlocking(), 450);
		assert_eq!(held(1), 450);
		assert_eq!(free(2), ENDOWMENT + 50);
	});
}

#[test]
fn slashing_the_whole_bond_deregisters() {
	ExtBuilder::default().build_and_execute(|| {
		WrongResultSlash::set(Perbill::one());
		register(2, 500);
		register(1, 500);
		assert_ok!(Workers::assign(&1));
		assert_eq!(Workers::slash(&1, Offence::WrongResult, &[3]), 500);
		assert_eq!(free(3), ENDOWMENT + 500);
		assert_eq!(held(1), 0);
		// Nothing held: never drawn again (a draw weighs what it holds now), and out of
		// the trees and the registry when its snapshot takes effect.
		Workers::release(&1);
		for seed in 0..20 {
			assert_eq!(select(1, &[], seed), Some(vec![2]));
		}
		assert_ok!(Workers::assign(&1));
		snapshot();
		assert!(WorkersMap::<Test>::get(1).is_none());
		assert_eq!(leaves(CLASS), vec![2]);
		assert!(events().contains(&Event::Deregistered { who: 1 }));
		// The job market still releases its assignment: a no-op now.
		Workers::release(&1);
		WrongResultSlash::set(Perbill::from_percent(10));
	});
}

#[test]
fn a_slashed_worker_below_min_bond_stays_registered_but_ineligible() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 105);
		register(2, 500);
		Workers::slash(&1, Offence::WrongResult, &[]);
		assert_eq!(info(1).bond, 95);
		assert_eq!(
			WorkersMap::<Test>::get(1).map(|w| w.class_id),
			Some(crate::class_id_of(CLASS.as_bytes()))
		);
		assert_eq!(select(2, &[], 0), None);
		// It may leave: unbonding all of it is allowed, part of it is not.
		assert_noop!(Workers::unbond(signed(1), 50), Error::<Test>::BelowMinBond);
		assert_ok!(Workers::unbond(signed(1), 95));
	});
}

#[test]
fn slash_counts_for_assigned_workers_and_keeps_assignments() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 1_000);
		assert_ok!(Workers::assign(&1));
		Workers::slash(&1, Offence::NoShow, &[]);
		assert_eq!(info(1).open_assignments, 1);
		Workers::release(&1);
		assert_eq!(info(1).open_assignments, 0);
	});
}
