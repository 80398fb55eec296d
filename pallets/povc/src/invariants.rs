//! `try_state` invariants: what must hold between any two blocks.

use crate::{
	Authorities, Candidates, Config, CurrentEpoch, NextAuthorities, Pallet, PlannedAuthorities,
	Projects, Scores, TotalRewards, WeightedSetOf,
};
use alloc::vec::Vec;
use frame_support::traits::Get;
use frame_support::{
	ensure,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the pallet's state.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		ensure!(
			Candidates::<T>::iter_keys().count() as u32 == Candidates::<T>::count(),
			"candidate counter differs from the candidates"
		);
		ensure!(
			Candidates::<T>::count() <= T::MaxCandidates::get(),
			"more candidates than MaxCandidates"
		);
		// Every candidate's deposit is held, exactly (the pallet holds nothing else), and a
		// former candidate's is released within DepositHeldSessions sessions.
		let reason = crate::HoldReason::Candidacy.into();
		ensure!(
			Candidates::<T>::iter().all(|(who, candidacy)| {
				<T as Config>::Currency::balance_on_hold(&reason, &who) == candidacy.deposit
			}),
			"a candidate's held deposit differs from its recorded deposit"
		);
		let session = pallet_session::Pallet::<T>::current_index();
		let latest_release = session.saturating_add(T::DepositHeldSessions::get());
		ensure!(
			Candidates::<T>::iter_values()
				.filter_map(|candidacy| candidacy.released_at)
				.all(|at| at > session && at <= latest_release),
			"a former candidate's deposit is held past its release"
		);
		ensure!(
			PlannedAuthorities::<T>::get().is_none(),
			"a planned set outlived its session rotation"
		);
		let epoch = CurrentEpoch::<T>::get();
		ensure!(
			Scores::<T>::iter_values().all(|score| score.epoch <= epoch),
			"a score is ahead of the current epoch"
		);
		Self::check_projects(epoch)?;
		Self::check_set(&Authorities::<T>::get(), &pallet_babe::Authorities::<T>::get())?;
		Self::check_set(&NextAuthorities::<T>::get(), &pallet_babe::NextAuthorities::<T>::get())?;
		// Conservation: the rewards are new money, so they can never exceed all money.
		ensure!(
			TotalRewards::<T>::get() <= <T as Config>::Currency::total_issuance(),
			"more rewards minted than the total issuance"
		);
		Ok(())
	}

	/// The project registry is counted and bounded, and no project ever credited more
	/// than its budget in an epoch.
	fn check_projects(epoch: u32) -> Result<(), TryRuntimeError> {
		ensure!(
			Projects::<T>::iter_keys().count() as u32 == Projects::<T>::count(),
			"project counter differs from the projects"
		);
		ensure!(Projects::<T>::count() <= T::MaxProjects::get(), "more projects than MaxProjects");
		for (_, project) in Projects::<T>::iter() {
			ensure!(!project.name.is_empty(), "a project without a name");
			ensure!(project.used <= project.score_budget, "a project credited beyond its budget");
			ensure!(project.epoch <= epoch, "a project's budget is ahead of the current epoch");
		}
		Ok(())
	}

	/// A set has distinct validators, no zero weight, and the weights BABE holds for it.
	fn check_set(
		set: &WeightedSetOf<T>,
		babe: &[(sp_consensus_babe::AuthorityId, sp_consensus_babe::BabeAuthorityWeight)],
	) -> Result<(), TryRuntimeError> {
		ensure!(set.iter().all(|(_, weight)| *weight > 0), "an authority has weight 0");
		let mut accounts: Vec<_> = set.iter().map(|(who, _)| who).collect();
		accounts.sort();
		accounts.dedup();
		ensure!(accounts.len() == set.len(), "an authority appears twice");
		let ours: Vec<_> = set.iter().map(|(_, weight)| *weight).collect();
		let babes: Vec<_> = babe.iter().map(|(_, weight)| *weight).collect();
		ensure!(ours == babes, "BABE's authority weights differ from the announced ones");
		Ok(())
	}
}
