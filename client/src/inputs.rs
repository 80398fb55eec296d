//! A sweep's task inputs, named, from a manifest or a folder: what `povc job submit-batch`
//! submits and `povc-worker exec` runs locally, in the same order, so both compute the
//! same batch.

use std::path::{Path, PathBuf};

/// A task's name and input.
pub type NamedInput = (String, Vec<u8>);

/// (name, input) of each line of `manifest` that is not blank; names are line numbers,
/// zero-padded so they sort.
pub fn manifest(manifest: &Path) -> Result<Vec<NamedInput>, String> {
	let text = std::fs::read_to_string(manifest)
		.map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
	let lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).collect();
	let width = lines.len().to_string().len();
	Ok(lines
		.iter()
		.enumerate()
		.map(|(i, line)| (format!("{:0width$}", i + 1), line.as_bytes().to_vec()))
		.collect())
}

/// (file name, contents) of each file in `dir`, by name.
pub fn folder(dir: &Path) -> Result<Vec<NamedInput>, String> {
	let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
		.map_err(|e| format!("cannot read {}: {e}", dir.display()))?
		.filter_map(|entry| entry.ok().map(|e| e.path()))
		.filter(|path| path.is_file())
		.collect();
	entries.sort();
	entries
		.into_iter()
		.map(|path| {
			let name = path.file_name().expect("a file").to_string_lossy().into_owned();
			let bytes =
				std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
			Ok((name, bytes))
		})
		.collect()
}
