//! Unit tests of the job market against the real pallet-balances and pallet-workers.
//! Every test runs through `mock::build_and_execute`, which checks all invariants and
//! the conservation of the total issuance afterwards.

mod abstention;
mod audits;
mod batches;
mod commit_reveal;
mod congestion;
mod disputes;
mod fees;
mod narrowing;
mod price_floor;
mod programs;
mod property;
mod queue;
mod scoring;
mod settlement;
mod submission;
mod timeouts;
mod volunteers;
