//! The class allow-list: only governed classes can be joined and drawn from.

use super::*;
use crate::{class_id_of, AllowedClasses, Classes};
use sp_runtime::traits::BadOrigin;

const NEW_CLASS: &str = "riscv64/wasmtime-48/povc-1";

#[test]
fn a_class_of_ones_own_cannot_be_registered_or_joined() {
	ExtBuilder::default().build_and_execute(|| {
		// The attack: register under a private class so that every draw of it is yours.
		assert_noop!(
			Workers::register(signed(1), 500, 1, class(NEW_CLASS)),
			Error::<Test>::ClassNotAllowed
		);
		register(1, 500);
		assert_noop!(
			Workers::set_class(signed(1), class(NEW_CLASS)),
			Error::<Test>::ClassNotAllowed
		);
	});
}

#[test]
fn root_allows_and_disallows_classes() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Workers::allow_class(signed(1), class(NEW_CLASS)), BadOrigin);
		assert_ok!(Workers::allow_class(RuntimeOrigin::root(), class(NEW_CLASS)));
		let class_id = class_id_of(NEW_CLASS.as_bytes());
		assert_eq!(last_event(), Event::ClassAllowed { class_id, class: class(NEW_CLASS) });
		assert_noop!(
			Workers::allow_class(RuntimeOrigin::root(), class(NEW_CLASS)),
			Error::<Test>::ClassAlreadyAllowed
		);
		register_in(1, 500, NEW_CLASS);
		register_in(2, 500, NEW_CLASS);
		assert_eq!(select(1, &[], 0).map(|d| d.len()), Some(1));

		assert_noop!(Workers::disallow_class(signed(1), class_id), BadOrigin);
		assert_ok!(Workers::disallow_class(RuntimeOrigin::root(), class_id));
		assert_eq!(last_event(), Event::ClassDisallowed { class_id });
		// Its workers stay, but nobody joins and nothing is drawn from it.
		assert!(!AllowedClasses::<Test>::get().contains(&class_id));
		assert_eq!(Classes::<Test>::get(class_id).map(|c| c.leaves), Some(2));
		assert_noop!(
			Workers::register(signed(3), 500, 1, class(NEW_CLASS)),
			Error::<Test>::ClassNotAllowed
		);
		assert_eq!(select(1, &[], 0), None);
		assert_eq!(select(1, &[], 0), None);
		// Moving to an allowed class takes a worker along; the last one leaving forgets
		// the disallowed class.
		assert_ok!(Workers::set_class(signed(1), class(CLASS)));
		assert_ok!(Workers::set_class(signed(2), class(CLASS)));
		snapshot();
		assert!(Classes::<Test>::get(class_id).is_none());
		assert_noop!(
			Workers::disallow_class(RuntimeOrigin::root(), class_id),
			Error::<Test>::ClassNotAllowed
		);
	});
}

#[test]
fn the_allow_list_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		// Two genesis classes, room for MAX_CLASSES.
		for i in 2..MAX_CLASSES {
			let name = format!("class-{i}");
			assert_ok!(Workers::allow_class(RuntimeOrigin::root(), class(&name)));
		}
		assert_noop!(
			Workers::allow_class(RuntimeOrigin::root(), class("one-too-many")),
			Error::<Test>::TooManyClasses
		);
		assert_noop!(
			Workers::allow_class(RuntimeOrigin::root(), class("")),
			Error::<Test>::EmptyClass
		);
	});
}

#[test]
fn referees_come_from_accepted_bonded_workers_that_the_pool_accepts() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=6 {
			register(who, 500);
		}
		for who in 4..=6 {
			assert_ok!(Workers::pause(signed(who)));
		}
		for who in 1..=6 {
			referees::make_referee(who, referees::VALIDATOR);
		}
		fn even(who: &AccountId) -> Option<(u128, u128)> {
			(who % 2 == 0).then_some((1, 1))
		}
		for seed in 0..100 {
			let drawn = Workers::select(&SelectionRequest {
				count: 2,
				min_reputation: Permill::zero(),
				exclude: &[2],
				seed: H256::from_low_u64_be(seed),
				purpose: Purpose::Referees(even),
			})
			.expect("4 and 6 are even, bonded and not excluded");
			let mut drawn = drawn;
			drawn.sort();
			assert_eq!(drawn, vec![4, 6]);
		}
	});
}
