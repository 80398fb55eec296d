//! The referee pool: workers that contribute to a current validator.

use crate::mock::*;
use povc_primitives::RefereePool;

fn is_referee(who: AccountId) -> bool {
	<Povc as RefereePool<AccountId>>::is_referee(&who)
}

#[test]
fn referees_are_the_workers_of_current_validators() {
	run_test(|| {
		// Worker 10 contributes to validator 4, 11 to itself, 12 to validator 1, 13 to
		// account 5 (keys, but no authority), 3 runs its own worker; 14 is no worker.
		RegisteredWorkers::set(vec![(10, 4), (11, 11), (12, 1), (13, 5), (3, 3)]);
		let pool: Vec<AccountId> = (1..=14).filter(|w| is_referee(*w)).collect();
		assert_eq!(pool, vec![3, 10, 12]);
	});
}

#[test]
fn a_validator_that_leaves_the_set_takes_its_workers_out_of_the_pool() {
	run_test(|| {
		RegisteredWorkers::set(vec![(10, 4), (12, 1)]);
		frame_support::assert_ok!(Povc::chill(RuntimeOrigin::signed(1)));
		// Planned out at the first rotation, out of the current set at the second.
		rotate_session();
		assert!(is_referee(10) && is_referee(12));
		rotate_session();
		assert!(is_referee(10) && !is_referee(12));
	});
}
