//! Signing keys from what a user types: a dev seed (`//Bob`), a mnemonic (optionally with
//! a derivation path), a hex seed, or the path of a file holding one of those.

use crate::types::AccountId;
use sp_core::{crypto::Ss58Codec, sr25519, Pair};

use crate::Result;

/// A signing key and the account it controls.
#[derive(Clone)]
pub struct Signer {
	pair: sr25519::Pair,
	account: AccountId,
}

impl Signer {
	/// The key that `key` names: a file path if such a file exists, else a secret URI.
	pub fn from_arg(key: &str) -> Result<Self> {
		let path = std::path::Path::new(key);
		if path.is_file() {
			let contents = std::fs::read_to_string(path)
				.map_err(|e| format!("cannot read key file {}: {e}", path.display()))?;
			return Self::from_suri(contents.trim())
				.map_err(|e| format!("key file {}: {e}", path.display()).into());
		}
		Self::from_suri(key)
	}

	/// The key of a secret URI (`//Bob`, `word … word//hard/soft`, `0x<seed>`).
	pub fn from_suri(suri: &str) -> Result<Self> {
		let pair = sr25519::Pair::from_string(suri, None).map_err(|e| {
			format!(
				"not a valid key ({e:?}): expected a dev seed like //Bob, a 12 or 24 word \
				 mnemonic, a 0x-prefixed 32-byte hex seed, or the path of a file with one"
			)
		})?;
		Ok(Self::from_pair(pair))
	}

	/// A signer for `pair`.
	pub fn from_pair(pair: sr25519::Pair) -> Self {
		let account = AccountId::from(pair.public());
		Self { pair, account }
	}

	/// The account this key controls.
	pub fn account(&self) -> &AccountId {
		&self.account
	}

	/// The key pair.
	pub fn pair(&self) -> &sr25519::Pair {
		&self.pair
	}

	/// The account in SS58 form.
	pub fn address(&self) -> String {
		self.account.to_ss58check()
	}
}

impl std::fmt::Debug for Signer {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		// Never print the secret.
		f.debug_struct("Signer").field("account", &self.address()).finish()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

	#[test]
	fn dev_seeds_mnemonics_and_key_files_name_the_same_accounts() {
		assert_eq!(Signer::from_arg("//Bob").unwrap().address(), BOB);
		let dev_phrase = sp_core::crypto::DEV_PHRASE;
		assert_eq!(Signer::from_arg(&format!("{dev_phrase}//Bob")).unwrap().address(), BOB);
		let file = std::env::temp_dir().join(format!("povc-key-test-{}", std::process::id()));
		std::fs::write(&file, "//Bob\n").unwrap();
		let from_file = Signer::from_arg(file.to_str().unwrap());
		std::fs::remove_file(&file).unwrap();
		assert_eq!(from_file.unwrap().address(), BOB);
	}

	#[test]
	fn garbage_is_a_clear_error() {
		let error = Signer::from_arg("not a key at all").unwrap_err().to_string();
		assert!(error.contains("dev seed like //Bob"), "{error}");
	}
}
