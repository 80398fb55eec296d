//! `povc scores`: validators' compute scores and their BABE weights, now and next epoch.

use jsonrpsee::core::client::ClientT;
use serde_json::{json, Value};

use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

pub async fn run(context: &Context) -> Outcome {
	let connection = context.connection().await?;
	let request = |method: &'static str| async move {
		connection.client().request::<Value, _>(method, jsonrpsee::rpc_params![]).await.map_err(
			|e| {
				Failure::other(format!(
					"this node does not serve {method} ({e}): is it a povc node?"
				))
			},
		)
	};
	let scores = request("povc_scores").await?;
	let authorities = request("povc_authorities").await?;
	let json = json!({ "scores": scores, "authorities": authorities });
	context.print(json, || scores_table(&scores, &authorities));
	Ok(())
}

/// One line per scored account or candidate: score and BABE weight share now and next.
fn scores_table(scores: &Value, authorities: &Value) -> String {
	let share = |set: &str, account: &Value| {
		authorities[set]
			.as_array()
			.and_then(|list| list.iter().find(|a| a["account"] == *account))
			.and_then(|a| a["share"].as_f64())
			.map(|parts| format!("{:.1} %", parts / 1e7))
			.unwrap_or_else(|| "-".into())
	};
	let mut lines = vec![format!(
		"session {}, BABE epoch {}\n{:<48} {:>22} {:>9} {:>9}  candidate",
		authorities["session"],
		authorities["epoch"],
		"account",
		"score (planck burned)",
		"weight",
		"next"
	)];
	for entry in scores.as_array().into_iter().flatten() {
		let account = &entry["account"];
		lines.push(format!(
			"{:<48} {:>22} {:>9} {:>9}  {}",
			account.as_str().unwrap_or_default(),
			entry["score"].as_str().unwrap_or_default(),
			share("current", account),
			share("next", account),
			match (entry["candidate"].as_bool(), entry["sessionKeys"].as_bool()) {
				(Some(true), Some(true)) => "yes",
				(Some(true), _) => "yes, but no session keys",
				_ => "no",
			}
		));
	}
	lines.join("\n")
}
