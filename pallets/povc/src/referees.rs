//! The referee pool of the job market: the workers that a current validator accepted as
//! its referees (and that contribute to it), each validator's referees seated in about
//! its share of the draws, however much bond it fields.
//!
//! Rule: a committee draw meets candidates in proportion to referee bond and seats a
//! referee of validator `v` with chance `min(1, cap_v / W_v)`, where `W_v` is the weight of
//! `v`'s referees now and `cap_v = s_v × K` its share `s_v` of the current authority weight
//! (its capped share of score) times `K`, the referee weight per whole share that the
//! median validator fields: the weighted median, by authority weight, of `W_u / s_u` over
//! the authorities `u` with referees, fixed at every session change
//! ([`RefereeWeightPerShare`](crate::RefereeWeightPerShare); while no authority fielded
//! referees at the last change, nothing is capped). So `v`'s referees win a
//! meeting with probability `min(W_v, cap_v) / W`: referee bond beyond its share buys `v`
//! nothing, and a validator short of the median's weight per share is not held back.
//!
//! Attack answered: a validator (the attacker's, with a small score) accepting any number
//! of referees, or referees of any bond, to make its share of referee committees far
//! larger than its share of score. Flooding cannot move `K` while the attacker holds less
//! than half the weight of the validators that field referees.
//!
//! What remains: validators at or above the median field at least half of that weight at
//! full share, so an attacker with share `s_a` of the weight of validators that field
//! referees holds at most `2 s_a` of the seats (`s_a` when all field as much per share);
//! honest validators that field no referees leave their part to the others. Flooding the
//! tree with capped bond makes draws reject more, up to failing a committee (the job is
//! then refunded), at the cost of that bond. A referee whose validator left the authority
//! set is rejected by the draw (a bounded number of times) until anyone removes it with
//! [`Pallet::revoke_referee`](crate::Pallet::revoke_referee).

use crate::{Authorities, Config, Pallet, RefereeWeightPerShare};
use alloc::vec::Vec;
use povc_primitives::{RefereePool, WorkerDirectory};

impl<T: Config> RefereePool<T::AccountId> for Pallet<T> {
	fn referee_chance(who: &T::AccountId) -> Option<(u128, u128)> {
		let validator = T::Workers::referee_for(who)?;
		let set = Authorities::<T>::get();
		let weight = set.iter().find(|(v, _)| *v == validator).map(|(_, weight)| *weight)?;
		let per_share = RefereeWeightPerShare::<T>::get();
		if per_share == 0 {
			// No authority fielded referees when the session began: nothing to cap by.
			return Some((1, 1));
		}
		let total = total_weight(&set);
		// cap_v / W_v = (weight / total) × K / W_v
		let cap = u128::from(weight).saturating_mul(per_share);
		let fielded = total.saturating_mul(T::Workers::referee_weight(&validator));
		Some((cap, fielded.max(1)))
	}
}

/// The sum of the authority weights of `set`.
fn total_weight<AccountId>(set: &[(AccountId, u64)]) -> u128 {
	set.iter().fold(0u128, |sum, (_, w)| sum.saturating_add(u128::from(*w)))
}

impl<T: Config> Pallet<T> {
	/// Fixes [`RefereeWeightPerShare`] for the session that starts: the weighted median
	/// of `W_v × total weight / weight_v` over the current authorities that field referees
	/// (0 if none does). Reads one referee weight per authority (pallet-workers keeps
	/// each validator's sum), once per session.
	pub(crate) fn fix_referee_weight_per_share() {
		let set = Authorities::<T>::get();
		let total = total_weight(&set);
		let mut ratios: Vec<(u128, u128)> = set
			.iter()
			.filter(|(_, weight)| *weight > 0)
			.filter_map(|(validator, weight)| {
				let fielded = T::Workers::referee_weight(validator);
				(fielded > 0).then(|| {
					let per_share = fielded.saturating_mul(total) / u128::from(*weight);
					(per_share, u128::from(*weight))
				})
			})
			.collect();
		ratios.sort();
		let weight_with_referees = ratios.iter().fold(0u128, |sum, (_, w)| sum.saturating_add(*w));
		let mut below = 0u128;
		let median = ratios
			.iter()
			.find(|(_, weight)| {
				below = below.saturating_add(*weight);
				below.saturating_mul(2) >= weight_with_referees
			})
			.map(|(ratio, _)| *ratio)
			.unwrap_or(0);
		RefereeWeightPerShare::<T>::put(median);
	}
}
