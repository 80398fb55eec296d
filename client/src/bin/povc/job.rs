//! Submitting jobs, following them to a verified result, and reading them back.

use std::{
	io::Read,
	path::{Path, PathBuf},
	time::Duration,
};

use clap::{Args, Subcommand};
use pallet_jobs::{JobInput, JobSpec, JobState};
use povc_client::{
	api::{povc, JobSpec as Spec, Unbounded},
	connection::{Connection, Job},
	keys::Signer,
	status::describe as describe_status,
	tx::Inclusion,
	types::{Balance, BlockNumber},
};
use povc_primitives::JobId;
use serde_json::json;
use sp_core::{crypto::Ss58Codec, H256};
use sp_runtime::Permill;
use subxt::utils::Static;

use crate::{
	account::{account_of, connect, signer},
	failure::{Failure, Outcome},
	output::{print, progress},
	program::{ensure_data, ensure_funds, ensure_program, read_program},
	Global,
};

/// Blocks a job may take by default (2 hours of 6 s blocks).
const DEFAULT_LIFETIME: BlockNumber = 1_200;
/// How often `--wait` looks at the job.
const POLL: Duration = Duration::from_secs(1);

#[derive(Subcommand)]
pub enum JobCommand {
	/// Submit a job: uploads what the chain lacks, shows the cost, signs, and with
	/// --wait follows the job to its verified output.
	Submit(SubmitArgs),
	/// Submit one job per input of a manifest (a parameter sweep, image tiles, ...) in
	/// batched extrinsics, wait for all, and gather their outputs in a folder.
	SubmitBatch(BatchArgs),
	/// A job's state, workers and result.
	Status { id: JobId },
	/// Write a job's verified output (to stdout, or --output FILE).
	Result {
		id: JobId,
		#[arg(long)]
		output: Option<PathBuf>,
	},
	/// Cancel a job whose workers are not drawn yet; the escrow is refunded.
	Cancel { id: JobId },
	/// The jobs of an account (default: the --key account).
	List {
		/// An SS58 address or a key.
		account: Option<String>,
		/// Only ids after this one (paging).
		#[arg(long)]
		after: Option<JobId>,
		/// At most this many (≤ 1000).
		#[arg(long, default_value_t = 100)]
		limit: u32,
	},
}

impl JobParams {
	/// The price per fuel: 0 for volunteer work.
	fn price(&self) -> Balance {
		self.price.unwrap_or(0)
	}
}

/// Refuses, before anything is signed, a price-0 submission from an account that is not
/// an approved volunteer project: the chain would refuse it (`NotAProject`).
async fn ensure_may_submit(
	connection: &Connection,
	signer: &Signer,
	params: &JobParams,
) -> Outcome {
	if params.price() != 0 || connection.is_project(signer.account()).await? {
		return Ok(());
	}
	Err(Failure::input(format!(
		"{} is not an approved volunteer project: jobs at price 0 (--volunteer) come only from 		 projects that governance approved (see `povc project list`); pay with --price instead",
		signer.account().to_ss58check()
	)))
}

/// What every job of a submission shares.
#[derive(Args, Clone)]
pub struct JobParams {
	/// The program: a .wasm file (uploaded if the chain lacks it) or the 0x hash of one
	/// already on chain.
	#[arg(long)]
	program: String,
	/// Fuel limit per replica (about one unit per WebAssembly instruction; measure with
	/// `povc-worker exec`).
	#[arg(long)]
	fuel: u64,
	/// Independent workers that must agree (1 = unverified).
	#[arg(long, default_value_t = 3)]
	replicas: u8,
	/// Price per unit of fuel, in planck (10^-12 POVC).
	#[arg(long, required_unless_present = "volunteer")]
	price: Option<Balance>,
	/// Volunteer work: price 0, for an approved research project's account (`povc project
	/// list`). Only volunteer workers run it; they earn score at the project's rate.
	#[arg(long, conflicts_with = "price")]
	volunteer: bool,
	/// Last block by which the job must be settled (default: 2 hours from now).
	#[arg(long)]
	deadline: Option<BlockNumber>,
	/// Largest output in bytes.
	#[arg(long, default_value_t = 65_536)]
	max_output: u32,
	/// Allow replicas of different determinism classes (slower: NaNs canonicalised).
	#[arg(long)]
	cross_class: bool,
}

#[derive(Args)]
pub struct SubmitArgs {
	#[command(flatten)]
	params: JobParams,
	/// The input (the program's stdin): a file, or `-` for this stdin. Default: empty.
	#[arg(long)]
	input: Option<String>,
	/// Follow the job until it settles, then write its output.
	#[arg(long)]
	wait: bool,
	/// With --wait: write the output to this file instead of stdout.
	#[arg(long)]
	output: Option<PathBuf>,
	/// Show the cost and stop before signing anything.
	#[arg(long)]
	dry_run: bool,
}

#[derive(Args)]
pub struct BatchArgs {
	#[command(flatten)]
	params: JobParams,
	/// A manifest with one input per line (blank lines skipped).
	#[arg(long, conflicts_with = "inputs", required_unless_present = "inputs")]
	manifest: Option<PathBuf>,
	/// A folder with one input per file.
	#[arg(long)]
	inputs: Option<PathBuf>,
	/// Where to write each verified output (`<name>.out`) and `results.json`.
	#[arg(long)]
	out_dir: PathBuf,
	/// Jobs per extrinsic (`utility.batch_all`).
	#[arg(long, default_value_t = 25)]
	chunk: usize,
}

pub async fn run(global: &Global, command: JobCommand) -> Outcome {
	match command {
		JobCommand::Submit(args) => submit(global, args).await,
		JobCommand::SubmitBatch(args) => submit_batch(global, args).await,
		JobCommand::Status { id } => status(global, id).await,
		JobCommand::Result { id, output } => result(global, id, output).await,
		JobCommand::Cancel { id } => cancel(global, id).await,
		JobCommand::List { account, after, limit } => list(global, account, after, limit).await,
	}
}

async fn submit(global: &Global, args: SubmitArgs) -> Outcome {
	let input = read_input(args.input.as_deref())?;
	let signer = signer(global)?;
	let connection = connect(global).await?;
	let params = &args.params;
	ensure_may_submit(&connection, &signer, params).await?;
	let (program_code, program_hash) = program_arg(&connection, &params.program).await?;
	let escrow = show_cost(global, &connection, params, 1).await?;
	if args.dry_run {
		return Ok(());
	}
	ensure_funds(&connection, &signer, escrow, &fee_probe(params), "the job's escrow").await?;
	let program = match program_code {
		Some(code) => ensure_program(global, &connection, &signer, &code).await?.0,
		None => program_hash,
	};
	let input = job_input(global, &connection, &signer, input).await?;
	let spec = spec(params, job_deadline(&connection, params).await?, program, input);
	let inclusion =
		connection.execute(&signer, &povc::tx().jobs().submit_job(Static(spec))).await?;
	let id = submitted_ids(&inclusion)?
		.first()
		.copied()
		.ok_or_else(|| Failure::other("the job was submitted, but no JobSubmitted event"))?;
	if !args.wait {
		print(global.json, json!({ "job": id }), || format!("submitted job {id}"));
		return Ok(());
	}
	progress(global.json, &format!("submitted job {id}"));
	let job = follow(global, &connection, id).await?;
	finish(global, &connection, &job, args.output.as_deref()).await
}

/// The input bytes of `--input`.
fn read_input(input: Option<&str>) -> Outcome<Vec<u8>> {
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

/// `--program`: a file (its code, checked) or the hash of a stored program.
async fn program_arg(connection: &Connection, program: &str) -> Outcome<(Option<Vec<u8>>, H256)> {
	let path = Path::new(program);
	if !path.exists() && program.starts_with("0x") {
		let hash: H256 = program.parse().map_err(|_| {
			Failure::input(format!("{program:?} is neither a file nor a program hash"))
		})?;
		if !connection.blob_exists(pallet_jobs::BlobKind::Program, hash).await? {
			return Err(Failure::input(format!(
				"unknown program {program}: upload it (povc program upload FILE.wasm) or pass \
				 the .wasm file"
			)));
		}
		return Ok((None, hash));
	}
	let code = read_program(connection, path).await?;
	let hash = H256(sp_crypto_hashing::blake2_256(&code));
	Ok((Some(code), hash))
}

/// Print what `count` jobs with `params` cost; returns their total escrow.
async fn show_cost(
	global: &Global,
	connection: &Connection,
	params: &JobParams,
	count: usize,
) -> Outcome<Balance> {
	let estimate = connection
		.estimate_cost(params.fuel, params.replicas, params.price(), params.max_output)
		.await
		.map_err(|e| Failure::input(format!("the chain refuses these job parameters: {e}")))?;
	let total = estimate.escrow.saturating_mul(count as Balance);
	let jobs = if count == 1 { "the job".to_string() } else { format!("{count} jobs") };
	progress(
		global.json,
		&format!(
			"cost of {jobs}: escrow {} held until settlement; per job at most {} paid to \
			 workers, {} to referees if disputed (of all that, at most {} burned) and {} \
			 result deposit (refunded when cleared)",
			connection.token().format(total),
			connection.token().format(estimate.max_payment),
			connection.token().format(estimate.dispute_fee),
			connection.token().format(estimate.max_burn),
			connection.token().format(estimate.max_result_deposit)
		),
	);
	Ok(total)
}

/// Inline input if small enough, else a stored blob.
async fn job_input(
	global: &Global,
	connection: &Connection,
	signer: &Signer,
	input: Vec<u8>,
) -> Outcome<JobInput<Unbounded>> {
	let max_inline =
		connection.constant(povc::constants().jobs().max_inline_input()).await? as usize;
	if input.len() <= max_inline {
		return Ok(JobInput::Inline(input.try_into().expect("length checked")));
	}
	Ok(JobInput::Blob(ensure_data(global, connection, signer, &input).await?))
}

/// `--deadline`, or `DEFAULT_LIFETIME` blocks from now.
async fn job_deadline(connection: &Connection, params: &JobParams) -> Outcome<BlockNumber> {
	match params.deadline {
		Some(deadline) => Ok(deadline),
		None => Ok(connection.best_number().await? + DEFAULT_LIFETIME),
	}
}

fn spec(
	params: &JobParams,
	deadline: BlockNumber,
	program: H256,
	input: JobInput<Unbounded>,
) -> Spec {
	JobSpec {
		program,
		input,
		fuel_limit: params.fuel,
		replicas: params.replicas,
		price_per_fuel: params.price(),
		deadline,
		min_reputation: Permill::zero(),
		max_output_len: params.max_output,
		cross_class: params.cross_class,
	}
}

/// A `submit_job` like the ones to be sent, to quote their fee before the program and
/// input are uploaded (the fee depends on the weight and length, not on which program).
fn fee_probe(params: &JobParams) -> impl subxt::tx::Payload {
	let input = JobInput::Inline(Default::default());
	povc::tx().jobs().submit_job(Static(spec(params, 0, H256::zero(), input)))
}

/// Ids of the jobs an extrinsic submitted, in order.
fn submitted_ids(inclusion: &Inclusion) -> Outcome<Vec<JobId>> {
	let submitted = inclusion.find::<povc::jobs::events::JobSubmitted>()?;
	Ok(submitted.into_iter().map(|event| event.job).collect())
}

/// Poll job `id` until it settles, showing each change of its progress.
async fn follow(global: &Global, connection: &Connection, id: JobId) -> Outcome<Job> {
	let mut last = String::new();
	loop {
		let job = connection
			.job(id, None)
			.await?
			.ok_or_else(|| Failure::other(format!("job {id} is gone (pruned?)")))?;
		let line = format!("job {id}: {}", describe_progress(&job));
		if line != last {
			progress(global.json, &line);
			last = line;
		}
		if !job.state.is_running() {
			return Ok(job);
		}
		tokio::time::sleep(POLL).await;
	}
}

/// `committing (2/3 committed)` and the like.
fn describe_progress(job: &Job) -> String {
	let of_role = |referees: bool| {
		job.assignments
			.iter()
			.filter(|a| (a.role == pallet_jobs::Role::Referee) == referees)
			.collect::<Vec<_>>()
	};
	let count = |referees: bool, revealed: bool| {
		let all = of_role(referees);
		let done = all
			.iter()
			.filter(|a| if revealed { a.result.is_some() } else { a.commitment.is_some() })
			.count();
		format!("{done}/{}", all.len())
	};
	match &job.state {
		JobState::Queued => "queued (workers are drawn from two blocks after submission)".into(),
		JobState::Committing => format!("assigned, committing ({} committed)", count(false, false)),
		JobState::Revealing => format!("revealing ({} revealed)", count(false, true)),
		JobState::Publishing => "replicas agreed; a replica publishes the output".into(),
		JobState::DrawingReferees => "disputed: the referee committee is drawn shortly".into(),
		JobState::RefereesCommitting => {
			format!("disputed: referees committing ({} committed)", count(true, false))
		},
		JobState::RefereesRevealing => {
			format!("disputed: referees revealing ({} revealed)", count(true, true))
		},
		JobState::AuditPending => "verified (its score counts after the audit draw)".into(),
		JobState::Auditing => "verified; an auditor re-runs it before its score counts".into(),
		JobState::AuditRevealing => "verified; the auditor reveals its result".into(),
		JobState::Verified => "verified".into(),
		JobState::Unverified => "settled, unverified (one replica)".into(),
		JobState::Failed(reason) => format!("failed: {reason:?} (escrow refunded)"),
		JobState::Cancelled => "cancelled (escrow refunded)".into(),
	}
}

/// Write a settled job's output, or fail with exit code 3.
async fn finish(
	global: &Global,
	connection: &Connection,
	job: &Job,
	output: Option<&Path>,
) -> Outcome {
	if !job.state.has_result() {
		return Err(Failure::not_verified(format!(
			"job {} ended without a result: {}",
			job.id,
			describe_progress(job)
		)));
	}
	let bytes = connection.result(job.id).await?.ok_or_else(|| {
		Failure::other(format!("job {} settled but its output was cleared", job.id))
	})?;
	write_output(global, job, &bytes, output)
}

fn write_output(global: &Global, job: &Job, bytes: &[u8], output: Option<&Path>) -> Outcome {
	if let Some(path) = output {
		std::fs::write(path, bytes)
			.map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))?;
	}
	let result = job.result.as_ref();
	if global.json {
		let json = json!({
			"job": job.id,
			"state": job.state,
			"status": result.map(|r| describe_status(&r.status)),
			"fuelUsed": result.map(|r| r.fuel_used),
			"outputHash": result.map(|r| r.output_hash),
			"output": std::str::from_utf8(bytes).ok(),
			"outputFile": output,
		});
		print(true, json, String::new);
	} else if output.is_none() {
		use std::io::Write;
		std::io::stdout()
			.write_all(bytes)
			.map_err(|e| Failure::other(format!("cannot write the output: {e}")))?;
	} else if let Some(result) = result {
		eprintln!(
			"job {}: {}, {} fuel, output ({} bytes) written to {}",
			job.id,
			describe_status(&result.status),
			result.fuel_used,
			bytes.len(),
			output.expect("checked").display()
		);
	}
	Ok(())
}

async fn status(global: &Global, id: JobId) -> Outcome {
	let connection = connect(global).await?;
	let job = connection
		.job(id, None)
		.await?
		.ok_or_else(|| Failure::input(format!("there is no job {id} (or it was pruned)")))?;
	let json = serde_json::to_value(&job).map_err(|e| Failure::other(e.to_string()))?;
	print(global.json, json, || {
		let mut lines = vec![
			format!("job {id}: {}", describe_progress(&job)),
			format!("program:  {:?}", job.program),
			format!(
				"fuel:     limit {}, {} replicas at {} planck/fuel, escrow held {}",
				job.fuel_limit,
				job.replicas,
				job.price_per_fuel,
				connection.token().format(job.escrow)
			),
			format!("deadline: block {}", job.deadline),
		];
		if let Some(result) = &job.result {
			lines.push(format!(
				"result:   {}, {} fuel, output hash {:?}",
				describe_status(&result.status),
				result.fuel_used,
				result.output_hash
			));
		}
		for assignment in &job.assignments {
			lines.push(format!(
				"  {:?} {}: {}",
				assignment.role,
				assignment.worker,
				if assignment.result.is_some() {
					"revealed"
				} else if assignment.commitment.is_some() {
					"committed"
				} else {
					"pending"
				}
			));
		}
		lines.join("\n")
	});
	Ok(())
}

async fn result(global: &Global, id: JobId, output: Option<PathBuf>) -> Outcome {
	let connection = connect(global).await?;
	let job = connection
		.job(id, None)
		.await?
		.ok_or_else(|| Failure::input(format!("there is no job {id} (or it was pruned)")))?;
	if job.state.is_running() {
		return Err(Failure::other(format!(
			"job {id} has no result yet: {} (wait with `povc job status {id}`)",
			describe_progress(&job)
		)));
	}
	finish(global, &connection, &job, output.as_deref()).await
}

async fn cancel(global: &Global, id: JobId) -> Outcome {
	let signer = signer(global)?;
	let connection = connect(global).await?;
	let inclusion = connection.execute(&signer, &povc::tx().jobs().cancel_job(id)).await?;
	let refunds = inclusion.find::<povc::jobs::events::EscrowRefunded>()?;
	let refunded: Balance = refunds.iter().map(|refund| refund.amount).sum();
	print(global.json, json!({ "job": id, "refunded": refunded.to_string() }), || {
		format!("cancelled job {id}; {} refunded", connection.token().format(refunded))
	});
	Ok(())
}

async fn list(
	global: &Global,
	account: Option<String>,
	after: Option<JobId>,
	limit: u32,
) -> Outcome {
	let who = account_of(global, account.as_deref())?;
	let connection = connect(global).await?;
	let ids = connection.jobs_by_requester(&who, after, Some(limit)).await?;
	let mut jobs = Vec::new();
	for id in ids {
		if let Some(job) = connection.job(id, None).await? {
			jobs.push(job);
		}
	}
	let json = serde_json::to_value(&jobs).map_err(|e| Failure::other(e.to_string()))?;
	print(global.json, json, || {
		if jobs.is_empty() {
			return "no jobs".into();
		}
		jobs.iter()
			.map(|job| format!("{:>6}  {}", job.id, describe_progress(job)))
			.collect::<Vec<_>>()
			.join("\n")
	});
	Ok(())
}

async fn submit_batch(global: &Global, args: BatchArgs) -> Outcome {
	let inputs = batch_inputs(&args)?;
	if inputs.is_empty() {
		return Err(Failure::input("the manifest has no inputs"));
	}
	std::fs::create_dir_all(&args.out_dir)
		.map_err(|e| Failure::input(format!("cannot create {}: {e}", args.out_dir.display())))?;
	let signer = signer(global)?;
	let connection = connect(global).await?;
	let params = &args.params;
	ensure_may_submit(&connection, &signer, params).await?;
	let (program_code, program_hash) = program_arg(&connection, &params.program).await?;
	let escrow = show_cost(global, &connection, params, inputs.len()).await?;
	ensure_funds(&connection, &signer, escrow, &fee_probe(params), "the jobs' escrow").await?;
	let program = match program_code {
		Some(code) => ensure_program(global, &connection, &signer, &code).await?.0,
		None => program_hash,
	};

	// One deadline for the whole batch. Send every chunk before waiting for any: they
	// land in the next block or two.
	let deadline = job_deadline(&connection, params).await?;
	let mut pending = Vec::new();
	for chunk in inputs.chunks(args.chunk.max(1)) {
		let mut calls = Vec::new();
		for (_, input) in chunk {
			let input = job_input(global, &connection, &signer, input.clone()).await?;
			let spec = spec(params, deadline, program, input);
			calls.push(povc::tx().jobs().submit_job(Static(spec)));
		}
		let batch = connection.batch_all(&calls).await?;
		pending.push(connection.send(&signer, &batch).await?);
	}
	let mut ids = Vec::new();
	for included in pending {
		let inclusion = included.finalized().await?;
		if let Some(error) = inclusion.error {
			return Err(Failure::other(format!(
				"a batch was refused ({error}); jobs submitted before it: {ids:?}"
			)));
		}
		ids.extend(submitted_ids(&inclusion)?);
	}
	progress(
		global.json,
		&format!(
			"submitted {} jobs in {} extrinsics: {ids:?}",
			ids.len(),
			inputs.len().div_ceil(args.chunk.max(1))
		),
	);

	let jobs = follow_all(global, &connection, &ids).await?;
	let mut results = Vec::new();
	let mut failed = 0;
	for ((name, _), job) in inputs.iter().zip(&jobs) {
		let output = match job.state.has_result() {
			true => connection.result(job.id).await?,
			false => None,
		};
		let file = output.as_ref().map(|bytes| {
			let path = args.out_dir.join(format!("{name}.out"));
			std::fs::write(&path, bytes).map(|()| path)
		});
		let file =
			file.transpose().map_err(|e| Failure::other(format!("cannot write an output: {e}")))?;
		failed += usize::from(file.is_none());
		results.push(json!({
			"name": name,
			"job": job.id,
			"state": job.state,
			"outputHash": job.result.map(|r| r.output_hash),
			"fuelUsed": job.result.map(|r| r.fuel_used),
			"output": file,
		}));
	}
	let summary = json!({ "jobs": results, "verified": jobs.len() - failed, "failed": failed });
	let summary_path = args.out_dir.join("results.json");
	std::fs::write(&summary_path, serde_json::to_vec_pretty(&summary).expect("JSON"))
		.map_err(|e| Failure::other(format!("cannot write {}: {e}", summary_path.display())))?;
	print(global.json, summary, || {
		format!(
			"{} of {} jobs verified; outputs and results.json in {}",
			jobs.len() - failed,
			jobs.len(),
			args.out_dir.display()
		)
	});
	if failed > 0 {
		return Err(Failure::not_verified(format!("{failed} jobs ended without a result")));
	}
	Ok(())
}

/// (name, input) of every job of the batch.
fn batch_inputs(args: &BatchArgs) -> Outcome<Vec<(String, Vec<u8>)>> {
	if let Some(manifest) = &args.manifest {
		let text = std::fs::read_to_string(manifest)
			.map_err(|e| Failure::input(format!("cannot read {}: {e}", manifest.display())))?;
		let lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).collect();
		let width = lines.len().to_string().len();
		return Ok(lines
			.iter()
			.enumerate()
			.map(|(i, line)| (format!("{:0width$}", i + 1), line.as_bytes().to_vec()))
			.collect());
	}
	let dir = args.inputs.as_ref().expect("clap requires --manifest or --inputs");
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

/// Poll all `ids` until every one settled, showing the count of each outcome.
async fn follow_all(global: &Global, connection: &Connection, ids: &[JobId]) -> Outcome<Vec<Job>> {
	let mut last = String::new();
	loop {
		let mut jobs = Vec::with_capacity(ids.len());
		for id in ids {
			jobs.push(
				connection
					.job(*id, None)
					.await?
					.ok_or_else(|| Failure::other(format!("job {id} is gone (pruned?)")))?,
			);
		}
		let open = jobs.iter().filter(|j| j.state.is_running()).count();
		let verified = jobs.iter().filter(|j| j.state.is_verified()).count();
		let line = format!(
			"batch: {verified} verified, {} ended otherwise, {open} running of {}",
			jobs.len() - open - verified,
			jobs.len()
		);
		if line != last {
			progress(global.json, &line);
			last = line;
		}
		if open == 0 {
			return Ok(jobs);
		}
		tokio::time::sleep(POLL * 2).await;
	}
}
