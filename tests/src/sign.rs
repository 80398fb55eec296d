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
