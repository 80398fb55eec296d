//! Prometheus metrics of a worker, served on a local port (`--prometheus-port`).

use std::net::SocketAddr;

use povc_primitives::ExecutionStatus;

use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, F64, U64,
};

/// What an operator watches.
#[derive(Clone)]
pub struct Metrics {
	/// Executions finished, by status (`exited`, `trapped`, `out_of_fuel`, `output_too_large`).
	pub jobs_run: CounterVec<U64>,
	/// Fuel consumed by finished executions.
	pub fuel_used: Counter<U64>,
	/// Executions running now.
	pub running: Gauge<U64>,
	/// Commitments and reveals included on chain.
	pub extrinsics: CounterVec<U64>,
	/// Failures, by kind (`fetch`, `compile`, `submit`, `rejected`, `slashed`).
	pub failures: CounterVec<U64>,
	/// Payments received for verified work, in POVC.
	pub earnings: Counter<F64>,
	/// Bond lost to slashes, in POVC.
	pub slashed: Counter<F64>,
}

impl Metrics {
	/// Metrics registered in `registry`.
	pub fn new(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			jobs_run: register(
				CounterVec::new(
					Opts::new("povc_worker_jobs_run_total", "Executions finished, by status"),
					&["status"],
				)?,
				registry,
			)?,
			fuel_used: register(
				Counter::new("povc_worker_fuel_used_total", "Fuel consumed by executions")?,
				registry,
			)?,
			running: register(
				Gauge::new("povc_worker_running_jobs", "Executions running now")?,
				registry,
			)?,
			extrinsics: register(
				CounterVec::new(
					Opts::new("povc_worker_extrinsics_total", "Commits and reveals included"),
					&["call"],
				)?,
				registry,
			)?,
			failures: register(
				CounterVec::new(
					Opts::new("povc_worker_failures_total", "Failures, by kind"),
					&["kind"],
				)?,
				registry,
			)?,
			earnings: register(
				Counter::new("povc_worker_earnings_povc_total", "Payments received, in POVC")?,
				registry,
			)?,
			slashed: register(
				Counter::new("povc_worker_slashed_povc_total", "Bond lost to slashes, in POVC")?,
				registry,
			)?,
		})
	}

	/// Metrics that nobody reads (`exec`, tests).
	pub fn unregistered() -> Self {
		Self::new(&Registry::new()).expect("fresh registry has no name clashes")
	}

	/// Serve `registry` at `http://{address}/metrics` until the process ends.
	pub fn serve(registry: Registry, address: SocketAddr) {
		tokio::spawn(async move {
			if let Err(error) =
				substrate_prometheus_endpoint::init_prometheus(address, registry).await
			{
				tracing::error!(%error, %address, "the Prometheus endpoint stopped");
			}
		});
	}
}

/// `planck` in POVC, for metrics.
pub fn povc(planck: u128) -> f64 {
	planck as f64 / povc_client::amount::ONE as f64
}

/// The metrics label of a status.
pub fn status_label(status: &ExecutionStatus) -> &'static str {
	match status {
		ExecutionStatus::Exited(_) => "exited",
		ExecutionStatus::Trapped => "trapped",
		ExecutionStatus::OutOfFuel => "out_of_fuel",
		ExecutionStatus::OutputTooLarge => "output_too_large",
	}
}
