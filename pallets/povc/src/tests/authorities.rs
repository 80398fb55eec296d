//! Authority sets by score, announced to BABE with their weights.

use crate::{mock::*, Authorities, Event, NextAuthorities};
use frame_support::assert_ok;
use povc_primitives::VerifiedComputeSink;
use sp_runtime::Perbill;

/// The genesis set: scores 1 : 1 : 2 : 4, best first.
const GENESIS_SET: [(AccountId, u64); 4] =
	[(4, 500_000_000), (3, 250_000_000), (1, 125_000_000), (2, 125_000_000)];

#[test]
fn the_genesis_set_is_weighted_by_the_genesis_scores() {
	run_test(|| {
		assert_eq!(babe_authorities(), GENESIS_SET);
		assert_eq!(babe_next_authorities(), GENESIS_SET);
		assert_eq!(Authorities::<Test>::get().into_inner(), GENESIS_SET);
		assert_eq!(pallet_session::Validators::<Test>::get(), vec![4, 3, 1, 2]);
	});
}

#[test]
fn a_higher_score_is_announced_at_the_next_epoch_change_and_used_in_the_one_after() {
	run_test(|| {
		rotate_session();
		assert_eq!(babe_next_authorities(), GENESIS_SET, "same scores, same weights");
		// Session 1: validator 1 gains 2700 on top of its 900 and ties with 4.
		<Povc as VerifiedComputeSink<AccountId>>::note_verified_compute(&7, &1, 2_700);
		rotate_session();
		let raised = vec![(1, 363_636_363), (4, 363_636_363), (3, 181_818_181), (2, 90_909_090)];
		assert_eq!(babe_authorities(), GENESIS_SET, "this epoch keeps what was announced");
		assert_eq!(babe_next_authorities(), raised, "the next epoch gets the new weights");
		assert_eq!(NextAuthorities::<Test>::get().into_inner(), raised);
		System::assert_has_event(
			Event::AuthoritiesPlanned { session: 3, authorities: raised.clone() }.into(),
		);
		rotate_session();
		assert_eq!(babe_authorities(), raised);
		assert_eq!(pallet_babe::EpochIndex::<Test>::get(), 0, "BABE's slot-based epoch index");
	});
}

#[test]
fn fewer_candidates_than_the_minimum_keep_the_current_set() {
	run_test(|| {
		MinAuthorities::set(5);
		rotate_session();
		System::assert_has_event(Event::AuthoritiesKept { session: 2, qualified: 4 }.into());
		assert_eq!(babe_next_authorities(), GENESIS_SET, "kept, with its weights");
		rotate_session();
		assert_eq!(babe_authorities(), GENESIS_SET);
		MinAuthorities::set(2);
	});
}

#[test]
fn the_set_holds_at_most_max_authorities_and_nobody_above_the_cap() {
	run_test(|| {
		MaxAuthorities::set(2);
		rotate_session();
		// 4 and 3 (scores 2 : 1) are the best two; the 50 % cap evens them out.
		assert_eq!(babe_next_authorities(), vec![(4, 500_000_000), (3, 500_000_000)]);
		MaxAuthorities::set(4);
	});
}

#[test]
fn a_capped_authoritys_excess_goes_to_the_others_by_score() {
	run_test(|| {
		MaxAuthorityShare::set(Perbill::from_percent(40));
		rotate_session();
		assert_eq!(
			babe_next_authorities(),
			vec![(4, 400_000_000), (3, 300_000_000), (1, 150_000_000), (2, 150_000_000)]
		);
		MaxAuthorityShare::set(Perbill::from_percent(50));
	});
}

#[test]
fn zero_and_low_scores_never_author() {
	run_test(|| {
		assert_ok!(Povc::validate(RuntimeOrigin::signed(5)));
		MinScore::set(1_500);
		rotate_session();
		assert_eq!(babe_next_authorities(), vec![(4, 500_000_000), (3, 500_000_000)]);
		MinScore::set(1);
		rotate_session();
		let next = babe_next_authorities();
		assert_eq!(next.len(), 4, "5 has no score: {next:?}");
		assert!(next.iter().all(|(who, weight)| *who != 5 && *weight > 0));
	});
}

/// The token-score attack on finality: identities that each ran one tiny job would hold
/// a vote each (and, before GRANDPA followed the BABE weights, an equal one). A candidate
/// below `MinScoreShare` of the candidates' total score is not elected at all.
#[test]
fn candidates_below_the_minimum_share_of_the_total_score_are_not_elected() {
	run_test(|| {
		// 1 and 2 hold 1000 of 8000 each (12.5 %), 3 holds 25 %, 4 holds 50 %.
		MinScoreShare::set(Perbill::from_percent(20));
		rotate_session();
		assert_eq!(babe_next_authorities(), vec![(4, 500_000_000), (3, 500_000_000)]);
		MinScoreShare::set(Perbill::from_percent(12));
		rotate_session();
		assert_eq!(babe_next_authorities().len(), 4, "12.5 % is enough for 12 %");
		MinScoreShare::set(Perbill::zero());
	});
}

#[test]
fn chilled_validators_and_validators_without_keys_leave_the_set() {
	run_test(|| {
		assert_ok!(Povc::chill(RuntimeOrigin::signed(4)));
		assert_ok!(pallet_session::Pallet::<Test>::purge_keys(RuntimeOrigin::signed(3)));
		rotate_session();
		assert_eq!(babe_next_authorities(), vec![(1, 500_000_000), (2, 500_000_000)]);
		rotate_session();
		assert_eq!(pallet_session::Validators::<Test>::get(), vec![1, 2]);
	});
}

#[test]
fn the_api_shows_the_weights_and_shares() {
	run_test(|| {
		let view = Povc::authorities_view();
		assert_eq!(view.session, 0);
		let shares: Vec<_> = view.current.iter().map(|a| (a.account, a.share)).collect();
		assert_eq!(
			shares,
			vec![
				(4, Perbill::from_percent(50)),
				(3, Perbill::from_percent(25)),
				(1, Perbill::from_rational(1u32, 8)),
				(2, Perbill::from_rational(1u32, 8)),
			]
		);
		let scores: Vec<_> = Povc::scores_view().iter().map(|s| (s.account, s.score)).collect();
		assert_eq!(scores, vec![(4, 4_000), (3, 2_000), (1, 1_000), (2, 1_000)]);
	});
}
