//! Running the `povc` CLI beside the node under test, and checking what it prints and
//! how it exits.

use std::{
	path::PathBuf,
	process::{Command, Output},
};

use serde_json::Value;

/// The `povc` binary built with the node.
pub fn povc_binary() -> PathBuf {
	crate::node::node_binary().with_file_name("povc")
}

/// Run `povc ARGS` against `node`, `stdin` as its input; returns the output.
pub fn povc(node: &str, args: &[&str], stdin: Option<&[u8]>) -> Output {
	use std::io::Write;
	let mut child = Command::new(povc_binary())
		.args(args)
		.env("POVC_NODE_URL", node)
		.stdin(std::process::Stdio::piped())
		.stdout(std::process::Stdio::piped())
		.stderr(std::process::Stdio::piped())
		.spawn()
		.expect("povc starts");
	let mut pipe = child.stdin.take().expect("piped");
	pipe.write_all(stdin.unwrap_or_default()).expect("stdin written");
	drop(pipe);
	child.wait_with_output().expect("povc ends")
}

/// Run `povc ARGS` and expect success; returns stdout.
pub fn povc_ok(node: &str, args: &[&str]) -> Vec<u8> {
	let output = povc(node, args, None);
	assert!(
		output.status.success(),
		"povc {args:?} failed: {}\n{}",
		output.status,
		String::from_utf8_lossy(&output.stderr)
	);
	output.stdout
}

/// Run `povc ARGS`, expect exit code `code` and `message` in stderr.
pub fn povc_fails(node: &str, args: &[&str], code: i32, message: &str) {
	let output = povc(node, args, None);
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert_eq!(output.status.code(), Some(code), "povc {args:?}: {stderr}");
	assert!(stderr.contains(message), "povc {args:?} should say {message:?}: {stderr}");
}

/// `bytes` as JSON; a panic that shows them if they are not.
pub fn json(bytes: &[u8]) -> Value {
	serde_json::from_slice(bytes)
		.unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}
