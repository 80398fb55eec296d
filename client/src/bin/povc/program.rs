//! Storing programs and input data on chain (content-addressed: uploading twice is a
//! no-op).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use pallet_jobs::{program::ProgramLimits, BlobKind};
use povc_client::{amount::format_povc, connection::Connection, keys::Signer};
use povc_runtime::{Runtime, RuntimeCall};
use serde_json::json;
use sp_core::{Get, H256};

use crate::{
	account::{connect, signer},
	failure::{Failure, Outcome},
	output::{print, progress},
	Global,
};

#[derive(Subcommand)]
pub enum ProgramCommand {
	/// Upload a WASI preview 1 program (skipped if the chain has it already).
	Upload {
		/// The program (.wasm).
		file: PathBuf,
	},
}

pub async fn run(global: &Global, command: ProgramCommand) -> Outcome {
	let ProgramCommand::Upload { file } = command;
	let code = read_program(&file)?;
	let signer = signer(global)?;
	let connection = connect(global).await?;
	let (hash, uploaded) = ensure_program(global, &connection, &signer, &code).await?;
	print(
		global.json,
		json!({ "program": hash, "uploaded": uploaded, "bytes": code.len() }),
		|| {
			let what = if uploaded { "uploaded" } else { "already on chain" };
			format!("program {hash:?} ({} bytes) {what}", code.len())
		},
	);
	Ok(())
}

/// Read a program file and check it as the chain will, so a bad program costs nothing.
pub fn read_program(file: &Path) -> Outcome<Vec<u8>> {
	let code = std::fs::read(file)
		.map_err(|e| Failure::input(format!("cannot read {}: {e}", file.display())))?;
	let max = <<Runtime as pallet_jobs::Config>::MaxProgramSize as Get<u32>>::get() as usize;
	if code.len() > max {
		return Err(Failure::input(format!(
			"{} is {} bytes; programs may have at most {max}",
			file.display(),
			code.len()
		)));
	}
	pallet_jobs::program::validate(&code, &ProgramLimits::DEFAULT).map_err(|error| {
		Failure::input(format!(
			"{} is not a valid job program ({error:?}): it must be a WASI preview 1 command \
			 module (e.g. Rust built for wasm32-wasip1) exporting _start and memory",
			file.display()
		))
	})?;
	Ok(code)
}

/// Store `code` unless the chain has it; returns its hash and whether it was uploaded.
pub async fn ensure_program(
	global: &Global,
	connection: &Connection,
	signer: &Signer,
	code: &[u8],
) -> Outcome<(H256, bool)> {
	let hash = H256(sp_crypto_hashing::blake2_256(code));
	if connection.blob_exists(BlobKind::Program, hash).await? {
		return Ok((hash, false));
	}
	let deposit = pallet_jobs::Pallet::<Runtime>::blob_deposit(code.len() as u32);
	ensure_funds(connection, signer, deposit, "the program's storage deposit").await?;
	progress(
		global.json,
		&format!("uploading program {hash:?} (deposit {})", format_povc(deposit)),
	);
	let call = RuntimeCall::Jobs(pallet_jobs::Call::upload_program { code: code.to_vec() });
	connection.execute(signer, call).await?;
	Ok((hash, true))
}

/// Store `data` as an input blob unless the chain has it; returns its hash.
pub async fn ensure_data(
	global: &Global,
	connection: &Connection,
	signer: &Signer,
	data: &[u8],
) -> Outcome<H256> {
	let hash = H256(sp_crypto_hashing::blake2_256(data));
	if connection.blob_exists(BlobKind::Data, hash).await? {
		return Ok(hash);
	}
	let max = <<Runtime as pallet_jobs::Config>::MaxBlobSize as Get<u32>>::get() as usize;
	if data.len() > max {
		return Err(Failure::input(format!(
			"the input is {} bytes; inputs may have at most {max}",
			data.len()
		)));
	}
	let deposit = pallet_jobs::Pallet::<Runtime>::blob_deposit(data.len() as u32);
	ensure_funds(connection, signer, deposit, "the input's storage deposit").await?;
	progress(global.json, &format!("uploading input {hash:?} (deposit {})", format_povc(deposit)));
	let call = RuntimeCall::Jobs(pallet_jobs::Call::upload_blob { data: data.to_vec() });
	connection.execute(signer, call).await?;
	Ok(hash)
}

/// Fail (before anything is signed) unless `signer` can hold `amount` and pay a fee.
pub async fn ensure_funds(
	connection: &Connection,
	signer: &Signer,
	amount: povc_runtime::Balance,
	what: &str,
) -> Outcome {
	let free = connection.free_balance(signer.account()).await?;
	// What must stay: the existential deposit, and a margin for the transaction fee.
	let keep = povc_runtime::EXISTENTIAL_DEPOSIT + povc_client::amount::ONE / 10;
	if free < amount.saturating_add(keep) {
		return Err(Failure::funds(format!(
			"{} has {} free, not enough for {what} ({}) plus fees; top it up (povc transfer) \
			 or ask for less",
			signer.address(),
			format_povc(free),
			format_povc(amount)
		)));
	}
	Ok(())
}
