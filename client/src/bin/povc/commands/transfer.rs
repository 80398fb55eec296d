//! `povc transfer`: send tokens, keeping the sender's account alive.

use clap::Args;
use povc_client::api::povc;
use serde_json::json;
use sp_core::crypto::Ss58Codec;

use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

#[derive(Args)]
pub struct TransferArgs {
	/// The recipient: an SS58 address or a key.
	to: String,
	/// Tokens to send, e.g. 10 or 0.5 (in the chain's token and decimals).
	amount: String,
}

pub async fn run(context: &Context, args: TransferArgs) -> Outcome {
	let signer = context.signer()?;
	let to = context.account_of(Some(&args.to))?;
	let connection = context.connection().await?;
	let amount = connection.token().parse(&args.amount).map_err(Failure::input)?;
	let dest = subxt::utils::MultiAddress::Id(subxt::utils::AccountId32(*to.as_ref()));
	let call = povc::tx().balances().transfer_keep_alive(dest, amount);
	context.ensure_funds(amount, &call, "the transfer").await?;
	let inclusion = connection.execute(signer, &call).await?;
	context.print(
		json!({ "to": to.to_ss58check(), "amount": amount.to_string(), "block": inclusion.block }),
		|| {
			format!(
				"sent {} to {} in block {:?}",
				connection.token().format(amount),
				to.to_ss58check(),
				inclusion.block
			)
		},
	);
	Ok(())
}
