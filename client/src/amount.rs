//! Amounts as people write them (`100`, `0.5`) and as the chain counts them (planck), in
//! the token the chain declares in `system_properties`.

use crate::types::Balance;

/// The chain's token: its symbol and how many decimals one token has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
	pub symbol: String,
	pub decimals: u32,
}

impl Default for Token {
	/// POVC with 12 decimals, what a povc chain declares.
	fn default() -> Self {
		Self { symbol: "POVC".into(), decimals: 12 }
	}
}

impl Token {
	/// The token a node's `system_properties` declare (`tokenSymbol`, `tokenDecimals`,
	/// each a value or a list whose first entry is the native token).
	pub fn from_properties(properties: &serde_json::Value) -> Result<Self, String> {
		let first = |name: &str| {
			let value = &properties[name];
			value.as_array().and_then(|all| all.first()).unwrap_or(value).clone()
		};
		let symbol = first("tokenSymbol")
			.as_str()
			.ok_or("the chain declares no tokenSymbol in system_properties")?
			.to_string();
		let decimals = first("tokenDecimals")
			.as_u64()
			.filter(|decimals| *decimals <= 30)
			.ok_or("the chain declares no valid tokenDecimals in system_properties")?;
		Ok(Self { symbol, decimals: decimals as u32 })
	}

	/// One token in planck.
	pub fn one(&self) -> Balance {
		10u128.pow(self.decimals)
	}

	/// Parse `text` (tokens, up to `decimals` decimals) into planck.
	pub fn parse(&self, text: &str) -> Result<Balance, String> {
		let symbol = &self.symbol;
		let decimals = self.decimals as usize;
		let invalid = || format!("{text:?} is not an amount of {symbol} (e.g. 100 or 0.25)");
		let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
		let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
		if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
			return Err(invalid());
		}
		if fraction.len() > decimals {
			return Err(format!("{text:?} has more than {decimals} decimals"));
		}
		let whole: Balance = whole.parse().map_err(|_| invalid())?;
		let fraction: Balance = match decimals {
			0 => 0,
			_ => format!("{fraction:0<decimals$}").parse().map_err(|_| invalid())?,
		};
		whole.checked_mul(self.one()).and_then(|w| w.checked_add(fraction)).ok_or_else(invalid)
	}

	/// `planck` in tokens, without trailing zeros: `1.5 POVC`.
	pub fn format(&self, planck: Balance) -> String {
		let (whole, fraction) = (planck / self.one(), planck % self.one());
		if fraction == 0 {
			return format!("{whole} {}", self.symbol);
		}
		let fraction = format!("{fraction:0width$}", width = self.decimals as usize);
		format!("{whole}.{} {}", fraction.trim_end_matches('0'), self.symbol)
	}
}

/// Decimals of the POVC token.
pub const DECIMALS: u32 = 12;
/// One POVC in planck.
pub const ONE: Balance = 10u128.pow(DECIMALS);

/// Parse `text` as POVC (for arguments read before a node tells its token).
pub fn parse_povc(text: &str) -> Result<Balance, String> {
	Token::default().parse(text)
}

/// `planck` as POVC.
pub fn format_povc(planck: Balance) -> String {
	Token::default().format(planck)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn amounts_round_trip() {
		assert_eq!(parse_povc("100"), Ok(100 * ONE));
		assert_eq!(parse_povc("0.25"), Ok(ONE / 4));
		assert_eq!(parse_povc("0.000000000001"), Ok(1));
		assert_eq!(format_povc(ONE * 3 / 2), "1.5 POVC");
		assert_eq!(format_povc(7 * ONE), "7 POVC");
		assert_eq!(format_povc(1), "0.000000000001 POVC");
	}

	#[test]
	fn bad_amounts_are_refused() {
		for bad in ["", "-1", "1.2.3", "abc", "1e5", "0.0000000000001", ".5"] {
			assert!(parse_povc(bad).is_err(), "{bad:?}");
		}
		assert!(parse_povc("999999999999999999999999999999999").is_err());
	}

	#[test]
	fn the_token_comes_from_system_properties() {
		let single =
			serde_json::json!({"tokenSymbol": "DOT", "tokenDecimals": 10, "ss58Format": 0});
		let token = Token::from_properties(&single).unwrap();
		assert_eq!(token, Token { symbol: "DOT".into(), decimals: 10 });
		assert_eq!(token.parse("1.5"), Ok(15_000_000_000));
		assert_eq!(token.format(15_000_000_000), "1.5 DOT");
		let listed = serde_json::json!({"tokenSymbol": ["ABC", "X"], "tokenDecimals": [0, 18]});
		let token = Token::from_properties(&listed).unwrap();
		assert_eq!((token.parse("7"), token.format(7)), (Ok(7), "7 ABC".to_string()));
		assert!(token.parse("0.5").is_err());
		let error = Token::from_properties(&serde_json::json!({})).unwrap_err();
		assert!(error.contains("tokenSymbol"), "{error}");
	}
}
