//! Selection through the pallet: eligibility filters, distinctness, bond weighting, classes.

use super::*;
use crate::class_id_of;
use std::collections::BTreeMap;

/// Seeds of the statistical tests: fixed, so the tests are deterministic.
const ROUNDS: u64 = 4_000;

#[test]
fn draws_distinct_workers_deterministically() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=6 {
			register(who, 100 * who);
		}
		for seed in 0..200 {
			let drawn = select(4, &[], seed).expect("enough");
			assert_eq!(drawn.len(), 4);
			let mut unique = drawn.clone();
			unique.sort();
			unique.dedup();
			assert_eq!(unique.len(), 4, "distinct: {drawn:?}");
			assert_eq!(select(4, &[], seed), Some(drawn));
		}
		// Different seeds give different draws.
		let draws: std::collections::BTreeSet<_> =
			(0..50).map(|seed| select(3, &[], seed)).collect();
		assert!(draws.len() > 10);
	});
}

#[test]
fn none_when_not_enough_workers() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(select(1, &[], 0), None);
		register(1, 500);
		register(2, 500);
		assert_eq!(select(3, &[], 0), None);
		assert_eq!(select(0, &[], 0), Some(vec![]));
		let mut both = select(2, &[], 0).unwrap();
		both.sort();
		assert_eq!(both, vec![1, 2]);
	});
}

#[test]
fn selection_reserves_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		assert_eq!(select(1, &[], 0), Some(vec![1]));
		assert_eq!(info(1).open_assignments, 0);
	});
}

#[test]
fn exclude_is_respected() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=5 {
			register(who, 500);
		}
		for seed in 0..200 {
			let drawn = select(3, &[1, 4], seed).expect("enough");
			assert!(!drawn.contains(&1) && !drawn.contains(&4));
		}
		assert_eq!(select(4, &[1, 4], 0), None);
	});
}

#[test]
fn paused_workers_are_not_drawn() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		register(2, 500);
		assert_ok!(Workers::pause(signed(1)));
		for seed in 0..50 {
			assert_eq!(select(1, &[], seed), Some(vec![2]));
		}
		assert_eq!(select(2, &[], 0), None);
		assert_ok!(Workers::resume(signed(1)));
		assert!(select(2, &[], 0).is_some());
	});
}

#[test]
fn workers_at_capacity_are_not_drawn() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500); // capacity 2
		register(2, 500);
		assert_ok!(Workers::assign(&1));
		assert_ok!(Workers::assign(&1));
		assert_noop!(Workers::assign(&1), Error::<Test>::AtCapacity);
		for seed in 0..50 {
			assert_eq!(select(1, &[], seed), Some(vec![2]));
		}
		Workers::release(&1);
		assert!((0..50).any(|seed| select(2, &[], seed).is_some()));
		Workers::release(&1);
		// Release never underflows.
		Workers::release(&1);
		assert_eq!(info(1).open_assignments, 0);
	});
}

#[test]
fn workers_below_min_bond_are_not_drawn() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, MIN_BOND);
		register(2, 500);
		// 10 % of 100: 90 left, below the minimum.
		Workers::slash(&1, povc_primitives::Offence::WrongResult, &[]);
		assert_eq!(info(1).bond, MIN_BOND - 10);
		// Its reputation is low too; ask for none so that only the bond excludes it.
		for seed in 0..50 {
			assert_eq!(select(1, &[], seed), Some(vec![2]));
		}
		assert_ok!(Workers::bond_more(signed(1), 10));
		assert!(select(2, &[], 0).is_some());
	});
}

#[test]
fn reputation_filter() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, 500);
		register(2, 500);
		Workers::note_verified(&1); // 2/3
		let half = Permill::from_percent(50);
		let two_thirds = Permill::from_rational(2u32, 3);
		assert!(select_with(2, &[], 0, half).is_some());
		for seed in 0..50 {
			assert_eq!(select_with(1, &[], seed, two_thirds), Some(vec![1]));
		}
		assert_eq!(select_with(2, &[], 0, two_thirds), None);
	});
}

#[test]
fn draws_are_proportional_to_bond() {
	ExtBuilder::default().build_and_execute(|| {
		// Bonds 100, 200, 300, 400: expected shares 10, 20, 30, 40 %.
		for who in 1..=4 {
			register(who, 100 * who);
		}
		let mut first: BTreeMap<AccountId, u64> = BTreeMap::new();
		for seed in 0..ROUNDS {
			let drawn = select(1, &[], seed).expect("enough");
			*first.entry(drawn[0]).or_default() += 1;
		}
		for who in 1..=4u64 {
			let expected = ROUNDS * who / 10;
			let got = first.get(&who).copied().unwrap_or_default();
			// σ ≤ √(4000·0.4·0.6) ≈ 31; allow ±5σ.
			assert!(got.abs_diff(expected) <= 155, "worker {who}: {got}, expected ≈{expected}");
		}
	});
}

#[test]
fn draws_without_replacement_follow_the_remaining_bonds() {
	ExtBuilder::default().build_and_execute(|| {
		// 1 holds 80 % of the stake: it is almost always in a pair, and the second draw is
		// then between 2 and 3 in proportion 1 : 1.
		register(1, 800);
		register(2, 100);
		register(3, 100);
		let mut with_1 = 0;
		let mut pairs: BTreeMap<Vec<AccountId>, u64> = BTreeMap::new();
		for seed in 0..ROUNDS {
			let mut drawn = select(2, &[], seed).expect("enough");
			drawn.sort();
			if drawn.contains(&1) {
				with_1 += 1;
			}
			*pairs.entry(drawn).or_default() += 1;
		}
		// P(1 in pair) = 0.8 + 2·0.1·(0.8/0.9) ≈ 0.978.
		assert!(with_1 >= ROUNDS * 95 / 100, "1 in {with_1} of {ROUNDS} pairs");
		let a = pairs.get(&vec![1, 2]).copied().unwrap_or_default();
		let b = pairs.get(&vec![1, 3]).copied().unwrap_or_default();
		assert!(a.abs_diff(b) <= ROUNDS / 10, "{a} vs {b}");
	});
}

#[test]
fn one_pool_spans_every_allowed_class() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=2 {
			register_in(who, 500, CLASS);
		}
		for who in 3..=4 {
			register_in(who, 500, OTHER_CLASS);
		}
		// No class has 3 members, the pool has 4.
		assert_eq!(select(4, &[], 0).map(|d| d.len()), Some(4));
		let mixed = (0..100).any(|seed| {
			let drawn = select(2, &[], seed).unwrap();
			class_of(drawn[0]) != class_of(drawn[1])
		});
		assert!(mixed);
		// A disallowed class is out of the pool.
		assert_ok!(Workers::disallow_class(
			RuntimeOrigin::root(),
			class_id_of(OTHER_CLASS.as_bytes())
		));
		assert_eq!(select(3, &[], 0), None);
		for seed in 0..50 {
			assert_eq!(
				select(2, &[], seed).map(|mut d| {
					d.sort();
					d
				}),
				Some(vec![1, 2])
			);
		}
	});
}

#[test]
fn classes_weigh_by_their_stake_in_the_pool() {
	ExtBuilder::default().build_and_execute(|| {
		// Class A: 3 × 300 = 900, class B: 3 × 100 = 300 → A first in 3/4 of the draws.
		for who in 1..=3 {
			register_in(who, 300, CLASS);
		}
		for who in 4..=6 {
			register_in(who, 100, OTHER_CLASS);
		}
		let a = (0..ROUNDS)
			.filter(|seed| {
				let drawn = select(2, &[], *seed).unwrap();
				drawn[0] <= 3
			})
			.count() as u64;
		// Expected 3000, σ ≈ 27.
		assert!(a.abs_diff(3_000) <= 140, "class A drawn {a} times");
	});
}

/// Attack (issue 29, "a thin class is a private class"): an attacker with stake share f
/// registers all its workers in a second allowed class that nobody else uses. When a
/// job's replicas came from one class picked by stake, it got every replica of about f of
/// all jobs (here 20 %). In one pool it gets all replicas of f^R of them.
#[test]
fn an_attacker_alone_in_its_own_class_gets_all_replicas_only_f_to_the_r_of_the_time() {
	ExtBuilder::default().build().execute_with(|| {
		const DRAWS: u64 = 10_000;
		let honest = class_id_of(CLASS.as_bytes());
		let own = class_id_of(OTHER_CLASS.as_bytes());
		crate::classes::populate::workers::<Test>(own, 100, 200, |i| 10_000 + u64::from(i));
		crate::classes::populate::workers::<Test>(honest, 400, 200, |i| 20_000 + u64::from(i));
		assert_ok!(Workers::check_classes(true));
		let all_attacker = (0..DRAWS)
			.filter(|seed| select(3, &[], *seed).expect("enough").iter().all(|w| *w < 20_000))
			.count() as f64;
		let measured = all_attacker / DRAWS as f64;
		let f_r = 0.2f64.powi(3);
		let sigma = (f_r * (1.0 - f_r) / DRAWS as f64).sqrt();
		println!(
			"own class, f = 0.2, {DRAWS} draws: all replicas the attacker's {measured:.5}, f^R = {f_r:.5}, σ = {sigma:.5}"
		);
		assert!(measured <= f_r + 3.0 * sigma, "{measured} above f^R + 3σ");
	});
}

#[test]
fn all_replicas_go_to_one_holder_of_stake_share_f_with_probability_f_to_the_r() {
	ExtBuilder::default().build().execute_with(|| {
		// One holder of 20 % of the class's bond under 100 identities, 80 % spread over 400
		// honest workers, equal bonds; three replicas, 20,000 draws.
		const DRAWS: u64 = 20_000;
		let class_id = class_id_of(CLASS.as_bytes());
		let attacker = |i: u32| 10_000 + u64::from(i);
		crate::classes::populate::workers::<Test>(class_id, 100, 200, attacker);
		crate::classes::populate::workers::<Test>(class_id, 400, 200, |i| 20_000 + u64::from(i));
		assert_ok!(Workers::check_classes(true));
		let all_attacker = (0..DRAWS)
			.filter(|seed| {
				let drawn = select(3, &[], *seed).expect("enough");
				drawn.iter().all(|w| *w < 20_000)
			})
			.count() as f64;
		let measured = all_attacker / DRAWS as f64;
		let f_r = 0.2f64.powi(3);
		let sigma = (f_r * (1.0 - f_r) / DRAWS as f64).sqrt();
		// Drawn without replacement, the exact chance is a little below f^R.
		let exact = 0.2 * (99.0 / 499.0) * (98.0 / 498.0);
		println!(
			"P(all 3 replicas are one holder's), f = 0.2, {DRAWS} draws: measured {measured:.5}, f^R = {f_r:.5} (exact without replacement {exact:.5}), σ = {sigma:.5}"
		);
		assert!(measured <= f_r + 3.0 * sigma, "above f^R + 3σ");
		assert!((measured - f_r).abs() <= 3.0 * sigma, "not f^R within 3σ");
	});
}
