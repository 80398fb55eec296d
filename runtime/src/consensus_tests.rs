//! Consensus on the real runtime's configuration: finality weighted by score, and
//! equivocations punished through pallet-offences (issue 30).

use frame_support::traits::{fungible::Mutate, Hooks, KeyOwnerProofSystem};
use povc_primitives::VerifiedComputeSink;
use sp_core::Pair;
use sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;
use sp_keyring::Sr25519Keyring;
use sp_staking::offence::ReportOffence;

use crate::{
	tests::preset_storage, AccountId, Balances, Grandpa, Historical, Povc, Runtime, RuntimeOrigin,
	SessionKeys, System,
};

/// A candidate made in the test: its account and session keys.
struct Candidate {
	account: AccountId,
	keys: SessionKeys,
}

/// Account `i` becomes a candidate with session keys and `score` of verified compute.
fn candidate(i: u8, score: u128) -> Candidate {
	let seed = [i; 32];
	let account = AccountId::from(sp_core::sr25519::Pair::from_seed(&seed).public());
	let keys = SessionKeys {
		babe: sp_core::sr25519::Pair::from_seed(&[i ^ 0xff; 32]).public().into(),
		grandpa: sp_core::ed25519::Pair::from_seed(&seed).public().into(),
	};
	let deposit: u128 = <Runtime as pallet_povc::Config>::CandidacyDeposit::get();
	Balances::set_balance(&account, 10 * deposit);
	<pallet_session::Pallet<Runtime> as pallet_session::SessionInterface>::set_keys(
		&account,
		keys.clone(),
	)
	.expect("keys are new");
	Povc::validate(RuntimeOrigin::signed(account.clone())).expect("a candidate");
	Povc::note_verified_compute(&account, &account, score);
	Candidate { account, keys }
}

/// Ends the session in a block whose end applies GRANDPA's scheduled change.
fn end_session() {
	crate::Session::rotate_session();
	let block = System::block_number();
	pallet_grandpa::Pallet::<Runtime>::on_finalize(block);
	System::set_block_number(block + 1);
}

/// The local testnet's genesis, at block 1.
fn local_testnet() -> sp_io::TestExternalities {
	let mut ext = preset_storage(LOCAL_TESTNET_RUNTIME_PRESET);
	ext.execute_with(|| {
		System::set_block_number(1);
		pallet_babe::Initialized::<Runtime>::put(None::<sp_consensus_babe::digests::PreDigest>);
	});
	ext
}

/// GRANDPA's weight of `candidates` over its total.
fn finality_share(candidates: &[Candidate]) -> f64 {
	let set = Grandpa::grandpa_authorities();
	let total: u64 = set.iter().map(|(_, weight)| weight).sum();
	let theirs: u64 = set
		.iter()
		.filter(|(key, _)| candidates.iter().any(|c| &c.keys.grandpa == key))
		.map(|(_, weight)| weight)
		.sum();
	theirs as f64 / total as f64
}

/// The attack: with 20 honest validators, 11 identities that each ran one tiny job held 11
/// of 31 equal GRANDPA votes (35 %, more than the third that halts finality) for 11,000
/// POVC of refundable deposits. Now GRANDPA's weights are the score-capped BABE weights,
/// and a candidate below 0.5 % of the total score is not elected at all.
#[test]
fn token_score_candidates_hold_no_finality_weight() {
	local_testnet().execute_with(|| {
		let unit = crate::genesis_config_presets::LOCAL_SCORE_UNIT;
		let honest: Vec<_> = (0..20).map(|i| candidate(i, 1_000 * unit * (1 + i as u128 % 3))).collect();
		let attackers: Vec<_> = (100..111).map(|i| candidate(i, 1)).collect();
		for _ in 0..3 {
			end_session();
		}
		let set = Grandpa::grandpa_authorities();
		println!(
			"GRANDPA set: {} authorities; equal votes would give the attackers {:.1} %, weights give {:.2} %",
			set.len(),
			100.0 * 11.0 / (set.len() + 11) as f64,
			100.0 * finality_share(&attackers)
		);
		assert!(finality_share(&attackers) < 0.05, "attackers hold under 5 % of finality");
		assert_eq!(finality_share(&attackers), 0.0, "below the minimum share: not elected");
		let elected = Povc::authorities_view().current;
		assert!(attackers.iter().all(|a| elected.iter().all(|v| v.account != a.account)));
		assert!(finality_share(&honest) > 0.99);
		Povc::do_try_state().unwrap();
	});
}

/// Finality follows the same weights as block production: every GRANDPA authority holds
/// the weight its validator holds in BABE's current set, updated at every session change,
/// even when the validators stay and only their scores move.
#[test]
fn grandpa_weights_are_the_babe_weights_of_the_current_set() {
	local_testnet().execute_with(|| {
		let grandpa_matches_babe = || {
			let babe: Vec<u64> =
				pallet_babe::Authorities::<Runtime>::get().iter().map(|(_, w)| *w).collect();
			let grandpa: Vec<u64> =
				Grandpa::grandpa_authorities().iter().map(|(_, w)| *w).collect();
			assert_eq!(grandpa, babe, "in the session order of both");
			grandpa
		};
		let genesis = grandpa_matches_babe();
		assert_eq!(genesis, vec![500_000_000, 250_000_000, 125_000_000, 125_000_000]);
		let set_id = pallet_grandpa::CurrentSetId::<Runtime>::get();
		// Same validators, new scores: Alice's workers earn 7 units.
		let alice = Sr25519Keyring::Alice.to_account_id();
		let unit = crate::genesis_config_presets::LOCAL_SCORE_UNIT;
		Povc::note_verified_compute(&alice, &alice, 7 * unit);
		for _ in 0..3 {
			end_session();
			grandpa_matches_babe();
		}
		let weights = grandpa_matches_babe();
		assert_ne!(weights, genesis, "the new scores reached finality");
		assert!(pallet_grandpa::CurrentSetId::<Runtime>::get() > set_id);
		Povc::do_try_state().unwrap();
	});
}

/// The wiring of a report: the historical root proves who held a key in a session,
/// pallet-offences hands the offence to pallet-povc, which punishes: deposit share
/// burned ((3·1/4)² of it here, the offence's fraction for 1 of 4 beating the 10 %
/// minimum), score zeroed, candidacy ended, disabled in pallet-session.
#[test]
fn a_proven_babe_equivocation_is_punished() {
	local_testnet().execute_with(|| {
		let dave = Sr25519Keyring::Dave.to_account_id();
		let dave_babe: sp_consensus_babe::AuthorityId = Sr25519Keyring::Dave.public().into();
		let proof = Historical::prove((sp_consensus_babe::KEY_TYPE, dave_babe.clone()))
			.expect("the genesis session's root proves Dave's key");
		let offender =
			Historical::check_proof((sp_consensus_babe::KEY_TYPE, dave_babe), proof.clone())
				.expect("a valid membership proof");
		assert_eq!(offender.0, dave);
		let held_before = <Runtime as pallet_povc::Config>::CandidacyDeposit::get();
		let offence = || pallet_babe::EquivocationOffence {
			slot: 7u64.into(),
			session_index: proof.session,
			validator_set_count: proof.validator_count,
			offender: offender.clone(),
		};
		<crate::Offences as ReportOffence<_, _, _>>::report_offence(vec![], offence())
			.expect("a new offence");

		let slashed = held_before * 5625 / 10_000;
		System::assert_has_event(
			pallet_povc::Event::Punished { offender: dave.clone(), slashed, session: 0 }.into(),
		);
		assert_eq!(Povc::score_of(&dave), 0);
		assert!(!Povc::is_candidate(&dave));
		let index = crate::Session::validators().iter().position(|v| *v == dave).unwrap() as u32;
		assert!(crate::Session::disabled_validators().contains(&index));
		// The same report again is refused; nobody is punished twice.
		assert!(
			<crate::Offences as ReportOffence<_, _, _>>::report_offence(vec![], offence()).is_err()
		);
		Povc::do_try_state().unwrap();
	});
}
