//! Bond-weighted random sampling of workers, without replacement.
//!
//! Pure functions over a candidate list, so that they are deterministic by construction
//! (the same seed and candidates in the same order give the same draw on every node) and
//! testable without storage. [`crate::Pallet`]'s `WorkerRegistry::select` builds the list in
//! one pass over the registry and hands it here.

use alloc::{collections::BTreeMap, vec::Vec};
use povc_primitives::{ClassFilter, ClassId};
use sp_core::H256;

/// A worker that passed the eligibility filters, with its selection weight.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Candidate<AccountId> {
	/// The worker.
	pub who: AccountId,
	/// Its weight: the bond, at least 1 so that every candidate can be drawn.
	pub weight: u128,
	/// Its determinism class.
	pub class_id: ClassId,
}

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
		// Never reached (selection draws a handful of numbers), but wrapping cannot panic.
		self.counter = self.counter.wrapping_add(1);
		let hash = sp_io::hashing::blake2_256(&preimage);
		let mut low = [0u8; 16];
		low.copy_from_slice(&hash[..16]);
		u128::from_le_bytes(low).checked_rem(bound).unwrap_or(0)
	}
}

/// Index of the item whose cumulative-weight interval contains `point`
/// (`point < Σ weights`); the last index if rounding (a saturated total) leaves it past the
/// end; `None` only for an empty list.
fn weighted_index(weights: impl Iterator<Item = u128>, point: u128) -> Option<usize> {
	let mut cumulative: u128 = 0;
	let mut last = None;
	for (index, weight) in weights.enumerate() {
		cumulative = cumulative.saturating_add(weight);
		if point < cumulative {
			return Some(index);
		}
		last = Some(index);
	}
	last
}

/// Draws `count` distinct candidates, each draw with probability proportional to weight
/// among those not drawn yet. `None` if there are fewer than `count` candidates.
pub fn sample<AccountId>(
	mut pool: Vec<Candidate<AccountId>>,
	count: u32,
	randomness: &mut Randomness,
) -> Option<Vec<AccountId>> {
	if (pool.len() as u64) < u64::from(count) {
		return None;
	}
	let mut total = pool.iter().fold(0u128, |sum, c| sum.saturating_add(c.weight));
	let mut drawn = Vec::with_capacity(count as usize);
	for _ in 0..count {
		let point = randomness.below(total);
		let index = weighted_index(pool.iter().map(|c| c.weight), point)?;
		// `weighted_index` returns an index of `pool`; `remove` keeps the order (and so the
		// draw) independent of earlier draws' positions.
		if index >= pool.len() {
			return None;
		}
		let candidate = pool.remove(index);
		total = total.saturating_sub(candidate.weight);
		drawn.push(candidate.who);
	}
	Some(drawn)
}

/// Draws `count` distinct candidates that meet `class`, with probability proportional to
/// weight, from `seed`. `None` if not enough candidates meet it.
///
/// - [`ClassFilter::AnyClass`]: from all candidates.
/// - [`ClassFilter::Exactly`]: from those of that class.
/// - [`ClassFilter::AnySingleClass`]: first one class among those with at least `count`
///   candidates, with probability proportional to its candidates' total weight (so a class's
///   chance is its share of the eligible stake, as if the first worker were drawn from all),
///   then the workers from that class.
pub fn select<AccountId>(
	candidates: Vec<Candidate<AccountId>>,
	count: u32,
	class: ClassFilter,
	seed: H256,
) -> Option<Vec<AccountId>> {
	if count == 0 {
		return Some(Vec::new());
	}
	let mut randomness = Randomness::new(seed);
	let pool = match class {
		ClassFilter::AnyClass => candidates,
		ClassFilter::Exactly(wanted) => {
			candidates.into_iter().filter(|c| c.class_id == wanted).collect()
		},
		ClassFilter::AnySingleClass => {
			let class = pick_class(&candidates, count, &mut randomness)?;
			candidates.into_iter().filter(|c| c.class_id == class).collect()
		},
	};
	sample(pool, count, &mut randomness)
}

/// The class of an [`ClassFilter::AnySingleClass`] draw: among the classes with at least
/// `count` candidates (in `ClassId` order, for determinism), one with probability
/// proportional to its total weight.
fn pick_class<AccountId>(
	candidates: &[Candidate<AccountId>],
	count: u32,
	randomness: &mut Randomness,
) -> Option<ClassId> {
	let mut classes: BTreeMap<ClassId, (u32, u128)> = BTreeMap::new();
	for candidate in candidates {
		let entry = classes.entry(candidate.class_id).or_insert((0, 0));
		entry.0 = entry.0.saturating_add(1);
		entry.1 = entry.1.saturating_add(candidate.weight);
	}
	let large_enough: Vec<(ClassId, u128)> = classes
		.into_iter()
		.filter(|(_, (members, _))| *members >= count)
		.map(|(class, (_, weight))| (class, weight))
		.collect();
	let total = large_enough.iter().fold(0u128, |sum, (_, weight)| sum.saturating_add(*weight));
	let point = randomness.below(total);
	let index = weighted_index(large_enough.iter().map(|(_, weight)| *weight), point)?;
	large_enough.get(index).map(|(class, _)| *class)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn candidate(who: u64, weight: u128, class: u8) -> Candidate<u64> {
		Candidate { who, weight, class_id: H256::repeat_byte(class) }
	}

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
		assert_eq!(weighted_index(w.iter().copied(), 0), Some(0));
		assert_eq!(weighted_index(w.iter().copied(), 2), Some(0));
		// A zero weight is never hit.
		assert_eq!(weighted_index(w.iter().copied(), 3), Some(2));
		assert_eq!(weighted_index(w.iter().copied(), 4), Some(2));
		assert_eq!(weighted_index(w.iter().copied(), 5), Some(3));
		assert_eq!(weighted_index(w.iter().copied(), 9), Some(3));
		// Past the end (only with a saturated total): the last.
		assert_eq!(weighted_index(w.iter().copied(), 10), Some(3));
		assert_eq!(weighted_index(core::iter::empty(), 0), None);
	}

	#[test]
	fn sample_is_distinct_and_complete_when_count_equals_pool() {
		let pool: Vec<_> = (0..5).map(|i| candidate(i, 1 + i as u128, 0)).collect();
		let mut drawn =
			sample(pool, 5, &mut Randomness::new(H256::repeat_byte(7))).expect("enough");
		drawn.sort();
		assert_eq!(drawn, vec![0, 1, 2, 3, 4]);
	}

	#[test]
	fn sample_needs_enough_candidates() {
		let pool: Vec<_> = (0..2).map(|i| candidate(i, 1, 0)).collect();
		assert_eq!(sample(pool, 3, &mut Randomness::new(H256::zero())), None);
	}

	#[test]
	fn huge_weights_saturate_without_panicking() {
		let pool = vec![candidate(1, u128::MAX, 0), candidate(2, u128::MAX, 0)];
		let mut drawn = select(pool, 2, ClassFilter::AnySingleClass, H256::zero()).expect("enough");
		drawn.sort();
		assert_eq!(drawn, vec![1, 2]);
	}

	#[test]
	fn zero_count_draws_nobody() {
		assert_eq!(
			select::<u64>(vec![], 0, ClassFilter::AnySingleClass, H256::zero()),
			Some(vec![])
		);
	}

	#[test]
	fn single_class_needs_a_large_enough_class() {
		let pool = vec![candidate(1, 10, 1), candidate(2, 10, 2), candidate(3, 10, 3)];
		assert_eq!(select(pool.clone(), 2, ClassFilter::AnySingleClass, H256::zero()), None);
		let mut any = select(pool, 2, ClassFilter::AnyClass, H256::zero()).expect("enough");
		any.sort();
		assert_eq!(any.len(), 2);
		assert!(any[0] != any[1]);
	}

	#[test]
	fn single_class_picks_classes_by_weight() {
		// Class 1 holds 3/4 of the weight among classes with ≥ 2 members; class 3 has only
		// one member and is never picked.
		let pool = vec![
			candidate(1, 30, 1),
			candidate(2, 45, 1),
			candidate(3, 10, 2),
			candidate(4, 15, 2),
			candidate(5, 1_000, 3),
		];
		let mut class_1 = 0;
		let rounds = 4_000;
		for seed in 0..rounds {
			let seed = H256::from_low_u64_be(seed);
			let drawn = select(pool.clone(), 2, ClassFilter::AnySingleClass, seed).expect("enough");
			assert!(!drawn.contains(&5));
			let classes: Vec<bool> = drawn.iter().map(|w| *w <= 2).collect();
			assert_eq!(classes[0], classes[1], "one class per draw");
			if classes[0] {
				class_1 += 1;
			}
		}
		// Expected 3000; σ ≈ 27.
		assert!((2_850..=3_150).contains(&class_1), "class 1 drawn {class_1} times");
	}
}
