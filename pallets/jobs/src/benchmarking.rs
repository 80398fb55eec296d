//! Benchmarks of the job market (frame-benchmarking v2), each at its worst case.
//!
//! About 600 lines because frame-benchmarking's macro wants every benchmark of the pallet
//! in one module, with the set-up helpers they share.

use super::*;
#[cfg(test)]
use crate::mock;
use alloc::{vec, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Hooks},
	weights::WeightMeter,
	BoundedVec,
};
use frame_system::RawOrigin;
use povc_primitives::{
	batch::{self, TaskOutput},
	result_commitment, ExecutionStatus, Fuel, JobId,
};
use sp_runtime::{traits::Bounded, Permill, Saturating};

/// What the benchmarks need from the worker registry and the referee pool, which are
/// other pallets.
pub trait BenchmarkHelper<AccountId> {
	/// Allows `class` if it is not, fills it with `n` more workers (free to be drawn, not
	/// funded) and makes its trees as high as the largest registry would.
	fn fill_class(class: &[u8], n: u32);
	/// Registers `who` (funded) as a worker of `class` with the minimum bond and room for
	/// many assignments.
	fn register_worker(who: &AccountId, class: &[u8]);
	/// Puts the registered worker `who` into the referee pool.
	fn make_referee(who: &AccountId);
}

const CLASS: &[u8] = b"bench/class";

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1_000_000u32.into());
	who
}

/// A valid WASI command of about `size` bytes whose one function is `size` bytes of
/// `nop`s, so that validation works through all of it.
fn program_of_size(size: u32) -> Vec<u8> {
	fn leb(mut value: u32, out: &mut Vec<u8>) {
		loop {
			let byte = (value & 0x7f) as u8;
			value >>= 7;
			if value == 0 {
				out.push(byte);
				return;
			}
			out.push(byte | 0x80);
		}
	}
	fn section(id: u8, body: Vec<u8>, out: &mut Vec<u8>) {
		out.push(id);
		leb(body.len() as u32, out);
		out.extend(body);
	}
	let nops = size.saturating_sub(64) as usize;
	let mut code = b"\0asm\x01\0\0\0".to_vec();
	section(1, vec![1, 0x60, 0, 0], &mut code); // one type: [] -> []
	section(3, vec![1, 0], &mut code); // one function of type 0
	section(5, vec![1, 0, 1], &mut code); // one memory, min 1 page
	let mut exports = vec![2];
	exports.extend([6, b'_', b's', b't', b'a', b'r', b't', 0, 0]);
	exports.extend([6, b'm', b'e', b'm', b'o', b'r', b'y', 2, 0]);
	section(7, exports, &mut code);
	let mut body = vec![0]; // no locals
	body.extend(core::iter::repeat_n(0x01, nops));
	body.push(0x0b);
	let mut entry = Vec::new();
	leb(body.len() as u32, &mut entry);
	entry.extend(body);
	let mut codes = vec![1];
	codes.extend(entry);
	section(10, codes, &mut code);
	code
}

fn upload_program<T: Config>(owner: &T::AccountId) -> H256 {
	let code = program_of_size(1_000);
	let hash = H256(sp_crypto_hashing::blake2_256(&code));
	Pallet::<T>::upload_program(RawOrigin::Signed(owner.clone()).into(), code)
		.expect("valid program");
	hash
}

/// A registry of `w` workers in the benchmark class, besides enough funded workers to fill
/// a job's replicas, an auditor and a referee committee; returns the funded ones.
fn fill_registry<T: Config>(w: u32) -> Vec<T::AccountId> {
	T::BenchmarkHelper::fill_class(CLASS, w);
	(0..T::MaxReplicas::get() + 1 + T::RefereeCount::get())
		.map(|i| {
			let who = funded::<T>("worker", i);
			T::BenchmarkHelper::register_worker(&who, CLASS);
			who
		})
		.collect()
}

/// Runs `on_initialize` of the first block that may draw a job submitted now.
fn draw_queued<T: Config>() {
	let at = frame_system::Pallet::<T>::block_number().saturating_add(T::DrawDelay::get());
	frame_system::Pallet::<T>::set_block_number(at);
	Pallet::<T>::on_initialize(at);
}

fn max_spec<T: Config>(program: H256) -> JobSpecOf<T> {
	let now = frame_system::Pallet::<T>::block_number();
	JobSpec {
		program,
		input: JobInput::Inline(BoundedVec::truncate_from(vec![
			7;
			T::MaxInlineInput::get() as usize
		])),
		tasks: 1,
		fuel_limit: 1_000_000,
		replicas: T::MaxReplicas::get() as u8,
		price_per_fuel: 1_000u32.into(),
		deadline: now.saturating_add(T::MaxJobLifetime::get()),
		min_reputation: Permill::zero(),
		max_output_len: T::MaxOutputLen::get(),
	}
}

/// [`max_spec`] as the batch whose submission counts the most task inputs: as many empty
/// inputs as fit inline, each task with the most fuel and output the batch allows.
fn max_batch_spec<T: Config>(program: H256) -> JobSpecOf<T> {
	let mut spec = max_spec::<T>(program);
	let inline = batch_of_empty_inputs(T::MaxInlineInput::get());
	let tasks = batch::count_task_inputs(&inline).expect("a batch's input").min(T::MaxTasks::get());
	let input = empty_inputs(tasks);
	spec.input = JobInput::Inline(BoundedVec::truncate_from(input));
	spec.tasks = tasks;
	let work_per_task = T::MaxFuelLimit::get() / Fuel::from(tasks);
	spec.fuel_limit =
		work_per_task.saturating_sub(batch::TASK_START_FUEL).clamp(1, spec.fuel_limit);
	let per_task = (T::MaxOutputLen::get() - batch::MAX_BATCH_OVERHEAD) / tasks;
	spec.max_output_len = per_task - batch::MAX_TASK_OVERHEAD;
	spec
}

/// `len` bytes (or one fewer) that are a batch's input of as many empty task inputs as fit:
/// the most a count of task inputs has to read.
fn batch_of_empty_inputs(len: u32) -> Vec<u8> {
	let fits = (1..=5).map(|prefix| len.saturating_sub(prefix)).find(|tasks| {
		let prefix = codec::Compact(*tasks).encoded_size() as u32;
		prefix + tasks <= len
	});
	empty_inputs(fits.unwrap_or(0))
}

/// A batch's input of `tasks` empty task inputs.
fn empty_inputs(tasks: u32) -> Vec<u8> {
	let mut input = codec::Compact(tasks).encode();
	input.resize(input.len() + tasks as usize, 0);
	input
}

/// Submits `count` jobs of `program`, from as many requesters as `MaxQueuedPerAccount`
/// needs. Returns the last requester and its last job.
fn fill_queue<T: Config>(program: H256, count: u32) -> (T::AccountId, JobId) {
	let per_account = T::MaxQueuedPerAccount::get();
	let mut last = (funded::<T>("queuer", 0), 0);
	for i in 0..count {
		let requester = funded::<T>("queuer", i / per_account);
		let job =
			Pallet::<T>::do_submit(requester.clone(), max_spec::<T>(program)).expect("submit");
		last = (requester, job);
	}
	last
}

/// A full queue; returns the requester of its last job and that job.
fn full_queue<T: Config>() -> (T::AccountId, JobId) {
	let uploader = funded::<T>("uploader", 0);
	let program = upload_program::<T>(&uploader);
	fill_queue::<T>(program, T::MaxQueueLen::get())
}

/// A submitted job with all its replicas assigned.
fn assigned_job<T: Config>() -> (T::AccountId, JobId) {
	let (requester, job, _) = assigned_job_in_registry::<T>();
	(requester, job)
}

/// A submitted job with all its replicas assigned, and the registry's funded workers (the
/// only ones: its replicas and referees are funded and can be slashed; the trees are as
/// high as the largest registry's all the same).
fn assigned_job_in_registry<T: Config>() -> (T::AccountId, JobId, Vec<T::AccountId>) {
	let registry = fill_registry::<T>(0);
	let requester = funded::<T>("requester", 0);
	let program = upload_program::<T>(&requester);
	let job = Pallet::<T>::do_submit(requester.clone(), max_spec::<T>(program)).expect("submit");
	draw_queued::<T>();
	(requester, job, registry)
}

fn replicas<T: Config>(job: JobId) -> Vec<T::AccountId> {
	Assignments::<T>::get(job)
		.iter()
		.filter(|a| a.role == Role::Replica)
		.map(|a| a.worker.clone())
		.collect()
}

fn result_with(output: &[u8]) -> ExecutionResult {
	ExecutionResult {
		output_hash: H256(sp_crypto_hashing::blake2_256(output)),
		fuel_used: 500_000,
		status: ExecutionStatus::Exited(0),
	}
}

/// Commits `who` to `output` in its role in `job` (referees bind the output bytes).
fn do_commit<T: Config>(job: JobId, who: &T::AccountId, output: &[u8]) {
	let result = result_with(output);
	let commitment = match JobsByWorker::<T>::get(who, job) {
		Some(Role::Referee | Role::Auditor) => povc_primitives::referee_commitment(
			job,
			who,
			output,
			result.fuel_used,
			&result.status,
			&[1; 32],
		),
		_ => result_commitment(
			job,
			who,
			&result.output_hash,
			result.fuel_used,
			&result.status,
			&[1; 32],
		),
	};
	Pallet::<T>::do_commit(who.clone(), job, commitment).expect("commit");
}

/// Reveals what [`do_commit`] committed to.
fn do_reveal<T: Config>(job: JobId, who: &T::AccountId, output: &[u8]) {
	let result = result_with(output);
	match JobsByWorker::<T>::get(who, job) {
		Some(Role::Referee | Role::Auditor) => {
			let bounded = BoundedVec::truncate_from(output.to_vec());
			Pallet::<T>::do_reveal_verdict(who.clone(), job, result, [1; 32], bounded).map(|_| ())
		},
		_ => Pallet::<T>::do_reveal(who.clone(), job, result, [1; 32]).map(|_| ()),
	}
	.expect("reveal");
}

/// A job in dispute whose referees have all committed to `output`: one replica fell
/// silent and the others revealed `output`, so the verdict verifies their result and pays
/// and credits them, the most a verdict does (a verdict on replicas that disagree pays
/// none of them).
fn disputed_job<T: Config>(output: &[u8]) -> (JobId, Vec<T::AccountId>) {
	let (job, referees) = draw_committee::<T>(silent_before_draw::<T>(output));
	for r in &referees {
		do_commit::<T>(job, r, output);
	}
	(job, referees)
}

/// A job whose referees were drawn and must commit: `wrong` replicas revealed a wrong
/// output, the others the right one.
fn open_dispute<T: Config>(output: &[u8], wrong: usize) -> (JobId, Vec<T::AccountId>) {
	draw_committee::<T>(disputed_before_draw::<T>(output, wrong))
}

/// Runs a job in `DrawingReferees` to its draw; returns the committee.
fn draw_committee<T: Config>(job: JobId) -> (JobId, Vec<T::AccountId>) {
	let at = Jobs::<T>::get(job).expect("job").timeout_at;
	frame_system::Pallet::<T>::set_block_number(at);
	Pallet::<T>::process_timeouts(at, &mut WeightMeter::new());
	let referees: Vec<T::AccountId> = Assignments::<T>::get(job)
		.iter()
		.filter(|a| a.role == Role::Referee)
		.map(|a| a.worker.clone())
		.collect();
	assert!(!referees.is_empty(), "referees drawn");
	(job, referees)
}

/// A job of `MaxReplicas` replicas drawn from a full registry, every other worker of
/// which is a referee. Returns the job and its replicas.
fn assigned_with_referees<T: Config>() -> (JobId, Vec<T::AccountId>) {
	let (_, job, registry) = assigned_job_in_registry::<T>();
	let workers = replicas::<T>(job);
	for referee in registry.iter().filter(|w| !workers.contains(w)) {
		T::BenchmarkHelper::make_referee(referee);
	}
	(job, workers)
}

/// A job whose last replica committed but never revealed while the others revealed
/// `output`; its reveal phase is over (the silent one slashed) and its committee is still
/// to be drawn.
fn silent_before_draw<T: Config>(output: &[u8]) -> JobId {
	let (job, workers) = assigned_with_referees::<T>();
	for w in &workers {
		do_commit::<T>(job, w, output);
	}
	let (_silent, revealing) = workers.split_last().expect("replicas");
	for w in revealing {
		do_reveal::<T>(job, w, output);
	}
	let at = Jobs::<T>::get(job).expect("job").timeout_at;
	frame_system::Pallet::<T>::set_block_number(at);
	Pallet::<T>::process_timeouts(at, &mut WeightMeter::new());
	assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::DrawingReferees));
	job
}

/// A job whose replicas disagreed (`wrong` revealed a wrong output) and whose committee is
/// still to be drawn.
fn disputed_before_draw<T: Config>(output: &[u8], wrong: usize) -> JobId {
	let (job, workers) = assigned_with_referees::<T>();
	let wrong_output: Vec<u8> = match output {
		[] => vec![1],
		_ => output.iter().map(|b| b.wrapping_add(1)).collect(),
	};
	let outputs: Vec<&[u8]> =
		(0..workers.len()).map(|i| if i < wrong { &wrong_output[..] } else { output }).collect();
	for (w, o) in workers.iter().zip(&outputs) {
		do_commit::<T>(job, w, o);
	}
	for (w, o) in workers.iter().zip(&outputs) {
		do_reveal::<T>(job, w, o);
	}
	assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::DrawingReferees));
	job
}

/// A job whose `MaxReplicas` replicas agreed on `output`, published it and were paid: its
/// score is pending, and every other funded worker is a referee.
fn audit_pending<T: Config>(output: &[u8]) -> JobId {
	let (job, workers) = assigned_with_referees::<T>();
	for w in &workers {
		do_commit::<T>(job, w, output);
	}
	for w in &workers {
		do_reveal::<T>(job, w, output);
	}
	let bounded = BoundedVec::truncate_from(output.to_vec());
	Pallet::<T>::do_publish(workers[0].clone(), job, bounded).expect("publish");
	assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::AuditPending));
	job
}

/// A contested audit whose committee has committed to `found`, the auditor's result,
/// against the replicas' `output`.
fn contested_audit<T: Config>(output: &[u8], found: &[u8]) -> (JobId, Vec<T::AccountId>) {
	let job = audit_pending::<T>(output);
	let mut record = Jobs::<T>::get(job).expect("job");
	let mut assignments = Assignments::<T>::get(job);
	Pallet::<T>::draw_auditor(job, &mut record, &mut assignments).expect("auditor");
	Assignments::<T>::insert(job, assignments);
	Jobs::<T>::insert(job, record);
	let auditor = Assignments::<T>::get(job)
		.iter()
		.find(|a| a.role == Role::Auditor)
		.map(|a| a.worker.clone())
		.expect("an auditor was drawn");
	do_commit::<T>(job, &auditor, found);
	do_reveal::<T>(job, &auditor, found);
	assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::DrawingReferees));
	let (job, referees) = draw_committee::<T>(job);
	for r in &referees {
		do_commit::<T>(job, r, found);
	}
	(job, referees)
}

/// A batch of two tasks whose `MaxReplicas` replicas each revealed a different result,
/// each task's output as long as the batch allows: the two first have published theirs
/// (differing in one task), the others none. Returns the job in `Narrowing`.
fn narrowing_with_two_published<T: Config>() -> JobId {
	fill_registry::<T>(0);
	let requester = funded::<T>("requester", 0);
	let program = upload_program::<T>(&requester);
	let mut spec = max_spec::<T>(program);
	spec.input = JobInput::Inline(BoundedVec::truncate_from(empty_inputs(2)));
	spec.tasks = 2;
	spec.fuel_limit = T::MaxFuelLimit::get() / 2 - batch::TASK_START_FUEL;
	spec.max_output_len =
		(T::MaxOutputLen::get() - batch::MAX_BATCH_OVERHEAD) / 2 - batch::MAX_TASK_OVERHEAD;
	let max_len = spec.max_output_len;
	let job = Pallet::<T>::do_submit(requester, spec).expect("submit");
	draw_queued::<T>();
	let workers = replicas::<T>(job);
	// Replica `i`'s second task's output starts with `i`: every result differs.
	let outputs: Vec<Vec<u8>> = (0..workers.len())
		.map(|i| {
			let task = |first: u8| TaskOutput {
				status: ExecutionStatus::Exited(0),
				fuel_used: 1_000,
				output: vec![first; max_len as usize],
			};
			vec![task(0), task(i as u8 + 1)].encode()
		})
		.collect();
	let results: Vec<ExecutionResult> = outputs
		.iter()
		.map(|output| {
			let (root, fuel) = batch::output_digest(2, max_len, output).expect("a batch");
			ExecutionResult {
				output_hash: root,
				fuel_used: fuel.expect("fuel"),
				status: ExecutionStatus::Exited(0),
			}
		})
		.collect();
	for (w, r) in workers.iter().zip(&results) {
		let commitment =
			result_commitment(job, w, &r.output_hash, r.fuel_used, &r.status, &[1; 32]);
		Pallet::<T>::do_commit(w.clone(), job, commitment).expect("commit");
	}
	for (w, r) in workers.iter().zip(&results) {
		Pallet::<T>::do_reveal(w.clone(), job, *r, [1; 32]).expect("reveal");
	}
	assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Narrowing));
	for (w, output) in workers.iter().zip(&outputs).take(2) {
		let bounded = BoundedVec::truncate_from(output.clone());
		Pallet::<T>::do_publish_own(w.clone(), job, bounded).expect("publish");
	}
	job
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn upload_program(n: Linear<1_000, { T::MaxProgramSize::get() }>) {
		let caller = funded::<T>("caller", 0);
		let code = program_of_size(n);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), code);
		assert_eq!(Blobs::<T>::iter().count(), 1);
	}

	#[benchmark]
	fn upload_blob(n: Linear<0, { T::MaxBlobSize::get() }>) {
		let caller = funded::<T>("caller", 0);
		// The most task inputs `n` bytes can hold: counting them reads the most.
		let data = batch_of_empty_inputs(n);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), data);
		assert_eq!(Blobs::<T>::iter().count(), 1);
	}

	#[benchmark]
	fn remove_blob() {
		let caller = funded::<T>("caller", 0);
		let program = super::upload_program::<T>(&caller);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), BlobKind::Program, program);
		assert!(Programs::<T>::get(program).is_none());
	}

	/// Queues the job (its draw is `on_initialize`'s): nothing grows with the registry. A
	/// batch whose inline task inputs are counted.
	#[benchmark]
	fn submit_job(w: Linear<100, 100_000>) {
		fill_registry::<T>(w);
		let requester = funded::<T>("requester", 0);
		let program = super::upload_program::<T>(&requester);
		let spec = max_batch_spec::<T>(program);
		#[extrinsic_call]
		_(RawOrigin::Signed(requester), spec);
		assert_eq!(Jobs::<T>::get(0).map(|j| j.state), Some(JobState::Queued));
	}

	/// Cancelling the last job of a full queue after it waited, so that its queue fee is
	/// burned.
	#[benchmark]
	fn cancel_job() {
		let (requester, job) = full_queue::<T>();
		let waited = T::DrawDelay::get().saturating_add(10u32.into());
		let now = frame_system::Pallet::<T>::block_number().saturating_add(waited);
		frame_system::Pallet::<T>::set_block_number(now);
		let queued = QueuedByAccount::<T>::get(&requester);
		#[extrinsic_call]
		_(RawOrigin::Signed(requester.clone()), job);
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Cancelled));
		assert_eq!(QueuedByAccount::<T>::get(&requester), queued - 1);
	}

	/// The last commit, which starts the reveal phase.
	#[benchmark]
	fn commit() {
		let (_, job) = assigned_job::<T>();
		let workers = replicas::<T>(job);
		let (last, others) = workers.split_last().expect("replicas");
		for w in others {
			do_commit::<T>(job, w, b"out");
		}
		let result = result_with(b"out");
		let commitment = result_commitment(
			job,
			last,
			&result.output_hash,
			result.fuel_used,
			&result.status,
			&[1; 32],
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), job, commitment);
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Revealing));
	}

	/// The most expensive abstention: the last referee still to commit abstains, which
	/// starts the referees' reveal phase.
	#[benchmark]
	fn abstain() {
		let (job, referees) = open_dispute::<T>(b"out", 1);
		let (last, others) = referees.split_last().expect("referees");
		for r in others {
			do_commit::<T>(job, r, b"out");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), job);
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::RefereesRevealing));
	}

	/// The dearest last replica reveal: the replicas agree on an empty output, so the job
	/// settles at once, every replica paid (otherwise it only asks for the output, or
	/// opens a dispute drawn later).
	#[benchmark]
	fn reveal() {
		let (_, job) = assigned_job::<T>();
		let workers = replicas::<T>(job);
		for w in &workers {
			do_commit::<T>(job, w, b"");
		}
		let (last, others) = workers.split_last().expect("replicas");
		for w in others {
			do_reveal::<T>(job, w, b"");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), job, result_with(b""), [1; 32]);
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::AuditPending));
	}

	/// A replica reveal before the last: it opens its commitment and waits for the others.
	#[benchmark]
	fn reveal_before_last() {
		let (_, job) = assigned_job::<T>();
		let workers = replicas::<T>(job);
		for w in &workers {
			do_commit::<T>(job, w, b"out");
		}
		let first = workers[0].clone();
		#[extrinsic_call]
		reveal(RawOrigin::Signed(first), job, result_with(b"out"), [1; 32]);
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Revealing));
	}

	/// The last referee reveal, which decides the dispute: the verdict confirms the
	/// revealed replicas' result, so they and the referees are paid, the replicas credited
	/// and the output of `n` bytes stored.
	#[benchmark]
	fn reveal_verdict(n: Linear<0, { T::MaxOutputLen::get() }>) {
		let output = vec![5u8; n as usize];
		let (job, referees) = disputed_job::<T>(&output);
		let (last, others) = referees.split_last().expect("referees");
		for r in others {
			do_reveal::<T>(job, r, &output);
		}
		#[extrinsic_call]
		_(
			RawOrigin::Signed(last.clone()),
			job,
			result_with(&output),
			[1; 32],
			BoundedVec::truncate_from(output.clone()),
		);
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Verified));
	}

	/// Publishing the agreed output of `n` bytes: every replica paid, the output stored.
	#[benchmark]
	fn publish_output(n: Linear<1, { T::MaxOutputLen::get() }>) {
		let (_, job) = assigned_job::<T>();
		let output = vec![3u8; n as usize];
		let workers = replicas::<T>(job);
		for w in &workers {
			do_commit::<T>(job, w, &output);
		}
		for w in &workers {
			do_reveal::<T>(job, w, &output);
		}
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Publishing));
		#[extrinsic_call]
		_(RawOrigin::Signed(workers[0].clone()), job, BoundedVec::truncate_from(output));
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::AuditPending));
	}

	/// Checking a batch's output against its root: decoding and hashing `t` tasks with
	/// empty outputs, the most tasks an output's bytes can hold.
	#[benchmark]
	fn hash_batch_output(t: Linear<2, { T::MaxTasks::get() }>) {
		let task = TaskOutput { status: ExecutionStatus::Trapped, fuel_used: 1, output: vec![] };
		let output = vec![task; t as usize].encode();
		let digest;
		#[block]
		{
			digest = batch::output_digest(t, 0, &output);
		}
		assert_eq!(digest.map(|(_, fuel)| fuel), Some(Some(t.into())));
	}

	#[benchmark]
	fn clear_result() {
		let (requester, job) = assigned_job::<T>();
		let output = vec![3u8; T::MaxOutputLen::get() as usize];
		let workers = replicas::<T>(job);
		for w in &workers {
			do_commit::<T>(job, w, &output);
		}
		for w in &workers {
			do_reveal::<T>(job, w, &output);
		}
		let bounded = BoundedVec::truncate_from(output);
		Pallet::<T>::do_publish(workers[0].clone(), job, bounded).expect("publish");
		let mut record = Jobs::<T>::get(job).expect("job");
		Pallet::<T>::conclude_audit(job, &mut record, &Assignments::<T>::get(job));
		Jobs::<T>::insert(job, record);
		#[extrinsic_call]
		_(RawOrigin::Signed(requester), job);
		assert!(Pallet::<T>::result_of(job).is_none());
	}

	/// `on_initialize` of a block with nothing to do.
	#[benchmark]
	fn on_initialize_base() {
		let now = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}
	}

	/// The most expensive timeout: the referees' reveal phase ends (one referee silent and
	/// slashed) and the verdict confirms the revealed replicas' result: all but the silent
	/// replica are paid and credited.
	#[benchmark]
	fn process_timeout(w: Linear<100, 100_000>) {
		let output = vec![5u8; T::MaxOutputLen::get() as usize];
		let (job, referees) = disputed_job::<T>(&output);
		// The registry grows to `w` once the job's workers are drawn: settling moves their
		// leaves in trees of that size.
		T::BenchmarkHelper::fill_class(CLASS, w);
		// All but one referee reveal; the last one stays silent and is slashed.
		for r in referees.iter().skip(1) {
			do_reveal::<T>(job, r, &output);
		}
		let at = Jobs::<T>::get(job).expect("job").timeout_at;
		frame_system::Pallet::<T>::set_block_number(at);
		#[block]
		{
			Pallet::<T>::process_timeouts(at, &mut WeightMeter::new());
		}
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Verified));
	}

	/// The most expensive end of an audit: the committee of a contested audit reveals
	/// (one member stays silent and is slashed) and upholds the auditor, so every replica
	/// gets a fault (slashed to the majority and the auditor, if the slash share is set),
	/// both are paid, the pending score is voided and the result withdrawn.
	#[benchmark]
	fn decide_contested_audit(w: Linear<100, 100_000>) {
		let output = vec![5u8; T::MaxOutputLen::get() as usize];
		let found = vec![6u8; T::MaxOutputLen::get() as usize];
		let (job, referees) = contested_audit::<T>(&output, &found);
		T::BenchmarkHelper::fill_class(CLASS, w);
		for r in referees.iter().skip(1) {
			do_reveal::<T>(job, r, &found);
		}
		let at = Jobs::<T>::get(job).expect("job").timeout_at;
		frame_system::Pallet::<T>::set_block_number(at);
		#[block]
		{
			Pallet::<T>::process_timeouts(at, &mut WeightMeter::new());
		}
		assert_eq!(
			Jobs::<T>::get(job).map(|j| j.state),
			Some(JobState::Failed(FailureReason::Overturned))
		);
		assert!(PendingCredits::<T>::get(job).is_empty());
	}

	/// Pruning the largest finished job: a contested audit's, decided by its committee
	/// (replicas, an auditor and a committee, each with an index entry, and the outputs
	/// they revealed), with `MaxReplacements` replaced workers besides.
	#[benchmark]
	fn prune_job() {
		let output = vec![5u8; T::MaxOutputLen::get() as usize];
		let found = vec![6u8; T::MaxOutputLen::get() as usize];
		let (job, referees) = contested_audit::<T>(&output, &found);
		for r in &referees {
			do_reveal::<T>(job, r, &found);
		}
		let mut record = Jobs::<T>::get(job).expect("job");
		assert!(!record.state.is_open(), "the committee decided");
		let replaced: Vec<T::AccountId> =
			(0..T::MaxReplacements::get()).map(|i| funded::<T>("replaced", i)).collect();
		for worker in &replaced {
			JobsByWorker::<T>::insert(worker, job, Role::Replica);
		}
		Replaced::<T>::insert(job, BoundedVec::truncate_from(replaced));
		#[block]
		{
			Pallet::<T>::prune(job, &mut record);
		}
		assert!(Jobs::<T>::get(job).is_none());
		assert!(Replaced::<T>::get(job).is_empty());
	}

	#[benchmark]
	fn set_audit_rate() {
		#[extrinsic_call]
		_(RawOrigin::Root, sp_runtime::Perbill::from_percent(7));
		assert_eq!(AuditRate::<T>::get(), sp_runtime::Perbill::from_percent(7));
	}

	/// An audit delay ending without an audit: every replica's pending score is credited
	/// (to the compute sink: pallet-povc's scores) and the job ends. (With an audit, the
	/// timeout draws one auditor instead, a smaller draw than `draw_referees`.)
	#[benchmark]
	fn conclude_audit() {
		let job = audit_pending::<T>(&[5u8; 64]);
		let mut record = Jobs::<T>::get(job).expect("job");
		let assignments = Assignments::<T>::get(job);
		#[block]
		{
			Pallet::<T>::conclude_audit(job, &mut record, &assignments);
		}
		assert_eq!(record.state, JobState::Verified);
		assert!(PendingCredits::<T>::get(job).is_empty());
	}

	/// The end of a verified job's audit delay with a registry of `w` workers (a timeout of
	/// `AuditPending`), in its dearest outcome: the roll hits and an auditor is drawn.
	#[benchmark]
	fn start_audit(w: Linear<100, 100_000>) {
		let job = audit_pending::<T>(&[5u8; 64]);
		T::BenchmarkHelper::fill_class(CLASS, w);
		AuditRate::<T>::put(sp_runtime::Perbill::one());
		let at = Jobs::<T>::get(job).expect("job").timeout_at;
		frame_system::Pallet::<T>::set_block_number(at);
		#[block]
		{
			Pallet::<T>::process_timeouts(at, &mut WeightMeter::new());
		}
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Auditing));
	}

	/// Drawing a dispute's referee committee from a registry of `w` workers (a timeout of
	/// `DrawingReferees`).
	#[benchmark]
	fn draw_referees(w: Linear<100, 100_000>) {
		let job = disputed_before_draw::<T>(b"out", 1);
		T::BenchmarkHelper::fill_class(CLASS, w);
		let at = Jobs::<T>::get(job).expect("job").timeout_at;
		frame_system::Pallet::<T>::set_block_number(at);
		#[block]
		{
			Pallet::<T>::process_timeouts(at, &mut WeightMeter::new());
		}
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::RefereesCommitting));
	}

	/// Drawing the replicas of one queued job from a registry of `w` workers (whose trees
	/// are as high as the largest registry makes them); the job waited, so it pays its
	/// queue fee and gets the rest of its allowance back.
	#[benchmark]
	fn assign_queued(w: Linear<100, 100_000>) {
		let requester = funded::<T>("requester", 0);
		let program = super::upload_program::<T>(&requester);
		let job = Pallet::<T>::do_submit(requester, max_spec::<T>(program)).expect("submit");
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Queued));
		fill_registry::<T>(w);
		let waited = T::DrawDelay::get().saturating_add(10u32.into());
		let now = frame_system::Pallet::<T>::block_number().saturating_add(waited);
		frame_system::Pallet::<T>::set_block_number(now);
		#[block]
		{
			Pallet::<T>::assign_from_queue(now, &mut WeightMeter::new());
		}
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Committing));
	}

	/// The last failed draw of a queued job at the front of a full queue: its reputation
	/// floor is above every worker's of a registry of `w`, so the draw rejects as many
	/// candidates as it may, and the job fails `NoEligibleWorkers`: its queue fee is burned,
	/// its escrow refunded and its entry removed from the full queue. The meter holds this
	/// one draw: the hook charges each job it reads behind it on its own.
	#[benchmark]
	fn fail_queued(w: Linear<100, 100_000>) {
		fill_registry::<T>(w);
		let requester = funded::<T>("picky", 0);
		let program = super::upload_program::<T>(&requester);
		let mut spec = max_spec::<T>(program);
		spec.min_reputation = T::MaxMinReputation::get();
		let job = Pallet::<T>::do_submit(requester, spec).expect("submit");
		let mut record = Jobs::<T>::get(job).expect("job");
		record.failed_draws = (T::MaxFailedDraws::get().saturating_sub(1)) as u16;
		Jobs::<T>::insert(job, record);
		let waited = T::DrawDelay::get().saturating_add(10u32.into());
		let now = frame_system::Pallet::<T>::block_number().saturating_add(waited);
		frame_system::Pallet::<T>::set_block_number(now);
		// The rest of the queue was submitted now: it keeps its place.
		fill_queue::<T>(program, T::MaxQueueLen::get() - 1);
		// One draw at this registry's size, and the read of that size.
		let draw = Pallet::<T>::draw_weight(Pallet::<T>::registry_size());
		let mut one_draw =
			WeightMeter::with_limit(draw.saturating_add(T::DbWeight::get().reads(1)));
		#[block]
		{
			Pallet::<T>::assign_from_queue(now, &mut one_draw);
		}
		assert_eq!(
			Jobs::<T>::get(job).map(|j| j.state),
			Some(JobState::Failed(FailureReason::NoEligibleWorkers))
		);
	}

	/// The end of a narrowing at its timeout with `w` workers registered: of `MaxReplicas`
	/// replicas with different results, two published theirs (both as long as a batch's
	/// output can be) and are paid; every other one is slashed; the job is verified with
	/// one disputed task and the other output removed.
	#[benchmark]
	fn conclude_narrowing(w: Linear<100, 100_000>) {
		let job = narrowing_with_two_published::<T>();
		T::BenchmarkHelper::fill_class(CLASS, w);
		let at = Jobs::<T>::get(job).expect("job").timeout_at;
		frame_system::Pallet::<T>::set_block_number(at);
		#[block]
		{
			Pallet::<T>::process_timeouts(at, &mut WeightMeter::new());
		}
		assert_eq!(Jobs::<T>::get(job).map(|j| j.state), Some(JobState::Verified));
		assert_eq!(Narrowings::<T>::get(job).map(|n| n.disputed_tasks), Some(1));
	}

	impl_benchmark_test_suite!(Pallet, mock::new_test_ext(), mock::Test);
}
