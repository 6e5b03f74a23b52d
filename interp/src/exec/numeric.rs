//! Exact WebAssembly 2.0 semantics of the numeric instructions that are not a
//! single Rust operator.
//!
//! Naming: each function is the Wasm instruction with `.` replaced by `_`
//! (`i32.trunc_f32_s` is [`i32_trunc_f32_s`]). Signed instructions take and
//! return signed Rust integers, unsigned ones unsigned integers; the bits are the
//! same, so the interpreter reinterprets with `cast_signed`/`cast_unsigned`.
//!
//! Instructions with no function here map directly onto Rust:
//!
//! | Wasm                                   | Rust                                    |
//! |----------------------------------------|-----------------------------------------|
//! | `iNN.add/sub/mul`                      | `wrapping_add/sub/mul`                  |
//! | `iNN.and/or/xor`                       | `& \| ^`                                |
//! | `iNN.shl/shr_s/shr_u`                  | `wrapping_shl/shr` (count taken mod NN) |
//! | `iNN.rotl/rotr`                        | `rotate_left/right(n as u32)` (mod NN)  |
//! | `iNN.clz/ctz/popcnt`                   | `leading_zeros/trailing_zeros/count_ones` |
//! | `iNN.eqz/eq/ne/lt/gt/le/ge`, `fNN.eq..`| Rust comparisons (`NaN` compares false, `-0 == +0`) |
//! | `fNN.add/sub/mul/div`                  | `+ - * /`: IEEE 754 round-to-nearest-even |
//! | `i32.wrap_i64`, `i64.extend_i32_s/u`   | `as u32`, `i64::from`, `u64::from`      |
//! | `*.reinterpret_*`                      | `to_bits` / `from_bits`                 |
//!
//! Be careful when touching floats:
//!
//! - `abs`, `neg` and `copysign` are *bit* operations in Wasm: they never
//!   canonicalise or quiet a NaN. Rust's `-x` is also a pure sign flip, but the
//!   helpers below spell the bits out.
//! - Every other float operation given a NaN must return an *arithmetic* NaN
//!   (quiet bit set), and a *canonical* NaN when all NaN inputs were canonical.
//!   The helpers return the first NaN input with its quiet bit set, which meets
//!   both rules and gives the same bits on every target, with or without an FPU.
//! - Rust's float-to-int `as` saturates and maps NaN to 0: exactly the
//!   `trunc_sat` instructions, but wrong for the trapping `trunc` ones.
//! - Rust's int-to-float `as` rounds to nearest, ties to even, in one step (no
//!   double rounding through `f64`), exactly like `fNN.convert_iNN_*`.

/// Why a numeric instruction trapped; the interpreter maps it to its trap code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumericTrap {
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Signed `MIN / -1`, or a float truncated to an integer outside its range.
    IntegerOverflow,
    /// A NaN truncated to an integer.
    BadConversionToInteger,
}

/// The result of a numeric instruction that can trap.
pub type NumericResult<T> = Result<T, NumericTrap>;

// ----- Integer division and remainder ------------------------------------------

/// `i32.div_s`: traps on division by zero and on `i32::MIN / -1`.
#[inline]
pub fn i32_div_s(a: i32, b: i32) -> NumericResult<i32> {
    if b == 0 {
        return Err(NumericTrap::IntegerDivisionByZero);
    }
    a.checked_div(b).ok_or(NumericTrap::IntegerOverflow)
}

/// `i32.div_u`: traps on division by zero.
#[inline]
pub fn i32_div_u(a: u32, b: u32) -> NumericResult<u32> {
    a.checked_div(b).ok_or(NumericTrap::IntegerDivisionByZero)
}

/// `i32.rem_s`: traps on division by zero; `i32::MIN rem -1` is 0; the sign follows `a`.
#[inline]
pub fn i32_rem_s(a: i32, b: i32) -> NumericResult<i32> {
    if b == 0 {
        return Err(NumericTrap::IntegerDivisionByZero);
    }
    Ok(a.wrapping_rem(b))
}

/// `i32.rem_u`: traps on division by zero.
#[inline]
pub fn i32_rem_u(a: u32, b: u32) -> NumericResult<u32> {
    a.checked_rem(b).ok_or(NumericTrap::IntegerDivisionByZero)
}

/// `i64.div_s`: traps on division by zero and on `i64::MIN / -1`.
#[inline]
pub fn i64_div_s(a: i64, b: i64) -> NumericResult<i64> {
    if b == 0 {
        return Err(NumericTrap::IntegerDivisionByZero);
    }
    a.checked_div(b).ok_or(NumericTrap::IntegerOverflow)
}

/// `i64.div_u`: traps on division by zero.
#[inline]
pub fn i64_div_u(a: u64, b: u64) -> NumericResult<u64> {
    a.checked_div(b).ok_or(NumericTrap::IntegerDivisionByZero)
}

/// `i64.rem_s`: traps on division by zero; `i64::MIN rem -1` is 0; the sign follows `a`.
#[inline]
pub fn i64_rem_s(a: i64, b: i64) -> NumericResult<i64> {
    if b == 0 {
        return Err(NumericTrap::IntegerDivisionByZero);
    }
    Ok(a.wrapping_rem(b))
}

/// `i64.rem_u`: traps on division by zero.
#[inline]
pub fn i64_rem_u(a: u64, b: u64) -> NumericResult<u64> {
    a.checked_rem(b).ok_or(NumericTrap::IntegerDivisionByZero)
}

// ----- Sign extension ----------------------------------------------------------

/// `i32.extend8_s`: sign-extends the low 8 bits.
#[inline]
pub fn i32_extend8_s(x: i32) -> i32 {
    (x << 24) >> 24
}

/// `i32.extend16_s`: sign-extends the low 16 bits.
#[inline]
pub fn i32_extend16_s(x: i32) -> i32 {
    (x << 16) >> 16
}

/// `i64.extend8_s`: sign-extends the low 8 bits.
#[inline]
pub fn i64_extend8_s(x: i64) -> i64 {
    (x << 56) >> 56
}

/// `i64.extend16_s`: sign-extends the low 16 bits.
#[inline]
pub fn i64_extend16_s(x: i64) -> i64 {
    (x << 48) >> 48
}

/// `i64.extend32_s`: sign-extends the low 32 bits.
#[inline]
pub fn i64_extend32_s(x: i64) -> i64 {
    (x << 32) >> 32
}

// ----- Float bit patterns ------------------------------------------------------

const F32_SIGN: u32 = 0x8000_0000;
const F32_QUIET: u32 = 0x0040_0000;
const F64_SIGN: u64 = 0x8000_0000_0000_0000;
const F64_QUIET: u64 = 0x0008_0000_0000_0000;

/// Sets the quiet bit of a NaN, keeping its sign and payload (Wasm's arithmetic NaN).
#[inline]
fn quiet_f32(nan: f32) -> f32 {
    f32::from_bits(nan.to_bits() | F32_QUIET)
}

/// Sets the quiet bit of a NaN, keeping its sign and payload (Wasm's arithmetic NaN).
#[inline]
fn quiet_f64(nan: f64) -> f64 {
    f64::from_bits(nan.to_bits() | F64_QUIET)
}

/// Quiets a NaN `x`; otherwise applies `op`, which never makes a NaN from a number.
#[inline]
fn nan_or_f32(x: f32, op: fn(f32) -> f32) -> f32 {
    if x.is_nan() { quiet_f32(x) } else { op(x) }
}

/// Quiets a NaN `x`; otherwise applies `op`, which never makes a NaN from a number.
#[inline]
fn nan_or_f64(x: f64, op: fn(f64) -> f64) -> f64 {
    if x.is_nan() { quiet_f64(x) } else { op(x) }
}

// ----- f32 unary ---------------------------------------------------------------

/// `f32.abs`: clears the sign bit, NaNs included.
#[inline]
pub fn f32_abs(x: f32) -> f32 {
    f32::from_bits(x.to_bits() & !F32_SIGN)
}

/// `f32.neg`: flips the sign bit, NaNs included.
#[inline]
pub fn f32_neg(x: f32) -> f32 {
    f32::from_bits(x.to_bits() ^ F32_SIGN)
}

/// `f32.copysign`: the magnitude bits of `a` with the sign bit of `b`, NaNs included.
#[inline]
pub fn f32_copysign(a: f32, b: f32) -> f32 {
    f32::from_bits((a.to_bits() & !F32_SIGN) | (b.to_bits() & F32_SIGN))
}

/// `f32.ceil`: rounds toward +inf; `ceil(-0.5)` is `-0.0`.
#[inline]
pub fn f32_ceil(x: f32) -> f32 {
    nan_or_f32(x, libm::ceilf)
}

/// `f32.floor`: rounds toward -inf; `floor(-0.0)` is `-0.0`.
#[inline]
pub fn f32_floor(x: f32) -> f32 {
    nan_or_f32(x, libm::floorf)
}

/// `f32.trunc`: rounds toward zero; `trunc(-0.5)` is `-0.0`.
#[inline]
pub fn f32_trunc(x: f32) -> f32 {
    nan_or_f32(x, libm::truncf)
}

/// `f32.nearest`: rounds to nearest, ties to even; `nearest(-0.5)` is `-0.0`.
#[inline]
pub fn f32_nearest(x: f32) -> f32 {
    nan_or_f32(x, libm::roundevenf)
}

/// `f32.sqrt`: correctly rounded; negative non-zero inputs give the canonical NaN.
#[inline]
pub fn f32_sqrt(x: f32) -> f32 {
    if x.is_nan() {
        quiet_f32(x)
    } else if x < 0.0 {
        // `-0.0 < 0.0` is false, so `sqrt(-0.0)` stays `-0.0` as IEEE 754 requires.
        f32::NAN
    } else {
        libm::sqrtf(x)
    }
}

// ----- f64 unary ---------------------------------------------------------------

/// `f64.abs`: clears the sign bit, NaNs included.
#[inline]
pub fn f64_abs(x: f64) -> f64 {
    f64::from_bits(x.to_bits() & !F64_SIGN)
}

/// `f64.neg`: flips the sign bit, NaNs included.
#[inline]
pub fn f64_neg(x: f64) -> f64 {
    f64::from_bits(x.to_bits() ^ F64_SIGN)
}

/// `f64.copysign`: the magnitude bits of `a` with the sign bit of `b`, NaNs included.
#[inline]
pub fn f64_copysign(a: f64, b: f64) -> f64 {
    f64::from_bits((a.to_bits() & !F64_SIGN) | (b.to_bits() & F64_SIGN))
}

/// `f64.ceil`: rounds toward +inf; `ceil(-0.5)` is `-0.0`.
#[inline]
pub fn f64_ceil(x: f64) -> f64 {
    nan_or_f64(x, libm::ceil)
}

/// `f64.floor`: rounds toward -inf; `floor(-0.0)` is `-0.0`.
#[inline]
pub fn f64_floor(x: f64) -> f64 {
    nan_or_f64(x, libm::floor)
}

/// `f64.trunc`: rounds toward zero; `trunc(-0.5)` is `-0.0`.
#[inline]
pub fn f64_trunc(x: f64) -> f64 {
    nan_or_f64(x, libm::trunc)
}

/// `f64.nearest`: rounds to nearest, ties to even; `nearest(-0.5)` is `-0.0`.
#[inline]
pub fn f64_nearest(x: f64) -> f64 {
    nan_or_f64(x, libm::roundeven)
}

/// `f64.sqrt`: correctly rounded; negative non-zero inputs give the canonical NaN.
#[inline]
pub fn f64_sqrt(x: f64) -> f64 {
    if x.is_nan() {
        quiet_f64(x)
    } else if x < 0.0 {
        // `-0.0 < 0.0` is false, so `sqrt(-0.0)` stays `-0.0` as IEEE 754 requires.
        f64::NAN
    } else {
        libm::sqrt(x)
    }
}

// ----- min / max ---------------------------------------------------------------
//
// Not Rust's `f32::min`, which ignores a NaN operand and may return either zero.
// For equal operands only the zeros can differ (`-0.0 == +0.0`): OR-ing the bits
// picks `-0.0` for min, AND-ing picks `+0.0` for max, and equal non-zero
// operands have identical bits.

/// `f32.min`: a NaN operand gives a NaN; `min(-0.0, +0.0)` is `-0.0`.
#[inline]
pub fn f32_min(a: f32, b: f32) -> f32 {
    if a.is_nan() {
        quiet_f32(a)
    } else if b.is_nan() {
        quiet_f32(b)
    } else if a < b {
        a
    } else if b < a {
        b
    } else {
        f32::from_bits(a.to_bits() | b.to_bits())
    }
}

/// `f32.max`: a NaN operand gives a NaN; `max(-0.0, +0.0)` is `+0.0`.
#[inline]
pub fn f32_max(a: f32, b: f32) -> f32 {
    if a.is_nan() {
        quiet_f32(a)
    } else if b.is_nan() {
        quiet_f32(b)
    } else if a > b {
        a
    } else if b > a {
        b
    } else {
        f32::from_bits(a.to_bits() & b.to_bits())
    }
}

/// `f64.min`: a NaN operand gives a NaN; `min(-0.0, +0.0)` is `-0.0`.
#[inline]
pub fn f64_min(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        quiet_f64(a)
    } else if b.is_nan() {
        quiet_f64(b)
    } else if a < b {
        a
    } else if b < a {
        b
    } else {
        f64::from_bits(a.to_bits() | b.to_bits())
    }
}

/// `f64.max`: a NaN operand gives a NaN; `max(-0.0, +0.0)` is `+0.0`.
#[inline]
pub fn f64_max(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        quiet_f64(a)
    } else if b.is_nan() {
        quiet_f64(b)
    } else if a > b {
        a
    } else if b > a {
        b
    } else {
        f64::from_bits(a.to_bits() & b.to_bits())
    }
}

// ----- Trapping float-to-integer truncation ------------------------------------
//
// A float converts when its truncation fits the integer type. Every bound below
// is exact in the float type. For signed types the lower test is either
// `x > MIN - 1` (when `MIN - 1` is representable) or `x >= MIN` (when it is not:
// the next float below MIN is then at most `MIN - 1`, so nothing is lost). Once
// the range check passes, the `as` cast only drops the fraction.

/// Traps with the right code unless `in_range`; `in_range` must be false for NaN.
#[inline]
fn trunc_check(x_is_nan: bool, in_range: bool) -> NumericResult<()> {
    if x_is_nan {
        Err(NumericTrap::BadConversionToInteger)
    } else if in_range {
        Ok(())
    } else {
        Err(NumericTrap::IntegerOverflow)
    }
}

/// `i32.trunc_f32_s`: accepts `[-2^31, 2^31)`; the next f32 below `-2^31` is `-2^31 - 256`.
#[inline]
#[expect(clippy::cast_possible_truncation, reason = "range checked")]
pub fn i32_trunc_f32_s(x: f32) -> NumericResult<i32> {
    trunc_check(x.is_nan(), (-2_147_483_648.0..2_147_483_648.0).contains(&x))?;
    Ok(x as i32)
}

/// `i32.trunc_f32_u`: accepts `(-1, 2^32)`.
#[inline]
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "range checked"
)]
pub fn i32_trunc_f32_u(x: f32) -> NumericResult<u32> {
    trunc_check(x.is_nan(), x > -1.0 && x < 4_294_967_296.0)?;
    Ok(x as u32)
}

/// `i32.trunc_f64_s`: accepts `(-2^31 - 1, 2^31)`, so `-2147483648.9` and `2147483647.9` convert.
#[inline]
#[expect(clippy::cast_possible_truncation, reason = "range checked")]
pub fn i32_trunc_f64_s(x: f64) -> NumericResult<i32> {
    trunc_check(x.is_nan(), x > -2_147_483_649.0 && x < 2_147_483_648.0)?;
    Ok(x as i32)
}

/// `i32.trunc_f64_u`: accepts `(-1, 2^32)`.
#[inline]
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "range checked"
)]
pub fn i32_trunc_f64_u(x: f64) -> NumericResult<u32> {
    trunc_check(x.is_nan(), x > -1.0 && x < 4_294_967_296.0)?;
    Ok(x as u32)
}

/// `i64.trunc_f32_s`: accepts `[-2^63, 2^63)`.
#[inline]
#[expect(clippy::cast_possible_truncation, reason = "range checked")]
pub fn i64_trunc_f32_s(x: f32) -> NumericResult<i64> {
    let in_range = (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x);
    trunc_check(x.is_nan(), in_range)?;
    Ok(x as i64)
}

/// `i64.trunc_f32_u`: accepts `(-1, 2^64)`.
#[inline]
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "range checked"
)]
pub fn i64_trunc_f32_u(x: f32) -> NumericResult<u64> {
    trunc_check(x.is_nan(), x > -1.0 && x < 18_446_744_073_709_551_616.0)?;
    Ok(x as u64)
}

/// `i64.trunc_f64_s`: accepts `[-2^63, 2^63)`.
#[inline]
#[expect(clippy::cast_possible_truncation, reason = "range checked")]
pub fn i64_trunc_f64_s(x: f64) -> NumericResult<i64> {
    let in_range = (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x);
    trunc_check(x.is_nan(), in_range)?;
    Ok(x as i64)
}

/// `i64.trunc_f64_u`: accepts `(-1, 2^64)`.
#[inline]
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "range checked"
)]
pub fn i64_trunc_f64_u(x: f64) -> NumericResult<u64> {
    trunc_check(x.is_nan(), x > -1.0 && x < 18_446_744_073_709_551_616.0)?;
    Ok(x as u64)
}

// ----- Saturating float-to-integer truncation ----------------------------------
//
// Rust's float-to-int `as` is defined to truncate toward zero, saturate at the
// integer's bounds (infinities included) and map NaN to 0: exactly `trunc_sat`.

/// `i32.trunc_sat_f32_s`: truncates, saturating; NaN gives 0.
#[inline]
#[expect(clippy::cast_possible_truncation, reason = "`as` saturates")]
pub fn i32_trunc_sat_f32_s(x: f32) -> i32 {
    x as i32
}

/// `i32.trunc_sat_f32_u`: truncates, saturating; NaN gives 0.
#[inline]
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "`as` saturates"
)]
pub fn i32_trunc_sat_f32_u(x: f32) -> u32 {
    x as u32
}

/// `i32.trunc_sat_f64_s`: truncates, saturating; NaN gives 0.
#[inline]
#[expect(clippy::cast_possible_truncation, reason = "`as` saturates")]
pub fn i32_trunc_sat_f64_s(x: f64) -> i32 {
    x as i32
}

/// `i32.trunc_sat_f64_u`: truncates, saturating; NaN gives 0.
#[inline]
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "`as` saturates"
)]
pub fn i32_trunc_sat_f64_u(x: f64) -> u32 {
    x as u32
}

/// `i64.trunc_sat_f32_s`: truncates, saturating; NaN gives 0.
#[inline]
#[expect(clippy::cast_possible_truncation, reason = "`as` saturates")]
pub fn i64_trunc_sat_f32_s(x: f32) -> i64 {
    x as i64
}

/// `i64.trunc_sat_f32_u`: truncates, saturating; NaN gives 0.
#[inline]
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "`as` saturates"
)]
pub fn i64_trunc_sat_f32_u(x: f32) -> u64 {
    x as u64
}

/// `i64.trunc_sat_f64_s`: truncates, saturating; NaN gives 0.
#[inline]
#[expect(clippy::cast_possible_truncation, reason = "`as` saturates")]
pub fn i64_trunc_sat_f64_s(x: f64) -> i64 {
    x as i64
}

/// `i64.trunc_sat_f64_u`: truncates, saturating; NaN gives 0.
#[inline]
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "`as` saturates"
)]
pub fn i64_trunc_sat_f64_u(x: f64) -> u64 {
    x as u64
}

// ----- Integer-to-float conversion ---------------------------------------------
//
// Rust's int-to-float `as` rounds to nearest, ties to even, directly from the
// integer (soft-float builtins included), which is `fNN.convert_iNN_*`. Every
// i32 and u32 is exact in f64, hence `f64::from` there.

/// `f32.convert_i32_s`: rounds to nearest, ties to even.
#[inline]
pub fn f32_convert_i32_s(x: i32) -> f32 {
    x as f32
}

/// `f32.convert_i32_u`: rounds to nearest, ties to even.
#[inline]
pub fn f32_convert_i32_u(x: u32) -> f32 {
    x as f32
}

/// `f32.convert_i64_s`: rounds to nearest, ties to even (no double rounding via f64).
#[inline]
pub fn f32_convert_i64_s(x: i64) -> f32 {
    x as f32
}

/// `f32.convert_i64_u`: rounds to nearest, ties to even (no double rounding via f64).
#[inline]
pub fn f32_convert_i64_u(x: u64) -> f32 {
    x as f32
}

/// `f64.convert_i32_s`: exact.
#[inline]
pub fn f64_convert_i32_s(x: i32) -> f64 {
    f64::from(x)
}

/// `f64.convert_i32_u`: exact.
#[inline]
pub fn f64_convert_i32_u(x: u32) -> f64 {
    f64::from(x)
}

/// `f64.convert_i64_s`: rounds to nearest, ties to even.
#[inline]
pub fn f64_convert_i64_s(x: i64) -> f64 {
    x as f64
}

/// `f64.convert_i64_u`: rounds to nearest, ties to even.
#[inline]
pub fn f64_convert_i64_u(x: u64) -> f64 {
    x as f64
}

// ----- Float-to-float conversion -----------------------------------------------
//
// For numbers, `as` is the IEEE 754 conversion (round to nearest, ties to even;
// overflow gives infinity). A NaN is handled by hand so that every target gives
// the same bits: the sign and the top payload bits are kept and the quiet bit is
// set, so a canonical NaN stays canonical, as the spec requires.

/// `f32.demote_f64`: rounds to nearest, ties to even; a NaN keeps its sign and top payload bits.
#[inline]
#[expect(
    clippy::cast_possible_truncation,
    reason = "IEEE 754 rounding; NaN payload masked to 23 bits"
)]
pub fn f32_demote_f64(x: f64) -> f32 {
    if x.is_nan() {
        let bits = x.to_bits();
        let sign = (bits >> 32) as u32 & F32_SIGN;
        let payload = (bits >> 29) as u32 & 0x007f_ffff;
        return f32::from_bits(sign | 0x7f80_0000 | F32_QUIET | payload);
    }
    x as f32
}

/// `f64.promote_f32`: exact; a NaN keeps its sign and payload.
#[inline]
pub fn f64_promote_f32(x: f32) -> f64 {
    if x.is_nan() {
        let bits = x.to_bits();
        let sign = u64::from(bits & F32_SIGN) << 32;
        let payload = u64::from(bits & 0x007f_ffff) << 29;
        return f64::from_bits(sign | 0x7ff0_0000_0000_0000 | F64_QUIET | payload);
    }
    f64::from(x)
}

#[cfg(test)]
mod tests;
