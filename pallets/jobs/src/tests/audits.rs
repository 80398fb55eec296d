//! Audits: a unanimously verified result's score is pending until its audit draw; an
//! audited result whose auditor disagrees goes to a referee committee.

use crate::{mock::*, Event, FailureReason, JobState, Jobs as JobsStorage, PendingCredits, Role};
use sp_runtime::Perbill;

/// Replicas 11, 12 and 13 agree on `output` claiming `fuel`; then the referee pool
/// 21..=24 registers (too late to be replicas). Returns the job, its score pending.
fn agreed_job(output: &[u8], fuel: u64) -> u64 {
	let job = job_of_three();
	for w in [11, 12, 13] {
		commit(w, job, output, fuel);
	}
	for w in [11, 12, 13] {
		reveal(w, job, output, fuel);
	}
	referee_pool(&[21, 22, 23, 24]);
	assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::AuditPending);
	job
}

fn set_audit_rate(rate: Perbill) {
	frame_support::assert_ok!(Jobs::set_audit_rate(RuntimeOrigin::root(), rate));
}

/// Forces the audit draw and runs to it; returns the auditor.
fn audit(job: u64) -> u64 {
	set_audit_rate(Perbill::one());
	end_audit_delay(job);
	assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Auditing);
	let auditors = assigned(job, Role::Auditor);
	assert_eq!(auditors.len(), 1);
	auditors[0]
}

/// Runs the committee of a contested audit: it is drawn after `DRAW_DELAY` and every
/// member finds `output` with `fuel`.
fn committee_finds(job: u64, output: &[u8], fuel: u64) -> Vec<u64> {
	let record = JobsStorage::<Test>::get(job).unwrap();
	assert_eq!(record.state, JobState::DrawingReferees);
	run_to_block(record.timeout_at);
	let referees = assigned(job, Role::Referee);
	assert_eq!(referees.len(), 3);
	for r in &referees {
		commit(*r, job, output, fuel);
	}
	for r in &referees {
		reveal(*r, job, output, fuel);
	}
	referees
}

fn credited() -> Vec<(u64, u64, u128)> {
	COMPUTE.with(|c| c.borrow().clone())
}

/// The self-dealing replicas of the scoring attack claim the whole fuel limit for an
/// output they never computed. Before, their score counted at once. Now it waits for
/// the audit draw; the auditor's run finds the real result, a referee committee confirms
/// it, and the claim costs the replicas their score, their result and a fault (with a
/// slash share set, a slash that pays the auditor).
#[test]
fn replicas_claiming_fuel_they_never_ran_are_caught_by_an_audit() {
	build_and_execute(|| {
		let job = agreed_job(b"42", FUEL_LIMIT);
		assert!(credited().is_empty(), "the score is pending");
		let auditor = audit(job);
		let auditor_before = free(auditor);

		// The real run: other output, 600 fuel.
		commit(auditor, job, b"41", 600);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::AuditRevealing);
		reveal(auditor, job, b"41", 600);
		assert!(jobs_events().contains(&Event::AuditContested { job, auditor }));
		let referees = committee_finds(job, b"41", 600);

		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::Overturned));
		assert!(Jobs::result_of(job).is_none(), "the overturned output is withdrawn");
		assert!(credited().is_empty(), "the claimed score never counts");
		assert!(PendingCredits::<Test>::get(job).is_empty());
		assert!(jobs_events()
			.iter()
			.any(|e| matches!(e, Event::ScoreVoided { job: j, value: 600 } if *j == job)));
		for w in [11, 12, 13] {
			assert_eq!(bond_held(w), 900, "replica {w} slashed like a wrong result");
		}
		// The auditor: paid its 600 fuel (less the burn) and a share of three slashes.
		let share = 3 * 100 / 4;
		assert_eq!(free(auditor), auditor_before + 1_080 + share);
		assert!(referees.iter().all(|r| bond_held(*r) == 1_000));
	});
}

#[test]
fn an_audit_that_matches_credits_the_score_and_pays_the_auditor() {
	build_and_execute(|| {
		let job = agreed_job(b"42", 600);
		let auditor = audit(job);
		let before = free(auditor);
		commit(auditor, job, b"42", 600);
		reveal(auditor, job, b"42", 600);

		assert!(jobs_events().contains(&Event::AuditPassed { job, auditor }));
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(free(auditor), before + 1_080, "600 fuel at price 2, 10 % burned");
		let mut scored: Vec<_> = credited().iter().map(|(w, _, v)| (*w, *v)).collect();
		scored.sort();
		assert_eq!(scored, vec![(11, 120), (12, 120), (13, 120)]);
		for w in [11, 12, 13, auditor] {
			assert_eq!(bond_held(w), 1_000);
		}
		assert_eq!(escrow_held(2), 0, "the rest of the dispute fee is refunded");
	});
}

/// The attack: replicas that all belong to one attacker agree on a made-up output and
/// claim 0 fuel. Their result credits no score, and before it was therefore never
/// audited: the requester got a wrong result verified, and the replicas a verified
/// job's reputation, with no chance of being caught. Every verified result now waits
/// for its audit draw, whatever it credits.
#[test]
fn a_result_claiming_no_fuel_is_audited_like_any_other() {
	build_and_execute(|| {
		let job = agreed_job(b"made up", 0);
		let auditor = audit(job);
		commit(auditor, job, b"41", 600);
		reveal(auditor, job, b"41", 600);
		assert!(jobs_events().contains(&Event::AuditContested { job, auditor }));
		committee_finds(job, b"41", 600);
		assert_eq!(
			JobsStorage::<Test>::get(job).unwrap().state,
			JobState::Failed(FailureReason::Overturned)
		);
		assert!(Jobs::result_of(job).is_none(), "the made-up output is withdrawn");
	});
}

/// One auditor never slashes anyone on its word: a lying auditor's mismatch goes to a
/// committee, which upholds the replicas and slashes the auditor instead.
#[test]
fn a_lying_auditor_cannot_slash_honest_replicas() {
	build_and_execute(|| {
		let job = agreed_job(b"42", 600);
		let auditor = audit(job);
		commit(auditor, job, b"41", 600);
		reveal(auditor, job, b"41", 600);
		committee_finds(job, b"42", 600);

		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(Jobs::result_of(job).unwrap(), b"42".to_vec());
		for w in [11, 12, 13] {
			assert_eq!(bond_held(w), 1_000, "honest replica {w} keeps its bond");
		}
		assert_eq!(bond_held(auditor), 900);
		assert_eq!(credited().len(), 3, "the score counts");
	});
}

/// Captured audit: an attacker's auditor contests an honest result and its captured
/// committee backs it. The verdict used to replace the result, verifying the attacker's
/// output. Now it can only withdraw the result (and void its score): no wrong result is
/// verified, and with no slash share set (the runtime's) the honest replicas keep
/// their bonds.
#[test]
fn a_captured_audit_committee_withdraws_but_never_replaces_a_result() {
	build_and_execute(|| {
		let job = agreed_job(b"42", 600);
		let auditor = audit(job);
		commit(auditor, job, b"41", 600);
		reveal(auditor, job, b"41", 600);
		committee_finds(job, b"41", 600);

		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Failed(FailureReason::Overturned));
		assert_eq!(record.result, None);
		assert!(Jobs::result_of(job).is_none());
		assert!(credited().is_empty());
	});
}

/// A committee without a majority decides nothing: nobody is slashed, the replicas keep
/// their pay and the result, and the doubted score is not given.
#[test]
fn an_undecided_audit_voids_the_score_and_slashes_nobody() {
	build_and_execute(|| {
		let job = agreed_job(b"42", 600);
		let auditor = audit(job);
		commit(auditor, job, b"41", 600);
		reveal(auditor, job, b"41", 600);
		let record = JobsStorage::<Test>::get(job).unwrap();
		run_to_block(record.timeout_at);
		let referees = assigned(job, Role::Referee);
		for (r, output) in referees.iter().zip([&b"40"[..], b"41", b"42"]) {
			commit(*r, job, output, 600);
		}
		for (r, output) in referees.iter().zip([&b"40"[..], b"41", b"42"]) {
			reveal(*r, job, output, 600);
		}

		let record = JobsStorage::<Test>::get(job).unwrap();
		assert_eq!(record.state, JobState::Verified);
		assert_eq!(Jobs::result_of(job).unwrap(), b"42".to_vec());
		assert!(credited().is_empty());
		for w in [11, 12, 13, 21, 22, 23, 24] {
			assert_eq!(bond_held(w), 1_000, "{w} keeps its bond");
		}
	});
}

#[test]
fn without_an_audit_or_an_auditor_the_score_counts_after_the_delay() {
	build_and_execute(|| {
		// AuditRate 0: never audited.
		let job = agreed_job(b"42", 600);
		let settled_at = System::block_number();
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().timeout_at, settled_at + AUDIT_DELAY);
		end_audit_delay(job);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(credited().len(), 3);
		assert!(!jobs_events().iter().any(|e| matches!(e, Event::AuditorDrawn { .. })));
	});
	build_and_execute(|| {
		// Drawn for an audit, but no referee exists to audit it.
		let job = job_of_three();
		for w in [11, 12, 13] {
			commit(w, job, b"42", 600);
		}
		for w in [11, 12, 13] {
			reveal(w, job, b"42", 600);
		}
		set_audit_rate(Perbill::one());
		end_audit_delay(job);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(credited().len(), 3);
	});
}

/// An auditor that abstains or misses its deadline leaves the result unchallenged; a
/// missed deadline costs it its bond as usual, an abstention does not.
#[test]
fn a_silent_or_abstaining_auditor_leaves_the_score_standing() {
	build_and_execute(|| {
		let job = agreed_job(b"42", 600);
		let auditor = audit(job);
		run_to_block(JobsStorage::<Test>::get(job).unwrap().timeout_at);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(credited().len(), 3);
		assert!(bond_held(auditor) < 1_000, "a no-show is slashed");
	});
	build_and_execute(|| {
		let job = agreed_job(b"42", 600);
		let auditor = audit(job);
		frame_support::assert_ok!(Jobs::abstain(RuntimeOrigin::signed(auditor), job));
		run_to_block(System::block_number() + 1);
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(credited().len(), 3);
		assert_eq!(bond_held(auditor), 1_000);
	});
}

#[test]
fn only_root_sets_the_audit_rate() {
	build_and_execute(|| {
		frame_support::assert_noop!(
			Jobs::set_audit_rate(RuntimeOrigin::signed(2), Perbill::one()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_eq!(crate::AuditRate::<Test>::get(), Perbill::zero(), "the mock's default");
		set_audit_rate(Perbill::from_percent(5));
		assert_eq!(crate::AuditRate::<Test>::get(), Perbill::from_percent(5));
		assert!(jobs_events().contains(&Event::AuditRateSet { rate: Perbill::from_percent(5) }));
	});
}

/// Disputes already had a committee re-run the job: their verdict's score counts at once.
#[test]
fn a_dispute_verdicts_score_counts_without_an_audit() {
	build_and_execute(|| {
		let job = job_of_three();
		referee_pool(&[21, 22, 23]);
		set_audit_rate(Perbill::one());
		// 13 falls silent: a dispute the committee settles by confirming 11 and 12.
		fall_silent(job);
		for r in assigned(job, Role::Referee) {
			commit(r, job, b"42", 600);
		}
		for r in assigned(job, Role::Referee) {
			reveal(r, job, b"42", 600);
		}
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Verified);
		assert_eq!(credited().len(), 2);
		assert!(assigned(job, Role::Auditor).is_empty());
	});
}

/// The largest job (`MaxReplicas` = 5) still has room for its auditor and a whole
/// committee: 9 assignees.
#[test]
fn a_contested_audit_of_the_largest_job_has_room_for_its_committee() {
	build_and_execute(|| {
		let replicas = [11, 12, 13, 14, 15];
		for w in replicas {
			register_worker(w, 1_000);
		}
		let program = upload_program(1);
		let job = submit(2, spec(program, 5));
		for w in replicas {
			commit(w, job, b"42", 600);
		}
		for w in replicas {
			reveal(w, job, b"42", 600);
		}
		referee_pool(&[21, 22, 23, 24]);
		let auditor = audit(job);
		commit(auditor, job, b"41", 600);
		reveal(auditor, job, b"41", 600);
		committee_finds(job, b"41", 600);
		assert_eq!(crate::Assignments::<Test>::get(job).len(), 9);
		assert_eq!(
			JobsStorage::<Test>::get(job).unwrap().state,
			JobState::Failed(FailureReason::Overturned)
		);
		assert!(replicas.iter().all(|w| bond_held(*w) == 900));
	});
}

/// The bias this answers: the audit draw read a `u32` modulo 10⁹, which lands below
/// 294,967,296 five times in 2³² and above it four, so a 5 % rate audited 5.8 % of
/// results (and a rate above 29.5 % fewer than it said). 200,000 rolls of the 64-bit
/// draw stay within 0.25 points of the rate.
#[test]
fn the_audit_draw_hits_its_rate() {
	let rate = Perbill::from_percent(5);
	let rolls: Vec<[u8; 32]> =
		(0u32..200_000).map(|i| sp_crypto_hashing::blake2_256(&i.to_le_bytes())).collect();
	let share = |hits: usize| hits as f64 / rolls.len() as f64;
	let hits = rolls.iter().filter(|roll| crate::audits::audit_roll_hits(&roll[..], rate)).count();
	let old_hits = rolls
		.iter()
		.filter(|roll| {
			let low = u32::from_le_bytes([roll[0], roll[1], roll[2], roll[3]]);
			Perbill::from_parts(low % 1_000_000_000) < rate
		})
		.count();
	println!(
		"audited: {:.3} % (a u32 modulo 10⁹: {:.3} %)",
		100.0 * share(hits),
		100.0 * share(old_hits)
	);
	assert!((share(hits) - 0.05).abs() < 0.0025, "{}", share(hits));
	assert!(share(old_hits) > 0.055, "the old draw's bias: {}", share(old_hits));
}
