//! Building and signing extrinsics with the runtime's own types, byte for byte: for tests
//! that forge what no client would send (bad signatures, garbage calls) and check the
//! chain's answer against the runtime they were built with.

use codec::Encode;
use jsonrpsee::{
	core::client::{Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::WsClient,
};
use povc_runtime::{
	AccountId, Address, Balance, BlockNumber, Hash, Nonce, Runtime, RuntimeCall, SignedPayload,
	TxExtension, UncheckedExtrinsic,
};
use sp_core::{sr25519, Pair};
use sp_runtime::{generic::Era, MultiSignature};

use crate::{
	chain::{request, to_hex},
	Result,
};

/// What a signature commits to besides the call: the chain and runtime it is valid for.
#[derive(Clone, Copy, Debug)]
pub struct ChainContext {
	pub genesis_hash: Hash,
	pub spec_version: u32,
	pub transaction_version: u32,
}

impl ChainContext {
	/// Read the context from a running node.
	pub async fn fetch(client: &WsClient) -> Result<Self> {
		let genesis_hash: Hash = request(client, "chain_getBlockHash", rpc_params![0]).await?;
		let version: serde_json::Value =
			request(client, "state_getRuntimeVersion", rpc_params![]).await?;
		let field = |name: &str| {
			version[name]
				.as_u64()
				.map(|v| v as u32)
				.ok_or_else(|| format!("runtime version lacks {name}"))
		};
		Ok(Self {
			genesis_hash,
			spec_version: field("specVersion")?,
			transaction_version: field("transactionVersion")?,
		})
	}
}

/// The next nonce of `who`, counting its transactions already in the pool.
pub async fn next_nonce(client: &WsClient, who: &AccountId) -> Result<Nonce> {
	request(client, "system_accountNextIndex", rpc_params![who.to_string()]).await
}

/// An immortal signed extrinsic of `call` by `signer`, signed by `signing_key`.
///
/// `signer` and `signing_key` are separate so tests can forge a bad signature.
pub fn signed_extrinsic(
	context: &ChainContext,
	call: RuntimeCall,
	signer: &AccountId,
	signing_key: &sr25519::Pair,
	nonce: Nonce,
	tip: Balance,
) -> UncheckedExtrinsic {
	signed_extrinsic_with_metadata_hash(context, call, signer, signing_key, nonce, tip, None)
}

/// Like [`signed_extrinsic`]; with `Some(hash)` it also signs that the runtime's metadata
/// hashes to `hash` (`CheckMetadataHash` enabled), as an offline signer does.
pub fn signed_extrinsic_with_metadata_hash(
	context: &ChainContext,
	call: RuntimeCall,
	signer: &AccountId,
	signing_key: &sr25519::Pair,
	nonce: Nonce,
	tip: Balance,
	metadata_hash: Option<[u8; 32]>,
) -> UncheckedExtrinsic {
	let extension: TxExtension = (
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(Era::Immortal),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(tip),
		frame_metadata_hash_extension::CheckMetadataHash::new(metadata_hash.is_some()),
	);
	let implicit = (
		(),
		context.spec_version,
		context.transaction_version,
		context.genesis_hash,
		context.genesis_hash,
		(),
		(),
		(),
		metadata_hash,
	);
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signing_key.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		Address::Id(signer.clone()),
		MultiSignature::Sr25519(signature),
		extension,
	)
}

/// The spec of a job most tests submit: `program` (its code) on `input`, three replicas
/// at `price_per_fuel` up to `fuel_limit`, output up to 64 bytes, open to workers of any
/// reputation, of one class. Tests change the fields they are about.
pub fn job_spec(
	program: &[u8],
	input: &[u8],
	fuel_limit: u64,
	price_per_fuel: Balance,
	deadline: BlockNumber,
) -> pallet_jobs::JobSpecOf<Runtime> {
	pallet_jobs::JobSpec {
		program: Hash::from(sp_crypto_hashing::blake2_256(program)),
		input: pallet_jobs::JobInput::Inline(input.to_vec().try_into().expect("a short input")),
		tasks: 1,
		fuel_limit,
		replicas: 3,
		price_per_fuel,
		deadline,
		min_reputation: sp_runtime::Permill::zero(),
		max_output_len: 64,
	}
}

/// A `jobs.submit_job` call of `spec` (see [`job_spec`]).
pub fn submit_job_call(spec: pallet_jobs::JobSpecOf<Runtime>) -> RuntimeCall {
	RuntimeCall::Jobs(pallet_jobs::Call::submit_job { spec })
}

/// A `balances.transfer_keep_alive` call.
pub fn transfer_call(dest: &AccountId, value: Balance) -> RuntimeCall {
	RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: Address::Id(dest.clone()),
		value,
	})
}

/// Submit `extrinsic` and wait until it is in a block; returns that block's hash.
pub async fn submit_and_wait_in_block(
	client: &WsClient,
	extrinsic: &UncheckedExtrinsic,
) -> Result<Hash> {
	wait_in_block(&mut watch(client, extrinsic).await?).await
}

/// Submit `extrinsic` and subscribe to its status; an error means the node refused it.
pub async fn watch(
	client: &WsClient,
	extrinsic: &UncheckedExtrinsic,
) -> Result<Subscription<serde_json::Value>> {
	Ok(client
		.subscribe(
			"author_submitAndWatchExtrinsic",
			rpc_params![to_hex(&extrinsic.encode())],
			"author_unwatchExtrinsic",
		)
		.await?)
}

/// Follow a status subscription until the extrinsic is in a block; returns that block.
pub async fn wait_in_block(subscription: &mut Subscription<serde_json::Value>) -> Result<Hash> {
	while let Some(status) = subscription.next().await {
		let status = status?;
		if let Some(hash) = status.get("inBlock") {
			return Ok(serde_json::from_value(hash.clone())?);
		}
		if let Some(state) = status.as_str() {
			if matches!(state, "invalid" | "dropped" | "usurped") {
				return Err(format!("extrinsic {state}").into());
			}
		}
		if status.get("invalid").is_some() || status.get("dropped").is_some() {
			return Err(format!("extrinsic not included: {status}").into());
		}
	}
	Err("extrinsic status subscription ended before inclusion".into())
}

/// Submit raw bytes as an extrinsic without waiting; returns the node's answer.
pub async fn submit_raw(client: &WsClient, bytes: &[u8]) -> Result<Hash> {
	request(client, "author_submitExtrinsic", rpc_params![to_hex(bytes)]).await
}

/// How an extrinsic fared in the block that included it.
#[derive(Clone, Debug)]
pub struct Inclusion {
	/// The block it is in.
	pub block: Hash,
	/// The events it emitted.
	pub events: Vec<povc_runtime::RuntimeEvent>,
	/// Why it failed (e.g. `Jobs(PhaseOver)`), if it did.
	pub error: Option<String>,
}

/// Submit `extrinsic`, wait until it is in a block, and read what it did there.
pub async fn submit_and_watch(
	client: &WsClient,
	extrinsic: &UncheckedExtrinsic,
) -> Result<Inclusion> {
	let block = submit_and_wait_in_block(client, extrinsic).await?;
	inclusion(client, block, &extrinsic.encode()).await
}

/// The outcome of the extrinsic `encoded` in `block`.
pub async fn inclusion(client: &WsClient, block: Hash, encoded: &[u8]) -> Result<Inclusion> {
	use frame_system::Phase;
	use povc_runtime::{RuntimeError, RuntimeEvent};
	let body: serde_json::Value = request(client, "chain_getBlock", rpc_params![block]).await?;
	let wanted = to_hex(encoded);
	let index = body["block"]["extrinsics"]
		.as_array()
		.and_then(|all| all.iter().position(|e| e.as_str() == Some(wanted.as_str())))
		.ok_or("the extrinsic is not in the block the node reported")? as u32;
	let mut inclusion = Inclusion { block, events: Vec::new(), error: None };
	for record in crate::chain::events(client, block).await? {
		if record.phase != Phase::ApplyExtrinsic(index) {
			continue;
		}
		if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
			dispatch_error, ..
		}) = &record.event
		{
			inclusion.error = Some(match RuntimeError::from_dispatch_error(*dispatch_error) {
				Some(error) => format!("{error:?}"),
				None => format!("{dispatch_error:?}"),
			});
		}
		inclusion.events.push(record.event);
	}
	Ok(inclusion)
}
