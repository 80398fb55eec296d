//! Content-addressed blobs: programs and input data, with deposits and reference counts.

use crate::{
	program::{self, ProgramError, ProgramLimits},
	BalanceOf, BlobInfo, BlobInfoOf, BlobKind, Blobs, Config, DataBlobs, Error, Event, HoldReason,
	Pallet, Programs,
};
use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, tokens::Precision},
	BoundedVec,
};
use sp_core::{Get, H256};
use sp_runtime::{traits::Saturating, DispatchError};

impl<T: Config> Pallet<T> {
	/// The deposit held for `len` stored bytes.
	pub fn blob_deposit(len: u32) -> BalanceOf<T> {
		T::BlobDepositBase::get()
			.saturating_add(T::BlobDepositPerByte::get().saturating_mul(len.into()))
	}

	pub(crate) fn do_upload(who: T::AccountId, kind: BlobKind, bytes: Vec<u8>) -> DispatchResult {
		let len = bytes.len() as u32;
		let hash = H256(sp_crypto_hashing::blake2_256(&bytes));
		ensure!(!Blobs::<T>::contains_key(kind, hash), Error::<T>::AlreadyUploaded);
		let mut task_inputs = 0;
		match kind {
			BlobKind::Program => {
				let code: BoundedVec<u8, T::MaxProgramSize> =
					bytes.try_into().map_err(|_| Error::<T>::ProgramTooLarge)?;
				program::validate(&code, &ProgramLimits::DEFAULT).map_err(program_error::<T>)?;
				Programs::<T>::insert(hash, code);
			},
			BlobKind::Data => {
				let data: BoundedVec<u8, T::MaxBlobSize> =
					bytes.try_into().map_err(|_| Error::<T>::BlobTooLarge)?;
				// Counted once here, so that a batch's submission need not read its input.
				task_inputs = povc_primitives::batch::count_task_inputs(&data).unwrap_or(0);
				DataBlobs::<T>::insert(hash, data);
			},
		}
		let deposit = Self::blob_deposit(len);
		T::Currency::hold(&HoldReason::BlobDeposit.into(), &who, deposit)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		let info =
			BlobInfo { owner: who.clone(), deposit, len, refs: 0, retiring: false, task_inputs };
		Blobs::<T>::insert(kind, hash, info);
		Self::deposit_event(Event::BlobUploaded { kind, hash, owner: who, len, deposit });
		Ok(())
	}

	pub(crate) fn do_remove_blob(who: T::AccountId, kind: BlobKind, hash: H256) -> DispatchResult {
		let mut info = Blobs::<T>::get(kind, hash).ok_or(Error::<T>::UnknownBlob)?;
		ensure!(info.owner == who, Error::<T>::NotBlobOwner);
		if info.refs == 0 {
			Self::remove_blob_now(kind, hash, info);
			return Ok(());
		}
		// Others' jobs must not keep the deposit held: the jobs using the blob now finish
		// with it, and no new one may use it.
		ensure!(!info.retiring, Error::<T>::BlobRetiring);
		info.retiring = true;
		let jobs = info.refs;
		Blobs::<T>::insert(kind, hash, info);
		Self::deposit_event(Event::BlobRetiring { kind, hash, owner: who, jobs });
		Ok(())
	}

	/// Removes a blob no unfinished job uses and refunds its deposit.
	fn remove_blob_now(kind: BlobKind, hash: H256, info: BlobInfoOf<T>) {
		// Best effort releases what is held, which is the whole deposit (try_state).
		let _ = T::Currency::release(
			&HoldReason::BlobDeposit.into(),
			&info.owner,
			info.deposit,
			Precision::BestEffort,
		);
		Blobs::<T>::remove(kind, hash);
		match kind {
			BlobKind::Program => Programs::<T>::remove(hash),
			BlobKind::Data => DataBlobs::<T>::remove(hash),
		}
		let (owner, deposit) = (info.owner, info.deposit);
		Self::deposit_event(Event::BlobRemoved { kind, hash, owner, deposit });
	}

	/// One more unfinished job uses the blob; a retiring one takes no new job.
	/// Returns how many task inputs it holds ([`BlobInfo::task_inputs`]).
	pub(crate) fn acquire_blob(kind: BlobKind, hash: H256) -> Result<u32, DispatchError> {
		Blobs::<T>::try_mutate(kind, hash, |info| {
			let info = info.as_mut().ok_or(match kind {
				BlobKind::Program => Error::<T>::UnknownProgram,
				BlobKind::Data => Error::<T>::UnknownBlob,
			})?;
			ensure!(!info.retiring, Error::<T>::BlobRetiring);
			info.refs = info.refs.saturating_add(1);
			Ok(info.task_inputs)
		})
	}

	/// An unfinished job that used the blob finished; a retiring blob goes with its last.
	pub(crate) fn release_blob(kind: BlobKind, hash: H256) {
		let Some(mut info) = Blobs::<T>::get(kind, hash) else { return };
		info.refs = info.refs.saturating_sub(1);
		if info.retiring && info.refs == 0 {
			Self::remove_blob_now(kind, hash, info);
		} else {
			Blobs::<T>::insert(kind, hash, info);
		}
	}
}

fn program_error<T: Config>(error: ProgramError) -> DispatchError {
	match error {
		ProgramError::InvalidWasm => Error::<T>::InvalidWasm,
		ProgramError::DisallowedImport => Error::<T>::DisallowedImport,
		ProgramError::NotACommand => Error::<T>::NotACommand,
		ProgramError::DisallowedMemory => Error::<T>::DisallowedMemory,
		ProgramError::LimitExceeded => Error::<T>::ProgramLimitExceeded,
	}
	.into()
}
