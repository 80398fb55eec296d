//! The 4-validator local testnet: everyone authors, GRANDPA finalizes, finality
//! survives one validator going down, and the validator comes back with its database.

use std::{collections::BTreeMap, time::Duration};

use jsonrpsee::ws_client::WsClient;
use povc_e2e::{
	chain::{self, wait_for, wait_for_best, wait_for_finalized},
	node::{best_block_on_disk, Node, NodeConfig},
	testnet,
};

const MINUTE: Duration = Duration::from_secs(60);
/// The validators of the `local` genesis.
const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// Authors (BABE authority index) of blocks `from..=to` on `client`'s best chain.
async fn authors(client: &WsClient, from: u32, to: u32) -> BTreeMap<u32, u32> {
	let mut counts = BTreeMap::new();
	for number in from..=to {
		let Some(hash) = chain::block_hash(client, number).await.unwrap() else { break };
		let header = chain::header(client, Some(hash)).await.unwrap();
		let (author, _primary) = chain::babe_author(&header).expect("BABE pre-digest");
		*counts.entry(author).or_insert(0) += 1;
	}
	counts
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_author_finalize_and_survive_one_restart() {
	let dir = tempfile::tempdir().unwrap();

	let alice = Node::start(NodeConfig::new("local", Some("alice"), dir.path())).await.unwrap();
	let bootnode = alice.multiaddr().await.unwrap();
	let mut nodes = vec![alice];
	for who in &VALIDATORS[1..] {
		let mut config = NodeConfig::new("local", Some(who), dir.path());
		config.bootnodes = vec![bootnode.clone()];
		if *who == "charlie" {
			// The default backend is litep2p; Charlie runs rust-libp2p to prove they interoperate.
			config.extra_args = vec!["--network-backend".into(), "libp2p".into()];
		}
		nodes.push(Node::start(config).await.unwrap());
	}
	let client = nodes[0].client().await.unwrap();
	let dump_logs = |nodes: &[Node]| {
		nodes
			.iter()
			.map(|n| format!("--- {:?}\n{}", n.config.validator, n.log_tail()))
			.collect::<Vec<_>>()
			.join("\n")
	};

	// Each of the four authors blocks, and GRANDPA finalizes. Alice and Bob, with 1/8 of
	// the weight each, win about one 2 s slot in 20.
	let all_authored = wait_for("blocks by all 4 validators", 6 * MINUTE, || async {
		let best = chain::best_number(&client).await?;
		let counts = authors(&client, 1, best).await;
		Ok((counts.len() == 4).then_some(counts))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", dump_logs(&nodes)));
	println!("authors by index after start: {all_authored:?}");
	let finalized = wait_for_finalized(&client, 3, 2 * MINUTE).await.unwrap();

	// Stop Charlie. GRANDPA votes with the compute weights: Dave holds 1/2, Charlie 1/4,
	// Alice and Bob 1/8 each, so the other three hold 3/4, above the 2/3 that finalizes.
	// (Without Dave, the 3 of 4 left would hold only 1/2: finality would wait for him.)
	let mut charlie = nodes.remove(2);
	let charlie_client = charlie.client().await.unwrap();
	let charlie_best_before = chain::best_number(&charlie_client).await.unwrap();
	let charlie_hash_before =
		chain::block_hash(&charlie_client, charlie_best_before).await.unwrap().unwrap();
	drop(charlie_client);
	charlie.stop();
	let stopped_at = chain::best_number(&client).await.unwrap();
	wait_for_finalized(&client, finalized.max(stopped_at) + 3, 3 * MINUTE)
		.await
		.unwrap_or_else(|e| panic!("finality without Charlie: {e}\n{}", dump_logs(&nodes)));

	// Charlie's database is intact on disk while it is down.
	let best_on_disk = best_block_on_disk("local", &charlie.config.base_path).unwrap();
	assert!(
		best_on_disk >= charlie_best_before,
		"Charlie's database kept block #{charlie_best_before}, has #{best_on_disk}"
	);

	// Restart Charlie on the same base path: it catches up and authors again.
	let charlie = Node::start(charlie.config.clone()).await.unwrap();
	let charlie_client = charlie.client().await.unwrap();
	assert_eq!(
		chain::block_hash(&charlie_client, charlie_best_before).await.unwrap(),
		Some(charlie_hash_before),
		"Charlie still has the blocks it had before the restart"
	);
	let restarted_at = chain::best_number(&client).await.unwrap();
	wait_for_best(&charlie_client, restarted_at, 2 * MINUTE)
		.await
		.unwrap_or_else(|e| panic!("Charlie catches up: {e}\n{}", charlie.log_tail()));
	// Authorities are ordered by compute score: find Charlie's index in the current set.
	let set = testnet::authorities(&client, None).await.unwrap();
	let charlie_account = sp_keyring::Sr25519Keyring::Charlie.to_account_id();
	let charlie_index = testnet::authority_index(&set["current"], &charlie_account)
		.expect("Charlie is an authority") as u32;
	wait_for("a block authored by Charlie after restart", 4 * MINUTE, || async {
		let best = chain::best_number(&client).await?;
		let counts = authors(&client, restarted_at + 1, best).await;
		Ok(counts.get(&charlie_index).copied())
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", charlie.log_tail()));
	let finalized_now = chain::finalized_number(&client).await.unwrap();
	wait_for_finalized(&charlie_client, finalized_now, 2 * MINUTE).await.unwrap();
}
