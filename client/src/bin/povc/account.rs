//! Keys, balances, transfers, workers and scores.

use clap::{Args, Subcommand};
use povc_client::{api::povc, connection::Connection, keys::Signer, types::AccountId};
use serde_json::json;
use sp_core::{crypto::Ss58Codec, sr25519, Pair};

use crate::{
	failure::{Failure, Outcome},
	output::print,
	Global,
};

#[derive(Subcommand)]
pub enum KeysCommand {
	/// Generate a new key: a 12-word mnemonic and its account. Keep the mnemonic secret.
	Generate {
		/// Also write the mnemonic to this file (created with mode 0600), usable as --key.
		#[arg(long)]
		file: Option<std::path::PathBuf>,
	},
	/// Show the account of a key (default: --key).
	Inspect {
		/// A dev seed, a mnemonic, or a key file.
		key: Option<String>,
	},
}

#[derive(Args)]
pub struct BalanceArgs {
	/// An SS58 address or a key (default: the --key account).
	account: Option<String>,
}

#[derive(Args)]
pub struct TransferArgs {
	/// The recipient: an SS58 address or a key.
	to: String,
	/// Tokens to send, e.g. 10 or 0.5 (in the chain's token and decimals).
	amount: String,
}

#[derive(Subcommand)]
pub enum WorkerCommand {
	/// A worker's bond, capacity, class and reputation (default: the --key account).
	Info {
		/// An SS58 address or a key.
		account: Option<String>,
	},
}

/// Connect to the node of `global`.
pub async fn connect(global: &Global) -> Outcome<Connection> {
	Ok(Connection::connect(&global.node).await?)
}

/// The signing key of `global`.
pub fn signer(global: &Global) -> Outcome<Signer> {
	let key = global.key.as_deref().ok_or_else(|| {
		Failure::input("this needs a key: pass --key //Alice (a dev seed, a mnemonic or a key file) or set POVC_KEY")
	})?;
	Signer::from_arg(key).map_err(|e| Failure::input(e.to_string()))
}

/// `account` as an address or a key, else the --key account.
pub fn account_of(global: &Global, account: Option<&str>) -> Outcome<AccountId> {
	match account {
		None => Ok(signer(global)?.account().clone()),
		Some(text) => AccountId::from_ss58check(text)
			.or_else(|_| Signer::from_arg(text).map(|s| s.account().clone()))
			.map_err(|_| Failure::input(format!("{text:?} is neither an SS58 address nor a key"))),
	}
}

pub fn keys(global: &Global, command: KeysCommand) -> Outcome {
	match command {
		KeysCommand::Generate { file } => {
			let (pair, phrase, _) = sr25519::Pair::generate_with_phrase(None);
			let signer = Signer::from_pair(pair);
			if let Some(path) = &file {
				write_secret(path, &phrase)?;
			}
			print(
				global.json,
				json!({ "mnemonic": phrase, "address": signer.address(), "file": file }),
				|| format!("mnemonic: {phrase}\naddress:  {}", signer.address()),
			);
		},
		KeysCommand::Inspect { key } => {
			let signer = match key {
				Some(key) => Signer::from_arg(&key).map_err(|e| Failure::input(e.to_string()))?,
				None => signer(global)?,
			};
			let public = format!("0x{}", hex::encode(signer.pair().public()));
			print(global.json, json!({ "address": signer.address(), "publicKey": public }), || {
				format!("address:    {}\npublic key: {public}", signer.address())
			});
		},
	}
	Ok(())
}

fn write_secret(path: &std::path::Path, secret: &str) -> Outcome {
	use std::io::Write;
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
	let mut file = options
		.open(path)
		.map_err(|e| Failure::input(format!("cannot create {}: {e}", path.display())))?;
	writeln!(file, "{secret}").map_err(|e| Failure::other(e.to_string()))
}

pub async fn balance(global: &Global, args: BalanceArgs) -> Outcome {
	let who = account_of(global, args.account.as_deref())?;
	let connection = connect(global).await?;
	let info = connection.account(&who, None).await?;
	let data = info.data;
	print(
		global.json,
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
				connection.token().format(data.free),
				connection.token().format(data.reserved),
				connection.token().format(data.frozen)
			)
		},
	);
	Ok(())
}

pub async fn transfer(global: &Global, args: TransferArgs) -> Outcome {
	let signer = signer(global)?;
	let to = account_of(global, Some(&args.to))?;
	let connection = connect(global).await?;
	let amount = connection.token().parse(&args.amount).map_err(Failure::input)?;
	let dest = subxt::utils::MultiAddress::Id(subxt::utils::AccountId32(*to.as_ref()));
	let call = povc::tx().balances().transfer_keep_alive(dest, amount);
	crate::program::ensure_funds(&connection, &signer, amount, &call, "the transfer").await?;
	let inclusion = connection.execute(&signer, &call).await?;
	print(
		global.json,
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

pub async fn worker(global: &Global, command: WorkerCommand) -> Outcome {
	let WorkerCommand::Info { account } = command;
	let who = account_of(global, account.as_deref())?;
	let connection = connect(global).await?;
	let Some(worker) = connection.worker(&who).await? else {
		return Err(Failure::other(format!(
			"{} is not a registered worker (register with `povc-worker register`)",
			who.to_ss58check()
		)));
	};
	let json = serde_json::to_value(&worker).map_err(|e| Failure::other(e.to_string()))?;
	print(global.json, json, || {
		format!(
			"{}\nbond:        {}\ncapacity:    {} ({} open)\nclass:       {}\nverified:    {} jobs, {} faults, reputation {:.1} %\nstatus:      {}\nvolunteer:   {}",
			who.to_ss58check(),
			connection.token().format(worker.bond),
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

pub async fn scores(global: &Global) -> Outcome {
	use jsonrpsee::core::client::ClientT;
	let connection = &connect(global).await?;
	let request = |method: &'static str| async move {
		connection
			.client()
			.request::<serde_json::Value, _>(method, jsonrpsee::rpc_params![])
			.await
			.map_err(|e| {
				Failure::other(format!(
					"this node does not serve {method} ({e}): is it a povc node?"
				))
			})
	};
	let scores = request("povc_scores").await?;
	let authorities = request("povc_authorities").await?;
	let json = json!({ "scores": scores, "authorities": authorities });
	print(global.json, json, || scores_table(&scores, &authorities));
	Ok(())
}

/// One line per scored account or candidate: score and BABE weight share now and next.
fn scores_table(scores: &serde_json::Value, authorities: &serde_json::Value) -> String {
	let share = |set: &str, account: &serde_json::Value| {
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
