//! Reputation: (verified + 1) / (verified + 4·faults + 2).

use super::*;
use povc_primitives::Offence;

#[test]
fn a_new_worker_has_half() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Workers::reputation_of(&1), None);
		register(1, 500);
		assert_eq!(Workers::reputation_of(&1), Some(Permill::from_percent(50)));
	});
}

#[test]
fn verified_results_raise_it() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		Workers::note_verified(&1);
		assert_eq!(info(1).verified, 1);
		assert_eq!(Workers::reputation_of(&1), Some(Permill::from_rational(2u32, 3)));
		for _ in 0..98 {
			Workers::note_verified(&1);
		}
		assert_eq!(Workers::reputation_of(&1), Some(Permill::from_rational(100u32, 101)));
	});
}

#[test]
fn faults_weigh_four_times() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 5_000);
		Workers::slash(&1, Offence::NoShow, &[]);
		assert_eq!(Workers::reputation_of(&1), Some(Permill::from_rational(1u32, 6)));
		for _ in 0..10 {
			Workers::note_verified(&1);
		}
		// (10 + 1) / (10 + 4 + 2)
		assert_eq!(Workers::reputation_of(&1), Some(Permill::from_rational(11u32, 16)));
	});
}

#[test]
fn counters_saturate() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 5_000);
		WorkersMap::<Test>::mutate(1, |w| {
			let w = w.as_mut().unwrap();
			w.verified = u32::MAX;
			w.faults = u32::MAX;
		});
		Workers::note_verified(&1);
		Workers::slash(&1, Offence::NoShow, &[]);
		assert_eq!((info(1).verified, info(1).faults), (u32::MAX, u32::MAX));
		// (2^32) / (2^32 - 1 + 4·(2^32 - 1) + 2) ≈ 1/5.
		assert_eq!(
			Workers::reputation_of(&1),
			Some(Permill::from_rational(u64::from(u32::MAX) + 1, 5 * u64::from(u32::MAX) + 2))
		);
	});
}

#[test]
fn reputation_only_changes_through_results_and_slashes() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		assert_ok!(Workers::assign(&1));
		Workers::release(&1);
		assert_ok!(Workers::bond_more(signed(1), 100));
		assert_eq!(Workers::reputation_of(&1), Some(Permill::from_percent(50)));
	});
}
