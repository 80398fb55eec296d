//! Punishment of equivocating validators (reported through pallet-offences by BABE's and
//! GRANDPA's equivocation report systems).
//!
//! Rule: for every offender of a report, the pallet
//! - burns `max(`[`Config::EquivocationSlash`]`, the offence's fraction)` of the
//!   candidacy deposit, as far as it is held (the fraction, `(3k / n)²` for `k` offenders
//!   in a set of `n`, makes a coordinated equivocation by a third of the set lose
//!   everything). Within one session an offender loses the largest share it earned, not
//!   their sum: pallet-offences hands over earlier offenders again when more are reported
//!   for the same slot or round, and one faulty setup often equivocates in both BABE and
//!   GRANDPA;
//! - zeroes its score, so it is in no set planned from now on until it computes again;
//! - ends its candidacy, keeping the rest of its deposit held for
//!   [`Config::DepositHeldSessions`] sessions, within reach of further reports;
//! - has pallet-session disable it for the rest of the current session (as its disabling
//!   strategy allows: at most a third of the set).
//!
//! Attack answered: authoring two blocks for one slot, or voting twice in a GRANDPA round,
//! to fork the chain or finalize conflicting blocks. It now costs the deposit share and
//! the offender's whole compute standing.
//!
//! What remains: the offender stays in the set already announced for the next session
//! (BABE and GRANDPA clients know it), disabled only until the current session ends; a
//! report that never reaches a block (all block authors colluding) punishes nobody.

use crate::{Candidates, Config, Event, HoldReason, Pallet, Scores, SlashedShares, WeightInfo};
use frame_support::{
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision},
		Get,
	},
	weights::Weight,
};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};
use sp_staking::offence::{OffenceDetails, OffenceSeverity, OnOffenceHandler};

impl<T: Config> Pallet<T> {
	/// Punishes `offender` for an equivocation in session `session` whose fraction is
	/// `fraction`; see the module documentation.
	pub fn punish(offender: &T::AccountId, fraction: Perbill, session: u32) {
		let share = fraction.max(T::EquivocationSlash::get());
		let already = SlashedShares::<T>::get(session, offender);
		SlashedShares::<T>::insert(session, offender, share.max(already));
		let slashed = match Candidates::<T>::get(offender) {
			Some(mut candidacy) => {
				let due = share.saturating_sub(already).mul_ceil(T::CandidacyDeposit::get());
				let slashed = <T as Config>::Currency::burn_held(
					&HoldReason::Candidacy.into(),
					offender,
					due,
					Precision::BestEffort,
					Fortitude::Force,
				)
				.unwrap_or_else(|_| Zero::zero());
				candidacy.deposit = candidacy.deposit.saturating_sub(slashed);
				// The candidacy ends (as `end_candidacy` ends it) in the same write.
				candidacy.released_at.get_or_insert(Self::release_session());
				Candidates::<T>::insert(offender, candidacy);
				slashed
			},
			None => Zero::zero(),
		};
		Scores::<T>::remove(offender);
		pallet_session::Pallet::<T>::report_offence(offender.clone(), OffenceSeverity(share));
		Self::deposit_event(Event::Punished { offender: offender.clone(), slashed, session });
	}
}

/// pallet-offences hands every reported offence here; `F` is the offender's full
/// identification, which this pallet does not need.
impl<T: Config, F> OnOffenceHandler<T::AccountId, (T::AccountId, F), Weight> for Pallet<T> {
	fn on_offence(
		offenders: &[OffenceDetails<T::AccountId, (T::AccountId, F)>],
		slash_fraction: &[Perbill],
		session: u32,
	) -> Weight {
		for (details, fraction) in offenders.iter().zip(slash_fraction) {
			Self::punish(&details.offender.0, *fraction, session);
		}
		<T as Config>::WeightInfo::punish().saturating_mul(offenders.len() as u64)
	}
}
