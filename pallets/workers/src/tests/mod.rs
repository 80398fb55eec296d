//! Unit tests. Each runs in [`ExtBuilder::build_and_execute`], which checks the pallet's
//! invariants and the conservation of the total issuance afterwards.

use crate::{
	mock::*, ClassOf, Error, Event, HoldReason, Leaves, WorkerCount, WorkerInfo,
	Workers as WorkersMap,
};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use povc_primitives::{Purpose, SelectionRequest, WorkerRegistry};
use sp_core::H256;
use sp_runtime::Permill;

mod bonding;
mod classes;
mod properties;
pub(crate) mod referees;
mod registration;
mod reputation;
mod scale;
mod selection;
mod slashing;
mod snapshots;
mod volunteers;

/// The class most tests use.
pub(crate) const CLASS: &str = "x86_64/wasmtime-48/povc-1";
/// Another class.
pub(crate) const OTHER_CLASS: &str = "aarch64/wasmtime-48/povc-1";

pub(crate) fn class(name: &str) -> ClassOf<Test> {
	name.as_bytes().to_vec().try_into().expect("test classes are short")
}

pub(crate) fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

/// Registers `who` with `bond`, capacity 2 and [`CLASS`].
pub(crate) fn register(who: AccountId, bond: Balance) {
	register_in(who, bond, CLASS);
}

/// Registers `who` with `bond`, capacity 2 and `class_name`, and lets its snapshot take
/// effect.
pub(crate) fn register_in(who: AccountId, bond: Balance, class_name: &str) {
	assert_ok!(Workers::register(signed(who), bond, 2, class(class_name)));
	snapshot();
}

/// `who`'s declared class.
pub(crate) fn class_of(who: AccountId) -> H256 {
	info(who).class_id
}

/// `who`'s balance on hold for the bond.
pub(crate) fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Workers(HoldReason::Bond), &who)
}

pub(crate) fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

pub(crate) fn info(who: AccountId) -> WorkerInfo<Test> {
	WorkersMap::<Test>::get(who).expect("a registered worker")
}

/// The pallet's events so far.
pub(crate) fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Workers(event) => Some(event),
			_ => None,
		})
		.collect()
}

pub(crate) fn last_event() -> Event<Test> {
	events().pop().expect("an event")
}

/// Selects `count` workers, no reputation minimum, excluding `exclude`.
pub(crate) fn select(count: u32, exclude: &[AccountId], seed: u64) -> Option<Vec<AccountId>> {
	select_with(count, exclude, seed, Permill::zero())
}

pub(crate) fn select_with(
	count: u32,
	exclude: &[AccountId],
	seed: u64,
	min_reputation: Permill,
) -> Option<Vec<AccountId>> {
	Workers::select(&SelectionRequest {
		count,
		min_reputation,
		exclude,
		seed: H256::from_low_u64_be(seed),
		purpose: Purpose::Replicas,
	})
}

/// The workers of `class_name`, by leaf.
pub(crate) fn leaves(class_name: &str) -> Vec<AccountId> {
	let class_id = crate::class_id_of(class_name.as_bytes());
	let count = crate::Classes::<Test>::get(class_id).map_or(0, |c| c.leaves);
	(0..count).map(|leaf| Leaves::<Test>::get(class_id, leaf).expect("a leaf")).collect()
}

pub(crate) fn run_to_block(n: u64) {
	System::set_block_number(n);
}

#[test]
fn try_state_catches_a_broken_hold() {
	ExtBuilder::default().build().execute_with(|| {
		register(1, 500);
		assert_ok!(Workers::do_try_state());
		WorkersMap::<Test>::mutate(1, |w| w.as_mut().unwrap().bond = 400);
		assert!(Workers::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_a_registry_mismatch() {
	ExtBuilder::default().build().execute_with(|| {
		register(1, 500);
		WorkerCount::<Test>::put(2);
		assert!(Workers::do_try_state().is_err());
		WorkerCount::<Test>::put(1);
		assert_ok!(Workers::do_try_state());
		let class_id = crate::class_id_of(CLASS.as_bytes());
		Leaves::<Test>::insert(class_id, 0, 2);
		assert!(Workers::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_a_tree_that_does_not_add_up() {
	use crate::sortition::{self, Tree};
	ExtBuilder::default().build().execute_with(|| {
		for who in 1..=20 {
			register(who, 100 + who);
		}
		assert_ok!(Workers::do_try_state());
		let class_id = crate::class_id_of(CLASS.as_bytes());
		// A leaf weight changed without its parent's sum.
		let mut node = crate::SortitionNodes::<Test>::get((class_id, Tree::Bonded, 1u8, 1u32));
		node[0] += 1;
		crate::SortitionNodes::<Test>::insert((class_id, Tree::Bonded, 1u8, 1u32), node);
		assert!(Workers::do_try_state().is_err());
		node[0] -= 1;
		crate::SortitionNodes::<Test>::insert((class_id, Tree::Bonded, 1u8, 1u32), node);
		assert_ok!(Workers::do_try_state());
		// A whole path changed consistently, but the worker's record says otherwise.
		sortition::set_leaf::<Test>(class_id, Tree::Available, 2, 3, 7);
		assert!(Workers::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_a_wrong_class_id() {
	ExtBuilder::default().build().execute_with(|| {
		register(1, 500);
		WorkersMap::<Test>::mutate(1, |w| w.as_mut().unwrap().class_id = H256::zero());
		assert!(Workers::do_try_state().is_err());
	});
}
