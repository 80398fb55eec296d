//! The chain's basic types, as the runtime defines them (checked against the metadata by
//! the e2e test `metadata`), without linking the runtime.

/// An account: the 32-byte public key of an sr25519 key.
pub type AccountId = sp_runtime::AccountId32;
/// An amount of tokens, in planck.
pub type Balance = u128;
/// A block number.
pub type BlockNumber = u32;
/// A block or extrinsic hash (blake2-256).
pub type Hash = sp_core::H256;
/// An account's transaction index.
pub type Nonce = u32;
/// A block header.
pub type Header = sp_runtime::generic::Header<BlockNumber, sp_runtime::traits::BlakeTwo256>;
/// How subxt sees the chain: Polkadot's account, address, signature and transaction
/// extensions, which are povc's too.
pub type ChainConfig = subxt::PolkadotConfig;
