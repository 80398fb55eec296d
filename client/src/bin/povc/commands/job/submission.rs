//! What `job submit` and `job submit-batch` share: the job parameters, the checks made
//! before anything is signed, the cost, and each job's spec.

use std::path::Path;

use clap::Args;
use pallet_jobs::{BlobKind, JobInput, JobSpec};
use povc_client::{
	api::{povc, JobSpec as Spec, Unbounded},
	connection::Connection,
	tx::Inclusion,
	types::{Balance, BlockNumber},
};
use povc_primitives::JobId;
use sp_core::{crypto::Ss58Codec, H256};
use sp_runtime::Permill;
use subxt::utils::Static;

use crate::{
	blobs::{ensure_program, read_program},
	context::Context,
	failure::{Failure, Outcome},
};

/// Blocks a job may take by default (2 hours of 6 s blocks).
const DEFAULT_LIFETIME: BlockNumber = 1_200;

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
	pub fuel: u64,
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
	/// Largest output in bytes (of each task, in a batch). Default: 65,536 bytes, or in
	/// a batch as much as the chain's output limit leaves each task.
	#[arg(long)]
	pub max_output: Option<u32>,
}

impl JobParams {
	/// The price per fuel: 0 for volunteer work.
	fn price(&self) -> Balance {
		self.price.unwrap_or(0)
	}

	/// A single job's output limit.
	pub fn single_max_output(&self) -> u32 {
		self.max_output.unwrap_or(DEFAULT_MAX_OUTPUT)
	}
}

/// A single job's output limit when `--max-output` is not given.
pub const DEFAULT_MAX_OUTPUT: u32 = 65_536;

/// The program of `--program`.
pub enum Program {
	/// A file's code, checked as the chain will check it.
	Code(Vec<u8>),
	/// The hash of a program the chain has.
	Stored(H256),
}

/// Refuses, before anything is signed, a price-0 submission from an account that is not
/// an approved volunteer project: the chain would refuse it (`NotAProject`).
pub async fn ensure_may_submit(context: &Context, params: &JobParams) -> Outcome {
	let account = context.signer()?.account();
	if params.price() != 0 || context.connection().await?.is_project(account).await? {
		return Ok(());
	}
	Err(Failure::input(format!(
		"{} is not an approved volunteer project: jobs at price 0 (--volunteer) come only from \
		 projects that governance approved (see `povc project list`); pay with --price instead",
		account.to_ss58check()
	)))
}

/// `--program`: a file (its code, checked) or the hash of a stored program.
pub async fn program_arg(connection: &Connection, params: &JobParams) -> Outcome<Program> {
	let program = &params.program;
	let path = Path::new(program);
	if !path.exists() && program.starts_with("0x") {
		let hash: H256 = program.parse().map_err(|_| {
			Failure::input(format!("{program:?} is neither a file nor a program hash"))
		})?;
		if !connection.blob_exists(BlobKind::Program, hash).await? {
			return Err(Failure::input(format!(
				"unknown program {program}: upload it (povc program upload FILE.wasm) or pass \
				 the .wasm file"
			)));
		}
		return Ok(Program::Stored(hash));
	}
	Ok(Program::Code(read_program(connection, path).await?))
}

/// The hash of `program`, uploading its code if the chain lacks it.
pub async fn store_program(context: &Context, program: Program) -> Outcome<H256> {
	match program {
		Program::Code(code) => Ok(ensure_program(context, &code).await?.0),
		Program::Stored(hash) => Ok(hash),
	}
}

/// Print what `count` jobs with `params`, of `tasks` tasks of at most `max_output` bytes
/// each, cost; returns their total escrow.
pub async fn show_cost(
	context: &Context,
	params: &JobParams,
	count: usize,
	tasks: usize,
	max_output: u32,
) -> Outcome<Balance> {
	let connection = context.connection().await?;
	let token = connection.token();
	let (fuel, price) = (params.fuel, params.price());
	let estimate = match connection
		.estimate_cost(fuel, tasks as u32, params.replicas, price, max_output)
		.await
	{
		Ok(estimate) => estimate,
		// The chain's own rule (`PriceBelowFloor`), explained with its floor.
		Err(e) if e.to_string().contains("PriceBelowFloor") => {
			let floor = connection.constant(povc::constants().jobs().min_replica_payment()).await?;
			let offered =
				Balance::from(fuel).saturating_mul(price).saturating_mul(tasks as Balance);
			let tasks = if tasks > 1 { format!(" × {tasks} tasks") } else { String::new() };
			return Err(Failure::input(format!(
				"--fuel × --price{tasks} offers each replica {}, less than the chain's price floor \
				 of {} (what a replica's calls would cost in fees): raise --price or --fuel",
				token.format(offered),
				token.format(floor)
			)));
		},
		Err(e) => {
			return Err(Failure::input(format!("the chain refuses these job parameters: {e}")))
		},
	};
	let total = estimate.escrow.saturating_mul(count as Balance);
	let jobs = match (count, tasks) {
		(1, 1) => "the job".to_string(),
		(1, tasks) => format!("the batch job of {tasks} tasks"),
		(count, _) => format!("{count} jobs"),
	};
	context.progress(&format!(
		"cost of {jobs}: escrow {} held until settlement; per job at most {} paid to workers, \
		 {} to referees if disputed (of all that, at most {} burned), {} result deposit \
		 (refunded when cleared) and {} queue allowance (a fee per block the job waits for \
		 its workers is burned from it; the rest is released when they are drawn)",
		token.format(total),
		token.format(estimate.max_payment),
		token.format(estimate.dispute_fee),
		token.format(estimate.max_burn),
		token.format(estimate.max_result_deposit),
		token.format(estimate.max_queue_fee)
	));
	Ok(total)
}

/// `--deadline`, or `DEFAULT_LIFETIME` blocks from now.
pub async fn job_deadline(context: &Context, params: &JobParams) -> Outcome<BlockNumber> {
	match params.deadline {
		Some(deadline) => Ok(deadline),
		None => Ok(context.connection().await?.best_number().await? + DEFAULT_LIFETIME),
	}
}

/// The spec of one job of the submission: `tasks` tasks (1: a single run) of at most
/// `max_output` bytes of output each.
pub fn spec(
	params: &JobParams,
	deadline: BlockNumber,
	program: H256,
	input: JobInput<Unbounded>,
	tasks: u32,
	max_output: u32,
) -> Spec {
	JobSpec {
		program,
		input,
		tasks,
		fuel_limit: params.fuel,
		replicas: params.replicas,
		price_per_fuel: params.price(),
		deadline,
		min_reputation: Permill::zero(),
		max_output_len: max_output,
	}
}

/// A `submit_job` like the ones to be sent, to quote their fee before the program and
/// input are uploaded (the fee depends on the weight and length, not on which program).
pub fn fee_probe(params: &JobParams) -> impl subxt::tx::Payload {
	let input = JobInput::Inline(Default::default());
	let spec = spec(params, 0, H256::zero(), input, 1, params.single_max_output());
	povc::tx().jobs().submit_job(Static(spec))
}

/// Ids of the jobs an extrinsic submitted, in order.
pub fn submitted_ids(inclusion: &Inclusion) -> Outcome<Vec<JobId>> {
	let submitted = inclusion.find::<povc::jobs::events::JobSubmitted>()?;
	Ok(submitted.into_iter().map(|event| event.job).collect())
}
