//! Volunteer work is opt-in: only workers that set the flag are in their class's
//! volunteer tree, and only while they could take any assignment.

use super::*;
use crate::{sortition::Tree, Error};

fn volunteer_totals() -> crate::TreeTotals {
	let class_id = crate::class_id_of(CLASS.as_bytes());
	*crate::Classes::<Test>::get(class_id).expect("class").totals(Tree::Volunteers)
}

fn draw_volunteers(count: u32, seed: u64) -> Option<Vec<AccountId>> {
	Workers::select(&SelectionRequest {
		count,
		min_reputation: Permill::zero(),
		exclude: &[],
		seed: H256::from_low_u64_be(seed),
		purpose: Purpose::Volunteers,
	})
}

#[test]
fn workers_opt_in_and_out_of_volunteer_work() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Workers::set_volunteer(signed(1), true), Error::<Test>::NotRegistered);
		register(1, 500);
		assert!(!info(1).volunteer, "nobody volunteers by default");
		assert_noop!(Workers::set_volunteer(signed(1), false), Error::<Test>::VolunteerUnchanged);
		assert_ok!(Workers::set_volunteer(signed(1), true));
		assert_eq!(last_event(), Event::VolunteerSet { who: 1, volunteer: true });
		snapshot();
		assert_eq!(volunteer_totals().weight, 500);
		assert_ok!(Workers::pause(signed(1)));
		assert_eq!(draw_volunteers(1, 0), None, "a paused volunteer is not drawn");
		snapshot();
		assert_eq!(volunteer_totals().weight, 0, "nor in the tree");
		assert_ok!(Workers::resume(signed(1)));
		snapshot();
		assert_ok!(Workers::set_volunteer(signed(1), false));
		// Opting out counts at once: nobody is drafted to work unpaid.
		assert_eq!(draw_volunteers(1, 0), None);
		snapshot();
		assert_eq!(volunteer_totals(), Default::default());
	});
}

/// The attack: a free job drafting workers who never agreed to work unpaid. Volunteer
/// draws see only volunteers, whatever the others' bonds.
#[test]
fn volunteer_draws_take_only_volunteers() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=6 {
			register(who, if who <= 3 { 100 } else { 5_000 });
		}
		assert_eq!(draw_volunteers(1, 0), None, "no volunteers, no draw");
		for who in 1..=3 {
			assert_ok!(Workers::set_volunteer(signed(who), true));
		}
		snapshot();
		for seed in 0..50 {
			let mut drawn = draw_volunteers(3, seed).expect("three volunteers");
			drawn.sort();
			assert_eq!(drawn, vec![1, 2, 3]);
		}
		assert_eq!(draw_volunteers(4, 0), None, "never more than the volunteers");
	});
}
