//! Reading job inputs (`--input`, a manifest or a folder) and placing them on chain.

use std::{io::Read, path::Path};

use pallet_jobs::JobInput;
use povc_client::{
	api::{povc, Unbounded},
	inputs::{self, NamedInput},
};

use crate::{
	blobs::ensure_data,
	context::Context,
	failure::{Failure, Outcome},
};

/// The input bytes of `--input`: a file, `-` for stdin, or none (empty).
pub fn read_input(input: Option<&str>) -> Outcome<Vec<u8>> {
	match input {
		None => Ok(Vec::new()),
		Some("-") => {
			let mut bytes = Vec::new();
			std::io::stdin()
				.read_to_end(&mut bytes)
				.map_err(|e| Failure::input(format!("cannot read stdin: {e}")))?;
			Ok(bytes)
		},
		Some(path) => std::fs::read(path)
			.map_err(|e| Failure::input(format!("cannot read the input {path}: {e}"))),
	}
}

/// The tasks of `--manifest` ([`povc_client::inputs::manifest`]).
pub fn manifest_inputs(manifest: &Path) -> Outcome<Vec<NamedInput>> {
	inputs::manifest(manifest).map_err(Failure::input)
}

/// The tasks of `--inputs` ([`povc_client::inputs::folder`]).
pub fn folder_inputs(dir: &Path) -> Outcome<Vec<NamedInput>> {
	inputs::folder(dir).map_err(Failure::input)
}

/// `input` inline in the job if small enough, else stored as a blob.
pub async fn job_input(context: &Context, input: Vec<u8>) -> Outcome<JobInput<Unbounded>> {
	let connection = context.connection().await?;
	let max_inline =
		connection.constant(povc::constants().jobs().max_inline_input()).await? as usize;
	if input.len() <= max_inline {
		return Ok(JobInput::Inline(input.try_into().expect("length checked")));
	}
	Ok(JobInput::Blob(ensure_data(context, &input).await?))
}
