//! `povc keys`: create a key, or show the account of one.

use std::{io::Write, path::Path};

use clap::Subcommand;
use povc_client::keys::Signer;
use serde_json::json;
use sp_core::{sr25519, Pair};

use crate::{
	context::{parse_key, Context},
	failure::{Failure, Outcome},
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

/// Needs neither a node nor (with a key argument) `--key`.
pub fn run(context: &Context, command: KeysCommand) -> Outcome {
	match command {
		KeysCommand::Generate { file } => {
			let (pair, phrase, _) = sr25519::Pair::generate_with_phrase(None);
			let signer = Signer::from_pair(pair);
			if let Some(path) = &file {
				write_secret(path, &phrase)?;
			}
			context.print(
				json!({ "mnemonic": phrase, "address": signer.address(), "file": file }),
				|| format!("mnemonic: {phrase}\naddress:  {}", signer.address()),
			);
		},
		KeysCommand::Inspect { key } => {
			let signer = match key {
				Some(key) => parse_key(&key)?,
				None => context.signer()?.clone(),
			};
			let public = format!("0x{}", hex::encode(signer.pair().public()));
			context.print(json!({ "address": signer.address(), "publicKey": public }), || {
				format!("address:    {}\npublic key: {public}", signer.address())
			});
		},
	}
	Ok(())
}

/// Write `secret` to a new file only its owner can read.
fn write_secret(path: &Path, secret: &str) -> Outcome {
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
	let mut file = options
		.open(path)
		.map_err(|e| Failure::input(format!("cannot create {}: {e}", path.display())))?;
	writeln!(file, "{secret}").map_err(|e| Failure::other(e.to_string()))
}
