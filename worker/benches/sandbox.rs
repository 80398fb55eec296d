//! What determinism costs: one program natively and in the sandbox with fuel only, with
//! fuel and the instrumentation jobs run with (NaN canonicalisation where bits show, the
//! counted stack), and, for comparison, with fuel and wasmtime's NaN canonicalisation
//! after every float operation. Prints seconds, the ratio to native, and fuel per second. Run through `scripts/bench-sandbox.sh`, or:
//!   cargo bench -p povc-worker --bench sandbox -- PROGRAM.wasm INPUT [NATIVE_BINARY]

use std::{
	io::Write,
	process::{Command, Stdio},
	time::{Duration, Instant},
};

use povc_worker::sandbox::{job_seed, Sandbox, SandboxConfig};

/// Runs per measurement; the fastest counts (the least disturbed by other load).
const RUNS: usize = 3;

fn main() {
	// cargo passes `--bench`; the rest are ours.
	let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
	let [program, input, rest @ ..] = args.as_slice() else {
		eprintln!("usage: sandbox PROGRAM.wasm INPUT [NATIVE_BINARY]");
		std::process::exit(2);
	};
	let wasm = std::fs::read(program).expect("readable program");
	let native = rest.first().map(|binary| fastest(|| run_native(binary, input.as_bytes())));
	if let Some(native) = native {
		println!("{:<24} {:>9.3} s", "native", native.as_secs_f64());
	}
	println!(
		"{:<24} {:>11} {:>9} {:>16} {:>12}",
		"sandbox profile", "time", "× native", "fuel", "Mfuel/s"
	);
	let profiles = [
		("no fuel, no instrum.", false, false, false),
		("fuel only", true, false, false),
		("fuel + instrum. (jobs)", true, true, false),
		("fuel + wasmtime NaN", true, false, true),
	];
	for (name, metering, instrumentation, wasmtime_nan_canonicalization) in profiles {
		let config = SandboxConfig {
			metering,
			instrumentation,
			wasmtime_nan_canonicalization,
			..SandboxConfig::default()
		};
		let sandbox = Sandbox::new(config).expect("engine");
		let module = sandbox.compile(&wasm).expect("program compiles");
		let mut fuel = 0;
		let time = fastest(|| {
			let started = Instant::now();
			let limit = Duration::from_secs(3600);
			let outcome = sandbox
				.run(&module, input.as_bytes(), u64::MAX / 4, 1 << 20, job_seed(0), limit)
				.expect("program runs")
				.expect("no abstention");
			fuel = outcome.fuel_used;
			started.elapsed()
		});
		let ratio =
			native.map_or("-".into(), |n| format!("{:.2}", time.as_secs_f64() / n.as_secs_f64()));
		let rate = if metering {
			format!("{:.0}", fuel as f64 / time.as_secs_f64() / 1e6)
		} else {
			"-".into()
		};
		println!(
			"{name:<24} {:>9.3} s {ratio:>9} {:>16} {rate:>12}",
			time.as_secs_f64(),
			if metering { fuel.to_string() } else { "-".into() },
		);
	}
}

fn fastest(mut run: impl FnMut() -> Duration) -> Duration {
	(0..RUNS).map(|_| run()).min().expect("RUNS > 0")
}

fn run_native(binary: &str, input: &[u8]) -> Duration {
	let started = Instant::now();
	let mut child = Command::new(binary)
		.stdin(Stdio::piped())
		.stdout(Stdio::null())
		.spawn()
		.expect("native binary starts");
	child.stdin.take().expect("piped").write_all(input).expect("input written");
	assert!(child.wait().expect("native binary ends").success());
	started.elapsed()
}
