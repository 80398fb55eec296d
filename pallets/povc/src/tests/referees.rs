//! The referee pool: workers that a current validator accepted, among those that
//! contribute to it.

use crate::{mock::*, Error};
use frame_support::{assert_noop, assert_ok};
use povc_primitives::RefereePool;
use sp_runtime::DispatchError;

fn is_referee(who: AccountId) -> bool {
	Povc::referee_chance(&who).is_some()
}

fn chance(who: AccountId) -> Option<(u128, u128)> {
	<Povc as RefereePool<AccountId>>::referee_chance(&who)
}

fn accept(validator: AccountId, worker: AccountId) -> frame_support::dispatch::DispatchResult {
	Povc::accept_referee(RuntimeOrigin::signed(validator), worker)
}

/// Capture: every worker that named a current validator used to be in the pool; now only
/// those the validator accepted are.
#[test]
fn uninvited_workers_never_referee() {
	run_test(|| {
		// 10 and 11 contribute to validator 4, 12 to validator 1, 13 to account 5 (keys,
		// but no authority), 3 runs its own worker.
		RegisteredWorkers::set(vec![(10, 4), (11, 4), (12, 1), (13, 5), (3, 3)]);
		assert!((1..=14).all(|w| !is_referee(w)), "nobody is invited yet");
		assert_ok!(accept(4, 10));
		assert_ok!(accept(1, 12));
		let pool: Vec<AccountId> = (1..=14).filter(|w| is_referee(*w)).collect();
		assert_eq!(pool, vec![10, 12]);
	});
}

#[test]
fn only_a_current_validator_accepts_its_own_workers() {
	run_test(|| {
		RegisteredWorkers::set(vec![(10, 4), (13, 5)]);
		// 5 has session keys but is no authority.
		assert_noop!(accept(5, 13), Error::<Test>::NotAuthority);
		// 4 cannot take a worker that contributes elsewhere (or nowhere).
		RegisteredWorkers::set(vec![(10, 4), (11, 3)]);
		assert_noop!(accept(4, 11), DispatchError::Other("NotContributing"));
		assert_noop!(accept(4, 99), DispatchError::Other("NotContributing"));
		assert_ok!(accept(4, 10));
		assert_noop!(accept(4, 10), DispatchError::Other("AlreadyReferee"));
	});
}

#[test]
fn the_validator_or_the_worker_ends_it_and_anyone_once_the_validator_left() {
	run_test(|| {
		RegisteredWorkers::set(vec![(10, 4), (11, 4), (12, 1)]);
		for (validator, worker) in [(4, 10), (4, 11), (1, 12)] {
			assert_ok!(accept(validator, worker));
		}
		let revoke = |caller, worker| Povc::revoke_referee(RuntimeOrigin::signed(caller), worker);
		assert_noop!(revoke(7, 10), Error::<Test>::NotYourReferee);
		assert_noop!(revoke(1, 10), Error::<Test>::NotYourReferee);
		assert_ok!(revoke(4, 10));
		assert_ok!(revoke(11, 11));
		assert_noop!(revoke(4, 11), Error::<Test>::NotReferee);
		assert!(!is_referee(10) && !is_referee(11));

		// Validator 1 leaves the set: its referee is out of the pool at once, and anyone
		// may clear it from the registry.
		assert_ok!(Povc::chill(RuntimeOrigin::signed(1)));
		rotate_session();
		assert!(is_referee(12), "still a current validator's");
		assert_noop!(revoke(7, 12), Error::<Test>::NotYourReferee);
		rotate_session();
		assert!(!is_referee(12));
		assert_ok!(revoke(7, 12));
	});
}

/// The attack: a validator with a small share of score (1, with 12.5 % of the weight)
/// accepts 40 referees while the others field one each, and so held 40 of 42 referee
/// weights: 95 % of the committee seats. Now its referees are seated as if they weighed
/// at most its share of what the median validator fields per share, and it holds its
/// share of the seats among the validators that field referees (12.5 of 87.5 %).
#[test]
fn a_validator_fielding_more_than_its_share_is_seated_by_its_share() {
	run_test(|| {
		let mut workers = vec![(10, 4), (11, 3)];
		workers.extend((100..140).map(|w| (w, 1)));
		RegisteredWorkers::set(workers);
		assert_ok!(accept(4, 10));
		assert_ok!(accept(3, 11));
		for worker in 100..140 {
			assert_ok!(accept(1, worker));
		}
		assert_eq!(chance(100), Some((1, 1)), "nothing to cap by before a session change");

		rotate_session();
		// Per whole share: 4 fields 100 / 0.5, 3 fields 100 / 0.25, 1 fields 4000 / 0.125;
		// the median by weight is 4's 200.
		assert_eq!(crate::RefereeWeightPerShare::<Test>::get(), 200);
		// What each validator's referees weigh in the draws: fielded × chance.
		let seated = |referee: AccountId, fielded: u128| -> f64 {
			let (numerator, denominator) = chance(referee).unwrap();
			fielded as f64 * (numerator.min(denominator) as f64 / denominator as f64)
		};
		let (attacker, four, three) = (
			seated(100, 40 * REFEREE_WEIGHT),
			seated(10, REFEREE_WEIGHT),
			seated(11, REFEREE_WEIGHT),
		);
		let share = attacker / (attacker + four + three);
		assert_eq!((attacker, four, three), (25.0, 100.0, 50.0));
		assert!((share - 0.125 / 0.875).abs() < 1e-9, "seat share {share}");
		assert!(chance(12).is_none(), "not a referee");
	});
}
