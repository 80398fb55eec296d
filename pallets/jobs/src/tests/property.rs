//! Random sequences of calls from many accounts keep every invariant and conserve the
//! total issuance (`build_and_execute` checks both, `run_to_block` after every block).

use crate::{mock::*, Jobs as JobsStorage};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
enum Action {
	/// Register worker 11 + n (if not yet).
	Register(u8),
	/// Requester 1 + n submits a job with this many replicas.
	Submit(u8, u8),
	/// The i-th worker that must commit commits an honest (or a wrong) result.
	Commit(u8, bool),
	/// The i-th worker that must reveal reveals what it committed.
	Reveal(u8),
	/// Blocks pass.
	Advance(u8),
	/// A requester tries to cancel the i-th job.
	Cancel(u8),
	/// A requester tries to clear the i-th job's result.
	Clear(u8),
}

fn action() -> impl Strategy<Value = Action> {
	prop_oneof![
		(0u8..12).prop_map(Action::Register),
		(0u8..4, 1u8..=3).prop_map(|(r, n)| Action::Submit(r, n)),
		(any::<u8>(), prop::bool::weighted(0.8)).prop_map(|(i, h)| Action::Commit(i, h)),
		any::<u8>().prop_map(Action::Reveal),
		(1u8..8).prop_map(Action::Advance),
		any::<u8>().prop_map(Action::Cancel),
		any::<u8>().prop_map(Action::Clear),
	]
}

/// Every (job, worker) whose worker must act now, in a stable order.
fn pending(revealing: bool) -> Vec<(u64, u64)> {
	let mut all = Vec::new();
	for w in (11..=22).chain(31..=33) {
		for a in Jobs::open_assignments_of(&w) {
			if a.committed == revealing {
				all.push((a.job, w));
			}
		}
	}
	all.sort();
	all
}

fn run(actions: Vec<Action>) {
	build_and_execute(|| {
		let program = upload_program(40);
		for r in 31..=33 {
			register_worker(r, 500);
			accept_referee(r);
		}
		let mut committed = BTreeMap::<(u64, u64), &'static [u8]>::new();
		for action in actions {
			match action {
				Action::Register(n) => {
					let who = 11 + u64::from(n);
					let _ = Workers::register(
						RuntimeOrigin::signed(who),
						MIN_BOND + u64::from(n) * 50,
						2,
						CLASS.to_vec().try_into().unwrap(),
					);
				},
				Action::Submit(r, n) => {
					let _ =
						Jobs::submit_job(RuntimeOrigin::signed(1 + u64::from(r)), spec(program, n));
				},
				Action::Commit(i, honest) => {
					let list = pending(false);
					if let Some(&(job, w)) = list.get(usize::from(i) % list.len().max(1)) {
						let output: &'static [u8] = if honest { b"ok" } else { b"bad" };
						commit(w, job, output, 100);
						committed.insert((job, w), output);
					}
				},
				Action::Reveal(i) => {
					let list = pending(true);
					if let Some(&(job, w)) = list.get(usize::from(i) % list.len().max(1)) {
						let output = committed[&(job, w)];
						let state = JobsStorage::<Test>::get(job).map(|j| j.state);
						if state == Some(crate::JobState::Publishing) {
							publish(w, job, output);
						} else {
							reveal(w, job, output, 100);
						}
					}
				},
				Action::Advance(n) => run_to_block(System::block_number() + u64::from(n)),
				Action::Cancel(i) => {
					let job = u64::from(i) % (crate::NextJobId::<Test>::get().max(1));
					if let Some(record) = JobsStorage::<Test>::get(job) {
						let _ = Jobs::cancel_job(RuntimeOrigin::signed(record.requester), job);
					}
				},
				Action::Clear(i) => {
					let job = u64::from(i) % (crate::NextJobId::<Test>::get().max(1));
					if let Some(record) = JobsStorage::<Test>::get(job) {
						let _ = Jobs::clear_result(RuntimeOrigin::signed(record.requester), job);
					}
				},
			}
			check_invariants();
		}
		// Let every job run out its deadline and retention.
		run_to_block(System::block_number() + 100 + JOB_RETENTION + 20);
		assert_eq!(JobsStorage::<Test>::iter().count(), 0, "every job is eventually pruned");
		for requester in 1..=4 {
			assert_eq!(escrow_held(requester), 0);
		}
	});
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

	#[test]
	fn random_call_sequences_keep_the_invariants(actions in prop::collection::vec(action(), 1..60)) {
		run(actions);
	}
}
