//! Unit tests, by theme. Every test ends with the pallet's `try_state` invariants.

mod authorities;
mod candidates;
mod offences;
mod projects;
mod referees;
mod rewards;
mod scores;
