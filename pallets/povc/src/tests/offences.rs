//! Punishing equivocations (as pallet-offences reports them): the deposit share burned,
//! the score zeroed, the candidacy ended, the offender disabled; never twice for one
//! session.

use crate::{mock::*, Candidates, Event, Pallet as PovcPallet, Scores};
use sp_runtime::Perbill;
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};

/// Reports `offenders` of one offence in `session` with slash fraction `fraction`, as
/// pallet-offences does.
fn report(offenders: &[AccountId], fraction: Perbill, session: u32) {
	let details: Vec<OffenceDetails<AccountId, (AccountId, ())>> = offenders
		.iter()
		.map(|who| OffenceDetails { offender: (*who, ()), reporters: vec![] })
		.collect();
	let fractions = vec![fraction; offenders.len()];
	<PovcPallet<Test> as OnOffenceHandler<_, _, _>>::on_offence(&details, &fractions, session);
}

/// Whether `who` is a disabled validator of the current session.
fn is_disabled(who: AccountId) -> bool {
	pallet_session::Pallet::<Test>::validator_id_to_index(&who)
		.is_some_and(|index| pallet_session::Pallet::<Test>::disabled_validators().contains(&index))
}

/// The attack: a validator authors two blocks for one slot (or votes twice in a round).
/// Before, nothing happened to it. Now it loses `EquivocationSlash` (10 %) of its deposit,
/// its score, its candidacy, and its slots for the rest of the session.
#[test]
fn an_equivocating_validator_loses_deposit_share_score_candidacy_and_slots() {
	run_test(|| {
		let issuance = Balances::total_issuance();
		assert!(Scores::<Test>::contains_key(4));
		report(&[4], Perbill::from_parts(1), 0);

		let slashed = CANDIDACY_DEPOSIT / 10;
		System::assert_has_event(Event::Punished { offender: 4, slashed, session: 0 }.into());
		assert_eq!(candidacy_held(4), CANDIDACY_DEPOSIT - slashed);
		assert_eq!(Balances::total_issuance(), issuance - slashed, "the slash is burned");
		assert_eq!(PovcPallet::<Test>::score_of(&4), 0);
		assert!(!PovcPallet::<Test>::is_candidate(&4));
		assert!(is_disabled(4));

		// It is in no set planned from now on, and the rest of its deposit is released
		// once no report can come any more.
		rotate_session();
		assert!(babe_next_authorities().iter().all(|(who, _)| *who != 4));
		assert!(is_disabled(4), "until its session ends");
		rotate_session();
		assert!(!is_disabled(4), "disabled for the rest of its session only");
		rotate_session();
		assert_eq!(candidacy_held(4), 0);
		assert!(!Candidates::<Test>::contains_key(4));
	});
}

/// A coordinated equivocation costs more: the offence's own fraction, which grows with the
/// number of offenders, applies when it exceeds `EquivocationSlash`.
#[test]
fn a_larger_offence_fraction_slashes_more() {
	run_test(|| {
		report(&[3, 4], Perbill::from_percent(100), 0);
		assert_eq!(candidacy_held(3), 0);
		assert_eq!(candidacy_held(4), 0);
		System::assert_has_event(
			Event::Punished { offender: 3, slashed: CANDIDACY_DEPOSIT, session: 0 }.into(),
		);
	});
}

/// pallet-offences hands earlier offenders of the same slot over again with every new
/// one, and one faulty setup often equivocates in BABE and GRANDPA at once: within a
/// session, an offender loses the largest share it earned, not their sum.
#[test]
fn one_session_slashes_an_offender_once_by_its_largest_share() {
	run_test(|| {
		report(&[4], Perbill::from_percent(5), 0);
		report(&[4, 3], Perbill::from_percent(5), 0);
		assert_eq!(candidacy_held(4), CANDIDACY_DEPOSIT * 9 / 10, "10 %, once");
		report(&[4], Perbill::from_percent(30), 0);
		assert_eq!(candidacy_held(4), CANDIDACY_DEPOSIT * 7 / 10, "30 % in all");
		// Another session's offence is another offence.
		report(&[4], Perbill::from_percent(5), 1);
		assert_eq!(candidacy_held(4), CANDIDACY_DEPOSIT * 6 / 10);
	});
}

/// A validator that chilled cannot take its deposit out of reach before the report of
/// what it did while it still authored arrives.
#[test]
fn chilling_before_the_report_does_not_escape_the_slash() {
	run_test(|| {
		frame_support::assert_ok!(Povc::chill(RuntimeOrigin::signed(4)));
		rotate_session();
		report(&[4], Perbill::zero(), 1);
		assert_eq!(candidacy_held(4), CANDIDACY_DEPOSIT * 9 / 10);
		System::assert_has_event(
			Event::Punished { offender: 4, slashed: CANDIDACY_DEPOSIT / 10, session: 1 }.into(),
		);
	});
}

/// An offender that holds no deposit (never a candidate, or released) still loses its
/// score and slots; nothing fails.
#[test]
fn an_offender_without_a_deposit_loses_score_and_slots() {
	run_test(|| {
		PovcPallet::<Test>::punish(&9, Perbill::from_percent(50), 0);
		System::assert_has_event(Event::Punished { offender: 9, slashed: 0, session: 0 }.into());
	});
}
