//! Compiling happens in a child process (`povc-worker compile-module`) under limits: a
//! compile that overruns them fails cleanly and the worker carries on; artifacts the
//! child wrote are reused from disk.

use std::{path::PathBuf, time::Duration};

use povc_worker::modules::{CompileLimits, JobParams, Programs};
use sp_core::H256;

/// Wall-clock limit of the runs here: never reached.
const LIMIT: Duration = Duration::from_secs(120);

const ECHO: &str = r#"(module
	(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
	(memory (export "memory") 1)
	(data (i32.const 16) "compiled")
	(func (export "_start")
		(i32.store (i32.const 0) (i32.const 16))
		(i32.store (i32.const 4) (i32.const 8))
		(drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

fn compiler() -> PathBuf {
	PathBuf::from(env!("CARGO_BIN_EXE_povc-worker"))
}

fn programs(dir: &std::path::Path, limits: CompileLimits) -> Programs {
	Programs::new(Some(dir.to_path_buf()), limits, 4, 4).unwrap().with_compiler(compiler())
}

fn job(program: H256) -> JobParams {
	JobParams { id: 1, program, tasks: 1, fuel_limit: 1_000_000, max_output_len: 64 }
}

#[test]
fn a_child_compiles_and_the_artifact_is_reused_from_disk() {
	let dir = tempfile::tempdir().unwrap();
	let wasm = wat::parse_str(ECHO).unwrap();
	let hash = H256(sp_crypto_hashing::blake2_256(&wasm));
	let first = programs(dir.path(), CompileLimits::default());
	let outcome = first.run(&job(hash), || Ok(wasm.clone()), b"", LIMIT).unwrap().unwrap();
	assert_eq!(outcome.output, b"compiled");

	// A fresh cache (as after a restart) loads the artifact without the code.
	let second = programs(dir.path(), CompileLimits::default());
	assert!(second.is_cached(hash));
	let again = second
		.run(&job(hash), || Err("must not compile again".into()), b"", LIMIT)
		.unwrap()
		.unwrap();
	assert_eq!(again, outcome);
}

/// Several jobs of one new program start at once (a batch): each gets the program, and
/// it is compiled once. Before, every run compiled it through the same temporary files,
/// and the runs that lost the race abstained — honest workers failing a requester's jobs.
#[test]
fn jobs_of_one_new_program_started_at_once_all_run_it() {
	let dir = tempfile::tempdir().unwrap();
	let wasm = wat::parse_str(ECHO).unwrap();
	let hash = H256(sp_crypto_hashing::blake2_256(&wasm));
	let programs = programs(dir.path(), CompileLimits::default());
	let compiled = std::sync::atomic::AtomicUsize::new(0);
	std::thread::scope(|scope| {
		let runs: Vec<_> = (0..8)
			.map(|_| {
				scope.spawn(|| {
					let code = || {
						compiled.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
						Ok(wasm.clone())
					};
					programs.run(&job(hash), code, b"", LIMIT)
				})
			})
			.collect();
		for run in runs {
			let outcome = run.join().unwrap().unwrap();
			assert_eq!(outcome.unwrap().output, b"compiled");
		}
	});
	assert_eq!(compiled.into_inner(), 1, "compiled once, for all eight runs");
}

/// Failing to compile here is the host's trouble (the chain validated the program): the
/// worker abstains instead of retrying until its commit deadline passes.
#[test]
fn a_compile_over_its_limits_is_an_abstention() {
	let dir = tempfile::tempdir().unwrap();
	let wasm = wat::parse_str(ECHO).unwrap();
	let hash = H256(sp_crypto_hashing::blake2_256(&wasm));

	let no_time = CompileLimits { timeout: Duration::ZERO, ..CompileLimits::default() };
	let abstention =
		programs(dir.path(), no_time).run(&job(hash), || Ok(wasm.clone()), b"", LIMIT).unwrap();
	assert!(abstention.unwrap_err().to_string().contains("longer than"));

	let no_memory = CompileLimits { max_memory: 16 << 20, ..CompileLimits::default() };
	let abstention =
		programs(dir.path(), no_memory).run(&job(hash), || Ok(wasm.clone()), b"", LIMIT).unwrap();
	assert!(abstention.unwrap_err().to_string().contains("does not compile"));

	// Nothing half-written was left behind, and within limits it compiles.
	let fine = programs(dir.path(), CompileLimits::default());
	assert!(!fine.is_cached(hash));
	assert_eq!(fine.run(&job(hash), || Ok(wasm), b"", LIMIT).unwrap().unwrap().output, b"compiled");
}

/// The attack: a program that hits the compile limits at `fuel_limit` 1 cost each drawn
/// worker a compilation (60 s of CPU) per job, because failures were not remembered. Now
/// a worker (even restarted) abstains from the program's next jobs at once, without
/// compiling it again; more generous limits try again.
#[test]
fn a_failed_compilation_is_remembered() {
	let dir = tempfile::tempdir().unwrap();
	let wasm = wat::parse_str(ECHO).unwrap();
	let hash = H256(sp_crypto_hashing::blake2_256(&wasm));
	let no_time = CompileLimits { timeout: Duration::ZERO, ..CompileLimits::default() };
	let first = programs(dir.path(), no_time).run(&job(hash), || Ok(wasm.clone()), b"", LIMIT);
	assert!(first.unwrap().unwrap_err().to_string().contains("longer than"));

	let restarted = programs(dir.path(), no_time);
	let started = std::time::Instant::now();
	let again = restarted
		.run(&job(hash), || Err("must not compile again".into()), b"", LIMIT)
		.unwrap()
		.unwrap_err()
		.to_string();
	assert!(again.contains("did not compile here before"), "{again}");
	assert!(started.elapsed() < Duration::from_millis(500), "{:?}", started.elapsed());

	let generous = programs(dir.path(), CompileLimits::default());
	let outcome = generous.run(&job(hash), || Ok(wasm), b"", LIMIT).unwrap().unwrap();
	assert_eq!(outcome.output, b"compiled");
}

#[test]
fn invalid_code_is_an_abstention_from_the_child() {
	let dir = tempfile::tempdir().unwrap();
	let garbage = b"\0asm\x01\0\0\0\xff\xff".to_vec();
	let hash = H256(sp_crypto_hashing::blake2_256(&garbage));
	let error = programs(dir.path(), CompileLimits::default())
		.run(&job(hash), || Ok(garbage), b"", LIMIT)
		.unwrap()
		.unwrap_err()
		.to_string();
	assert!(error.contains("does not compile"), "{error}");
}
