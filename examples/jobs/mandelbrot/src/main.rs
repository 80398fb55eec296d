//! `mandelbrot`: renders a tile of the Mandelbrot set as a binary PPM (P6) image.
//!
//! Input (stdin): ASCII `WIDTH HEIGHT X0 Y0 X1 Y1 MAX_ITER`, separated by whitespace;
//! any number of fields may be left out from the end, and take their defaults
//! (`64 48 -2.0 -1.2 1.0 1.2 256`). The tile spans X0..X1 from left to right and Y0..Y1
//! from top to bottom; each pixel is sampled at its centre, so adjacent regions give
//! tiles that fit together seamlessly.
//!
//! Output (stdout): `P6\n<WIDTH> <HEIGHT>\n255\n` then WIDTH * HEIGHT RGB pixels, row by
//! row. Points that do not escape within MAX_ITER iterations are black; the others are
//! coloured by their iteration count from a fixed 16-colour palette (integers only, so
//! the image depends on the escape counts alone).
//!
//! Exit status 1 (message on stderr) for unparsable input, a zero size or MAX_ITER, or a
//! non-finite coordinate; 2 if the image would be larger than 60_000 bytes.

use std::io::{self, Read, Write};
use std::process::exit;

const MAX_IMAGE_BYTES: u64 = 60_000;

/// The classic 16-entry "Ultra Fractal" gradient, from deep blue through white to brown.
const PALETTE: [[u8; 3]; 16] = [
	[66, 30, 15],
	[25, 7, 26],
	[9, 1, 47],
	[4, 4, 73],
	[0, 7, 100],
	[12, 44, 138],
	[24, 82, 177],
	[57, 125, 209],
	[134, 181, 229],
	[211, 236, 248],
	[241, 233, 191],
	[248, 201, 95],
	[255, 170, 0],
	[204, 128, 0],
	[153, 87, 0],
	[106, 52, 3],
];

fn fail(code: i32, message: &str) -> ! {
	eprintln!("mandelbrot: {message}");
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

fn parse_count(field: Option<&str>, name: &str, default: u32) -> u32 {
	let value = match field {
		None => default,
		Some(text) => match text.parse::<u32>() {
			Ok(value) => value,
			Err(_) => fail(1, &format!("{name} must be a decimal integer")),
		},
	};
	if value == 0 {
		fail(1, &format!("{name} must be at least 1"));
	}
	value
}

fn parse_coordinate(field: Option<&str>, name: &str, default: f64) -> f64 {
	let value = match field {
		None => default,
		Some(text) => match text.parse::<f64>() {
			Ok(value) => value,
			Err(_) => fail(1, &format!("{name} must be a decimal number")),
		},
	};
	if !value.is_finite() {
		fail(1, &format!("{name} must be finite"));
	}
	value
}

/// How many iterations of z := z^2 + c, from z = 0, keep |z| <= 2 (at most `max_iter`).
fn escape_count(cx: f64, cy: f64, max_iter: u32) -> u32 {
	let (mut x, mut y) = (0.0f64, 0.0f64);
	let (mut x2, mut y2) = (0.0f64, 0.0f64);
	let mut n = 0;
	while n < max_iter && x2 + y2 <= 4.0 {
		y = 2.0 * x * y + cy;
		x = x2 - y2 + cx;
		x2 = x * x;
		y2 = y * y;
		n += 1;
	}
	n
}

fn main() {
	let input = read_input();
	let mut fields = input.split_ascii_whitespace();
	let width = parse_count(fields.next(), "WIDTH", 64);
	let height = parse_count(fields.next(), "HEIGHT", 48);
	let x0 = parse_coordinate(fields.next(), "X0", -2.0);
	let y0 = parse_coordinate(fields.next(), "Y0", -1.2);
	let x1 = parse_coordinate(fields.next(), "X1", 1.0);
	let y1 = parse_coordinate(fields.next(), "Y1", 1.2);
	let max_iter = parse_count(fields.next(), "MAX_ITER", 256);
	if fields.next().is_some() {
		fail(1, "expected at most seven fields: WIDTH HEIGHT X0 Y0 X1 Y1 MAX_ITER");
	}

	let header = format!("P6\n{width} {height}\n255\n");
	let size = header.len() as u64 + u64::from(width) * u64::from(height) * 3;
	if size > MAX_IMAGE_BYTES {
		fail(2, &format!("a {width}x{height} image is {size} bytes, above {MAX_IMAGE_BYTES}"));
	}

	let mut image = Vec::with_capacity(size as usize);
	image.extend_from_slice(header.as_bytes());
	let (w, h) = (f64::from(width), f64::from(height));
	for row in 0..height {
		let cy = y0 + (y1 - y0) * ((f64::from(row) + 0.5) / h);
		for column in 0..width {
			let cx = x0 + (x1 - x0) * ((f64::from(column) + 0.5) / w);
			let n = escape_count(cx, cy, max_iter);
			let colour = if n >= max_iter { [0, 0, 0] } else { PALETTE[(n % 16) as usize] };
			image.extend_from_slice(&colour);
		}
	}

	let mut stdout = io::stdout().lock();
	if stdout.write_all(&image).and_then(|()| stdout.flush()).is_err() {
		fail(3, "cannot write stdout");
	}
}
