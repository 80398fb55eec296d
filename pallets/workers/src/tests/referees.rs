//! Referee consent: a worker referees only for the validator it contributes to, and only
//! once that validator accepted it; either side can end it.

use super::*;
use crate::{sortition::Tree, Error};
use povc_primitives::WorkerDirectory;

/// The validator the tests' referees work for.
pub(crate) const VALIDATOR: AccountId = 100;

/// `who` contributes to `validator`, which accepts it as its referee.
pub(crate) fn make_referee(who: AccountId, validator: AccountId) {
	assert_ok!(Workers::contribute_to(signed(who), Some(validator)));
	assert_ok!(<Workers as WorkerDirectory<_>>::accept_referee(&validator, &who));
	snapshot();
}

fn referee_totals(class_name: &str) -> crate::TreeTotals {
	let class_id = crate::class_id_of(class_name.as_bytes());
	*crate::Classes::<Test>::get(class_id).expect("class").totals(Tree::Referees)
}

fn draw_referees(count: u32, seed: u64) -> Option<Vec<AccountId>> {
	fn anyone(_: &AccountId) -> Option<(u128, u128)> {
		Some((1, 1))
	}
	Workers::select(&SelectionRequest {
		count,
		min_reputation: Permill::zero(),
		exclude: &[],
		seed: H256::from_low_u64_be(seed),
		purpose: Purpose::Referees(anyone),
	})
}

#[test]
fn consent_takes_the_worker_and_the_validator() {
	ExtBuilder::default().build_and_execute(|| {
		let accept = |who| <Workers as WorkerDirectory<_>>::accept_referee(&VALIDATOR, &who);
		assert_noop!(accept(1), Error::<Test>::NotRegistered);
		register(1, 500);
		// The worker did not choose this validator.
		assert_noop!(accept(1), Error::<Test>::NotContributing);
		assert_ok!(Workers::contribute_to(signed(1), Some(7)));
		assert_noop!(accept(1), Error::<Test>::NotContributing);
		assert_ok!(Workers::contribute_to(signed(1), Some(VALIDATOR)));
		assert_eq!(referee_totals(CLASS).workers, 0, "contributing alone is no consent");
		assert_ok!(accept(1));
		assert_eq!(last_event(), Event::RefereeAccepted { who: 1, validator: VALIDATOR });
		assert_eq!(Workers::referee_for(&1), Some(VALIDATOR));
		assert_eq!(referee_totals(CLASS).workers, 0, "in the tree with its snapshot");
		snapshot();
		assert_eq!(referee_totals(CLASS), crate::TreeTotals { workers: 1, weight: 500 });
		assert_noop!(accept(1), Error::<Test>::AlreadyReferee);
	});
}

/// Capture: the pool used to be every worker that named a current validator in
/// `contribute_to`, so anyone could join it uninvited. Only accepted workers are drawn.
#[test]
fn uninvited_workers_never_referee() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=6 {
			register(who, 500);
			assert_ok!(Workers::contribute_to(signed(who), Some(VALIDATOR)));
		}
		// Much more bond uninvited than accepted.
		assert_ok!(Workers::bond_more(signed(1), 5_000));
		for who in [4, 6] {
			make_referee(who, VALIDATOR);
		}
		for seed in 0..100 {
			let mut drawn = draw_referees(2, seed).expect("two accepted referees");
			drawn.sort();
			assert_eq!(drawn, vec![4, 6]);
		}
		assert_eq!(draw_referees(3, 0), None, "only two workers were invited");
	});
}

#[test]
fn either_side_ends_refereeing() {
	ExtBuilder::default().build_and_execute(|| {
		for who in [1, 2] {
			register(who, 500);
			make_referee(who, VALIDATOR);
		}
		// The validator (through consensus) revokes 1.
		assert_eq!(<Workers as WorkerDirectory<_>>::remove_referee(&1), Ok(VALIDATOR));
		assert_eq!(last_event(), Event::RefereeRemoved { who: 1, validator: VALIDATOR });
		assert_noop!(
			<Workers as WorkerDirectory<_>>::remove_referee(&1),
			Error::<Test>::NotReferee
		);
		// 2 moves its compute to another validator: it no longer referees for the first.
		assert_ok!(Workers::contribute_to(signed(2), Some(VALIDATOR)));
		assert_eq!(Workers::referee_for(&2), Some(VALIDATOR), "same validator: unchanged");
		assert_ok!(Workers::contribute_to(signed(2), Some(8)));
		assert_eq!(Workers::referee_for(&2), None);
		assert!(events().contains(&Event::RefereeRemoved { who: 2, validator: VALIDATOR }));
		// Never drawn from now on (a draw reads the seat), out of the tree with the snapshot.
		assert_eq!(draw_referees(1, 0), None);
		snapshot();
		assert_eq!(referee_totals(CLASS).workers, 0);
	});
}

/// A referee slashed below the minimum bond leaves the referee tree like the bonded one.
#[test]
fn an_underbonded_referee_is_not_drawn() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, MIN_BOND);
		make_referee(1, VALIDATOR);
		assert_eq!(draw_referees(1, 0), Some(vec![1]));
		<Workers as WorkerRegistry<_>>::slash(&1, povc_primitives::Offence::NoShow, &[]);
		assert_eq!(draw_referees(1, 0), None);
		assert_eq!(Workers::referee_for(&1), Some(VALIDATOR), "consent stays");
	});
}

/// A validator's referees are listed (bounded by `MaxRefereesPerValidator`), so that their
/// weight, which the referee pool caps by the validator's share, is read in bounded time;
/// the list follows every way a seat ends.
#[test]
fn a_validator_lists_at_most_max_referees_and_the_list_follows_every_exit() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=7 {
			register(who, 500);
			assert_ok!(Workers::contribute_to(signed(who), Some(VALIDATOR)));
		}
		let accept = |who| <Workers as WorkerDirectory<_>>::accept_referee(&VALIDATOR, &who);
		for who in 1..=6 {
			assert_ok!(accept(who));
		}
		assert_noop!(accept(7), Error::<Test>::TooManyReferees);
		assert_eq!(Workers::referee_weight(&VALIDATOR), 0, "not drawn before its snapshot");
		snapshot();
		assert_eq!(Workers::referee_weight(&VALIDATOR), 6 * 500);
		// Revoked, or contributing elsewhere: off the list, and room for another.
		assert_ok!(<Workers as WorkerDirectory<_>>::remove_referee(&1));
		assert_ok!(Workers::contribute_to(signed(2), None));
		assert_eq!(crate::RefereesOf::<Test>::get(VALIDATOR).into_inner(), vec![3, 4, 5, 6]);
		assert_ok!(accept(7));
		assert_eq!(Workers::referee_weight(&VALIDATOR), 4 * 500, "7 waits for its snapshot");
	});
}
