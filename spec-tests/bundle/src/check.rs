//! Matching results against the expected patterns (including `nan:canonical` and
//! `nan:arithmetic`), trap messages against the testsuite's, and showing both in messages.
//!
//! Be careful with floats: they are compared as bits, never as Rust floats, so `-0.0` differs
//! from `0.0` and NaN payloads matter, as in the specification's test harness.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use mote_core::{ExternRef, Store, Val};

use crate::command::{Expected, FloatPattern, NullKind};

#[cfg(test)]
mod tests;

/// Checks `got` against the expected results of an `assert_return`.
///
/// # Errors
/// A message showing both sides when the count or a value differs.
pub fn match_results<T>(
    store: &Store<T>,
    expected: &[Expected<'_>],
    got: &[Val],
) -> Result<(), String> {
    let ok =
        expected.len() == got.len() && expected.iter().zip(got).all(|(e, g)| matches(store, e, g));
    if ok {
        Ok(())
    } else {
        let expected: Vec<String> = expected.iter().map(show_expected).collect();
        Err(format!(
            "expected [{}], got {}",
            expected.join(", "),
            show_vals(store, got)
        ))
    }
}

/// Whether one result matches its expected pattern.
pub fn matches<T>(store: &Store<T>, expected: &Expected<'_>, got: &Val) -> bool {
    match (expected, got) {
        (Expected::I32(e), Val::I32(g)) => e == g,
        (Expected::I64(e), Val::I64(g)) => e == g,
        (Expected::F32(pattern), Val::F32(bits)) => match pattern {
            FloatPattern::CanonicalNan => is_canonical_nan_f32(*bits),
            FloatPattern::ArithmeticNan => is_arithmetic_nan_f32(*bits),
            FloatPattern::Bits(e) => e == bits,
        },
        (Expected::F64(pattern), Val::F64(bits)) => match pattern {
            FloatPattern::CanonicalNan => is_canonical_nan_f64(*bits),
            FloatPattern::ArithmeticNan => is_arithmetic_nan_f64(*bits),
            FloatPattern::Bits(e) => e == bits,
        },
        (Expected::RefNull(None), Val::FuncRef(None) | Val::ExternRef(None))
        | (Expected::RefNull(Some(NullKind::Func)), Val::FuncRef(None))
        | (Expected::RefNull(Some(NullKind::Extern)), Val::ExternRef(None))
        | (Expected::RefFunc, Val::FuncRef(Some(_)))
        | (Expected::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (Expected::RefExtern(Some(n)), Val::ExternRef(Some(r))) => {
            extern_ref_value(store, *r) == Some(*n)
        }
        (Expected::Either(options), got) => options.iter().any(|e| matches(store, e, got)),
        _ => false,
    }
}

/// The `u32` behind an `externref` that the executor made for `ref.extern N`.
pub fn extern_ref_value<T>(store: &Store<T>, r: ExternRef) -> Option<u32> {
    store.extern_ref_data(r)?.downcast_ref::<u32>().copied()
}

const F32_SIGN: u32 = 0x8000_0000;
const F32_QUIET_NAN: u32 = 0x7fc0_0000;
const F64_SIGN: u64 = 0x8000_0000_0000_0000;
const F64_QUIET_NAN: u64 = 0x7ff8_0000_0000_0000;

/// `nan:canonical` for `f32`: a NaN whose payload is exactly the quiet bit, either sign.
pub fn is_canonical_nan_f32(bits: u32) -> bool {
    bits & !F32_SIGN == F32_QUIET_NAN
}

/// `nan:arithmetic` for `f32`: a NaN with the quiet bit set, any other payload, either sign.
pub fn is_arithmetic_nan_f32(bits: u32) -> bool {
    bits & F32_QUIET_NAN == F32_QUIET_NAN
}

/// `nan:canonical` for `f64`.
pub fn is_canonical_nan_f64(bits: u64) -> bool {
    bits & !F64_SIGN == F64_QUIET_NAN
}

/// `nan:arithmetic` for `f64`.
pub fn is_arithmetic_nan_f64(bits: u64) -> bool {
    bits & F64_QUIET_NAN == F64_QUIET_NAN
}

/// Trap messages match loosely: Mote's wording may be longer or shorter than the testsuite's.
pub fn trap_messages_match(expected: &str, got: &str) -> bool {
    got.contains(expected) || expected.contains(got)
}

/// Shows values as `[i32:1, f32:1.5 (0x3fc00000)]`.
pub fn show_vals<T>(store: &Store<T>, vals: &[Val]) -> String {
    let vals: Vec<String> = vals.iter().map(|v| show_val(store, v)).collect();
    format!("[{}]", vals.join(", "))
}

/// Shows one value, with the bits of floats.
pub fn show_val<T>(store: &Store<T>, val: &Val) -> String {
    match val {
        Val::I32(v) => format!("i32:{v}"),
        Val::I64(v) => format!("i64:{v}"),
        Val::F32(bits) => format!("f32:{} ({bits:#010x})", f32::from_bits(*bits)),
        Val::F64(bits) => format!("f64:{} ({bits:#018x})", f64::from_bits(*bits)),
        Val::FuncRef(None) => "ref.null func".to_string(),
        Val::FuncRef(Some(f)) => format!("ref.func (store function {})", f.index()),
        Val::ExternRef(None) => "ref.null extern".to_string(),
        Val::ExternRef(Some(r)) => match extern_ref_value(store, *r) {
            Some(n) => format!("ref.extern {n}"),
            None => "ref.extern (foreign)".to_string(),
        },
    }
}

/// Shows an expected value the way the `.wast` writes it, plus float bits.
pub fn show_expected(expected: &Expected<'_>) -> String {
    match expected {
        Expected::I32(v) => format!("i32:{v}"),
        Expected::I64(v) => format!("i64:{v}"),
        Expected::F32(FloatPattern::Bits(bits)) => {
            format!("f32:{} ({bits:#010x})", f32::from_bits(*bits))
        }
        Expected::F64(FloatPattern::Bits(bits)) => {
            format!("f64:{} ({bits:#018x})", f64::from_bits(*bits))
        }
        Expected::F32(FloatPattern::CanonicalNan) => "f32:nan:canonical".to_string(),
        Expected::F32(FloatPattern::ArithmeticNan) => "f32:nan:arithmetic".to_string(),
        Expected::F64(FloatPattern::CanonicalNan) => "f64:nan:canonical".to_string(),
        Expected::F64(FloatPattern::ArithmeticNan) => "f64:nan:arithmetic".to_string(),
        Expected::RefNull(None) => "ref.null".to_string(),
        Expected::RefNull(Some(NullKind::Func)) => "ref.null func".to_string(),
        Expected::RefNull(Some(NullKind::Extern)) => "ref.null extern".to_string(),
        Expected::RefFunc => "ref.func".to_string(),
        Expected::RefExtern(None) => "ref.extern".to_string(),
        Expected::RefExtern(Some(n)) => format!("ref.extern {n}"),
        Expected::Either(options) => {
            let options: Vec<String> = options.iter().map(show_expected).collect();
            format!("either({})", options.join(" | "))
        }
        Expected::Unsupported(text) => text.to_string(),
    }
}
