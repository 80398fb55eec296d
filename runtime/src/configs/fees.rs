//! Where transaction fees go.

use frame_support::traits::{
	fungible::{Balanced, Credit},
	OnUnbalanced,
};

use crate::{AccountId, Authorship, Balances};

/// Pays transaction fees and tips to the author of the block that includes them.
///
/// If there is no known author (e.g. in tests) or the credit cannot be deposited, the
/// credit is dropped, which burns it: total issuance stays consistent either way.
pub struct FeesToAuthor;

impl OnUnbalanced<Credit<AccountId, Balances>> for FeesToAuthor {
	fn on_nonzero_unbalanced(amount: Credit<AccountId, Balances>) {
		if let Some(author) = Authorship::author() {
			let _ = <Balances as Balanced<AccountId>>::resolve(&author, amount);
		}
	}
}
