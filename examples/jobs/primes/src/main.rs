//! `primes`: counts the primes below N with a segmented sieve of Eratosthenes.
//!
//! Input (stdin): ASCII decimal N, surrounding whitespace ignored; empty input means
//! N = 1_000_000. Output (stdout): `primes below N: <count>`. Exit status 1 (with a
//! message on stderr) if the input is not a number or N > 200_000_000.

use std::io::{self, Read, Write};
use std::process::exit;

const DEFAULT_N: u64 = 1_000_000;
const MAX_N: u64 = 200_000_000;
/// Odd numbers per segment: 32 KiB of flags, small enough to stay in cache.
const SEGMENT: usize = 1 << 15;

fn fail(code: i32, message: &str) -> ! {
	eprintln!("primes: {message}");
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

/// The odd primes up to and including `limit`, by a plain sieve.
fn odd_primes_up_to(limit: u64) -> Vec<u64> {
	let limit = limit as usize;
	let mut composite = vec![false; limit + 1];
	let mut primes = Vec::new();
	let mut p = 3;
	while p <= limit {
		if !composite[p] {
			primes.push(p as u64);
			let mut multiple = p * p;
			while multiple <= limit {
				composite[multiple] = true;
				multiple += 2 * p;
			}
		}
		p += 2;
	}
	primes
}

/// How many primes p satisfy p < n.
fn count_primes_below(n: u64) -> u64 {
	if n <= 2 {
		return 0;
	}
	// Every odd composite below n has an odd prime factor no larger than sqrt(n - 1).
	let sieving = odd_primes_up_to((n - 1).isqrt());
	// The next odd multiple of each sieving prime still to be crossed out.
	let mut next: Vec<u64> = sieving.iter().map(|&p| p * p).collect();
	let mut is_prime = vec![0u8; SEGMENT];
	let mut count = 1; // 2, the only even prime
	let mut low = 3; // always odd
	while low < n {
		let high = (low + 2 * SEGMENT as u64).min(n);
		// Slot i stands for the odd number low + 2i; the segment holds the odd numbers in
		// [low, high).
		let len = (high - low).div_ceil(2) as usize;
		let flags = &mut is_prime[..len];
		flags.fill(1);
		for (p, multiple) in sieving.iter().zip(next.iter_mut()) {
			let mut m = *multiple;
			while m < high {
				flags[((m - low) / 2) as usize] = 0;
				m += 2 * p;
			}
			*multiple = m;
		}
		count += flags.iter().map(|&f| u64::from(f)).sum::<u64>();
		low = high;
	}
	count
}

fn main() {
	let input = read_input();
	let text = input.trim();
	let n = if text.is_empty() {
		DEFAULT_N
	} else {
		match text.parse::<u64>() {
			Ok(n) => n,
			Err(_) => fail(1, "expected a decimal number N (or nothing)"),
		}
	};
	if n > MAX_N {
		fail(1, &format!("N = {n} is above the maximum {MAX_N}"));
	}
	let output = format!("primes below {n}: {}\n", count_primes_below(n));
	let mut stdout = io::stdout().lock();
	if stdout.write_all(output.as_bytes()).and_then(|()| stdout.flush()).is_err() {
		fail(3, "cannot write stdout");
	}
}
