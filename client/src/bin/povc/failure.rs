//! Errors that say what to do, and exit codes that mean something.

use std::process::ExitCode;

/// What went wrong, and the exit code that says so.
#[derive(Debug)]
pub struct Failure {
	pub code: u8,
	pub message: String,
}

impl Failure {
	/// Exit code 1: anything not covered below.
	pub fn other(message: impl Into<String>) -> Self {
		Self { code: 1, message: message.into() }
	}

	/// Exit code 2: bad arguments or input.
	pub fn input(message: impl Into<String>) -> Self {
		Self { code: 2, message: message.into() }
	}

	/// Exit code 3: the job ended without a verified result.
	pub fn not_verified(message: impl Into<String>) -> Self {
		Self { code: 3, message: message.into() }
	}

	/// Exit code 5: the account cannot pay.
	pub fn funds(message: impl Into<String>) -> Self {
		Self { code: 5, message: message.into() }
	}

	/// Print the message and turn into the process exit code.
	pub fn report(self) -> ExitCode {
		eprintln!("error: {}", self.message);
		ExitCode::from(self.code)
	}
}

/// Exit code 6: the chain's runtime no longer takes what this povc sends.
pub const INCOMPATIBLE: u8 = 6;

/// Client errors: exit code 4 if the node could not be reached, 6 if its runtime is
/// incompatible with this povc, else 1.
impl From<povc_client::Error> for Failure {
	fn from(error: povc_client::Error) -> Self {
		let code = if error.is::<povc_client::connection::Unreachable>() {
			4
		} else if error.is::<povc_client::tx::Incompatible>() {
			INCOMPATIBLE
		} else {
			1
		};
		Self { code, message: error.to_string() }
	}
}

impl From<subxt::Error> for Failure {
	fn from(error: subxt::Error) -> Self {
		povc_client::Error::from(error).into()
	}
}

/// The result of a command.
pub type Outcome<T = ()> = Result<T, Failure>;
