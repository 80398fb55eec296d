//! Registration and the worker's settings.

use super::*;
use codec::Encode;
use frame_support::traits::fungible::Inspect;
use sp_runtime::{traits::BadOrigin, DispatchError};

#[test]
fn register_holds_the_bond_and_lists_the_worker() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Workers::register(signed(1), 500, 3, class(CLASS)));
		let class_id = crate::class_id_of(CLASS.as_bytes());
		assert_eq!(last_event(), Event::Registered { who: 1, bond: 500, capacity: 3, class_id });
		assert_eq!(held(1), 500);
		assert_eq!(free(1), ENDOWMENT - 500);
		// Not in the trees, so never drawn, until its snapshot takes effect.
		assert_eq!(leaves(CLASS), Vec::<AccountId>::new());
		assert_eq!(select(1, &[], 0), None);
		next_epochs(SNAPSHOT_DELAY - 1);
		assert_eq!(select(1, &[], 0), None);
		next_epochs(1);
		assert_eq!(leaves(CLASS), vec![1]);
		assert_eq!(select(1, &[], 0), Some(vec![1]));
		assert_eq!(WorkerCount::<Test>::get(), 1);
		let w = info(1);
		assert_eq!((w.bond, w.capacity, w.open_assignments, w.paused), (500, 3, 0, false));
		assert_eq!(w.class.into_inner(), CLASS.as_bytes().to_vec());
		assert_eq!(w.class_id, H256(sp_io::hashing::blake2_256(CLASS.as_bytes())));
		assert_eq!((w.verified, w.faults, w.contribute_to), (0, 0, None));
		assert!(w.unlocking.is_empty());
		assert_eq!(WorkersMap::<Test>::get(1).map(|w| w.class_id), Some(class_id));
	});
}

#[test]
fn register_checks_its_arguments() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Workers::register(signed(1), MIN_BOND - 1, 1, class(CLASS)),
			Error::<Test>::BondTooLow
		);
		assert_noop!(
			Workers::register(signed(1), MIN_BOND, 0, class(CLASS)),
			Error::<Test>::InvalidCapacity
		);
		assert_noop!(
			Workers::register(signed(1), MIN_BOND, MAX_CAPACITY + 1, class(CLASS)),
			Error::<Test>::InvalidCapacity
		);
		assert_noop!(
			Workers::register(signed(1), MIN_BOND, 1, class("")),
			Error::<Test>::EmptyClass
		);
		assert_noop!(
			Workers::register(RuntimeOrigin::none(), MIN_BOND, 1, class(CLASS)),
			BadOrigin
		);
		// The limits themselves are fine.
		assert_ok!(Workers::register(signed(1), MIN_BOND, MAX_CAPACITY, class(CLASS)));
	});
}

#[test]
fn a_class_longer_than_max_class_len_does_not_decode() {
	ExtBuilder::default().build_and_execute(|| {
		let too_long = vec![b'x'; MAX_CLASS_LEN as usize + 1];
		assert!(ClassOf::<Test>::try_from(too_long.clone()).is_err());
		// The call's encoding with a longer class is rejected before dispatch.
		let mut encoded = vec![2u8 /* pallet index */, 0 /* call index */];
		encoded.extend(codec::Compact(MIN_BOND).encode());
		encoded.extend(1u32.encode());
		encoded.extend(too_long.encode());
		assert!(<RuntimeCall as codec::Decode>::decode(&mut &encoded[..]).is_err());
		let fitting = vec![b'x'; MAX_CLASS_LEN as usize];
		let mut encoded = vec![2u8, 0];
		encoded.extend(codec::Compact(MIN_BOND).encode());
		encoded.extend(1u32.encode());
		encoded.extend(fitting.encode());
		assert!(<RuntimeCall as codec::Decode>::decode(&mut &encoded[..]).is_ok());
	});
}

#[test]
fn register_twice_fails() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		assert_noop!(
			Workers::register(signed(1), 500, 1, class(CLASS)),
			Error::<Test>::AlreadyRegistered
		);
	});
}

#[test]
fn register_must_leave_the_existential_deposit_free() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Workers::register(signed(1), ENDOWMENT + 1, 1, class(CLASS)),
			Error::<Test>::InsufficientBalance
		);
		// All of it would kill the account: the existential deposit must stay free.
		assert_noop!(
			Workers::register(signed(1), ENDOWMENT, 1, class(CLASS)),
			Error::<Test>::InsufficientBalance
		);
		// An account that does not exist has nothing to hold.
		assert_noop!(
			Workers::register(signed(ENDOWED + 1), MIN_BOND, 1, class(CLASS)),
			Error::<Test>::InsufficientBalance
		);
		let ed = Balances::minimum_balance();
		assert_ok!(Workers::register(signed(1), ENDOWMENT - ed, 1, class(CLASS)));
		assert_eq!(free(1), ed);
		assert_eq!(held(1), ENDOWMENT - ed);
	});
}

#[test]
fn registry_is_bounded_by_max_workers() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=WORKER_LIMIT as AccountId {
			register(who, MIN_BOND);
		}
		assert_eq!(WorkerCount::<Test>::get(), WORKER_LIMIT);
		assert_noop!(
			Workers::register(signed(WORKER_LIMIT as AccountId + 1), MIN_BOND, 1, class(CLASS)),
			Error::<Test>::TooManyWorkers
		);
	});
}

#[test]
fn set_capacity_works_and_checks_bounds() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Workers::set_capacity(signed(1), 1), Error::<Test>::NotRegistered);
		register(1, 500);
		assert_ok!(Workers::set_capacity(signed(1), MAX_CAPACITY));
		assert_eq!(info(1).capacity, MAX_CAPACITY);
		assert_eq!(last_event(), Event::CapacitySet { who: 1, capacity: MAX_CAPACITY });
		assert_noop!(Workers::set_capacity(signed(1), 0), Error::<Test>::InvalidCapacity);
		assert_noop!(
			Workers::set_capacity(signed(1), MAX_CAPACITY + 1),
			Error::<Test>::InvalidCapacity
		);
	});
}

#[test]
fn lowering_capacity_below_open_assignments_only_blocks_new_ones() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		assert_ok!(Workers::assign(&1));
		assert_ok!(Workers::assign(&1));
		assert_ok!(Workers::set_capacity(signed(1), 1));
		assert_eq!(info(1).open_assignments, 2);
		assert_noop!(Workers::assign(&1), Error::<Test>::AtCapacity);
		Workers::release(&1);
		assert_noop!(Workers::assign(&1), Error::<Test>::AtCapacity);
		Workers::release(&1);
		assert_ok!(Workers::assign(&1));
		Workers::release(&1);
	});
}

#[test]
fn set_class_updates_the_class_id() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Workers::set_class(signed(1), class(OTHER_CLASS)),
			Error::<Test>::NotRegistered
		);
		register(1, 500);
		assert_ok!(Workers::set_class(signed(1), class(OTHER_CLASS)));
		let class_id = crate::class_id_of(OTHER_CLASS.as_bytes());
		assert_eq!(last_event(), Event::ClassSet { who: 1, class_id });
		assert_eq!(info(1).class.into_inner(), OTHER_CLASS.as_bytes().to_vec());
		assert_eq!(WorkersMap::<Test>::get(1).map(|w| w.class_id), Some(class_id));
		assert_noop!(Workers::set_class(signed(1), class("")), Error::<Test>::EmptyClass);
	});
}

#[test]
fn a_new_class_takes_effect_with_the_next_snapshot() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		// Open assignments do not hold a worker in its class: all classes are one pool.
		assert_ok!(Workers::assign(&1));
		assert_ok!(Workers::set_class(signed(1), class(OTHER_CLASS)));
		assert_eq!(leaves(CLASS), vec![1]);
		assert_eq!(leaves(OTHER_CLASS), Vec::<AccountId>::new());
		snapshot();
		assert_eq!(leaves(CLASS), Vec::<AccountId>::new());
		assert_eq!(leaves(OTHER_CLASS), vec![1]);
		assert_eq!(info(1).drawn.class_id, crate::class_id_of(OTHER_CLASS.as_bytes()));
	});
}

#[test]
fn pause_and_resume() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Workers::pause(signed(1)), Error::<Test>::NotRegistered);
		assert_noop!(Workers::resume(signed(1)), Error::<Test>::NotRegistered);
		register(1, 500);
		assert_noop!(Workers::resume(signed(1)), Error::<Test>::NotPaused);
		assert_ok!(Workers::pause(signed(1)));
		assert_eq!(last_event(), Event::Paused { who: 1 });
		assert!(info(1).paused);
		assert_noop!(Workers::pause(signed(1)), Error::<Test>::AlreadyPaused);
		assert_noop!(Workers::assign(&1), Error::<Test>::WorkerPaused);
		assert_ok!(Workers::resume(signed(1)));
		assert_eq!(last_event(), Event::Resumed { who: 1 });
		assert!(!info(1).paused);
		assert_ok!(Workers::assign(&1));
		Workers::release(&1);
	});
}

#[test]
fn contribute_to_sets_the_compute_beneficiary() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Workers::contribute_to(signed(1), Some(2)), Error::<Test>::NotRegistered);
		// Unregistered accounts count for themselves.
		assert_eq!(Workers::compute_beneficiary(&1), 1);
		register(1, 500);
		assert_eq!(Workers::compute_beneficiary(&1), 1);

		assert_ok!(Workers::contribute_to(signed(1), Some(7)));
		assert_eq!(last_event(), Event::ContributionTargetSet { who: 1, beneficiary: 7 });
		assert_eq!(info(1).contribute_to, Some(7));
		assert_eq!(Workers::compute_beneficiary(&1), 7);

		assert_ok!(Workers::contribute_to(signed(1), None));
		assert_eq!(last_event(), Event::ContributionTargetSet { who: 1, beneficiary: 1 });
		assert_eq!(Workers::compute_beneficiary(&1), 1);

		// Naming itself is the same as `None`.
		assert_ok!(Workers::contribute_to(signed(1), Some(7)));
		assert_ok!(Workers::contribute_to(signed(1), Some(1)));
		assert_eq!(info(1).contribute_to, None);
		assert_eq!(Workers::compute_beneficiary(&1), 1);
	});
}

#[test]
fn every_call_needs_a_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		for origin in [RuntimeOrigin::none(), RuntimeOrigin::root()] {
			assert_noop!(Workers::bond_more(origin.clone(), 1), BadOrigin);
			assert_noop!(Workers::unbond(origin.clone(), 1), BadOrigin);
			assert_noop!(Workers::withdraw_unbonded(origin.clone()), BadOrigin);
			assert_noop!(Workers::set_capacity(origin.clone(), 1), BadOrigin);
			assert_noop!(Workers::set_class(origin.clone(), class(CLASS)), BadOrigin);
			assert_noop!(Workers::pause(origin.clone()), BadOrigin);
			assert_noop!(Workers::resume(origin.clone()), BadOrigin);
			assert_noop!(Workers::contribute_to(origin, None), BadOrigin);
		}
	});
}

#[test]
fn genesis_registers_workers() {
	ExtBuilder::default()
		.with_workers(vec![(1, 500, 2, CLASS), (2, 300, 1, OTHER_CLASS)])
		.build_and_execute(|| {
			assert_eq!((leaves(CLASS), leaves(OTHER_CLASS)), (vec![1], vec![2]));
			assert_eq!(held(1), 500);
			assert_eq!(held(2), 300);
			assert_eq!(info(2).capacity, 1);
			assert_eq!(
				WorkersMap::<Test>::get(2).map(|w| w.class_id),
				Some(crate::class_id_of(OTHER_CLASS.as_bytes()))
			);
		});
}

#[test]
#[should_panic(expected = "genesis worker cannot be registered")]
fn genesis_rejects_an_invalid_worker() {
	ExtBuilder::default().with_workers(vec![(1, MIN_BOND - 1, 2, CLASS)]).build();
}

#[test]
fn assign_needs_a_registered_worker() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Workers::assign(&1), Err(DispatchError::from(Error::<Test>::NotRegistered)));
		// Release and verification of unknown accounts do nothing.
		Workers::release(&1);
		Workers::note_verified(&1);
		assert!(WorkersMap::<Test>::get(1).is_none());
		assert_eq!(WorkersMap::<Test>::get(1).map(|w| w.class_id), None);
	});
}
