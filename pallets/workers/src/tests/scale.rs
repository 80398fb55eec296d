//! A registry of a million workers: draws stay a handful of reads.

use super::*;
use crate::{class_id_of, classes::populate, sortition, Classes};

/// The storage items `f` reads in a draw (as counted by [`sortition::reads`]).
fn reads_of<R>(f: impl FnOnce() -> R) -> (R, u32) {
	sortition::reads::take();
	let result = f();
	(result, sortition::reads::take())
}

#[test]
fn a_million_workers_are_drawn_from_in_a_few_reads() {
	ExtBuilder::default().build().execute_with(|| {
		const WORKERS: u32 = 1_000_000;
		MaxWorkers::set(u32::MAX);
		let class_id = class_id_of(CLASS.as_bytes());
		populate::workers::<Test>(class_id, WORKERS, 200, |i| 1_000 + u64::from(i));
		let class_info = Classes::<Test>::get(class_id).expect("the class");
		assert_eq!((class_info.leaves, class_info.height), (WORKERS, 5));
		assert_eq!(class_info.available.weight, 200 * u128::from(WORKERS));
		assert_eq!(
			sortition::total::<Test>(class_id, sortition::Tree::Available, class_info.height),
			200 * u128::from(WORKERS)
		);

		let (drawn, reads) = reads_of(|| select(1, &[], 7));
		let drawn = drawn.expect("a worker");
		println!("one draw from {WORKERS} workers: {reads} storage reads");
		// Allow-list, each allowed class (2), five tree levels, the leaf's worker and its
		// record.
		assert_eq!(reads, 1 + 2 + 5 + 2, "{reads} reads");

		let (drawn3, reads3) = reads_of(|| select(3, &[drawn[0]], 8));
		let drawn3 = drawn3.expect("three workers");
		assert!(!drawn3.contains(&drawn[0]));
		println!("three draws from {WORKERS} workers, one excluded: {reads3} storage reads");
		// The excluded record, allow-list and classes, then three walks of 5 + 2.
		assert_eq!(reads3, 1 + 3 + 3 * 7, "{reads3} reads");

		// A worker registered and then leaving touches one path of each tree.
		register(1, 500);
		assert_eq!(Classes::<Test>::get(class_id).map(|c| c.leaves), Some(WORKERS + 1));
		let leaf = info(1).leaf;
		assert_eq!(leaf, Some(WORKERS));
		assert_ok!(Workers::unbond(signed(1), 500));
		run_to_block(1 + DELAY);
		assert_ok!(Workers::withdraw_unbonded(signed(1)));
		snapshot();
		assert_eq!(Classes::<Test>::get(class_id).map(|c| c.leaves), Some(WORKERS));
		assert_eq!(
			sortition::total::<Test>(class_id, sortition::Tree::Available, class_info.height),
			200 * u128::from(WORKERS)
		);
	});
}

#[test]
fn populated_registries_keep_every_invariant() {
	ExtBuilder::default().build().execute_with(|| {
		let class_id = class_id_of(CLASS.as_bytes());
		MaxWorkers::set(u32::MAX);
		populate::workers::<Test>(class_id, 5_000, 200, |i| 1_000 + u64::from(i));
		assert_ok!(Workers::check_classes(true));
		// Every registry change keeps the trees right at this size too.
		register(1, 500);
		register(2, 700);
		assert_ok!(Workers::pause(signed(1)));
		assert_ok!(Workers::assign(&2));
		assert_ok!(Workers::set_class(signed(1), class(OTHER_CLASS)));
		snapshot();
		assert_ok!(Workers::check_classes(true));
	});
}
