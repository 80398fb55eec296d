//! Units of money and time.

/// Money: the token is POVC with 12 decimals.
pub mod currency {
	use crate::Balance;

	/// Decimals of the POVC token, shown by wallets.
	pub const TOKEN_DECIMALS: u8 = 12;
	/// Symbol of the token, shown by wallets.
	pub const TOKEN_SYMBOL: &str = "POVC";
	/// SS58 address prefix (42: the generic Substrate prefix).
	pub const SS58_PREFIX: u16 = 42;

	/// One POVC.
	pub const UNIT: Balance = 1_000_000_000_000;
	/// 10^-3 POVC.
	pub const MILLI_UNIT: Balance = UNIT / 1_000;
	/// 10^-6 POVC.
	pub const MICRO_UNIT: Balance = UNIT / 1_000_000;

	/// The minimum balance an account must keep to exist.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;
}

/// Time is measured in blocks of `MILLI_SECS_PER_BLOCK`.
pub mod time {
	use crate::BlockNumber;

	/// Target block time. BABE slots have this length; not every slot has a block.
	pub const MILLI_SECS_PER_BLOCK: u64 = 6_000;
	/// BABE slot duration. Must never change once a chain has started.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	pub const HOURS: BlockNumber = MINUTES * 60;
	pub const DAYS: BlockNumber = HOURS * 24;

	/// One BABE epoch, which is also one session: the authority set can change at its end.
	/// Must never change once a chain has started.
	pub const EPOCH_DURATION_IN_SLOTS: u64 = 10 * MINUTES as u64;

	/// Probability that a slot is a primary slot for *some* authority: 1/4, as Polkadot.
	/// The share of primary slots an authority wins grows with its BABE weight.
	pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);

	/// BABE's epoch configuration at genesis. Secondary VRF slots keep the chain live when
	/// no authority wins a primary slot.
	pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
		sp_consensus_babe::BabeEpochConfiguration {
			c: PRIMARY_PROBABILITY,
			allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
		};
}
