//! Serde for token amounts (u128) in JSON as decimal strings: JavaScript numbers lose
//! precision above 2^53 planck (about 9,007 POVC), so wallets and @polkadot/api read
//! amounts as strings. Numbers are accepted on the way in.
//!
//! Use `#[serde(with = "povc_primitives::amount_string")]` on an amount field and
//! `#[serde(with = "povc_primitives::amount_string::first_of_pairs")]` on a list of
//! `(amount, x)` pairs.

use core::{fmt::Display, marker::PhantomData, str::FromStr};

use serde::{de, Deserializer, Serialize, Serializer};

/// What an amount field needs: to print and parse as a decimal number.
pub trait Amount: Display + FromStr {}

impl<T: Display + FromStr> Amount for T {}

/// `value` as a decimal string.
pub fn serialize<S: Serializer, T: Display>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
	serializer.collect_str(value)
}

/// An amount from a decimal string or a JSON number.
pub fn deserialize<'de, D: Deserializer<'de>, T: FromStr>(deserializer: D) -> Result<T, D::Error> {
	deserializer.deserialize_any(AmountVisitor(PhantomData))
}

struct AmountVisitor<T>(PhantomData<T>);

impl<T: FromStr> de::Visitor<'_> for AmountVisitor<T> {
	type Value = T;

	fn expecting(&self, formatter: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		formatter.write_str("an amount as a decimal string or a non-negative integer")
	}

	fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
		text.parse().map_err(|_| E::custom(alloc::format!("{text:?} is not an amount")))
	}

	fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
		self.visit_str(&alloc::format!("{value}"))
	}

	fn visit_u128<E: de::Error>(self, value: u128) -> Result<T, E> {
		self.visit_str(&alloc::format!("{value}"))
	}
}

/// `(amount, x)` pairs with the amount as a decimal string.
pub mod first_of_pairs {
	use alloc::{string::String, vec::Vec};

	use serde::Deserialize;

	use super::*;

	/// The pairs, each amount as a decimal string.
	pub fn serialize<S, T, X>(pairs: &[(T, X)], serializer: S) -> Result<S::Ok, S::Error>
	where
		S: Serializer,
		T: Display,
		X: Serialize,
	{
		use serde::ser::SerializeSeq;
		let mut seq = serializer.serialize_seq(Some(pairs.len()))?;
		for (amount, x) in pairs {
			seq.serialize_element(&(alloc::format!("{amount}"), x))?;
		}
		seq.end()
	}

	/// The pairs, each amount from a decimal string.
	pub fn deserialize<'de, D, T, X>(deserializer: D) -> Result<Vec<(T, X)>, D::Error>
	where
		D: Deserializer<'de>,
		T: FromStr,
		X: Deserialize<'de>,
	{
		let pairs = Vec::<(String, X)>::deserialize(deserializer)?;
		pairs
			.into_iter()
			.map(|(amount, x)| {
				let amount = amount.parse().map_err(|_| {
					de::Error::custom(alloc::format!("{amount:?} is not an amount"))
				})?;
				Ok((amount, x))
			})
			.collect()
	}
}
