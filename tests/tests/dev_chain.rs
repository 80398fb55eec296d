//! A `povc-node --dev` chain: blocks, finality, a real transfer, rejected bad
//! extrinsics, and recovery after SIGKILL.

use std::time::Duration;

use codec::Encode;
use povc_e2e::{
	chain::{self, free_balance, wait_for_best, wait_for_finalized},
	money,
	node::{best_block_on_disk, run_database_command, Node, NodeConfig},
	tx::{self, ChainContext},
};
use povc_runtime::{RuntimeEvent, UNIT};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};

const MINUTE: Duration = Duration::from_secs(60);

async fn dev_node(dir: &std::path::Path) -> Node {
	Node::start(NodeConfig::new("dev", Some("alice"), dir)).await.expect("dev node starts")
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_chain_authors_and_finalizes_blocks() {
	let dir = tempfile::tempdir().unwrap();
	let node = dev_node(dir.path()).await;
	let client = node.client().await.unwrap();

	let best = wait_for_best(&client, 3, 2 * MINUTE)
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail()));
	let finalized = wait_for_finalized(&client, 2, 2 * MINUTE)
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail()));
	assert!(best >= 3 && finalized >= 2);

	// Every block carries a BABE pre-digest of Alice, the only authority (index 0).
	for number in 1..=3 {
		let hash = chain::block_hash(&client, number).await.unwrap().expect("block exists");
		let header = chain::header(&client, Some(hash)).await.unwrap();
		let (author, _primary) = chain::babe_author(&header).expect("BABE pre-digest");
		assert_eq!(author, 0, "block #{number} authored by authority 0 (Alice)");
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn transfer_signed_by_alice_lands_with_matching_event_and_balances() {
	let dir = tempfile::tempdir().unwrap();
	let node = dev_node(dir.path()).await;
	let client = node.client().await.unwrap();
	wait_for_best(&client, 1, 2 * MINUTE).await.unwrap();

	let (alice, bob) = (Alice.to_account_id(), Bob.to_account_id());
	let context = ChainContext::fetch(&client).await.unwrap();
	let amount = 42 * UNIT;
	let nonce = tx::next_nonce(&client, &alice).await.unwrap();
	let transfer = tx::signed_extrinsic(
		&context,
		tx::transfer_call(&bob, amount),
		&alice,
		&Alice.pair(),
		nonce,
		0,
	);

	let block = tx::submit_and_wait_in_block(&client, &transfer).await.unwrap();
	let parent = chain::header(&client, Some(block)).await.unwrap().parent_hash;

	let events = chain::events(&client, block).await.unwrap();
	let transferred = events.iter().any(|record| {
		matches!(
			&record.event,
			RuntimeEvent::Balances(pallet_balances::Event::Transfer { from, to, amount: a })
				if *from == alice && *to == bob && *a == amount
		)
	});
	assert!(transferred, "Transfer event Alice -> Bob of {amount} in {events:?}");
	let fee = events
		.iter()
		.find_map(|record| match &record.event {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { who, actual_fee, tip },
			) if *who == alice => Some(actual_fee + tip),
			_ => None,
		})
		.expect("TransactionFeePaid for Alice");
	assert!(fee > 0, "a transfer is not free");

	let alice_before = free_balance(&client, &alice, Some(parent)).await.unwrap();
	let alice_after = free_balance(&client, &alice, Some(block)).await.unwrap();
	let bob_before = free_balance(&client, &bob, Some(parent)).await.unwrap();
	let bob_after = free_balance(&client, &bob, Some(block)).await.unwrap();
	assert_eq!(bob_after, bob_before + amount, "Bob receives exactly the amount");
	// The block reward minted to the block's author (1 POVC): the only new money.
	let reward = money::total_rewards(&client, block).await.unwrap()
		- money::total_rewards(&client, parent).await.unwrap();
	assert_eq!(reward, UNIT, "one block, one reward");
	// Alice pays amount + fee; as the only authority she authored the block, so the fee
	// went back to her with the reward: her net change is the reward less the amount.
	assert_eq!(
		alice_after,
		alice_before + reward - amount,
		"Alice pays the amount; the fee goes to the author"
	);
	assert_eq!(
		money::total_issuance(&client, block).await.unwrap(),
		money::total_issuance(&client, parent).await.unwrap() + reward,
		"a transfer mints and burns nothing"
	);
	let nonce_after = chain::account(&client, &alice, Some(block)).await.unwrap().nonce;
	assert_eq!(nonce_after, nonce + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn badly_signed_and_malformed_extrinsics_are_rejected_and_change_nothing() {
	let dir = tempfile::tempdir().unwrap();
	let node = dev_node(dir.path()).await;
	let client = node.client().await.unwrap();
	wait_for_best(&client, 1, 2 * MINUTE).await.unwrap();

	let (alice, charlie) = (Alice.to_account_id(), Charlie.to_account_id());
	let context = ChainContext::fetch(&client).await.unwrap();
	let at_start = money::best_hash(&client).await.unwrap();
	let before = chain::account(&client, &alice, Some(at_start)).await.unwrap();
	let rewards_before = money::total_rewards(&client, at_start).await.unwrap();
	let charlie_before = free_balance(&client, &charlie, Some(at_start)).await.unwrap();

	// A transfer of 1 POVC to Charlie that claims Alice as its signer.
	let transfer_from_alice = |context: &ChainContext, key: &sp_core::sr25519::Pair| {
		tx::signed_extrinsic(
			context,
			tx::transfer_call(&charlie, UNIT),
			&alice,
			key,
			before.nonce,
			0,
		)
	};
	let other_chain = ChainContext { genesis_hash: [7u8; 32].into(), ..context };
	for (what, forged) in [
		("signed with Bob's key", transfer_from_alice(&context, &Bob.pair())),
		("signed for another chain", transfer_from_alice(&other_chain, &Alice.pair())),
	] {
		let error = tx::submit_raw(&client, &forged.encode())
			.await
			.expect_err(&format!("a transfer {what} is rejected"));
		assert!(error.to_string().to_lowercase().contains("bad signature"), "{what}: {error}");
	}

	// Not an extrinsic at all.
	for garbage in [&b""[..], &[0x12, 0x34][..], &[0xff; 64][..]] {
		let error = tx::submit_raw(&client, garbage).await.expect_err("garbage is rejected");
		assert!(!error.to_string().is_empty());
	}
	// A valid extrinsic cut short.
	let mut truncated = transfer_from_alice(&context, &Alice.pair()).encode();
	truncated.truncate(truncated.len() / 2);
	tx::submit_raw(&client, &truncated).await.expect_err("truncated extrinsic is rejected");

	// Two more blocks later nothing changed.
	let best = chain::best_number(&client).await.unwrap();
	wait_for_best(&client, best + 2, 2 * MINUTE).await.unwrap();
	let at_end = money::best_hash(&client).await.unwrap();
	let after = chain::account(&client, &alice, Some(at_end)).await.unwrap();
	assert_eq!(after.nonce, before.nonce, "no rejected extrinsic was applied");
	assert_eq!(free_balance(&client, &charlie, Some(at_end)).await.unwrap(), charlie_before);
	// Alice's balance only moves by what she earns as the author (block rewards; there
	// were no transactions, so no fees).
	let rewards = money::total_rewards(&client, at_end).await.unwrap() - rewards_before;
	assert_eq!(after.data.free, before.data.free + rewards);
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_node_killed_with_sigkill_resumes_from_its_database() {
	let dir = tempfile::tempdir().unwrap();
	let mut node = dev_node(dir.path()).await;
	let client = node.client().await.unwrap();
	let finalized = wait_for_finalized(&client, 3, 2 * MINUTE).await.unwrap();
	let finalized_hash = chain::block_hash(&client, finalized).await.unwrap().unwrap();
	drop(client);

	node.kill();
	let node = Node::start(node.config.clone()).await.expect("restart on the same base path");
	let client = node.client().await.unwrap();

	// The finalized block survived the crash, with the same hash, and the chain goes on.
	assert_eq!(chain::block_hash(&client, finalized).await.unwrap(), Some(finalized_hash));
	assert!(chain::finalized_number(&client).await.unwrap() >= finalized);
	let best = chain::best_number(&client).await.unwrap();
	wait_for_best(&client, best + 2, 2 * MINUTE)
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail()));
	wait_for_finalized(&client, finalized + 2, 2 * MINUTE).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn blocks_exported_from_one_database_import_into_another() {
	let dir = tempfile::tempdir().unwrap();
	let mut node = dev_node(dir.path()).await;
	let client = node.client().await.unwrap();
	wait_for_finalized(&client, 3, 2 * MINUTE).await.unwrap();
	drop(client);
	node.stop();

	let source = node.config.base_path.clone();
	let best = best_block_on_disk("dev", &source).unwrap();
	let file = dir.path().join("blocks.bin");
	let file_arg = file.to_str().unwrap();
	run_database_command("export-blocks", "dev", &source, &["--binary", file_arg]).unwrap();
	assert!(std::fs::metadata(&file).unwrap().len() > 0);

	let target = dir.path().join("imported");
	run_database_command("import-blocks", "dev", &target, &["--binary", file_arg]).unwrap();
	assert_eq!(
		best_block_on_disk("dev", &target).unwrap(),
		best,
		"every exported block was imported and verified"
	);

	// Garbage is refused with an error, not a crash, and the database keeps its blocks.
	let garbage = dir.path().join("garbage.bin");
	std::fs::write(&garbage, [0xde, 0xad, 0xbe, 0xef]).unwrap();
	let result = run_database_command(
		"import-blocks",
		"dev",
		&target,
		&["--binary", garbage.to_str().unwrap()],
	);
	assert!(result.is_err(), "importing garbage fails");
	assert_eq!(best_block_on_disk("dev", &target).unwrap(), best);
}
