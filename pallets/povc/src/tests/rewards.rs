//! The block reward, and conservation of balances.

use crate::{mock::*, Event, TotalRewards, WeightInfo};
use frame_support::traits::{fungible::Inspect, Hooks};
use pallet_authorship::EventHandler;

/// Free and held balance of every account there is.
fn sum_of_all_balances() -> Balance {
	frame_system::Account::<Test>::iter().map(|(_, info)| info.data.free + info.data.reserved).sum()
}

#[test]
fn the_block_reward_is_minted_to_the_author() {
	run_test(|| {
		let issuance = Balances::total_issuance();
		let before = Balances::balance(&3);
		<Povc as EventHandler<AccountId, u64>>::note_author(3);
		assert_eq!(Balances::balance(&3), before + 1_000);
		assert_eq!(Balances::total_issuance(), issuance + 1_000, "exactly the reward is new");
		assert_eq!(TotalRewards::<Test>::get(), 1_000);
		System::assert_last_event(Event::Rewarded { author: 3, amount: 1_000 }.into());
	});
}

#[test]
fn a_new_account_can_author_and_be_rewarded() {
	run_test(|| {
		<Povc as EventHandler<AccountId, u64>>::note_author(42);
		assert_eq!(Balances::balance(&42), 1_000);
	});
}

#[test]
fn balances_are_conserved_rewards_are_the_only_new_money() {
	run_test(|| {
		let initial = Balances::total_issuance();
		assert_eq!(sum_of_all_balances(), initial);
		for block in 2..=21u64 {
			System::set_block_number(block);
			<Povc as EventHandler<AccountId, u64>>::note_author(block % 4 + 1);
		}
		assert_eq!(TotalRewards::<Test>::get(), 20 * 1_000);
		assert_eq!(Balances::total_issuance(), initial + 20 * 1_000);
		assert_eq!(sum_of_all_balances(), Balances::total_issuance());
	});
}

#[test]
fn every_block_accounts_for_the_reward() {
	run_test(|| {
		assert_eq!(Povc::on_initialize(2), <() as WeightInfo>::reward_author());
	});
}
