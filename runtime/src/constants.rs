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

	/// One epoch of the `development` chain: a minute, so that registry changes, which
	/// take effect three epochs on, reach the draws within minutes.
	pub const DEV_EPOCH_DURATION_IN_SLOTS: u64 = MINUTES as u64;

	/// Probability that a slot is a primary slot for *some* authority: 1/4, as Polkadot.
	/// The share of primary slots an authority wins grows with its BABE weight.
	pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);

	/// BABE's epoch configuration of a one-authority chain (`dev`) and the default. Secondary
	/// VRF slots fill every slot no authority wins as primary.
	pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
		sp_consensus_babe::BabeEpochConfiguration {
			c: PRIMARY_PROBABILITY,
			allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
		};

	/// Probability that a slot is a primary slot for some authority, on chains whose
	/// authorities are weighted by compute. An authority with weight share θ wins a slot
	/// with probability 1 - (1 - c)^θ: close to c·θ, i.e. proportional to its weight, for
	/// small c (1/3 under-weights a 50 % authority by under 2 points).
	pub const WEIGHTED_PRIMARY_PROBABILITY: (u64, u64) = (1, 3);

	/// Slot length of weighted chains: 1/3 of the slots have a block, so a 2 s slot gives a
	/// block every 6 s on average.
	pub const WEIGHTED_SLOT_DURATION: u64 = 2_000;

	/// BABE's epoch configuration of chains whose authorities are weighted by compute:
	/// primary slots only. Secondary slots go round-robin to every authority alike, which
	/// would dilute the weighting (with c = 1/4 they are 3/4 of the blocks).
	pub const BABE_WEIGHTED_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
		sp_consensus_babe::BabeEpochConfiguration {
			c: WEIGHTED_PRIMARY_PROBABILITY,
			allowed_slots: sp_consensus_babe::AllowedSlots::PrimarySlots,
		};
}
