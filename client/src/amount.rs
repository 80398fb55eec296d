//! POVC amounts as people write them (`100`, `0.5`) and as the chain counts them (planck,
//! 10^-12 POVC).

use povc_runtime::Balance;

/// Decimals of the POVC token.
pub const DECIMALS: u32 = 12;
/// One POVC in planck.
pub const ONE: Balance = 10u128.pow(DECIMALS);

/// Parse `text` (POVC, up to 12 decimals) into planck.
pub fn parse_povc(text: &str) -> Result<Balance, String> {
	let invalid = || format!("{text:?} is not an amount of POVC (e.g. 100 or 0.25)");
	let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
	let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
	if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
		return Err(invalid());
	}
	if fraction.len() > DECIMALS as usize {
		return Err(format!("{text:?} has more than {DECIMALS} decimals"));
	}
	let whole: Balance = whole.parse().map_err(|_| invalid())?;
	let padded = format!("{fraction:0<width$}", width = DECIMALS as usize);
	let fraction: Balance = padded.parse().map_err(|_| invalid())?;
	whole.checked_mul(ONE).and_then(|w| w.checked_add(fraction)).ok_or_else(invalid)
}

/// `planck` as POVC, without trailing zeros: `1.5 POVC`.
pub fn format_povc(planck: Balance) -> String {
	let whole = planck / ONE;
	let fraction = planck % ONE;
	if fraction == 0 {
		return format!("{whole} POVC");
	}
	let fraction = format!("{fraction:0width$}", width = DECIMALS as usize);
	format!("{whole}.{} POVC", fraction.trim_end_matches('0'))
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
}
