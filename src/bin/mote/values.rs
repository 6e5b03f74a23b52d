//! Converting command-line text to WebAssembly values, and results back to text.

use mote::{Val, ValType};

/// Parses `text` as a value of type `ty`.
///
/// Integers are decimal or `0x`-hexadecimal, optionally negative, with `_` separators; an `i32`
/// may be written as signed or unsigned (`-1` and `4294967295` are the same value), and so may
/// an `i64`. Floats use Rust's syntax, which includes `nan`, `inf` and `-inf`. References accept
/// only `null`.
///
/// # Errors
/// A message saying what was expected.
pub fn parse(text: &str, ty: ValType) -> Result<Val, String> {
    let invalid = || format!("`{text}` is not a valid {ty}");
    match ty {
        ValType::I32 => {
            let v = parse_int(text).ok_or_else(invalid)?;
            // Accept the signed and the unsigned range; both wrap to the same bits.
            if v < i128::from(i32::MIN) || v > i128::from(u32::MAX) {
                return Err(format!("`{text}` is out of range for i32"));
            }
            #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
            Ok(Val::I32(v as i32))
        }
        ValType::I64 => {
            let v = parse_int(text).ok_or_else(invalid)?;
            if v < i128::from(i64::MIN) || v > i128::from(u64::MAX) {
                return Err(format!("`{text}` is out of range for i64"));
            }
            #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
            Ok(Val::I64(v as i64))
        }
        ValType::F32 => text.parse::<f32>().map(Val::from).map_err(|_| invalid()),
        ValType::F64 => text.parse::<f64>().map(Val::from).map_err(|_| invalid()),
        ValType::FuncRef | ValType::ExternRef if text == "null" => Ok(Val::default_for(ty)),
        ValType::FuncRef | ValType::ExternRef => Err(format!(
            "`{text}` is not a valid {ty}: only `null` can be given on the command line"
        )),
    }
}

/// Parses a decimal or `0x`-hexadecimal integer with an optional sign, wide enough for both
/// the signed and the unsigned range of `i64`.
fn parse_int(text: &str) -> Option<i128> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (radix, digits) = match rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
        Some(hex) => (16, hex),
        None => (10, rest),
    };
    // `_` may separate digits, but not lead, trail or hide an empty number.
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') {
        return None;
    }
    if !digits.chars().all(|c| c == '_' || c.is_digit(radix)) {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    // Numbers too long for i128 are out of range for every Wasm type anyway.
    let magnitude = i128::from_str_radix(&clean, radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Formats a result like `wasmtime run --invoke`: integers in signed decimal, floats in Rust's
/// default formatting, references as `ref.null`, `ref.func` or `ref.extern`.
pub fn format(val: &Val) -> String {
    match val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::FuncRef(None) | Val::ExternRef(None) => "ref.null".to_owned(),
        Val::FuncRef(Some(_)) => "ref.func".to_owned(),
        Val::ExternRef(Some(_)) => "ref.extern".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse("42", ValType::I32), Ok(Val::I32(42)));
        assert_eq!(parse("-7", ValType::I32), Ok(Val::I32(-7)));
        assert_eq!(parse("0xff", ValType::I32), Ok(Val::I32(255)));
        assert_eq!(parse("0xffffffff", ValType::I32), Ok(Val::I32(-1)));
        assert_eq!(parse("4294967295", ValType::I32), Ok(Val::I32(-1)));
        assert_eq!(parse("1_000", ValType::I64), Ok(Val::I64(1000)));
        assert_eq!(parse("0xffffffffffffffff", ValType::I64), Ok(Val::I64(-1)));
        assert_eq!(
            parse("-9223372036854775808", ValType::I64),
            Ok(Val::I64(i64::MIN))
        );
        for bad in ["", "-", "0x", "1.5", "abc", "4294967296", "_1", "1_", "--1"] {
            assert!(
                parse(bad, ValType::I32).is_err(),
                "{bad:?} should not parse"
            );
        }
        assert!(parse("18446744073709551616", ValType::I64).is_err());
        assert!(parse("99999999999999999999999999999999999999999", ValType::I64).is_err());
    }

    #[test]
    fn floats() {
        assert_eq!(parse("1.5", ValType::F32), Ok(Val::from(1.5f32)));
        assert_eq!(
            parse("-inf", ValType::F64),
            Ok(Val::from(f64::NEG_INFINITY))
        );
        assert!(parse("nan", ValType::F64).unwrap().f64().unwrap().is_nan());
        assert!(parse("one", ValType::F32).is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(format(&Val::I32(-1)), "-1");
        assert_eq!(format(&Val::I64(1 << 40)), "1099511627776");
        assert_eq!(format(&Val::from(2.5f32)), "2.5");
        assert_eq!(format(&Val::from(3.0f64)), "3");
        assert_eq!(format(&Val::from(f64::NAN)), "NaN");
        assert_eq!(format(&Val::FuncRef(None)), "ref.null");
    }
}
