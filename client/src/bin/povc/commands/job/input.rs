//! Reading job inputs (`--input`, a manifest or a folder) and placing them on chain.

use std::{
	io::Read,
	path::{Path, PathBuf},
};

use pallet_jobs::JobInput;
use povc_client::api::{povc, Unbounded};

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

/// (name, input) of each line of `manifest` that is not blank; names are line numbers,
/// zero-padded so they sort.
pub fn manifest_inputs(manifest: &Path) -> Outcome<Vec<(String, Vec<u8>)>> {
	let text = std::fs::read_to_string(manifest)
		.map_err(|e| Failure::input(format!("cannot read {}: {e}", manifest.display())))?;
	let lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).collect();
	let width = lines.len().to_string().len();
	Ok(lines
		.iter()
		.enumerate()
		.map(|(i, line)| (format!("{:0width$}", i + 1), line.as_bytes().to_vec()))
		.collect())
}

/// (file name, contents) of each file in `dir`, by name.
pub fn folder_inputs(dir: &Path) -> Outcome<Vec<(String, Vec<u8>)>> {
	let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
		.map_err(|e| Failure::input(format!("cannot read {}: {e}", dir.display())))?
		.filter_map(|entry| entry.ok().map(|e| e.path()))
		.filter(|path| path.is_file())
		.collect();
	entries.sort();
	entries
		.into_iter()
		.map(|path| {
			let name = path.file_name().expect("a file").to_string_lossy().into_owned();
			let bytes = std::fs::read(&path)
				.map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
			Ok((name, bytes))
		})
		.collect()
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
