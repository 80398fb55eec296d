//! `povc-worker exec`: run a program locally in exactly the sandbox used for jobs, so a
//! requester can test it and size its fuel before paying, and anyone can check that two
//! machines agree (same output hash, same fuel).

use std::{io::Read, path::PathBuf, process::ExitCode, time::Duration};

use clap::Args;
use povc_primitives::ExecutionStatus;
use sp_core::H256;

use crate::{
	modules::{CompileLimits, JobParams, Programs},
	sandbox::{time_limit_for, Abstention, RunOutcome},
	Result,
};

#[derive(Args, Debug)]
pub struct ExecArgs {
	/// The program: a WASI preview 1 command module (.wasm).
	pub program: PathBuf,
	/// The job input, given to the program on stdin: a file, or `-` for this stdin.
	#[arg(long)]
	pub input: Option<String>,
	/// Fuel limit (about one unit per WebAssembly instruction).
	#[arg(long, default_value_t = 10_000_000_000)]
	pub fuel: u64,
	/// Largest output in bytes; more is status `output_too_large`.
	#[arg(long, default_value_t = 65_536)]
	pub max_output: u32,
	/// Seed the program's randomness as job N does on chain.
	#[arg(long, default_value_t = 0)]
	pub job_id: u64,
	/// Wall-clock limit in seconds; a run stopped by it is an abstention (exit code 4),
	/// as on a worker. Default: what a worker allows for this much fuel (at most 600 s).
	#[arg(long, value_name = "SECONDS")]
	pub time_limit: Option<f64>,
	/// Print one JSON object (status, exit code, fuel, output hash, output) instead of
	/// a summary on stderr and the raw output on stdout.
	#[arg(long)]
	pub json: bool,
}

/// Run `exec`. Exit code 0 if the program exited with 0, 3 if it ran but did not, 4 if
/// the run gave no result (an abstention: stopped by the wall-clock limit, or the host
/// failed).
pub fn run(args: &ExecArgs) -> Result<ExitCode> {
	let code = std::fs::read(&args.program)
		.map_err(|e| format!("cannot read {}: {e}", args.program.display()))?;
	let input = match args.input.as_deref() {
		None => Vec::new(),
		Some("-") => {
			let mut input = Vec::new();
			std::io::stdin().read_to_end(&mut input)?;
			input
		},
		Some(path) => std::fs::read(path).map_err(|e| format!("cannot read input {path}: {e}"))?,
	};
	let programs = Programs::new(None, CompileLimits::default(), 1, 1)?;
	let job = JobParams {
		id: args.job_id,
		program: H256(sp_crypto_hashing::blake2_256(&code)),
		tasks: 1,
		fuel_limit: args.fuel,
		max_output_len: args.max_output,
	};
	let time_limit = match args.time_limit {
		Some(seconds) => Duration::try_from_secs_f64(seconds)
			.map_err(|e| format!("--time-limit {seconds}: {e}"))?,
		None => time_limit_for(args.fuel, Duration::from_secs(600)),
	};
	let started = std::time::Instant::now();
	let outcome = programs
		.run(&job, || Ok(code), &input, time_limit)
		.map_err(|e| format!("{} is not a runnable program: {e}", args.program.display()))?;
	let elapsed = started.elapsed();
	let outcome = match outcome {
		Ok(outcome) => outcome,
		Err(abstention) => {
			if args.json {
				println!("{}", serde_json::to_string_pretty(&abstained(&abstention, elapsed))?);
			} else {
				eprintln!("status:      abstained ({abstention})");
				eprintln!("time:        {:.3} s", elapsed.as_secs_f64());
			}
			return Ok(ExitCode::from(4));
		},
	};
	if args.json {
		println!("{}", serde_json::to_string_pretty(&report(&outcome, elapsed))?);
	} else {
		eprintln!("status:      {}", povc_client::status::describe(&outcome.status));
		eprintln!("fuel used:   {}", outcome.fuel_used);
		eprintln!("output hash: 0x{}", hex::encode(outcome.output_hash()));
		eprintln!("output:      {} bytes (on stdout)", outcome.output.len());
		eprintln!("time:        {:.3} s", elapsed.as_secs_f64());
		use std::io::Write;
		std::io::stdout().write_all(&outcome.output)?;
	}
	Ok(match outcome.status {
		ExecutionStatus::Exited(0) => ExitCode::SUCCESS,
		_ => ExitCode::from(3),
	})
}

fn abstained(abstention: &Abstention, elapsed: Duration) -> serde_json::Value {
	serde_json::json!({
		"status": "abstained",
		"abstention": abstention.to_string(),
		"seconds": elapsed.as_secs_f64(),
	})
}

fn report(outcome: &RunOutcome, elapsed: Duration) -> serde_json::Value {
	let exit_code = match outcome.status {
		ExecutionStatus::Exited(code) => Some(code),
		_ => None,
	};
	serde_json::json!({
		"status": crate::metrics::status_label(&outcome.status),
		"exitCode": exit_code,
		"fuelUsed": outcome.fuel_used,
		"outputHash": format!("0x{}", hex::encode(outcome.output_hash())),
		"outputLen": outcome.output.len(),
		"output": std::str::from_utf8(&outcome.output).ok(),
		"outputHex": format!("0x{}", hex::encode(&outcome.output)),
		"seconds": elapsed.as_secs_f64(),
	})
}
