//! `povc program upload`: store a program on chain (a no-op if the chain has it).

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use crate::{
	blobs::{ensure_program, read_program},
	context::Context,
	failure::Outcome,
};

#[derive(Subcommand)]
pub enum ProgramCommand {
	/// Upload a WASI preview 1 program (skipped if the chain has it already).
	Upload {
		/// The program (.wasm).
		file: PathBuf,
	},
}

pub async fn run(context: &Context, command: ProgramCommand) -> Outcome {
	let ProgramCommand::Upload { file } = command;
	// A missing key fails before the node is contacted.
	context.signer()?;
	let code = read_program(context.connection().await?, &file).await?;
	let (hash, uploaded) = ensure_program(context, &code).await?;
	context.print(json!({ "program": hash, "uploaded": uploaded, "bytes": code.len() }), || {
		let what = if uploaded { "uploaded" } else { "already on chain" };
		format!("program {hash:?} ({} bytes) {what}", code.len())
	});
	Ok(())
}
