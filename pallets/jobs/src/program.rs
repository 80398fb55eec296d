//! Validation of job programs at upload, in the runtime.
//!
//! A program is a WASI preview 1 *command* module: workers run its `_start` with the job
//! input on stdin. Checking it once on chain means no worker ever spends time (or a
//! bond) on code that cannot run, and the limits below keep what workers must compile
//! small enough that compiling is cheap for every worker.

use wasmparser::{
	ExternalKind, FuncValidatorAllocations, Operator, Parser, Payload, TypeRef, ValidPayload,
	Validator, WasmFeatures,
};

/// The module every import must come from.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// The WASI preview 1 functions the sandbox provides. Those that reach outside the
/// sandbox (files, sockets) are provided too, but fail deterministically at run time,
/// so ordinary toolchain output that merely links them is accepted.
pub const WASI_FUNCTIONS: &[&str] = &[
	"args_get",
	"args_sizes_get",
	"clock_res_get",
	"clock_time_get",
	"environ_get",
	"environ_sizes_get",
	"fd_advise",
	"fd_allocate",
	"fd_close",
	"fd_datasync",
	"fd_fdstat_get",
	"fd_fdstat_set_flags",
	"fd_fdstat_set_rights",
	"fd_filestat_get",
	"fd_filestat_set_size",
	"fd_filestat_set_times",
	"fd_pread",
	"fd_prestat_dir_name",
	"fd_prestat_get",
	"fd_pwrite",
	"fd_read",
	"fd_readdir",
	"fd_renumber",
	"fd_seek",
	"fd_sync",
	"fd_tell",
	"fd_write",
	"path_create_directory",
	"path_filestat_get",
	"path_filestat_set_times",
	"path_link",
	"path_open",
	"path_readlink",
	"path_remove_directory",
	"path_rename",
	"path_symlink",
	"path_unlink_file",
	"poll_oneoff",
	"proc_exit",
	"proc_raise",
	"random_get",
	"sched_yield",
	"sock_accept",
	"sock_recv",
	"sock_send",
	"sock_shutdown",
];

/// Structural limits of a program (beyond its byte size, which the pallet checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramLimits {
	/// Most functions defined in the module.
	pub max_functions: u32,
	/// Most locals of one function.
	pub max_locals: u32,
	/// Most imports.
	pub max_imports: u32,
	/// Most globals.
	pub max_globals: u32,
	/// Most data segments.
	pub max_data_segments: u32,
	/// Most tables, and most initial elements of one table.
	pub max_tables: u32,
	pub max_table_elements: u64,
	/// Most initial 64 KiB pages of the memory.
	pub max_initial_pages: u64,
	/// Most Σ b², over the functions, of a function's blocks `b` (`block`, `loop` and
	/// `if`): code generation takes time quadratic in the blocks of one function.
	pub max_blocks_squared: u64,
	/// Most Σ l × b, over the functions, of a function's declared locals `l` times its
	/// blocks: code generation takes time in proportion to that too, and locals are cheap
	/// to declare (a few bytes for any number of them).
	pub max_locals_times_blocks: u64,
}

impl ProgramLimits {
	/// Generous for real programs (a large Rust program has ~10k functions) while
	/// bounding what workers compile. The two compile-cost sums keep a program's
	/// compilation within about 3 s and 9 s on a 2-core x86-64 (measured with programs of
	/// nested `if`s: 44,000 in one function took 9.5 s; 10,000 with 10,000 locals live
	/// across them 17 s and 2.9 GiB), far below a worker's 60 s limit; the largest real
	/// programs stay well below both.
	pub const DEFAULT: Self = Self {
		max_functions: 50_000,
		max_locals: 10_000,
		max_imports: 256,
		max_globals: 10_000,
		max_data_segments: 10_000,
		max_tables: 1,
		max_table_elements: 100_000,
		max_initial_pages: 16_384,
		max_blocks_squared: 500_000_000,
		max_locals_times_blocks: 50_000_000,
	};
}

/// Why a program was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgramError {
	/// Not a valid WebAssembly core module (with the allowed features).
	InvalidWasm,
	/// Imports something other than a WASI preview 1 function the sandbox provides.
	DisallowedImport,
	/// No exported `_start` function or no exported `memory`: not a WASI command.
	NotACommand,
	/// Declares a shared or 64-bit memory, or more than one memory.
	DisallowedMemory,
	/// Exceeds one of the [`ProgramLimits`].
	LimitExceeded,
}

/// The WebAssembly features programs may use: WebAssembly 2.0 (what rustc and clang emit
/// for wasm32-wasip1), without threads, relaxed SIMD, memory64, exceptions, GC or the
/// component model, whose results or costs are not the same on every worker.
pub fn allowed_features() -> WasmFeatures {
	WasmFeatures::WASM2
}

/// Validates `code` as a job program.
pub fn validate(code: &[u8], limits: &ProgramLimits) -> Result<(), ProgramError> {
	let mut validator = Validator::new_with_features(allowed_features());
	let mut allocations = FuncValidatorAllocations::default();
	let mut exports_start = false;
	let mut exports_memory = false;
	let mut memories = 0u32;
	let mut cost = CompileCost::default();

	for payload in Parser::new(0).parse_all(code) {
		let payload = payload.map_err(|_| ProgramError::InvalidWasm)?;
		check_payload(&payload, limits, &mut memories, &mut exports_start, &mut exports_memory)?;
		match validator.payload(&payload).map_err(|_| ProgramError::InvalidWasm)? {
			ValidPayload::Ok | ValidPayload::End(_) => {},
			// A nested module or component: components are off, so this cannot validate.
			ValidPayload::Parser(_) => return Err(ProgramError::InvalidWasm),
			ValidPayload::Func(func, body) => {
				let locals = body.get_locals_reader().map_err(|_| ProgramError::InvalidWasm)?;
				let mut count = 0u64;
				for local in locals {
					let (n, _) = local.map_err(|_| ProgramError::InvalidWasm)?;
					count = count.saturating_add(u64::from(n));
				}
				if count > u64::from(limits.max_locals) {
					return Err(ProgramError::LimitExceeded);
				}
				let mut func_validator = func.into_validator(allocations);
				func_validator.validate(&body).map_err(|_| ProgramError::InvalidWasm)?;
				allocations = func_validator.into_allocations();
				cost.add(&body, count, limits)?;
			},
		}
	}
	if !(exports_start && exports_memory) {
		return Err(ProgramError::NotACommand);
	}
	Ok(())
}

/// What the functions so far cost to compile, in the terms of [`ProgramLimits`].
#[derive(Default)]
struct CompileCost {
	blocks_squared: u64,
	locals_times_blocks: u64,
}

impl CompileCost {
	/// Adds a valid function body with `locals` declared locals.
	fn add(
		&mut self,
		body: &wasmparser::FunctionBody<'_>,
		locals: u64,
		limits: &ProgramLimits,
	) -> Result<(), ProgramError> {
		let mut blocks = 0u64;
		let mut operators = body.get_operators_reader().map_err(|_| ProgramError::InvalidWasm)?;
		while !operators.eof() {
			let operator = operators.read().map_err(|_| ProgramError::InvalidWasm)?;
			if matches!(
				operator,
				Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. }
			) {
				blocks += 1;
			}
		}
		self.blocks_squared = self.blocks_squared.saturating_add(blocks.saturating_mul(blocks));
		self.locals_times_blocks =
			self.locals_times_blocks.saturating_add(locals.saturating_mul(blocks));
		if self.blocks_squared > limits.max_blocks_squared
			|| self.locals_times_blocks > limits.max_locals_times_blocks
		{
			return Err(ProgramError::LimitExceeded);
		}
		Ok(())
	}
}

/// The povc-specific checks of one section (the validator checks the rest).
fn check_payload(
	payload: &Payload<'_>,
	limits: &ProgramLimits,
	memories: &mut u32,
	exports_start: &mut bool,
	exports_memory: &mut bool,
) -> Result<(), ProgramError> {
	let within = |count: u32, max: u32| {
		if count > max {
			Err(ProgramError::LimitExceeded)
		} else {
			Ok(())
		}
	};
	match payload {
		Payload::ImportSection(imports) => {
			within(imports.count(), limits.max_imports)?;
			for import in imports.clone() {
				let import = import.map_err(|_| ProgramError::InvalidWasm)?;
				let allowed = import.module == WASI_MODULE
					&& matches!(import.ty, TypeRef::Func(_))
					&& WASI_FUNCTIONS.contains(&import.name);
				if !allowed {
					return Err(ProgramError::DisallowedImport);
				}
			}
		},
		Payload::FunctionSection(functions) => within(functions.count(), limits.max_functions)?,
		Payload::GlobalSection(globals) => within(globals.count(), limits.max_globals)?,
		Payload::DataSection(data) => within(data.count(), limits.max_data_segments)?,
		Payload::TableSection(tables) => {
			within(tables.count(), limits.max_tables)?;
			for table in tables.clone() {
				let table = table.map_err(|_| ProgramError::InvalidWasm)?;
				if table.ty.initial > limits.max_table_elements {
					return Err(ProgramError::LimitExceeded);
				}
			}
		},
		Payload::MemorySection(section) => {
			for memory in section.clone() {
				let memory = memory.map_err(|_| ProgramError::InvalidWasm)?;
				*memories += 1;
				if memory.shared || memory.memory64 || *memories > 1 {
					return Err(ProgramError::DisallowedMemory);
				}
				if memory.initial > limits.max_initial_pages {
					return Err(ProgramError::LimitExceeded);
				}
			}
		},
		Payload::ExportSection(exports) => {
			for export in exports.clone() {
				let export = export.map_err(|_| ProgramError::InvalidWasm)?;
				match (export.name, export.kind) {
					("_start", ExternalKind::Func) => *exports_start = true,
					("memory", ExternalKind::Memory) => *exports_memory = true,
					_ => {},
				}
			}
		},
		_ => {},
	}
	Ok(())
}
