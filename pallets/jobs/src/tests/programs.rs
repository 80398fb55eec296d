//! Blobs: program validation, deposits, reference counts, removal.

use crate::{mock::*, BlobKind, Blobs, Error, JobState, Jobs as JobsStorage};
use frame_support::{assert_noop, assert_ok};
use sp_core::H256;

fn upload(code: Vec<u8>) -> sp_runtime::DispatchResult {
	Jobs::upload_program(RuntimeOrigin::signed(1), code)
}

#[test]
fn valid_program_is_stored_with_a_deposit() {
	build_and_execute(|| {
		let code = wasm(hello_wat());
		let before = free(1);
		assert_ok!(upload(code.clone()));
		let hash = H256(sp_crypto_hashing::blake2_256(&code));
		let info = Blobs::<Test>::get(BlobKind::Program, hash).unwrap();
		assert_eq!(info.deposit, 10 + code.len() as u64);
		assert_eq!(free(1), before - info.deposit);
		assert_eq!(crate::Programs::<Test>::get(hash).unwrap().into_inner(), code);
		assert_noop!(upload(code), Error::<Test>::AlreadyUploaded);
	});
}

#[test]
fn garbage_is_not_wasm() {
	build_and_execute(|| {
		assert_noop!(upload(b"definitely not wasm".to_vec()), Error::<Test>::InvalidWasm);
		assert_noop!(upload(Vec::new()), Error::<Test>::InvalidWasm);
		// Valid header, truncated body.
		let mut code = wasm(hello_wat());
		code.truncate(code.len() - 3);
		assert_noop!(upload(code), Error::<Test>::InvalidWasm);
	});
}

#[test]
fn type_errors_are_invalid_wasm() {
	build_and_execute(|| {
		let code = wasm(
			r#"(module (memory (export "memory") 1)
				(func (export "_start") (result i32) f32.const 1))"#,
		);
		assert_noop!(upload(code), Error::<Test>::InvalidWasm);
	});
}

#[test]
fn the_example_job_programs_are_valid() {
	// The committed modules of examples/jobs (rebuilt by its build.sh), exactly as a
	// requester would upload them.
	macro_rules! example {
		($name:literal) => {
			(
				$name,
				include_bytes!(concat!(
					env!("CARGO_MANIFEST_DIR"),
					"/../../examples/jobs/wasm/",
					$name,
					".wasm"
				))
				.as_slice(),
			)
		};
	}
	for (name, code) in
		[example!("primes"), example!("monte-carlo-pi"), example!("mandelbrot"), example!("nbody")]
	{
		assert_eq!(
			crate::program::validate(code, &crate::program::ProgramLimits::DEFAULT),
			Ok(()),
			"{name}.wasm"
		);
	}
}

#[test]
fn oversized_program_is_refused() {
	build_and_execute(|| {
		let mut code = wasm(hello_wat());
		code.resize(65_537, 0);
		assert_noop!(upload(code), Error::<Test>::ProgramTooLarge);
	});
}

#[test]
fn imports_outside_wasi_are_refused() {
	build_and_execute(|| {
		for import in [
			r#"(import "env" "now" (func))"#,
			r#"(import "wasi_snapshot_preview1" "no_such_function" (func))"#,
			r#"(import "wasi_snapshot_preview1" "memory" (memory 1))"#,
			r#"(import "wasi_snapshot_preview1" "fd_write" (global i32))"#,
		] {
			let code = wasm(&format!(
				r#"(module {import} (memory (export "memory") 1) (func (export "_start")))"#
			));
			assert_noop!(upload(code), Error::<Test>::DisallowedImport);
		}
	});
}

#[test]
fn a_program_must_be_a_wasi_command() {
	build_and_execute(|| {
		let no_start = wasm(r#"(module (memory (export "memory") 1) (func (export "main")))"#);
		assert_noop!(upload(no_start), Error::<Test>::NotACommand);
		let no_memory = wasm(r#"(module (memory 1) (func (export "_start")))"#);
		assert_noop!(upload(no_memory), Error::<Test>::NotACommand);
	});
}

#[test]
fn threads_and_memory64_are_refused() {
	build_and_execute(|| {
		let shared =
			wasm(r#"(module (memory (export "memory") 1 1 shared) (func (export "_start")))"#);
		assert_noop!(upload(shared), Error::<Test>::DisallowedMemory);
		let memory64 =
			wasm(r#"(module (memory (export "memory") i64 1) (func (export "_start")))"#);
		assert_noop!(upload(memory64), Error::<Test>::DisallowedMemory);
		let two =
			wasm(r#"(module (memory 1) (memory (export "memory") 1) (func (export "_start")))"#);
		assert_noop!(upload(two), Error::<Test>::DisallowedMemory);
	});
}

#[test]
fn structural_limits_are_enforced() {
	build_and_execute(|| {
		let many_locals = wasm(
			r#"(module (memory (export "memory") 1)
				(func (export "_start") (local i64) (local i32) (local f64))
				(func (local i32 i32) (local i64) (local f32)))"#,
		);
		// Within limits: fine.
		assert_ok!(upload(many_locals));
		let huge_memory =
			wasm(r#"(module (memory (export "memory") 16385) (func (export "_start")))"#);
		assert_noop!(upload(huge_memory), Error::<Test>::ProgramLimitExceeded);
		let big_table = wasm(
			r#"(module (memory (export "memory") 1) (table 100001 funcref) (func (export "_start")))"#,
		);
		assert_noop!(upload(big_table), Error::<Test>::ProgramLimitExceeded);
	});
}

#[test]
fn too_many_locals_are_refused() {
	build_and_execute(|| {
		let locals = |n: usize| {
			wasm(&format!(
				r#"(module (memory (export "memory") 1) (func (export "_start") {}))"#,
				"(local i32) ".repeat(n)
			))
		};
		assert_ok!(upload(locals(10_000)));
		assert_noop!(upload(locals(10_001)), Error::<Test>::ProgramLimitExceeded);
	});
}

/// The attack: a valid program that takes minutes and gigabytes to compile (one function
/// of nested `if`s: 44,000 took 9.5 s, the 220,000 that fit in 2 MiB more than 150 s and
/// 11 GiB; with 10,000 locals 10,000 `if`s take 17 s), submitted at `fuel_limit` 1, cost
/// every drawn worker its compile limit. Such programs are refused at upload.
#[test]
fn compile_bombs_are_refused() {
	build_and_execute(|| {
		// `ifs` empty `if`s in one function with `locals` locals.
		let ifs = |ifs: usize, locals: usize| {
			wasm(&format!(
				r#"(module (memory (export "memory") 1)
					(func (export "_start") {} {}))"#,
				"(local i32) ".repeat(locals),
				"(if (i32.const 0) (then)) ".repeat(ifs)
			))
		};
		use crate::program::{validate, ProgramError, ProgramLimits};
		let limits = ProgramLimits::DEFAULT;
		assert_eq!(limits.max_locals_times_blocks, 10_000 * 5_000);
		assert_ok!(upload(ifs(5_000, 10_000)));
		assert_noop!(upload(ifs(5_001, 10_000)), Error::<Test>::ProgramLimitExceeded);
		// Larger than this mock chain's programs may be: checked by the validation alone.
		assert_eq!(limits.max_blocks_squared, 22_360 * 22_360 + 30_400);
		assert_eq!(validate(&ifs(22_360, 0), &limits), Ok(()));
		assert_eq!(validate(&ifs(22_361, 0), &limits), Err(ProgramError::LimitExceeded));
		// The sums are over the whole program: two functions of 16,000 `if`s are too many.
		let two = wasm(&format!(
			r#"(module (memory (export "memory") 1) (func (export "_start") {0}) (func {0}))"#,
			"(if (i32.const 0) (then)) ".repeat(16_000)
		));
		assert_eq!(validate(&two, &limits), Err(ProgramError::LimitExceeded));
	});
}

#[test]
fn data_blobs_have_their_own_size_limit() {
	build_and_execute(|| {
		assert_ok!(Jobs::upload_blob(RuntimeOrigin::signed(2), vec![7; 4_096]));
		assert_noop!(
			Jobs::upload_blob(RuntimeOrigin::signed(2), vec![7; 4_097]),
			Error::<Test>::BlobTooLarge
		);
	});
}

#[test]
fn insufficient_balance_for_the_deposit() {
	build_and_execute(|| {
		// Account 50 has no funds at all.
		assert_noop!(
			Jobs::upload_program(RuntimeOrigin::signed(50), wasm(hello_wat())),
			Error::<Test>::InsufficientBalance
		);
	});
}

/// The content of the data blob of [`spec_using_blobs_of`] (deposit 10 + 100).
const BLOB: &[u8] = &[1; 100];

/// `owner` uploads a program and the data blob [`BLOB`]; returns their hashes and the
/// spec of a one-replica job that uses both.
fn spec_using_blobs_of(owner: AccountId) -> (H256, H256, crate::JobSpecOf<Test>) {
	let program = upload_program(owner);
	assert_ok!(Jobs::upload_blob(RuntimeOrigin::signed(owner), BLOB.to_vec()));
	let input = H256(sp_crypto_hashing::blake2_256(BLOB));
	let mut job_spec = spec(program, 1);
	job_spec.input = crate::JobInput::Blob(input);
	(program, input, job_spec)
}

/// The attack: anyone kept an uploader's deposit held for as long as it liked by
/// submitting cheap jobs that use its blob, one after another, so that `remove_blob`
/// always found it in use. Now the owner's removal retires the blob: the jobs using it
/// finish with it, no new job may use it, and it goes, its deposit refunded, with the
/// last of them.
#[test]
fn others_jobs_cannot_keep_a_blob_deposit_held() {
	build_and_execute(|| {
		let (_, input, job_spec) = spec_using_blobs_of(1);
		let first = submit(2, job_spec.clone());
		let second = submit(2, job_spec.clone());

		let before = free(1);
		assert_ok!(Jobs::remove_blob(RuntimeOrigin::signed(1), BlobKind::Data, input));
		let owner = 1;
		assert!(jobs_events().contains(&crate::Event::BlobRetiring {
			kind: BlobKind::Data,
			hash: input,
			owner,
			jobs: 2
		}));
		assert_noop!(
			Jobs::submit_job(RuntimeOrigin::signed(2), job_spec.clone()),
			Error::<Test>::BlobRetiring
		);
		assert_noop!(
			Jobs::remove_blob(RuntimeOrigin::signed(1), BlobKind::Data, input),
			Error::<Test>::BlobRetiring
		);
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(2), first));
		assert_eq!(free(1), before, "held while a job still uses it");
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(2), second));
		assert_eq!(free(1), before + 110, "refunded with the last job using it");
		assert!(Blobs::<Test>::get(BlobKind::Data, input).is_none());
		assert!(crate::DataBlobs::<Test>::get(input).is_none());
		// Unused again, its content may be uploaded anew.
		assert_ok!(Jobs::upload_blob(RuntimeOrigin::signed(2), BLOB.to_vec()));
	});
}

#[test]
fn only_the_owner_removes_a_blob_and_gets_its_deposit_back() {
	build_and_execute(|| {
		let (program, input, job_spec) = spec_using_blobs_of(1);
		let job = submit(2, job_spec);
		assert_eq!(Blobs::<Test>::get(BlobKind::Program, program).unwrap().refs, 1);
		assert_eq!(Blobs::<Test>::get(BlobKind::Data, input).unwrap().refs, 1);
		assert_noop!(
			Jobs::remove_blob(RuntimeOrigin::signed(2), BlobKind::Data, input),
			Error::<Test>::NotBlobOwner
		);
		assert_ok!(Jobs::cancel_job(RuntimeOrigin::signed(2), job));
		assert_eq!(JobsStorage::<Test>::get(job).unwrap().state, JobState::Cancelled);
		assert_eq!(Blobs::<Test>::get(BlobKind::Program, program).unwrap().refs, 0);

		let before = free(1);
		assert_ok!(Jobs::remove_blob(RuntimeOrigin::signed(1), BlobKind::Data, input));
		assert_ok!(Jobs::remove_blob(RuntimeOrigin::signed(1), BlobKind::Program, program));
		assert_eq!(free(1), before + 110 + 10 + wasm(hello_wat()).len() as u64);
		assert!(crate::Programs::<Test>::get(program).is_none());
		assert_noop!(
			Jobs::remove_blob(RuntimeOrigin::signed(1), BlobKind::Program, program),
			Error::<Test>::UnknownBlob
		);
	});
}
