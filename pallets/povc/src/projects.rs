//! Volunteer research projects: BOINC's "volunteer requesters" on a chain.
//!
//! Governance ([`Config::ProjectOrigin`]) approves a project's account with a name, a URL,
//! a score rate per unit of verified fuel and a score budget per epoch. The project then
//! submits jobs at price 0 (`pallet-jobs` refuses price 0 from anyone else); they are
//! drawn among workers that opted in to volunteer work, verified, disputed and audited
//! like paid jobs, and each verified replica earns `rate × fuel` of score for the
//! validator it contributes to, until the project's budget for the epoch is spent. Score
//! is block-production weight, so the budget bounds what a compromised or careless project
//! can mint, whatever fuel its volunteers claim.

use crate::{Config, CurrentEpoch, Error, Event, Pallet, Projects};
use alloc::{string::String, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	ensure, pallet_prelude::DispatchResult, traits::Get, BoundedVec, CloneNoBound, DebugNoBound,
	EqNoBound, PartialEqNoBound,
};
use povc_primitives::{Fuel, VerifiedComputeSink, VolunteerProjects};
use scale_info::TypeInfo;

/// A project's display name.
pub type ProjectNameOf<T> = BoundedVec<u8, <T as Config>::MaxProjectNameLen>;
/// Where a project describes its research.
pub type ProjectUrlOf<T> = BoundedVec<u8, <T as Config>::MaxProjectUrlLen>;

/// An approved volunteer project.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Project<T: Config> {
	/// Its name, for people.
	pub name: ProjectNameOf<T>,
	/// Where it explains what its jobs compute.
	pub url: ProjectUrlOf<T>,
	/// Most score its volunteers' verified fuel earns in one epoch, all replicas together.
	pub score_budget: u128,
	/// Score one unit of verified fuel earns.
	pub score_per_fuel: u128,
	/// Score credited in `epoch` (never above `score_budget`).
	pub used: u128,
	/// The epoch `used` counts for; an older one means nothing is used yet this epoch.
	pub epoch: u32,
}

impl<T: Config> Project<T> {
	/// A project approved in `epoch`, with nothing used.
	pub fn new(
		name: ProjectNameOf<T>,
		url: ProjectUrlOf<T>,
		score_budget: u128,
		score_per_fuel: u128,
		epoch: u32,
	) -> Self {
		Self { name, url, score_budget, score_per_fuel, used: 0, epoch }
	}

	/// The score used in `epoch`: nothing if the record is from an earlier one.
	pub fn used_in(&self, epoch: u32) -> u128 {
		if self.epoch == epoch {
			self.used
		} else {
			0
		}
	}

	/// What is left of the budget in `epoch`.
	pub fn remaining_in(&self, epoch: u32) -> u128 {
		self.score_budget.saturating_sub(self.used_in(epoch))
	}
}

/// A project as the runtime API shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct ProjectView<AccountId> {
	pub account: AccountId,
	pub name: String,
	pub url: String,
	#[cfg_attr(feature = "std", serde(with = "povc_primitives::amount_string"))]
	pub score_budget: u128,
	#[cfg_attr(feature = "std", serde(with = "povc_primitives::amount_string"))]
	pub score_per_fuel: u128,
	/// Score credited this epoch.
	#[cfg_attr(feature = "std", serde(with = "povc_primitives::amount_string"))]
	pub used: u128,
	/// Score its volunteers can still earn this epoch.
	#[cfg_attr(feature = "std", serde(with = "povc_primitives::amount_string"))]
	pub remaining: u128,
}

impl<T: Config> Pallet<T> {
	/// [`Pallet::approve_project`], the origin checked.
	pub(crate) fn do_approve_project(
		project: T::AccountId,
		name: ProjectNameOf<T>,
		url: ProjectUrlOf<T>,
		score_budget: u128,
		score_per_fuel: u128,
	) -> DispatchResult {
		ensure!(!name.is_empty(), Error::<T>::EmptyProjectName);
		ensure!(!Projects::<T>::contains_key(&project), Error::<T>::ProjectExists);
		ensure!(Projects::<T>::count() < T::MaxProjects::get(), Error::<T>::TooManyProjects);
		let epoch = CurrentEpoch::<T>::get();
		let record = Project::new(name, url, score_budget, score_per_fuel, epoch);
		Projects::<T>::insert(&project, record);
		Self::deposit_event(Event::ProjectApproved { project, score_budget, score_per_fuel });
		Ok(())
	}

	/// [`Pallet::update_project`], the origin checked. What the project used this epoch
	/// stays used, up to the new budget.
	pub(crate) fn do_update_project(
		project: T::AccountId,
		name: ProjectNameOf<T>,
		url: ProjectUrlOf<T>,
		score_budget: u128,
		score_per_fuel: u128,
	) -> DispatchResult {
		ensure!(!name.is_empty(), Error::<T>::EmptyProjectName);
		let mut record = Projects::<T>::get(&project).ok_or(Error::<T>::UnknownProject)?;
		record.name = name;
		record.url = url;
		record.score_budget = score_budget;
		record.score_per_fuel = score_per_fuel;
		record.used = record.used.min(score_budget);
		Projects::<T>::insert(&project, record);
		Self::deposit_event(Event::ProjectUpdated { project, score_budget, score_per_fuel });
		Ok(())
	}

	/// [`Pallet::remove_project`], the origin checked.
	pub(crate) fn do_remove_project(project: T::AccountId) -> DispatchResult {
		ensure!(Projects::<T>::contains_key(&project), Error::<T>::UnknownProject);
		Projects::<T>::remove(&project);
		Self::deposit_event(Event::ProjectRemoved { project });
		Ok(())
	}

	/// Every approved project, with its budget this epoch, by account.
	pub fn projects_view() -> Vec<ProjectView<T::AccountId>> {
		let epoch = CurrentEpoch::<T>::get();
		let mut views: Vec<_> = Projects::<T>::iter()
			.map(|(account, project)| ProjectView {
				account,
				name: String::from_utf8_lossy(&project.name).into(),
				url: String::from_utf8_lossy(&project.url).into(),
				score_budget: project.score_budget,
				score_per_fuel: project.score_per_fuel,
				used: project.used_in(epoch),
				remaining: project.remaining_in(epoch),
			})
			.collect();
		views.sort_by(|a, b| a.account.cmp(&b.account));
		views
	}
}

impl<T: Config> VolunteerProjects<T::AccountId> for Pallet<T> {
	fn is_project(who: &T::AccountId) -> bool {
		Projects::<T>::contains_key(who)
	}

	fn score_for(project: &T::AccountId, fuel: Fuel) -> u128 {
		Projects::<T>::get(project)
			.map_or(0, |project| project.score_per_fuel.saturating_mul(u128::from(fuel)))
	}

	fn credit(
		project: &T::AccountId,
		worker: &T::AccountId,
		beneficiary: &T::AccountId,
		value: u128,
	) -> u128 {
		let epoch = CurrentEpoch::<T>::get();
		let Some(mut record) = Projects::<T>::get(project) else { return 0 };
		let credited = value.min(record.remaining_in(epoch));
		record.used = record.used_in(epoch).saturating_add(credited);
		record.epoch = epoch;
		Projects::<T>::insert(project, record);
		if credited < value {
			Self::deposit_event(Event::ProjectBudgetExhausted {
				project: project.clone(),
				uncredited: value - credited,
			});
		}
		// The same crediting as paid work's (nothing for 0), only bounded by the budget.
		<Self as VerifiedComputeSink<T::AccountId>>::note_verified_compute(
			worker,
			beneficiary,
			credited,
		);
		credited
	}
}
