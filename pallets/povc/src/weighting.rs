//! From compute scores to BABE authority weights.
//!
//! Candidates with a zero score never author. The others, best first (ties broken by the
//! candidate's order as given, which callers make deterministic), up to
//! `max_authorities`, get weights proportional to their scores, normalised to
//! [`TOTAL_WEIGHT`], with no authority above `max_share` of the total: the excess of a
//! capped authority goes to the others in proportion to their scores ("water
//! filling"). Every weight is at least 1. Fewer than `min_authorities` candidates with
//! a score give `None`: keep the current set.

use alloc::{vec, vec::Vec};
use sp_runtime::Perbill;

/// What all weights add up to (BABE only uses weights relative to their sum).
pub const TOTAL_WEIGHT: u64 = 1_000_000_000;

/// The limits of an authority set.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
	pub min_authorities: u32,
	pub max_authorities: u32,
	/// Largest share of the total weight one authority may have.
	pub max_share: Perbill,
}

/// Weights for `candidates` (`(who, score)`), or `None` to keep the current set.
pub fn authority_weights<A: Clone>(
	candidates: &[(A, u128)],
	limits: Limits,
) -> Option<Vec<(A, u64)>> {
	let mut ranked: Vec<(usize, &(A, u128))> =
		candidates.iter().enumerate().filter(|(_, (_, score))| *score > 0).collect();
	// Best first; among equal scores, the order given.
	ranked.sort_by(|(i, (_, a)), (j, (_, b))| b.cmp(a).then(i.cmp(j)));
	ranked.truncate(limits.max_authorities as usize);
	if ranked.len() < limits.min_authorities.max(1) as usize {
		return None;
	}
	let scores: Vec<u128> = ranked.iter().map(|(_, (_, score))| *score).collect();
	let weights = capped_shares(&scores, limits.max_share);
	Some(
		ranked
			.into_iter()
			.zip(weights)
			.map(|((_, (who, _)), weight)| (who.clone(), weight))
			.collect(),
	)
}

/// Split [`TOTAL_WEIGHT`] in proportion to `scores` (all > 0), none above `cap`, each ≥ 1.
fn capped_shares(scores: &[u128], cap: Perbill) -> Vec<u64> {
	let n = scores.len() as u64;
	let cap_weight = cap.mul_floor(TOTAL_WEIGHT).max(1);
	// A cap that n authorities cannot respect (cap × n < total) is met as closely as
	// possible: equal weights.
	if cap_weight.saturating_mul(n) < TOTAL_WEIGHT {
		return vec![TOTAL_WEIGHT / n; scores.len()];
	}
	// Scale scores so their sum times TOTAL_WEIGHT (< 2^30) fits in a u128; a score
	// never scales to 0.
	let max = scores.iter().copied().max().unwrap_or(1);
	let bits = (128 - max.leading_zeros()) + (64 - n.leading_zeros());
	let shift = bits.saturating_sub(96);
	let scores: Vec<u128> = scores.iter().map(|s| (s >> shift).max(1)).collect();
	let mut capped = vec![false; scores.len()];
	loop {
		let capped_total = cap_weight * capped.iter().filter(|c| **c).count() as u64;
		let free_weight = TOTAL_WEIGHT - capped_total;
		let free_score: u128 =
			scores.iter().zip(&capped).filter(|(_, c)| !**c).map(|(s, _)| *s).sum();
		let share =
			|score: u128| -> u64 { (u128::from(free_weight) * score / free_score.max(1)) as u64 };
		let mut newly_capped = false;
		for (i, score) in scores.iter().enumerate() {
			if !capped[i] && share(*score) > cap_weight {
				capped[i] = true;
				newly_capped = true;
			}
		}
		if !newly_capped {
			return scores
				.iter()
				.zip(&capped)
				.map(|(score, capped)| if *capped { cap_weight } else { share(*score).max(1) })
				.collect();
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn limits(min: u32, max: u32, share: u32) -> Limits {
		Limits {
			min_authorities: min,
			max_authorities: max,
			max_share: Perbill::from_percent(share),
		}
	}

	#[test]
	fn weights_follow_scores() {
		let weights =
			authority_weights(&[("a", 1), ("b", 1), ("c", 2), ("d", 4)], limits(1, 10, 100))
				.unwrap();
		assert_eq!(
			weights,
			vec![("d", 500_000_000), ("c", 250_000_000), ("a", 125_000_000), ("b", 125_000_000)]
		);
	}

	#[test]
	fn zero_scores_are_excluded_and_too_few_keep_the_current_set() {
		let candidates = [("a", 0), ("b", 5), ("c", 0)];
		assert_eq!(
			authority_weights(&candidates, limits(1, 10, 100)),
			Some(vec![("b", TOTAL_WEIGHT)])
		);
		assert_eq!(authority_weights(&candidates, limits(2, 10, 100)), None);
		assert_eq!(authority_weights::<&str>(&[], limits(0, 10, 100)), None);
	}

	#[test]
	fn only_the_best_max_authorities_are_kept() {
		let weights =
			authority_weights(&[("a", 1), ("b", 3), ("c", 2)], limits(1, 2, 100)).unwrap();
		assert_eq!(weights.iter().map(|(w, _)| *w).collect::<Vec<_>>(), vec!["b", "c"]);
	}

	#[test]
	fn the_cap_moves_the_excess_to_the_others() {
		// 4 : 1 : 1 capped at 50 %: the heavy one gets 50 %, the others share the rest.
		let weights =
			authority_weights(&[("a", 4), ("b", 1), ("c", 1)], limits(1, 10, 50)).unwrap();
		assert_eq!(weights, vec![("a", 500_000_000), ("b", 250_000_000), ("c", 250_000_000)]);
	}

	#[test]
	fn an_unreachable_cap_gives_equal_weights() {
		let weights = authority_weights(&[("a", 9), ("b", 1)], limits(1, 10, 20)).unwrap();
		assert_eq!(weights, vec![("a", 500_000_000), ("b", 500_000_000)]);
	}

	proptest! {
		#[test]
		fn weights_are_positive_capped_ordered_and_sum_to_the_total(
			scores in proptest::collection::vec(0u128..u128::MAX / 2, 0..40),
			max in 1u32..30,
			share in 1u32..=100,
		) {
			let candidates: Vec<(usize, u128)> = scores.iter().copied().enumerate().collect();
			let limits = limits(1, max, share);
			let Some(weights) = authority_weights(&candidates, limits) else {
				prop_assert!(scores.iter().all(|s| *s == 0));
				return Ok(());
			};
			prop_assert!(weights.len() <= max as usize);
			prop_assert!(weights.iter().all(|(who, w)| *w >= 1 && scores[*who] > 0));
			let total: u64 = weights.iter().map(|(_, w)| w).sum();
			prop_assert!(total.abs_diff(TOTAL_WEIGHT) <= weights.len() as u64);
			let cap = limits.max_share.mul_floor(TOTAL_WEIGHT).max(TOTAL_WEIGHT / weights.len() as u64);
			prop_assert!(weights.iter().all(|(_, w)| *w <= cap));
			// A higher score never gets a lower weight.
			for pair in weights.windows(2) {
				prop_assert!(pair[0].1 >= pair[1].1);
			}
		}
	}
}
