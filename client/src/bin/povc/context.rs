//! What every command works with: the global options, the node (connected on first use),
//! the signing key, and where results go (text or JSON).

use std::sync::OnceLock;

use clap::Args;
use povc_client::{connection::Connection, funds, keys::Signer, types::AccountId, types::Balance};
use serde_json::Value;
use sp_core::crypto::Ss58Codec;
use tokio::sync::OnceCell;

use crate::failure::{Failure, Outcome};

/// Flags every command takes (the same as `povc-worker`'s).
#[derive(Args, Clone)]
pub struct Global {
	/// WebSocket URL of a povc node.
	#[arg(long, global = true, env = "POVC_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// The signing key: a dev seed like //Alice, a mnemonic, or the path of a key file
	/// holding one (POVC_KEY keeps it out of the process list).
	#[arg(long, global = true, env = "POVC_KEY", hide_env_values = true)]
	key: Option<String>,
	/// Print JSON for scripts instead of text.
	#[arg(long, global = true)]
	json: bool,
}

/// The context of one `povc` run. The node and the key are only touched by commands that
/// need them, so `povc keys generate` works offline and `povc balance ADDRESS` needs no key.
pub struct Context {
	global: Global,
	connection: OnceCell<Connection>,
	signer: OnceLock<Signer>,
}

impl Context {
	pub fn new(global: Global) -> Self {
		Self { global, connection: OnceCell::new(), signer: OnceLock::new() }
	}

	/// Whether results are printed as JSON (`--json`).
	pub fn json(&self) -> bool {
		self.global.json
	}

	/// The node of `--node`, connected on the first call.
	pub async fn connection(&self) -> Outcome<&Connection> {
		let connect = || async { Ok::<_, Failure>(Connection::connect(&self.global.node).await?) };
		self.connection.get_or_try_init(connect).await
	}

	/// The key of `--key`.
	pub fn signer(&self) -> Outcome<&Signer> {
		if let Some(signer) = self.signer.get() {
			return Ok(signer);
		}
		let key = self.global.key.as_deref().ok_or_else(|| {
			Failure::input(
				"this needs a key: pass --key //Alice (a dev seed, a mnemonic or a key file) or \
				 set POVC_KEY",
			)
		})?;
		let signer = parse_key(key)?;
		Ok(self.signer.get_or_init(|| signer))
	}

	/// `account` as an SS58 address or a key, else the `--key` account.
	pub fn account_of(&self, account: Option<&str>) -> Outcome<AccountId> {
		match account {
			None => Ok(self.signer()?.account().clone()),
			Some(text) => AccountId::from_ss58check(text)
				.or_else(|_| Signer::from_arg(text).map(|s| s.account().clone()))
				.map_err(|_| {
					Failure::input(format!("{text:?} is neither an SS58 address nor a key"))
				}),
		}
	}

	/// Fail, before anything is signed, unless the `--key` account can hold `amount`
	/// (for `what`, e.g. "the job's escrow") and pay the fee of `call`.
	pub async fn ensure_funds<P: subxt::tx::Payload>(
		&self,
		amount: Balance,
		call: &P,
		what: &str,
	) -> Outcome {
		let signer = self.signer()?;
		let connection = self.connection().await?;
		Ok(funds::ensure_funds(connection, signer, amount, call, what).await?)
	}

	/// Print a result: `json` with `--json`, else `text`.
	pub fn print(&self, json: Value, text: impl FnOnce() -> String) {
		if self.json() {
			println!("{}", serde_json::to_string_pretty(&json).expect("JSON values serialise"));
		} else {
			println!("{}", text());
		}
	}

	/// A progress line on stderr (never mixed into stdout, which may carry an output);
	/// none with `--json`.
	pub fn progress(&self, line: &str) {
		if !self.json() {
			eprintln!("{line}");
		}
	}
}

/// The key a user typed: a dev seed, a mnemonic or a key file.
pub fn parse_key(key: &str) -> Outcome<Signer> {
	Signer::from_arg(key).map_err(|e| Failure::input(e.to_string()))
}
