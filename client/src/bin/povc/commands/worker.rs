//! `povc worker info`: a worker's registration as the chain keeps it.

use clap::Subcommand;
use sp_core::crypto::Ss58Codec;

use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

#[derive(Subcommand)]
pub enum WorkerCommand {
	/// A worker's bond, capacity, class and reputation (default: the --key account).
	Info {
		/// An SS58 address or a key.
		account: Option<String>,
	},
}

pub async fn run(context: &Context, command: WorkerCommand) -> Outcome {
	let WorkerCommand::Info { account } = command;
	let who = context.account_of(account.as_deref())?;
	let connection = context.connection().await?;
	let Some(worker) = connection.worker(&who).await? else {
		return Err(Failure::other(format!(
			"{} is not a registered worker (register with `povc-worker register`)",
			who.to_ss58check()
		)));
	};
	let json = serde_json::to_value(&worker).map_err(|e| Failure::other(e.to_string()))?;
	context.print(json, || {
		format!(
			"{}\nbond:        {}\ndrawn with:  {}{}\ncapacity:    {} ({} open)\nclass:       {}\nverified:    {} jobs, {} faults, reputation {:.1} %\nstatus:      {}\nvolunteer:   {}",
			who.to_ss58check(),
			connection.token().format(worker.bond),
			connection.token().format(worker.drawn_bond),
			worker.changes_from_epoch.map_or(String::new(), |epoch| {
				format!(" (its latest changes reach the draws at epoch {epoch})")
			}),
			worker.capacity,
			worker.open_assignments,
			String::from_utf8_lossy(&worker.class),
			worker.verified,
			worker.faults,
			worker.reputation.deconstruct() as f64 / 10_000.0,
			if worker.paused { "paused" } else if worker.eligible { "eligible" } else { "not eligible" },
			if worker.volunteer { "yes (runs unpaid jobs of research projects)" } else { "no" }
		)
	});
	Ok(())
}
