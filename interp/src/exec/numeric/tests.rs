//! Edge cases from the WebAssembly spec tests (`i32.wast`, `f32.wast`,
//! `conversions.wast`, ...) plus sweeps against slower reference definitions.
//! Floats are compared by bits so that `-0.0` and NaN payloads count.

use super::*;
use NumericTrap::{
    BadConversionToInteger as Nan, IntegerDivisionByZero as DivZero, IntegerOverflow as Overflow,
};

const F32_CANON: u32 = 0x7fc0_0000;
const F32_SNAN: u32 = 0x7fa0_0000;
const F64_CANON: u64 = 0x7ff8_0000_0000_0000;
const F64_SNAN: u64 = 0x7ff4_0000_0000_0000;

fn f32b(bits: u32) -> f32 {
    f32::from_bits(bits)
}

fn f64b(bits: u64) -> f64 {
    f64::from_bits(bits)
}

#[track_caller]
fn same32(got: f32, want: f32) {
    assert_eq!(got.to_bits(), want.to_bits(), "got {got:e}, want {want:e}");
}

#[track_caller]
fn same64(got: f64, want: f64) {
    assert_eq!(got.to_bits(), want.to_bits(), "got {got:e}, want {want:e}");
}

/// Wasm's `nan:canonical`: quiet bit only, either sign.
fn canonical32(x: f32) -> bool {
    x.to_bits() & 0x7fff_ffff == F32_CANON
}

fn canonical64(x: f64) -> bool {
    x.to_bits() & 0x7fff_ffff_ffff_ffff == F64_CANON
}

/// Wasm's `nan:arithmetic`: a NaN with the quiet bit set.
fn arithmetic32(x: f32) -> bool {
    x.is_nan() && x.to_bits() & 0x0040_0000 != 0
}

fn arithmetic64(x: f64) -> bool {
    x.is_nan() && x.to_bits() & 0x0008_0000_0000_0000 != 0
}

// ----- integers -------------------------------------------------------------

#[test]
fn div_rem_i32() {
    assert_eq!(i32_div_s(7, 2), Ok(3));
    assert_eq!(i32_div_s(-7, 2), Ok(-3));
    assert_eq!(i32_div_s(7, -2), Ok(-3));
    assert_eq!(i32_div_s(i32::MIN, 2), Ok(-0x4000_0000));
    assert_eq!(i32_div_s(i32::MIN, 1), Ok(i32::MIN));
    assert_eq!(i32_div_s(1, 0), Err(DivZero));
    assert_eq!(i32_div_s(0, 0), Err(DivZero));
    assert_eq!(i32_div_s(i32::MIN, 0), Err(DivZero));
    assert_eq!(i32_div_s(i32::MIN, -1), Err(Overflow));
    assert_eq!(i32_div_u(0x8000_0000, 2), Ok(0x4000_0000));
    assert_eq!(i32_div_u(u32::MAX, 1), Ok(u32::MAX));
    assert_eq!(i32_div_u(0x8000_0000, u32::MAX), Ok(0));
    assert_eq!(i32_div_u(7, 0), Err(DivZero));
    assert_eq!(i32_rem_s(-7, 2), Ok(-1));
    assert_eq!(i32_rem_s(7, -2), Ok(1));
    assert_eq!(i32_rem_s(-7, -2), Ok(-1));
    assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
    assert_eq!(i32_rem_s(i32::MIN, 2), Ok(0));
    assert_eq!(i32_rem_s(1, 0), Err(DivZero));
    assert_eq!(i32_rem_u(0x8000_0001, 2), Ok(1));
    assert_eq!(i32_rem_u(u32::MAX, 0x8000_0000), Ok(0x7fff_ffff));
    assert_eq!(i32_rem_u(1, 0), Err(DivZero));
}

#[test]
fn div_rem_i64() {
    assert_eq!(i64_div_s(-7, 2), Ok(-3));
    assert_eq!(i64_div_s(i64::MIN, 2), Ok(-0x4000_0000_0000_0000));
    assert_eq!(i64_div_s(1, 0), Err(DivZero));
    assert_eq!(i64_div_s(i64::MIN, -1), Err(Overflow));
    assert_eq!(
        i64_div_u(0x8000_0000_0000_0000, 2),
        Ok(0x4000_0000_0000_0000)
    );
    assert_eq!(i64_div_u(1, 0), Err(DivZero));
    assert_eq!(i64_rem_s(i64::MIN, -1), Ok(0));
    assert_eq!(i64_rem_s(-7, 2), Ok(-1));
    assert_eq!(i64_rem_s(7, -2), Ok(1));
    assert_eq!(i64_rem_s(1, 0), Err(DivZero));
    assert_eq!(i64_rem_u(0x8000_0000_0000_0001, 2), Ok(1));
    assert_eq!(i64_rem_u(1, 0), Err(DivZero));
}

#[test]
fn sign_extension() {
    assert_eq!(i32_extend8_s(0x7f), 127);
    assert_eq!(i32_extend8_s(0x80), -128);
    assert_eq!(i32_extend8_s(0xff), -1);
    assert_eq!(i32_extend8_s(0x0123_4500), 0);
    assert_eq!(i32_extend8_s(-0x0123_4580), -128);
    assert_eq!(i32_extend16_s(0x7fff), 32767);
    assert_eq!(i32_extend16_s(0x8000), -32768);
    assert_eq!(i32_extend16_s(0x0123_0000), 0);
    assert_eq!(i32_extend16_s(-0x0123_8000 + 0x1_0000), -32768);
    assert_eq!(i64_extend8_s(0x80), -128);
    assert_eq!(i64_extend8_s(0x0123_4567_89ab_cd7f), 127);
    assert_eq!(i64_extend16_s(0x8000), -32768);
    assert_eq!(i64_extend16_s(0x0123_4567_89ab_7fff), 32767);
    assert_eq!(i64_extend32_s(0x8000_0000), -0x8000_0000);
    assert_eq!(i64_extend32_s(0x7fff_ffff), 0x7fff_ffff);
    assert_eq!(i64_extend32_s(0x0123_4567_ffff_ffff), -1);
    assert_eq!(i64_extend32_s(-1), -1);
}

// ----- float bit operations -------------------------------------------------

#[test]
fn abs_neg_copysign_keep_nan_bits() {
    same32(f32_abs(-0.0), 0.0);
    same32(f32_abs(f32::NEG_INFINITY), f32::INFINITY);
    same32(f32_abs(f32b(0x8000_0001)), f32b(1));
    assert_eq!(f32_abs(f32b(0xff80_0001)).to_bits(), 0x7f80_0001);
    assert_eq!(f32_abs(f32b(F32_SNAN)).to_bits(), F32_SNAN);
    same32(f32_neg(0.0), -0.0);
    same32(f32_neg(-0.0), 0.0);
    assert_eq!(f32_neg(f32b(F32_SNAN)).to_bits(), 0x8000_0000 | F32_SNAN);
    assert_eq!(f32_neg(f32b(0xffc0_0000)).to_bits(), F32_CANON);
    same32(f32_copysign(1.5, -0.0), -1.5);
    same32(f32_copysign(-1.5, 0.0), 1.5);
    same32(f32_copysign(0.0, f32b(0xffc0_0000)), -0.0);
    assert_eq!(
        f32_copysign(f32b(F32_SNAN), -1.0).to_bits(),
        0x8000_0000 | F32_SNAN
    );

    same64(f64_abs(-0.0), 0.0);
    assert_eq!(
        f64_abs(f64b(0x8000_0000_0000_0000 | F64_SNAN)).to_bits(),
        F64_SNAN
    );
    same64(f64_neg(0.0), -0.0);
    assert_eq!(
        f64_neg(f64b(F64_SNAN)).to_bits(),
        0x8000_0000_0000_0000 | F64_SNAN
    );
    same64(f64_copysign(2.0, -0.0), -2.0);
    same64(f64_copysign(f64::NEG_INFINITY, 1.0), f64::INFINITY);
    assert_eq!(
        f64_copysign(f64b(F64_SNAN), -1.0).to_bits(),
        0x8000_0000_0000_0000 | F64_SNAN
    );
}

// ----- rounding -------------------------------------------------------------

/// (input, ceil, floor, trunc, nearest)
const ROUNDING: &[(f64, f64, f64, f64, f64)] = &[
    (0.0, 0.0, 0.0, 0.0, 0.0),
    (-0.0, -0.0, -0.0, -0.0, -0.0),
    (0.5, 1.0, 0.0, 0.0, 0.0),
    (-0.5, -0.0, -1.0, -0.0, -0.0),
    (1.5, 2.0, 1.0, 1.0, 2.0),
    (-1.5, -1.0, -2.0, -1.0, -2.0),
    (2.5, 3.0, 2.0, 2.0, 2.0),
    (-2.5, -2.0, -3.0, -2.0, -2.0),
    (3.5, 4.0, 3.0, 3.0, 4.0),
    (0.49999997, 1.0, 0.0, 0.0, 0.0),
    (-0.9, -0.0, -1.0, -0.0, -1.0),
    (1.0e-45, 1.0, 0.0, 0.0, 0.0),
    (-1.0e-45, -0.0, -1.0, -0.0, -0.0),
    (
        8_388_607.5,
        8_388_608.0,
        8_388_607.0,
        8_388_607.0,
        8_388_608.0,
    ),
    (
        -8_388_607.5,
        -8_388_607.0,
        -8_388_608.0,
        -8_388_607.0,
        -8_388_608.0,
    ),
    (
        8_388_609.0,
        8_388_609.0,
        8_388_609.0,
        8_388_609.0,
        8_388_609.0,
    ),
    (
        f64::INFINITY,
        f64::INFINITY,
        f64::INFINITY,
        f64::INFINITY,
        f64::INFINITY,
    ),
    (
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ),
];

#[test]
#[expect(
    clippy::cast_possible_truncation,
    reason = "table values are exact in f32"
)]
fn rounding_f32() {
    for &(x, ceil, floor, trunc, nearest) in ROUNDING {
        let x32 = x as f32;
        same32(f32_ceil(x32), ceil as f32);
        same32(f32_floor(x32), floor as f32);
        same32(f32_trunc(x32), trunc as f32);
        same32(f32_nearest(x32), nearest as f32);
    }
    same32(f32_ceil(f32::MAX), f32::MAX);
    same32(f32_nearest(f32::MIN), f32::MIN);
}

#[test]
fn rounding_f64() {
    for &(x, ceil, floor, trunc, nearest) in ROUNDING {
        same64(f64_ceil(x), ceil);
        same64(f64_floor(x), floor);
        same64(f64_trunc(x), trunc);
        same64(f64_nearest(x), nearest);
    }
    // 2^52 - 0.5 is the largest tie; 2^52 + 1 is already an integer.
    same64(
        f64_nearest(4_503_599_627_370_495.5),
        4_503_599_627_370_496.0,
    );
    same64(
        f64_nearest(-4_503_599_627_370_495.5),
        -4_503_599_627_370_496.0,
    );
    same64(f64_floor(4_503_599_627_370_497.0), 4_503_599_627_370_497.0);
    same64(f64_ceil(f64b(1)), 1.0);
    same64(f64_ceil(-f64b(1)), -0.0);
    same64(f64_floor(-f64b(1)), -1.0);
}

#[test]
fn unary_nan_f32() {
    for op in [f32_ceil, f32_floor, f32_trunc, f32_nearest, f32_sqrt] {
        assert!(canonical32(op(f32b(F32_CANON))));
        assert!(canonical32(op(f32b(0xffc0_0000))));
        assert!(arithmetic32(op(f32b(F32_SNAN))));
        assert!(arithmetic32(op(f32b(0x7f80_0001))));
        assert_eq!(op(f32b(F32_SNAN)).to_bits(), F32_SNAN | 0x0040_0000);
    }
}

#[test]
fn unary_nan_f64() {
    for op in [f64_ceil, f64_floor, f64_trunc, f64_nearest, f64_sqrt] {
        assert!(canonical64(op(f64b(F64_CANON))));
        assert!(canonical64(op(f64b(0x8000_0000_0000_0000 | F64_CANON))));
        assert!(arithmetic64(op(f64b(F64_SNAN))));
        assert!(arithmetic64(op(f64b(0x7ff0_0000_0000_0001))));
    }
}

#[test]
fn sqrt() {
    same32(f32_sqrt(4.0), 2.0);
    assert_eq!(f32_sqrt(2.0).to_bits(), 0x3fb5_04f3);
    same32(f32_sqrt(0.0), 0.0);
    same32(f32_sqrt(-0.0), -0.0);
    same32(f32_sqrt(f32::INFINITY), f32::INFINITY);
    same32(f32_sqrt(f32b(1)), f32b(0x1a35_04f3)); // sqrt(2^-149) = 2^-74.5
    assert!(canonical32(f32_sqrt(-1.0)));
    assert!(canonical32(f32_sqrt(-f32b(1))));
    assert!(canonical32(f32_sqrt(f32::NEG_INFINITY)));

    same64(f64_sqrt(4.0), 2.0);
    assert_eq!(f64_sqrt(2.0).to_bits(), 0x3ff6_a09e_667f_3bcd);
    same64(f64_sqrt(-0.0), -0.0);
    same64(f64_sqrt(f64::INFINITY), f64::INFINITY);
    assert!(canonical64(f64_sqrt(-1.0)));
    assert!(canonical64(f64_sqrt(-f64b(1))));
    assert!(canonical64(f64_sqrt(f64::NEG_INFINITY)));
}

// ----- min / max ------------------------------------------------------------

#[test]
fn min_max_f32() {
    same32(f32_min(-0.0, 0.0), -0.0);
    same32(f32_min(0.0, -0.0), -0.0);
    same32(f32_min(0.0, 0.0), 0.0);
    same32(f32_max(-0.0, 0.0), 0.0);
    same32(f32_max(0.0, -0.0), 0.0);
    same32(f32_max(-0.0, -0.0), -0.0);
    same32(f32_min(1.0, 2.0), 1.0);
    same32(f32_min(2.0, -1.0), -1.0);
    same32(f32_max(1.0, 2.0), 2.0);
    same32(f32_max(-2.0, -1.0), -1.0);
    same32(f32_min(f32::NEG_INFINITY, f32::MIN), f32::NEG_INFINITY);
    same32(f32_max(f32::INFINITY, f32::MAX), f32::INFINITY);
    same32(f32_max(-0.0, f32b(1)), f32b(1));
    for op in [f32_min, f32_max] {
        for other in [0.0, -0.0, 1.0, f32::INFINITY, f32::NEG_INFINITY] {
            assert!(canonical32(op(f32b(F32_CANON), other)));
            assert!(canonical32(op(other, f32b(0xffc0_0000))));
            assert!(arithmetic32(op(f32b(F32_SNAN), other)));
            assert!(arithmetic32(op(other, f32b(F32_SNAN))));
        }
        assert!(canonical32(op(f32b(F32_CANON), f32b(0xffc0_0000))));
        assert!(arithmetic32(op(f32b(F32_SNAN), f32b(F32_CANON))));
    }
}

#[test]
fn min_max_f64() {
    same64(f64_min(-0.0, 0.0), -0.0);
    same64(f64_min(0.0, -0.0), -0.0);
    same64(f64_max(-0.0, 0.0), 0.0);
    same64(f64_max(0.0, -0.0), 0.0);
    same64(f64_min(1.0, 2.0), 1.0);
    same64(f64_max(1.0, 2.0), 2.0);
    same64(f64_min(f64::NEG_INFINITY, 0.0), f64::NEG_INFINITY);
    same64(f64_max(f64::INFINITY, 0.0), f64::INFINITY);
    for op in [f64_min, f64_max] {
        for other in [0.0, -0.0, 1.0, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(canonical64(op(f64b(F64_CANON), other)));
            assert!(canonical64(op(other, f64b(F64_CANON))));
            assert!(arithmetic64(op(f64b(F64_SNAN), other)));
            assert!(arithmetic64(op(other, f64b(F64_SNAN))));
        }
    }
}

// ----- trapping truncation --------------------------------------------------

#[test]
fn trunc_to_i32() {
    assert_eq!(i32_trunc_f32_s(-0.0), Ok(0));
    assert_eq!(i32_trunc_f32_s(1.9), Ok(1));
    assert_eq!(i32_trunc_f32_s(-1.9), Ok(-1));
    assert_eq!(i32_trunc_f32_s(-2_147_483_648.0), Ok(i32::MIN));
    assert_eq!(i32_trunc_f32_s(2_147_483_520.0), Ok(2_147_483_520));
    assert_eq!(i32_trunc_f32_s(2_147_483_648.0), Err(Overflow));
    assert_eq!(i32_trunc_f32_s(-2_147_483_904.0), Err(Overflow));
    assert_eq!(i32_trunc_f32_s(f32::INFINITY), Err(Overflow));
    assert_eq!(i32_trunc_f32_s(f32::NEG_INFINITY), Err(Overflow));

    assert_eq!(i32_trunc_f32_u(-0.9), Ok(0));
    assert_eq!(i32_trunc_f32_u(2_147_483_648.0), Ok(0x8000_0000));
    assert_eq!(i32_trunc_f32_u(4_294_967_040.0), Ok(4_294_967_040));
    assert_eq!(i32_trunc_f32_u(4_294_967_296.0), Err(Overflow));
    assert_eq!(i32_trunc_f32_u(-1.0), Err(Overflow));
    assert_eq!(i32_trunc_f32_u(f32::INFINITY), Err(Overflow));

    assert_eq!(i32_trunc_f64_s(-2_147_483_648.9), Ok(i32::MIN));
    assert_eq!(i32_trunc_f64_s(2_147_483_647.9), Ok(i32::MAX));
    assert_eq!(i32_trunc_f64_s(-2_147_483_649.0), Err(Overflow));
    assert_eq!(i32_trunc_f64_s(2_147_483_648.0), Err(Overflow));
    assert_eq!(i32_trunc_f64_s(-0.9), Ok(0));
    assert_eq!(i32_trunc_f64_s(f64::NEG_INFINITY), Err(Overflow));

    assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
    assert_eq!(i32_trunc_f64_u(4_294_967_295.9), Ok(u32::MAX));
    assert_eq!(i32_trunc_f64_u(4_294_967_296.0), Err(Overflow));
    assert_eq!(i32_trunc_f64_u(-1.0), Err(Overflow));
    assert_eq!(i32_trunc_f64_u(1e16), Err(Overflow));
}

#[test]
fn trunc_to_i64() {
    assert_eq!(i64_trunc_f32_s(-9_223_372_036_854_775_808.0), Ok(i64::MIN));
    assert_eq!(
        i64_trunc_f32_s(9_223_371_487_098_961_920.0),
        Ok(9_223_371_487_098_961_920)
    );
    assert_eq!(i64_trunc_f32_s(9_223_372_036_854_775_808.0), Err(Overflow));
    assert_eq!(i64_trunc_f32_s(-9_223_373_136_366_403_584.0), Err(Overflow));
    assert_eq!(i64_trunc_f32_s(-1.9), Ok(-1));

    assert_eq!(i64_trunc_f32_u(-0.9), Ok(0));
    assert_eq!(
        i64_trunc_f32_u(18_446_742_974_197_923_840.0),
        Ok(18_446_742_974_197_923_840)
    );
    assert_eq!(i64_trunc_f32_u(18_446_744_073_709_551_616.0), Err(Overflow));
    assert_eq!(i64_trunc_f32_u(-1.0), Err(Overflow));

    assert_eq!(i64_trunc_f64_s(-9_223_372_036_854_775_808.0), Ok(i64::MIN));
    assert_eq!(
        i64_trunc_f64_s(9_223_372_036_854_774_784.0),
        Ok(9_223_372_036_854_774_784)
    );
    assert_eq!(i64_trunc_f64_s(9_223_372_036_854_775_808.0), Err(Overflow));
    assert_eq!(i64_trunc_f64_s(-9_223_372_036_854_777_856.0), Err(Overflow));
    assert_eq!(i64_trunc_f64_s(f64::INFINITY), Err(Overflow));

    assert_eq!(i64_trunc_f64_u(-0.99999), Ok(0));
    assert_eq!(
        i64_trunc_f64_u(18_446_744_073_709_549_568.0),
        Ok(18_446_744_073_709_549_568)
    );
    assert_eq!(i64_trunc_f64_u(18_446_744_073_709_551_616.0), Err(Overflow));
    assert_eq!(i64_trunc_f64_u(-1.0), Err(Overflow));
    assert_eq!(i64_trunc_f64_u(f64::NEG_INFINITY), Err(Overflow));
}

#[test]
fn trunc_nan_is_bad_conversion() {
    for bits in [F32_CANON, 0xffc0_0000, F32_SNAN, 0x7f80_0001] {
        let x = f32b(bits);
        assert_eq!(i32_trunc_f32_s(x), Err(Nan));
        assert_eq!(i32_trunc_f32_u(x), Err(Nan));
        assert_eq!(i64_trunc_f32_s(x), Err(Nan));
        assert_eq!(i64_trunc_f32_u(x), Err(Nan));
    }
    for bits in [
        F64_CANON,
        0xfff8_0000_0000_0000,
        F64_SNAN,
        0x7ff0_0000_0000_0001,
    ] {
        let x = f64b(bits);
        assert_eq!(i32_trunc_f64_s(x), Err(Nan));
        assert_eq!(i32_trunc_f64_u(x), Err(Nan));
        assert_eq!(i64_trunc_f64_s(x), Err(Nan));
        assert_eq!(i64_trunc_f64_u(x), Err(Nan));
    }
}

/// Reference: the truncation, computed exactly in i128, must lie in `[min, max]`.
fn reference_trunc(x: f64, min: i128, max: i128) -> NumericResult<i128> {
    if x.is_nan() {
        return Err(Nan);
    }
    let t = libm::trunc(x);
    // Every float in this window is an exact integer or has a small exact integer part.
    if !(-1.0e20..1.0e20).contains(&t) {
        return Err(Overflow);
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "|t| < 1e20 fits i128 exactly"
    )]
    let t = t as i128;
    if (min..=max).contains(&t) {
        Ok(t)
    } else {
        Err(Overflow)
    }
}

/// Bit patterns near every boundary, plus a coarse sweep of the whole space.
fn f32_samples() -> impl Iterator<Item = f32> {
    let edges = [
        0.0f32,
        1.0,
        2_147_483_648.0,
        4_294_967_296.0,
        9_223_372_036_854_775_808.0,
        18_446_744_073_709_551_616.0,
    ];
    let near = edges.into_iter().flat_map(|e| {
        let b = e.to_bits();
        (b.saturating_sub(300)..b + 300).flat_map(|b| [f32b(b), -f32b(b)])
    });
    near.chain((0..u32::MAX).step_by(65_521).map(f32b))
}

fn f64_samples() -> impl Iterator<Item = f64> {
    let edges = [
        0.0f64,
        1.0,
        2_147_483_648.0,
        2_147_483_649.0,
        4_294_967_296.0,
        9_223_372_036_854_775_808.0,
        18_446_744_073_709_551_616.0,
    ];
    let near = edges.into_iter().flat_map(|e| {
        let b = e.to_bits();
        (b.saturating_sub(300)..b + 300).flat_map(|b| [f64b(b), -f64b(b)])
    });
    near.chain((0..u64::MAX).step_by(0x0000_4000_0000_0001).map(f64b))
}

#[test]
fn trunc_matches_reference() {
    let (i32min, i32max) = (i128::from(i32::MIN), i128::from(i32::MAX));
    let (i64min, i64max) = (i128::from(i64::MIN), i128::from(i64::MAX));
    let (u32max, u64max) = (i128::from(u32::MAX), i128::from(u64::MAX));
    for x in f32_samples() {
        let w = f64::from(x);
        assert_eq!(
            i32_trunc_f32_s(x).map(i128::from),
            reference_trunc(w, i32min, i32max),
            "{x:e}"
        );
        assert_eq!(
            i32_trunc_f32_u(x).map(i128::from),
            reference_trunc(w, 0, u32max),
            "{x:e}"
        );
        assert_eq!(
            i64_trunc_f32_s(x).map(i128::from),
            reference_trunc(w, i64min, i64max),
            "{x:e}"
        );
        assert_eq!(
            i64_trunc_f32_u(x).map(i128::from),
            reference_trunc(w, 0, u64max),
            "{x:e}"
        );
    }
    for x in f64_samples() {
        assert_eq!(
            i32_trunc_f64_s(x).map(i128::from),
            reference_trunc(x, i32min, i32max),
            "{x:e}"
        );
        assert_eq!(
            i32_trunc_f64_u(x).map(i128::from),
            reference_trunc(x, 0, u32max),
            "{x:e}"
        );
        assert_eq!(
            i64_trunc_f64_s(x).map(i128::from),
            reference_trunc(x, i64min, i64max),
            "{x:e}"
        );
        assert_eq!(
            i64_trunc_f64_u(x).map(i128::from),
            reference_trunc(x, 0, u64max),
            "{x:e}"
        );
    }
}

// ----- saturating truncation ------------------------------------------------

#[test]
fn trunc_sat() {
    let nan32 = f32b(F32_SNAN);
    let nan64 = f64b(0xfff8_0000_0000_0000);
    assert_eq!(i32_trunc_sat_f32_s(nan32), 0);
    assert_eq!(i32_trunc_sat_f32_s(-0.0), 0);
    assert_eq!(i32_trunc_sat_f32_s(-1.9), -1);
    assert_eq!(i32_trunc_sat_f32_s(2_147_483_648.0), i32::MAX);
    assert_eq!(i32_trunc_sat_f32_s(-2_147_483_904.0), i32::MIN);
    assert_eq!(i32_trunc_sat_f32_s(f32::NEG_INFINITY), i32::MIN);
    assert_eq!(i32_trunc_sat_f32_u(nan32), 0);
    assert_eq!(i32_trunc_sat_f32_u(-1.0), 0);
    assert_eq!(i32_trunc_sat_f32_u(f32::NEG_INFINITY), 0);
    assert_eq!(i32_trunc_sat_f32_u(4_294_967_296.0), u32::MAX);
    assert_eq!(i32_trunc_sat_f32_u(4_294_967_040.0), 4_294_967_040);
    assert_eq!(i32_trunc_sat_f64_s(nan64), 0);
    assert_eq!(i32_trunc_sat_f64_s(2_147_483_647.9), i32::MAX);
    assert_eq!(i32_trunc_sat_f64_s(-2_147_483_648.9), i32::MIN);
    assert_eq!(i32_trunc_sat_f64_s(-2_147_483_649.0), i32::MIN);
    assert_eq!(i32_trunc_sat_f64_s(f64::INFINITY), i32::MAX);
    assert_eq!(i32_trunc_sat_f64_u(nan64), 0);
    assert_eq!(i32_trunc_sat_f64_u(4_294_967_295.9), u32::MAX);
    assert_eq!(i32_trunc_sat_f64_u(1e16), u32::MAX);
    assert_eq!(i32_trunc_sat_f64_u(-0.9), 0);
    assert_eq!(i64_trunc_sat_f32_s(nan32), 0);
    assert_eq!(i64_trunc_sat_f32_s(9_223_372_036_854_775_808.0), i64::MAX);
    assert_eq!(i64_trunc_sat_f32_s(f32::NEG_INFINITY), i64::MIN);
    assert_eq!(i64_trunc_sat_f32_u(nan32), 0);
    assert_eq!(i64_trunc_sat_f32_u(18_446_744_073_709_551_616.0), u64::MAX);
    assert_eq!(i64_trunc_sat_f32_u(-5.0), 0);
    assert_eq!(i64_trunc_sat_f64_s(nan64), 0);
    assert_eq!(
        i64_trunc_sat_f64_s(9_223_372_036_854_774_784.0),
        9_223_372_036_854_774_784
    );
    assert_eq!(i64_trunc_sat_f64_s(9_223_372_036_854_775_808.0), i64::MAX);
    assert_eq!(i64_trunc_sat_f64_s(-1e300), i64::MIN);
    assert_eq!(i64_trunc_sat_f64_u(nan64), 0);
    assert_eq!(
        i64_trunc_sat_f64_u(18_446_744_073_709_549_568.0),
        18_446_744_073_709_549_568
    );
    assert_eq!(i64_trunc_sat_f64_u(f64::INFINITY), u64::MAX);
    assert_eq!(i64_trunc_sat_f64_u(f64::NEG_INFINITY), 0);
}

// ----- integer-to-float -----------------------------------------------------

#[test]
fn convert_rounds_to_nearest_even() {
    // Ties go to the even neighbour: 2^24 + 1 -> 2^24, 2^24 + 3 -> 2^24 + 4.
    same32(f32_convert_i32_s(16_777_217), 16_777_216.0);
    same32(f32_convert_i32_s(16_777_219), 16_777_220.0);
    same32(f32_convert_i32_s(-16_777_217), -16_777_216.0);
    same32(f32_convert_i32_s(i32::MIN), -2_147_483_648.0);
    same32(f32_convert_i32_s(i32::MAX), 2_147_483_648.0);
    same32(f32_convert_i32_u(u32::MAX), 4_294_967_296.0);
    same32(f32_convert_i32_u(0x8000_0080), 2_147_483_648.0);
    same32(f32_convert_i32_u(0x8000_0081), 2_147_483_904.0);
    same32(f32_convert_i32_u(0x8000_0180), 2_147_484_160.0);
    // Rounding i64 -> f64 -> f32 would give 9007199254740992 here.
    same32(
        f32_convert_i64_s(9_007_199_791_611_905),
        9_007_200_328_482_816.0,
    );
    same32(
        f32_convert_i64_s(-9_007_199_791_611_905),
        -9_007_200_328_482_816.0,
    );
    same32(f32_convert_i64_s(i64::MIN), -9_223_372_036_854_775_808.0);
    same32(
        f32_convert_i64_u(0x7fff_ffff_ffff_ffff),
        9_223_372_036_854_775_808.0,
    );
    same32(f32_convert_i64_u(0x8000_0080_0000_0001), f32b(0x5f00_0001));
    same32(f32_convert_i64_u(0xffff_fe80_0000_0001), f32b(0x5f7f_ffff));
    same32(f32_convert_i64_u(u64::MAX), 18_446_744_073_709_551_616.0);

    same64(f64_convert_i32_s(i32::MIN), -2_147_483_648.0);
    same64(f64_convert_i32_u(u32::MAX), 4_294_967_295.0);
    same64(
        f64_convert_i64_s(9_007_199_254_740_993),
        9_007_199_254_740_992.0,
    );
    same64(
        f64_convert_i64_s(9_007_199_254_740_995),
        9_007_199_254_740_996.0,
    );
    same64(
        f64_convert_i64_s(-9_007_199_254_740_993),
        -9_007_199_254_740_992.0,
    );
    same64(
        f64_convert_i64_u(0x8000_0000_0000_0401),
        f64b(0x43e0_0000_0000_0001),
    );
    same64(
        f64_convert_i64_u(0xffff_ffff_ffff_f400),
        f64b(0x43ef_ffff_ffff_fffe),
    );
    same64(
        f64_convert_i64_u(0xffff_ffff_ffff_f401),
        f64b(0x43ef_ffff_ffff_ffff),
    );
    same64(f64_convert_i64_u(u64::MAX), 18_446_744_073_709_551_616.0);
}

// ----- float-to-float -------------------------------------------------------

#[test]
fn demote() {
    same32(f32_demote_f64(0.0), 0.0);
    same32(f32_demote_f64(-0.0), -0.0);
    same32(f32_demote_f64(1.5), 1.5);
    same32(f32_demote_f64(f64::INFINITY), f32::INFINITY);
    same32(f32_demote_f64(f64::MAX), f32::INFINITY);
    same32(f32_demote_f64(f64::MIN), f32::NEG_INFINITY);
    // 1 + 2^-24 is a tie between 1 and 1 + 2^-23; anything above it rounds up.
    same32(f32_demote_f64(f64b(0x3ff0_0000_1000_0000)), 1.0);
    same32(
        f32_demote_f64(f64b(0x3ff0_0000_1000_0001)),
        f32b(0x3f80_0001),
    );
    same32(
        f32_demote_f64(f64b(0x3ff0_0000_3000_0000)),
        f32b(0x3f80_0002),
    );
    same32(f32_demote_f64(f64b(0x47ef_ffff_efff_ffff)), f32::MAX);
    same32(f32_demote_f64(f64b(0x47ef_ffff_f000_0000)), f32::INFINITY);
    same32(f32_demote_f64(f64b(0x36a0_0000_0000_0000)), f32b(1)); // 2^-149
    same32(f32_demote_f64(f64b(0x3690_0000_0000_0000)), 0.0); // 2^-150: tie to even
    same32(f32_demote_f64(f64b(0x3690_0000_0000_0001)), f32b(1));
    same32(f32_demote_f64(f64b(0xb690_0000_0000_0000)), -0.0);

    assert_eq!(f32_demote_f64(f64b(F64_CANON)).to_bits(), F32_CANON);
    assert_eq!(
        f32_demote_f64(f64b(0xfff8_0000_0000_0000)).to_bits(),
        0xffc0_0000
    );
    assert_eq!(f32_demote_f64(f64b(F64_SNAN)).to_bits(), 0x7fe0_0000);
    assert_eq!(
        f32_demote_f64(f64b(0x7ff0_0000_0000_0001)).to_bits(),
        F32_CANON
    );
    assert!(arithmetic32(f32_demote_f64(f64b(0x7fff_ffff_ffff_ffff))));
}

#[test]
fn promote() {
    same64(f64_promote_f32(0.0), 0.0);
    same64(f64_promote_f32(-0.0), -0.0);
    same64(f64_promote_f32(f32b(1)), f64b(0x36a0_0000_0000_0000));
    same64(f64_promote_f32(f32::MAX), f64b(0x47ef_ffff_e000_0000));
    same64(f64_promote_f32(f32::NEG_INFINITY), f64::NEG_INFINITY);

    assert_eq!(f64_promote_f32(f32b(F32_CANON)).to_bits(), F64_CANON);
    assert_eq!(
        f64_promote_f32(f32b(0xffc0_0000)).to_bits(),
        0xfff8_0000_0000_0000
    );
    assert_eq!(
        f64_promote_f32(f32b(F32_SNAN)).to_bits(),
        0x7ffc_0000_0000_0000
    );
    assert_eq!(
        f64_promote_f32(f32b(0x7f80_0001)).to_bits(),
        0x7ff8_0000_2000_0000
    );
}

#[test]
fn promote_demote_round_trip() {
    for x in f32_samples() {
        let back = f32_demote_f64(f64_promote_f32(x));
        if x.is_nan() {
            assert_eq!(back.to_bits(), x.to_bits() | 0x0040_0000);
        } else {
            same32(back, x);
        }
    }
}
