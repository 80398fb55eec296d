//! The requester's escrow: what a job costs, payments to workers, burns and refunds.
//!
//! Everything a job can still spend stays held from the requester under
//! [`HoldReason::Escrow`] and `job.escrow` tracks it, so that the sum of `escrow` over
//! open jobs always equals the funds held for escrow (checked by `try_state`).
//!
//! **The queue fee.** Besides what its workers can earn, a job holds its *queue
//! allowance*, `QueueFeePerBlock × MaxQueueWait`: every block it waits in the queue after
//! its `DrawDelay` burns `QueueFeePerBlock` of it. The fee is charged once, when the job
//! leaves the queue ([`Pallet::leave_queue`]: drawn, failed, cancelled or timed out), so
//! `on_initialize` never touches the jobs that only wait; it can never exceed the
//! allowance (the job's queue timeout comes at most `MaxQueueWait` blocks after its first
//! draw, and the fee is capped at the allowance should that timeout be handled late), so
//! the rest of the escrow always covers the job's workers. What the allowance did not pay
//! is released when the replicas are drawn, or refunded with the rest when the job ends in
//! the queue.

use crate::{
	BalanceOf, Config, CostEstimate, Error, Event, HoldReason, JobOf, JobSpecOf, Outputs, Pallet,
	QueuedByAccount,
};
use frame_support::{
	ensure,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use povc_primitives::{Fuel, JobId};
use sp_core::{Get, H256};
use sp_runtime::{
	traits::{CheckedAdd, CheckedMul, Saturating, Zero},
	DispatchError, SaturatedConversion,
};

impl<T: Config> Pallet<T> {
	/// What `spec` would hold and can spend at most.
	pub fn estimate_cost(spec: &JobSpecOf<T>) -> Result<CostEstimate<BalanceOf<T>>, DispatchError> {
		Self::cost_of(
			spec.fuel_limit,
			spec.tasks,
			spec.replicas,
			spec.price_per_fuel,
			spec.max_output_len,
		)
	}

	/// What a job with these parameters would hold and can spend at most. A worker can
	/// earn `fuel_limit × tasks × price_per_fuel`: a batch pays for its tasks' fuel.
	pub fn cost_of(
		fuel_limit: Fuel,
		tasks: u32,
		replicas: u8,
		price_per_fuel: BalanceOf<T>,
		max_output_len: u32,
	) -> Result<CostEstimate<BalanceOf<T>>, DispatchError> {
		let fuel = fuel_limit.checked_mul(tasks.max(1).into()).ok_or(Error::<T>::Overflow)?;
		let fuel: BalanceOf<T> = fuel.saturated_into();
		let per_worker = fuel.checked_mul(&price_per_fuel).ok_or(Error::<T>::Overflow)?;
		// Volunteer work is exempt: whether its submitter may offer nothing is checked
		// with the submitter (`NotAProject`).
		ensure!(
			price_per_fuel.is_zero() || per_worker >= T::MinReplicaPayment::get(),
			Error::<T>::PriceBelowFloor
		);
		let times = |count: u32| per_worker.checked_mul(&count.into()).ok_or(Error::<T>::Overflow);
		let max_payment = times(replicas.into())?;
		// A single replica is never disputed (its result is unverified).
		let dispute_fee = if replicas > 1 { times(T::RefereeCount::get())? } else { Zero::zero() };
		let max_output = povc_primitives::batch::max_output_bytes(tasks, max_output_len);
		let max_result_deposit = Self::result_deposit(max_output.saturated_into());
		let max_queue_fee = Self::queue_allowance();
		let escrow = max_payment
			.checked_add(&dispute_fee)
			.and_then(|sum| sum.checked_add(&max_result_deposit))
			.and_then(|sum| sum.checked_add(&max_queue_fee))
			.ok_or(Error::<T>::Overflow)?;
		let max_burn = T::BurnShare::get() * max_payment.saturating_add(dispute_fee);
		Ok(CostEstimate {
			max_payment,
			max_burn,
			dispute_fee,
			max_result_deposit,
			max_queue_fee,
			escrow,
		})
	}

	/// The most a job can pay for waiting in the queue: `QueueFeePerBlock` for each of the
	/// `MaxQueueWait` blocks it may wait after its `DrawDelay`.
	pub fn queue_allowance() -> BalanceOf<T> {
		let blocks: u32 = T::MaxQueueWait::get().saturated_into();
		T::QueueFeePerBlock::get().saturating_mul(blocks.into())
	}

	/// The job leaves the queue at block `now` (drawn, failed, cancelled or timed out):
	/// one queue entry less for its requester, and its queue fee, `QueueFeePerBlock` per
	/// block waited after `DrawDelay` (at most its allowance), burned from the escrow.
	/// Returns the part of the allowance left unused, which stays in `job.escrow`: the
	/// caller releases it (a drawn job) or refunds it with the rest (a job that ends).
	/// Does not touch `Queue` itself: callers remove the entry.
	pub(crate) fn leave_queue(
		job_id: JobId,
		job: &mut JobOf<T>,
		now: BlockNumberFor<T>,
	) -> BalanceOf<T> {
		QueuedByAccount::<T>::mutate_exists(&job.requester, |count| {
			let left = count.unwrap_or(0).saturating_sub(1);
			*count = (left > 0).then_some(left);
		});
		let first_draw = job.submitted_at.saturating_add(T::DrawDelay::get());
		let blocks: u32 = now.saturating_sub(first_draw).saturated_into();
		let fee = T::QueueFeePerBlock::get()
			.saturating_mul(blocks.into())
			.min(job.queue_allowance)
			.min(job.escrow);
		let unused = job.queue_allowance.saturating_sub(fee);
		job.queue_allowance = Zero::zero();
		if fee.is_zero() {
			return unused;
		}
		// Burned, like the abstention fee: nobody gains from a job that waits, so no
		// worker or block author is paid to keep one waiting.
		let burned = Self::burn_escrow(job, fee);
		Self::deposit_event(Event::QueueFeeCharged { job: job_id, blocks, burned });
		unused
	}

	/// Releases `amount` of a drawn job's escrow that it can no longer spend (its unused
	/// queue allowance) to the requester.
	pub(crate) fn release_escrow(job_id: JobId, job: &mut JobOf<T>, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		let released = T::Currency::release(
			&HoldReason::Escrow.into(),
			&job.requester,
			amount.min(job.escrow),
			Precision::BestEffort,
		)
		.unwrap_or_else(|_| Zero::zero());
		job.escrow = job.escrow.saturating_sub(released);
		if !released.is_zero() {
			Self::deposit_event(Event::EscrowRefunded {
				job: job_id,
				requester: job.requester.clone(),
				amount: released,
			});
		}
	}

	/// The deposit for storing a result of `len` bytes.
	pub fn result_deposit(len: u32) -> BalanceOf<T> {
		T::ResultDepositBase::get()
			.saturating_add(T::ResultDepositPerByte::get().saturating_mul(len.into()))
	}

	/// What a worker whose run used `fuel` earns: `fuel × price_per_fuel`, at least
	/// `MinReplicaPayment` for paid work (a job's submission checked that its escrow
	/// holds that much per replica and referee).
	pub(crate) fn payment_for(job: &JobOf<T>, fuel: Fuel) -> BalanceOf<T> {
		if job.spec.price_per_fuel.is_zero() {
			return Zero::zero();
		}
		let fuel: BalanceOf<T> = fuel.saturated_into();
		fuel.saturating_mul(job.spec.price_per_fuel).max(T::MinReplicaPayment::get())
	}

	/// Pays `worker` for `fuel` of the job from its escrow ([`Self::payment_for`]),
	/// burning the protocol fee. Returns the burned amount (zero if nothing could be
	/// paid).
	pub(crate) fn pay_worker(
		job_id: JobId,
		job: &mut JobOf<T>,
		worker: &T::AccountId,
		fuel: Fuel,
	) -> BalanceOf<T> {
		let amount = Self::payment_for(job, fuel).min(job.escrow);
		let burned = T::BurnShare::get() * amount;
		let to_worker = amount.saturating_sub(burned);
		let reason = HoldReason::Escrow.into();
		let paid = T::Currency::transfer_on_hold(
			&reason,
			&job.requester,
			worker,
			to_worker,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Force,
		);
		if paid.is_err() {
			// Cannot happen while the escrow invariant holds; the funds then stay escrowed
			// and are refunded at the end of the job.
			log::error!(target: "runtime::jobs", "job {job_id}: paying {worker:?} failed: {paid:?}");
			return Zero::zero();
		}
		let burned = T::Currency::burn_held(
			&reason,
			&job.requester,
			burned,
			Precision::BestEffort,
			Fortitude::Force,
		)
		.unwrap_or_else(|_| Zero::zero());
		job.escrow = job.escrow.saturating_sub(to_worker.saturating_add(burned));
		Self::deposit_event(Event::WorkerPaid {
			job: job_id,
			worker: worker.clone(),
			amount,
			burned,
		});
		burned
	}

	/// Burns `amount` of the job's escrow (best effort) and takes it off the escrow.
	/// Returns what was burned.
	fn burn_escrow(job: &mut JobOf<T>, amount: BalanceOf<T>) -> BalanceOf<T> {
		let burned = T::Currency::burn_held(
			&HoldReason::Escrow.into(),
			&job.requester,
			amount,
			Precision::BestEffort,
			Fortitude::Force,
		)
		.unwrap_or_else(|_| Zero::zero());
		job.escrow = job.escrow.saturating_sub(burned);
		burned
	}

	/// Burns the abstention fee of a job that failed because its replicas abstained:
	/// `AbstentionFee` of one replica's maximum payment per abstention, at most the
	/// escrow. Nobody receives it, so an abstention is worth nothing to anyone; the
	/// requester pays for the worker time its job took without a result.
	pub(crate) fn charge_abstentions(job_id: JobId, job: &mut JobOf<T>) {
		let fuel: BalanceOf<T> = job.spec.fuel_budget().saturated_into();
		let per_abstention = T::AbstentionFee::get() * fuel.saturating_mul(job.spec.price_per_fuel);
		let fee = per_abstention.saturating_mul(u32::from(job.abstentions).into()).min(job.escrow);
		if fee.is_zero() {
			return;
		}
		let burned = Self::burn_escrow(job, fee);
		Self::deposit_event(Event::AbstentionsCharged {
			job: job_id,
			abstentions: job.abstentions.into(),
			burned,
		});
	}

	/// Turns part of the escrow into the deposit of the stored output, then refunds the
	/// rest of the escrow to the requester. Without a verified output the whole escrow is
	/// refunded.
	pub(crate) fn close_escrow(job_id: JobId, job: &mut JobOf<T>, output: Option<H256>) {
		let escrow_reason = HoldReason::Escrow.into();
		let released =
			T::Currency::release(&escrow_reason, &job.requester, job.escrow, Precision::BestEffort)
				.unwrap_or_else(|_| Zero::zero());
		job.escrow = Zero::zero();
		let mut refunded = released;
		if let Some(hash) = output {
			let len = Outputs::<T>::decode_len(job_id, hash).unwrap_or(0) as u32;
			let deposit = Self::result_deposit(len);
			let held =
				T::Currency::hold(&HoldReason::ResultDeposit.into(), &job.requester, deposit);
			if held.is_ok() {
				job.result_deposit = deposit;
				refunded = refunded.saturating_sub(deposit);
			} else {
				// The deposit was part of the escrow just released, so this cannot fail;
				// if it did, the output is not kept rather than kept for free.
				Outputs::<T>::remove(job_id, hash);
			}
		}
		if !refunded.is_zero() {
			Self::deposit_event(Event::EscrowRefunded {
				job: job_id,
				requester: job.requester.clone(),
				amount: refunded,
			});
		}
	}

	/// Releases the stored result's deposit.
	pub(crate) fn release_result_deposit(job: &mut JobOf<T>) {
		if !job.result_deposit.is_zero() {
			let _ = T::Currency::release(
				&HoldReason::ResultDeposit.into(),
				&job.requester,
				job.result_deposit,
				Precision::BestEffort,
			);
			job.result_deposit = Zero::zero();
		}
	}
}
