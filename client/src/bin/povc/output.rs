//! Printing results as text for people or as JSON for scripts.

use serde_json::Value;

/// Print `json` with `--json`, else `text`.
pub fn print(json_mode: bool, json: Value, text: impl FnOnce() -> String) {
	if json_mode {
		println!("{}", serde_json::to_string_pretty(&json).expect("JSON values serialise"));
	} else {
		println!("{}", text());
	}
}

/// A progress line on stderr (never mixed into stdout, which may carry an output).
pub fn progress(json_mode: bool, line: &str) {
	if !json_mode {
		eprintln!("{line}");
	}
}
