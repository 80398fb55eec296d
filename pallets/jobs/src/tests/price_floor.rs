//! The price floor: a paid job offers each replica at least `MinReplicaPayment`, and a
//! run that used less fuel is paid the floor. Attack answered: workers' successful calls
//! are free, so without a floor a requester had three workers' commits, reveals and
//! publication carried, and their time taken, for a few planck.

use crate::{mock::*, Error, Event, Role};
use frame_support::{assert_noop, assert_ok};

/// What [`spec`] offers a replica: 1,000 fuel at 2 planck.
const OFFERED: Balance = FUEL_LIMIT as Balance * PRICE;

#[test]
fn a_paid_job_below_the_floor_is_refused_and_holds_nothing() {
	build_and_execute(|| {
		let program = upload_program(1);
		MinReplicaPayment::set(OFFERED + 1);
		// `assert_noop`: no storage changed, so nothing was held.
		assert_noop!(
			Jobs::submit_job(RuntimeOrigin::signed(2), spec(program, 3)),
			Error::<Test>::PriceBelowFloor
		);
		// The estimate `povc job submit` shows before signing refuses it too.
		assert_eq!(
			Jobs::estimate_cost(&spec(program, 3)),
			Err(Error::<Test>::PriceBelowFloor.into())
		);
		MinReplicaPayment::set(OFFERED);
		assert_ok!(Jobs::submit_job(RuntimeOrigin::signed(2), spec(program, 3)));
	});
}

#[test]
fn volunteer_work_is_exempt_from_the_floor() {
	build_and_execute(|| {
		approve_project(3, 1, 1_000_000);
		let program = upload_program(1);
		MinReplicaPayment::set(OFFERED + 1);
		let mut volunteer = spec(program, 3);
		volunteer.price_per_fuel = 0;
		assert_ok!(Jobs::submit_job(RuntimeOrigin::signed(3), volunteer));
	});
}

/// Replicas whose runs used 10 fuel (20 planck at the job's price) are each paid the
/// mock's floor of 100; the burn is taken from that, as from any payment.
#[test]
fn a_run_that_used_less_fuel_than_the_floor_pays_for_is_paid_the_floor() {
	build_and_execute(|| {
		let job = job_of_three();
		let replicas = assigned(job, Role::Replica);
		let before: Vec<Balance> = replicas.iter().map(|who| free(*who)).collect();
		for who in &replicas {
			commit(*who, job, b"42", 10);
		}
		for who in &replicas {
			reveal(*who, job, b"42", 10);
		}
		let floor = MinReplicaPayment::get();
		let burned = BurnShare::get() * floor;
		let paid: Vec<_> = jobs_events()
			.into_iter()
			.filter_map(|event| match event {
				Event::WorkerPaid { worker, amount, burned, .. } => Some((worker, amount, burned)),
				_ => None,
			})
			.collect();
		assert_eq!(paid.len(), 3);
		for (worker, amount, burn) in paid {
			assert_eq!((amount, burn), (floor, burned), "worker {worker}");
		}
		for (who, before) in replicas.iter().zip(before) {
			assert_eq!(free(*who), before + floor - burned, "worker {who}");
		}
	});
}
