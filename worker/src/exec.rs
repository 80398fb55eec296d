//! `povc-worker exec`: run a program locally in exactly the sandbox used for jobs, so a
//! requester can test it and size its fuel before paying, and anyone can check that two
//! machines agree (same output hash, same fuel). With `--inputs` or `--manifest` it runs a
//! batch job's tasks, read as `povc job submit-batch` reads them, and prints the batch's
//! root: what the job's replicas commit to.

use std::{io::Read, path::PathBuf, process::ExitCode, time::Duration};

use clap::Args;
use codec::{Decode, Encode};
use povc_client::inputs::{self, NamedInput};
use povc_primitives::{
	batch::{self, TaskOutput},
	ExecutionStatus,
};
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
	#[arg(long, conflicts_with_all = ["inputs", "manifest"])]
	pub input: Option<String>,
	/// Run a batch: one task per file of this folder, by name (as `povc job submit-batch
	/// --inputs` submits it).
	#[arg(long, conflicts_with = "manifest")]
	pub inputs: Option<PathBuf>,
	/// Run a batch: one task per line of this file, blank lines skipped (as `povc job
	/// submit-batch --manifest` submits it).
	#[arg(long)]
	pub manifest: Option<PathBuf>,
	/// Fuel limit (about one unit per WebAssembly instruction), of each task in a batch.
	#[arg(long, default_value_t = 10_000_000_000)]
	pub fuel: u64,
	/// Largest output in bytes, of each task in a batch; more is status
	/// `output_too_large`.
	#[arg(long, default_value_t = 65_536)]
	pub max_output: u32,
	/// Seed the program's randomness as job N does on chain.
	#[arg(long, default_value_t = 0)]
	pub job_id: u64,
	/// Wall-clock limit in seconds (a batch: for all its tasks); a run stopped by it is an
	/// abstention (exit code 4), as on a worker. Default: what a worker allows for this
	/// much fuel (at most 600 s).
	#[arg(long, value_name = "SECONDS")]
	pub time_limit: Option<f64>,
	/// Print one JSON object (status, exit code, fuel, output hash, output; a batch: its
	/// root, fuel and every task's) instead of a summary on stderr and the raw output (a
	/// batch: a line per task) on stdout.
	#[arg(long)]
	pub json: bool,
}

/// Run `exec`. Exit code 0 if the program exited with 0 (a batch: every task did), 3 if
/// it ran but did not, 4 if the run gave no result (an abstention: stopped by the
/// wall-clock limit, or the host failed).
pub fn run(args: &ExecArgs) -> Result<ExitCode> {
	let code = std::fs::read(&args.program)
		.map_err(|e| format!("cannot read {}: {e}", args.program.display()))?;
	let tasks = match (&args.inputs, &args.manifest) {
		(Some(folder), _) => Some(inputs::folder(folder)?),
		(None, Some(manifest)) => Some(inputs::manifest(manifest)?),
		(None, None) => None,
	};
	let input = match (&tasks, args.input.as_deref()) {
		(Some(tasks), _) => {
			if tasks.is_empty() {
				return Err("no task inputs: the folder or manifest is empty".into());
			}
			tasks.iter().map(|(_, input)| input).collect::<Vec<_>>().encode()
		},
		(None, None) => Vec::new(),
		(None, Some("-")) => {
			let mut input = Vec::new();
			std::io::stdin().read_to_end(&mut input)?;
			input
		},
		(None, Some(path)) => {
			std::fs::read(path).map_err(|e| format!("cannot read input {path}: {e}"))?
		},
	};
	let task_count = tasks.as_ref().map_or(1, Vec::len);
	let task_count = u32::try_from(task_count).map_err(|_| "more than 2^32 tasks")?;
	let programs = Programs::new(None, CompileLimits::default(), 1, 1)?;
	let job = JobParams {
		id: args.job_id,
		program: H256(sp_crypto_hashing::blake2_256(&code)),
		tasks: task_count,
		fuel_limit: args.fuel,
		max_output_len: args.max_output,
	};
	let time_limit = match args.time_limit {
		Some(seconds) => Duration::try_from_secs_f64(seconds)
			.map_err(|e| format!("--time-limit {seconds}: {e}"))?,
		None => time_limit_for(batch::work_fuel(task_count, args.fuel), Duration::from_secs(600)),
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
	let all_exited = match tasks {
		Some(tasks) => print_batch(args, &tasks, &outcome, elapsed)?,
		None => print_run(args, &outcome, elapsed)?,
	};
	Ok(if all_exited { ExitCode::SUCCESS } else { ExitCode::from(3) })
}

/// Prints a single run; whether it exited with 0.
fn print_run(args: &ExecArgs, outcome: &RunOutcome, elapsed: Duration) -> Result<bool> {
	if args.json {
		let mut report = report(&outcome.status, outcome.fuel_used, &outcome.output);
		report["seconds"] = elapsed.as_secs_f64().into();
		println!("{}", serde_json::to_string_pretty(&report)?);
	} else {
		eprintln!("status:      {}", povc_client::status::describe(&outcome.status));
		eprintln!("fuel used:   {}", outcome.fuel_used);
		eprintln!("output hash: 0x{}", hex::encode(outcome.output_hash()));
		eprintln!("output:      {} bytes (on stdout)", outcome.output.len());
		eprintln!("time:        {:.3} s", elapsed.as_secs_f64());
		use std::io::Write;
		std::io::stdout().write_all(&outcome.output)?;
	}
	Ok(outcome.status == ExecutionStatus::Exited(0))
}

/// Prints a batch: its root (what its replicas commit to), its fuel, and each task's
/// result; whether every task exited with 0.
fn print_batch(
	args: &ExecArgs,
	tasks: &[NamedInput],
	outcome: &RunOutcome,
	elapsed: Duration,
) -> Result<bool> {
	let results = Vec::<TaskOutput>::decode(&mut &outcome.output[..])?;
	let count = tasks.len() as u32;
	let (root, _) = batch::output_digest(count, args.max_output, &outcome.output)
		.ok_or("the batch's output is not its tasks' results")?;
	let exited = results.iter().filter(|task| task.status == ExecutionStatus::Exited(0)).count();
	if args.json {
		let tasks: Vec<_> = tasks
			.iter()
			.zip(&results)
			.map(|((name, _), task)| {
				let mut report = report(&task.status, task.fuel_used, &task.output);
				report["name"] = name.as_str().into();
				report
			})
			.collect();
		let report = serde_json::json!({
			"tasks": count,
			"exited": exited,
			"fuelUsed": outcome.fuel_used,
			"outputHash": format!("0x{}", hex::encode(root)),
			"seconds": elapsed.as_secs_f64(),
			"results": tasks,
		});
		println!("{}", serde_json::to_string_pretty(&report)?);
	} else {
		eprintln!("tasks:       {count} ({exited} exited with 0; one line each on stdout)");
		eprintln!("fuel used:   {} (all tasks)", outcome.fuel_used);
		eprintln!("output hash: 0x{} (the batch's root)", hex::encode(root));
		eprintln!("time:        {:.3} s", elapsed.as_secs_f64());
		for ((name, _), task) in tasks.iter().zip(&results) {
			let hash = hex::encode(sp_crypto_hashing::blake2_256(&task.output));
			let status = povc_client::status::describe(&task.status);
			println!("{name}\t{status}\t{}\t0x{hash}", task.fuel_used);
		}
	}
	Ok(exited == results.len())
}

fn abstained(abstention: &Abstention, elapsed: Duration) -> serde_json::Value {
	serde_json::json!({
		"status": "abstained",
		"abstention": abstention.to_string(),
		"seconds": elapsed.as_secs_f64(),
	})
}

/// A run's (or a task's) result as JSON.
fn report(status: &ExecutionStatus, fuel_used: u64, output: &[u8]) -> serde_json::Value {
	let exit_code = match status {
		ExecutionStatus::Exited(code) => Some(*code),
		_ => None,
	};
	serde_json::json!({
		"status": crate::metrics::status_label(status),
		"exitCode": exit_code,
		"fuelUsed": fuel_used,
		"outputHash": format!("0x{}", hex::encode(sp_crypto_hashing::blake2_256(output))),
		"outputLen": output.len(),
		"output": std::str::from_utf8(output).ok(),
		"outputHex": format!("0x{}", hex::encode(output)),
	})
}
