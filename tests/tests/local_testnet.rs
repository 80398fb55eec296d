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

	// Stop Dave; 3 of 4 is a GRANDPA supermajority, so finality keeps advancing.
	let mut dave = nodes.pop().unwrap();
	let dave_client = dave.client().await.unwrap();
	let dave_best_before = chain::best_number(&dave_client).await.unwrap();
	let dave_hash_before =
		chain::block_hash(&dave_client, dave_best_before).await.unwrap().unwrap();
	drop(dave_client);
	dave.stop();
	let stopped_at = chain::best_number(&client).await.unwrap();
	wait_for_finalized(&client, finalized.max(stopped_at) + 3, 3 * MINUTE)
		.await
		.unwrap_or_else(|e| panic!("finality with 3 of 4: {e}\n{}", dump_logs(&nodes)));

	// Dave's database is intact on disk while it is down.
	let best_on_disk = best_block_on_disk("local", &dave.config.base_path).unwrap();
	assert!(
		best_on_disk >= dave_best_before,
		"Dave's database kept block #{dave_best_before}, has #{best_on_disk}"
	);

	// Restart Dave on the same base path: it catches up and authors again.
	let dave = Node::start(dave.config.clone()).await.unwrap();
	let dave_client = dave.client().await.unwrap();
	assert_eq!(
		chain::block_hash(&dave_client, dave_best_before).await.unwrap(),
		Some(dave_hash_before),
		"Dave still has the blocks it had before the restart"
	);
	let restarted_at = chain::best_number(&client).await.unwrap();
	wait_for_best(&dave_client, restarted_at, 2 * MINUTE)
		.await
		.unwrap_or_else(|e| panic!("Dave catches up: {e}\n{}", dave.log_tail()));
	// Authorities are ordered by compute score: find Dave's index in the current set.
	let set = testnet::authorities(&client, None).await.unwrap();
	let dave_account = sp_keyring::Sr25519Keyring::Dave.to_account_id();
	let dave_index = testnet::authority_index(&set["current"], &dave_account)
		.expect("Dave is an authority") as u32;
	wait_for("a block authored by Dave after restart", 4 * MINUTE, || async {
		let best = chain::best_number(&client).await?;
		let counts = authors(&client, restarted_at + 1, best).await;
		Ok(counts.get(&dave_index).copied())
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", dave.log_tail()));
	let finalized_now = chain::finalized_number(&client).await.unwrap();
	wait_for_finalized(&dave_client, finalized_now, 2 * MINUTE).await.unwrap();
}
