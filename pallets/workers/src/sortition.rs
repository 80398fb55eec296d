//! Sortition sum trees: bond-weighted draws in O(log n) storage reads.
//!
//! Every class has one set of leaves, one per worker of the class (dense: leaf `0..leaves`),
//! and four trees of weights over them. The weights are the workers' **snapshots**
//! ([`crate::snapshot`]): what their records said epochs ago, never what they say now.
//! - [`Tree::Available`]: the bond of a worker that had at least `MinBond` and was not
//!   paused, else 0. Replicas are drawn from it (free capacity weighs in at the draw).
//! - [`Tree::Bonded`]: the bond of a worker with bond ≥ `MinBond`, else 0.
//! - [`Tree::Referees`]: the bond of a bonded worker that a validator accepted as its
//!   referee, else 0. Referee committees are drawn from it (referees take no capacity
//!   slot), so the pool is filtered by consent before any draw, without a scan.
//! - [`Tree::Volunteers`]: the bond of an available worker that opted in to volunteer
//!   work, else 0. Replicas of price-0 jobs of research projects are drawn from it.
//!
//! A tree is [`ARITY`]-ary and stored bottom-up: node `(level, index)` holds the weights of
//! its `ARITY` children, so it is one storage item. Level 1 holds leaf weights: leaf `l`
//! is slot `l % ARITY` of node `(1, l / ARITY)`; level `h > 1` holds the sums of nodes
//! `(h - 1, index · ARITY + slot)`. The root is `(height, 0)`. Addresses never change when
//! the tree grows: a new root one level up gets the old root's sum in slot 0.
//!
//! A draw walks from the root to a leaf reading one node per level: `height` reads,
//! `⌈log₁₆ n⌉` (5 for a million leaves). Excluded leaves (a job's earlier workers, workers
//! drawn already) are subtracted on the way down, so a draw without replacement is exact
//! and needs no write.

use crate::{Config, SortitionNodes};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use povc_primitives::ClassId;
use scale_info::TypeInfo;

/// Children per node. 16: a node is 256 bytes and a million leaves need 5 levels.
pub const ARITY: u32 = 16;
/// log2 of [`ARITY`].
const ARITY_BITS: u32 = 4;
/// Levels a tree can have: enough for `u32::MAX` leaves (16^8 = 2^32).
pub const MAX_HEIGHT: u8 = 8;

/// The children weights of one node.
pub type Node = [u128; ARITY as usize];

/// Which of a class's four trees.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Tree {
	/// Bonded workers that were not paused, weighted by bond.
	Available,
	/// Workers with at least the minimum bond, weighted by bond.
	Bonded,
	/// Bonded workers accepted as referees by a validator, weighted by bond.
	Referees,
	/// Available workers that opted in to volunteer work, weighted by bond.
	Volunteers,
}

/// The slot of `leaf`'s ancestor at `level - 1` within its ancestor at `level`.
fn slot(leaf: u32, level: u8) -> usize {
	((leaf >> (ARITY_BITS * (u32::from(level) - 1))) & (ARITY - 1)) as usize
}

/// The index of `leaf`'s ancestor at `level` (level 1: the node holding the leaf).
fn ancestor(leaf: u32, level: u8) -> u32 {
	// A shift by 32 or more would overflow: such an ancestor is the root, index 0.
	leaf.checked_shr(ARITY_BITS * u32::from(level)).unwrap_or(0)
}

/// Levels needed for `leaves` leaves (at least 1).
pub fn height_for(leaves: u32) -> u8 {
	let mut height = 1u8;
	while height < MAX_HEIGHT && u64::from(leaves) > 1u64 << (ARITY_BITS * u32::from(height)) {
		height += 1;
	}
	height
}

/// Sum of a node's children, saturating.
pub fn sum(node: &Node) -> u128 {
	node.iter().fold(0u128, |total, weight| total.saturating_add(*weight))
}

fn read<T: Config>(class: ClassId, tree: Tree, level: u8, index: u32) -> Node {
	reads::note();
	SortitionNodes::<T>::get((class, tree, level, index))
}

/// Counts the storage items a draw reads, for the tests that show it stays O(log n)
/// (the in-memory test backend has no read counter of its own).
pub mod reads {
	#[cfg(test)]
	std::thread_local!(static READS: core::cell::Cell<u32> = const { core::cell::Cell::new(0) });

	/// One storage item read.
	pub fn note() {
		#[cfg(test)]
		READS.with(|r| r.set(r.get() + 1));
	}

	/// Reads since the last call (tests only).
	#[cfg(test)]
	pub fn take() -> u32 {
		READS.with(|r| r.replace(0))
	}
}

fn write<T: Config>(class: ClassId, tree: Tree, level: u8, index: u32, node: Node) {
	if node == Node::default() {
		SortitionNodes::<T>::remove((class, tree, level, index));
	} else {
		SortitionNodes::<T>::insert((class, tree, level, index), node);
	}
}

/// The weight of `leaf` (one read).
pub fn leaf_weight<T: Config>(class: ClassId, tree: Tree, leaf: u32) -> u128 {
	read::<T>(class, tree, 1, ancestor(leaf, 1))[slot(leaf, 1)]
}

/// The total weight of a tree of `height` levels (one read).
pub fn total<T: Config>(class: ClassId, tree: Tree, height: u8) -> u128 {
	sum(&read::<T>(class, tree, height, 0))
}

/// Sets the weight of `leaf` and every sum above it: `height` reads and writes.
pub fn set_leaf<T: Config>(class: ClassId, tree: Tree, height: u8, leaf: u32, weight: u128) {
	let mut value = weight;
	for level in 1..=height {
		let index = ancestor(leaf, level);
		let mut node = read::<T>(class, tree, level, index);
		node[slot(leaf, level)] = value;
		value = sum(&node);
		write::<T>(class, tree, level, index, node);
	}
}

/// Adds a level on top of a tree of `height` levels: the old root's sum moves into slot 0
/// of the new root (one read, one write). Returns the new height.
pub fn grow<T: Config>(class: ClassId, tree: Tree, height: u8) -> u8 {
	let total = total::<T>(class, tree, height);
	let mut root = Node::default();
	root[0] = total;
	write::<T>(class, tree, height + 1, 0, root);
	height + 1
}

/// A leaf that a draw must not return, with the weight it has in the tree.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Excluded {
	/// The leaf.
	pub leaf: u32,
	/// Its weight in the tree drawn from.
	pub weight: u128,
}

/// The total weight of a tree of `height` levels less the excluded leaves (one read).
pub fn total_without<T: Config>(
	class: ClassId,
	tree: Tree,
	height: u8,
	excluded: &[Excluded],
) -> u128 {
	excluded.iter().fold(total::<T>(class, tree, height), |total, e| total.saturating_sub(e.weight))
}

/// The leaf whose cumulative-weight interval contains `point`, in the tree less the
/// excluded leaves (`point < total_without(..)`): `height` reads. `None` if the tree
/// has no weight left at `point` (only with an inconsistent `point`).
pub fn find<T: Config>(
	class: ClassId,
	tree: Tree,
	height: u8,
	mut point: u128,
	excluded: &[Excluded],
) -> Option<u32> {
	let mut index = 0u32;
	for level in (1..=height).rev() {
		let mut node = read::<T>(class, tree, level, index);
		for e in excluded.iter().filter(|e| ancestor(e.leaf, level) == index) {
			let child = &mut node[slot(e.leaf, level)];
			*child = child.saturating_sub(e.weight);
		}
		let mut chosen = None;
		for (child, weight) in node.iter().enumerate() {
			if point < *weight {
				chosen = Some(child as u32);
				break;
			}
			point -= *weight;
		}
		index = index.checked_mul(ARITY)?.checked_add(chosen?)?;
	}
	Some(index)
}

/// Every node of a tree, for the invariant checks: `(level, index, node)`.
pub fn nodes<T: Config>(class: ClassId, tree: Tree) -> Vec<(u8, u32, Node)> {
	SortitionNodes::<T>::iter_prefix((class, tree))
		.map(|((level, index), node)| (level, index, node))
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn heights_cover_the_leaves() {
		assert_eq!(height_for(0), 1);
		assert_eq!(height_for(16), 1);
		assert_eq!(height_for(17), 2);
		assert_eq!(height_for(256), 2);
		assert_eq!(height_for(257), 3);
		assert_eq!(height_for(1_000_000), 5);
		assert_eq!(height_for(1_048_576), 5);
		assert_eq!(height_for(1_048_577), 6);
		assert_eq!(height_for(u32::MAX), MAX_HEIGHT);
	}

	#[test]
	fn addresses_of_a_leaf() {
		// Leaf 0x1234: node (1, 0x123) slot 4, node (2, 0x12) slot 3, node (3, 0x1) slot 2.
		assert_eq!((ancestor(0x1234, 1), slot(0x1234, 1)), (0x123, 4));
		assert_eq!((ancestor(0x1234, 2), slot(0x1234, 2)), (0x12, 3));
		assert_eq!((ancestor(0x1234, 3), slot(0x1234, 3)), (0x1, 2));
		assert_eq!((ancestor(0x1234, 4), slot(0x1234, 4)), (0, 1));
		assert_eq!(ancestor(u32::MAX, MAX_HEIGHT), 0);
	}
}
