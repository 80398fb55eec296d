//! `nbody`: the Computer Language Benchmarks Game n-body simulation.
//!
//! The Sun and the four gas giants, integrated with the standard symplectic-Euler step
//! (dt = 0.01, pairwise forces, then positions), after the Sun's velocity is offset so
//! the total momentum is zero. This is the benchmark's algorithm and order of operations
//! unchanged, so the output matches the benchmark's published results (1000 steps:
//! -0.169075164, -0.169087605); it is also povc's wasm-vs-native benchmark.
//!
//! Input (stdin): ASCII decimal step count, surrounding whitespace ignored; empty input
//! means 1_000_000. Output (stdout): the system's energy before and after, `%.9f` each on
//! its own line. Exit status 1 (message on stderr) for unparsable input.

// The initial conditions keep the benchmark's published 18-digit literals.
#![allow(clippy::excessive_precision)]

use std::f64::consts::PI;
use std::io::{self, Read, Write};
use std::process::exit;

const DEFAULT_STEPS: u64 = 1_000_000;

const SOLAR_MASS: f64 = 4.0 * PI * PI;
const DAYS_PER_YEAR: f64 = 365.24;
const DT: f64 = 0.01;

#[derive(Clone, Copy)]
struct Body {
	position: [f64; 3],
	velocity: [f64; 3],
	mass: f64,
}

/// A planet from its position (AU), velocity (AU per day) and mass (solar masses).
const fn planet(position: [f64; 3], velocity_per_day: [f64; 3], solar_masses: f64) -> Body {
	Body {
		position,
		velocity: [
			velocity_per_day[0] * DAYS_PER_YEAR,
			velocity_per_day[1] * DAYS_PER_YEAR,
			velocity_per_day[2] * DAYS_PER_YEAR,
		],
		mass: solar_masses * SOLAR_MASS,
	}
}

/// The benchmark's initial conditions: Sun, Jupiter, Saturn, Uranus, Neptune.
const INITIAL: [Body; 5] = [
	Body { position: [0.0; 3], velocity: [0.0; 3], mass: SOLAR_MASS },
	planet(
		[4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01],
		[1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05],
		9.54791938424326609e-04,
	),
	planet(
		[8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01],
		[-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05],
		2.85885980666130812e-04,
	),
	planet(
		[1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01],
		[2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05],
		4.36624404335156298e-05,
	),
	planet(
		[1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01],
		[2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05],
		5.15138902046611451e-05,
	),
];

/// Gives the Sun the velocity that cancels the planets' total momentum.
fn offset_momentum(bodies: &mut [Body; 5]) {
	let mut momentum = [0.0f64; 3];
	for body in bodies.iter() {
		for (p, v) in momentum.iter_mut().zip(body.velocity) {
			*p += v * body.mass;
		}
	}
	for (v, p) in bodies[0].velocity.iter_mut().zip(momentum) {
		*v = -p / SOLAR_MASS;
	}
}

/// Kinetic energy minus the gravitational potential of every pair.
fn energy(bodies: &[Body; 5]) -> f64 {
	let mut e = 0.0;
	for i in 0..bodies.len() {
		let a = &bodies[i];
		let [vx, vy, vz] = a.velocity;
		e += 0.5 * a.mass * (vx * vx + vy * vy + vz * vz);
		for b in &bodies[i + 1..] {
			let dx = a.position[0] - b.position[0];
			let dy = a.position[1] - b.position[1];
			let dz = a.position[2] - b.position[2];
			e -= (a.mass * b.mass) / (dx * dx + dy * dy + dz * dz).sqrt();
		}
	}
	e
}

/// One time step: update every pair's velocities from their mutual attraction, then move
/// every body along its new velocity.
fn advance(bodies: &mut [Body; 5]) {
	for i in 0..bodies.len() {
		let (head, tail) = bodies.split_at_mut(i + 1);
		let a = &mut head[i];
		for b in tail.iter_mut() {
			let dx = a.position[0] - b.position[0];
			let dy = a.position[1] - b.position[1];
			let dz = a.position[2] - b.position[2];
			let distance_squared = dx * dx + dy * dy + dz * dz;
			let magnitude = DT / (distance_squared * distance_squared.sqrt());
			a.velocity[0] -= dx * b.mass * magnitude;
			a.velocity[1] -= dy * b.mass * magnitude;
			a.velocity[2] -= dz * b.mass * magnitude;
			b.velocity[0] += dx * a.mass * magnitude;
			b.velocity[1] += dy * a.mass * magnitude;
			b.velocity[2] += dz * a.mass * magnitude;
		}
	}
	for body in bodies.iter_mut() {
		for k in 0..3 {
			body.position[k] += DT * body.velocity[k];
		}
	}
}

fn fail(code: i32, message: &str) -> ! {
	eprintln!("nbody: {message}");
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

fn main() {
	let input = read_input();
	let text = input.trim();
	let steps = if text.is_empty() {
		DEFAULT_STEPS
	} else {
		match text.parse::<u64>() {
			Ok(steps) => steps,
			Err(_) => fail(1, "expected a decimal step count (or nothing)"),
		}
	};

	let mut bodies = INITIAL;
	offset_momentum(&mut bodies);
	let before = energy(&bodies);
	for _ in 0..steps {
		advance(&mut bodies);
	}
	let after = energy(&bodies);

	let output = format!("{before:.9}\n{after:.9}\n");
	let mut stdout = io::stdout().lock();
	if stdout.write_all(output.as_bytes()).and_then(|()| stdout.flush()).is_err() {
		fail(3, "cannot write stdout");
	}
}
