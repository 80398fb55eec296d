//! A real equivocation on the 4-validator local testnet: Charlie's keys run on two nodes at
//! once, so both author Charlie's slots (and vote in his name). The other validators see
//! the two blocks of one slot, report them (an unsigned transaction with a key-ownership
//! proof), and the runtime punishes Charlie: a share of his candidacy deposit burned, his
//! score zeroed, his candidacy ended, Charlie disabled for the rest of the session.
//! Both offences are reported: the GRANDPA votes and the BABE blocks. Finality goes on.
//! (Charlie holds a quarter of the weight: he wins a slot in eleven, and finality does
//! not need him.)

use std::{
	sync::atomic::{AtomicU32, Ordering},
	time::Duration,
};

use codec::Decode;
use jsonrpsee::ws_client::WsClient;
use povc_e2e::{
	chain::{self, wait_for, wait_for_finalized},
	node::{Node, NodeConfig},
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

/// The block with an `Offences` event of a kind starting with `kind`, looking from block
/// `from` on (and moving `from` past the blocks looked at).
async fn offence_of_kind(
	client: &WsClient,
	kind: &str,
	from: &AtomicU32,
) -> povc_e2e::Result<Option<u32>> {
	let best = chain::best_number(client).await?;
	while from.load(Ordering::Relaxed) <= best {
		let number = from.load(Ordering::Relaxed);
		let hash = chain::block_hash(client, number).await?.ok_or("a best-chain block")?;
		let found = chain::events(client, hash).await?.into_iter().any(|record| {
			matches!(
				record.event,
				RuntimeEvent::Offences(pallet_offences::Event::Offence { kind: k, .. })
					if k.starts_with(kind.as_bytes())
			)
		});
		if found {
			return Ok(Some(number));
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

#[tokio::test(flavor = "multi_thread")]
async fn an_equivocating_validator_is_reported_and_punished_and_finality_goes_on() {
	let dir = tempfile::tempdir().unwrap();
	let spec = testnet::local_spec_with_timing(dir.path(), 2_000, 300).unwrap();
	let spec = spec.to_str().unwrap();
	let nodes = testnet::start_validators(spec, dir.path()).await.unwrap();
	let client = nodes[0].client().await.unwrap();
	wait_for_finalized(&client, 2, 2 * MINUTE).await.unwrap();

	// Charlie's twin: Charlie's keys, its own database and network key.
	let started = std::time::Instant::now();
	let mut twin = NodeConfig::new(spec, Some("charlie"), dir.path());
	twin.base_path = dir.path().join("charlie-twin");
	twin.bootnodes = vec![nodes[0].multiaddr().await.unwrap()];
	let twin = Node::start(twin).await.unwrap();
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
	assert!(!kinds.is_empty(), "{events:?}");
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

	// Both nodes authored Charlie's slots too: the BABE equivocation is reported as well
	// (from the sealed headers the nodes imported; see `node/src/equivocation.rs`).
	let from = AtomicU32::new(1);
	let babe = wait_for("a BABE equivocation report", 5 * MINUTE, || {
		offence_of_kind(&client, "babe", &from)
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", dump_logs()));
	println!(
		"BABE equivocation reported in block {babe}, {:?} after the twin started",
		started.elapsed()
	);

	// Finality goes on, with the twin still running.
	wait_for_finalized(&client, number.max(babe) + 3, 3 * MINUTE)
		.await
		.unwrap_or_else(|e| panic!("finality after the report: {e}\n{}", dump_logs()));
	drop(twin);
}
