//! Compute scores: exponentially decaying sums of verified value (planck burned on
//! verified payments).
//!
//! Decaying every score at every epoch change would touch every account; instead a score
//! remembers the epoch it is current for and is brought forward when read or credited.

use sp_runtime::{traits::Saturating, Perbill};

/// A validator's compute score as of an epoch.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
	Debug,
)]
pub struct Score {
	/// The decayed sum of verified value, as of `epoch`.
	pub value: u128,
	/// The epoch `value` is current for.
	pub epoch: u32,
}

impl Score {
	/// This score brought forward to `epoch`: `kept^(epoch - self.epoch)` of it remains.
	/// An earlier `epoch` leaves it as it is (scores never grow back).
	pub fn at(self, epoch: u32, kept_per_epoch: Perbill) -> Self {
		let elapsed = epoch.saturating_sub(self.epoch);
		Self {
			value: kept_per_epoch.saturating_pow(elapsed as usize) * self.value,
			epoch: epoch.max(self.epoch),
		}
	}

	/// This score with `value` more verified compute.
	pub fn plus(self, value: u128) -> Self {
		Self { value: self.value.saturating_add(value), epoch: self.epoch }
	}
}
