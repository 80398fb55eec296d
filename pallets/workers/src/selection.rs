//! Bond-weighted random draws of workers, without replacement, from the [`sortition`]
//! trees: O(log n) storage reads per drawn worker, whatever the size of the registry.
//!
//! A draw is deterministic (the same seed and state give the same workers on every node):
//! - the class: [`ClassFilter::Exactly`] names it; [`ClassFilter::AnySingleClass`] picks
//!   one among the allowed classes that can serve the job (enough bonded workers for the
//!   replicas and a referee committee, at least `MinClassBond`, enough available workers)
//!   with probability proportional to its available bond, so a class's chance is its share
//!   of the eligible stake; [`ClassFilter::AnyClass`] picks a class per drawn worker;
//! - each worker: a point in `[0, total weight − excluded weight)`, walked down the tree.
//!   Excluded workers (the job's earlier workers, those drawn already, those rejected) are
//!   subtracted on the way, so each draw is exactly proportional to bond among the rest.
//!   A drawn worker below the reputation floor, or not accepted by the purpose's filter,
//!   is excluded and the draw goes on, at most [`MAX_REJECTIONS`] times.

use crate::{
	sortition::{self, Excluded, Tree},
	AllowedClasses, ClassInfo, Classes, Config, Leaves, Workers,
};
use alloc::vec::Vec;
use frame_support::traits::Get;
use povc_primitives::{ClassFilter, ClassId, Purpose, SelectionRequest, MAX_REJECTIONS};
use sp_core::H256;
use sp_runtime::SaturatedConversion;

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
	let mut randomness = Randomness::new(request.seed);
	// One read per excluded account (at most a job's workers).
	let excluded: Vec<(ClassId, Excluded)> = request
		.exclude
		.iter()
		.filter_map(|who| {
			sortition::reads::note();
			Workers::<T>::get(who)
		})
		.map(|info| (info.class_id, Excluded { leaf: info.leaf, weight: info.weight(tree) }))
		.filter(|(_, e)| e.weight > 0)
		.collect();
	let mut sources = sources::<T>(request, tree, &excluded, &mut randomness)?;

	let mut drawn = Vec::with_capacity(request.count as usize);
	let mut rejected = 0u32;
	while (drawn.len() as u32) < request.count {
		let remaining: Vec<u128> = sources.iter().map(|s| s.remaining(tree)).collect();
		let total = remaining.iter().fold(0u128, |sum, w| sum.saturating_add(*w));
		if total == 0 {
			return None;
		}
		let (index, point) = weighted_index(remaining.iter().copied(), randomness.below(total))?;
		let source = sources.get_mut(index)?;
		let leaf =
			sortition::find::<T>(source.id, tree, source.info.height, point, &source.excluded)?;
		sortition::reads::note();
		let who = Leaves::<T>::get(source.id, leaf)?;
		sortition::reads::note();
		let info = Workers::<T>::get(&who)?;
		source.excluded.push(Excluded { leaf, weight: info.weight(tree) });
		let accepted = info.reputation() >= request.min_reputation
			&& match request.purpose {
				Purpose::Replicas | Purpose::Volunteers => true,
				Purpose::Referees(is_referee) => is_referee(&who),
			};
		if accepted {
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

/// The classes the draw takes workers from (one, except for [`ClassFilter::AnyClass`]).
fn sources<T: Config>(
	request: &SelectionRequest<'_, T::AccountId>,
	tree: Tree,
	excluded: &[(ClassId, Excluded)],
	randomness: &mut Randomness,
) -> Option<Vec<Source<T>>> {
	let source = |id: ClassId, info: ClassInfo<T>| Source {
		id,
		info,
		excluded: excluded.iter().filter(|(class, _)| *class == id).map(|(_, e)| *e).collect(),
	};
	let min_class_bond: u128 = T::MinClassBond::get().saturated_into();
	let allowed = || {
		sortition::reads::note();
		AllowedClasses::<T>::get().into_iter().filter_map(|id| {
			sortition::reads::note();
			Classes::<T>::get(id)
				.filter(|info| info.allowed && info.bonded.weight >= min_class_bond)
				.map(|info| (id, info))
		})
	};
	match request.class {
		ClassFilter::Exactly(id) => {
			sortition::reads::note();
			let info = Classes::<T>::get(id).filter(|info| info.allowed)?;
			Some(alloc::vec![source(id, info)])
		},
		ClassFilter::AnyClass => Some(allowed().map(|(id, info)| source(id, info)).collect()),
		ClassFilter::AnySingleClass => {
			// A class can serve the draw if, without the excluded workers, it has enough
			// workers to draw from; it is picked in proportion to that remaining weight.
			let able: Vec<Source<T>> = allowed()
				.map(|(id, info)| source(id, info))
				.filter(|s| {
					let out = s.excluded.len() as u32;
					s.info.bonded.workers >= request.min_class_size
						&& s.info.totals(tree).workers.saturating_sub(out) >= request.count
				})
				.collect();
			let total = able.iter().fold(0u128, |sum, s| sum.saturating_add(s.remaining(tree)));
			let point = randomness.below(total);
			let (index, _) = weighted_index(able.iter().map(|s| s.remaining(tree)), point)?;
			able.into_iter().nth(index).map(|s| alloc::vec![s])
		},
	}
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
