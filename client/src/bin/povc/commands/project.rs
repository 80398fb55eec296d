//! `povc project list`: volunteer research projects, who may submit unpaid jobs, at what
//! score rate, and how much of each project's budget this epoch is left.

use clap::Subcommand;
use sp_core::crypto::Ss58Codec;

use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

#[derive(Subcommand)]
pub enum ProjectCommand {
	/// The approved projects: rate, budget per epoch, and what is used of it.
	List,
}

pub async fn run(context: &Context, command: ProjectCommand) -> Outcome {
	let ProjectCommand::List = command;
	let connection = context.connection().await?;
	let projects = connection.projects().await.map_err(|e| {
		Failure::other(format!("this node does not serve povc_projects ({e}): is it a povc node?"))
	})?;
	let json = serde_json::to_value(&projects).map_err(|e| Failure::other(e.to_string()))?;
	context.print(json, || {
		if projects.is_empty() {
			return "no approved volunteer projects".into();
		}
		let mut lines = vec![format!(
			"{:<48} {:<24} {:>14} {:>20} {:>20}  url",
			"account", "name", "score/fuel", "budget/epoch", "used this epoch"
		)];
		for p in &projects {
			lines.push(format!(
				"{:<48} {:<24} {:>14} {:>20} {:>20}  {}",
				p.account.to_ss58check(),
				p.name,
				p.score_per_fuel,
				p.score_budget,
				p.used,
				p.url
			));
		}
		lines.join("\n")
	});
	Ok(())
}
