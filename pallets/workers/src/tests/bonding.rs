//! Bonding, unbonding, withdrawal and deregistration.

use super::*;
use crate::UnlockChunk;

#[test]
fn bond_more_adds_to_the_hold() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Workers::bond_more(signed(1), 10), Error::<Test>::NotRegistered);
		register(1, 500);
		assert_noop!(Workers::bond_more(signed(1), 0), Error::<Test>::ZeroAmount);
		assert_ok!(Workers::bond_more(signed(1), 250));
		assert_eq!(last_event(), Event::Bonded { who: 1, amount: 250 });
		assert_eq!(info(1).bond, 750);
		assert_eq!(held(1), 750);
		assert_eq!(free(1), ENDOWMENT - 750);
		// The existential deposit stays free.
		assert_noop!(
			Workers::bond_more(signed(1), ENDOWMENT - 750),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn unbond_moves_funds_to_an_unlocking_chunk() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		assert_ok!(Workers::unbond(signed(1), 150));
		assert_eq!(last_event(), Event::Unbonded { who: 1, amount: 150, unlock_at: 1 + DELAY });
		let w = info(1);
		assert_eq!(w.bond, 350);
		assert_eq!(
			w.unlocking.into_inner(),
			vec![UnlockChunk { amount: 150, unlock_at: 1 + DELAY }]
		);
		// Still held until withdrawn.
		assert_eq!(held(1), 500);
	});
}

#[test]
fn unbond_checks_amount_and_remaining_bond() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Workers::unbond(signed(1), 10), Error::<Test>::NotRegistered);
		register(1, 500);
		assert_noop!(Workers::unbond(signed(1), 0), Error::<Test>::ZeroAmount);
		assert_noop!(Workers::unbond(signed(1), 501), Error::<Test>::InsufficientBond);
		// 500 - 401 = 99 < MinBond.
		assert_noop!(Workers::unbond(signed(1), 401), Error::<Test>::BelowMinBond);
		// Exactly MinBond left, or nothing, is fine.
		assert_ok!(Workers::unbond(signed(1), 400));
		assert_eq!(info(1).bond, MIN_BOND);
		assert_ok!(Workers::unbond(signed(1), MIN_BOND));
		assert_eq!(info(1).bond, 0);
	});
}

#[test]
fn unbond_is_blocked_while_assigned() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		assert_ok!(Workers::assign(&1));
		assert_noop!(Workers::unbond(signed(1), 100), Error::<Test>::HasOpenAssignments);
		assert_noop!(Workers::unbond(signed(1), 500), Error::<Test>::HasOpenAssignments);
		Workers::release(&1);
		assert_ok!(Workers::unbond(signed(1), 100));
	});
}

#[test]
fn unbonds_maturing_together_share_a_chunk_and_chunks_are_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 1_000);
		assert_ok!(Workers::unbond(signed(1), 10));
		assert_ok!(Workers::unbond(signed(1), 20));
		assert_eq!(info(1).unlocking.len(), 1);
		assert_eq!(info(1).unlocking[0].amount, 30);
		for block in 2..=MAX_CHUNKS as u64 {
			run_to_block(block);
			assert_ok!(Workers::unbond(signed(1), 10));
		}
		assert_eq!(info(1).unlocking.len(), MAX_CHUNKS as usize);
		run_to_block(MAX_CHUNKS as u64 + 1);
		assert_noop!(Workers::unbond(signed(1), 10), Error::<Test>::TooManyUnlockingChunks);
		// Withdrawing the matured chunks makes room again.
		run_to_block(1 + DELAY);
		assert_ok!(Workers::withdraw_unbonded(signed(1)));
		assert_eq!(info(1).unlocking.len(), MAX_CHUNKS as usize - 1);
		assert_ok!(Workers::unbond(signed(1), 10));
	});
}

#[test]
fn withdraw_waits_for_the_unbonding_delay() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Workers::withdraw_unbonded(signed(1)), Error::<Test>::NotRegistered);
		register(1, 500);
		assert_noop!(Workers::withdraw_unbonded(signed(1)), Error::<Test>::NothingToWithdraw);
		assert_ok!(Workers::unbond(signed(1), 100));
		run_to_block(3);
		assert_ok!(Workers::unbond(signed(1), 50));
		run_to_block(DELAY);
		assert_noop!(Workers::withdraw_unbonded(signed(1)), Error::<Test>::NothingToWithdraw);

		run_to_block(1 + DELAY);
		assert_ok!(Workers::withdraw_unbonded(signed(1)));
		assert_eq!(last_event(), Event::Withdrawn { who: 1, amount: 100 });
		assert_eq!(held(1), 400);
		assert_eq!(free(1), ENDOWMENT - 400);
		assert_eq!(info(1).unlocking.len(), 1);
		assert_noop!(Workers::withdraw_unbonded(signed(1)), Error::<Test>::NothingToWithdraw);

		run_to_block(3 + DELAY + 5);
		assert_ok!(Workers::withdraw_unbonded(signed(1)));
		assert_eq!(last_event(), Event::Withdrawn { who: 1, amount: 50 });
		assert_eq!(held(1), 350);
		assert_eq!(info(1).bond, 350);
		assert!(info(1).unlocking.is_empty());
	});
}

#[test]
fn withdrawing_everything_deregisters() {
	ExtBuilder::default().build_and_execute(|| {
		register(2, 300);
		register(1, 500);
		register(3, 300);
		assert_ok!(Workers::unbond(signed(1), 500));
		// Still registered (and not drawn: no bond) while the funds unlock.
		assert_eq!(info(1).bond, 0);
		for seed in 0..20 {
			assert!(!select(1, &[], seed).unwrap().contains(&1));
		}
		run_to_block(1 + DELAY);
		assert_ok!(Workers::withdraw_unbonded(signed(1)));
		assert_eq!(last_event(), Event::Withdrawn { who: 1, amount: 500 });
		// Its leaf moves only when its snapshot without weight takes effect: a leaf moving
		// at a time the worker picks would re-map the draws' points.
		assert_eq!(leaves(CLASS), vec![2, 1, 3]);
		snapshot();
		assert!(events().contains(&Event::Deregistered { who: 1 }));
		assert!(WorkersMap::<Test>::get(1).is_none());
		// The last leaf moved into the leaving worker's place.
		assert_eq!(leaves(CLASS), vec![2, 3]);
		assert_eq!(held(1), 0);
		assert_eq!(free(1), ENDOWMENT);
		assert_eq!(WorkersMap::<Test>::get(1).map(|w| w.class_id), None);
		// A fresh start is possible.
		register(1, 200);
		assert_eq!(leaves(CLASS), vec![2, 3, 1]);
	});
}

#[test]
fn bond_more_revives_a_leaving_worker() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		assert_ok!(Workers::unbond(signed(1), 500));
		assert_ok!(Workers::bond_more(signed(1), 200));
		assert_eq!(info(1).bond, 200);
		snapshot();
		assert_eq!(select(1, &[], 0), Some(vec![1]));
		run_to_block(1 + DELAY);
		assert_ok!(Workers::withdraw_unbonded(signed(1)));
		// Bond left: stays registered.
		assert_eq!(info(1).bond, 200);
		assert_eq!(held(1), 200);
	});
}
