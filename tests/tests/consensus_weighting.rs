//! BABE follows the compute weights: the 4-validator local testnet with genesis scores
//! 1 : 1 : 2 : 4 runs for a number of slots, and each validator's share of the
//! primary-slot blocks is compared with its weight share.
//!
//! `POVC_WEIGHTING_SLOTS` sets the length of the run (default 150, a quick check). From
//! 400 slots on, the test asserts what `scripts/povc-weighting.sh` reports: every
//! primary-slot share within 8 points of the weight share, and the heaviest validator
//! authoring at least 2.5 times the blocks of a lightest one.

use std::time::Duration;

use povc_e2e::{
	chain::{self, wait_for},
	testnet::{self, Production, VALIDATORS},
};

/// 1 s slots keep the run short; 50-slot epochs make the authority set change (and
/// GRANDPA's set id advance) several times during it.
const SLOT_MS: u64 = 1_000;
const EPOCH_SLOTS: u64 = 50;
/// Slots below which the statistical bounds are not asserted (too few blocks).
const FULL_RUN_SLOTS: u64 = 400;

#[tokio::test(flavor = "multi_thread")]
async fn block_production_follows_the_compute_weights() {
	let slots: u64 = std::env::var("POVC_WEIGHTING_SLOTS")
		.ok()
		.map(|s| s.parse().expect("POVC_WEIGHTING_SLOTS is a number of slots"))
		.unwrap_or(150);
	let dir = tempfile::tempdir().unwrap();
	let spec = testnet::local_spec_with_timing(dir.path(), SLOT_MS, EPOCH_SLOTS).unwrap();
	let nodes = testnet::start_validators(spec.to_str().unwrap(), dir.path()).await.unwrap();
	let client = nodes[0].client().await.unwrap();

	// The genesis weights: Dave 4/8, Charlie 2/8, Alice and Bob 1/8.
	let set = testnet::authorities(&client, None).await.unwrap();
	let expected = [0.125, 0.125, 0.25, 0.5];
	for (validator, share) in VALIDATORS.iter().zip(expected) {
		let actual = testnet::share_of(&set["current"], &validator.to_account_id());
		assert_eq!(actual, Some(share), "{validator:?} in {set}");
	}

	// Measure from the first block after every node is up.
	let start = chain::wait_for_best(&client, 1, Duration::from_secs(120)).await.unwrap() + 1;
	let set_id_before = testnet::grandpa_set_id(&client).await.unwrap();
	let run = Duration::from_millis(SLOT_MS * slots) + Duration::from_secs(120);
	let first_slot = testnet::slot_at(&client, start - 1).await.unwrap();
	let end = wait_for(&format!("{slots} slots"), run, || async {
		let best = chain::best_number(&client).await?;
		Ok((testnet::slot_at(&client, best).await? >= first_slot + slots).then_some(best))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", nodes[0].log_tail()));
	// Count only finalized blocks: forks are settled.
	chain::wait_for_finalized(&client, end, Duration::from_secs(120))
		.await
		.unwrap_or_else(|e| panic!("finality stalled: {e}\n{}", nodes[0].log_tail()));
	let production = Production::measure(&client, start, end).await.unwrap();
	println!("{}", production.table());

	assert_eq!(production.primary, production.blocks, "primary slots only on weighted chains");
	assert!(
		testnet::grandpa_set_id(&client).await.unwrap() > set_id_before,
		"GRANDPA changed sets with the epochs and kept finalizing"
	);
	let validators = production.heaviest_first();
	assert_eq!(validators.len(), 4);
	let heaviest = validators[0].1;
	if slots >= FULL_RUN_SLOTS {
		for (account, authored) in &validators {
			let gap = production.primary_share(authored) - authored.weight_share;
			assert!(
				gap.abs() <= 0.08,
				"{}: primary-slot share {:.3} vs weight share {:.3}",
				testnet::name_of(account),
				production.primary_share(authored),
				authored.weight_share
			);
		}
		for (account, light) in &validators[2..] {
			assert!(
				f64::from(heaviest.blocks) >= 2.5 * f64::from(light.blocks),
				"the heaviest authored {} blocks, {} {}",
				heaviest.blocks,
				testnet::name_of(account),
				light.blocks
			);
		}
	} else {
		// A short run: expected 1 block in 6 slots for the heaviest against 1 in 30.
		for (_, light) in &validators[2..] {
			assert!(heaviest.primary > light.primary, "{}", production.table());
		}
	}
}
