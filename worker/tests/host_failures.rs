//! What the host cannot do is never a result: a worker abstains (`povc-worker exec` exits
//! with 4 and reports `"status": "abstained"`) when its machine cannot map an instance's
//! memory, when the wall-clock guard stops a run, or when the code it was handed is not
//! the program on chain. Only what the program does is a status replicas compare.

use std::{os::unix::process::CommandExt, path::Path, process::Command, time::Duration};

use povc_primitives::ExecutionStatus;
use povc_worker::{
	modules::{CompileLimits, JobParams, Programs},
	sandbox::Abstention,
};
use sp_core::H256;

/// Address space the worker gets in the low-memory test: enough to start, compile and
/// run `exec`, too little for wasmtime's reservation of an instance's linear memory
/// (4 GiB + 64 MiB of guard), and so for the instance pool's (the sandbox then maps each
/// run's memory anew, and that fails). Measured: `exec` abstains so from 64 MiB up to 4.1 GiB and
/// runs the program at 5 GiB.
const ADDRESS_SPACE: u64 = 2 << 30;

/// Never reached by the runs here.
const LIMIT: Duration = Duration::from_secs(120);

const TINY: &str = r#"(module
	(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
	(memory (export "memory") 1)
	(data (i32.const 16) "ran")
	(func (export "_start")
		(i32.store (i32.const 0) (i32.const 16))
		(i32.store (i32.const 4) (i32.const 3))
		(drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

const ENDLESS: &str =
	r#"(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))"#;

/// `povc-worker exec --json` of `wat`, under an address-space limit if one is given.
fn exec(dir: &Path, wat: &str, address_space: Option<u64>, args: &[&str]) -> (Option<i32>, String) {
	let program = dir.join("program.wasm");
	std::fs::write(&program, wat::parse_str(wat).unwrap()).unwrap();
	let mut command = Command::new(env!("CARGO_BIN_EXE_povc-worker"));
	command.arg("exec").arg(&program).arg("--json").args(args);
	if let Some(bytes) = address_space {
		// SAFETY: setrlimit is async-signal-safe, as required between fork and exec.
		unsafe {
			command.pre_exec(move || {
				let limit = libc::rlimit { rlim_cur: bytes as _, rlim_max: bytes as _ };
				if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
					return Err(std::io::Error::last_os_error());
				}
				Ok(())
			});
		}
	}
	let output = command.output().unwrap();
	let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
	let stderr = String::from_utf8_lossy(&output.stderr);
	(output.status.code(), format!("{stdout}{stderr}"))
}

fn report(output: &str) -> serde_json::Value {
	let json = &output[output.find('{').expect("a JSON report")..=output.rfind('}').unwrap()];
	serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {output}"))
}

#[test]
fn an_instance_the_host_cannot_map_is_an_abstention_not_a_trap() {
	let dir = tempfile::tempdir().unwrap();
	let (code, output) = exec(dir.path(), TINY, None, &[]);
	assert_eq!(code, Some(0), "without the limit the program runs: {output}");
	assert_eq!(report(&output)["output"], "ran");

	let (code, output) = exec(dir.path(), TINY, Some(ADDRESS_SPACE), &[]);
	println!("under RLIMIT_AS {ADDRESS_SPACE}: exit {code:?}\n{output}");
	assert_eq!(code, Some(4), "{output}");
	let report = report(&output);
	assert_eq!(report["status"], "abstained", "{output}");
	let abstention = report["abstention"].as_str().unwrap();
	assert!(abstention.starts_with("host failure"), "{abstention}");
	assert!(!output.contains("trapped"), "{output}");
}

#[test]
fn a_run_the_guard_stops_is_an_abstention() {
	let dir = tempfile::tempdir().unwrap();
	let started = std::time::Instant::now();
	let (code, output) = exec(dir.path(), ENDLESS, None, &["--time-limit", "0.2"]);
	assert_eq!(code, Some(4), "{output}");
	let report = report(&output);
	assert_eq!(report["status"], "abstained");
	assert!(report["abstention"].as_str().unwrap().starts_with("timed out"), "{output}");
	assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
}

fn job(program: H256) -> JobParams {
	JobParams { id: 1, program, tasks: 1, fuel_limit: 1_000_000, max_output_len: 64 }
}

#[test]
fn code_that_is_not_the_program_on_chain_is_tampered_and_never_compiled() {
	let wasm = wat::parse_str(TINY).unwrap();
	let genuine = H256(sp_crypto_hashing::blake2_256(&wasm));
	let other = H256(sp_crypto_hashing::blake2_256(b"another program"));
	let dir = tempfile::tempdir().unwrap();
	let in_memory = Programs::new(None, CompileLimits::default(), 4, 4).unwrap();
	let on_disk = Programs::new(Some(dir.path().to_path_buf()), CompileLimits::default(), 4, 4)
		.unwrap()
		.with_compiler(env!("CARGO_BIN_EXE_povc-worker").into());
	for programs in [in_memory, on_disk] {
		let result = programs.run(&job(other), || Ok(wasm.clone()), b"", LIMIT).unwrap();
		match result {
			Err(Abstention::Tampered(message)) => assert!(message.contains("program"), "{message}"),
			other => panic!("{other:?}"),
		}
		assert!(!programs.is_cached(other), "nothing was compiled for it");
		let outcome =
			programs.run(&job(genuine), || Ok(wasm.clone()), b"", LIMIT).unwrap().unwrap();
		assert_eq!((outcome.status, outcome.output), (ExecutionStatus::Exited(0), b"ran".to_vec()));
	}
}
