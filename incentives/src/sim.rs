//! One simulated market: honest and attacking requesters and workers acting on the real
//! runtime block by block until every job submitted has ended.
//!
//! About 800 lines: the block loop and the moves of every actor, which all read and change
//! the same market state.

use crate::{
	behaviour::{self, JobView, Plan, Truth},
	scenario::{Scenario, Strategy, REROLL_BONDS, WORKERS},
	tally::Tally,
	world::{self, BlockNumber, BOND, CAPACITY, ENDOWMENT},
};
use codec::Encode;
use frame_support::{
	storage::{with_transaction, TransactionOutcome},
	traits::Get,
	BoundedVec,
};
use pallet_jobs::{Assignment, JobInput, JobSpec, JobState, Role};
use povc_primitives::{referee_commitment, result_commitment, ExecutionStatus, Fuel, JobId};
use povc_runtime::{AccountId, Balance, Povc, Runtime, RuntimeEvent, RuntimeOrigin};
use sp_core::H256;
use sp_runtime::{DispatchError, MultiAddress, Permill};
use std::collections::{BTreeMap, BTreeSet};

/// Jobs honest requesters submit per block.
const HONEST_JOBS_PER_BLOCK: u32 = 4;
/// Every job's fuel limit; an honest run uses between a quarter and three quarters of it.
const FUEL_LIMIT: Fuel = 4_000_000;
/// Planck per unit of fuel: a job pays its replicas about 0.8 POVC each, from a quarter of
/// its fuel limit on above the runtime's price floor (0.4 POVC), which is then never what
/// a run is paid.
const PRICE_PER_FUEL: Balance = 400_000;
/// Blocks a simulation may run past its last submission before it gives up on the jobs
/// still open: a day, more than any job's rounds and disputes take.
const DRAIN_BLOCKS: BlockNumber = 14_400;
/// The class Root allows for the `own-class` attacker, whose workers alone register in it.
const ATTACKER_CLASS: &str = "wasmtime-48.0.8/attacker";

/// What a job is, as the simulation knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
	/// Exits 0 with an output.
	Normal,
	/// Traps after writing part of its output.
	Trap,
	/// Uses all its fuel.
	OutOfFuel,
	/// Exits 0 with no output (nothing to publish).
	Empty,
	/// Runs longer than the commit period: every honest worker abstains.
	SleepBomb,
}

struct JobMeta {
	attacker_job: bool,
	truth: Option<Truth>,
	submitted: BlockNumber,
	/// Its replicas were drawn.
	drawn: bool,
}

/// A registry change a re-rolling attacker tries against the next block's draws.
#[derive(Clone, Debug)]
enum Variant {
	BondMore(AccountId, Balance),
	/// Pause the worker if it is active, resume it if paused.
	TogglePause(AccountId),
}

/// A worker's commitment, kept to reveal it.
struct Committed {
	claim: Truth,
	withhold: bool,
	salt: [u8; 32],
	/// Fuel it really ran (0: it committed without running the job).
	ran: Fuel,
}

pub struct Sim {
	scenario: Scenario,
	seed: u64,
	attackers: BTreeSet<AccountId>,
	honest_workers: Vec<AccountId>,
	honest_requesters: Vec<AccountId>,
	attacker_requester: AccountId,
	honest_validators: Vec<AccountId>,
	attacker_validator: AccountId,
	program: H256,
	jobs: BTreeMap<JobId, JobMeta>,
	open: BTreeSet<JobId>,
	commitments: BTreeMap<(JobId, AccountId, u8), Committed>,
	submitted: u64,
	issuance_ceiling: Balance,
	/// What the re-rolling attacker's trial predicted for the next block: jobs open with
	/// every replica its own once that block's draws are made.
	predicted: Option<u64>,
	/// Balances and scores when the simulation started, to measure what each side spent
	/// and earned.
	start: (i128, i128, u128, u128),
	tally: Tally,
}

impl Sim {
	/// Sets up the market on the local-testnet genesis: `WORKERS` equally bonded workers,
	/// each contributing to (and accepted as referee by) a validator: the attacker's to
	/// Dave, the honest ones to Alice, Bob and Charlie. Honest workers are of the release
	/// class and declare `CAPACITY` slots; the attacker's too, except that `own-class`
	/// registers them in a class of their own and `over-declare` declares `MaxCapacity`.
	/// Every registration is in the draws from the first block (`activate_all_now`), as if
	/// made long before.
	pub fn new(scenario: Scenario, seed: u64) -> Sim {
		let (honest_validators, attacker_validator) = world::validators();
		let workers: Vec<AccountId> = (0..WORKERS).map(|i| world::account("worker", i)).collect();
		let attackers: BTreeSet<AccountId> =
			workers.iter().take(scenario.attacker_workers as usize).cloned().collect();
		let honest_workers: Vec<AccountId> =
			workers.iter().filter(|w| !attackers.contains(*w)).cloned().collect();
		let honest_requesters: Vec<AccountId> =
			(0..3).map(|i| world::account("requester", i)).collect();
		let attacker_requester = world::account("attacker-requester", 0);
		let class = |name: &str| -> pallet_workers::ClassOf<Runtime> {
			name.as_bytes().to_vec().try_into().expect("short")
		};
		let honest_class = class(povc_primitives::RELEASE_CLASSES[0]);
		let attacker_class = if scenario.strategy == Strategy::OwnClass {
			pallet_workers::Pallet::<Runtime>::allow_class(
				RuntimeOrigin::root(),
				class(ATTACKER_CLASS),
			)
			.expect("room for a second class");
			class(ATTACKER_CLASS)
		} else {
			honest_class.clone()
		};
		let attacker_capacity = if scenario.strategy == Strategy::OverDeclare {
			<Runtime as pallet_workers::Config>::MaxCapacity::get()
		} else {
			CAPACITY
		};

		for who in workers.iter().chain(&honest_requesters).chain([&attacker_requester]) {
			world::endow(who, ENDOWMENT);
		}
		for (i, worker) in workers.iter().enumerate() {
			let (validator, capacity, class) = if attackers.contains(worker) {
				(attacker_validator.clone(), attacker_capacity, attacker_class.clone())
			} else {
				(
					honest_validators[i % honest_validators.len()].clone(),
					CAPACITY,
					honest_class.clone(),
				)
			};
			let setup = [
				world::dispatch(
					worker,
					pallet_workers::Call::<Runtime>::register { bond: BOND, capacity, class },
				),
				world::dispatch(
					worker,
					pallet_workers::Call::<Runtime>::contribute_to {
						beneficiary: Some(MultiAddress::Id(validator.clone())),
					},
				),
				world::dispatch(
					&validator,
					pallet_povc::Call::<Runtime>::accept_referee { worker: worker.clone() },
				),
			];
			for step in setup {
				step.expect("a worker joins and referees for its validator");
			}
		}
		pallet_workers::Pallet::<Runtime>::activate_all_now();
		let code = wat::parse_str(PROGRAM).expect("valid wat");
		let program = H256(sp_crypto_hashing::blake2_256(&code));
		world::dispatch(
			&honest_requesters[0],
			pallet_jobs::Call::<Runtime>::upload_program { code },
		)
		.expect("upload");

		let mut sim = Sim {
			scenario,
			seed,
			attackers,
			honest_workers,
			honest_requesters,
			attacker_requester,
			honest_validators,
			attacker_validator,
			program,
			jobs: BTreeMap::new(),
			open: BTreeSet::new(),
			commitments: BTreeMap::new(),
			submitted: 0,
			issuance_ceiling: pallet_balances::TotalIssuance::<Runtime>::get(),
			predicted: None,
			start: (0, 0, 0, 0),
			tally: Tally::default(),
		};
		sim.start = sim.ledger();
		sim
	}

	/// (attacker balances, honest workers' and validators' balances, attacker score,
	/// honest score).
	fn ledger(&self) -> (i128, i128, u128, u128) {
		let sum = |accounts: &mut dyn Iterator<Item = &AccountId>| -> i128 {
			accounts.map(|a| world::total_balance(a) as i128).sum()
		};
		let attacker = sum(&mut self
			.attackers
			.iter()
			.chain([&self.attacker_requester, &self.attacker_validator]));
		let honest = sum(&mut self.honest_workers.iter().chain(&self.honest_validators));
		let honest_score = self.honest_validators.iter().map(Povc::score_of).sum();
		(attacker, honest, Povc::score_of(&self.attacker_validator), honest_score)
	}

	/// Runs until `jobs` jobs were submitted and all of them ended; panics when an
	/// invariant breaks.
	pub fn run(mut self, jobs: u64) -> Tally {
		let mut n: BlockNumber = frame_system::Pallet::<Runtime>::block_number();
		let mut last_submission = n;
		loop {
			n += 1;
			world::start_block(n, self.randomness(n));
			if let Some(predicted) = self.predicted.take() {
				if self.all_own_open() != predicted {
					self.tally.reroll_mispredicted += 1;
				}
			}
			if self.submitted < jobs {
				self.submit_jobs(n, jobs);
				last_submission = n;
			}
			self.act(n);
			self.count_events();
			if self.scenario.strategy == Strategy::ReRoll && self.authors(n) {
				self.reroll(n);
			}
			if let Err(broken) = world::check_invariants(n, self.issuance_ceiling) {
				panic!("{} (scenario {:?}, seed {})", broken, self.scenario, self.seed);
			}
			if self.submitted >= jobs
				&& (self.open.is_empty() || n > last_submission + DRAIN_BLOCKS)
			{
				break;
			}
		}
		self.tally.unfinished = self.open.len() as u64;
		self.tally.blocks = u64::from(n);
		let (attacker, honest, attacker_score, honest_score) = self.ledger();
		self.tally.attacker_spent = self.start.0 - attacker;
		self.tally.honest_spent = self.start.1 - honest;
		self.tally.attacker_score = attacker_score - self.start.2;
		self.tally.honest_score = honest_score - self.start.3;
		self.tally
	}

	/// The randomness of block `n`: unknown to every actor until the block starts.
	fn randomness(&self, n: BlockNumber) -> [u8; 32] {
		sp_crypto_hashing::blake2_256(&(b"vrf", self.seed, n).encode())
	}

	fn hash(&self, what: &[u8], index: u64) -> u64 {
		let h = sp_crypto_hashing::blake2_256(&(what, self.seed, index).encode());
		u64::from_le_bytes(h[..8].try_into().expect("8 bytes"))
	}

	fn submit_jobs(&mut self, n: BlockNumber, jobs: u64) {
		let mut batch: Vec<(bool, Kind)> = Vec::new();
		for _ in 0..HONEST_JOBS_PER_BLOCK {
			let roll = self.hash(b"kind", self.submitted + batch.len() as u64) % 100;
			let kind = match roll {
				0..85 => Kind::Normal,
				85..90 => Kind::Trap,
				90..95 => Kind::OutOfFuel,
				_ => Kind::Empty,
			};
			batch.push((false, kind));
		}
		let attacker_jobs: &[Kind] = match self.scenario.strategy {
			Strategy::SelfDeal | Strategy::ClaimFuel => &[Kind::Normal; 3],
			Strategy::Grief => &[Kind::SleepBomb; 6],
			Strategy::Combined => &[Kind::Normal, Kind::Normal, Kind::SleepBomb],
			_ => &[],
		};
		batch.extend(attacker_jobs.iter().map(|kind| (true, *kind)));
		if self.scenario.strategy == Strategy::Grief {
			self.try_impossible_spec(n);
		}
		for (attacker_job, kind) in batch {
			if self.submitted >= jobs {
				break;
			}
			self.submit(n, attacker_job, kind);
		}
	}

	fn spec(&self, n: BlockNumber, seq: u64) -> pallet_jobs::JobSpecOf<Runtime> {
		JobSpec {
			program: self.program,
			input: JobInput::Inline(BoundedVec::truncate_from(seq.to_le_bytes().to_vec())),
			tasks: 1,
			fuel_limit: FUEL_LIMIT,
			replicas: self.scenario.replicas,
			price_per_fuel: PRICE_PER_FUEL,
			deadline: n + povc_runtime::DAYS,
			min_reputation: Permill::zero(),
			max_output_len: 64,
		}
	}

	/// A spec no worker could ever serve (a reputation floor above the highest allowed).
	fn try_impossible_spec(&mut self, n: BlockNumber) {
		let mut spec = self.spec(n, u64::MAX);
		spec.min_reputation = Permill::from_percent(99);
		let refused = world::dispatch(
			&self.attacker_requester,
			pallet_jobs::Call::<Runtime>::submit_job { spec },
		);
		if refused.is_err() {
			self.tally.refused_specs += 1;
		}
	}

	fn submit(&mut self, n: BlockNumber, attacker_job: bool, kind: Kind) {
		let seq = self.submitted;
		let requester = if attacker_job {
			self.attacker_requester.clone()
		} else {
			self.honest_requesters[(seq % self.honest_requesters.len() as u64) as usize].clone()
		};
		let id = pallet_jobs::NextJobId::<Runtime>::get();
		let spec = self.spec(n, seq);
		match world::dispatch(&requester, pallet_jobs::Call::<Runtime>::submit_job { spec }) {
			Ok(()) => {},
			Err(_) if !attacker_job => {
				self.tally.honest_refused += 1;
				return;
			},
			Err(_) => return,
		}
		self.submitted += 1;
		let h = self.hash(b"truth", seq);
		let fuel = FUEL_LIMIT / 4 + h % (FUEL_LIMIT / 2);
		let output = sp_crypto_hashing::blake2_256(&(b"output", seq).encode())[..16].to_vec();
		let truth = match kind {
			Kind::Normal => Some(Truth::new(output, fuel, ExecutionStatus::Exited(0))),
			Kind::Trap => Some(Truth::new(output[..4].to_vec(), fuel, ExecutionStatus::Trapped)),
			Kind::OutOfFuel => Some(Truth::new(output, FUEL_LIMIT, ExecutionStatus::OutOfFuel)),
			Kind::Empty => Some(Truth::new(Vec::new(), fuel, ExecutionStatus::Exited(0))),
			Kind::SleepBomb => None,
		};
		self.jobs.insert(id, JobMeta { attacker_job, truth, submitted: n, drawn: false });
		self.open.insert(id);
	}

	/// Every worker acts on the jobs it is assigned to, in the phase the block found them.
	fn act(&mut self, n: BlockNumber) {
		for id in self.open.clone() {
			let Some(job) = pallet_jobs::Jobs::<Runtime>::get(id) else {
				continue;
			};
			if !job.state.is_open() {
				self.finish(id, n, &job);
				continue;
			}
			let assignments = pallet_jobs::Assignments::<Runtime>::get(id);
			match job.state {
				JobState::Committing => self.commit_all(id, &job, &assignments, Role::Replica),
				JobState::RefereesCommitting => {
					self.commit_all(id, &job, &assignments, Role::Referee)
				},
				JobState::Auditing => self.commit_all(id, &job, &assignments, Role::Auditor),
				JobState::Revealing => self.reveal_all(id, &assignments, Role::Replica),
				JobState::RefereesRevealing => self.reveal_all(id, &assignments, Role::Referee),
				JobState::AuditRevealing => self.reveal_all(id, &assignments, Role::Auditor),
				JobState::Publishing => self.publish(id, &job, &assignments),
				_ => {},
			}
		}
	}

	fn finish(&mut self, id: JobId, n: BlockNumber, job: &pallet_jobs::JobOf<Runtime>) {
		self.open.remove(&id);
		let meta = &self.jobs[&id];
		self.tally.jobs += 1;
		if job.state.is_verified() || job.state == JobState::Unverified {
			self.tally.verified += 1;
			if meta.truth.as_ref().map(|t| t.result) != job.result {
				self.tally.wrong_verified += 1;
			}
		}
		if !meta.attacker_job {
			self.tally.honest_jobs += 1;
			self.tally.honest_blocks += u64::from(n - meta.submitted);
			if matches!(job.state, JobState::Failed(_)) {
				self.tally.honest_failed += 1;
			}
		}
	}

	fn is_attacker(&self, who: &AccountId) -> bool {
		self.attackers.contains(who)
	}

	fn view<'a>(
		&self,
		id: JobId,
		job: &pallet_jobs::JobOf<Runtime>,
		assignments: &[Assignment<AccountId>],
		meta: &'a JobMeta,
	) -> JobView<'a> {
		let mut replicas = assignments.iter().filter(|a| a.role == Role::Replica).peekable();
		let all_replicas_attacker =
			replicas.peek().is_some() && replicas.all(|a| self.is_attacker(&a.worker));
		let published = job.result.and_then(|result| {
			let output = pallet_jobs::Outputs::<Runtime>::get(id, result.output_hash)?;
			Some(Truth { output: output.into_inner(), result })
		});
		JobView {
			id,
			truth: meta.truth.as_ref(),
			fuel_limit: job.spec.fuel_limit,
			all_replicas_attacker,
			published,
		}
	}

	fn commit_all(
		&mut self,
		id: JobId,
		job: &pallet_jobs::JobOf<Runtime>,
		assignments: &[Assignment<AccountId>],
		role: Role,
	) {
		let meta = &self.jobs[&id];
		let view = self.view(id, job, assignments, meta);
		let own_job = meta.attacker_job;
		let mut moves = Vec::new();
		for a in
			assignments.iter().filter(|a| a.role == role && a.commitment.is_none() && !a.abstained)
		{
			let attacker = self.is_attacker(&a.worker);
			let plan = if attacker {
				behaviour::attacker(self.scenario.strategy, role, &view, own_job)
			} else {
				behaviour::honest(&view)
			};
			let plan = match self.open_beyond_capacity(&a.worker, role) {
				Some(open) if attacker => {
					self.tally.attacker_peak_open = self.tally.attacker_peak_open.max(open);
					if open > CAPACITY && plan != Plan::Idle {
						self.tally.over_capacity_abstentions += 1;
						Plan::Abstain
					} else {
						plan
					}
				},
				_ => plan,
			};
			moves.push((a.worker.clone(), attacker, plan));
		}
		for (worker, attacker, plan) in moves {
			let result = match plan {
				Plan::Idle => continue,
				Plan::Abstain => {
					world::dispatch(&worker, pallet_jobs::Call::<Runtime>::abstain { job: id })
				},
				Plan::Commit { claim, withhold, ran } => {
					let salt = sp_crypto_hashing::blake2_256(
						&(b"salt", id, &worker, role_index(role)).encode(),
					);
					let r = claim.result;
					let commitment = match role {
						Role::Replica => result_commitment(
							id,
							&worker,
							&r.output_hash,
							r.fuel_used,
							&r.status,
							&salt,
						),
						Role::Referee | Role::Auditor => referee_commitment(
							id,
							&worker,
							&claim.output,
							r.fuel_used,
							&r.status,
							&salt,
						),
					};
					let compute = Balance::from(ran) * PRICE_PER_FUEL;
					if attacker && own_job {
						self.tally.self_deal_cost += compute as i128;
					}
					if attacker {
						self.tally.attacker_compute += compute;
					} else {
						self.tally.honest_compute += compute;
					}
					self.commitments.insert(
						(id, worker.clone(), role_index(role)),
						Committed { claim, withhold, salt, ran },
					);
					world::dispatch(
						&worker,
						pallet_jobs::Call::<Runtime>::commit { job: id, commitment },
					)
				},
			};
			if result.is_err() && !attacker {
				self.tally.honest_call_failures += 1;
			}
		}
	}

	fn reveal_all(&mut self, id: JobId, assignments: &[Assignment<AccountId>], role: Role) {
		for a in assignments
			.iter()
			.filter(|a| a.role == role && a.commitment.is_some() && a.result.is_none())
		{
			let Some(committed) = self.commitments.get(&(id, a.worker.clone(), role_index(role)))
			else {
				continue;
			};
			if committed.withhold {
				continue;
			}
			let (result, salt) = (committed.claim.result, committed.salt);
			let outcome = match role {
				Role::Replica => world::dispatch(
					&a.worker,
					pallet_jobs::Call::<Runtime>::reveal { job: id, result, salt },
				),
				Role::Referee | Role::Auditor => world::dispatch(
					&a.worker,
					pallet_jobs::Call::<Runtime>::reveal_verdict {
						job: id,
						result,
						salt,
						output: committed.claim.output.clone().try_into().expect("short output"),
					},
				),
			};
			if outcome.is_err() && !self.is_attacker(&a.worker) {
				self.tally.honest_call_failures += 1;
			}
		}
	}

	/// The first replica that holds the agreed output publishes it.
	fn publish(
		&mut self,
		id: JobId,
		job: &pallet_jobs::JobOf<Runtime>,
		assignments: &[Assignment<AccountId>],
	) {
		for a in assignments.iter().filter(|a| a.role == Role::Replica) {
			let Some(committed) =
				self.commitments.get(&(id, a.worker.clone(), role_index(Role::Replica)))
			else {
				continue;
			};
			if Some(committed.claim.result) != job.result {
				continue;
			}
			let output = committed.claim.output.clone().try_into().expect("short output");
			let outcome = world::dispatch(
				&a.worker,
				pallet_jobs::Call::<Runtime>::publish_output { job: id, output },
			);
			if outcome.is_err() && !self.is_attacker(&a.worker) {
				self.tally.honest_call_failures += 1;
			}
			return;
		}
	}

	/// An over-declaring attacker's open assignments when `worker` meets a replica's
	/// commit phase; `None` for every other row and role. Its workers serve `CAPACITY`
	/// jobs at once, like an honest worker, so they abstain from a job while they hold more
	/// (the job's replica is redrawn; nobody is slashed). Of the simple honest models,
	/// abstaining is the kindest to the attacker: a late commit or a no-show would be
	/// slashed.
	fn open_beyond_capacity(&self, worker: &AccountId, role: Role) -> Option<u32> {
		if self.scenario.strategy != Strategy::OverDeclare || role != Role::Replica {
			return None;
		}
		pallet_workers::Workers::<Runtime>::get(worker).map(|info| info.open_assignments)
	}

	/// Whether the attacker authors block `n`: a share f of blocks, by the simulation's
	/// randomness.
	fn authors(&self, n: BlockNumber) -> bool {
		(self.hash(b"author", u64::from(n)) as f64) < self.scenario.f() * u64::MAX as f64
	}

	/// Open jobs whose every replica is the attacker's.
	fn all_own_open(&self) -> u64 {
		let all_own = |id: &JobId| {
			let assignments = pallet_jobs::Assignments::<Runtime>::get(id);
			let mut replicas = assignments.iter().filter(|a| a.role == Role::Replica).peekable();
			replicas.peek().is_some() && replicas.all(|a| self.is_attacker(&a.worker))
		};
		self.open.iter().filter(|id| all_own(id)).count() as u64
	}

	/// The re-rolling attacker authors block `n`, whose author's VRF output is the
	/// randomness block `n + 1` draws with: it tries each variant its block could contain
	/// against block `n + 1`'s hook, in a storage transaction it rolls back, and makes the
	/// best one for real. Ties go to making no change.
	fn reroll(&mut self, n: BlockNumber) {
		let own: Vec<AccountId> = self.attackers.iter().cloned().collect();
		let mut variants: Vec<Variant> = (1..=REROLL_BONDS)
			.map(|delta| Variant::BondMore(own[delta as usize % own.len()].clone(), delta))
			.collect();
		variants.extend(own.iter().cloned().map(Variant::TogglePause));
		let unchanged = self.trial(n, None).expect("making no change cannot fail");
		let mut best = (unchanged, None);
		for variant in variants {
			self.tally.reroll_variants += 1;
			if let Some(count) = self.trial(n, Some(&variant)) {
				self.tally.reroll_differed += u64::from(count != unchanged);
				if count > best.0 {
					best = (count, Some(variant));
				}
			}
		}
		self.tally.reroll_blocks += 1;
		if let Some(variant) = best.1 {
			self.tally.reroll_better += 1;
			self.tally.reroll_gained += best.0 - unchanged;
			apply(&variant).expect("it succeeded in the trial");
		}
		self.predicted = Some(best.0);
	}

	/// Jobs open with every replica the attacker's after block `n + 1`'s draws, if block
	/// `n` made `variant`; `None` if the chain refuses the variant. Changes nothing.
	fn trial(&self, n: BlockNumber, variant: Option<&Variant>) -> Option<u64> {
		let outcome = with_transaction(|| {
			if let Some(Err(e)) = variant.map(apply) {
				return TransactionOutcome::Rollback(Err(e));
			}
			world::start_block(n + 1, self.randomness(n + 1));
			TransactionOutcome::Rollback(Ok::<_, DispatchError>(self.all_own_open()))
		});
		outcome.ok()
	}

	fn own_job(&self, job: JobId) -> bool {
		self.jobs.get(&job).is_some_and(|meta| meta.attacker_job)
	}

	/// Slashes, unrun audits and the money and score of self-dealt jobs, from the block's
	/// events.
	fn count_events(&mut self) {
		// pallet-povc's credits to the attacker's validator, until pallet-jobs names the
		// job they were for (its `ScoreCredited` follows them).
		let mut credited_to_attacker = 0u128;
		// Replicas assigned this block per job: (how many, all the attacker's).
		let mut seats: BTreeMap<JobId, (u8, bool)> = BTreeMap::new();
		for event in world::events() {
			let event = match event {
				RuntimeEvent::Povc(pallet_povc::Event::ScoreCredited { validator, value }) => {
					if validator == self.attacker_validator {
						credited_to_attacker += value;
					}
					continue;
				},
				RuntimeEvent::Jobs(event) => event,
				_ => continue,
			};
			let (worker, slashed) = match event {
				pallet_jobs::Event::WorkerAssigned { job, worker, role: Role::Replica, .. } => {
					let attacker = self.is_attacker(&worker);
					self.tally.replica_seats += 1;
					self.tally.attacker_replica_seats += u64::from(attacker);
					let entry = seats.entry(job).or_insert((0, true));
					*entry = (entry.0 + 1, entry.1 && attacker);
					continue;
				},
				pallet_jobs::Event::ScoreCredited { job, .. } => {
					if self.own_job(job) {
						self.tally.self_deal_score += credited_to_attacker;
					}
					credited_to_attacker = 0;
					continue;
				},
				pallet_jobs::Event::WorkerPaid { job, worker, amount, burned } => {
					if self.own_job(job) {
						self.tally.self_deal_cost += amount as i128;
						if self.is_attacker(&worker) {
							self.tally.self_deal_cost -= (amount - burned) as i128;
						}
					}
					continue;
				},
				pallet_jobs::Event::AbstentionsCharged { job, burned, .. } => {
					if self.own_job(job) {
						self.tally.self_deal_cost += burned as i128;
					}
					continue;
				},
				pallet_jobs::Event::WrongResultSlashed { worker, slashed, .. } => (worker, slashed),
				pallet_jobs::Event::WorkerMissedDeadline { worker, slashed, .. } => {
					(worker, slashed)
				},
				pallet_jobs::Event::AuditPassed { job, auditor } => {
					let unrun = self
						.commitments
						.get(&(job, auditor.clone(), role_index(Role::Auditor)))
						.is_some_and(|c| c.ran == 0);
					if unrun && self.is_attacker(&auditor) {
						self.tally.unrun_audits_paid += 1;
					}
					continue;
				},
				_ => continue,
			};
			if self.is_attacker(&worker) {
				self.tally.attacker_slashed += slashed;
			} else if slashed > 0 {
				self.tally.honest_slashes += 1;
				self.tally.honest_slashed += slashed;
			} else {
				self.tally.honest_faults += 1;
			}
		}
		// A job's first replicas are drawn together; later ones are replacements.
		for (job, (count, all_attacker)) in seats {
			let Some(meta) = self.jobs.get_mut(&job).filter(|meta| !meta.drawn) else {
				continue;
			};
			meta.drawn = true;
			self.tally.drawn += 1;
			if all_attacker && count == self.scenario.replicas {
				self.tally.all_replica_jobs += 1;
			}
		}
	}
}

/// Makes a re-roll variant, as its worker's transaction.
fn apply(variant: &Variant) -> Result<(), DispatchError> {
	match variant {
		Variant::BondMore(worker, amount) => {
			world::dispatch(worker, pallet_workers::Call::<Runtime>::bond_more { amount: *amount })
		},
		Variant::TogglePause(worker) => {
			let paused = pallet_workers::Workers::<Runtime>::get(worker).is_some_and(|w| w.paused);
			if paused {
				world::dispatch(worker, pallet_workers::Call::<Runtime>::resume {})
			} else {
				world::dispatch(worker, pallet_workers::Call::<Runtime>::pause {})
			}
		},
	}
}

fn role_index(role: Role) -> u8 {
	match role {
		Role::Replica => 0,
		Role::Referee => 1,
		Role::Auditor => 2,
	}
}

/// The program every simulated job runs (its behaviour is the simulation's: see `Kind`).
const PROGRAM: &str = r#"(module
	(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
	(memory (export "memory") 1)
	(func (export "_start")))"#;
