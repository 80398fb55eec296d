//! The worker pool on the real runtime's configuration: the attacks of issue 29 (a thin
//! class, a re-rolled draw, over-declared capacity) against the draws pallet-jobs makes.

use frame_support::{
	storage::{with_transaction, TransactionOutcome},
	traits::{fungible::Mutate, Get, Hooks},
};
use povc_primitives::{Purpose, SelectionRequest, WorkerRegistry};
use sp_core::H256;
use sp_runtime::{BuildStorage, DispatchError, Permill};

use crate::{
	configs::MinBond, AccountId, Balances, Runtime, RuntimeGenesisConfig, RuntimeOrigin, System,
	Workers, UNIT,
};

const HONEST_CLASS: &[u8] = b"wasmtime-48.0.8/povc-3";
const OWN_CLASS: &[u8] = b"wasmtime-48.0.8/attacker";

fn account(i: u32) -> AccountId {
	AccountId::from(sp_crypto_hashing::blake2_256(&i.to_le_bytes()))
}

fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

/// A chain with both classes allowed, `honest` workers in the honest class and
/// `attackers` in `attacker_class`, all bonding `MinBond` with `capacity`, in effect.
fn market(
	honest: u32,
	attackers: u32,
	attacker_class: &[u8],
	capacity: u32,
) -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		for class in [HONEST_CLASS, OWN_CLASS] {
			Workers::allow_class(RuntimeOrigin::root(), class.to_vec().try_into().unwrap())
				.unwrap();
		}
		for i in 0..honest + attackers {
			let who = account(i);
			Balances::mint_into(&who, 10_000 * UNIT).unwrap();
			let class = if i < honest { HONEST_CLASS } else { attacker_class };
			Workers::register(
				signed(&who),
				MinBond::get(),
				capacity,
				class.to_vec().try_into().unwrap(),
			)
			.unwrap();
		}
		Workers::activate_all_now();
	});
	ext
}

fn is_attacker(who: &AccountId, honest: u32, attackers: u32) -> bool {
	(honest..honest + attackers).any(|i| account(i) == *who)
}

fn draw(count: u32, seed: u64) -> Option<Vec<AccountId>> {
	Workers::select(&SelectionRequest {
		count,
		min_reputation: Permill::zero(),
		exclude: &[],
		seed: H256::from_low_u64_be(seed),
		purpose: Purpose::Replicas,
	})
}

/// A thin class is no private class: an attacker with f = 0.2 of the bond, alone in a class
/// of its own, got every replica of about f of all jobs when a job's replicas came from one
/// class picked by stake. In one pool: at most f^R + 3σ of 10,000 drawn jobs.
#[test]
fn an_attacker_alone_in_its_own_class_gets_all_replicas_of_at_most_f_to_the_r() {
	const DRAWS: u64 = 10_000;
	let (honest, attackers) = (80, 20);
	market(honest, attackers, OWN_CLASS, 4).execute_with(|| {
		let all_attacker = (0..DRAWS)
			.filter(|seed| {
				let drawn = draw(3, *seed).expect("enough workers");
				drawn.iter().all(|w| is_attacker(w, honest, attackers))
			})
			.count() as f64;
		let measured = all_attacker / DRAWS as f64;
		let f_r = 0.2f64.powi(3);
		let sigma = (f_r * (1.0 - f_r) / DRAWS as f64).sqrt();
		println!(
			"own class: {measured:.4} of jobs all the attacker's, f^R = {f_r:.4}, σ = {sigma:.4}"
		);
		assert!(measured <= f_r + 3.0 * sigma, "{measured} > f^R + 3σ");
	});
}

/// The author of block `n − 1` knows the randomness block `n` draws with. It tries 10^4
/// variants of its block (`bond_more(δ)` of its workers), each followed by block `n`'s
/// draws: none changes which workers a queued job gets.
#[test]
fn an_author_trying_ten_thousand_bond_more_variants_cannot_change_a_draw() {
	use pallet_jobs::Assignments;
	let (honest, attackers) = (40, 10);
	market(honest, attackers, HONEST_CLASS, 4).execute_with(|| {
		let requester = account(10_000);
		Balances::mint_into(&requester, 10_000 * UNIT).unwrap();
		let code =
			wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start")))"#)
				.unwrap();
		let program = H256(sp_crypto_hashing::blake2_256(&code));
		pallet_jobs::Pallet::<Runtime>::upload_program(signed(&requester), code).unwrap();
		let spec = crate::tests::small_job(program, 3);
		pallet_jobs::Pallet::<Runtime>::submit_job(signed(&requester), spec).unwrap();
		let job = pallet_jobs::NextJobId::<Runtime>::get() - 1;
		let delay: crate::BlockNumber =
			<<Runtime as pallet_jobs::Config>::DrawDelay as Get<_>>::get();
		let draw_block = 1 + delay;
		let drawn_after = |variant: &dyn Fn() -> Result<(), DispatchError>| {
			with_transaction(|| {
				variant().unwrap();
				System::set_block_number(draw_block);
				Workers::on_initialize(draw_block);
				pallet_jobs::Pallet::<Runtime>::on_initialize(draw_block);
				let workers: Vec<AccountId> =
					Assignments::<Runtime>::get(job).iter().map(|a| a.worker.clone()).collect();
				TransactionOutcome::Rollback(Ok::<_, DispatchError>(workers))
			})
			.unwrap()
		};
		let honest_draw = drawn_after(&|| Ok(()));
		assert_eq!(honest_draw.len(), 3);
		for variant in 0..10_000u32 {
			let who = account(honest + variant % attackers);
			let amount = u128::from(1 + variant / attackers);
			let drawn = drawn_after(&|| Workers::bond_more(signed(&who), amount));
			assert_eq!(drawn, honest_draw, "bond_more({amount}) re-rolled the draw");
		}
	});
}

/// Declaring more slots than one serves: a worker declaring `MaxCapacity` (256) kept its
/// full bond's weight while it had any slot free, however many jobs it already held and
/// could not run. Here it holds 192 (three quarters of its slots) while 19 honest workers
/// of equal bond, declaring 4, hold 2 each: it was drawn for 1/20 of new jobs, its bond
/// share; weighed by free slots, `(1/4) / (1/4 + 19 × 1/2)` ≈ 1/39.
#[test]
fn a_worker_holding_jobs_it_cannot_run_is_drawn_less() {
	let honest = 19;
	let declared: u32 = <<Runtime as pallet_workers::Config>::MaxCapacity as Get<_>>::get();
	let mut ext = market(honest, 0, HONEST_CLASS, 4);
	ext.execute_with(|| {
		let attacker = account(honest);
		Balances::mint_into(&attacker, 10_000 * UNIT).unwrap();
		let class = HONEST_CLASS.to_vec().try_into().unwrap();
		Workers::register(signed(&attacker), MinBond::get(), declared, class).unwrap();
		Workers::activate_all_now();
		for _ in 0..declared * 3 / 4 {
			Workers::assign(&attacker).unwrap();
		}
		for i in 0..honest {
			for _ in 0..2 {
				Workers::assign(&account(i)).unwrap();
			}
		}
		const DRAWS: u64 = 10_000;
		let to_attacker =
			(0..DRAWS).filter(|seed| draw(1, *seed) == Some(vec![attacker.clone()])).count();
		let share = to_attacker as f64 / DRAWS as f64;
		println!("over-declared capacity, 3/4 full: {share:.4} of draws, bond share 0.05");
		// Expected 0.026, σ ≈ 0.0016.
		assert!(share < 0.035, "drawn for {share} of the jobs");
	});
}
