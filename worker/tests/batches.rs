//! A batch job on the real sandbox: every task runs on its own input with its own
//! randomness, and the output is what the chain checks a batch's root against.

use std::{path::Path, time::Duration};

use codec::Decode;
use povc_primitives::{
	batch::{self, TaskOutput},
	ExecutionStatus,
};
use povc_worker::{
	modules::{CompileLimits, JobParams, Programs},
	sandbox::Abstention,
};
use sp_core::H256;

/// Echoes its stdin (up to 64 bytes), then 4 random bytes.
const ECHO_AND_RANDOM: &str = r#"(module
	(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
	(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
	(import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
	(memory (export "memory") 1)
	(func (export "_start")
		(i32.store (i32.const 0) (i32.const 100))
		(i32.store (i32.const 4) (i32.const 64))
		(drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
		(i32.store (i32.const 4) (i32.load (i32.const 8)))
		(drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
		(drop (call $random (i32.const 200) (i32.const 4)))
		(i32.store (i32.const 0) (i32.const 200))
		(i32.store (i32.const 4) (i32.const 4))
		(drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

const LIMIT: Duration = Duration::from_secs(60);

fn batch_job(program: H256, tasks: u32) -> JobParams {
	JobParams { id: 7, program, tasks, fuel_limit: 1_000_000, max_output_len: 16 }
}

#[test]
fn each_task_runs_on_its_input_with_its_own_randomness_and_the_root_binds_them() {
	let wasm = wat::parse_str(ECHO_AND_RANDOM).unwrap();
	let program = H256(sp_crypto_hashing::blake2_256(&wasm));
	let programs = Programs::new(None, CompileLimits::default(), 1, 1).unwrap();
	let inputs: Vec<Vec<u8>> = vec![b"a".to_vec(), b"a".to_vec(), b"0123456789abcdef".to_vec()];
	let job = batch_job(program, 3);
	let input = codec::Encode::encode(&inputs);
	let run = || programs.run(&job, || Ok(wasm.clone()), &input, LIMIT).unwrap().unwrap();
	let outcome = run();

	let tasks = Vec::<TaskOutput>::decode(&mut &outcome.output[..]).unwrap();
	assert_eq!(tasks.len(), 3);
	assert_eq!(&tasks[0].output[..1], b"a");
	assert_eq!(&tasks[1].output[..1], b"a");
	// Same input, different randomness: tasks are independent runs.
	assert_ne!(tasks[0].output[1..], tasks[1].output[1..]);
	// The third echoes 16 bytes and its random ones go past the limit.
	assert_eq!(tasks[2].status, ExecutionStatus::OutputTooLarge);
	assert_eq!(tasks[2].output, b"0123456789abcdef");
	assert_eq!(outcome.fuel_used, tasks.iter().map(|t| t.fuel_used).sum::<u64>());
	assert_eq!(outcome.status, ExecutionStatus::Exited(0));

	// What the chain checks a publication against, and the same on a second run.
	let (root, fuel) = batch::output_digest(3, 16, &outcome.output).unwrap();
	assert_eq!(fuel, Some(outcome.fuel_used));
	assert_eq!(batch::output_digest(3, 16, &run().output).unwrap().0, root);
}

#[test]
fn input_that_is_not_the_batchs_tasks_is_an_abstention() {
	let wasm = wat::parse_str(ECHO_AND_RANDOM).unwrap();
	let program = H256(sp_crypto_hashing::blake2_256(&wasm));
	let programs = Programs::new(None, CompileLimits::default(), 1, 1).unwrap();
	let two: Vec<Vec<u8>> = vec![b"a".to_vec(), b"b".to_vec()];
	let input = codec::Encode::encode(&two);
	for (tasks, input) in [(3, input), (2, b"not a batch".to_vec())] {
		let outcome = programs.run(&batch_job(program, tasks), || Ok(wasm.clone()), &input, LIMIT);
		assert!(matches!(outcome.unwrap(), Err(Abstention::Tampered(_))), "{tasks} tasks");
	}
}

/// `povc-worker exec --json` of `program` as job 7 with 10^6 fuel and 16 output bytes a
/// task, on the tasks of `source` (`--inputs DIR` or `--manifest FILE`).
fn exec(program: &Path, source: (&str, &Path)) -> (Option<i32>, serde_json::Value) {
	let output = std::process::Command::new(env!("CARGO_BIN_EXE_povc-worker"))
		.arg("exec")
		.arg(program)
		.args(["--job-id", "7", "--fuel", "1000000", "--max-output", "16", "--json"])
		.arg(source.0)
		.arg(source.1)
		.output()
		.unwrap();
	let stdout = String::from_utf8_lossy(&output.stdout);
	let report = serde_json::from_str(&stdout)
		.unwrap_or_else(|e| panic!("{e}: {stdout}{}", String::from_utf8_lossy(&output.stderr)));
	(output.status.code(), report)
}

#[test]
fn exec_runs_a_sweep_as_the_batch_its_replicas_run_and_prints_their_root() {
	let dir = tempfile::tempdir().unwrap();
	let wasm = wat::parse_str(ECHO_AND_RANDOM).unwrap();
	let program = dir.path().join("program.wasm");
	std::fs::write(&program, &wasm).unwrap();
	// Files are tasks by name; the manifest lists the same inputs in that order.
	let folder = dir.path().join("inputs");
	std::fs::create_dir(&folder).unwrap();
	for (name, input) in [("b", "second"), ("a", "first"), ("c", "third")] {
		std::fs::write(folder.join(name), input).unwrap();
	}
	let manifest = dir.path().join("manifest.txt");
	std::fs::write(&manifest, "first\n\nsecond\nthird\n").unwrap();

	let (code, by_folder) = exec(&program, ("--inputs", &folder));
	assert_eq!(code, Some(0), "{by_folder}");
	let results = by_folder["results"].as_array().unwrap();
	let names: Vec<_> = results.iter().map(|task| task["name"].as_str().unwrap()).collect();
	assert_eq!(names, ["a", "b", "c"]);
	for (task, input) in results.iter().zip(["first", "second", "third"]) {
		let output = task["outputHex"].as_str().unwrap();
		assert!(output.starts_with(&format!("0x{}", hex::encode(input))), "{task} echoes {input}");
	}

	// What a replica of job 7 runs and commits to.
	let programs = Programs::new(None, CompileLimits::default(), 1, 1).unwrap();
	let job = batch_job(H256(sp_crypto_hashing::blake2_256(&wasm)), 3);
	let inputs = vec![b"first".to_vec(), b"second".to_vec(), b"third".to_vec()];
	let input = codec::Encode::encode(&inputs);
	let outcome = programs.run(&job, || Ok(wasm.clone()), &input, LIMIT).unwrap().unwrap();
	let (root, fuel) = batch::output_digest(3, 16, &outcome.output).unwrap();
	assert_eq!(by_folder["outputHash"], format!("0x{}", hex::encode(root)));
	assert_eq!(by_folder["fuelUsed"], fuel.unwrap());

	let (code, by_manifest) = exec(&program, ("--manifest", &manifest));
	assert_eq!(code, Some(0), "{by_manifest}");
	assert_eq!(by_manifest["outputHash"], by_folder["outputHash"]);

	// A task that does not exit with 0 (its output is too large) is exit code 3.
	std::fs::write(folder.join("d"), "0123456789abcdef").unwrap();
	let (code, report) = exec(&program, ("--inputs", &folder));
	assert_eq!(code, Some(3), "{report}");
	assert_eq!((report["tasks"].as_u64(), report["exited"].as_u64()), (Some(4), Some(3)));
	assert_eq!(report["results"][3]["status"], "output_too_large");
}
