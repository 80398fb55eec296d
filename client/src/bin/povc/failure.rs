//! Errors that say what to do, each with the exit code that says what kind it is.

use povc_client::{connection::Unreachable, funds::NotEnoughFunds, tx::Incompatible};

use crate::exit_code::ExitCode;

/// What went wrong, and the exit code that says so.
#[derive(Debug)]
pub struct Failure {
	code: ExitCode,
	message: String,
}

impl Failure {
	/// [`ExitCode::Error`]: anything not covered below.
	pub fn other(message: impl Into<String>) -> Self {
		Self { code: ExitCode::Error, message: message.into() }
	}

	/// [`ExitCode::BadInput`]: bad arguments or input.
	pub fn input(message: impl Into<String>) -> Self {
		Self { code: ExitCode::BadInput, message: message.into() }
	}

	/// [`ExitCode::NotVerified`]: the job ended without a verified result.
	pub fn not_verified(message: impl Into<String>) -> Self {
		Self { code: ExitCode::NotVerified, message: message.into() }
	}

	/// Print the message and turn into the process exit code.
	pub fn report(self) -> std::process::ExitCode {
		eprintln!("error: {}", self.message);
		self.code.into()
	}
}

/// Client errors, by what the client says went wrong.
impl From<povc_client::Error> for Failure {
	fn from(error: povc_client::Error) -> Self {
		if error.is::<NotEnoughFunds>() {
			let message = format!("{error}; top it up (povc transfer) or ask for less");
			return Self { code: ExitCode::NotEnoughFunds, message };
		}
		let code = if error.is::<Unreachable>() {
			ExitCode::Unreachable
		} else if error.is::<Incompatible>() {
			ExitCode::Incompatible
		} else {
			ExitCode::Error
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
