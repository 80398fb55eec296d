//! Signing calls as a dev identity and sending them, for tests that act as users.

use jsonrpsee::ws_client::WsClient;
use povc_runtime::RuntimeCall;
use sp_keyring::Sr25519Keyring;

use crate::tx::{self, ChainContext};

/// Signs `call` as `who`, submits it and waits until it is in a block; panics if it
/// fails there.
pub async fn send(client: &WsClient, ctx: &ChainContext, who: Sr25519Keyring, call: RuntimeCall) {
	let account = who.to_account_id();
	let nonce = tx::next_nonce(client, &account).await.unwrap();
	let extrinsic = tx::signed_extrinsic(ctx, call.clone(), &account, &who.pair(), nonce, 0);
	let inclusion = tx::submit_and_watch(client, &extrinsic).await.unwrap();
	assert!(inclusion.error.is_none(), "{call:?} by {who:?} failed: {:?}", inclusion.error);
}

/// Registers each of `keys` as a paused worker of `class` with the minimum bond (100
/// POVC). Paused workers are never replicas, but they count towards the bonded workers a
/// class needs before jobs are drawn from it (the replicas and a referee committee).
pub async fn register_standby_workers(
	client: &WsClient,
	ctx: &ChainContext,
	keys: &[Sr25519Keyring],
	class: &str,
) {
	for key in keys {
		let register = RuntimeCall::Workers(pallet_workers::Call::register {
			bond: 100 * povc_runtime::UNIT,
			capacity: 1,
			class: class.as_bytes().to_vec().try_into().expect("a short class"),
		});
		let pause = RuntimeCall::Workers(pallet_workers::Call::pause {});
		let batch = pallet_utility::Call::batch_all { calls: vec![register, pause] };
		send(client, ctx, *key, RuntimeCall::Utility(batch)).await;
	}
}

/// Sets the chain's audit rate through sudo (Alice on the dev chains). Tests whose
/// accepted referees run no worker set it to zero: an auditor drawn among them would never
/// answer, and the job would wait out a whole commit period before its score counts.
pub async fn set_audit_rate(client: &WsClient, ctx: &ChainContext, rate: sp_runtime::Perbill) {
	let call = RuntimeCall::Jobs(pallet_jobs::Call::set_audit_rate { rate });
	let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) });
	send(client, ctx, Sr25519Keyring::Alice, sudo).await;
}
