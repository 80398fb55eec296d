//! Compute scores: credited by verified value, decaying per epoch.

use crate::{mock::*, CurrentEpoch, Event, Pallet as PovcPallet, Score, Scores};
use povc_primitives::VerifiedComputeSink;

#[test]
fn verified_value_raises_the_beneficiarys_score_and_decays_per_epoch() {
	run_test(|| {
		assert_eq!(PovcPallet::<Test>::score_of(&2), 1_000);
		// Worker 7 contributes to validator 2.
		PovcPallet::<Test>::note_verified_compute(&7, &2, 500);
		System::assert_last_event(Event::ScoreCredited { validator: 2, value: 500 }.into());
		assert_eq!(PovcPallet::<Test>::score_of(&2), 1_500);
		assert_eq!(PovcPallet::<Test>::score_of(&7), 0, "the worker itself gains nothing");

		rotate_session();
		assert_eq!(CurrentEpoch::<Test>::get(), 1);
		assert_eq!(PovcPallet::<Test>::score_of(&2), 1_350, "90 % kept per epoch");
		rotate_session();
		PovcPallet::<Test>::note_verified_compute(&7, &2, 100);
		assert_eq!(PovcPallet::<Test>::score_of(&2), 1_215 + 100);
		assert_eq!(Scores::<Test>::get(2), Score { value: 1_315, epoch: 2 }, "stored as of now");
	});
}

#[test]
fn scores_decay_to_nothing_without_new_compute() {
	run_test(|| {
		for _ in 0..200 {
			rotate_session();
		}
		assert_eq!(PovcPallet::<Test>::score_of(&4), 0);
	});
}

#[test]
fn zero_value_credits_nothing() {
	run_test(|| {
		let events = System::events().len();
		PovcPallet::<Test>::note_verified_compute(&7, &8, 0);
		assert!(!Scores::<Test>::contains_key(8));
		assert_eq!(System::events().len(), events);
	});
}

#[test]
fn scores_saturate_instead_of_overflowing() {
	run_test(|| {
		Scores::<Test>::insert(8, Score { value: u128::MAX - 1, epoch: 0 });
		PovcPallet::<Test>::note_verified_compute(&7, &8, u128::MAX);
		assert_eq!(PovcPallet::<Test>::score_of(&8), u128::MAX);
	});
}

#[test]
fn a_score_is_never_brought_backwards() {
	let score = Score { value: 100, epoch: 5 };
	assert_eq!(score.at(3, sp_runtime::Perbill::from_percent(50)), score);
	assert_eq!(score.at(6, sp_runtime::Perbill::from_percent(50)), Score { value: 50, epoch: 6 });
}
