//! Checking, before anything is signed, that an account can pay for what it is about to
//! send: a transaction that fails for want of funds still costs its fee.

use std::fmt;

use sp_core::crypto::Ss58Codec;
use subxt::tx::Payload;

use crate::{
	amount::Token,
	api::povc,
	connection::Connection,
	keys::Signer,
	types::{AccountId, Balance},
	Result,
};

/// An account cannot hold an amount and pay the fee of the call that needs it.
#[derive(Debug)]
pub struct NotEnoughFunds {
	/// The account that was to pay.
	pub account: AccountId,
	/// Its free balance.
	pub free: Balance,
	/// What the call holds or moves (an escrow, a deposit, a transfer).
	pub amount: Balance,
	/// The fee the chain quoted for the call.
	pub fee: Balance,
	/// What `amount` is for, e.g. "the job's escrow".
	pub what: String,
	/// The chain's token, to show the amounts in.
	pub token: Token,
}

impl fmt::Display for NotEnoughFunds {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(
			f,
			"{} has {} free, not enough for {} ({}) plus the fee ({})",
			self.account.to_ss58check(),
			self.token.format(self.free),
			self.what,
			self.token.format(self.amount),
			self.token.format(self.fee)
		)
	}
}

impl std::error::Error for NotEnoughFunds {}

/// Fails with [`NotEnoughFunds`] unless `signer` can hold `amount` and pay for `call`: the
/// fee the chain quotes for it now, and the existential deposit, which must stay.
pub async fn ensure_funds<P: Payload>(
	connection: &Connection,
	signer: &Signer,
	amount: Balance,
	call: &P,
	what: &str,
) -> Result<()> {
	let free = connection.free_balance(signer.account()).await?;
	let fee = connection.estimate_fee(signer, call).await?;
	let existential =
		connection.constant(povc::constants().balances().existential_deposit()).await?;
	if covers(free, amount, fee, existential) {
		return Ok(());
	}
	Err(NotEnoughFunds {
		account: signer.account().clone(),
		free,
		amount,
		fee,
		what: what.into(),
		token: connection.token().clone(),
	}
	.into())
}

/// Whether `free` pays `amount` and `fee` and still keeps the account alive.
fn covers(free: Balance, amount: Balance, fee: Balance, existential: Balance) -> bool {
	free >= amount.saturating_add(fee).saturating_add(existential)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_existential_deposit_must_stay() {
		assert!(covers(111, 100, 10, 1));
		assert!(!covers(110, 100, 10, 1));
		assert!(!covers(Balance::MAX - 1, Balance::MAX, 1, 1), "sums saturate, never wrap");
	}

	#[test]
	fn says_who_lacks_what() {
		let error = NotEnoughFunds {
			account: Signer::from_suri("//Alice").unwrap().account().clone(),
			free: 5 * 10u128.pow(12),
			amount: 10u128.pow(13),
			fee: 10u128.pow(10),
			what: "the transfer".into(),
			token: Token::default(),
		};
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let expected = format!(
			"{alice} has 5 POVC free, not enough for the transfer (10 POVC) plus the fee (0.01 \
			 POVC)"
		);
		assert_eq!(error.to_string(), expected);
	}
}
