//! Becoming and ceasing to be a validator candidate.

use crate::{mock::*, Candidates, Error, Event};
use frame_support::{assert_noop, assert_ok};

#[test]
fn a_candidate_needs_session_keys() {
	run_test(|| {
		assert_noop!(Povc::validate(RuntimeOrigin::signed(6)), Error::<Test>::NoSessionKeys);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		System::assert_last_event(Event::CandidateAdded { who: 5 }.into());
		assert!(Candidates::<Test>::contains_key(5));
	});
}

#[test]
fn candidates_join_and_leave_within_the_limit() {
	run_test(|| {
		assert_noop!(Povc::validate(RuntimeOrigin::signed(4)), Error::<Test>::AlreadyCandidate);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		pallet_session::NextKeys::<Test>::insert(6, keys_of(6));
		assert_noop!(Povc::validate(RuntimeOrigin::signed(6)), Error::<Test>::TooManyCandidates);

		assert_ok!(Povc::chill(RuntimeOrigin::signed(1)));
		System::assert_last_event(Event::CandidateRemoved { who: 1 }.into());
		assert_noop!(Povc::chill(RuntimeOrigin::signed(1)), Error::<Test>::NotCandidate);
		assert_ok!(Povc::validate(RuntimeOrigin::signed(6)));
		assert_eq!(Candidates::<Test>::count(), 5);
	});
}

#[test]
fn only_signed_origins_may_validate_or_chill() {
	run_test(|| {
		assert_noop!(Povc::validate(RuntimeOrigin::root()), sp_runtime::DispatchError::BadOrigin);
		assert_noop!(Povc::chill(RuntimeOrigin::none()), sp_runtime::DispatchError::BadOrigin);
	});
}
