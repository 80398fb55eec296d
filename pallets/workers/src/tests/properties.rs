//! Random call sequences: after every step the invariants hold, total issuance only moves
//! by burned slashes, and a failed call changes nothing.

use super::*;
use povc_primitives::Offence;
use proptest::prelude::*;
use sp_runtime::{DispatchError, StateVersion};

/// Accounts the sequences use: 1..=WHO.
const WHO: AccountId = 6;
const CLASSES: [&str; 2] = [CLASS, OTHER_CLASS];

#[derive(Clone, Debug)]
enum Op {
	Register {
		who: AccountId,
		bond: Balance,
		capacity: u32,
		class: usize,
	},
	BondMore {
		who: AccountId,
		amount: Balance,
	},
	Unbond {
		who: AccountId,
		amount: Balance,
	},
	Withdraw {
		who: AccountId,
	},
	SetCapacity {
		who: AccountId,
		capacity: u32,
	},
	SetClass {
		who: AccountId,
		class: usize,
	},
	Pause {
		who: AccountId,
	},
	Resume {
		who: AccountId,
	},
	ContributeTo {
		who: AccountId,
		to: Option<AccountId>,
	},
	Assign {
		who: AccountId,
	},
	Release {
		who: AccountId,
	},
	Verified {
		who: AccountId,
	},
	Slash {
		who: AccountId,
		offence: u8,
		beneficiaries: usize,
	},
	Select {
		count: u32,
		seed: u64,
	},
	Advance {
		blocks: u64,
	},
	/// Epochs pass: due snapshots take effect.
	NextEpochs {
		epochs: u64,
	},
}

fn who() -> impl Strategy<Value = AccountId> {
	1..=WHO
}

fn amount() -> impl Strategy<Value = Balance> {
	prop_oneof![0..=300u64, 0..=ENDOWMENT + 10]
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		3 => (who(), amount(), 0..=MAX_CAPACITY + 1, 0..2usize)
			.prop_map(|(who, bond, capacity, class)| Op::Register { who, bond, capacity, class }),
		1 => (who(), amount()).prop_map(|(who, amount)| Op::BondMore { who, amount }),
		2 => (who(), amount()).prop_map(|(who, amount)| Op::Unbond { who, amount }),
		2 => who().prop_map(|who| Op::Withdraw { who }),
		1 => (who(), 0..=MAX_CAPACITY + 1)
			.prop_map(|(who, capacity)| Op::SetCapacity { who, capacity }),
		1 => (who(), 0..2usize).prop_map(|(who, class)| Op::SetClass { who, class }),
		1 => who().prop_map(|who| Op::Pause { who }),
		1 => who().prop_map(|who| Op::Resume { who }),
		1 => (who(), proptest::option::of(who())).prop_map(|(who, to)| Op::ContributeTo { who, to }),
		2 => who().prop_map(|who| Op::Assign { who }),
		2 => who().prop_map(|who| Op::Release { who }),
		1 => who().prop_map(|who| Op::Verified { who }),
		2 => (who(), 0..3u8, 0..4usize)
			.prop_map(|(who, offence, beneficiaries)| Op::Slash { who, offence, beneficiaries }),
		1 => (0..4u32, any::<u64>()).prop_map(|(count, seed)| Op::Select { count, seed }),
		1 => (1..=DELAY + 2).prop_map(|blocks| Op::Advance { blocks }),
		2 => (1..=SNAPSHOT_DELAY).prop_map(|epochs| Op::NextEpochs { epochs }),
	]
}

/// Applies `op`; a failing call must leave the state untouched.
fn apply(op: &Op) {
	let before = sp_io::storage::root(StateVersion::V1);
	let result: Result<(), DispatchError> = match op.clone() {
		Op::Register { who, bond, capacity, class: c } => {
			Workers::register(signed(who), bond, capacity, class(CLASSES[c]))
		},
		Op::BondMore { who, amount } => Workers::bond_more(signed(who), amount),
		Op::Unbond { who, amount } => Workers::unbond(signed(who), amount),
		Op::Withdraw { who } => Workers::withdraw_unbonded(signed(who)),
		Op::SetCapacity { who, capacity } => Workers::set_capacity(signed(who), capacity),
		Op::SetClass { who, class: c } => Workers::set_class(signed(who), class(CLASSES[c])),
		Op::Pause { who } => Workers::pause(signed(who)),
		Op::Resume { who } => Workers::resume(signed(who)),
		Op::ContributeTo { who, to } => Workers::contribute_to(signed(who), to),
		Op::Assign { who } => Workers::assign(&who),
		Op::Release { who } => {
			Workers::release(&who);
			Ok(())
		},
		Op::Verified { who } => {
			Workers::note_verified(&who);
			Ok(())
		},
		Op::Slash { who, offence, beneficiaries } => {
			let offence =
				[Offence::WrongResult, Offence::NoShow, Offence::NoReveal][offence as usize];
			let beneficiaries: Vec<AccountId> =
				(0..beneficiaries as u64).map(|i| (who + i) % (WHO + 2) + 1).collect();
			// Bond and unbonding funds are both slashable.
			let held = WorkersMap::<Test>::get(who)
				.map(|w| w.bond + w.total_unlocking())
				.unwrap_or_default();
			let slashed = Workers::slash(&who, offence, &beneficiaries);
			assert_eq!(slashed, Workers::slash_share(offence).mul_floor(held));
			Ok(())
		},
		Op::Select { count, seed } => {
			if let Some(drawn) = select(count, &[], seed) {
				check_draw(&drawn, count);
			}
			assert_eq!(sp_io::storage::root(StateVersion::V1), before, "select is pure");
			Ok(())
		},
		Op::Advance { blocks } => {
			run_to_block(System::block_number() + blocks);
			Ok(())
		},
		Op::NextEpochs { epochs } => {
			next_epochs(epochs);
			Ok(())
		},
	};
	if result.is_err() {
		assert_eq!(
			sp_io::storage::root(StateVersion::V1),
			before,
			"{op:?} failed with {result:?} but changed state"
		);
	}
}

/// A draw is distinct, of workers that can serve now and that the trees weigh.
fn check_draw(drawn: &[AccountId], count: u32) {
	assert_eq!(drawn.len(), count as usize);
	let mut unique = drawn.to_vec();
	unique.sort();
	unique.dedup();
	assert_eq!(unique.len(), drawn.len());
	for who in drawn {
		let w = info(*who);
		assert!(w.bond >= MIN_BOND && !w.paused && w.open_assignments < w.capacity);
		assert!(w.drawn.weight(crate::sortition::Tree::Available) > 0);
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

	#[test]
	fn random_call_sequences_keep_the_invariants(ops in proptest::collection::vec(op(), 1..60)) {
		ExtBuilder::default().build_and_execute(|| {
			let issuance = Balances::total_issuance();
			for op in &ops {
				apply(op);
				Workers::do_try_state().unwrap_or_else(|e| panic!("after {op:?}: {e:?}"));
				check_conservation(issuance);
			}
		});
	}
}
