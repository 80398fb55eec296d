//! `povc-worker run`: follow best blocks, run assigned jobs, commit, reveal and publish
//! agreed outputs.
//!
//! The worker acts on best blocks, as the job market's phases count them: a finality
//! stall never keeps it from committing or revealing in time (it would be slashed for
//! silence). A reorg can take an assignment, a commitment or a reveal off the best chain;
//! what the new best chain still asks for and does not hold after [`RESEND_AFTER`] blocks
//! is sent again, from the same saved result and salt, and saved results are forgotten
//! only once a *finalized* block shows their job finished. Each result is saved to the
//! durable store before its commitment is sent, and each extrinsic is marked as sent
//! before it goes out, so after a crash or a lost connection the worker picks up where it
//! was without ever sending the same commitment or reveal twice while one is in flight.
//! An abstention is saved the same way, so a restart sends it again rather than run the
//! job again.

use std::{
	collections::{HashMap, HashSet},
	path::PathBuf,
	sync::{
		atomic::{AtomicU32, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};

use codec::{Decode, Encode};
use futures::FutureExt;
use pallet_jobs::{
	runtime_api::{InputView, OpenAssignment},
	ExecutionResult, JobState, Role,
};
use povc_client::{
	api::povc as chain_api,
	tx::Incompatible,
	types::{BlockNumber, Hash, Header},
};
use povc_primitives::{
	batch::{self, TaskOutput},
	JobId,
};
use rand::TryRng;
use tokio::sync::{watch, Notify, Semaphore};

use crate::{
	actions::{self, Action},
	chain::{Chain, Job},
	metrics::{povc, status_label, Metrics},
	modules::{JobParams, Programs},
	sandbox::{check_hash, time_limit_for, Abstention},
	store::{Execution, Sent, Store},
	Result,
};

/// A sent extrinsic that the best chain does not hold after this many blocks is sent
/// again (it was dropped, or its block was reorganised away).
const RESEND_AFTER: BlockNumber = 3;
/// What [`Worker::held`] calls an abstention.
const ABSTENTION: &str = "abstention";
/// Saved executions of jobs a finalized block shows finished are removed every this many
/// blocks.
const PRUNE_EVERY: BlockNumber = 20;
/// How often the status line is logged while jobs run.
const STATUS_EVERY: Duration = Duration::from_secs(30);
/// Blocks before the end of its commit phase by which a run must be over: time to
/// get the commitment into a block, with room for a resend after a reorg.
const COMMIT_MARGIN: BlockNumber = 5;
/// A run's time limit when neither `--max-run-seconds` nor the fuel limits it more.
const DEFAULT_MAX_RUN: Duration = Duration::from_secs(600);

/// How the worker runs.
#[derive(Clone, Debug)]
pub struct Options {
	/// The node's WebSocket URL.
	pub node: String,
	/// Where the durable state and compiled programs live.
	pub data_dir: PathBuf,
	/// Most jobs run at once.
	pub parallel: usize,
	/// Longest wall-clock time one run gets (less when its fuel predicts less, see
	/// `sandbox::time_limit_for`, or when its commit phase ends sooner); `None` is 600 s.
	pub max_run: Option<Duration>,
	/// Test-only: report a corrupted output (to test that liars are outvoted).
	pub corrupt_output: bool,
}

/// One (job, role) the worker has to act on; the role as `Role as u8`.
type Key = (JobId, u8);

fn key_of(assignment: &OpenAssignment<BlockNumber>) -> Key {
	(assignment.job, assignment.role as u8)
}

/// The running worker.
pub struct Worker {
	options: Options,
	signer: povc_client::keys::Signer,
	store: Arc<Store>,
	programs: Arc<Programs>,
	metrics: Metrics,
	slots: Arc<Semaphore>,
	/// Executions running now, with their start.
	running: Mutex<HashMap<Key, Instant>>,
	/// Committed assignments whose saved result is missing (logged once).
	lost: Mutex<HashSet<Key>>,
	/// Extrinsics the node holds, or included lately, by assignment and what they do
	/// ([`Action::name`], or "abstention").
	held: Mutex<HashMap<(Key, &'static str), Held>>,
	/// The spec version of the last runtime found to take what this worker sends (0:
	/// none checked yet).
	compatible_spec: AtomicU32,
	/// The number of the latest best block handled.
	best: AtomicU32,
	/// Notified when the chain's runtime no longer takes this worker's extrinsics.
	incompatible: Notify,
}

impl Worker {
	pub fn new(
		options: Options,
		signer: povc_client::keys::Signer,
		store: Store,
		programs: Programs,
		metrics: Metrics,
	) -> Arc<Self> {
		let slots = Arc::new(Semaphore::new(options.parallel.max(1)));
		Arc::new(Self {
			options,
			signer,
			store: Arc::new(store),
			programs: Arc::new(programs),
			metrics,
			slots,
			running: Mutex::default(),
			lost: Mutex::default(),
			held: Mutex::default(),
			compatible_spec: AtomicU32::new(0),
			best: AtomicU32::new(0),
			incompatible: Notify::new(),
		})
	}

	/// Follow the chain until `shutdown` turns true, reconnecting whenever the node goes
	/// away.
	pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
		tokio::spawn(self.clone().status_line());
		let mut backoff = Duration::from_secs(1);
		while !*shutdown.borrow() {
			match Chain::connect(&self.options.node, self.signer.clone()).await {
				Ok(chain) => {
					backoff = Duration::from_secs(1);
					tracing::info!(node = %self.options.node, "connected");
					if let Err(error) = self.follow(Arc::new(chain), &mut shutdown).await {
						tracing::warn!(%error, "lost the node; reconnecting");
					}
				},
				Err(error) => {
					tracing::warn!(%error, retry_in = ?backoff, "node unreachable");
					tokio::select! {
						_ = tokio::time::sleep(backoff) => {},
						_ = shutdown.changed() => {},
					}
					backoff = (backoff * 2).min(Duration::from_secs(30));
				},
			}
		}
	}

	/// Handle best blocks from one connection until it fails or shutdown.
	async fn follow(
		self: &Arc<Self>,
		chain: Arc<Chain>,
		shutdown: &mut watch::Receiver<bool>,
	) -> Result<()> {
		let mut heads = chain.best_heads().await?;
		let mut last: Option<BlockNumber> = None;
		loop {
			let mut header = tokio::select! {
				head = heads.next() => match head {
					Some(header) => header?,
					None => return Err("the best-heads subscription ended".into()),
				},
				_ = shutdown.changed() => return Ok(()),
			};
			// Heads that came while the last one was handled are already stale: acting on
			// their state would send again what a newer block holds (and pay for its
			// failure). Only the newest is handled; payments and slashes of the skipped
			// blocks are still counted.
			while let Some(Some(newer)) = heads.next().now_or_never() {
				header = newer?;
			}
			if let Err(error) = self.on_best(&chain, &header, last).await {
				if !chain.is_connected() {
					return Err(error);
				}
				tracing::warn!(%error, block = header.number, "could not handle a best block");
			}
			last = Some(header.number);
		}
	}

	async fn on_best(
		self: &Arc<Self>,
		chain: &Arc<Chain>,
		header: &Header,
		last: Option<BlockNumber>,
	) -> Result<()> {
		let (number, hash) = (header.number, header.hash());
		self.best.store(number, Ordering::Relaxed);
		self.check_runtime(chain, hash).await?;
		self.note_payments_and_slashes(chain, last, number).await?;
		let open = chain.assignments(hash).await?;
		for assignment in &open {
			match step(&self.store, assignment)? {
				Step::Run => self.start_execution(chain, assignment.clone(), hash, number),
				Step::Act(execution, action) => {
					self.act(chain, execution, assignment, number, action).await?
				},
				Step::Abstain(sent) => {
					if self.should_send(sent, assignment, number, ABSTENTION) {
						self.send_abstention(chain, assignment).await?;
					}
				},
				Step::Lost => {
					if self.lost.lock().expect("not poisoned").insert(key_of(assignment)) {
						tracing::error!(
							job = assignment.job,
							"committed, but the saved result is gone (was the data dir \
							 replaced?): cannot reveal"
						);
					}
				},
			}
		}
		if number % PRUNE_EVERY == 0 {
			self.prune(chain, &open).await?;
		}
		Ok(())
	}

	/// Check each new runtime version once, before anything runs under it: at an
	/// incompatible one, wake [`Worker::incompatible`] and handle nothing more.
	async fn check_runtime(&self, chain: &Chain, at: Hash) -> Result<()> {
		let spec = chain.spec_version(at).await?;
		if self.compatible_spec.load(Ordering::Relaxed) == spec {
			return Ok(());
		}
		if let Err(error) = actions::check_compatible(chain, at).await {
			self.note_incompatible(&error);
			return Err(error);
		}
		self.compatible_spec.store(spec, Ordering::Relaxed);
		Ok(())
	}

	/// Run the job in the background (if it is not running already), then commit.
	fn start_execution(
		self: &Arc<Self>,
		chain: &Arc<Chain>,
		assignment: OpenAssignment<BlockNumber>,
		at: Hash,
		best: BlockNumber,
	) {
		let key = key_of(&assignment);
		if self.running.lock().expect("not poisoned").insert(key, Instant::now()).is_some() {
			return;
		}
		// The run must be over in time for its commitment to land before the phase ends.
		let blocks_left = assignment.phase_ends.saturating_sub(best + COMMIT_MARGIN);
		let commit_by = Instant::now() + chain.block_time() * blocks_left;
		let (worker, chain) = (self.clone(), chain.clone());
		tokio::spawn(async move {
			let outcome = match worker.execute(&chain, &assignment, at, commit_by).await {
				Ok(Ok(execution)) => {
					worker.act(&chain, execution, &assignment, best, Action::Commit).await
				},
				Ok(Err(abstention)) => worker.abstain(&chain, &assignment, abstention).await,
				Err(error) => Err(error),
			};
			// Only now: until the result is saved, a running entry keeps the next blocks
			// from starting the same execution again.
			worker.running.lock().expect("not poisoned").remove(&key);
			if let Err(error) = outcome {
				worker.metrics.failures.with_label_values(&["execute"]).inc();
				tracing::warn!(job = key.0, %error, "could not run the job; retrying at the next block");
			}
		});
	}

	/// Fetch and run one assignment (`act` saves the result before committing), or say
	/// why the worker abstains: the run would end after `commit_by` or beyond the time its
	/// fuel predicts, the host failed, or a blob is not what the chain says.
	async fn execute(
		self: &Arc<Self>,
		chain: &Chain,
		assignment: &OpenAssignment<BlockNumber>,
		at: Hash,
		commit_by: Instant,
	) -> Result<Result<Execution, Abstention>> {
		let _slot = self.slots.clone().acquire_owned().await?;
		let job = chain.job(assignment.job, at).await?.ok_or("the job is gone")?;
		let params = job_params(&job);
		let code = match self.programs.is_cached(job.program) {
			true => None,
			false => Some(chain.program(job.program, at).await?),
		};
		let input = chain.input(&job, at).await?;
		if let InputView::Blob(hash) = &job.input {
			if let Err(tampered) = check_hash("input", &input, hash.0) {
				return Ok(Err(tampered));
			}
		}
		let max_run = self.options.max_run.unwrap_or(DEFAULT_MAX_RUN);
		let time_left = commit_by.saturating_duration_since(Instant::now());
		let work = batch::work_fuel(job.tasks, job.fuel_limit);
		let time_limit = time_limit_for(work, max_run.min(time_left));
		if time_limit.is_zero() {
			return Ok(Err(Abstention::TimedOut { limit: time_limit }));
		}
		tracing::info!(job = job.id, role = ?assignment.role, fuel_limit = job.fuel_limit, "running");
		let started = Instant::now();
		self.metrics.running.inc();
		let programs = self.programs.clone();
		let outcome = tokio::task::spawn_blocking(move || {
			let evicted = || crate::Error::from("the compiled program was evicted");
			programs.run(&params, || code.ok_or_else(evicted), &input, time_limit)
		})
		.await;
		self.metrics.running.dec();
		let mut outcome = match outcome?? {
			Ok(outcome) => outcome,
			Err(abstention) => return Ok(Err(abstention)),
		};
		self.metrics.jobs_run.with_label_values(&[status_label(&outcome.status)]).inc();
		self.metrics.fuel_used.inc_by(outcome.fuel_used);
		if self.options.corrupt_output {
			corrupt(&mut outcome.output, job.tasks);
		}
		let (output_hash, _) = batch::output_digest(job.tasks, job.max_output_len, &outcome.output)
			.ok_or("this worker's batch output does not decode")?;
		let result =
			ExecutionResult { output_hash, fuel_used: outcome.fuel_used, status: outcome.status };
		tracing::info!(
			job = job.id,
			status = ?result.status,
			fuel = result.fuel_used,
			took = ?started.elapsed(),
			output_hash = ?result.output_hash,
			"ran"
		);
		let mut salt = [0u8; 32];
		rand::rngs::SysRng
			.try_fill_bytes(&mut salt)
			.map_err(|e| format!("no randomness from the OS for the salt: {e}"))?;
		let execution = Execution {
			job: job.id,
			role: assignment.role,
			result,
			salt,
			output: outcome.output,
			commit_sent: None,
			reveal_sent: None,
		};
		Ok(Ok(execution))
	}

	/// Tell the chain that this worker gives no result for the assignment. An abstention
	/// costs reputation, never bond; a commitment to a result the worker cannot vouch for
	/// could cost the bond.
	async fn abstain(
		self: &Arc<Self>,
		chain: &Arc<Chain>,
		assignment: &OpenAssignment<BlockNumber>,
		abstention: Abstention,
	) -> Result<()> {
		tracing::warn!(job = assignment.job, role = ?assignment.role, %abstention, "abstaining");
		self.metrics.jobs_run.with_label_values(&["abstained"]).inc();
		self.send_abstention(chain, assignment).await
	}

	/// Send the abstention from `assignment`, saved (with when it was sent) before it
	/// leaves: a restart sends it again, after `RESEND_AFTER` blocks, instead of running
	/// the job again. If the node drops it, the next block sends it again.
	async fn send_abstention(
		self: &Arc<Self>,
		chain: &Arc<Chain>,
		assignment: &OpenAssignment<BlockNumber>,
	) -> Result<()> {
		let (job, role) = (assignment.job, assignment.role);
		let at_block = self.best.load(Ordering::Relaxed);
		let sent = Sent { phase_ends: assignment.phase_ends, at_block };
		self.store.put_abstention(job, role, Some(sent))?;
		self.set_held(job, role, ABSTENTION, Some(Held::InPool));
		let included = match chain.send(&chain_api::tx().jobs().abstain(job)).await {
			Ok(included) => included,
			Err(error) => {
				self.set_held(job, role, ABSTENTION, None);
				self.store.put_abstention(job, role, None)?;
				self.note_incompatible(&error);
				return Err(format!("the node refused the abstention: {error}").into());
			},
		};
		let worker = self.clone();
		tokio::spawn(async move {
			let included = included.in_block().await;
			worker.note_outcome(job, role, ABSTENTION, included.is_ok());
			let store = &worker.store;
			match included {
				Ok(inclusion) => match inclusion.error {
					None => tracing::info!(job, block = ?inclusion.block, "abstention included"),
					Some(error) => tracing::warn!(job, %error, "abstention failed on chain"),
				},
				Err(error) => {
					tracing::warn!(job, %error, "abstention not included; will send again");
					if let Err(error) = store.put_abstention(job, role, None) {
						tracing::error!(job, %error, "cannot update the worker state");
					}
				},
			}
		});
		Ok(())
	}

	/// Send the commitment or reveal of `execution`, unless one sent in this phase may
	/// still land.
	async fn act(
		self: &Arc<Self>,
		chain: &Arc<Chain>,
		mut execution: Execution,
		assignment: &OpenAssignment<BlockNumber>,
		best: BlockNumber,
		action: Action,
	) -> Result<()> {
		let sent = match action {
			Action::Commit => &mut execution.commit_sent,
			// The publishing phase has its own end, so a reveal's mark never holds it back.
			Action::Reveal | Action::Publish | Action::PublishOwn => &mut execution.reveal_sent,
		};
		if !self.should_send(*sent, assignment, best, action.name()) {
			return Ok(());
		}
		*sent = Some(Sent { phase_ends: assignment.phase_ends, at_block: best });
		// Synced to disk before the extrinsic leaves: a commitment we cannot open later
		// costs the bond, and the mark keeps a restart from sending it twice.
		self.store.put(&execution)?;
		self.send(chain, execution, action).await
	}

	/// Whether to send `what` for `assignment` now: not if one sent in this phase may
	/// still land ([`send_due`]).
	fn should_send(
		&self,
		sent: Option<Sent>,
		assignment: &OpenAssignment<BlockNumber>,
		best: BlockNumber,
		what: &'static str,
	) -> bool {
		let held = self.held(assignment.job, assignment.role, what);
		let due = send_due(sent, held, assignment.phase_ends, best);
		if due && sent.is_some_and(|sent| sent.phase_ends == assignment.phase_ends) {
			tracing::warn!(job = assignment.job, "still not on chain; sending again");
		}
		due
	}

	fn held(&self, job: JobId, role: Role, what: &'static str) -> Option<Held> {
		self.held.lock().expect("not poisoned").get(&((job, role as u8), what)).copied()
	}

	fn set_held(&self, job: JobId, role: Role, what: &'static str, held: Option<Held>) {
		let mut all = self.held.lock().expect("not poisoned");
		match held {
			Some(held) => all.insert(((job, role as u8), what), held),
			None => all.remove(&((job, role as u8), what)),
		};
	}

	/// The node included (`true`) or dropped what it held.
	fn note_outcome(&self, job: JobId, role: Role, what: &'static str, included: bool) {
		let landed = Held::Landed(self.best.load(Ordering::Relaxed));
		self.set_held(job, role, what, included.then_some(landed));
	}

	/// Send `action` for `execution`; follow it in the background. If the node drops it,
	/// clear the sent mark so the next block sends it again.
	async fn send(
		self: &Arc<Self>,
		chain: &Arc<Chain>,
		execution: Execution,
		action: Action,
	) -> Result<()> {
		let (job, role) = (execution.job, execution.role);
		self.set_held(job, role, action.name(), Some(Held::InPool));
		let included = match action.send(chain, &execution).await {
			Ok(included) => included,
			Err(error) => {
				self.set_held(job, role, action.name(), None);
				self.clear_sent(job, role, action);
				self.metrics.failures.with_label_values(&["submit"]).inc();
				self.note_incompatible(&error);
				return Err(format!("the node refused the {}: {error}", action.name()).into());
			},
		};
		tracing::info!(job, role = ?role, "{} sent", action.name());
		let worker = self.clone();
		tokio::spawn(async move {
			let included = included.in_block().await;
			worker.note_outcome(job, role, action.name(), included.is_ok());
			match included {
				Ok(inclusion) => match inclusion.error {
					None => {
						worker.metrics.extrinsics.with_label_values(&[action.name()]).inc();
						tracing::info!(job, block = ?inclusion.block, "{} included", action.name());
					},
					Some(error) => {
						worker.metrics.failures.with_label_values(&["rejected"]).inc();
						tracing::warn!(job, %error, "{} failed on chain", action.name());
					},
				},
				Err(error) => {
					worker.clear_sent(job, role, action);
					tracing::warn!(job, %error, "{} not included; will send again", action.name());
				},
			}
		});
		Ok(())
	}

	/// If `error` says the chain's runtime no longer takes what this worker sends (an
	/// incompatible upgrade), wake [`Worker::incompatible`]: the worker stops rather than
	/// keep failing every block. Its saved results stay for the updated worker.
	fn note_incompatible(&self, error: &crate::Error) {
		if let Some(incompatible) = error.downcast_ref::<Incompatible>() {
			tracing::error!(%incompatible, "stopping: update povc-worker");
			self.incompatible.notify_one();
		}
	}

	/// Resolves once an extrinsic was refused because the chain's runtime is incompatible
	/// with this worker.
	pub async fn incompatible(&self) {
		self.incompatible.notified().await
	}

	fn clear_sent(&self, job: JobId, role: Role, action: Action) {
		if let Ok(Some(mut execution)) = self.store.get(job, role) {
			match action {
				Action::Commit => execution.commit_sent = None,
				Action::Reveal | Action::Publish | Action::PublishOwn => {
					execution.reveal_sent = None
				},
			}
			if let Err(error) = self.store.put(&execution) {
				tracing::error!(job, %error, "cannot update the worker state");
			}
		}
	}

	/// Forget saved executions and abstentions of jobs that no longer need this worker.
	async fn prune(&self, chain: &Chain, open: &[OpenAssignment<BlockNumber>]) -> Result<()> {
		// What landed long enough ago no longer holds anything back.
		let best = self.best.load(Ordering::Relaxed);
		self.held.lock().expect("not poisoned").retain(|_, held| match held {
			Held::InPool => true,
			Held::Landed(at) => best < *at + RESEND_AFTER,
		});
		let finalized = chain.finalized_hash().await?;
		let executions = self.store.all()?.into_iter().map(|e| (e.job, e.role));
		for (job, role) in executions.chain(self.store.all_abstentions()?) {
			if open.iter().any(|a| a.job == job && a.role == role) {
				continue;
			}
			let state = chain.job(job, finalized).await?.map(|view| view.state);
			if !still_needed(state) {
				self.store.remove(job, role)?;
				tracing::debug!(job, "forgot a finished job");
			}
		}
		Ok(())
	}

	/// Count payments and slashes of this worker in blocks after `last` up to `number`.
	async fn note_payments_and_slashes(
		&self,
		chain: &Chain,
		last: Option<BlockNumber>,
		number: BlockNumber,
	) -> Result<()> {
		// After (re)connecting only the newest block: older ones were counted or predate us.
		let first = last.map_or(number, |last| (last + 1).max(number.saturating_sub(256)));
		for block in first..=number {
			let Some(hash) = chain.block_hash(block).await? else { continue };
			let events = chain.events(hash).await?;
			let me: &[u8; 32] = chain.account().as_ref();
			// Events this worker does not know (a runtime upgrade may add some) are skipped.
			for paid in events.find::<chain_api::jobs::events::WorkerPaid>() {
				let paid = paid?;
				if paid.worker.0 == *me {
					self.metrics.earnings.inc_by(povc(paid.amount));
					let amount = chain.token().format(paid.amount);
					tracing::info!(job = paid.job, %amount, "paid");
				}
			}
			for slashed in events.find::<chain_api::workers::events::Slashed>() {
				let slashed = slashed?;
				if slashed.who.0 == *me {
					self.metrics.slashed.inc_by(povc(slashed.amount));
					self.metrics.failures.with_label_values(&["slashed"]).inc();
					let amount = chain.token().format(slashed.amount);
					tracing::warn!(offence = ?slashed.offence, %amount, "slashed");
				}
			}
		}
		Ok(())
	}

	/// Log what is running every `STATUS_EVERY` while something runs.
	async fn status_line(self: Arc<Self>) {
		loop {
			tokio::time::sleep(STATUS_EVERY).await;
			let running: Vec<String> = self
				.running
				.lock()
				.expect("not poisoned")
				.iter()
				.map(|((job, _), started)| {
					format!("job {job} for {}s", started.elapsed().as_secs())
				})
				.collect();
			if !running.is_empty() {
				tracing::info!(running = %running.join(", "), "status");
			}
		}
	}

	/// Wait (up to `grace`) for running executions to finish and save their results.
	pub async fn drain(&self, grace: Duration) {
		let deadline = Instant::now() + grace;
		while !self.running.lock().expect("not poisoned").is_empty() && Instant::now() < deadline {
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
	}
}

/// Whether a saved execution (or abstention) is still needed, from its job's state in a
/// finalized block (`None`: that block does not know the job yet): until that block shows
/// the job finished, which no reorg undoes. Not by whether the worker is assigned in that
/// block: a job drawn after it is still queued there, and a replica that committed since
/// has nothing to do (so nothing open) until the others commit. Forgetting its result
/// then left it unable to reveal, slashed `NoReveal` although honest: under load, with
/// finality two or three blocks behind, that slashed the bench's workers below their
/// minimum bond and stalled the market.
fn still_needed(finalized: Option<JobState>) -> bool {
	finalized.is_none_or(|state| state.is_open())
}

/// What the worker does next for an open assignment, from what its store holds.
#[derive(Debug, PartialEq, Eq)]
enum Step {
	/// Run the job: nothing is saved for it.
	Run,
	/// Send the commitment, reveal or output of the saved execution (unless one sent may
	/// still land).
	Act(Execution, Action),
	/// Send the saved abstention again (unless the one sent may still land).
	Abstain(Option<Sent>),
	/// Committed, but the saved result is gone.
	Lost,
}

fn step(store: &Store, assignment: &OpenAssignment<BlockNumber>) -> Result<Step> {
	let (job, role) = (assignment.job, assignment.role);
	Ok(match (assignment.committed, store.get(job, role)?) {
		(true, Some(execution)) => match assignment.state {
			JobState::Publishing => Step::Act(execution, Action::Publish),
			JobState::Narrowing => Step::Act(execution, Action::PublishOwn),
			_ => Step::Act(execution, Action::Reveal),
		},
		(true, None) => Step::Lost,
		(false, Some(execution)) => Step::Act(execution, Action::Commit),
		(false, None) => match store.abstention(job, role)? {
			Some(sent) => Step::Abstain(sent),
			None => Step::Run,
		},
	})
}

/// Where an extrinsic the worker sent is, as far as the node told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Held {
	/// In the node's pool: full blocks delay it, it was not lost.
	InPool,
	/// In a block, seen while the worker's best block was this one.
	Landed(BlockNumber),
}

/// Whether to send something for an assignment whose phase ends at `phase_ends`, seen at
/// best block `best`: never after the phase, else if nothing was sent in this phase, or
/// the best chain still lacks what was sent `RESEND_AFTER` blocks after it left and after
/// it landed (dropped, or its block reorganised away). Never while the node holds it:
/// sending it again would land too, fail and pay its fee (under load, thousands did).
fn send_due(
	sent: Option<Sent>,
	held: Option<Held>,
	phase_ends: BlockNumber,
	best: BlockNumber,
) -> bool {
	if best > phase_ends {
		return false;
	}
	match sent {
		Some(sent) if sent.phase_ends == phase_ends => match held {
			Some(Held::InPool) => false,
			Some(Held::Landed(at)) => best >= at.max(sent.at_block) + RESEND_AFTER,
			None => best >= sent.at_block + RESEND_AFTER,
		},
		_ => true,
	}
}

/// What a run of `job` depends on.
/// Test-only lie: one more byte of output, or in a batch one wrong task (its first, whose
/// output gets that byte: its fuel, and so the batch's, stays true, a lie it can publish).
fn corrupt(output: &mut Vec<u8>, tasks: u32) {
	if tasks <= 1 {
		output.push(b'!');
		return;
	}
	let Ok(mut results) = Vec::<TaskOutput>::decode(&mut &output[..]) else { return };
	if let Some(first) = results.first_mut() {
		first.output.push(b'!');
	}
	*output = results.encode();
}

pub fn job_params(job: &Job) -> JobParams {
	JobParams {
		id: job.id,
		program: job.program,
		tasks: job.tasks,
		fuel_limit: job.fuel_limit,
		max_output_len: job.max_output_len,
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn committing(job: JobId) -> OpenAssignment<BlockNumber> {
		OpenAssignment {
			job,
			role: Role::Replica,
			state: JobState::Committing,
			committed: false,
			phase_ends: 50,
		}
	}

	/// The bad luck this answers (no attacker needed): a replica drawn after the finalized
	/// block committed and waited for the others; pruning saw the job queued in the finalized
	/// block, without the replica among its workers, and forgot its result, so the honest
	/// replica could not reveal and was slashed. Only a job the finalized chain shows
	/// finished is forgotten.
	#[test]
	fn a_result_is_kept_until_the_finalized_chain_shows_its_job_finished() {
		for open in [JobState::Queued, JobState::Committing, JobState::Revealing] {
			assert!(still_needed(Some(open)), "{open:?}");
		}
		assert!(still_needed(None), "a job the finalized chain does not know yet");
		for finished in [
			JobState::Verified,
			JobState::Unverified,
			JobState::Cancelled,
			JobState::Failed(pallet_jobs::FailureReason::Disputed),
		] {
			assert!(!still_needed(Some(finished)), "{finished:?}");
		}
	}

	/// The waste this answers (load, no attacker): under full blocks a commitment waited in
	/// the pool more than `RESEND_AFTER` blocks, so the worker sent it again; both landed and
	/// the second failed `WrongPhase`, paying its fee (2,855 resends by one worker in a
	/// 3,000-job bench). While the node holds it, nothing is sent again; once it is dropped
	/// or its block is gone, it is.
	#[test]
	fn nothing_is_sent_again_while_the_node_holds_it() {
		let sent = Some(Sent { phase_ends: 50, at_block: 10 });
		let pool = Some(Held::InPool);
		assert!(send_due(None, None, 50, 10), "nothing sent yet");
		assert!(!send_due(sent, None, 50, 12), "it may still land");
		assert!(!send_due(sent, pool, 50, 30), "the node holds it: full blocks delay it");
		assert!(send_due(sent, None, 50, 13), "dropped, not on chain: sent again");
		// Landed at 20 after waiting in the pool, while the worker handled an older head.
		let landed = Some(Held::Landed(20));
		assert!(!send_due(sent, landed, 50, 21), "its block is newer than the state seen");
		assert!(send_due(sent, landed, 50, 23), "its block was reorganised away");
		assert!(!send_due(sent, None, 50, 51), "the phase is over");
		let earlier = Some(Sent { phase_ends: 40, at_block: 10 });
		assert!(send_due(earlier, pool, 50, 11), "sent in an earlier phase");
	}

	/// The bad luck this answers: a worker restarted before its abstention landed found
	/// nothing saved for the job and ran it again (a compile bomb: another minute of CPU,
	/// and another abstention). The abstention is saved before it is sent, so after a
	/// restart the worker sends it again and never runs the job.
	#[test]
	fn an_abstention_outlives_a_restart() {
		let dir = tempfile::tempdir().unwrap();
		let sent = Sent { phase_ends: 50, at_block: 12 };
		{
			let store = Store::open(dir.path()).unwrap();
			assert_eq!(step(&store, &committing(7)).unwrap(), Step::Run);
			store.put_abstention(7, Role::Replica, Some(sent)).unwrap();
		}
		let store = Store::open(dir.path()).unwrap();
		assert_eq!(step(&store, &committing(7)).unwrap(), Step::Abstain(Some(sent)));
		assert_eq!(step(&store, &committing(8)).unwrap(), Step::Run, "other jobs still run");
	}
}
