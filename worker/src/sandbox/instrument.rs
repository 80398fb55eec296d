//! Instrumentation: the program is rewritten before it is compiled so that what it
//! computes, and the fuel it uses, are the same on every architecture and build of the
//! worker. Two things are not, in plain WebAssembly run by wasmtime:
//!
//! - **NaN bit patterns.** Arithmetic that produces a NaN may give any NaN (x86-64 gives
//!   `0xffc00000`, AArch64 `0x7fc00000`), and the program can look at its bits. Every
//!   place where bits of a float become observable gets the canonical NaN
//!   (`0x7fc00000`, `0x7ff8000000000000`) instead of any other NaN: the value of
//!   `f32.store`/`f64.store`, of `i32.reinterpret_f32`/`i64.reinterpret_f64`, the sign
//!   operand of `copysign`, and the scalar entering a vector (`splat`, `replace_lane`).
//!   Vectors are untyped (an integer op can read a float lane's bits), so the result of
//!   every SIMD float op that can make a NaN is canonicalised lane by lane, as wasmtime's
//!   `cranelift_nan_canonicalization` does. Everything else is left alone: a NaN stays a
//!   NaN through arithmetic, comparisons treat every NaN alike, and conversions to
//!   integers trap or saturate on any NaN. No float reaches the host (WASI functions
//!   take integers; only `_start: [] -> []` is called), so results are not observation
//!   points. A NaN copied with float loads and stores gets the canonical bits (copy it
//!   with integer loads and stores to keep its payload).
//! - **Stack depth.** wasmtime's own limit is in bytes of native stack, which depend on
//!   the machine code (architecture, engine, the worker's build). Instead each function
//!   counts its [cost](FunctionCost) in a mutable i32 global on entry and traps with
//!   `unreachable` when the total of the active frames would exceed [`STACK_LIMIT`];
//!   every exit (`return`, the end of the body, and branches to the function's label,
//!   which the wrapping block turns into its end) restores the counter. The native
//!   limit (`max_wasm_stack`) is set far enough beyond that it can never hit first.
//!
//! The chain validated the program; it is validated again here with wasmtime's own
//! validator, so an invalid module fails exactly as it would have without
//! instrumentation. Custom sections (names, debug info) are dropped: nothing in a run
//! depends on them.

use std::fmt;
use wasm_encoder::{BlockType, Ieee32, InstructionSink};
use wasmparser::{
	BinaryReader, FunctionBody, Operator, Parser, Payload, RefType, ValType, ValidPayload,
	Validator, WasmFeatures, WasmModuleResources,
};

/// Stack units the active frames may use together: a program whose frames need more
/// traps, at the same call on every worker. 2^17 units: about 16,000 frames of a small
/// recursive function (cost 8), as many as the old 1 MiB native stack allowed.
pub const STACK_LIMIT: u32 = 1 << 17;

/// The most native stack, in bytes, one unit of cost may take, which sizes
/// `max_wasm_stack`. Measured on x86-64 (release and debug builds alike, the machine code
/// being the same) at 16 for the worst frames (v128 parameters, many results, f64
/// values in 16-byte spill slots; `tests::the_worst_frames_hit_the_counted_limit_first`
/// fails above 32): four times that leaves room for AArch64's frames.
pub const MAX_BYTES_PER_UNIT: usize = 64;

/// A function's stack cost: `FRAME + params + locals + max operand stack height`, where
/// locals include the instrumentation's own (the saved counter and any temporaries) and
/// the height is the original function's plus [`EXTRA_HEIGHT`]. Every value takes at
/// most a register-sized slot or a spill slot of native stack, and `FRAME` covers what
/// every frame has besides (return address, frame pointer, saved registers).
pub const FRAME: u32 = 4;

/// What the instrumentation adds to the operand stack (the canonicalisation's three
/// copies of a value replace it, and the prologue uses two slots on an empty stack).
pub const EXTRA_HEIGHT: u32 = 2;

/// Why a module cannot be instrumented.
#[derive(Debug)]
pub struct InstrumentError(String);

impl fmt::Display for InstrumentError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "cannot instrument the program: {}", self.0)
	}
}

impl std::error::Error for InstrumentError {}

impl From<wasmparser::BinaryReaderError> for InstrumentError {
	fn from(error: wasmparser::BinaryReaderError) -> Self {
		Self(error.to_string())
	}
}

/// The instrumented module and the stack cost of each function it defines.
#[derive(Debug)]
pub struct Instrumented {
	pub wasm: Vec<u8>,
	/// Cost of each defined function, in order (imported functions cost nothing here:
	/// host frames do not count against the wasm stack).
	pub costs: Vec<u32>,
}

/// The canonical NaNs: positive, quiet, no payload.
const CANONICAL_F32: u32 = 0x7fc0_0000;
const CANONICAL_F64: u64 = 0x7ff8_0000_0000_0000;

/// Instrument a module that wasmtime validated, with `limit` stack units.
pub fn instrument(wasm: &[u8], limit: u32) -> Result<Instrumented, InstrumentError> {
	// A superset of what the engine allows: this pass must accept whatever the engine
	// accepted, and it only reads stack heights and types.
	let mut validator = Validator::new_with_features(WasmFeatures::all());
	let mut sections: Vec<(u8, &[u8])> = Vec::new();
	let mut types = 0u32;
	let mut globals = 0u32;
	let mut bodies = Vec::new();
	let mut costs = Vec::new();
	// Function types `[] -> results` the wrapping blocks of multi-value functions need.
	let mut block_types: Vec<Vec<ValType>> = Vec::new();
	let mut functions = Vec::new();
	for payload in Parser::new(0).parse_all(wasm) {
		let payload = payload?;
		let valid = validator.payload(&payload)?;
		match &payload {
			Payload::Version { encoding: wasmparser::Encoding::Module, .. } => {},
			Payload::Version { .. } => {
				return Err(InstrumentError("a component, not a core module".into()));
			},
			Payload::TypeSection(reader) => {
				for group in reader.clone() {
					types += u32::try_from(group?.types().count()).unwrap_or(u32::MAX);
				}
			},
			Payload::ImportSection(reader) => {
				for import in reader.clone().into_imports() {
					if let wasmparser::TypeRef::Global(_) = import?.ty {
						globals += 1;
					}
				}
			},
			Payload::GlobalSection(reader) => globals += reader.count(),
			_ => {},
		}
		if let Some((id, range)) = payload.as_section() {
			if !matches!(payload, Payload::CustomSection(_)) {
				sections.push((id, &wasm[range]));
			}
		}
		if let ValidPayload::Func(func, body) = valid {
			functions.push((func, body));
		}
	}
	let counter = globals;
	for (func, body) in functions {
		let mut validator = func.into_validator(Default::default());
		let resources = validator.resources();
		let ty = resources
			.type_index_of_function(validator.index())
			.and_then(|index| resources.sub_type_at(index))
			.ok_or_else(|| InstrumentError("a function without a type".into()))?
			.unwrap_func()
			.clone();
		let results = ty.results().to_vec();
		let block = match results.as_slice() {
			[] => BlockType::Empty,
			[one] => BlockType::Result(val_type(*one)?),
			_ => {
				let index = match block_types.iter().position(|r| *r == results) {
					Some(index) => index,
					None => {
						block_types.push(results.clone());
						block_types.len() - 1
					},
				};
				BlockType::FunctionType(types + u32::try_from(index).unwrap_or(u32::MAX))
			},
		};
		let (body, cost) = instrument_function(
			wasm,
			&body,
			&mut validator,
			ty.params().len(),
			counter,
			limit,
			block,
		)?;
		bodies.push(body);
		costs.push(cost);
	}
	if bodies.is_empty() {
		return Ok(Instrumented { wasm: wasm.to_vec(), costs });
	}

	let mut out = wasm[..8].to_vec();
	let mut global_written = false;
	for (id, data) in &sections {
		let mut data = data.to_vec();
		match id {
			1 => {
				data = append_entries(&data, block_types.len(), |out| {
					for results in &block_types {
						out.push(0x60);
						out.push(0);
						leb(out, results.len() as u64);
						for result in results {
							wasm_encoder::Encode::encode(&val_type(*result).expect("checked"), out);
						}
					}
				})?
			},
			6 => {
				data = append_entries(&data, 1, counter_global)?;
				global_written = true;
			},
			10 => {
				data.clear();
				leb(&mut data, bodies.len() as u64);
				for body in &bodies {
					leb(&mut data, body.len() as u64);
					data.extend(body);
				}
			},
			_ => {},
		}
		// A module without globals gets a global section in its place: after the
		// memory and tag sections, before the export section.
		if !global_written && matches!(id, 7 | 8 | 9 | 12 | 10 | 11) {
			let mut globals = vec![1];
			counter_global(&mut globals);
			section(&mut out, 6, &globals);
			global_written = true;
		}
		section(&mut out, *id, &data);
	}
	Ok(Instrumented { wasm: out, costs })
}

/// `(global (mut i32) (i32.const 0))`: the stack counter.
fn counter_global(out: &mut Vec<u8>) {
	out.extend([0x7f, 0x01, 0x41, 0x00, 0x0b]);
}

/// A section's entries with `extra` more appended by `append`.
fn append_entries(
	data: &[u8],
	extra: usize,
	append: impl FnOnce(&mut Vec<u8>),
) -> Result<Vec<u8>, InstrumentError> {
	let mut reader = BinaryReader::new(data, 0);
	let count = reader.read_var_u32()?;
	let rest = &data[reader.original_position()..];
	let mut out = Vec::with_capacity(data.len() + 16);
	leb(&mut out, u64::from(count) + extra as u64);
	out.extend(rest);
	append(&mut out);
	Ok(out)
}

fn section(out: &mut Vec<u8>, id: u8, data: &[u8]) {
	out.push(id);
	leb(out, data.len() as u64);
	out.extend(data);
}

fn leb(out: &mut Vec<u8>, mut value: u64) {
	loop {
		let byte = (value & 0x7f) as u8;
		value >>= 7;
		if value == 0 {
			out.push(byte);
			return;
		}
		out.push(byte | 0x80);
	}
}

fn val_type(ty: ValType) -> Result<wasm_encoder::ValType, InstrumentError> {
	Ok(match ty {
		ValType::I32 => wasm_encoder::ValType::I32,
		ValType::I64 => wasm_encoder::ValType::I64,
		ValType::F32 => wasm_encoder::ValType::F32,
		ValType::F64 => wasm_encoder::ValType::F64,
		ValType::V128 => wasm_encoder::ValType::V128,
		ValType::Ref(RefType::FUNCREF) => wasm_encoder::ValType::FUNCREF,
		ValType::Ref(RefType::EXTERNREF) => wasm_encoder::ValType::EXTERNREF,
		ValType::Ref(other) => {
			return Err(InstrumentError(format!("unsupported reference type {other}")));
		},
	})
}

/// The instrumentation's locals of one function, declared after the function's own in
/// the order they are first needed.
struct Temps {
	base: u32,
	declared: Vec<u8>,
}

impl Temps {
	/// The local of `ty` (a value-type byte), declaring it at first use.
	fn get(&mut self, ty: u8) -> u32 {
		let at = match self.declared.iter().position(|t| *t == ty) {
			Some(at) => at,
			None => {
				self.declared.push(ty);
				self.declared.len() - 1
			},
		};
		self.base + at as u32
	}
}

const I32: u8 = 0x7f;
const F32: u8 = 0x7d;
const F64: u8 = 0x7c;
const V128: u8 = 0x7b;

/// Lane shape of a SIMD float result to canonicalise.
#[derive(Clone, Copy)]
enum Lanes {
	F32x4,
	F64x2,
}

/// One function body, instrumented, and its cost.
fn instrument_function(
	wasm: &[u8],
	body: &FunctionBody<'_>,
	validator: &mut wasmparser::FuncValidator<wasmparser::ValidatorResources>,
	params: usize,
	counter: u32,
	limit: u32,
	block: BlockType,
) -> Result<(Vec<u8>, u32), InstrumentError> {
	let mut locals = body.get_locals_reader()?;
	let groups = locals.get_count();
	let groups_start = locals.original_position();
	for _ in 0..groups {
		let offset = locals.original_position();
		let (count, ty) = locals.read()?;
		validator.define_locals(offset, count, ty)?;
	}
	let groups_end = locals.original_position();
	let own_locals = validator.len_locals();
	let mut temps = Temps { base: own_locals, declared: Vec::new() };
	let saved = temps.get(I32);

	let mut ops = wasmparser::OperatorsReader::new(locals.get_binary_reader());
	let mut code = Vec::with_capacity(body.range().len() * 2);
	let mut max_height = 0u32;
	while !ops.eof() {
		let start = ops.original_position();
		let op = ops.read()?;
		validator.op(start, &op)?;
		max_height = max_height.max(validator.operand_stack_height());
		let raw = &wasm[start..ops.original_position()];
		let mut sink = InstructionSink::new(&mut code);
		match op {
			Operator::Return => {
				sink.local_get(saved).global_set(counter);
			},
			Operator::F32Store { .. }
			| Operator::I32ReinterpretF32
			| Operator::F32Copysign
			| Operator::F32x4Splat
			| Operator::F32x4ReplaceLane { .. } => canonical_f32(&mut code, temps.get(F32)),
			Operator::F64Store { .. }
			| Operator::I64ReinterpretF64
			| Operator::F64Copysign
			| Operator::F64x2Splat
			| Operator::F64x2ReplaceLane { .. } => canonical_f64(&mut code, temps.get(F64)),
			// Escapes from a frame that would skip restoring the counter; none of these
			// features is enabled in the engine.
			Operator::ReturnCall { .. }
			| Operator::ReturnCallIndirect { .. }
			| Operator::ReturnCallRef { .. }
			| Operator::Throw { .. }
			| Operator::ThrowRef
			| Operator::TryTable { .. }
			| Operator::Try { .. }
			| Operator::Rethrow { .. }
			| Operator::Delegate { .. }
			| Operator::Resume { .. }
			| Operator::ResumeThrow { .. }
			| Operator::Suspend { .. }
			| Operator::Switch { .. } => {
				return Err(InstrumentError(format!("{op:?} is not allowed in a job program")));
			},
			_ => {},
		}
		code.extend(raw);
		let lanes = match op {
			Operator::F32x4Add
			| Operator::F32x4Sub
			| Operator::F32x4Mul
			| Operator::F32x4Div
			| Operator::F32x4Min
			| Operator::F32x4Max
			| Operator::F32x4Sqrt
			| Operator::F32x4Ceil
			| Operator::F32x4Floor
			| Operator::F32x4Trunc
			| Operator::F32x4Nearest
			| Operator::F32x4DemoteF64x2Zero => Some(Lanes::F32x4),
			Operator::F64x2Add
			| Operator::F64x2Sub
			| Operator::F64x2Mul
			| Operator::F64x2Div
			| Operator::F64x2Min
			| Operator::F64x2Max
			| Operator::F64x2Sqrt
			| Operator::F64x2Ceil
			| Operator::F64x2Floor
			| Operator::F64x2Trunc
			| Operator::F64x2Nearest
			| Operator::F64x2PromoteLowF32x4 => Some(Lanes::F64x2),
			_ => None,
		};
		if let Some(lanes) = lanes {
			canonical_lanes(&mut code, temps.get(V128), lanes);
		}
	}
	ops.finish()?;

	let own = own_locals.saturating_sub(params as u32);
	let cost = FRAME
		.saturating_add(params as u32)
		.saturating_add(own)
		.saturating_add(temps.declared.len() as u32)
		.saturating_add(max_height)
		.saturating_add(EXTRA_HEIGHT);

	let mut out = Vec::with_capacity(code.len() + 64);
	leb(&mut out, u64::from(groups) + temps.declared.len() as u64);
	out.extend(&wasm[groups_start..groups_end]);
	for ty in &temps.declared {
		out.extend([1, *ty]);
	}
	let mut sink = InstructionSink::new(&mut out);
	if cost > limit {
		// Not even one frame of this function fits.
		sink.unreachable();
	} else {
		// Trap unless `counter + cost <= limit`; the counter never exceeds the limit, so
		// `limit - cost` is the largest counter that still lets this frame in.
		sink.global_get(counter)
			.local_tee(saved)
			.i32_const((limit - cost) as i32)
			.i32_gt_u()
			.if_(BlockType::Empty)
			.unreachable()
			.end()
			.local_get(saved)
			.i32_const(cost as i32)
			.i32_add()
			.global_set(counter);
	}
	// The original body, whose final `end` closes this block: a branch to the function's
	// label now lands after it, where the counter is restored.
	sink.block(block);
	out.extend(&code);
	InstructionSink::new(&mut out).local_get(saved).global_set(counter).end();
	Ok((out, cost))
}

/// Replace the f32 on top of the stack by the canonical NaN if it is a NaN.
fn canonical_f32(code: &mut Vec<u8>, temp: u32) {
	InstructionSink::new(code)
		.local_set(temp)
		.f32_const(Ieee32::new(CANONICAL_F32))
		.local_get(temp)
		.local_get(temp)
		.local_get(temp)
		.f32_ne()
		.select();
}

/// Replace the f64 on top of the stack by the canonical NaN if it is a NaN.
fn canonical_f64(code: &mut Vec<u8>, temp: u32) {
	InstructionSink::new(code)
		.local_set(temp)
		.f64_const(wasm_encoder::Ieee64::new(CANONICAL_F64))
		.local_get(temp)
		.local_get(temp)
		.local_get(temp)
		.f64_ne()
		.select();
}

/// Replace each NaN lane of the vector on top of the stack by the canonical NaN.
fn canonical_lanes(code: &mut Vec<u8>, temp: u32, lanes: Lanes) {
	let canonical = match lanes {
		Lanes::F32x4 => u128::from(CANONICAL_F32) * 0x0000_0001_0000_0001_0000_0001_0000_0001,
		Lanes::F64x2 => u128::from(CANONICAL_F64) * 0x0000_0000_0000_0001_0000_0000_0000_0001,
	};
	let mut sink = InstructionSink::new(code);
	sink.local_set(temp)
		.v128_const(canonical as i128)
		.local_get(temp)
		.local_get(temp)
		.local_get(temp);
	match lanes {
		Lanes::F32x4 => sink.f32x4_ne(),
		Lanes::F64x2 => sink.f64x2_ne(),
	};
	sink.v128_bitselect();
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::sandbox::{
		runner::HOST_STACK, testing::NO_GUARD, Sandbox, SandboxConfig, MAX_WASM_STACK,
	};
	use povc_primitives::ExecutionStatus;
	use wasmtime::{Instance, Module, Store, Trap};

	/// Computes NaNs every way WebAssembly can (0/0, sqrt(-1), inf-inf, inf×0, promote,
	/// demote, scalar and SIMD) from operands in its input (so that the compiler cannot
	/// fold them) and writes their bits to stdout through every observation point: float
	/// stores, reinterpretation, copysign, splat, SIMD stores and lane extraction.
	const NAN_PROBE: &str = r#"(module
		(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
		(memory (export "memory") 1)
		(func (export "_start")
			(local $zero f32) (local $minus f32) (local $inf f32) (local $zero64 f64) (local $minus64 f64)
			;; input at 1024: f32 0, f32 -1, f32 inf, a NaN 0xffc00001, f64 0, f64 -1
			(i32.store (i32.const 0) (i32.const 1024))
			(i32.store (i32.const 4) (i32.const 64))
			(drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
			(local.set $zero (f32.load (i32.const 1024)))
			(local.set $minus (f32.load (i32.const 1028)))
			(local.set $inf (f32.load (i32.const 1032)))
			(local.set $zero64 (f64.load (i32.const 1040)))
			(local.set $minus64 (f64.load (i32.const 1048)))
			(f32.store (i32.const 2048) (f32.div (local.get $zero) (local.get $zero)))
			(i32.store (i32.const 2052) (i32.reinterpret_f32 (f32.sqrt (local.get $minus))))
			(f32.store (i32.const 2056) (f32.sub (local.get $inf) (local.get $inf)))
			(f32.store (i32.const 2060) (f32.demote_f64 (f64.div (local.get $zero64) (local.get $zero64))))
			(f64.store (i32.const 2064) (f64.div (local.get $zero64) (local.get $zero64)))
			(i64.store (i32.const 2072) (i64.reinterpret_f64 (f64.sqrt (local.get $minus64))))
			(f64.store (i32.const 2080) (f64.promote_f32 (f32.div (local.get $zero) (local.get $zero))))
			(f32.store (i32.const 2088)
				(f32.copysign (f32.const 1) (f32.div (local.get $zero) (local.get $zero))))
			;; A NaN copied with float load and store gets the canonical bits ...
			(f32.store (i32.const 2092) (f32.load (i32.const 1036)))
			;; ... with integer load and store it keeps its own.
			(i32.store (i32.const 2096) (i32.load (i32.const 1036)))
			(f64.store (i32.const 2100)
				(f64.copysign (f64.const 1) (f64.div (local.get $zero64) (local.get $zero64))))
			(i32.store (i32.const 2108)
				(i32x4.extract_lane 0 (f32x4.splat (f32.div (local.get $zero) (local.get $zero)))))
			(v128.store (i32.const 2112)
				(f32x4.div (f32x4.splat (local.get $zero)) (f32x4.splat (local.get $zero))))
			(i64.store (i32.const 2128)
				(i64x2.extract_lane 1 (f64x2.sqrt (f64x2.splat (local.get $minus64)))))
			(i32.store (i32.const 2136)
				(i32x4.extract_lane 2 (f32x4.mul (f32x4.splat (local.get $inf)) (f32x4.splat (local.get $zero)))))
			(i32.store (i32.const 0) (i32.const 2048))
			(i32.store (i32.const 4) (i32.const 92))
			(drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

	fn nan_probe_input() -> Vec<u8> {
		let mut input = Vec::new();
		for bits in [0f32.to_bits(), (-1f32).to_bits(), f32::INFINITY.to_bits(), 0xffc0_0001] {
			input.extend(bits.to_le_bytes());
		}
		input.extend(0f64.to_le_bytes());
		input.extend((-1f64).to_le_bytes());
		input
	}

	#[test]
	fn every_observable_nan_has_the_canonical_bits() {
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wat::parse_str(NAN_PROBE).unwrap()).unwrap();
		let outcome =
			sandbox.run(&module, &nan_probe_input(), 1_000_000, 4096, [0; 32], NO_GUARD).unwrap();
		let outcome = outcome.unwrap();
		assert_eq!(outcome.status, ExecutionStatus::Exited(0));
		let (f32_nan, f64_nan) =
			(0x7fc0_0000u32.to_le_bytes(), 0x7ff8_0000_0000_0000u64.to_le_bytes());
		let mut expected = Vec::new();
		for _ in 0..4 {
			expected.extend(f32_nan);
		}
		for _ in 0..3 {
			expected.extend(f64_nan);
		}
		expected.extend(1f32.to_le_bytes());
		expected.extend(f32_nan);
		expected.extend(0xffc0_0001u32.to_le_bytes());
		expected.extend(1f64.to_le_bytes());
		for _ in 0..5 {
			expected.extend(f32_nan);
		}
		expected.extend(f64_nan);
		expected.extend(f32_nan);
		assert_eq!(hex::encode(&outcome.output), hex::encode(&expected));
		// Fuel is a constant of the instrumented program.
		assert_eq!(outcome.fuel_used, NAN_PROBE_FUEL);
	}

	/// With its one `fd_write` of one buffer (256) of 92 bytes.
	const NAN_PROBE_FUEL: u64 = 631;

	/// Recurses to the depth in its input (u32) and there, if the next u32 of its input
	/// is not 0, calls `random_get`.
	const STACK_PROBE: &str = r#"(module
		(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
		(memory (export "memory") 1)
		(func $down (param $depth i32) (param $host i32)
			(if (i32.eqz (local.get $depth))
				(then (if (local.get $host)
					(then (drop (call $random (i32.const 64) (i32.const 8))))))
				(else (call $down (i32.sub (local.get $depth) (i32.const 1)) (local.get $host)))))
		(func (export "_start")
			(i32.store (i32.const 0) (i32.const 16))
			(i32.store (i32.const 4) (i32.const 8))
			(drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
			(call $down (i32.load (i32.const 16)) (i32.load (i32.const 20)))))"#;

	fn probe(
		sandbox: &Sandbox,
		module: &Module,
		depth: u32,
		host_call: bool,
	) -> crate::sandbox::RunOutcome {
		let mut input = depth.to_le_bytes().to_vec();
		input.extend(u32::from(host_call).to_le_bytes());
		sandbox.run(module, &input, u64::MAX / 2, 64, [1; 32], NO_GUARD).unwrap().unwrap()
	}

	/// The greatest depth the probe reaches without hitting the stack limit.
	fn deepest(sandbox: &Sandbox, module: &Module, host_call: bool) -> u32 {
		let (mut fits, mut traps) = (0, 1 << 20);
		assert_eq!(probe(sandbox, module, traps, host_call).status, ExecutionStatus::Trapped);
		while traps - fits > 1 {
			let middle = fits + (traps - fits) / 2;
			match probe(sandbox, module, middle, host_call).status {
				ExecutionStatus::Exited(0) => fits = middle,
				ExecutionStatus::Trapped => traps = middle,
				other => panic!("{other:?} at depth {middle}"),
			}
		}
		fits
	}

	/// Uses about `frames` × 4 KiB of this thread's stack, then calls `f`.
	fn with_deep_stack<R>(frames: usize, f: &mut dyn FnMut() -> R) -> R {
		let mut pad = [0u8; 4096];
		std::hint::black_box(&mut pad);
		let result = if frames == 0 { f() } else { with_deep_stack(frames - 1, f) };
		std::hint::black_box(&pad);
		result
	}

	/// Where the stack limit hits is a constant of the instrumented program: the deepest
	/// recursion is what `STACK_LIMIT` units allow at the functions' costs, in debug and
	/// release builds alike (before, 16378 frames fit in a release build and 16374 in a
	/// debug one), whatever the caller's stack and whether a WASI call is made at the
	/// bottom. Its fuel is a constant too.
	#[test]
	fn the_recursion_probe_traps_at_a_depth_computed_from_the_wasm() {
		let wasm = wat::parse_str(STACK_PROBE).unwrap();
		let costs = instrument(&wasm, STACK_LIMIT).unwrap().costs;
		// $down: FRAME 4 + 2 params + 1 saved counter + height 2 + 2; `_start`: 4 + 1 +
		// height 4 (`fd_read`'s arguments) + 2.
		assert_eq!(costs, [11, 11]);
		let (down, start) = (costs[0], costs[1]);
		let computed = (STACK_LIMIT - start) / down - 1;
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wasm).unwrap();
		let depth = deepest(&sandbox, &module, false);
		println!("recursion probe: {depth} frames fit in {STACK_LIMIT} units");
		assert_eq!(depth, computed);
		assert_eq!(depth, PROBE_DEPTH);
		assert_eq!(deepest(&sandbox, &module, true), depth, "a WASI call at the bottom");

		let at = |host_call| {
			(
				probe(&sandbox, &module, depth, host_call),
				probe(&sandbox, &module, depth + 1, host_call),
			)
		};
		let expected = [at(false), at(true)];
		assert_eq!(expected[0].0.status, ExecutionStatus::Exited(0));
		assert_eq!(expected[0].1.status, ExecutionStatus::Trapped);
		assert_eq!(
			[expected[0].0.fuel_used, expected[0].1.fuel_used, expected[1].0.fuel_used],
			PROBE_FUEL
		);
		let from_a_deep_stack = std::thread::scope(|scope| {
			std::thread::Builder::new()
				.stack_size(1 << 20)
				.spawn_scoped(scope, || with_deep_stack(75, &mut || [at(false), at(true)]))
				.unwrap()
				.join()
				.unwrap()
		});
		assert_eq!(from_a_deep_stack, expected);
	}

	const PROBE_DEPTH: u32 = 11_913;
	/// Fuel at the deepest depth, one deeper (the trap comes on the way down), and at the
	/// deepest depth with a WASI call at the bottom (an 8-byte `random_get`: 64).
	const PROBE_FUEL: [u64; 3] = [238_305, 214_484, 238_372];

	/// A recursion whose function `$f` has frames of one worst kind: it stores its depth
	/// at address 0 on entry and recurses forever.
	#[derive(Default)]
	struct Frame {
		name: &'static str,
		params: String,
		results: String,
		locals: String,
		/// Before the recursive call (which takes `$d + 1` and then `args`).
		before: String,
		args: String,
		/// After it (the call's results are on the stack).
		after: String,
	}

	fn frames() -> Vec<Frame> {
		let n = 400;
		let repeat = |s: &str, n: usize| vec![s; n].join(" ");
		let numbered =
			|f: &dyn Fn(usize) -> String, n: usize| (0..n).map(f).collect::<Vec<_>>().join(" ");
		let distinct = |i: usize| format!("(i32.add (local.get $d) (i32.const {i}))");
		let live_locals = |ty: &str, make: &str, sum: &str, store: &str| Frame {
			name: Box::leak(format!("{n} {ty} locals live across the call").into_boxed_str()),
			locals: format!("(local {})", repeat(ty, n)),
			// Distinct values, so that the compiler keeps each one.
			before: numbered(&|i| format!("(local.set {} ({make} {}))", i + 1, distinct(i)), n),
			after: format!(
				"(i32.const 16) {} {} {store}",
				numbered(&|i| format!("(local.get {})", i + 1), n),
				repeat(sum, n - 1)
			),
			..Frame::default()
		};
		let deep_stack = |ty: &str, make: &str, sum: &str, store: &str| Frame {
			name: Box::leak(format!("{n} {ty} on the operand stack").into_boxed_str()),
			before: format!(
				"(i32.const 16) {}",
				numbered(&|i| format!("({make} {})", distinct(i)), n)
			),
			after: format!("{} {store}", repeat(sum, n - 1)),
			..Frame::default()
		};
		let params_passed_on = |ty: &str| Frame {
			name: Box::leak(format!("{n} {ty} params passed on").into_boxed_str()),
			params: format!("(param {})", repeat(ty, n)),
			args: numbered(&|i| format!("(local.get {})", i + 1), n),
			..Frame::default()
		};
		vec![
			Frame { name: "an empty frame", ..Frame::default() },
			live_locals("i64", "i64.extend_i32_u", "i64.add", "i64.store"),
			live_locals("f64", "f64.convert_i32_u", "f64.add", "f64.store"),
			live_locals("v128", "i32x4.splat", "i32x4.add", "v128.store"),
			deep_stack("i64", "i64.extend_i32_u", "i64.add", "i64.store"),
			deep_stack("f64", "f64.convert_i32_u", "f64.add", "f64.store"),
			deep_stack("v128", "i32x4.splat", "i32x4.add", "v128.store"),
			params_passed_on("f64"),
			params_passed_on("v128"),
			Frame {
				name: "400 i64 results",
				results: format!("(result {})", repeat("i64", n)),
				..Frame::default()
			},
		]
	}

	fn frame_wat(frame: &Frame) -> String {
		let Frame { params, results, locals, before, args, after, .. } = frame;
		let param_types = params.trim_start_matches("(param").trim_end_matches(')');
		let call_args = if params.is_empty() {
			String::new()
		} else {
			// The first call passes zeros of the parameters' types.
			param_types
				.split_whitespace()
				.map(|ty| match ty {
					"v128" => "(v128.const i64x2 0 0)".to_string(),
					ty => format!("({ty}.const 0)"),
				})
				.collect::<Vec<_>>()
				.join(" ")
		};
		let drop_results = if results.is_empty() {
			String::new()
		} else {
			vec!["drop"; results.split_whitespace().count() - 1].join(" ")
		};
		format!(
			r#"(module (memory (export "memory") 1)
			(func $f (param $d i32) {params} {results} {locals}
				(i32.store (i32.const 0) (local.get $d))
				{before}
				(call $f (i32.add (local.get $d) (i32.const 1)) {args})
				{after})
			(func (export "_start") (call $f (i32.const 0) {call_args}) {drop_results}))"#
		)
	}

	/// Runs `_start` of `wasm` (no imports) to its trap on a thread like a run's, and
	/// returns the trap and the depth reached.
	fn run_to_trap(engine: &wasmtime::Engine, wasm: &[u8]) -> (Trap, u32) {
		std::thread::scope(|scope| {
			std::thread::Builder::new()
				.stack_size(MAX_WASM_STACK + HOST_STACK)
				.spawn_scoped(scope, || {
					let module = Module::new(engine, wasm).unwrap();
					let mut store = Store::new(engine, ());
					store.set_fuel(u64::MAX / 2).unwrap();
					store.set_epoch_deadline(u64::MAX / 2);
					let instance = Instance::new(&mut store, &module, &[]).unwrap();
					let start = instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap();
					let error = start.call(&mut store, ()).unwrap_err();
					let trap = *error.downcast_ref::<Trap>().unwrap_or_else(|| panic!("{error:?}"));
					let memory = instance.get_memory(&mut store, "memory").unwrap();
					let mut depth = [0; 4];
					memory.read(&store, 0, &mut depth).unwrap();
					(trap, u32::from_le_bytes(depth))
				})
				.unwrap()
				.join()
				.unwrap()
		})
	}

	/// The native stack can never overflow before the counted limit traps: for the worst
	/// frames (many locals or operand-stack values live across a call, of the widest
	/// type, many parameters or results), recursion ends with the instrumentation's trap
	/// at exactly the depth the costs allow, with the sandbox's `max_wasm_stack`. And,
	/// measured without the counted limit, no frame uses more than half of
	/// `MAX_BYTES_PER_UNIT` per unit of cost, which sizes `max_wasm_stack`.
	#[test]
	fn the_worst_frames_hit_the_counted_limit_first() {
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let engine = sandbox.engine();
		let mut worst = 0f64;
		for frame in frames() {
			let wasm = wat::parse_str(frame_wat(&frame)).unwrap();
			let counted = instrument(&wasm, STACK_LIMIT).unwrap();
			let (cost, start) = (counted.costs[0], counted.costs[1]);
			let (trap, depth) = run_to_trap(engine, &counted.wasm);
			assert_eq!(trap, Trap::UnreachableCodeReached, "{}", frame.name);
			// Frames at depths 0..=depth fit, one more does not.
			assert_eq!(depth + 1, (STACK_LIMIT - start) / cost, "{}", frame.name);

			let uncounted = instrument(&wasm, u32::MAX / 2).unwrap();
			let (trap, depth) = run_to_trap(engine, &uncounted.wasm);
			assert_eq!(trap, Trap::StackOverflow, "{}", frame.name);
			let per_unit = MAX_WASM_STACK as f64 / (f64::from(depth + 1) * f64::from(cost));
			println!(
				"{:<36} cost {cost:>5}: {:>7.0} bytes per frame, {per_unit:>5.1} per unit",
				frame.name,
				per_unit * f64::from(cost)
			);
			worst = worst.max(per_unit);
		}
		assert!(worst * 2.0 <= MAX_BYTES_PER_UNIT as f64, "{worst} bytes per unit");
	}

	#[test]
	fn invalid_and_unusual_modules_are_errors_or_pass_through() {
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		for garbage in [&b"\0asm\x01\0\0\0\x0a\x02\x01"[..], b"\0asm", b"", b"\0asm\x0d\0\x01\0"] {
			assert!(sandbox.compile(garbage).is_err());
			assert!(instrument(garbage, STACK_LIMIT).is_err());
		}
		// Without functions there is nothing to instrument.
		let empty = wat::parse_str("(module)").unwrap();
		assert_eq!(instrument(&empty, STACK_LIMIT).unwrap().wasm, empty);
		// A function too big for the limit traps at its first call.
		let big =
			r#"(module (memory (export "memory") 1) (func (export "_start") (local i32 i32)))"#;
		let instrumented = instrument(&wat::parse_str(big).unwrap(), 8).unwrap();
		assert_eq!(instrumented.costs, [4 + 2 + 1 + 2]);
		let module = Module::new(sandbox.engine(), &instrumented.wasm).unwrap();
		let outcome = sandbox.run(&module, b"", 1000, 64, [0; 32], NO_GUARD).unwrap().unwrap();
		// `unreachable` is the one instruction run.
		assert_eq!((outcome.status, outcome.fuel_used), (ExecutionStatus::Trapped, 1));
	}

	/// Modules with a global section, imported globals, multi-value results (a new block
	/// type), branches to the function's label and `return` all keep working, and the
	/// counter is back at zero after each call.
	#[test]
	fn control_flow_out_of_a_function_restores_the_counter() {
		let wat = r#"(module
			(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
			(memory (export "memory") 1)
			(global $g (mut i32) (i32.const 5))
			(func $two (param i32) (result i32 i64)
				(if (i32.eq (local.get 0) (i32.const 1)) (then (return (i32.const 1) (i64.const 1))))
				(if (i32.eq (local.get 0) (i32.const 2)) (then (br 1 (i32.const 2) (i64.const 2))))
				;; Even: to the block's end, then the function's; odd: to the function's label.
				(block (result i32 i64)
					(br_table 0 1 (i32.const 3) (i64.const 3) (i32.and (local.get 0) (i32.const 1)))))
			(func $sum (result i32)
				(local $i i32) (local $acc i32)
				(loop $l
					(call $two (local.get $i))
					(drop)
					(local.set $acc (i32.add (local.get $acc)))
					(local.set $i (i32.add (local.get $i) (i32.const 1)))
					(br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))
				(local.get $acc))
			(func (export "_start")
				(drop (call $sum))
				(drop (call $sum))
				(call $exit (i32.add (global.get $g) (i32.rem_u (call $sum) (i32.const 100))))))"#;
		let wasm = wat::parse_str(wat).unwrap();
		let instrumented = instrument(&wasm, STACK_LIMIT).unwrap();
		Validator::new().validate_all(&instrumented.wasm).unwrap();
		// 100,000 calls of $two, 300,000 in all: if any exit leaked its cost, the counter
		// would pass the limit and trap.
		let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
		let module = sandbox.compile(&wasm).unwrap();
		let outcome =
			sandbox.run(&module, b"", u64::MAX / 2, 64, [0; 32], NO_GUARD).unwrap().unwrap();
		// $sum = 3 + 1 + 2 + 3 × 99,997 = 299,997; % 100 = 97; + 5.
		assert_eq!(outcome.status, ExecutionStatus::Exited(102));
	}
}
