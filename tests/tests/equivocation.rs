//! A real equivocation on the 4-validator local testnet: Charlie's keys run on a second
//! node too. The other validators see two blocks of one of his slots, or two votes of his
//! in one round, report them (an unsigned transaction with a key-ownership proof), and the
//! runtime punishes Charlie: a share of his candidacy deposit burned, his score zeroed,
//! his candidacy ended, Charlie disabled for the rest of the session. Finality goes on.
//! (Charlie holds a quarter of the weight: he wins a slot in eleven, and finality does
//! not need him.)
//!
//! Two tests, two testnets: a disabled validator authors no more blocks, so once double
//! votes (which come within seconds) are punished, a double block (which waits for one of
//! Charlie's slots) can no longer happen; the BABE report gets a twin that only authors.

use std::{
	sync::atomic::{AtomicU32, Ordering},
	time::Duration,
};

use codec::Decode;
use jsonrpsee::ws_client::WsClient;
use povc_e2e::{
	chain::{self, wait_for, wait_for_finalized},
	node::{run_node_command, Node, NodeConfig},
	testnet,
};
use povc_runtime::{AccountId, Hash, Runtime, RuntimeEvent};
use sp_keyring::Sr25519Keyring;

const MINUTE: Duration = Duration::from_secs(60);

/// The block that punished `offender`, with the slash and the block's events, looking
/// from block `from` on (and moving `from` past the blocks looked at).
async fn punishment(
	client: &WsClient,
	offender: &AccountId,
	from: &AtomicU32,
) -> povc_e2e::Result<Option<(u32, Hash, u128, Vec<RuntimeEvent>)>> {
	let best = chain::best_number(client).await?;
	while from.load(Ordering::Relaxed) <= best {
		let number = from.load(Ordering::Relaxed);
		let hash = chain::block_hash(client, number).await?.ok_or("a best-chain block")?;
		let events: Vec<RuntimeEvent> =
			chain::events(client, hash).await?.into_iter().map(|r| r.event).collect();
		let slashed =
			events.iter().find_map(|event| match event {
				RuntimeEvent::Povc(pallet_povc::Event::Punished {
					offender: who, slashed, ..
				}) if who == offender => Some(*slashed),
				_ => None,
			});
		if let Some(slashed) = slashed {
			return Ok(Some((number, hash, slashed, events)));
		}
		from.fetch_add(1, Ordering::Relaxed);
	}
	Ok(None)
}

/// The value stored under `key` at `at`, decoded.
async fn decoded<T: Decode>(
	client: &WsClient,
	key: &[u8],
	at: Hash,
) -> povc_e2e::Result<Option<T>> {
	let bytes = chain::storage(client, key, Some(at)).await?;
	Ok(bytes.map(|bytes| T::decode(&mut &bytes[..])).transpose()?)
}

/// A twin with only Charlie's BABE key authors his slots and casts no vote: the two blocks
/// of one slot are reported and punished.
#[tokio::test(flavor = "multi_thread")]
async fn a_validator_authoring_twice_is_reported_and_punished_and_finality_goes_on() {
	let kinds = twin_is_punished(Some(("babe", "sr25519"))).await;
	assert!(kinds.iter().any(|kind| kind.starts_with("babe")), "{kinds:?}");
}

/// A twin with all of Charlie's keys, syncing from genesis, also votes in his name, on the
/// blocks it has: double votes (which come within seconds, before a slot of Charlie's) or
/// double blocks are reported and punished.
#[tokio::test(flavor = "multi_thread")]
async fn a_validator_running_twice_is_reported_and_punished_and_finality_goes_on() {
	let kinds = twin_is_punished(None).await;
	assert!(!kinds.is_empty());
}

/// Start the local testnet and a twin of Charlie holding only his key `key` (key type,
/// scheme), or all his keys; wait until Charlie is punished and check the punishment: a
/// share of the deposit burned, score zeroed, candidacy ended, Charlie disabled; then
/// finality goes on with the twin still running. Returns the kinds of offences reported.
async fn twin_is_punished(key: Option<(&str, &str)>) -> Vec<String> {
	let dir = tempfile::tempdir().unwrap();
	let spec = testnet::local_spec_with_timing(dir.path(), 2_000, 300).unwrap();
	let spec = spec.to_str().unwrap();
	let nodes = testnet::start_validators(spec, dir.path()).await.unwrap();
	let client = nodes[0].client().await.unwrap();
	wait_for_finalized(&client, 2, 2 * MINUTE).await.unwrap();

	let started = std::time::Instant::now();
	let bootnode = nodes[0].multiaddr().await.unwrap();
	let mut twin = start_twin(spec, dir.path(), key, &bootnode).await;
	let dump_logs = || {
		nodes
			.iter()
			.chain([&twin])
			.map(|n| format!("--- {:?}\n{}", n.config.base_path, n.log_tail()))
			.collect::<Vec<_>>()
			.join("\n")
	};

	let charlie = Sr25519Keyring::Charlie.to_account_id();
	let from = AtomicU32::new(1);
	let (number, hash, slashed, events) =
		wait_for("Charlie punished", 6 * MINUTE, || punishment(&client, &charlie, &from))
			.await
			.unwrap_or_else(|e| panic!("{e}\n{}", dump_logs()));
	println!(
		"Charlie punished in block {number}, {:?} after his twin started: {slashed} planck of \
		 his deposit burned",
		started.elapsed()
	);

	// The report went through pallet-offences, and took at least 10 % of the deposit.
	let kinds: Vec<String> = events
		.iter()
		.filter_map(|event| match event {
			RuntimeEvent::Offences(pallet_offences::Event::Offence { kind, .. }) => {
				Some(String::from_utf8_lossy(kind).into_owned())
			},
			_ => None,
		})
		.collect();
	println!("offences reported: {kinds:?}");
	let deposit = <Runtime as pallet_povc::Config>::CandidacyDeposit::get();
	assert!(slashed >= deposit / 10, "slashed {slashed} of {deposit}");
	assert_eq!(chain::score_at(&client, &charlie, hash).await.unwrap(), 0, "score zeroed");
	let key = pallet_povc::Candidates::<Runtime>::hashed_key_for(&charlie);
	let candidacy: pallet_povc::Candidacy<u128> =
		decoded(&client, &key, hash).await.unwrap().expect("the rest of the deposit stays held");
	assert!(!candidacy.is_active(), "candidacy ended");
	assert_eq!(candidacy.deposit, deposit - slashed);
	let key = pallet_session::Validators::<Runtime>::hashed_key();
	let validators: Vec<AccountId> = decoded(&client, &key, hash).await.unwrap().unwrap();
	let charlie_index = validators.iter().position(|v| *v == charlie).unwrap() as u32;
	let key = pallet_session::DisabledValidators::<Runtime>::hashed_key();
	let disabled: Vec<(u32, sp_staking::offence::OffenceSeverity)> =
		decoded(&client, &key, hash).await.unwrap().unwrap_or_default();
	assert!(
		disabled.iter().any(|(index, _)| *index == charlie_index),
		"Charlie disabled: {disabled:?}"
	);

	// Finality goes on, with the twin still running.
	wait_for_finalized(&client, number + 3, 3 * MINUTE)
		.await
		.unwrap_or_else(|e| panic!("finality after the report: {e}\n{}", dump_logs()));
	twin.stop();
	kinds
}

/// A validator node of `spec` under `dir` with Charlie's keys, its own database and
/// network key, booting from `bootnode`: only his key `key` (key type, scheme), or all of
/// them.
async fn start_twin(
	spec: &str,
	dir: &std::path::Path,
	key: Option<(&str, &str)>,
	bootnode: &str,
) -> Node {
	let Some((key_type, scheme)) = key else {
		let mut config = NodeConfig::new(spec, Some("charlie"), dir);
		config.base_path = dir.join("charlie-twin");
		config.bootnodes = vec![bootnode.to_string()];
		return Node::start(config).await.unwrap();
	};
	let mut config = NodeConfig::new(spec, None, dir);
	config.base_path = dir.join("charlie-twin");
	std::fs::create_dir_all(&config.base_path).unwrap();
	let base_path = config.base_path.to_str().unwrap();
	let insert =
		["key", "insert", "--chain", spec, "--base-path", base_path, "--suri", "//Charlie"];
	run_node_command(&[&insert[..], &["--key-type", key_type, "--scheme", scheme]].concat())
		.unwrap();
	let key_file = config.base_path.join("node-key");
	let key_file = key_file.to_str().unwrap();
	run_node_command(&["key", "generate-node-key", "--file", key_file]).unwrap();
	config.bootnodes = vec![bootnode.to_string()];
	config.extra_args = ["--validator", "--node-key-file", key_file].map(String::from).to_vec();
	Node::start(config).await.unwrap()
}
