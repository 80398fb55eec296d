//! # pallet-povc: proof of valuable computing
//!
//! Verified compute decides who produces blocks. The job market (`pallet-jobs`) reports
//! every verified, fee-burning replica result through [`VerifiedComputeSink`] with the
//! value burned on its payment; this pallet turns that value into compute scores and, at
//! every epoch change, into the weights of the next BABE authority set.
//!
//! - **Scores** ([`score`]): per validator, an exponentially decaying sum of verified
//!   value: one unit per planck burned, so that score costs the same whoever buys it
//!   (claimed fuel would be free to inflate for a requester that runs every replica of
//!   its own job). A worker's compute counts for the validator it contributes to
//!   (`pallet-workers::contribute_to`), or for itself. Decay is applied lazily, once per
//!   epoch ([`Config::ScoreKeptPerEpoch`]).
//! - **Candidates** ([`candidates`]): accounts with session keys that called [`Pallet::validate`], holding
//!   [`Config::CandidacyDeposit`] until [`Config::DepositHeldSessions`] sessions after they
//!   leave with [`Pallet::chill`] (so that a validator cannot take its deposit out of reach
//!   of a report for what it did while it still authored). The list is bounded, but a full
//!   list never locks anyone out: a newcomer that scores higher than the lowest-scored
//!   candidate outside the authority sets takes its place.
//! - **Authority sets** ([`session`]): as pallet-session's `SessionManager`, the pallet
//!   picks the best-scored candidates ([`weighting`]: none below [`Config::MinScoreShare`]
//!   of the candidates' total score, at most [`Config::MaxAuthorities`], at least
//!   [`Config::MinAuthorities`] or the set stays, no one above
//!   [`Config::MaxAuthorityShare`], never a weight of 0). As the handler of the `babe`
//!   session key it announces them to BABE *with* their weights, which BABE's primary
//!   slot threshold uses; [`finality::FinalityWeights`], the handler of the `grandpa` key,
//!   gives GRANDPA the same weights, so finality votes follow score as blocks do.
//! - **Equivocations** ([`offences`]): as pallet-offences' `OnOffenceHandler`, the pallet
//!   punishes a validator that authored two blocks for one slot or voted twice in a
//!   GRANDPA round: it burns at least [`Config::EquivocationSlash`] of its candidacy
//!   deposit, zeroes its score, ends its candidacy and has pallet-session disable it for
//!   the rest of the session.
//! - **Volunteer projects** ([`projects`]): research projects that governance approved
//!   submit unpaid jobs; their volunteers' verified fuel earns score at the project's rate,
//!   within its budget per epoch.
//! - **Block reward**: [`Config::BlockReward`] minted to every block's author.
//! - **Referees** ([`referees`]): disputed jobs are re-run by workers that a current
//!   validator accepted ([`Pallet::accept_referee`]) among those that contribute to it,
//!   each validator's referees seated as if they weighed at most its share of authority
//!   weight times what the median validator fields per share.
//!   Consent runs both ways: the validator revokes ([`Pallet::revoke_referee`]), the worker
//!   leaves (the same call, or by contributing elsewhere).
//! - **Slot timing**: genesis may set the slot and epoch length (fast test networks);
//!   they never change afterwards.
//!
//! This file declares the pallet (FRAME's macro wants its config, storage, events, errors
//! and calls in one module); calls hand off to the modules above.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod candidates;
pub mod finality;
mod invariants;
pub mod offences;
pub mod projects;
pub mod referees;
pub mod runtime_api;
pub mod score;
pub mod session;
pub mod weighting;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use candidates::Candidacy;
pub use pallet::*;
pub use projects::{Project, ProjectView};
pub use score::Score;
pub use weights::WeightInfo;

use frame_support::traits::fungible;

/// The slot and epoch length of a chain, fixed at genesis.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlotTiming {
	/// Length of a BABE slot in milliseconds (even: timestamps may advance by half of it).
	pub slot_duration_ms: u64,
	/// Length of an epoch (= a session) in slots.
	pub epoch_duration_slots: u64,
}

impl SlotTiming {
	/// Shortest slot genesis may ask for.
	pub const MIN_SLOT_DURATION_MS: u64 = 200;
	/// Shortest epoch genesis may ask for.
	pub const MIN_EPOCH_DURATION_SLOTS: u64 = 4;

	/// Why this timing cannot run a chain, if it cannot.
	pub fn check(&self) -> Result<(), &'static str> {
		if self.slot_duration_ms < Self::MIN_SLOT_DURATION_MS {
			return Err("slot duration below 200 ms");
		}
		if self.slot_duration_ms % 2 != 0 {
			return Err("slot duration must be even (timestamps advance by at least half a slot)");
		}
		if self.epoch_duration_slots < Self::MIN_EPOCH_DURATION_SLOTS {
			return Err("epoch shorter than 4 slots");
		}
		Ok(())
	}
}

// The FRAME macros expand to fully qualified paths the workspace lint would flag.
#[allow(unused_qualifications)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use crate::projects::{ProjectNameOf, ProjectUrlOf};
	use alloc::vec::Vec;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use povc_primitives::WorkerDirectory;
	use sp_runtime::{traits::Saturating, Perbill};

	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	/// An authority set: validators with their BABE weights. Weakly bounded like BABE's
	/// own sets, so that lowering the bound in an upgrade never cuts a set in use.
	pub type WeightedSetOf<T> = WeakBoundedVec<
		(<T as frame_system::Config>::AccountId, sp_consensus_babe::BabeAuthorityWeight),
		<T as Config>::MaxAuthorities,
	>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a validator candidate.
		Candidacy,
	}

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ pallet_babe::Config
		+ pallet_session::Config<ValidatorId = <Self as frame_system::Config>::AccountId>
	{
		/// The currency the block reward is minted in and candidacy deposits are held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Held from every validator candidate until it chills or is displaced, so that
		/// filling the candidate list with identities costs something.
		#[pallet::constant]
		type CandidacyDeposit: Get<BalanceOf<Self>>;

		/// Minted to the author of every block.
		#[pallet::constant]
		type BlockReward: Get<BalanceOf<Self>>;

		/// The share of a score that survives one epoch; the rest decays. The half-life
		/// in epochs is `ln 2 / -ln(kept)`.
		#[pallet::constant]
		type ScoreKeptPerEpoch: Get<Perbill>;

		/// Scores below this never make a validator an authority.
		#[pallet::constant]
		type MinScore: Get<u128>;

		/// A candidate whose score is below this share of all candidates' total score is
		/// not elected: identities without real compute behind them get no seat (and no
		/// vote in finality), and the set stays small enough to vote quickly.
		#[pallet::constant]
		type MinScoreShare: Get<Perbill>;

		/// Sessions a chilled candidate's deposit stays held, counted from the session it
		/// chilled in. It authors in that session and the next (already announced), so
		/// this must exceed 2 for an equivocation in its last session to be reported
		/// before the deposit is free.
		#[pallet::constant]
		type DepositHeldSessions: Get<u32>;

		/// The least share of its candidacy deposit an equivocating validator loses (it
		/// loses more when the offence's own fraction, which grows with the number of
		/// offenders in the same slot or round, is larger). The slash is burned.
		#[pallet::constant]
		type EquivocationSlash: Get<Perbill>;

		/// Most validator candidates at once (bounds the work of picking a set, and of
		/// finding the lowest-scored candidate a newcomer displaces).
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// Most authorities in a set (must not exceed BABE's and GRANDPA's limit).
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// Fewer qualifying candidates than this keep the current set.
		#[pallet::constant]
		type MinAuthorities: Get<u32>;

		/// Largest share of the total weight one authority may hold.
		#[pallet::constant]
		type MaxAuthorityShare: Get<Perbill>;

		/// Whom registered workers contribute to, and which of them referee for whom.
		type Workers: WorkerDirectory<Self::AccountId>;

		/// Who approves, updates and removes volunteer research projects (Root, or a
		/// council or OpenGov track once the chain has one).
		type ProjectOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Most approved projects at once (bounds `povc_projects` and the registry).
		#[pallet::constant]
		type MaxProjects: Get<u32>;

		/// Longest project name, in bytes.
		#[pallet::constant]
		type MaxProjectNameLen: Get<u32>;

		/// Longest project URL, in bytes.
		#[pallet::constant]
		type MaxProjectUrlLen: Get<u32>;

		/// Weights of this pallet's calls and of the per-block reward.
		type WeightInfo: WeightInfo;

		/// Sets up what a benchmark needs (session keys for a candidate).
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// Compute scores, by validator (the beneficiary of verified compute).
	#[pallet::storage]
	pub type Scores<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Score, ValueQuery>;

	/// The epoch scores decay by: the current session index.
	#[pallet::storage]
	pub type CurrentEpoch<T> = StorageValue<_, u32, ValueQuery>;

	/// Accounts that want to validate, and those that left whose deposit is still held.
	#[pallet::storage]
	pub type Candidates<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, Candidacy<BalanceOf<T>>, OptionQuery>;

	/// The largest share of its candidacy deposit each offender lost for equivocations in a
	/// session, by session (kept for [`Config::DepositHeldSessions`] sessions).
	#[pallet::storage]
	pub type SlashedShares<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u32, Blake2_128Concat, T::AccountId, Perbill, ValueQuery>;

	/// Approved volunteer research projects, by the account that submits their jobs.
	#[pallet::storage]
	pub type Projects<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, Project<T>, OptionQuery>;

	/// The authorities of the current epoch with the weights BABE uses for them.
	#[pallet::storage]
	pub type Authorities<T: Config> = StorageValue<_, WeightedSetOf<T>, ValueQuery>;

	/// The authorities announced for the next epoch, with their weights.
	#[pallet::storage]
	pub type NextAuthorities<T: Config> = StorageValue<_, WeightedSetOf<T>, ValueQuery>;

	/// The set picked by the session manager for BABE's session handler, within one
	/// session rotation (never present between blocks).
	#[pallet::storage]
	pub type PlannedAuthorities<T: Config> = StorageValue<_, WeightedSetOf<T>, OptionQuery>;

	/// The referee weight per whole share of authority weight that the median current
	/// authority fields (see [`referees`]): a validator's referees are seated as if they
	/// weighed at most its share of this. Fixed at every session change.
	#[pallet::storage]
	pub type RefereeWeightPerShare<T> = StorageValue<_, u128, ValueQuery>;

	/// Block rewards minted so far.
	#[pallet::storage]
	pub type TotalRewards<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Slot and epoch length chosen at genesis; `None`: the runtime's defaults.
	#[pallet::storage]
	pub type Timing<T> = StorageValue<_, SlotTiming, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Initial candidates and their scores, so a testnet starts with a chosen
		/// weighting. Each needs session keys (pallet-session's genesis `keys`) and the
		/// candidacy deposit, which is held from it.
		pub candidates: Vec<(T::AccountId, u128)>,
		/// Slot and epoch length, if not the runtime's defaults.
		pub timing: Option<SlotTiming>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(
				self.candidates.len() as u32 <= T::MaxCandidates::get(),
				"more genesis candidates than MaxCandidates"
			);
			for (who, score) in &self.candidates {
				assert!(!Candidates::<T>::contains_key(who), "duplicate genesis candidate");
				let deposit = T::CandidacyDeposit::get();
				assert!(
					Pallet::<T>::hold_deposit(who, deposit).is_ok(),
					"a genesis candidate cannot pay the candidacy deposit"
				);
				Candidates::<T>::insert(who, Candidacy { deposit, released_at: None });
				Scores::<T>::insert(who, Score { value: *score, epoch: 0 });
			}
			if let Some(timing) = self.timing {
				if let Err(why) = timing.check() {
					panic!("invalid genesis slot timing: {why}");
				}
				Timing::<T>::put(timing);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` wants to validate; `deposit` is held from it.
		CandidateAdded { who: T::AccountId, deposit: BalanceOf<T> },
		/// `who` no longer wants to validate; its deposit is released when session
		/// `released_at` starts.
		CandidateRemoved { who: T::AccountId, released_at: u32 },
		/// A former candidate's deposit was released.
		DepositReleased { who: T::AccountId, amount: BalanceOf<T> },
		/// The candidate list was full: `who`, the lowest-scored candidate outside the
		/// authority sets, made room for `by`, which scores higher. `who`'s deposit is
		/// released.
		CandidateDisplaced { who: T::AccountId, by: T::AccountId },
		/// `offender` equivocated in session `session`: `slashed` of its candidacy deposit
		/// was burned, its score zeroed, its candidacy ended, and it is disabled for the
		/// rest of the current session.
		Punished { offender: T::AccountId, slashed: BalanceOf<T>, session: u32 },
		/// Verified compute raised `validator`'s score by `value`: the value burned on its
		/// payment.
		ScoreCredited { validator: T::AccountId, value: u128 },
		/// The set for session `session` was picked by score, with these weights.
		AuthoritiesPlanned { session: u32, authorities: Vec<(T::AccountId, u64)> },
		/// Fewer than `MinAuthorities` candidates qualified for session `session`: the
		/// current set stays.
		AuthoritiesKept { session: u32, qualified: u32 },
		/// The block reward was minted to the author.
		Rewarded { author: T::AccountId, amount: BalanceOf<T> },
		/// Governance approved a volunteer project: `project` may submit jobs at price 0.
		ProjectApproved { project: T::AccountId, score_budget: u128, score_per_fuel: u128 },
		/// Governance changed a project's name, URL, budget or rate.
		ProjectUpdated { project: T::AccountId, score_budget: u128, score_per_fuel: u128 },
		/// Governance removed a project: its price-0 jobs are refused from now on, and those
		/// still running earn no score.
		ProjectRemoved { project: T::AccountId },
		/// The project's budget for this epoch is spent: `uncredited` score of verified
		/// volunteer work did not count.
		ProjectBudgetExhausted { project: T::AccountId, uncredited: u128 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller is already a candidate.
		AlreadyCandidate,
		/// The caller is not a candidate.
		NotCandidate,
		/// [`Config::MaxCandidates`] candidates exist already and none outside the
		/// authority sets scores lower than the caller: earn a higher score first.
		CandidateListFull,
		/// The caller cannot pay the candidacy deposit ([`Config::CandidacyDeposit`]) from
		/// its free balance.
		InsufficientDeposit,
		/// The caller has no session keys: set them with `session.set_keys` first.
		NoSessionKeys,
		/// Only a current validator accepts referees.
		NotAuthority,
		/// Only the worker, the validator it referees for, or anyone once that validator
		/// is no longer a current one, can end its refereeing.
		NotYourReferee,
		/// The worker is no validator's referee.
		NotReferee,
		/// The account is an approved project already: update it instead.
		ProjectExists,
		/// No approved project has this account.
		UnknownProject,
		/// [`Config::MaxProjects`] projects are approved already.
		TooManyProjects,
		/// A project needs a name.
		EmptyProjectName,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// The block reward is minted when pallet-authorship learns the author (in its own
		/// `on_initialize`); its weight is accounted here, once per block.
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			<T as Config>::WeightInfo::reward_author()
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Become a validator candidate, holding [`Config::CandidacyDeposit`] (a former
		/// candidate whose deposit is still held tops it up). From the next epoch change
		/// on, the candidate joins the authority set if its score is among the best and at
		/// least [`Config::MinScoreShare`] of the candidates' total.
		///
		/// Needs session keys (`session.set_keys`). When [`Config::MaxCandidates`]
		/// candidates exist, the caller takes the place of the lowest-scored one outside
		/// the authority sets if it scores higher ([`Event::CandidateDisplaced`]), so that
		/// accounts squatting the list cannot lock out validators that compute. Emits
		/// [`Event::CandidateAdded`].
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::validate())]
		pub fn validate(origin: OriginFor<T>) -> DispatchResult {
			Self::do_validate(ensure_signed(origin)?)
		}

		/// Stop being a candidate. The caller leaves the authority set at the next epoch
		/// change but one (the next set is already announced); its score stays. Its
		/// deposit stays held for [`Config::DepositHeldSessions`] sessions, within reach of
		/// an equivocation report, and is then released ([`Event::DepositReleased`]);
		/// `validate` before then makes it a candidate again.
		///
		/// Emits [`Event::CandidateRemoved`].
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::chill())]
		pub fn chill(origin: OriginFor<T>) -> DispatchResult {
			Self::do_chill(ensure_signed(origin)?)
		}

		/// A current validator accepts `worker`, which contributes its compute to it
		/// (`workers.contribute_to`), as one of its referees: the worker may sit on referee
		/// committees while the caller is a current validator. Nobody joins the referee
		/// pool uninvited, and a validator's referees are seated in about its share of the
		/// draws whatever bond they field ([`referees`]).
		///
		/// Emits `workers.RefereeAccepted`.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::accept_referee())]
		pub fn accept_referee(origin: OriginFor<T>, worker: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Self::is_authority(&who), Error::<T>::NotAuthority);
			T::Workers::accept_referee(&who, &worker)
		}

		/// Ends `worker`'s refereeing. The validator it referees for or the worker itself
		/// may call it; anyone may once that validator is no longer a current one, so that
		/// stale referees do not linger in the referee tree.
		///
		/// Emits `workers.RefereeRemoved`.
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::revoke_referee())]
		pub fn revoke_referee(origin: OriginFor<T>, worker: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let validator = T::Workers::referee_for(&worker).ok_or(Error::<T>::NotReferee)?;
			ensure!(
				who == validator || who == worker || !Self::is_authority(&validator),
				Error::<T>::NotYourReferee
			);
			T::Workers::remove_referee(&worker).map(|_| ())
		}

		/// Approves `project` as a volunteer research project ([`Config::ProjectOrigin`]):
		/// it may submit jobs at price 0, and each verified replica of them earns
		/// `score_per_fuel` score per unit of fuel, until `score_budget` is spent in an
		/// epoch.
		///
		/// Emits [`Event::ProjectApproved`].
		#[pallet::call_index(4)]
		#[pallet::weight(<T as Config>::WeightInfo::approve_project())]
		pub fn approve_project(
			origin: OriginFor<T>,
			project: T::AccountId,
			name: ProjectNameOf<T>,
			url: ProjectUrlOf<T>,
			#[pallet::compact] score_budget: u128,
			#[pallet::compact] score_per_fuel: u128,
		) -> DispatchResult {
			T::ProjectOrigin::ensure_origin(origin)?;
			Self::do_approve_project(project, name, url, score_budget, score_per_fuel)
		}

		/// Changes an approved project's name, URL, budget and rate
		/// ([`Config::ProjectOrigin`]). What it used this epoch stays used (at most the new
		/// budget).
		///
		/// Emits [`Event::ProjectUpdated`].
		#[pallet::call_index(5)]
		#[pallet::weight(<T as Config>::WeightInfo::update_project())]
		pub fn update_project(
			origin: OriginFor<T>,
			project: T::AccountId,
			name: ProjectNameOf<T>,
			url: ProjectUrlOf<T>,
			#[pallet::compact] score_budget: u128,
			#[pallet::compact] score_per_fuel: u128,
		) -> DispatchResult {
			T::ProjectOrigin::ensure_origin(origin)?;
			Self::do_update_project(project, name, url, score_budget, score_per_fuel)
		}

		/// Removes an approved project ([`Config::ProjectOrigin`]): it can no longer submit
		/// price-0 jobs, and its jobs still running earn no score.
		///
		/// Emits [`Event::ProjectRemoved`].
		#[pallet::call_index(6)]
		#[pallet::weight(<T as Config>::WeightInfo::remove_project())]
		pub fn remove_project(origin: OriginFor<T>, project: T::AccountId) -> DispatchResult {
			T::ProjectOrigin::ensure_origin(origin)?;
			Self::do_remove_project(project)
		}
	}

	impl<T: Config> Pallet<T> {
		/// Whether `who` is in the current authority set.
		pub fn is_authority(who: &T::AccountId) -> bool {
			Authorities::<T>::get().iter().any(|(validator, _)| validator == who)
		}

		/// `who`'s score now.
		pub fn score_of(who: &T::AccountId) -> u128 {
			Scores::<T>::get(who).at(CurrentEpoch::<T>::get(), T::ScoreKeptPerEpoch::get()).value
		}

		/// Mints the block reward to `author`.
		pub fn reward(author: &T::AccountId) {
			use fungible::Mutate;
			let amount = T::BlockReward::get();
			if <T as Config>::Currency::mint_into(author, amount).is_ok() {
				TotalRewards::<T>::mutate(|total| *total = total.saturating_add(amount));
				Self::deposit_event(Event::Rewarded { author: author.clone(), amount });
			}
		}

		/// The slot duration chosen at genesis, if any.
		pub fn slot_duration_ms() -> Option<u64> {
			Timing::<T>::get().map(|timing| timing.slot_duration_ms)
		}

		/// The epoch duration chosen at genesis, if any.
		pub fn epoch_duration_slots() -> Option<u64> {
			Timing::<T>::get().map(|timing| timing.epoch_duration_slots)
		}
	}
}

impl<T: Config> povc_primitives::VerifiedComputeSink<T::AccountId> for Pallet<T> {
	fn note_verified_compute(_worker: &T::AccountId, beneficiary: &T::AccountId, value: u128) {
		use frame_support::traits::Get;
		if value == 0 {
			return;
		}
		let (epoch, kept) = (CurrentEpoch::<T>::get(), T::ScoreKeptPerEpoch::get());
		Scores::<T>::mutate(beneficiary, |score| *score = score.at(epoch, kept).plus(value));
		Self::deposit_event(Event::ScoreCredited { validator: beneficiary.clone(), value });
	}
}

/// The block author gets the block reward.
impl<T: Config>
	pallet_authorship::EventHandler<T::AccountId, frame_system::pallet_prelude::BlockNumberFor<T>>
	for Pallet<T>
{
	fn note_author(author: T::AccountId) {
		Self::reward(&author);
	}
}
