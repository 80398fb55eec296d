//! Storing programs and input data on chain (content-addressed: uploading twice is a
//! no-op).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use pallet_jobs::{program::ProgramLimits, BlobKind};
use povc_client::{api::povc, connection::Connection, keys::Signer, types::Balance};
use serde_json::json;
use sp_core::H256;

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
	let signer = signer(global)?;
	let connection = connect(global).await?;
	let code = read_program(&connection, &file).await?;
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
pub async fn read_program(connection: &Connection, file: &Path) -> Outcome<Vec<u8>> {
	let code = std::fs::read(file)
		.map_err(|e| Failure::input(format!("cannot read {}: {e}", file.display())))?;
	let max = connection.constant(povc::constants().jobs().max_program_size()).await? as usize;
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
	let deposit = blob_deposit(connection, code.len()).await?;
	let call = povc::tx().jobs().upload_program(code.to_vec());
	ensure_funds(connection, signer, deposit, &call, "the program's storage deposit").await?;
	progress(
		global.json,
		&format!("uploading program {hash:?} (deposit {})", connection.token().format(deposit)),
	);
	connection.execute(signer, &call).await?;
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
	let max = connection.constant(povc::constants().jobs().max_blob_size()).await? as usize;
	if data.len() > max {
		return Err(Failure::input(format!(
			"the input is {} bytes; inputs may have at most {max}",
			data.len()
		)));
	}
	let deposit = blob_deposit(connection, data.len()).await?;
	let call = povc::tx().jobs().upload_blob(data.to_vec());
	ensure_funds(connection, signer, deposit, &call, "the input's storage deposit").await?;
	progress(
		global.json,
		&format!("uploading input {hash:?} (deposit {})", connection.token().format(deposit)),
	);
	connection.execute(signer, &call).await?;
	Ok(hash)
}

/// The storage deposit of a blob of `len` bytes, by the chain's constants.
async fn blob_deposit(connection: &Connection, len: usize) -> Outcome<Balance> {
	let base = connection.constant(povc::constants().jobs().blob_deposit_base()).await?;
	let per_byte = connection.constant(povc::constants().jobs().blob_deposit_per_byte()).await?;
	Ok(base.saturating_add(per_byte.saturating_mul(len as Balance)))
}

/// Fail (before anything is signed) unless `signer` can hold `amount` and pay for `call`:
/// the fee the chain quotes for it now, and the existential deposit, which must stay.
pub async fn ensure_funds<P: subxt::tx::Payload>(
	connection: &Connection,
	signer: &Signer,
	amount: Balance,
	call: &P,
	what: &str,
) -> Outcome {
	let free = connection.free_balance(signer.account()).await?;
	let fee = connection.estimate_fee(signer, call).await?;
	let existential =
		connection.constant(povc::constants().balances().existential_deposit()).await?;
	if free < amount.saturating_add(fee).saturating_add(existential) {
		let token = connection.token();
		return Err(Failure::funds(format!(
			"{} has {} free, not enough for {what} ({}) plus the fee ({}); top it up (povc \
			 transfer) or ask for less",
			signer.address(),
			token.format(free),
			token.format(amount),
			token.format(fee)
		)));
	}
	Ok(())
}
