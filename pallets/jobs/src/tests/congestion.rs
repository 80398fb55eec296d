//! Congestion: no other job's timeout or pruning entries can make a commit or reveal
//! fail, shorten a phase, or leave a finished job unpruned.
//!
//! The attack this answers: timeout entries used to be bounded per block and searched
//! backwards over 16 blocks. An attacker that submitted and cancelled jobs filled the
//! blocks after a victim's last commit (a cancelled job's pruning entry lands exactly
//! `JobRetention` blocks later), so that commit failed with `TimeoutsFull` and the
//! victim was slashed for not committing; a full window also shortened phases and left
//! jobs without a pruning entry.

use crate::{mock::*, JobState, Jobs as JobsStorage, PruningCursor, Role, TimeoutCursor};
use frame_support::{assert_ok, traits::Hooks, weights::Weight};
use sp_runtime::Perbill;

/// How many jobs the attacker submits and cancels in each block: more than the block hook
/// prunes in a block (8 with the mock's weights), so that their prunings pile up.
const PER_BLOCK: usize = 12;

#[test]
fn filling_the_timeout_slots_fails_no_commit_and_slashes_nobody() {
	build_and_execute(|| {
		for w in [11, 12, 13] {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		// Blocks 2..=6: the attacker's cancelled jobs are pruned at blocks 52..=56.
		for block in 2..=6 {
			run_to_block(block);
			for _ in 0..PER_BLOCK {
				let job = submit_only(3, spec(program, 1));
				assert!(Jobs::cancel_job(RuntimeOrigin::signed(3), job).is_ok());
			}
		}
		// The victim's job is drawn at 47; its last commit comes at 51, so its reveal
		// phase ends at 56, in the middle of the attacker's entries.
		run_to_block(45);
		let job = submit(2, spec(program, 3));
		assert_eq!(System::block_number(), 47);
		let replicas = assigned(job, Role::Replica);
		commit(replicas[0], job, b"42", 600);
		commit(replicas[1], job, b"42", 600);
		run_to_block(51);
		commit(replicas[2], job, b"42", 600);
		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Revealing);
		assert_eq!(record.timeout_at, 51 + REVEAL_PERIOD, "the reveal phase is not shortened");
		for w in &replicas {
			reveal(*w, job, b"42", 600);
		}
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::AuditPending);

		// While the attacker's 60 prunings are handled 8 per block, phase timeouts are
		// not held up: their cursor is at the current block every block.
		let mut pruning_lagged = false;
		for block in 52..=60 {
			run_to_block(block);
			assert_eq!(TimeoutCursor::<Test>::get(), Some(block + 1));
			pruning_lagged |= PruningCursor::<Test>::get().is_some_and(|c| c <= block);
		}
		assert!(pruning_lagged, "the attack did build a pruning backlog");
		for w in [11, 12, 13] {
			assert_eq!(bond_held(w), 1_000, "nobody is slashed");
		}

		// Every job, the attacker's and the victim's, is pruned in the end.
		run_to_block(61 + JOB_RETENTION + 1);
		assert_eq!(JobsStorage::<Test>::iter().count(), 0);
		assert_eq!(escrow_held(3), 0);
	});
}

#[test]
fn a_burst_of_timeouts_is_handled_over_the_next_blocks_never_early() {
	build_and_execute(|| {
		for w in 11..=22 {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		// Ten single-replica jobs: the queue holds 4, and 2 are drawn per block; two
		// requesters take turns (one account holds at most 3 queue entries).
		let mut jobs = Vec::new();
		while jobs.len() < 10 {
			while crate::Queue::<Test>::get().len() < 4 && jobs.len() < 10 {
				jobs.push(submit_only(2 + jobs.len() as u64 % 2, spec(program, 1)));
			}
			run_to_block(System::block_number() + 1);
		}
		while !crate::Queue::<Test>::get().is_empty() {
			run_to_block(System::block_number() + 1);
		}
		let now = System::block_number();
		for job in &jobs {
			let record = JobsStorage::<Test>::get(job).unwrap();
			assert_eq!(record.state, JobState::Committing);
			assert!(record.timeout_at > now, "every commit phase is still open");
			commit(assigned(*job, Role::Replica)[0], *job, b"42", 600);
		}
		// All ten reveal phases end at the same block: 8 are handled there, 2 later.
		let due = now + REVEAL_PERIOD;
		run_to_block(due);
		let revealing: Vec<_> = jobs
			.iter()
			.copied()
			.filter(|job| JobsStorage::<Test>::get(job).unwrap().state == JobState::Revealing)
			.collect();
		assert_eq!(revealing.len(), 2);
		// Those phases got longer, not shorter: their replicas can still reveal.
		for job in &revealing {
			reveal(assigned(*job, Role::Replica)[0], *job, b"42", 600);
			assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Unverified);
		}
		run_to_block(due + 1);
		assert_eq!(TimeoutCursor::<Test>::get(), Some(due + 2));
	});
}

/// `on_idle` prunes with the weight the block's extrinsics left: a backlog of finished jobs
/// beyond the hook's eighth clears in a block with room, and a full block prunes no more.
#[test]
fn blocks_with_room_prune_the_backlog_beyond_the_hooks_share() {
	build_and_execute(|| {
		let program = upload_program(1);
		run_to_block(2);
		for _ in 0..PER_BLOCK {
			let job = submit_only(3, spec(program, 1));
			assert!(Jobs::cancel_job(RuntimeOrigin::signed(3), job).is_ok());
		}
		run_to_block(2 + JOB_RETENTION);
		assert_eq!(JobsStorage::<Test>::iter().count(), PER_BLOCK - 8, "the hook pruned 8");
		let now = System::block_number();
		assert_eq!(Jobs::on_idle(now, Weight::zero()), Weight::zero(), "a full block");
		assert_eq!(JobsStorage::<Test>::iter().count(), PER_BLOCK - 8);
		let used = Jobs::on_idle(now, Weight::from_parts(1_000, 0));
		assert_eq!(used, Weight::from_parts(5 * (PER_BLOCK as u64 - 8), 0), "charged per pruning");
		assert_eq!(JobsStorage::<Test>::iter().count(), 0);
	});
}

/// Throughput of the honest path, whose one timeout is the end of a verified job's audit
/// delay. Charged the dearest timeout (a contested audit's verdict: 20 with the mock's
/// weights), 8 of them ended in a block's half for timeouts and the rest waited: the whole
/// market verified at most that many jobs a block. Charged their own benchmark (5), all
/// twelve end in the block they are due.
#[test]
fn audit_delays_are_charged_their_own_cost_not_the_dearest_timeout() {
	build_and_execute(|| {
		for w in 11..=22 {
			register_worker(w, 1_000);
		}
		assert_ok!(Jobs::set_audit_rate(RuntimeOrigin::root(), Perbill::zero()));
		let program = upload_program(1);
		let mut jobs = Vec::new();
		while jobs.len() < 12 {
			while crate::Queue::<Test>::get().len() < 4 && jobs.len() < 12 {
				jobs.push(submit_only(2 + jobs.len() as u64 % 2, spec(program, 2)));
			}
			run_to_block(System::block_number() + 1);
		}
		while !crate::Queue::<Test>::get().is_empty() {
			run_to_block(System::block_number() + 1);
		}
		for job in &jobs {
			for w in assigned(*job, Role::Replica) {
				commit(w, *job, b"42", 600);
			}
		}
		// The last reveal of each publishes too: all twelve settle in this block.
		for job in &jobs {
			for w in assigned(*job, Role::Replica) {
				reveal(w, *job, b"42", 600);
			}
		}
		let due = System::block_number() + AUDIT_DELAY;
		for job in &jobs {
			let record = JobsStorage::<Test>::get(job).unwrap();
			assert_eq!((record.state, record.timeout_at), (JobState::AuditPending, due));
		}
		run_to_block(due);
		for job in &jobs {
			assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		}
		assert_eq!(TimeoutCursor::<Test>::get(), Some(due + 1));
	});
}
