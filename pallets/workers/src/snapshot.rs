//! Snapshots: the registry the draws read is the registry as it stood epochs ago.
//!
//! **Rule.** A change to a worker that moves its draw weights (registering, bonding more
//! or unbonding, a slash, pausing or resuming, changing class, volunteering, becoming or
//! ceasing to be a referee) is recorded as a [`Snapshot`] of its record at the end of the
//! epoch it was made in, and reaches the sortition trees only at the start of the epoch
//! [`Config::SnapshotDelay`] epochs later ([`Pallet::activate_due`], from `on_initialize`,
//! at most [`Config::MaxActivationsPerBlock`] a block, first made first applied). Funds
//! move at once (unbonding, slashing): a draw weighs what a worker still has against its
//! snapshot when it meets it ([`crate::selection`]), so a snapshot never lends weight a
//! worker no longer has. Leaves move (joining, leaving, changing class) only when a
//! snapshot takes effect.
//!
//! **Attack answered.** Re-rolling a draw: block `n` draws with the VRF output of the
//! author of block `n − 1`, who knows it long before (BABE fixes an epoch's randomness two
//! epochs ahead) and chooses what its block contains. If the trees moved with every
//! `bond_more(δ)`, `pause` or `set_capacity`, it could try variants offline until one
//! gave it every replica of a job. Now the trees at block `n` are fixed by changes made
//! at least `SnapshotDelay − 1` whole epochs earlier; with a delay of 3, before the
//! randomness of block `n`'s epoch was known to anyone (it is fixed by the VRF outputs of
//! the epoch two before, the last of which only its author sees early). **What remains**:
//! changes of live state a draw reads (a worker's open assignments, pauses, slashes) can
//! only reject candidates, never add one: an author can keep an honest candidate busy by
//! leaving out the transaction that would free its slot, and so pass its turn to the next
//! candidate; and it can withhold its block altogether.

use crate::{
	classes::TREES, ActivationQueue, ActivationQueueBounds, Config, EpochIndex, Error, Event,
	Pallet, Scheduled, Snapshot, WorkerInfo, Workers,
};
use alloc::vec::Vec;
use frame_support::traits::Get;
use sp_runtime::DispatchResult;

impl<T: Config> Pallet<T> {
	/// Stores a worker's record, scheduling a snapshot if its draw weights changed. Fails
	/// with [`Error::TooManyPendingChanges`] (and stores nothing) if it has
	/// [`crate::MAX_SCHEDULED`] snapshots waiting already.
	pub(crate) fn store(who: &T::AccountId, mut info: WorkerInfo<T>) -> DispatchResult {
		Self::schedule(who, &mut info, false)?;
		Workers::<T>::insert(who, info);
		Ok(())
	}

	/// Like [`Self::store`], but never fails: with no room left, the newest waiting
	/// snapshot is replaced and postponed to this epoch's. For changes the worker does not
	/// choose (a slash), which must happen; postponing is safe, as it only waits longer.
	pub(crate) fn store_postponing(who: &T::AccountId, mut info: WorkerInfo<T>) {
		// Cannot fail with `postpone`.
		let _ = Self::schedule(who, &mut info, true);
		Workers::<T>::insert(who, info);
	}

	fn schedule(
		who: &T::AccountId,
		info: &mut WorkerInfo<T>,
		postpone: bool,
	) -> Result<(), Error<T>> {
		let target = info.snapshot();
		if target == *info.latest_snapshot() {
			return Ok(());
		}
		let now = T::CurrentEpoch::get();
		if let Some(last) = info.scheduled.last_mut().filter(|last| last.made_in == now) {
			last.snapshot = target;
			return Ok(());
		}
		let entry = Scheduled { made_in: now, snapshot: target };
		if info.scheduled.try_push(entry).is_err() {
			if !postpone {
				return Err(Error::<T>::TooManyPendingChanges);
			}
			if let Some(last) = info.scheduled.last_mut() {
				*last = entry;
			}
		}
		Self::enqueue(now.saturating_add(T::SnapshotDelay::get()), who);
		Ok(())
	}

	/// Queues `who` for the activation at the start of epoch `due`.
	fn enqueue(due: EpochIndex, who: &T::AccountId) {
		let (head, tail) = ActivationQueueBounds::<T>::get();
		ActivationQueue::<T>::insert(tail, (due, who.clone()));
		ActivationQueueBounds::<T>::put((head, tail.wrapping_add(1)));
	}

	/// Applies the snapshots due by `epoch`, first queued first, at most `limit` queue
	/// entries. Returns how many entries it took.
	pub fn activate_due(epoch: EpochIndex, limit: u32) -> u32 {
		let (mut head, tail) = ActivationQueueBounds::<T>::get();
		let mut taken = 0;
		while head != tail && taken < limit {
			let Some((due, who)) = ActivationQueue::<T>::get(head) else {
				head = head.wrapping_add(1);
				continue;
			};
			if due > epoch {
				break;
			}
			ActivationQueue::<T>::remove(head);
			head = head.wrapping_add(1);
			taken += 1;
			Self::activate(&who, |made_in| {
				made_in.saturating_add(T::SnapshotDelay::get()) <= epoch
			});
		}
		ActivationQueueBounds::<T>::put((head, tail));
		taken
	}

	/// Applies every waiting snapshot now, whatever its epoch: for genesis (the registry
	/// a chain starts with) and tests only; never in a block.
	pub fn activate_all_now() {
		let waiting: Vec<T::AccountId> = Workers::<T>::iter()
			.filter(|(_, info)| !info.scheduled.is_empty())
			.map(|(who, _)| who)
			.collect();
		for who in waiting {
			Self::activate(&who, |_| true);
		}
		ActivationQueueBounds::<T>::mutate(|(head, tail)| {
			while *head != *tail {
				ActivationQueue::<T>::remove(*head);
				*head = head.wrapping_add(1);
			}
		});
	}

	/// Applies the newest of `who`'s waiting snapshots that `due` accepts (older ones are
	/// superseded by it), then lets a worker with nothing left leave the registry.
	fn activate(who: &T::AccountId, due: impl Fn(EpochIndex) -> bool) {
		let Some(mut info) = Workers::<T>::get(who) else { return };
		let Some(last_due) = info.scheduled.iter().rposition(|s| due(s.made_in)) else {
			return;
		};
		let snapshot = info.scheduled[last_due].snapshot;
		// Fewer than before: always fits.
		info.scheduled = info.scheduled[last_due + 1..].to_vec().try_into().unwrap_or_default();
		Self::apply(who, &mut info, snapshot);
		Self::deposit_event(Event::SnapshotApplied {
			who: who.clone(),
			class_id: snapshot.class_id,
			weight: snapshot.weight(crate::sortition::Tree::Available),
		});
		if !Self::deregister_if_left(who, &info) {
			Workers::<T>::insert(who, info);
		}
	}

	/// Moves `who`'s leaf and weights to `snapshot`, and its referee weight in its
	/// validator's sum.
	fn apply(who: &T::AccountId, info: &mut WorkerInfo<T>, snapshot: Snapshot) {
		let before = info.drawn.weight(crate::sortition::Tree::Referees);
		Self::move_leaf(who, info, snapshot);
		if let Some(validator) = &info.referee_for {
			let after = info.drawn.weight(crate::sortition::Tree::Referees);
			Self::add_referee_weight(validator, before, after);
		}
	}

	/// Moves `who`'s leaf and weights to `snapshot`.
	fn move_leaf(who: &T::AccountId, info: &mut WorkerInfo<T>, snapshot: Snapshot) {
		let moves = info.drawn.class_id != snapshot.class_id || snapshot.is_empty();
		if moves && info.leaf.is_some() {
			Self::leave_class(info);
			info.leaf = None;
		}
		if snapshot.is_empty() {
			info.drawn = snapshot;
			return;
		}
		let joined = match info.leaf {
			Some(leaf) => Some(leaf),
			None => Self::join_class(snapshot.class_id, who).ok(),
		};
		let Some((leaf, mut class)) =
			joined.and_then(|leaf| Some((leaf, crate::Classes::<T>::get(snapshot.class_id)?)))
		else {
			// Its class is gone (disallowed and emptied): it stays out of the trees until
			// it moves to an allowed one.
			info.drawn = Snapshot { weights: [0; 4], ..snapshot };
			return;
		};
		info.leaf = Some(leaf);
		for tree in TREES {
			Self::set_weight(snapshot.class_id, &mut class, tree, leaf, snapshot.weight(tree));
		}
		crate::Classes::<T>::insert(snapshot.class_id, class);
		info.drawn = snapshot;
	}
}
