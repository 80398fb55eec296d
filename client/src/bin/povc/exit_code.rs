//! The exit codes of `povc`: the one place they are numbered and explained (`povc --help`
//! prints [`ExitCode::help`]).

/// What a `povc` run ended with, as its process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
	Success = 0,
	/// Anything no other code covers.
	Error = 1,
	/// Also what clap exits with on bad arguments.
	BadInput = 2,
	NotVerified = 3,
	Unreachable = 4,
	NotEnoughFunds = 5,
	/// The same code as `povc-worker run`'s.
	Incompatible = povc_client::tx::INCOMPATIBLE_EXIT_CODE as isize,
}

impl ExitCode {
	/// Every code, in order.
	pub const ALL: [Self; 7] = [
		Self::Success,
		Self::Error,
		Self::BadInput,
		Self::NotVerified,
		Self::Unreachable,
		Self::NotEnoughFunds,
		Self::Incompatible,
	];

	/// What the code tells the user.
	pub fn meaning(self) -> &'static str {
		match self {
			Self::Success => "success",
			Self::Error => "error",
			Self::BadInput => "bad arguments or input (missing file, invalid wasm, ...)",
			Self::NotVerified => "the job ended without a verified result",
			Self::Unreachable => "node unreachable",
			Self::NotEnoughFunds => "not enough balance",
			Self::Incompatible => "the chain's runtime changed what this povc sends (update povc)",
		}
	}

	/// The exit codes paragraph of `povc --help`.
	pub fn help() -> String {
		let codes: Vec<String> =
			Self::ALL.iter().map(|code| format!("{} {}", *code as u8, code.meaning())).collect();
		format!("Exit codes: {}.", codes.join("; "))
	}
}

impl From<ExitCode> for std::process::ExitCode {
	fn from(code: ExitCode) -> Self {
		Self::from(code as u8)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn codes_are_numbered_in_order() {
		for (number, code) in ExitCode::ALL.iter().enumerate() {
			assert_eq!(*code as usize, number, "{code:?}");
		}
	}

	#[test]
	fn help_lists_every_code() {
		assert_eq!(
			ExitCode::help(),
			"Exit codes: 0 success; 1 error; 2 bad arguments or input (missing file, invalid \
			 wasm, ...); 3 the job ended without a verified result; 4 node unreachable; 5 not \
			 enough balance; 6 the chain's runtime changed what this povc sends (update povc)."
		);
	}
}
