//! A 4-validator local testnet (Alice, Bob, Charlie, Dave) with a chosen slot timing, and
//! the measurement of who authored its blocks: the evidence that BABE follows the
//! compute weights.

use std::{
	collections::BTreeMap,
	fmt::Write as _,
	path::{Path, PathBuf},
};

use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClient};
use povc_runtime::{AccountId, Hash, Header};
use serde_json::Value;
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring;

use crate::{
	chain,
	node::{Node, NodeConfig},
	Result,
};

/// The validators of the `local` chain, as dev identities.
pub const VALIDATORS: [Sr25519Keyring; 4] =
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave];

/// Writes the `local` chain spec with another slot and epoch length to `dir` and returns
/// its path (the chain-spec parameter for fast test networks).
pub fn local_spec_with_timing(
	dir: &Path,
	slot_duration_ms: u64,
	epoch_slots: u64,
) -> Result<PathBuf> {
	crate::node::spec_with_timing(dir, "local", slot_duration_ms, epoch_slots)
}

/// Starts the four validators of `chain` (a spec file or `local`), Alice first as the
/// others' boot node. Each node is stopped by its PID when dropped.
pub async fn start_validators(chain: &str, dir: &Path) -> Result<Vec<Node>> {
	let alice = Node::start(NodeConfig::new(chain, Some("alice"), dir)).await?;
	let bootnode = alice.multiaddr().await?;
	let mut nodes = vec![alice];
	for who in ["bob", "charlie", "dave"] {
		let mut config = NodeConfig::new(chain, Some(who), dir);
		config.bootnodes = vec![bootnode.clone()];
		nodes.push(Node::start(config).await?);
	}
	Ok(nodes)
}

/// The name of a dev identity's account (`Alice`, ...), or its address.
pub fn name_of(account: &str) -> String {
	Sr25519Keyring::iter()
		.find(|key| key.to_account_id().to_ss58check() == account)
		.map(|key| format!("{key:?}"))
		.unwrap_or_else(|| account.to_string())
}

/// `povc_authorities` at `at` (best block if `None`).
pub async fn authorities(client: &WsClient, at: Option<Hash>) -> Result<Value> {
	Ok(client.request("povc_authorities", rpc_params![at]).await?)
}

/// The index of `who` in an authority list of `povc_authorities` (its BABE authority
/// index in that set).
pub fn authority_index(list: &Value, who: &AccountId) -> Option<usize> {
	let address = who.to_ss58check();
	list.as_array()?.iter().position(|a| a["account"] == address)
}

/// The weight share (0..1) of `who` in an authority list of `povc_authorities`.
pub fn share_of(list: &Value, who: &AccountId) -> Option<f64> {
	let authority = &list[authority_index(list, who)?];
	authority["share"].as_f64().map(|parts| parts / 1e9)
}

/// Block production of one validator over a range of blocks.
#[derive(Clone, Debug, Default)]
pub struct Authored {
	/// Its weight share, averaged over the blocks.
	pub weight_share: f64,
	/// Blocks it authored in primary slots.
	pub primary: u32,
	/// All blocks it authored.
	pub blocks: u32,
}

/// Who authored blocks `from..=to` of the canonical chain.
#[derive(Clone, Debug)]
pub struct Production {
	/// Slots from the one before `from` to `to`'s.
	pub slots: u64,
	pub blocks: u32,
	pub primary: u32,
	/// By validator address.
	pub by_validator: BTreeMap<String, Authored>,
}

impl Production {
	/// Measures blocks `from..=to`: the author of each block is the BABE authority index
	/// in its pre-digest, resolved in that block's own authority set.
	pub async fn measure(client: &WsClient, from: u32, to: u32) -> Result<Self> {
		let first_slot = slot_at(client, from - 1).await?;
		let mut production =
			Self { slots: 0, blocks: 0, primary: 0, by_validator: BTreeMap::new() };
		let mut weight_sums: BTreeMap<String, f64> = BTreeMap::new();
		let mut last_slot = first_slot;
		for number in from..=to {
			let hash = chain::block_hash(client, number).await?.ok_or("missing block")?;
			let header = chain::header(client, Some(hash)).await?;
			last_slot = slot_of(&header)?;
			let (index, primary) = chain::babe_author(&header).ok_or("no BABE author")?;
			let set = authorities(client, Some(hash)).await?;
			let current = set["current"].as_array().ok_or("no current set")?;
			for authority in current {
				let account = authority["account"].as_str().unwrap_or_default().to_string();
				let share = authority["share"].as_f64().unwrap_or_default() / 1e9;
				*weight_sums.entry(account.clone()).or_default() += share;
				production.by_validator.entry(account).or_default();
			}
			let author = current
				.get(index as usize)
				.and_then(|a| a["account"].as_str())
				.ok_or("author index outside the set")?
				.to_string();
			let entry = production.by_validator.entry(author).or_default();
			entry.blocks += 1;
			production.blocks += 1;
			if primary {
				entry.primary += 1;
				production.primary += 1;
			}
		}
		production.slots = last_slot - first_slot;
		let count = f64::from(production.blocks.max(1));
		for (account, authored) in &mut production.by_validator {
			authored.weight_share = weight_sums.get(account).copied().unwrap_or_default() / count;
		}
		Ok(production)
	}

	/// Share of the primary-slot blocks authored by `authored`.
	pub fn primary_share(&self, authored: &Authored) -> f64 {
		f64::from(authored.primary) / f64::from(self.primary.max(1))
	}

	/// Share of all blocks authored by `authored`.
	pub fn block_share(&self, authored: &Authored) -> f64 {
		f64::from(authored.blocks) / f64::from(self.blocks.max(1))
	}

	/// The validators, heaviest first.
	pub fn heaviest_first(&self) -> Vec<(&String, &Authored)> {
		let mut all: Vec<_> = self.by_validator.iter().collect();
		all.sort_by(|a, b| b.1.weight_share.total_cmp(&a.1.weight_share).then(a.0.cmp(b.0)));
		all
	}

	/// The table the weighting script prints.
	pub fn table(&self) -> String {
		let mut out = String::new();
		let _ = writeln!(
			out,
			"{} slots, {} blocks ({} in primary slots, {} in secondary slots)",
			self.slots,
			self.blocks,
			self.primary,
			self.blocks - self.primary
		);
		let _ = writeln!(
			out,
			"| validator | weight share | primary-slot blocks | primary-slot share | all blocks | share of all blocks |"
		);
		let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: |");
		for (account, authored) in self.heaviest_first() {
			let _ = writeln!(
				out,
				"| {} | {:.1} % | {} | {:.1} % | {} | {:.1} % |",
				name_of(account),
				100.0 * authored.weight_share,
				authored.primary,
				100.0 * self.primary_share(authored),
				authored.blocks,
				100.0 * self.block_share(authored),
			);
		}
		out
	}
}

/// The BABE slot of a header.
pub fn slot_of(header: &Header) -> Result<u64> {
	use sp_consensus_babe::digests::CompatibleDigestItem;
	header
		.digest
		.logs
		.iter()
		.find_map(|log| log.as_babe_pre_digest())
		.map(|pre| u64::from(pre.slot()))
		.ok_or_else(|| "a block without a BABE pre-digest".into())
}

/// The BABE slot of block `number` of the best chain.
pub async fn slot_at(client: &WsClient, number: u32) -> Result<u64> {
	let hash = chain::block_hash(client, number).await?.ok_or("no such block")?;
	slot_of(&chain::header(client, Some(hash)).await?)
}

/// GRANDPA's current authority set id, from `grandpa_roundState`.
pub async fn grandpa_set_id(client: &WsClient) -> Result<u64> {
	let state: Value = client.request("grandpa_roundState", rpc_params![]).await?;
	state["setId"].as_u64().ok_or_else(|| format!("no set id in {state}").into())
}

/// BABE's own view of an epoch (`BabeApi_current_epoch` or `BabeApi_next_epoch`), as
/// its block authoring and import use it.
pub async fn babe_epoch(
	client: &WsClient,
	method: &str,
	at: Option<Hash>,
) -> Result<sp_consensus_babe::Epoch> {
	use codec::Decode;
	let bytes: String = client.request("state_call", rpc_params![method, "0x", at]).await?;
	Ok(sp_consensus_babe::Epoch::decode(&mut &chain::from_hex(&bytes)?[..])?)
}
