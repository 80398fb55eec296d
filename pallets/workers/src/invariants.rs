//! The pallet's invariants, checked by `try_state` and after every unit test.

use crate::{
	class_id_of,
	sortition::{self, Tree},
	AllowedClasses, Classes, Config, HoldReason, Leaves, Pallet, WorkerCount, Workers,
};
use alloc::collections::{BTreeMap, BTreeSet};
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use povc_primitives::ClassId;
use sp_runtime::{traits::Zero, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks the invariants listed in the crate documentation.
	///
	/// Reads the whole registry: for `try_state` and tests, never for a block.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		for (validator, referees) in crate::RefereesOf::<T>::iter() {
			ensure!(!referees.is_empty(), "an empty referee list is stored");
			let mut weight = 0u128;
			for referee in referees.iter() {
				let info =
					Workers::<T>::get(referee).ok_or("a listed referee is not registered")?;
				ensure!(
					info.referee_for.as_ref() == Some(&validator),
					"a listed referee referees for another validator"
				);
				weight = weight.saturating_add(info.drawn.weight(Tree::Referees));
			}
			ensure!(
				crate::RefereeWeightOf::<T>::get(&validator) == weight,
				"a validator's referee weight differs from its referees' snapshots"
			);
		}
		ensure!(
			crate::RefereeWeightOf::<T>::iter_keys()
				.all(|validator| crate::RefereesOf::<T>::contains_key(validator)),
			"a referee weight without referees"
		);
		let mut workers = 0u32;
		for (who, info) in Workers::<T>::iter() {
			workers += 1;
			let held = T::Currency::balance_on_hold(&HoldReason::Bond.into(), &who);
			ensure!(held == info.total_held(), "held for Bond != bond + unlocking");
			ensure!(!info.has_left(), "a worker that has left is still registered");
			ensure!(
				info.scheduled.windows(2).all(|w| w[0].made_in < w[1].made_in),
				"waiting snapshots out of order"
			);
			if info.leaf.is_none() {
				ensure!(info.drawn.is_empty(), "a worker out of the trees with a weight");
			}
			ensure!(
				info.unlocking.iter().all(|chunk| !chunk.amount.is_zero()),
				"an unlocking chunk is empty"
			);
			if let Some(target) = &info.contribute_to {
				ensure!(target != &who, "contribute_to stores the worker itself");
			}
			if let Some(validator) = &info.referee_for {
				ensure!(
					crate::RefereesOf::<T>::get(validator).contains(&who),
					"a referee missing from its validator's list"
				);
			}
		}
		ensure!(workers == WorkerCount::<T>::get(), "WorkerCount != number of workers");
		let (head, tail) = crate::ActivationQueueBounds::<T>::get();
		ensure!(
			crate::ActivationQueue::<T>::iter_keys().all(|seq| seq >= head && seq < tail),
			"an activation outside the queue's bounds"
		);
		Self::check_classes(true)
	}

	/// The class and tree invariants; with `records`, also that every worker is a leaf
	/// of its class weighing what its record says (false only for registries built
	/// without records, in tests of the trees alone).
	pub fn check_classes(records: bool) -> Result<(), TryRuntimeError> {
		let allowed = AllowedClasses::<T>::get();
		let unique: BTreeSet<ClassId> = allowed.iter().copied().collect();
		ensure!(unique.len() == allowed.len(), "a class is allowed twice");
		let mut leaves_total = 0u32;
		for (class_id, class) in Classes::<T>::iter() {
			ensure!(class_id == class_id_of(&class.name), "class id != blake2_256(name)");
			ensure!(class.allowed == allowed.contains(&class_id), "allowed flag != allow-list");
			ensure!(class.allowed || class.leaves > 0, "a disallowed class without workers");
			ensure!(
				sortition::height_for(class.leaves) <= class.height,
				"a class's trees are too low for its leaves"
			);
			leaves_total += class.leaves;
			for leaf in 0..class.leaves {
				let who = Leaves::<T>::get(class_id, leaf).ok_or("a leaf without a worker")?;
				if records {
					let info =
						Workers::<T>::get(&who).ok_or("a leaf's worker is not registered")?;
					ensure!(info.drawn.class_id == class_id, "a worker is a leaf of another class");
					ensure!(info.leaf == Some(leaf), "a worker's leaf index is wrong");
					ensure!(!info.class.is_empty(), "a worker has an empty class");
					ensure!(
						info.class_id == class_id_of(&info.class),
						"class_id != blake2_256(class)"
					);
					ensure!(
						(1..=T::MaxCapacity::get()).contains(&info.capacity),
						"capacity outside 1..=MaxCapacity"
					);
					ensure!(
						info.referee_for.is_none() || info.referee_for == info.contribute_to,
						"a referee referees for the validator it contributes to"
					);
					for tree in crate::classes::TREES {
						ensure!(
							sortition::leaf_weight::<T>(class_id, tree, leaf)
								== info.drawn.weight(tree),
							"a leaf's weight differs from its worker's snapshot"
						);
					}
				}
			}
			ensure!(
				Leaves::<T>::iter_prefix(class_id).count() == class.leaves as usize,
				"leaves beyond a class's count"
			);
			for tree in crate::classes::TREES {
				Self::check_tree(class_id, tree, class.height, class.leaves, class.totals(tree))?;
			}
		}
		if records {
			let placed = Workers::<T>::iter_values().filter(|info| info.leaf.is_some()).count();
			ensure!(leaves_total as usize == placed, "leaves != workers in the trees");
		}
		Ok(())
	}

	/// Every node's children sum to its slot in the parent, nothing lies beyond the
	/// leaves, and the root and leaf counts match the class's totals.
	fn check_tree(
		class_id: ClassId,
		tree: Tree,
		height: u8,
		leaves: u32,
		totals: &crate::TreeTotals,
	) -> Result<(), TryRuntimeError> {
		let nodes: BTreeMap<(u8, u32), sortition::Node> = sortition::nodes::<T>(class_id, tree)
			.into_iter()
			.map(|(level, index, node)| ((level, index), node))
			.collect();
		let mut workers = 0u32;
		for (&(level, index), node) in &nodes {
			ensure!(level >= 1 && level <= height, "a node outside the tree's levels");
			if level == height {
				ensure!(index == 0, "a second node at the root level");
				ensure!(sortition::sum(node) == totals.weight, "root sum != class total");
			} else {
				let parent = nodes.get(&(level + 1, index / sortition::ARITY));
				let in_parent = parent.map_or(0, |p| p[(index % sortition::ARITY) as usize]);
				ensure!(in_parent == sortition::sum(node), "a node's sum != its parent's slot");
			}
			if level > 1 {
				for (slot, weight) in node.iter().enumerate() {
					let child = (level - 1, index * sortition::ARITY + slot as u32);
					ensure!(*weight == 0 || nodes.contains_key(&child), "a weight without a node");
				}
			}
			if level == 1 {
				for (slot, weight) in node.iter().enumerate() {
					let leaf = index * sortition::ARITY + slot as u32;
					ensure!(*weight == 0 || leaf < leaves, "weight beyond the last leaf");
					workers += u32::from(*weight > 0);
				}
			}
		}
		if !nodes.contains_key(&(height, 0)) {
			ensure!(totals.weight == 0, "an empty tree with a class total");
		}
		ensure!(workers == totals.workers, "weighted leaves != class count");
		Ok(())
	}
}
