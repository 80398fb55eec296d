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

/// The escape this answers: a validator chills (or is displaced), gets its deposit back at
/// once, and equivocates in the two sessions it still authors in, out of reach of any
/// slash. Now the deposit stays held until session `chill + DepositHeldSessions` starts.
#[test]
fn a_chilled_candidates_deposit_stays_held_for_deposit_held_sessions() {
	run_test(|| {
		assert_eq!(candidacy_held(1), CANDIDACY_DEPOSIT, "genesis candidates pay it too");
		let free = Balances::free_balance(5);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		assert_eq!(candidacy_held(5), CANDIDACY_DEPOSIT);
		assert_eq!(Balances::free_balance(5), free - CANDIDACY_DEPOSIT);

		assert_ok!(Povc::chill(RuntimeOrigin::signed(5)));
		System::assert_last_event(Event::CandidateRemoved { who: 5, released_at: 3 }.into());
		assert!(!PovcPallet::<Test>::is_candidate(&5));
		assert_noop!(Povc::chill(RuntimeOrigin::signed(5)), Error::<Test>::NotCandidate);
		for _ in 0..2 {
			rotate_session();
			assert_eq!(candidacy_held(5), CANDIDACY_DEPOSIT, "held while it may still author");
		}
		rotate_session();
		assert_eq!(candidacy_held(5), 0);
		assert_eq!(Balances::free_balance(5), free);
		System::assert_has_event(
			Event::DepositReleased { who: 5, amount: CANDIDACY_DEPOSIT }.into(),
		);
		assert!(!Candidates::<Test>::contains_key(5));
	});
}

#[test]
fn a_former_candidate_validates_again_on_the_deposit_still_held() {
	run_test(|| {
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		assert_ok!(Povc::chill(RuntimeOrigin::signed(5)));
		let free = Balances::free_balance(5);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		assert_eq!(Balances::free_balance(5), free, "nothing more is held");
		assert!(PovcPallet::<Test>::is_candidate(&5));
		for _ in 0..4 {
			rotate_session();
		}
		assert_eq!(candidacy_held(5), CANDIDACY_DEPOSIT, "a candidate's deposit is never released");
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
		assert!(PovcPallet::<Test>::is_candidate(&6));
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
		// Only 1 and 2 author; 3 (2000) and 5 (2000) are the lowest outside the sets.
		let (current, next) =
			(crate::Authorities::<Test>::get(), crate::NextAuthorities::<Test>::get());
		let set = crate::WeightedSetOf::<Test>::force_from(vec![(1, 1), (2, 1)], None);
		crate::Authorities::<Test>::put(&set);
		crate::NextAuthorities::<Test>::put(&set);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		credit(5, 2_000);
		assert_eq!(PovcPallet::<Test>::lowest_candidate(), Some((5, 2_000)));
		give_keys(7);
		credit(7, 2_001);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(7)));
		assert!(!Candidates::<Test>::contains_key(5));
		assert!(Candidates::<Test>::contains_key(3));
		crate::Authorities::<Test>::put(current);
		crate::NextAuthorities::<Test>::put(next);
	});
}

/// An authority is never displaced: its deposit must stay within reach of a report while
/// it authors, whatever its score.
#[test]
fn authorities_are_never_displaced() {
	run_test(|| {
		// The genesis set is 1..=4; 5 fills the list.
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		credit(5, 10_000);
		give_keys(6);
		credit(6, 10_000);
		assert_noop!(Povc::validate(RuntimeOrigin::signed(6)), Error::<Test>::CandidateListFull);
		assert!((1..=4).all(|who| PovcPallet::<Test>::is_candidate(&who)));
	});
}

#[test]
fn only_signed_origins_may_validate_or_chill() {
	run_test(|| {
		assert_noop!(Povc::validate(RuntimeOrigin::root()), sp_runtime::DispatchError::BadOrigin);
		assert_noop!(Povc::chill(RuntimeOrigin::none()), sp_runtime::DispatchError::BadOrigin);
	});
}
