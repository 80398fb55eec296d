//! The chain's interface, generated from its metadata: `client/metadata/povc.scale`,
//! refreshed by `scripts/update-metadata.sh` and checked against the node's runtime by the
//! e2e test `metadata`. Each call, storage item and constant carries a hash of its shape,
//! which subxt checks against the live chain's metadata before using it, so a runtime
//! upgrade that changes one is caught before anything is sent.

use codec::Decode;

// povc's own argument types stand in for their generated twins (`Static` encodes them
// with SCALE); the shape hashes still compare the chain's types with the metadata's.
#[subxt::subxt(
	runtime_metadata_path = "metadata/povc.scale",
	derive_for_all_types = "Clone, PartialEq, Eq",
	substitute_type(
		path = "pallet_jobs::types::JobSpec<A, B>",
		with = "::subxt::utils::Static<crate::api::JobSpec>"
	),
	substitute_type(
		path = "pallet_jobs::types::BlobKind",
		with = "::subxt::utils::Static<::pallet_jobs::BlobKind>"
	),
	substitute_type(
		path = "pallet_jobs::types::ExecutionResult",
		with = "::subxt::utils::Static<::pallet_jobs::ExecutionResult>"
	)
)]
pub mod povc {}

/// A job's parameters, as `submit_job` takes them.
pub type JobSpec =
	pallet_jobs::JobSpec<crate::types::Balance, crate::types::BlockNumber, Unbounded>;

/// The bound of bounded arguments built here: the chain checks its own bound, and the
/// CLI checks it before signing (it reads it from the chain's constants).
pub type Unbounded = sp_core::ConstU32<{ u32::MAX }>;

/// The metadata the interface was generated from.
pub const METADATA: &[u8] = include_bytes!("../metadata/povc.scale");

/// The runtime spec version the interface was generated from (its `System::Version`).
pub fn built_for_spec_version() -> u32 {
	spec_version_of(METADATA).unwrap_or(0)
}

fn spec_version_of(metadata: &[u8]) -> Option<u32> {
	let metadata = subxt::Metadata::decode(&mut &metadata[..]).ok()?;
	let version = metadata.pallet_by_name("System")?.constant_by_name("Version")?.value();
	// `RuntimeVersion` starts with `spec_name: String, impl_name: String,
	// authoring_version: u32, spec_version: u32`.
	let mut input = version;
	let _: (String, String, u32) = Decode::decode(&mut input).ok()?;
	u32::decode(&mut input).ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_committed_metadata_names_its_spec_version() {
		assert!(built_for_spec_version() > 0);
	}
}
