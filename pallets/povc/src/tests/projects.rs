//! Volunteer research projects: governed by `ProjectOrigin`, paid in score at their rate
//! within a budget per epoch.

use crate::{mock::*, CurrentEpoch, Error, Event, Pallet as PovcPallet, Projects};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use povc_primitives::VolunteerProjects;

const PROJECT: AccountId = 40;

fn text<S: frame_support::traits::Get<u32>>(s: &str) -> BoundedVec<u8, S> {
	BoundedVec::truncate_from(s.as_bytes().to_vec())
}

fn approve(
	project: AccountId,
	budget: u128,
	rate: u128,
) -> frame_support::dispatch::DispatchResult {
	Povc::approve_project(
		RuntimeOrigin::root(),
		project,
		text("Folding"),
		text("https://folding.example"),
		budget,
		rate,
	)
}

#[test]
fn only_governance_approves_updates_and_removes_projects() {
	run_test(|| {
		let signed = RuntimeOrigin::signed(PROJECT);
		assert_noop!(
			Povc::approve_project(signed.clone(), PROJECT, text("x"), text(""), 1, 1),
			sp_runtime::DispatchError::BadOrigin
		);
		assert!(!PovcPallet::<Test>::is_project(&PROJECT));
		assert_ok!(approve(PROJECT, 10_000, 5));
		System::assert_last_event(
			Event::ProjectApproved { project: PROJECT, score_budget: 10_000, score_per_fuel: 5 }
				.into(),
		);
		assert!(PovcPallet::<Test>::is_project(&PROJECT));
		assert_noop!(approve(PROJECT, 1, 1), Error::<Test>::ProjectExists);
		assert_noop!(
			Povc::update_project(signed.clone(), PROJECT, text("x"), text(""), 1, 1),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(Povc::remove_project(signed, PROJECT), sp_runtime::DispatchError::BadOrigin);

		assert_ok!(Povc::update_project(
			RuntimeOrigin::root(),
			PROJECT,
			text("Folding 2"),
			text("https://f.example"),
			20_000,
			7
		));
		let record = Projects::<Test>::get(PROJECT).unwrap();
		assert_eq!((record.score_budget, record.score_per_fuel), (20_000, 7));
		assert_eq!(record.name.to_vec(), b"Folding 2".to_vec());

		assert_ok!(Povc::remove_project(RuntimeOrigin::root(), PROJECT));
		System::assert_last_event(Event::ProjectRemoved { project: PROJECT }.into());
		assert!(!PovcPallet::<Test>::is_project(&PROJECT));
		assert_eq!(
			PovcPallet::<Test>::score_for(&PROJECT, 100),
			0,
			"a removed project earns nothing"
		);
		assert_noop!(
			Povc::remove_project(RuntimeOrigin::root(), PROJECT),
			Error::<Test>::UnknownProject
		);
		assert_noop!(
			Povc::update_project(RuntimeOrigin::root(), PROJECT, text("x"), text(""), 1, 1),
			Error::<Test>::UnknownProject
		);
	});
}

#[test]
fn bad_project_parameters_get_precise_errors() {
	run_test(|| {
		assert_noop!(
			Povc::approve_project(RuntimeOrigin::root(), PROJECT, text(""), text(""), 1, 1),
			Error::<Test>::EmptyProjectName
		);
		for project in 41..44 {
			assert_ok!(approve(project, 1, 1));
		}
		assert_noop!(approve(PROJECT, 1, 1), Error::<Test>::TooManyProjects);
		assert_eq!(Projects::<Test>::count(), 3);
	});
}

/// A compromised project (or its own workers) mints at most its budget of weight per
/// epoch, however much fuel is claimed; the budget is whole again the next epoch.
#[test]
fn a_project_credits_its_rate_within_its_budget_per_epoch() {
	run_test(|| {
		assert_ok!(approve(PROJECT, 10_000, 5));
		let before = PovcPallet::<Test>::score_of(&2);
		let value = PovcPallet::<Test>::score_for(&PROJECT, 1_200);
		assert_eq!(value, 6_000, "rate × fuel");
		assert_eq!(PovcPallet::<Test>::credit(&PROJECT, &7, &2, value), 6_000);
		System::assert_last_event(Event::ScoreCredited { validator: 2, value: 6_000 }.into());
		assert_eq!(PovcPallet::<Test>::credit(&PROJECT, &8, &2, value), 4_000, "capped");
		System::assert_has_event(
			Event::ProjectBudgetExhausted { project: PROJECT, uncredited: 2_000 }.into(),
		);
		assert_eq!(PovcPallet::<Test>::credit(&PROJECT, &9, &2, value), 0, "spent");
		assert_eq!(PovcPallet::<Test>::score_of(&2), before + 10_000);
		let view = &PovcPallet::<Test>::projects_view()[0];
		assert_eq!((view.used, view.remaining), (10_000, 0));
		assert_eq!(view.name, "Folding");

		rotate_session();
		assert_eq!(CurrentEpoch::<Test>::get(), 1);
		let view = &PovcPallet::<Test>::projects_view()[0];
		assert_eq!((view.used, view.remaining), (0, 10_000), "a new epoch, a new budget");
		assert_eq!(PovcPallet::<Test>::credit(&PROJECT, &7, &3, value), 6_000);
	});
}

/// Lowering the budget below what was used this epoch stops the credits; it never
/// leaves the record claiming more use than its budget.
#[test]
fn lowering_a_budget_mid_epoch_stops_further_credits() {
	run_test(|| {
		assert_ok!(approve(PROJECT, 10_000, 5));
		assert_eq!(PovcPallet::<Test>::credit(&PROJECT, &7, &2, 6_000), 6_000);
		assert_ok!(Povc::update_project(
			RuntimeOrigin::root(),
			PROJECT,
			text("Folding"),
			text(""),
			5_000,
			5
		));
		assert_eq!(Projects::<Test>::get(PROJECT).unwrap().used, 5_000);
		assert_eq!(PovcPallet::<Test>::credit(&PROJECT, &7, &2, 100), 0);
	});
}
