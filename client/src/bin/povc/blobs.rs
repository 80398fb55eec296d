//! Programs and input data on chain, content-addressed: storing what the chain has already
//! is a no-op. Shared by `povc program upload` and the job submissions.

use std::path::Path;

use pallet_jobs::{program::ProgramLimits, BlobKind};
use povc_client::{api::povc, connection::Connection, types::Balance};
use sp_core::H256;

use crate::{
	context::Context,
	failure::{Failure, Outcome},
};

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
pub async fn ensure_program(context: &Context, code: &[u8]) -> Outcome<(H256, bool)> {
	let connection = context.connection().await?;
	let hash = H256(sp_crypto_hashing::blake2_256(code));
	if connection.blob_exists(BlobKind::Program, hash).await? {
		return Ok((hash, false));
	}
	let deposit = blob_deposit(connection, code.len()).await?;
	let call = povc::tx().jobs().upload_program(code.to_vec());
	context.ensure_funds(deposit, &call, "the program's storage deposit").await?;
	let deposit = connection.token().format(deposit);
	context.progress(&format!("uploading program {hash:?} (deposit {deposit})"));
	connection.execute(context.signer()?, &call).await?;
	Ok((hash, true))
}

/// Store `data` as an input blob unless the chain has it; returns its hash.
pub async fn ensure_data(context: &Context, data: &[u8]) -> Outcome<H256> {
	let connection = context.connection().await?;
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
	context.ensure_funds(deposit, &call, "the input's storage deposit").await?;
	let deposit = connection.token().format(deposit);
	context.progress(&format!("uploading input {hash:?} (deposit {deposit})"));
	connection.execute(context.signer()?, &call).await?;
	Ok(hash)
}

/// The storage deposit of a blob of `len` bytes, by the chain's constants.
async fn blob_deposit(connection: &Connection, len: usize) -> Outcome<Balance> {
	let base = connection.constant(povc::constants().jobs().blob_deposit_base()).await?;
	let per_byte = connection.constant(povc::constants().jobs().blob_deposit_per_byte()).await?;
	Ok(base.saturating_add(per_byte.saturating_mul(len as Balance)))
}
