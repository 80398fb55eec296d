//! Types and traits shared by povc's pallets, the runtime, the node and the clients.
//!
//! The job market is split in two pallets: `pallet-workers` owns the worker registry
//! (bonds, capacity, reputation, slashing, random selection) and `pallet-jobs` owns
//! programs, jobs and their settlement. They meet only through the traits here, so that
//! either side can be tested against the real other one and `pallet-povc` can plug in
//! as the sink of verified compute and as the referee pool.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "serde")]
pub mod amount_string;
pub mod batch;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{DispatchError, DispatchResult, Permill};

/// Identifier of a job, assigned in submission order.
pub type JobId = u64;

/// Units of wasmtime fuel: the deterministic measure of work that replicas agree on and
/// that compute scores are made of.
pub type Fuel = u64;

/// The slowest rate, in fuel per second, at which a worker of a release class must be
/// able to run any job program: memory-bound code that misses the cache on every load
/// (pointer chasing over the sandbox's whole memory) on a modest 2-core machine, with
/// headroom: such a loop (a load and a store at a random address of 512 MiB per 16
/// fuel) measured 3·10^8 fuel per CPU-second on the 2-core reference machine, and
/// 1.2·10^8 fuel per second of wall time with that machine 4× oversubscribed; compute-
/// bound programs run faster still. Under a load of 8 on that machine, a tight loop ran
/// at 6·10^8 fuel/s and random stores over 256 MiB (cache and TLB misses, page faults)
/// at 2.5·10^8: this rate is five times slower than the slowest of those. The chain's
/// `MaxFuelLimit` follows from it (a job must be finishable within the commit period),
/// and the worker's wall-clock guard stops a run far beyond the time it predicts.
pub const WORST_CASE_FUEL_PER_SECOND: Fuel = 50_000_000;

/// The largest linear memory a job program may use, in bytes (8192 pages of 64 KiB):
/// the worker's sandbox traps a program whose memory starts or grows past it, on every
/// worker alike. Whether a run fits is part of its result, so it is a protocol constant.
pub const MAX_MEMORY_BYTES: u64 = 512 << 20;

/// blake2-256 of a worker's class (its engine release; all allowed classes are one pool).
pub type ClassId = H256;

/// How a program run ended, as reported by a worker. Part of the result that replicas
/// must agree on: a trap or running out of fuel is deterministic, so it is a result too.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum ExecutionStatus {
	/// The program exited (returned from `_start`, or called `proc_exit`) with this code.
	Exited(u32),
	/// The program trapped (unreachable, out-of-bounds access, stack overflow, ...).
	Trapped,
	/// The program used all of the job's fuel.
	OutOfFuel,
	/// The program wrote more than the job's `max_output_len` bytes to stdout.
	OutputTooLarge,
}

/// What a worker did wrong; each has its own share of the bond slashed.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Offence {
	/// Revealed a result that the referee committee's majority contradicted.
	WrongResult,
	/// Did not commit before the commit deadline.
	NoShow,
	/// Committed but did not reveal (a matching result) before the reveal deadline.
	NoReveal,
}

/// What drawn workers are for: which tree they come from and who may be drawn.
#[derive(Clone, Copy, Debug)]
pub enum Purpose<AccountId> {
	/// Replicas: workers that can take an assignment now (bond, not paused, a free
	/// capacity slot), weighted by `bond × free slots / capacity`.
	Replicas,
	/// Replicas of a volunteer job (price 0): workers that can take an assignment now and
	/// opted in to volunteer work, weighted as replicas. Nobody is drafted to work unpaid.
	Volunteers,
	/// A referee committee: bonded workers that a validator accepted as its referees
	/// (referees take no capacity slot), weighted by bond, each seated with the chance the
	/// given function gives it ([`RefereePool::referee_chance`]: `None` for one outside
	/// the pool, e.g. of a validator no longer current). Others drawn are rejected and
	/// the draw goes on, a bounded number of times.
	Referees(fn(&AccountId) -> Option<(u128, u128)>),
}

/// Most workers one draw may reject (busy by its free-capacity coin, paused or unbonded
/// since the snapshot, reputation below the job's floor, not in the referee pool) before
/// it gives up. Bounds the draw's reads: each rejection costs one walk.
pub const MAX_REJECTIONS: u32 = 32;

/// A request to draw workers for a job.
#[derive(Clone, Debug)]
pub struct SelectionRequest<'a, AccountId> {
	/// How many distinct workers to draw.
	pub count: u32,
	/// Lowest reputation a drawn worker may have.
	pub min_reputation: Permill,
	/// Accounts that must not be drawn (current and past workers of the job).
	pub exclude: &'a [AccountId],
	/// Randomness for the draw.
	pub seed: H256,
	/// Replicas or referees.
	pub purpose: Purpose<AccountId>,
}

/// The worker registry, as the job market sees it.
pub trait WorkerRegistry<AccountId> {
	/// Currency amounts.
	type Balance;

	/// Draws `request.count` distinct workers from one pool spanning every allowed class,
	/// over the registry's last snapshot (registry changes count only from the second
	/// epoch after they are made, so nobody who knows the seed can re-roll the draw), each
	/// with probability proportional to its snapshot bond among those not drawn or
	/// excluded; a candidate is then accepted with probability `free slots / capacity`
	/// (replicas), and only if it still meets the reputation floor, the purpose's filter
	/// and is neither paused nor unbonded now. O(log n) storage reads per candidate (a
	/// sortition sum tree); rejected candidates count against [`MAX_REJECTIONS`]. Returns
	/// `None` when not enough workers could be drawn; nothing is reserved either way.
	fn select(request: &SelectionRequest<'_, AccountId>) -> Option<Vec<AccountId>>;

	/// Most workers the registry can hold: what weights that take the registry's size as
	/// a component are charged at when it is not read (an extrinsic's declared weight).
	fn max_workers() -> u32;

	/// How many workers are registered now (one storage read): what the block hook's
	/// draws and phase ends are charged at.
	fn registered() -> u32;

	/// The worker took an assignment: one capacity slot is used and unbonding is blocked
	/// until [`Self::release`].
	fn assign(who: &AccountId) -> Result<(), DispatchError>;

	/// An assignment of the worker ended (settled, replaced or cancelled).
	fn release(who: &AccountId);

	/// The worker's result was verified: reputation up.
	fn note_verified(who: &AccountId);

	/// The worker abstained from an assignment: reputation down a little, bond untouched.
	fn note_abstained(who: &AccountId);

	/// Slashes `who` for `offence` (its configured share of the bond) and cuts its
	/// reputation. The slashed funds go to `beneficiaries` in equal parts, or to the
	/// configured slash destination if there are none. Returns the amount slashed.
	fn slash(who: &AccountId, offence: Offence, beneficiaries: &[AccountId]) -> Self::Balance;

	/// Whose compute score the worker's verified compute counts for (itself by default).
	fn compute_beneficiary(who: &AccountId) -> AccountId;
}

/// Where verified compute goes: pallet-povc turns it into compute scores.
///
/// Compute is measured in *value*, not fuel: fuel is free to claim when every replica of
/// a job colludes, the value burned on a verified payment is not. So one unit of score
/// costs one unit of burned value, for an attacker paying its own workers as for an
/// honest requester.
pub trait VerifiedComputeSink<AccountId> {
	/// `worker`'s verified result burned `value` (in the smallest unit of the currency)
	/// of its payment; the score counts for `beneficiary`.
	fn note_verified_compute(worker: &AccountId, beneficiary: &AccountId, value: u128);
}

impl<AccountId> VerifiedComputeSink<AccountId> for () {
	fn note_verified_compute(_: &AccountId, _: &AccountId, _: u128) {}
}

/// Volunteer research projects: accounts that governance approved to submit unpaid
/// (price 0) jobs. Their verified fuel earns score at the project's rate, within the
/// project's score budget per epoch, so that even a compromised project mints a bounded
/// amount of block-production weight.
pub trait VolunteerProjects<AccountId> {
	/// Whether `who` is an approved project now.
	fn is_project(who: &AccountId) -> bool;

	/// The score `fuel` units of the project's verified fuel are worth at its rate, before
	/// its budget; 0 if `project` is not (or no longer) approved.
	fn score_for(project: &AccountId, fuel: Fuel) -> u128;

	/// Credits up to `value` of score to `beneficiary` for `worker`'s verified volunteer
	/// work, within what is left of the project's budget this epoch. Returns the value
	/// credited.
	fn credit(
		project: &AccountId,
		worker: &AccountId,
		beneficiary: &AccountId,
		value: u128,
	) -> u128;
}

impl<AccountId> VolunteerProjects<AccountId> for () {
	fn is_project(_: &AccountId) -> bool {
		false
	}

	fn score_for(_: &AccountId, _: Fuel) -> u128 {
		0
	}

	fn credit(_: &AccountId, _: &AccountId, _: &AccountId, _: u128) -> u128 {
		0
	}
}

/// The workers that may sit on referee committees of disputed jobs: those that a current
/// validator accepted as its referees, each validator's referees seated in at most its
/// share of the draws. A test per candidate, so that committees are drawn from the
/// registry's referee tree without listing the pool.
pub trait RefereePool<AccountId> {
	/// `None` if `who` may not referee now; else the chance `(numerator, denominator)`
	/// (1 if `numerator ≥ denominator`) that a draw meeting it seats it.
	fn referee_chance(who: &AccountId) -> Option<(u128, u128)>;
}

/// The worker registry as consensus sees it: whom a worker's compute counts for, and which
/// validator accepted it as a referee. Consent is two-sided: the worker contributes to the
/// validator, the validator accepts the worker; either side can end it.
pub trait WorkerDirectory<AccountId> {
	/// The worker's compute beneficiary (itself by default); `None` if not registered.
	fn beneficiary_of(who: &AccountId) -> Option<AccountId>;

	/// The validator that accepted the worker as its referee, if any.
	fn referee_for(who: &AccountId) -> Option<AccountId>;

	/// What the draws weigh `validator`'s referees with: the sum of their referee-tree
	/// weights (one read: the registry keeps the sum as the weights change).
	fn referee_weight(validator: &AccountId) -> u128;

	/// `validator` accepts `worker`, which contributes to it, as its referee: the worker
	/// enters its class's referee tree. Fails if the worker is not registered, does not
	/// contribute to `validator`, is a referee already, or `validator` has as many
	/// referees as it may.
	fn accept_referee(validator: &AccountId, worker: &AccountId) -> DispatchResult;

	/// The worker stops being a referee. Returns the validator it refereed for; fails if it
	/// was none's.
	fn remove_referee(worker: &AccountId) -> Result<AccountId, DispatchError>;
}

/// The determinism classes of this release's `povc-worker` (`povc-worker class`): the
/// classes a new chain allows at genesis. A class names the pinned engine and the
/// sandbox's semantics version only: the worker instruments programs so that results and
/// fuel are the same on every architecture, CPU and build, so one release is one class.
pub const RELEASE_CLASSES: &[&str] = &["wasmtime-48.0.8/povc-3"];

/// The commitment a worker submits before revealing its result. It binds the worker's
/// own account, so a commitment copied from another worker can never be revealed.
pub fn result_commitment<AccountId: Encode>(
	job: JobId,
	worker: &AccountId,
	output_hash: &H256,
	fuel_used: Fuel,
	status: &ExecutionStatus,
	salt: &[u8; 32],
) -> H256 {
	let preimage = (job, worker, output_hash, fuel_used, status, salt).encode();
	H256(sp_crypto_hashing::blake2_256(&preimage))
}

/// What a referee's commitment binds in place of the output hash:
/// `blake2_256(SCALE(referee) ‖ output)`. Only who holds the output bytes can compute it,
/// so a referee that learnt a replica's output hash (replicas reveal hashes, never bytes,
/// before the referees have committed) cannot commit to that output without running the
/// job; and one referee's binding is no use to another.
pub fn output_binding<AccountId: Encode>(referee: &AccountId, output: &[u8]) -> H256 {
	let mut preimage = referee.encode();
	preimage.extend_from_slice(output);
	H256(sp_crypto_hashing::blake2_256(&preimage))
}

/// A referee's commitment: [`result_commitment`] with the [`output_binding`] of its output
/// in place of the output hash. Revealed with the output bytes, which the chain hashes
/// to the result's `output_hash` and binds again.
pub fn referee_commitment<AccountId: Encode>(
	job: JobId,
	referee: &AccountId,
	output: &[u8],
	fuel_used: Fuel,
	status: &ExecutionStatus,
	salt: &[u8; 32],
) -> H256 {
	result_commitment(job, referee, &output_binding(referee, output), fuel_used, status, salt)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_referee_commitment_needs_the_output_bytes() {
		let output = b"the output";
		let hash = H256(sp_crypto_hashing::blake2_256(output));
		let status = ExecutionStatus::Exited(0);
		let honest = referee_commitment(1, &7u64, output, 10, &status, &[0; 32]);
		// Knowing the hash (what replicas reveal) gives another commitment.
		assert_ne!(honest, result_commitment(1, &7u64, &hash, 10, &status, &[0; 32]));
		// Another referee's binding of the same output is another value.
		assert_ne!(output_binding(&7u64, output), output_binding(&8u64, output));
		assert_ne!(honest, referee_commitment(1, &8u64, output, 10, &status, &[0; 32]));
		assert_ne!(honest, referee_commitment(1, &7u64, b"other", 10, &status, &[0; 32]));
	}

	#[test]
	fn commitment_binds_every_field() {
		let base = result_commitment(
			1,
			&7u64,
			&H256::repeat_byte(1),
			10,
			&ExecutionStatus::Exited(0),
			&[0; 32],
		);
		let variants = [
			result_commitment(
				2,
				&7u64,
				&H256::repeat_byte(1),
				10,
				&ExecutionStatus::Exited(0),
				&[0; 32],
			),
			result_commitment(
				1,
				&8u64,
				&H256::repeat_byte(1),
				10,
				&ExecutionStatus::Exited(0),
				&[0; 32],
			),
			result_commitment(
				1,
				&7u64,
				&H256::repeat_byte(2),
				10,
				&ExecutionStatus::Exited(0),
				&[0; 32],
			),
			result_commitment(
				1,
				&7u64,
				&H256::repeat_byte(1),
				11,
				&ExecutionStatus::Exited(0),
				&[0; 32],
			),
			result_commitment(
				1,
				&7u64,
				&H256::repeat_byte(1),
				10,
				&ExecutionStatus::Trapped,
				&[0; 32],
			),
			result_commitment(
				1,
				&7u64,
				&H256::repeat_byte(1),
				10,
				&ExecutionStatus::Exited(0),
				&[1; 32],
			),
		];
		for variant in variants {
			assert_ne!(variant, base);
		}
	}

	#[test]
	fn amounts_are_decimal_strings_in_json() {
		#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
		struct View {
			#[serde(with = "crate::amount_string")]
			amount: u128,
			#[serde(with = "crate::amount_string::first_of_pairs")]
			unlocking: Vec<(u128, u32)>,
		}
		let view = View { amount: u128::MAX, unlocking: vec![((1 << 60) + 1, 7)] };
		let json = serde_json::to_value(&view).unwrap();
		assert_eq!(
			json,
			serde_json::json!({
				"amount": "340282366920938463463374607431768211455",
				"unlocking": [["1152921504606846977", 7]],
			})
		);
		assert_eq!(serde_json::from_value::<View>(json).unwrap(), view);
		let number = serde_json::json!({ "amount": 5, "unlocking": [] });
		assert_eq!(serde_json::from_value::<View>(number).unwrap().amount, 5);
		let garbage = serde_json::json!({ "amount": "5 POVC", "unlocking": [] });
		let error = serde_json::from_value::<View>(garbage).unwrap_err().to_string();
		assert!(error.contains("is not an amount"), "{error}");
	}
}
