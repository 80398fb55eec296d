//! Becoming and ceasing to be a validator candidate: session keys, the candidacy deposit,
//! and a full list that a better-scored newcomer can always enter.

use crate::{mock::*, Candidates, Error, Event, Pallet as PovcPallet};
use frame_support::{assert_noop, assert_ok, traits::fungible::Mutate};
use povc_primitives::VerifiedComputeSink;

/// Gives `who` session keys, as `session.set_keys` would.
fn give_keys(who: AccountId) {
	pallet_session::NextKeys::<Test>::insert(who, keys_of(who));
}

/// Credits `value` of verified compute to `who`.
fn credit(who: AccountId, value: u128) {
	PovcPallet::<Test>::note_verified_compute(&who, &who, value);
}

#[test]
fn a_candidate_needs_session_keys() {
	run_test(|| {
		assert_noop!(Povc::validate(RuntimeOrigin::signed(6)), Error::<Test>::NoSessionKeys);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		System::assert_last_event(
			Event::CandidateAdded { who: 5, deposit: CANDIDACY_DEPOSIT }.into(),
		);
		assert!(Candidates::<Test>::contains_key(5));
	});
}

#[test]
fn candidacy_holds_a_deposit_until_chill() {
	run_test(|| {
		assert_eq!(candidacy_held(1), CANDIDACY_DEPOSIT, "genesis candidates pay it too");
		let free = Balances::free_balance(5);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		assert_eq!(candidacy_held(5), CANDIDACY_DEPOSIT);
		assert_eq!(Balances::free_balance(5), free - CANDIDACY_DEPOSIT);

		assert_ok!(Povc::chill(RuntimeOrigin::signed(5)));
		System::assert_last_event(Event::CandidateRemoved { who: 5 }.into());
		assert_eq!(candidacy_held(5), 0);
		assert_eq!(Balances::free_balance(5), free);
		assert_noop!(Povc::chill(RuntimeOrigin::signed(5)), Error::<Test>::NotCandidate);
	});
}

#[test]
fn a_candidate_must_afford_the_deposit() {
	run_test(|| {
		Balances::set_balance(&5, CANDIDACY_DEPOSIT - 1);
		assert_noop!(Povc::validate(RuntimeOrigin::signed(5)), Error::<Test>::InsufficientDeposit);
		assert_eq!(Balances::free_balance(5), CANDIDACY_DEPOSIT - 1, "nothing taken");
	});
}

#[test]
fn candidates_cannot_join_twice() {
	run_test(|| {
		assert_noop!(Povc::validate(RuntimeOrigin::signed(4)), Error::<Test>::AlreadyCandidate);
		assert_eq!(candidacy_held(4), CANDIDACY_DEPOSIT, "held once");
	});
}

/// The squatting attack: identities without any compute fill the bounded candidate list
/// (here its last seat, next to four genesis validators), so that a validator whose
/// workers compute cannot become a candidate. Before, `validate` then failed with
/// `TooManyCandidates` until a squatter chose to leave. Now the newcomer that scores
/// higher takes the lowest-scored seat, and the squatter gets its deposit back.
#[test]
fn squatters_cannot_lock_a_better_scored_newcomer_out_of_a_full_list() {
	run_test(|| {
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		assert_eq!(Candidates::<Test>::count(), 5, "the list is full");
		give_keys(6);
		credit(6, 500);

		assert_ok!(Povc::validate(RuntimeOrigin::signed(6)));
		assert!(System::events()
			.iter()
			.any(|record| record.event == Event::CandidateDisplaced { who: 5, by: 6 }.into()));
		assert!(Candidates::<Test>::contains_key(6));
		assert!(!Candidates::<Test>::contains_key(5));
		assert_eq!(candidacy_held(5), 0, "the displaced squatter's deposit is released");
		assert_eq!(Candidates::<Test>::count(), 5);
	});
}

#[test]
fn a_full_list_admits_only_a_strictly_better_score() {
	run_test(|| {
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		credit(5, 300);
		// 6 scores as much as the lowest candidate (5): no churn between equals.
		give_keys(6);
		credit(6, 300);
		assert_noop!(Povc::validate(RuntimeOrigin::signed(6)), Error::<Test>::CandidateListFull);
		assert_eq!(candidacy_held(6), 0);
		// Nor does a newcomer without score displace anyone.
		give_keys(7);
		assert_noop!(Povc::validate(RuntimeOrigin::signed(7)), Error::<Test>::CandidateListFull);
	});
}

#[test]
fn of_equally_low_candidates_the_greatest_account_is_displaced() {
	run_test(|| {
		// Genesis: 1 and 2 score 1000 each, the lowest.
		assert_ok!(Povc::chill(RuntimeOrigin::signed(4)));
		give_keys(6);
		credit(6, 5_000);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		credit(5, 5_000);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(6)));
		assert_eq!(PovcPallet::<Test>::lowest_candidate(), Some((2, 1_000)));
		give_keys(7);
		credit(7, 1_001);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(7)));
		assert!(!Candidates::<Test>::contains_key(2));
		assert!(Candidates::<Test>::contains_key(1));
	});
}

#[test]
fn only_signed_origins_may_validate_or_chill() {
	run_test(|| {
		assert_noop!(Povc::validate(RuntimeOrigin::root()), sp_runtime::DispatchError::BadOrigin);
		assert_noop!(Povc::chill(RuntimeOrigin::none()), sp_runtime::DispatchError::BadOrigin);
	});
}
