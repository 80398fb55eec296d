//! Classes: the allow-list, and each class's workers as leaves of its sortition trees.
//!
//! A worker's leaf and weights change only when one of its snapshots takes effect
//! ([`crate::snapshot`]): the trees are always the registry as it stood epochs ago.

use crate::{
	class_id_of,
	sortition::{self, Tree},
	AllowedClasses, ClassInfo, ClassOf, Classes, Config, Error, Event, Leaves, Pallet, WorkerInfo,
	Workers,
};
use frame_support::ensure;
use povc_primitives::ClassId;
use sp_runtime::{DispatchError, DispatchResult};

/// The trees of a class.
pub(crate) const TREES: [Tree; 4] =
	[Tree::Available, Tree::Bonded, Tree::Referees, Tree::Volunteers];

impl<T: Config> Pallet<T> {
	/// Whether `class_id` is on the allow-list.
	pub fn is_allowed(class_id: &ClassId) -> bool {
		Classes::<T>::get(class_id).is_some_and(|class| class.allowed)
	}

	/// Puts `class` on the allow-list: the checks and effects of [`Pallet::allow_class`].
	pub(crate) fn do_allow_class(class: ClassOf<T>) -> DispatchResult {
		ensure!(!class.is_empty(), Error::<T>::EmptyClass);
		let class_id = class_id_of(&class);
		ensure!(!Self::is_allowed(&class_id), Error::<T>::ClassAlreadyAllowed);
		AllowedClasses::<T>::try_append(class_id).map_err(|_| Error::<T>::TooManyClasses)?;
		let info = match Classes::<T>::get(class_id) {
			// Allowed before and still holding workers: they are drawn again.
			Some(mut info) => {
				info.allowed = true;
				info
			},
			None => ClassInfo::new(class.clone()),
		};
		Classes::<T>::insert(class_id, info);
		Self::deposit_event(Event::ClassAllowed { class_id, class });
		Ok(())
	}

	/// Takes `class_id` off the allow-list: the checks and effects of
	/// [`Pallet::disallow_class`]. A class without workers is removed.
	pub(crate) fn do_disallow_class(class_id: ClassId) -> DispatchResult {
		AllowedClasses::<T>::try_mutate(|allowed| -> DispatchResult {
			let position =
				allowed.iter().position(|id| *id == class_id).ok_or(Error::<T>::ClassNotAllowed)?;
			allowed.remove(position);
			Ok(())
		})?;
		Classes::<T>::mutate_exists(class_id, |maybe| {
			if let Some(class) = maybe {
				class.allowed = false;
				if class.leaves == 0 {
					*maybe = None;
				}
			}
		});
		Self::deposit_event(Event::ClassDisallowed { class_id });
		Ok(())
	}

	/// Gives `who` the next leaf of `class_id` (weight 0 until its snapshot is applied), growing
	/// the trees by a level when they are full. Returns the leaf.
	pub(crate) fn join_class(class_id: ClassId, who: &T::AccountId) -> Result<u32, DispatchError> {
		let mut class = Classes::<T>::get(class_id).ok_or(Error::<T>::ClassNotAllowed)?;
		if !class.has_room() {
			Self::grow_trees(class_id, &mut class);
		}
		let leaf = class.leaves;
		class.leaves = class.leaves.checked_add(1).ok_or(Error::<T>::TooManyWorkers)?;
		Leaves::<T>::insert(class_id, leaf, who);
		Classes::<T>::insert(class_id, class);
		Ok(leaf)
	}

	/// Adds a level on top of every tree of a class.
	fn grow_trees(class_id: ClassId, class: &mut ClassInfo<T>) {
		for tree in TREES {
			sortition::grow::<T>(class_id, tree, class.height);
		}
		class.height = class.height.saturating_add(1);
	}

	/// Takes the worker with record `info` out of its class: its leaf weighs nothing any
	/// more and the class's last leaf moves into its place, so leaves stay `0..leaves`.
	/// A class that is not allowed and has no workers left is forgotten.
	pub(crate) fn leave_class(info: &WorkerInfo<T>) {
		let class_id = info.drawn.class_id;
		let Some(leaf) = info.leaf else { return };
		let Some(mut class) = Classes::<T>::get(class_id) else { return };
		for tree in TREES {
			Self::set_weight(class_id, &mut class, tree, leaf, 0);
		}
		let last = class.leaves.saturating_sub(1);
		if leaf != last {
			if let Some(moved) = Leaves::<T>::get(class_id, last) {
				for tree in TREES {
					let weight = sortition::leaf_weight::<T>(class_id, tree, last);
					sortition::set_leaf::<T>(class_id, tree, class.height, last, 0);
					sortition::set_leaf::<T>(class_id, tree, class.height, leaf, weight);
				}
				Leaves::<T>::insert(class_id, leaf, &moved);
				Workers::<T>::mutate(&moved, |record| {
					if let Some(record) = record {
						record.leaf = Some(leaf);
					}
				});
			}
		}
		Leaves::<T>::remove(class_id, last);
		class.leaves = last;
		if class.leaves == 0 && !class.allowed {
			Classes::<T>::remove(class_id);
		} else {
			Classes::<T>::insert(class_id, class);
		}
	}

	/// Sets a leaf's weight in `tree` and the class's totals. Returns whether it changed.
	pub(crate) fn set_weight(
		class_id: ClassId,
		class: &mut ClassInfo<T>,
		tree: Tree,
		leaf: u32,
		weight: u128,
	) -> bool {
		let old = sortition::leaf_weight::<T>(class_id, tree, leaf);
		if old == weight {
			return false;
		}
		sortition::set_leaf::<T>(class_id, tree, class.height, leaf, weight);
		let totals = class.totals_mut(tree);
		totals.weight = totals.weight.saturating_sub(old).saturating_add(weight);
		match (old, weight) {
			(0, _) => totals.workers = totals.workers.saturating_add(1),
			(_, 0) => totals.workers = totals.workers.saturating_sub(1),
			_ => {},
		}
		true
	}
}

/// Fills registries quickly for benchmarks and large tests: writes what `register` would
/// for `n` workers (records, leaves, trees, counts), without holding their bonds.
#[cfg(any(test, feature = "runtime-benchmarks"))]
pub mod populate {
	use super::*;
	use crate::{BalanceOf, WorkerCount};
	use alloc::collections::BTreeMap;
	use frame_support::traits::Get;
	use sp_runtime::SaturatedConversion;

	/// Adds `n` workers `account(0..n)` with `bond` and full capacity to the allowed
	/// class `class_id`.
	pub fn workers<T: Config>(
		class_id: ClassId,
		n: u32,
		bond: BalanceOf<T>,
		account: impl Fn(u32) -> T::AccountId,
	) {
		let mut class = Classes::<T>::get(class_id).expect("populate an allowed class");
		let start = class.leaves;
		let end = start.checked_add(n).expect("populate fewer than u32::MAX workers");
		while sortition::height_for(end) > class.height {
			Pallet::<T>::grow_trees(class_id, &mut class);
		}
		let weight: u128 = bond.saturated_into();
		let mut template =
			WorkerInfo::<T>::new(bond, T::MaxCapacity::get(), class.name.clone(), class_id);
		// In the trees at once, as if its snapshot had taken effect.
		template.drawn = template.snapshot();
		for i in 0..n {
			let leaf = start + i;
			let who = account(i);
			Leaves::<T>::insert(class_id, leaf, &who);
			let mut info = template.clone();
			info.leaf = Some(leaf);
			Workers::<T>::insert(&who, info);
		}
		for tree in TREES {
			let weight = if template.weight(tree) > 0 { weight } else { 0 };
			if weight == 0 {
				continue;
			}
			// Level by level: the changed nodes' new sums go into their parents' slots.
			let mut changed: BTreeMap<u32, u128> = BTreeMap::new();
			for leaf in start..end {
				changed.insert(leaf, weight);
			}
			for level in 1..=class.height {
				let mut parents: BTreeMap<u32, u128> = BTreeMap::new();
				let mut nodes: BTreeMap<u32, sortition::Node> = BTreeMap::new();
				for (child, value) in changed {
					let index = child / sortition::ARITY;
					let node = nodes.entry(index).or_insert_with(|| {
						crate::SortitionNodes::<T>::get((class_id, tree, level, index))
					});
					node[(child % sortition::ARITY) as usize] = value;
				}
				for (index, node) in nodes {
					parents.insert(index, sortition::sum(&node));
					crate::SortitionNodes::<T>::insert((class_id, tree, level, index), node);
				}
				changed = parents;
			}
			let totals = class.totals_mut(tree);
			totals.workers = totals.workers.saturating_add(n);
			totals.weight = totals.weight.saturating_add(weight.saturating_mul(n.into()));
		}
		class.leaves = end;
		Classes::<T>::insert(class_id, class);
		WorkerCount::<T>::mutate(|count| *count = count.saturating_add(n));
	}

	/// Grows the trees of `class_id` to `height` levels (benchmarks measure every walk at
	/// the height of the largest registry).
	pub fn grow_to<T: Config>(class_id: ClassId, height: u8) {
		let Some(mut class) = Classes::<T>::get(class_id) else { return };
		while class.height < height {
			Pallet::<T>::grow_trees(class_id, &mut class);
		}
		Classes::<T>::insert(class_id, class);
	}
}
