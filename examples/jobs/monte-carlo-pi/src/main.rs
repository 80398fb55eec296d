//! `monte-carlo-pi`: estimates pi by throwing pseudo-random points at the unit square.
//!
//! Input (stdin): ASCII `SEED SAMPLES`, separated by whitespace; either may be left out
//! from the end (defaults: SEED = 42, SAMPLES = 1_000_000). Output (stdout):
//! `samples=<n> inside=<k> pi~<4k/n with 6 decimals>`. Exit status 1 (with a message on
//! stderr) for unparsable input or SAMPLES = 0.
//!
//! The generator is xoshiro256** seeded through splitmix64, written out here, so the
//! result depends on the input alone: the sandbox's own randomness is never used.

use std::io::{self, Read, Write};
use std::process::exit;

const DEFAULT_SEED: u64 = 42;
const DEFAULT_SAMPLES: u64 = 1_000_000;

fn fail(code: i32, message: &str) -> ! {
	eprintln!("monte-carlo-pi: {message}");
	exit(code)
}

fn read_input() -> String {
	let mut raw = Vec::new();
	if io::stdin().read_to_end(&mut raw).is_err() {
		fail(1, "cannot read stdin");
	}
	match String::from_utf8(raw) {
		Ok(text) => text,
		Err(_) => fail(1, "input is not ASCII text"),
	}
}

/// splitmix64: turns one 64-bit seed into a stream of well-mixed words, used only to fill
/// the xoshiro state.
struct SplitMix64(u64);

impl SplitMix64 {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}
}

/// xoshiro256** (Blackman and Vigna).
struct Xoshiro256StarStar([u64; 4]);

impl Xoshiro256StarStar {
	fn from_seed(seed: u64) -> Self {
		let mut mix = SplitMix64(seed);
		// splitmix64 never yields four zero words in a row, so the state is never all zero.
		Self([mix.next(), mix.next(), mix.next(), mix.next()])
	}

	fn next(&mut self) -> u64 {
		let s = &mut self.0;
		let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
		let t = s[1] << 17;
		s[2] ^= s[0];
		s[3] ^= s[1];
		s[1] ^= s[2];
		s[0] ^= s[3];
		s[2] ^= t;
		s[3] = s[3].rotate_left(45);
		result
	}

	/// A uniform double in [0, 1): the top 53 bits, scaled exactly.
	fn next_unit(&mut self) -> f64 {
		(self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
	}
}

fn parse(field: Option<&str>, name: &str, default: u64) -> u64 {
	match field {
		None => default,
		Some(text) => match text.parse::<u64>() {
			Ok(value) => value,
			Err(_) => fail(1, &format!("{name} must be a non-negative decimal integer")),
		},
	}
}

fn main() {
	let input = read_input();
	let mut fields = input.split_ascii_whitespace();
	let seed = parse(fields.next(), "SEED", DEFAULT_SEED);
	let samples = parse(fields.next(), "SAMPLES", DEFAULT_SAMPLES);
	if fields.next().is_some() {
		fail(1, "expected at most two numbers: SEED SAMPLES");
	}
	if samples == 0 {
		fail(1, "SAMPLES must be at least 1");
	}

	let mut rng = Xoshiro256StarStar::from_seed(seed);
	let mut inside = 0u64;
	for _ in 0..samples {
		let x = rng.next_unit();
		let y = rng.next_unit();
		if x * x + y * y < 1.0 {
			inside += 1;
		}
	}
	let estimate = 4.0 * inside as f64 / samples as f64;

	let output = format!("samples={samples} inside={inside} pi~{estimate:.6}\n");
	let mut stdout = io::stdout().lock();
	if stdout.write_all(output.as_bytes()).and_then(|()| stdout.flush()).is_err() {
		fail(3, "cannot write stdout");
	}
}
