//! How a run ended, in words.

use povc_primitives::ExecutionStatus;

/// `exited with 0`, `trapped`, `out of fuel`, `output too large`.
pub fn describe(status: &ExecutionStatus) -> String {
	match status {
		ExecutionStatus::Exited(code) => format!("exited with {code}"),
		ExecutionStatus::Trapped => "trapped".into(),
		ExecutionStatus::OutOfFuel => "out of fuel".into(),
		ExecutionStatus::OutputTooLarge => "output too large".into(),
	}
}
