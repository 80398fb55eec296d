//! Random draws of workers, without replacement, from the [`sortition`] trees: O(log n)
//! storage reads per candidate, whatever the size of the registry.
//!
//! **Rule.** A draw is deterministic (the same seed and state give the same workers on
//! every node) and takes workers from one pool, every allowed class together:
//! - **candidates**: a class in proportion to its remaining snapshot weight, then a point
//!   in `[0, its weight − excluded weight)` walked down its tree. Excluded workers (the
//!   job's earlier workers, candidates met already, accepted or not) are subtracted on the
//!   way, so each candidate is exactly proportional to snapshot bond among the rest, and
//!   the sequence of candidates depends on the seed and the snapshot alone;
//! - **acceptance**: a candidate is accepted if, now, it can take an assignment (not
//!   paused, a free slot: replicas), has also opted in (volunteers) or still holds its
//!   referee seat (referees), meets the reputation floor, and wins two coins from a
//!   second stream: one with probability `min(1, bond now / snapshot bond)`, one with
//!   probability `free slots / snapshot capacity` (replicas and volunteers) or the
//!   referee pool's chance for it (referees: see `RefereePool::referee_chance`, which
//!   seats each validator's referees in at most its share of the draws). So a worker is
//!   drawn in
//!   proportion to `bond × free slots / capacity`, a worker cannot be drawn on bond it has
//!   since unbonded or lost, and one that declares more slots than it serves fills up like
//!   any other. At most [`MAX_REJECTIONS`] candidates are turned down.
//!
//! **Attacks answered.** Thin classes: a class is no pool of its own, so an attacker alone
//! in a class of its own gets no more than its share of all bond. Re-rolls: the candidates
//! come from the snapshot ([`crate::snapshot`]) and live state can only turn a candidate
//! down, never bring in another one. **What remains**: see [`crate::snapshot`].

use crate::{
	sortition::{self, Excluded, Tree},
	AllowedClasses, ClassInfo, Classes, Config, Leaves, WorkerInfo, Workers,
};
use alloc::vec::Vec;
use codec::Encode;
use povc_primitives::{ClassId, Purpose, SelectionRequest, MAX_REJECTIONS};
use sp_core::H256;

/// A deterministic stream of numbers: draw `i` is `blake2_256(seed ‖ i)`, `i` a u32 counter
/// (little endian), read as a little-endian u128.
pub struct Randomness {
	seed: H256,
	counter: u32,
}

impl Randomness {
	/// A stream starting at draw 0.
	pub fn new(seed: H256) -> Self {
		Self { seed, counter: 0 }
	}

	/// The next number, reduced modulo `bound`; 0 if `bound` is 0. The modulo bias is below
	/// `bound / 2^128`: negligible for any sum of bonds.
	pub fn below(&mut self, bound: u128) -> u128 {
		let mut preimage = [0u8; 36];
		preimage[..32].copy_from_slice(self.seed.as_bytes());
		preimage[32..].copy_from_slice(&self.counter.to_le_bytes());
		// Never reached (a draw takes a handful of numbers), but wrapping cannot panic.
		self.counter = self.counter.wrapping_add(1);
		let hash = sp_io::hashing::blake2_256(&preimage);
		let mut low = [0u8; 16];
		low.copy_from_slice(&hash[..16]);
		u128::from_le_bytes(low).checked_rem(bound).unwrap_or(0)
	}

	/// `true` with probability `numerator / denominator` (always if `numerator ≥
	/// denominator`). Takes one number either way, so that the stream stays aligned.
	pub fn chance(&mut self, numerator: u128, denominator: u128) -> bool {
		let point = self.below(denominator);
		numerator >= denominator || point < numerator
	}
}

/// Index of the item whose cumulative-weight interval contains `point` (`point < Σ`), and
/// the point's offset within it; `None` if `point` is past the end.
pub fn weighted_index(
	weights: impl Iterator<Item = u128>,
	mut point: u128,
) -> Option<(usize, u128)> {
	for (index, weight) in weights.enumerate() {
		if point < weight {
			return Some((index, point));
		}
		point -= weight;
	}
	None
}

/// A class a draw may take workers from.
struct Source<T: Config> {
	id: ClassId,
	info: ClassInfo<T>,
	/// Leaves not to draw, with their weight in the tree drawn from.
	excluded: Vec<Excluded>,
}

impl<T: Config> Source<T> {
	fn remaining(&self, tree: Tree) -> u128 {
		self.excluded
			.iter()
			.fold(self.info.totals(tree).weight, |left, e| left.saturating_sub(e.weight))
	}
}

/// Draws `request.count` workers; see the module documentation.
pub fn select<T: Config>(
	request: &SelectionRequest<'_, T::AccountId>,
) -> Option<Vec<T::AccountId>> {
	if request.count == 0 {
		return Some(Vec::new());
	}
	let tree = match request.purpose {
		Purpose::Replicas => Tree::Available,
		Purpose::Volunteers => Tree::Volunteers,
		Purpose::Referees(_) => Tree::Referees,
	};
	let mut candidates = Randomness::new(request.seed);
	// A second stream for the coins, so that who is turned down never changes who is met.
	let mut coins =
		Randomness::new(H256(sp_io::hashing::blake2_256(&(b"coins", request.seed).encode())));
	// One read per excluded account (at most a job's workers).
	let excluded: Vec<(ClassId, Excluded)> = request
		.exclude
		.iter()
		.filter_map(|who| {
			sortition::reads::note();
			Workers::<T>::get(who)
		})
		.filter_map(|info| {
			let leaf = info.leaf?;
			Some((info.drawn.class_id, Excluded { leaf, weight: info.drawn.weight(tree) }))
		})
		.filter(|(_, e)| e.weight > 0)
		.collect();
	let mut sources = sources::<T>(&excluded);

	let mut drawn = Vec::with_capacity(request.count as usize);
	let mut rejected = 0u32;
	while (drawn.len() as u32) < request.count {
		let remaining: Vec<u128> = sources.iter().map(|s| s.remaining(tree)).collect();
		let total = remaining.iter().fold(0u128, |sum, w| sum.saturating_add(*w));
		if total == 0 {
			return None;
		}
		let (index, point) = weighted_index(remaining.iter().copied(), candidates.below(total))?;
		let source = sources.get_mut(index)?;
		let leaf =
			sortition::find::<T>(source.id, tree, source.info.height, point, &source.excluded)?;
		sortition::reads::note();
		let who = Leaves::<T>::get(source.id, leaf)?;
		sortition::reads::note();
		let info = Workers::<T>::get(&who)?;
		let snapshot_weight = info.drawn.weight(tree);
		source.excluded.push(Excluded { leaf, weight: snapshot_weight });
		// Both coins are always tossed: the stream stays aligned with the candidates. The
		// snapshot's capacity, so that declaring more slots now buys no acceptance.
		let holds_bond = coins.chance(info.bonded_weight(), snapshot_weight);
		let has_room = coins.chance(
			u128::from(info.drawn.capacity.saturating_sub(info.open_assignments)),
			u128::from(info.drawn.capacity),
		);
		// Referees: a third coin (always tossed in a referee draw), so that each
		// validator's referees are seated in at most its share of the draws.
		let seated = match request.purpose {
			Purpose::Referees(chance) => {
				let chance = info.referee_for.as_ref().and_then(|_| chance(&who));
				let (numerator, denominator) = chance.unwrap_or((0, 1));
				coins.chance(numerator, denominator) && chance.is_some()
			},
			Purpose::Replicas | Purpose::Volunteers => has_room,
		};
		if accepts::<T>(request, &info) && holds_bond && seated {
			drawn.push(who);
		} else {
			rejected += 1;
			if rejected > MAX_REJECTIONS {
				return None;
			}
		}
	}
	Some(drawn)
}

/// Whether the worker, as it is now, may serve the request (coins aside; a referee's seat
/// is its coin).
fn accepts<T: Config>(request: &SelectionRequest<'_, T::AccountId>, info: &WorkerInfo<T>) -> bool {
	info.reputation() >= request.min_reputation
		&& match request.purpose {
			Purpose::Replicas => info.can_take_assignment(),
			Purpose::Volunteers => info.can_take_assignment() && info.volunteer,
			Purpose::Referees(_) => info.referee_for.is_some(),
		}
}

/// Every allowed class, each with its excluded leaves: together, one pool.
fn sources<T: Config>(excluded: &[(ClassId, Excluded)]) -> Vec<Source<T>> {
	sortition::reads::note();
	AllowedClasses::<T>::get()
		.into_iter()
		.filter_map(|id| {
			sortition::reads::note();
			let info = Classes::<T>::get(id).filter(|info| info.allowed)?;
			let excluded =
				excluded.iter().filter(|(class, _)| *class == id).map(|(_, e)| *e).collect();
			Some(Source { id, info, excluded })
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn randomness_is_a_function_of_seed_and_counter() {
		let mut a = Randomness::new(H256::repeat_byte(1));
		let mut b = Randomness::new(H256::repeat_byte(1));
		let mut c = Randomness::new(H256::repeat_byte(2));
		let xs: Vec<u128> = (0..4).map(|_| a.below(u128::MAX)).collect();
		let ys: Vec<u128> = (0..4).map(|_| b.below(u128::MAX)).collect();
		let zs: Vec<u128> = (0..4).map(|_| c.below(u128::MAX)).collect();
		assert_eq!(xs, ys);
		assert_ne!(xs, zs);
		// Successive draws differ.
		assert_ne!(xs[0], xs[1]);
		assert_eq!(a.below(0), 0);
	}

	#[test]
	fn weighted_index_walks_cumulative_weights() {
		let w = [3u128, 0, 2, 5];
		assert_eq!(weighted_index(w.iter().copied(), 0), Some((0, 0)));
		assert_eq!(weighted_index(w.iter().copied(), 2), Some((0, 2)));
		// A zero weight is never hit.
		assert_eq!(weighted_index(w.iter().copied(), 3), Some((2, 0)));
		assert_eq!(weighted_index(w.iter().copied(), 4), Some((2, 1)));
		assert_eq!(weighted_index(w.iter().copied(), 5), Some((3, 0)));
		assert_eq!(weighted_index(w.iter().copied(), 9), Some((3, 4)));
		assert_eq!(weighted_index(w.iter().copied(), 10), None);
		assert_eq!(weighted_index(core::iter::empty(), 0), None);
	}
}
