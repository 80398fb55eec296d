//! Snapshots and free capacity: the attacks of issue 29 that draws used to allow.

use super::*;
use frame_support::storage::{with_transaction, TransactionOutcome};
use sp_runtime::DispatchError;

/// Honest workers 1..=15, attacker workers 16..=19, all in effect.
fn market() {
	for who in 1..=19 {
		register(who, 500 + who);
	}
}

/// The attacker's workers.
const ATTACKER: core::ops::RangeInclusive<AccountId> = 16..=19;

/// What `change` does to the draw of `seed`, undone afterwards: the draw that block `n`
/// would make if the author of block `n − 1` had put `change` in its block.
fn draw_after(change: impl FnOnce() -> Result<(), DispatchError>, seed: u64) -> Vec<AccountId> {
	with_transaction(|| {
		let changed = change();
		let drawn = select(3, &[], seed).expect("enough workers");
		assert!(changed.is_ok(), "{changed:?}");
		TransactionOutcome::Rollback(Ok::<_, DispatchError>(drawn))
	})
	.expect("rolled back")
}

/// Attack (issue 29, "the draw can be re-rolled"): the author of block `n − 1` knows the
/// randomness block `n` draws with and tries `bond_more(δ)` for δ = 1, 2, … (and other
/// changes of its own workers) until the draw gives it what it wants. When every change
/// moved the trees at once, each variant was a new draw. Now no variant changes it.
#[test]
fn an_author_trying_ten_thousand_variants_cannot_change_a_draw() {
	ExtBuilder::default().build_and_execute(|| {
		market();
		for seed in 0..3 {
			let honest = select(3, &[], seed).expect("enough workers");
			// 10^4 distinct variants: (worker, amount) over the attacker's free balances.
			for variant in 0..10_000u64 {
				let (who, amount) = (16 + variant % 4, 1 + variant / 4);
				assert_eq!(
					draw_after(|| Workers::bond_more(signed(who), amount), seed),
					honest,
					"bond_more({amount}) by {who} re-rolled draw {seed}"
				);
			}
			for who in ATTACKER {
				let variants: [Box<dyn Fn() -> Result<(), DispatchError>>; 4] = [
					Box::new(move || Workers::set_capacity(signed(who), 1)),
					Box::new(move || Workers::set_capacity(signed(who), MAX_CAPACITY)),
					Box::new(move || Workers::set_class(signed(who), class(OTHER_CLASS))),
					Box::new(move || Workers::unbond(signed(who), 300)),
				];
				for variant in variants {
					assert_eq!(draw_after(variant, seed), honest);
				}
				// New identities do not count before their snapshot either.
				assert_eq!(
					draw_after(|| Workers::register(signed(20), 5_000, 4, class(CLASS)), seed),
					honest
				);
			}
		}
	});
}

/// Live state can only turn a candidate down: a worker that pauses (or unbonds) leaves a
/// draw at once, and the others drawn stay those the snapshot gave.
#[test]
fn pausing_only_removes_the_pauser_from_a_draw() {
	ExtBuilder::default().build_and_execute(|| {
		market();
		for seed in 0..50 {
			let before = select(3, &[], seed).unwrap();
			let pauser = before[0];
			let after = draw_after(|| Workers::pause(signed(pauser)), seed);
			assert!(!after.contains(&pauser));
			assert_eq!(after[..2], before[1..], "the next candidates, in order");
		}
	});
}

/// Changes made in epoch `e` reach the draws at the start of epoch `e + SnapshotDelay`,
/// not before; the epoch's queue is applied first made first.
#[test]
fn changes_take_effect_snapshot_delay_epochs_later() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		assert_ok!(Workers::bond_more(signed(1), 1_000));
		assert_eq!(info(1).drawn.weight(crate::sortition::Tree::Available), 500);
		assert_eq!(info(1).scheduled.len(), 1);
		next_epochs(1);
		// A second change, in a later epoch, is a second snapshot with its own epoch.
		assert_ok!(Workers::pause(signed(1)));
		assert_eq!(info(1).scheduled.len(), 2);
		next_epochs(SNAPSHOT_DELAY - 1);
		assert_eq!(info(1).drawn.weight(crate::sortition::Tree::Available), 1_500);
		assert_eq!(info(1).scheduled.len(), 1);
		next_epochs(1);
		assert_eq!(info(1).drawn.weight(crate::sortition::Tree::Available), 0, "paused");
		assert!(info(1).scheduled.is_empty());
		assert!(events().contains(&Event::SnapshotApplied {
			who: 1,
			class_id: crate::class_id_of(CLASS.as_bytes()),
			weight: 0
		}));
	});
}

#[test]
fn a_worker_has_a_bounded_number_of_snapshots_waiting() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		for _ in 0..crate::MAX_SCHEDULED {
			assert_ok!(Workers::bond_more(signed(1), 1));
			// Epochs pass without blocks: nothing is applied.
			Epoch::set(Epoch::get() + 1);
		}
		assert_noop!(Workers::bond_more(signed(1), 1), Error::<Test>::TooManyPendingChanges);
		// A slash must still happen: it postpones the newest snapshot instead.
		<Workers as WorkerRegistry<_>>::slash(&1, povc_primitives::Offence::NoShow, &[]);
		assert_eq!(info(1).scheduled.len() as u32, crate::MAX_SCHEDULED);
		assert_eq!(info(1).scheduled.last().unwrap().made_in, Epoch::get());
		next_epochs(SNAPSHOT_DELAY);
		assert!(info(1).scheduled.is_empty());
		assert_eq!(info(1).drawn, info(1).snapshot());
	});
}

#[test]
fn activations_per_block_are_bounded_and_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=(MAX_ACTIVATIONS as u64 + 3) {
			assert_ok!(Workers::register(signed(who), 500, 2, class(CLASS)));
		}
		Epoch::set(SNAPSHOT_DELAY);
		assert_eq!(Workers::activate_due(SNAPSHOT_DELAY, MAX_ACTIVATIONS), MAX_ACTIVATIONS);
		let first: Vec<AccountId> = leaves(CLASS);
		assert_eq!(first, (1..=MAX_ACTIVATIONS as u64).collect::<Vec<_>>());
		assert_eq!(Workers::activate_due(SNAPSHOT_DELAY, MAX_ACTIVATIONS), 3);
		assert_eq!(Workers::activate_due(SNAPSHOT_DELAY, MAX_ACTIVATIONS), 0);
		assert_eq!(leaves(CLASS).len() as u32, MAX_ACTIVATIONS + 3);
	});
}

/// Attack (issue 29, "draws ignore free capacity"): a worker weighed its full bond while it
/// had any free slot, so one declaring many slots kept full weight under load while busy
/// honest workers dropped out. Now a candidate is accepted with probability `free slots /
/// capacity`: one with 3 of 4 slots busy among 9 idle workers of equal bond is drawn in
/// 1/40 of the draws (`bond × free / capacity` would say 1/37), not 1/10.
#[test]
fn draws_weigh_free_capacity() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=10 {
			assert_ok!(Workers::register(signed(who), 500, MAX_CAPACITY, class(CLASS)));
		}
		snapshot();
		for _ in 0..3 {
			assert_ok!(Workers::assign(&1));
		}
		const DRAWS: u64 = 8_000;
		let busy = (0..DRAWS).filter(|seed| select(1, &[], *seed) == Some(vec![1])).count();
		// Expected 200, σ ≈ 14; unweighted it would be 800.
		assert!(busy.abs_diff(200) <= 60, "the busy worker was drawn {busy} times");
	});
}

/// Declaring more capacity than one serves gives no extra share: with the same bond and
/// the same share of its slots busy, a worker of capacity 4 is drawn as often as one of 2.
#[test]
fn over_declared_capacity_buys_no_share() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Workers::register(signed(1), 500, MAX_CAPACITY, class(CLASS)));
		assert_ok!(Workers::register(signed(2), 500, 2, class(CLASS)));
		for who in 3..=10 {
			assert_ok!(Workers::register(signed(who), 500, 2, class(CLASS)));
		}
		snapshot();
		// Both half full.
		for _ in 0..2 {
			assert_ok!(Workers::assign(&1));
		}
		assert_ok!(Workers::assign(&2));
		const DRAWS: u64 = 8_000;
		let count = |who: AccountId| {
			(0..DRAWS).filter(|seed| select(1, &[], *seed) == Some(vec![who])).count()
		};
		let (over, honest) = (count(1), count(2));
		// Each about 1/20 × 1/2 of the draws: 400, σ ≈ 20.
		assert!(over.abs_diff(honest) <= 80, "over-declarer {over}, honest {honest}");
		// And raising its capacity now buys nothing until its snapshot.
		assert_ok!(Workers::set_capacity(signed(2), MAX_CAPACITY));
		assert_eq!(count(2), honest);
	});
}
