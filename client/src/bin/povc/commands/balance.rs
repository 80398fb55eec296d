//! `povc balance`: an account's free, held and frozen tokens.

use clap::Args;
use serde_json::json;
use sp_core::crypto::Ss58Codec;

use crate::{context::Context, failure::Outcome};

#[derive(Args)]
pub struct BalanceArgs {
	/// An SS58 address or a key (default: the --key account).
	account: Option<String>,
}

pub async fn run(context: &Context, args: BalanceArgs) -> Outcome {
	let who = context.account_of(args.account.as_deref())?;
	let connection = context.connection().await?;
	let data = connection.account(&who, None).await?.data;
	let token = connection.token();
	context.print(
		json!({
			"address": who.to_ss58check(),
			"free": data.free.to_string(),
			"held": data.reserved.to_string(),
			"frozen": data.frozen.to_string(),
		}),
		|| {
			format!(
				"{}\nfree:   {}\nheld:   {} (bonds, escrow, deposits)\nfrozen: {}",
				who.to_ss58check(),
				token.format(data.free),
				token.format(data.reserved),
				token.format(data.frozen)
			)
		},
	);
	Ok(())
}
