//! Batch jobs: one job, one program, N tasks, and one result the replicas agree on.
//!
//! A batch's input is its N task inputs, SCALE-encoded as a `Vec<Vec<u8>>`; task `i` runs
//! the program on input `i`, with the job's fuel limit and output limit each. Its output
//! is the N tasks' [`TaskOutput`]s, SCALE-encoded as a `Vec<TaskOutput>`, and what replicas
//! commit to in place of an output hash is the root of a binary Merkle tree over the
//! tasks' [`task_leaf`]s ([`output_digest`]). The chain and the worker compute digests
//! with these same functions, so they cannot disagree on the format.
//!
//! The tree commits to every task's status, fuel and output hash, so a single task can
//! later be proven or disputed on its own without the others.

use crate::{ExecutionStatus, Fuel};
use alloc::vec::Vec;
use codec::{Compact, Decode, Encode};
use sp_core::H256;

/// What starting one task of a batch counts for, in fuel, when the chain bounds a batch's
/// work and a worker budgets its time: a fresh instance per task is work that fuel does
/// not meter. A tiny task's run took about 50 µs on the 2-core reference machine when each
/// had a thread and a freshly mapped instance, 8 µs since a batch's runs share a thread
/// and pooled instances (`povc-worker`'s `batch_tasks` bench); this is 2 ms at
/// [`crate::WORST_CASE_FUEL_PER_SECOND`], room for a loaded host. Without it, a batch of
/// 16,384 tasks of 10,000 fuel was budgeted 3.3 s and, run beside others on a loaded
/// worker, outlasted its guard: every replica abstained.
pub const TASK_START_FUEL: Fuel = 100_000;

/// The work a job of `tasks` tasks of `fuel_limit` each may take, in fuel: `fuel_limit`
/// for a single run; for a batch, every task's fuel and [`TASK_START_FUEL`]. It must fit
/// the chain's `MaxFuelLimit`, and is what a worker budgets its time for.
pub fn work_fuel(tasks: u32, fuel_limit: Fuel) -> Fuel {
	match tasks {
		0 | 1 => fuel_limit,
		_ => fuel_limit.saturating_add(TASK_START_FUEL).saturating_mul(tasks.into()),
	}
}

/// Most bytes a task's entry in a batch's output takes besides its output bytes: its
/// status (at most 5), its fuel (8) and its output's compact length (at most 5).
pub const MAX_TASK_OVERHEAD: u32 = 18;

/// Fewest bytes a task's entry in a batch's output takes: a one-byte status, its fuel
/// and an empty output's length.
pub const MIN_TASK_BYTES: u32 = 10;

/// Most bytes a batch's output adds besides its tasks' entries: the compact task count.
pub const MAX_BATCH_OVERHEAD: u32 = 5;

/// One task's part of a batch's output.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug)]
pub struct TaskOutput {
	/// How the task's run ended.
	pub status: ExecutionStatus,
	/// Fuel the task's run consumed.
	pub fuel_used: Fuel,
	/// The task's stdout.
	pub output: Vec<u8>,
}

/// The Merkle leaf of task `index`: `blake2_256(0x00 ‖ SCALE(index, status, fuel, output
/// hash))`. The prefix keeps a leaf from ever passing for an inner node.
pub fn task_leaf(
	index: u32,
	status: &ExecutionStatus,
	fuel_used: Fuel,
	output_hash: &H256,
) -> H256 {
	let mut preimage = alloc::vec![0u8];
	(index, status, fuel_used, output_hash).encode_to(&mut preimage);
	H256(sp_crypto_hashing::blake2_256(&preimage))
}

/// An inner node: `blake2_256(0x01 ‖ left ‖ right)`.
fn node(left: &H256, right: &H256) -> H256 {
	let mut preimage = [0u8; 65];
	preimage[0] = 1;
	preimage[1..33].copy_from_slice(left.as_bytes());
	preimage[33..].copy_from_slice(right.as_bytes());
	H256(sp_crypto_hashing::blake2_256(&preimage))
}

/// The root of the binary Merkle tree over `leaves`, built level by level: pairs are
/// hashed, an odd last node moves up unchanged. `None` for no leaves.
pub fn merkle_root(mut leaves: Vec<H256>) -> Option<H256> {
	let mut len = leaves.len();
	if len == 0 {
		return None;
	}
	while len > 1 {
		let mut next = 0;
		for i in (0..len).step_by(2) {
			leaves[next] = if i + 1 < len { node(&leaves[i], &leaves[i + 1]) } else { leaves[i] };
			next += 1;
		}
		len = next;
	}
	Some(leaves[0])
}

/// The most bytes the output of a job with `tasks` tasks of at most `max_output_len`
/// bytes each can take: `max_output_len` for a single run, each task's entry with its
/// overhead for a batch.
pub fn max_output_bytes(tasks: u32, max_output_len: u32) -> u64 {
	match tasks {
		0 | 1 => max_output_len.into(),
		_ => {
			u64::from(MAX_BATCH_OVERHEAD)
				+ u64::from(tasks) * (u64::from(max_output_len) + u64::from(MAX_TASK_OVERHEAD))
		},
	}
}

/// What replicas commit to for an output of a job with `tasks` tasks: blake2-256 of the
/// bytes for a single run; for a batch, the Merkle root of its tasks' leaves, with the
/// sum of their fuel. `None` if the bytes are not exactly `tasks` task outputs of at most
/// `max_output_len` bytes each.
pub fn output_digest(
	tasks: u32,
	max_output_len: u32,
	output: &[u8],
) -> Option<(H256, Option<Fuel>)> {
	if tasks <= 1 {
		return Some((H256(sp_crypto_hashing::blake2_256(output)), None));
	}
	let leaves = task_leaves(tasks, max_output_len, output)?;
	let fuel = leaves.iter().try_fold(0 as Fuel, |sum, (_, fuel)| sum.checked_add(*fuel))?;
	Some((merkle_root(leaves.into_iter().map(|(leaf, _)| leaf).collect())?, Some(fuel)))
}

/// Each task's [`task_leaf`] and fuel in a batch's output, if the bytes are exactly
/// `tasks` task outputs of at most `max_output_len` bytes each. Two outputs agree on task
/// `i` iff their leaves `i` are equal, which is how a disagreement is narrowed to the
/// tasks it is about.
pub fn task_leaves(tasks: u32, max_output_len: u32, output: &[u8]) -> Option<Vec<(H256, Fuel)>> {
	let mut input = output;
	let count = Compact::<u32>::decode(&mut input).ok()?.0;
	if count != tasks {
		return None;
	}
	let mut leaves = Vec::with_capacity(tasks as usize);
	for index in 0..tasks {
		let status = ExecutionStatus::decode(&mut input).ok()?;
		let fuel_used = Fuel::decode(&mut input).ok()?;
		let bytes = take_bytes(&mut input)?;
		if bytes.len() > max_output_len as usize {
			return None;
		}
		let output_hash = H256(sp_crypto_hashing::blake2_256(bytes));
		leaves.push((task_leaf(index, &status, fuel_used, &output_hash), fuel_used));
	}
	input.is_empty().then_some(leaves)
}

/// The inputs of a batch's tasks, if `input` is exactly a SCALE `Vec<Vec<u8>>` (borrowed,
/// not copied).
pub fn task_inputs(input: &[u8]) -> Option<Vec<&[u8]>> {
	let mut rest = input;
	let count = Compact::<u32>::decode(&mut rest).ok()?.0;
	// Every input takes at least its length byte: a count beyond that is a lie.
	if count as usize > rest.len() {
		return None;
	}
	let mut inputs = Vec::with_capacity(count as usize);
	for _ in 0..count {
		inputs.push(take_bytes(&mut rest)?);
	}
	rest.is_empty().then_some(inputs)
}

/// How many task inputs `input` holds, if it is exactly a SCALE `Vec<Vec<u8>>`; reads it
/// without allocating.
pub fn count_task_inputs(input: &[u8]) -> Option<u32> {
	let mut rest = input;
	let count = Compact::<u32>::decode(&mut rest).ok()?.0;
	for _ in 0..count {
		take_bytes(&mut rest)?;
	}
	rest.is_empty().then_some(count)
}

/// A SCALE `Vec<u8>` from the front of `input`, borrowed.
fn take_bytes<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
	let len = Compact::<u32>::decode(input).ok()?.0 as usize;
	if input.len() < len {
		return None;
	}
	let (bytes, rest) = input.split_at(len);
	*input = rest;
	Some(bytes)
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::MaxEncodedLen;

	fn task(status: ExecutionStatus, fuel_used: Fuel, output: &[u8]) -> TaskOutput {
		TaskOutput { status, fuel_used, output: output.to_vec() }
	}

	#[test]
	fn the_overhead_constants_bound_the_encoding() {
		let overhead = ExecutionStatus::max_encoded_len() + Fuel::max_encoded_len() + 5;
		assert_eq!(MAX_TASK_OVERHEAD as usize, overhead);
		assert_eq!(task(ExecutionStatus::Trapped, 0, &[]).encoded_size(), MIN_TASK_BYTES as usize);
		let entry = task(ExecutionStatus::Exited(u32::MAX), Fuel::MAX, &[7; 100]);
		assert!(entry.encoded_size() <= 100 + MAX_TASK_OVERHEAD as usize);
		assert_eq!(Compact(u32::MAX).encoded_size(), MAX_BATCH_OVERHEAD as usize);
		let tasks = vec![entry.clone(), entry];
		assert!(tasks.encode().len() as u64 <= max_output_bytes(2, 100));
	}

	#[test]
	fn a_batch_digest_is_the_root_of_its_task_leaves_and_its_fuel() {
		let tasks = vec![
			task(ExecutionStatus::Exited(0), 10, b"one"),
			task(ExecutionStatus::Trapped, 20, b""),
			task(ExecutionStatus::OutOfFuel, 30, b"three"),
		];
		let leaf = |i: u32, t: &TaskOutput| {
			let hash = H256(sp_crypto_hashing::blake2_256(&t.output));
			task_leaf(i, &t.status, t.fuel_used, &hash)
		};
		let (l0, l1, l2) = (leaf(0, &tasks[0]), leaf(1, &tasks[1]), leaf(2, &tasks[2]));
		let expected = node(&node(&l0, &l1), &l2);
		assert_eq!(output_digest(3, 8, &tasks.encode()), Some((expected, Some(60))));
		// A single run's digest is the hash of its bytes, whatever they are.
		let bytes = tasks.encode();
		assert_eq!(
			output_digest(1, 0, &bytes),
			Some((H256(sp_crypto_hashing::blake2_256(&bytes)), None))
		);
	}

	#[test]
	fn every_task_is_bound_by_the_root() {
		let tasks: Vec<TaskOutput> =
			(0..5u8).map(|i| task(ExecutionStatus::Exited(0), i.into(), &[i])).collect();
		let (root, _) = output_digest(5, 8, &tasks.encode()).unwrap();
		for i in 0..5 {
			let mut changed = tasks.clone();
			changed[i].output.push(1);
			assert_ne!(output_digest(5, 8, &changed.encode()).unwrap().0, root, "output {i}");
			let mut changed = tasks.clone();
			changed[i].fuel_used += 1;
			assert_ne!(output_digest(5, 8, &changed.encode()).unwrap().0, root, "fuel {i}");
		}
		// Swapping two tasks changes the root: a leaf binds its index.
		let mut swapped = tasks.clone();
		swapped.swap(1, 2);
		assert_ne!(output_digest(5, 8, &swapped.encode()).unwrap().0, root);
	}

	#[test]
	fn two_outputs_differ_exactly_in_the_leaves_of_the_tasks_they_differ_on() {
		let tasks: Vec<TaskOutput> =
			(0..5u8).map(|i| task(ExecutionStatus::Exited(0), i.into(), &[i])).collect();
		let mut lie = tasks.clone();
		lie[3].output.push(b'!');
		let (ours, theirs) = (
			task_leaves(5, 8, &tasks.encode()).unwrap(),
			task_leaves(5, 8, &lie.encode()).unwrap(),
		);
		let differing: Vec<usize> = (0..5).filter(|i| ours[*i] != theirs[*i]).collect();
		assert_eq!(differing, vec![3]);
		assert_eq!(ours.iter().map(|(_, fuel)| fuel).sum::<Fuel>(), 10);
		assert_eq!(task_leaves(4, 8, &tasks.encode()), None, "a count that is not the job's");
	}

	#[test]
	fn malformed_batch_outputs_have_no_digest() {
		let tasks = vec![
			task(ExecutionStatus::Exited(0), 1, b"a"),
			task(ExecutionStatus::Exited(0), 2, b"b"),
		];
		let bytes = tasks.encode();
		assert!(output_digest(2, 1, &bytes).is_some());
		assert_eq!(output_digest(2, 0, &bytes), None, "a task's output is too long");
		assert_eq!(output_digest(3, 1, &bytes), None, "wrong count");
		assert_eq!(output_digest(2, 1, &bytes[..bytes.len() - 1]), None, "truncated");
		assert_eq!(output_digest(2, 1, &[bytes.clone(), vec![0]].concat()), None, "trailing bytes");
		assert_eq!(output_digest(2, 1, &[]), None);
		let overflow = vec![
			task(ExecutionStatus::Exited(0), Fuel::MAX, b""),
			task(ExecutionStatus::Exited(0), 1, b""),
		];
		assert_eq!(output_digest(2, 1, &overflow.encode()), None, "fuel overflows");
	}

	#[test]
	fn task_inputs_are_exactly_a_list_of_byte_strings() {
		let inputs: Vec<Vec<u8>> = vec![b"1".to_vec(), Vec::new(), b"333".to_vec()];
		let bytes = inputs.encode();
		assert_eq!(task_inputs(&bytes), Some(vec![&b"1"[..], &[][..], &b"333"[..]]));
		assert_eq!(count_task_inputs(&bytes), Some(3));
		for bad in [&bytes[..bytes.len() - 1], &[bytes.clone(), vec![0]].concat()[..], &[][..]] {
			assert_eq!(task_inputs(bad), None);
			assert_eq!(count_task_inputs(bad), None);
		}
		// A count no input bytes back up is refused before anything is allocated.
		let lie = Compact(u32::MAX).encode();
		assert_eq!(task_inputs(&lie), None);
		assert_eq!(count_task_inputs(&lie), None);
	}

	#[test]
	fn a_batchs_work_counts_starting_each_task() {
		assert_eq!(work_fuel(1, 5), 5);
		assert_eq!(work_fuel(3, 5), 3 * (5 + TASK_START_FUEL));
		assert_eq!(work_fuel(u32::MAX, Fuel::MAX), Fuel::MAX);
	}

	#[test]
	fn the_merkle_root_promotes_an_odd_node() {
		let leaves: Vec<H256> = (0..7u8).map(|i| H256::repeat_byte(i)).collect();
		let l = &leaves;
		let expected = node(
			&node(&node(&l[0], &l[1]), &node(&l[2], &l[3])),
			&node(&node(&l[4], &l[5]), &l[6]),
		);
		assert_eq!(merkle_root(leaves.clone()), Some(expected));
		assert_eq!(merkle_root(vec![l[3]]), Some(l[3]));
		assert_eq!(merkle_root(Vec::new()), None);
	}
}
