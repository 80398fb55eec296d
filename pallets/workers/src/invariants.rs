//! The pallet's invariants, checked by `try_state` and after every unit test.

use crate::{class_id_of, Config, HoldReason, Pallet, Registry, Workers};
use alloc::collections::BTreeSet;
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{traits::Zero, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks the invariants listed in the crate documentation.
	///
	/// Reads the whole registry: for `try_state` and tests, never for a block.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let registry = Registry::<T>::get();
		let mut listed = BTreeSet::new();
		for who in registry.iter() {
			ensure!(listed.insert(who.clone()), "an account is listed twice in Registry");
			ensure!(Workers::<T>::contains_key(who), "an account in Registry is not a worker");
		}

		let mut workers = 0usize;
		for (who, info) in Workers::<T>::iter() {
			workers += 1;
			ensure!(listed.contains(&who), "a worker is missing from Registry");
			let held = T::Currency::balance_on_hold(&HoldReason::Bond.into(), &who);
			ensure!(held == info.total_held(), "held for Bond != bond + unlocking");
			ensure!(!info.class.is_empty(), "a worker has an empty class");
			ensure!(info.class_id == class_id_of(&info.class), "class_id != blake2_256(class)");
			ensure!(
				(1..=T::MaxCapacity::get()).contains(&info.capacity),
				"capacity outside 1..=MaxCapacity"
			);
			ensure!(
				!info.bond.is_zero() || !info.unlocking.is_empty(),
				"a worker has neither bond nor unlocking funds"
			);
			ensure!(
				info.unlocking.iter().all(|chunk| !chunk.amount.is_zero()),
				"an unlocking chunk is empty"
			);
			if let Some(target) = &info.contribute_to {
				ensure!(target != &who, "contribute_to stores the worker itself");
			}
		}
		ensure!(workers == registry.len(), "Workers and Registry differ in size");
		Ok(())
	}
}
