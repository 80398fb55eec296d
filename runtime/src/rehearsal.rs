//! What the upgrade-rehearsal runtimes add; part of a runtime only with their features,
//! never of a chain's genesis.
//!
//! `build.rs` builds them beside the real runtime, and the e2e test `runtime_upgrade`
//! installs them with `sudo(system.set_code)` under running clients:
//! - `upgrade-rehearsal`: a compatible upgrade — this pallet (a new call and a new event),
//!   a changed constant (`Jobs::MaxInlineInput`) and a higher spec version;
//! - `upgrade-incompatible`: besides, a transaction extension with explicit data
//!   ([`CheckRehearsalTag`]), which clients built for the previous runtime cannot sign.

pub use pallet::*;

#[frame_support::pallet]
pub mod pallet {
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` called `note` with `value`.
		Noted { who: T::AccountId, value: u32 },
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Emit [`Event::Noted`]: a call and an event the previous runtime did not have.
		// A fixed weight: this pallet exists only in rehearsal runtimes, and the call
		// touches no storage besides its event.
		#[pallet::call_index(0)]
		#[pallet::weight(Weight::from_parts(10_000_000, 0))]
		pub fn note(origin: OriginFor<T>, value: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::deposit_event(Event::Noted { who, value });
			Ok(())
		}
	}
}

/// A transaction extension that carries a value of its own in every signed transaction:
/// a client that does not know it cannot build a transaction the runtime decodes.
#[cfg(feature = "upgrade-incompatible")]
#[derive(
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	Clone,
	Eq,
	PartialEq,
	scale_info::TypeInfo,
	Debug,
)]
pub struct CheckRehearsalTag(pub u32);

#[cfg(feature = "upgrade-incompatible")]
impl sp_runtime::traits::TransactionExtension<crate::RuntimeCall> for CheckRehearsalTag {
	const IDENTIFIER: &'static str = "CheckRehearsalTag";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	sp_runtime::impl_tx_ext_default!(crate::RuntimeCall; weight validate prepare);
}
