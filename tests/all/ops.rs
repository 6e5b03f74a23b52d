//! A table of numeric instructions with Rust oracles, for the property tests: each entry becomes
//! an exported function `(func (export NAME) (param ...) (result ...) (NAME (local.get 0) ...))`.

use ValType::{F32, F64, I32, I64};
use mote::{TrapCode, Val, ValType};
use proptest::prelude::*;
use proptest::sample::select;

/// One instruction, its type and what it must compute (or how it must trap).
pub struct Op {
    /// The instruction, also the export name.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValType],
    /// Result type.
    pub result: ValType,
    /// The expected result.
    pub eval: fn(&[Val]) -> Result<Val, TrapCode>,
}

const fn op(
    name: &'static str,
    params: &'static [ValType],
    result: ValType,
    eval: fn(&[Val]) -> Result<Val, TrapCode>,
) -> Op {
    Op {
        name,
        params,
        result,
        eval,
    }
}

fn a32(v: &[Val]) -> i32 {
    v[0].i32().unwrap()
}
fn b32(v: &[Val]) -> i32 {
    v[1].i32().unwrap()
}
fn a64(v: &[Val]) -> i64 {
    v[0].i64().unwrap()
}
fn b64(v: &[Val]) -> i64 {
    v[1].i64().unwrap()
}
fn af(v: &[Val]) -> f32 {
    v[0].f32().unwrap()
}
fn bf(v: &[Val]) -> f32 {
    v[1].f32().unwrap()
}
fn ad(v: &[Val]) -> f64 {
    v[0].f64().unwrap()
}
fn bd(v: &[Val]) -> f64 {
    v[1].f64().unwrap()
}
fn i(b: bool) -> Result<Val, TrapCode> {
    Ok(Val::I32(i32::from(b)))
}
fn w32(x: i32) -> Result<Val, TrapCode> {
    Ok(Val::I32(x))
}
fn w64(x: i64) -> Result<Val, TrapCode> {
    Ok(Val::I64(x))
}
fn wf(x: f32) -> Result<Val, TrapCode> {
    Ok(Val::from(x))
}
fn wd(x: f64) -> Result<Val, TrapCode> {
    Ok(Val::from(x))
}
fn div<T>(r: Option<T>, zero: bool) -> Result<T, TrapCode> {
    match (r, zero) {
        (_, true) => Err(TrapCode::IntegerDivisionByZero),
        (None, false) => Err(TrapCode::IntegerOverflow),
        (Some(r), false) => Ok(r),
    }
}

/// Wasm `min`: NaN if either operand is NaN, and -0 below +0.
fn fmin(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}
fn fmax(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_positive() { a } else { b }
    } else {
        a.max(b)
    }
}

/// A trapping float-to-int truncation: `lo < trunc(x) < hi` or trap.
fn trunc(x: f64, lo: f64, hi: f64) -> Result<f64, TrapCode> {
    if x.is_nan() {
        return Err(TrapCode::BadConversionToInteger);
    }
    let t = x.trunc();
    if t > lo && t < hi {
        Ok(t)
    } else {
        Err(TrapCode::IntegerOverflow)
    }
}

const P31: f64 = 2_147_483_648.0;
const P32: f64 = 4_294_967_296.0;
const P63: f64 = 9_223_372_036_854_775_808.0;
const P64: f64 = 18_446_744_073_709_551_616.0;

#[rustfmt::skip]
pub const OPS: &[Op] = &[
    op("i32.add", &[I32, I32], I32, |v| w32(a32(v).wrapping_add(b32(v)))),
    op("i32.sub", &[I32, I32], I32, |v| w32(a32(v).wrapping_sub(b32(v)))),
    op("i32.mul", &[I32, I32], I32, |v| w32(a32(v).wrapping_mul(b32(v)))),
    op("i32.div_s", &[I32, I32], I32, |v| div(a32(v).checked_div(b32(v)), b32(v) == 0).map(Val::I32)),
    op("i32.div_u", &[I32, I32], I32, |v| div((a32(v) as u32).checked_div(b32(v) as u32), b32(v) == 0).map(|r| Val::I32(r as i32))),
    op("i32.rem_s", &[I32, I32], I32, |v| if b32(v) == 0 { Err(TrapCode::IntegerDivisionByZero) } else { w32(a32(v).wrapping_rem(b32(v))) }),
    op("i32.rem_u", &[I32, I32], I32, |v| div((a32(v) as u32).checked_rem(b32(v) as u32), b32(v) == 0).map(|r| Val::I32(r as i32))),
    op("i32.and", &[I32, I32], I32, |v| w32(a32(v) & b32(v))),
    op("i32.or", &[I32, I32], I32, |v| w32(a32(v) | b32(v))),
    op("i32.xor", &[I32, I32], I32, |v| w32(a32(v) ^ b32(v))),
    op("i32.shl", &[I32, I32], I32, |v| w32(a32(v).wrapping_shl(b32(v) as u32))),
    op("i32.shr_s", &[I32, I32], I32, |v| w32(a32(v).wrapping_shr(b32(v) as u32))),
    op("i32.shr_u", &[I32, I32], I32, |v| w32((a32(v) as u32).wrapping_shr(b32(v) as u32) as i32)),
    op("i32.rotl", &[I32, I32], I32, |v| w32(a32(v).rotate_left(b32(v) as u32))),
    op("i32.rotr", &[I32, I32], I32, |v| w32(a32(v).rotate_right(b32(v) as u32))),
    op("i32.eq", &[I32, I32], I32, |v| i(a32(v) == b32(v))),
    op("i32.lt_s", &[I32, I32], I32, |v| i(a32(v) < b32(v))),
    op("i32.lt_u", &[I32, I32], I32, |v| i((a32(v) as u32) < b32(v) as u32)),
    op("i32.ge_u", &[I32, I32], I32, |v| i((a32(v) as u32) >= b32(v) as u32)),
    op("i32.clz", &[I32], I32, |v| w32(a32(v).leading_zeros() as i32)),
    op("i32.ctz", &[I32], I32, |v| w32(a32(v).trailing_zeros() as i32)),
    op("i32.popcnt", &[I32], I32, |v| w32(a32(v).count_ones() as i32)),
    op("i32.eqz", &[I32], I32, |v| i(a32(v) == 0)),
    op("i32.extend8_s", &[I32], I32, |v| w32(i32::from(a32(v) as i8))),
    op("i32.extend16_s", &[I32], I32, |v| w32(i32::from(a32(v) as i16))),
    op("i64.add", &[I64, I64], I64, |v| w64(a64(v).wrapping_add(b64(v)))),
    op("i64.mul", &[I64, I64], I64, |v| w64(a64(v).wrapping_mul(b64(v)))),
    op("i64.div_s", &[I64, I64], I64, |v| div(a64(v).checked_div(b64(v)), b64(v) == 0).map(Val::I64)),
    op("i64.div_u", &[I64, I64], I64, |v| div((a64(v) as u64).checked_div(b64(v) as u64), b64(v) == 0).map(|r| Val::I64(r as i64))),
    op("i64.rem_s", &[I64, I64], I64, |v| if b64(v) == 0 { Err(TrapCode::IntegerDivisionByZero) } else { w64(a64(v).wrapping_rem(b64(v))) }),
    op("i64.rem_u", &[I64, I64], I64, |v| div((a64(v) as u64).checked_rem(b64(v) as u64), b64(v) == 0).map(|r| Val::I64(r as i64))),
    op("i64.shl", &[I64, I64], I64, |v| w64(a64(v).wrapping_shl(b64(v) as u32))),
    op("i64.shr_s", &[I64, I64], I64, |v| w64(a64(v).wrapping_shr(b64(v) as u32))),
    op("i64.shr_u", &[I64, I64], I64, |v| w64((a64(v) as u64).wrapping_shr(b64(v) as u32) as i64)),
    op("i64.rotl", &[I64, I64], I64, |v| w64(a64(v).rotate_left((b64(v) & 63) as u32))),
    op("i64.rotr", &[I64, I64], I64, |v| w64(a64(v).rotate_right((b64(v) & 63) as u32))),
    op("i64.lt_s", &[I64, I64], I32, |v| i(a64(v) < b64(v))),
    op("i64.gt_u", &[I64, I64], I32, |v| i(a64(v) as u64 > b64(v) as u64)),
    op("i64.clz", &[I64], I64, |v| w64(i64::from(a64(v).leading_zeros()))),
    op("i64.ctz", &[I64], I64, |v| w64(i64::from(a64(v).trailing_zeros()))),
    op("i64.popcnt", &[I64], I64, |v| w64(i64::from(a64(v).count_ones()))),
    op("i64.eqz", &[I64], I32, |v| i(a64(v) == 0)),
    op("i64.extend32_s", &[I64], I64, |v| w64(i64::from(a64(v) as i32))),
    op("i32.wrap_i64", &[I64], I32, |v| w32(a64(v) as i32)),
    op("i64.extend_i32_s", &[I32], I64, |v| w64(i64::from(a32(v)))),
    op("i64.extend_i32_u", &[I32], I64, |v| w64(i64::from(a32(v) as u32))),
    op("f32.add", &[F32, F32], F32, |v| wf(af(v) + bf(v))),
    op("f32.div", &[F32, F32], F32, |v| wf(af(v) / bf(v))),
    op("f32.min", &[F32, F32], F32, |v| wf(fmin(f64::from(af(v)), f64::from(bf(v))) as f32)),
    op("f32.max", &[F32, F32], F32, |v| wf(fmax(f64::from(af(v)), f64::from(bf(v))) as f32)),
    op("f32.copysign", &[F32, F32], F32, |v| wf(af(v).copysign(bf(v)))),
    op("f32.sqrt", &[F32], F32, |v| wf(af(v).sqrt())),
    op("f32.nearest", &[F32], F32, |v| wf(af(v).round_ties_even())),
    op("f32.ceil", &[F32], F32, |v| wf(af(v).ceil())),
    op("f32.neg", &[F32], F32, |v| Ok(Val::F32(af(v).to_bits() ^ 0x8000_0000))),
    op("f32.lt", &[F32, F32], I32, |v| i(af(v) < bf(v))),
    op("f64.sub", &[F64, F64], F64, |v| wd(ad(v) - bd(v))),
    op("f64.mul", &[F64, F64], F64, |v| wd(ad(v) * bd(v))),
    op("f64.min", &[F64, F64], F64, |v| wd(fmin(ad(v), bd(v)))),
    op("f64.max", &[F64, F64], F64, |v| wd(fmax(ad(v), bd(v)))),
    op("f64.floor", &[F64], F64, |v| wd(ad(v).floor())),
    op("f64.trunc", &[F64], F64, |v| wd(ad(v).trunc())),
    op("f64.nearest", &[F64], F64, |v| wd(ad(v).round_ties_even())),
    op("f64.abs", &[F64], F64, |v| Ok(Val::F64(ad(v).to_bits() & !(1 << 63)))),
    op("f64.ne", &[F64, F64], I32, |v| i(ad(v) != bd(v))),
    op("f64.ge", &[F64, F64], I32, |v| i(ad(v) >= bd(v))),
    op("i32.trunc_f32_s", &[F32], I32, |v| trunc(f64::from(af(v)), -P31 - 1.0, P31).map(|t| Val::I32(t as i32))),
    op("i32.trunc_f32_u", &[F32], I32, |v| trunc(f64::from(af(v)), -1.0, P32).map(|t| Val::I32(t as u32 as i32))),
    op("i32.trunc_f64_s", &[F64], I32, |v| trunc(ad(v), -P31 - 1.0, P31).map(|t| Val::I32(t as i32))),
    op("i32.trunc_f64_u", &[F64], I32, |v| trunc(ad(v), -1.0, P32).map(|t| Val::I32(t as u32 as i32))),
    op("i64.trunc_f32_s", &[F32], I64, |v| trunc(f64::from(af(v)), -P63 - 1025.0, P63).map(|t| Val::I64(t as i64))),
    op("i64.trunc_f64_s", &[F64], I64, |v| trunc(ad(v), -P63 - 1025.0, P63).map(|t| Val::I64(t as i64))),
    op("i64.trunc_f64_u", &[F64], I64, |v| trunc(ad(v), -1.0, P64).map(|t| Val::I64(t as u64 as i64))),
    op("i32.trunc_sat_f32_s", &[F32], I32, |v| w32(af(v) as i32)),
    op("i32.trunc_sat_f64_u", &[F64], I32, |v| w32(ad(v) as u32 as i32)),
    op("i64.trunc_sat_f32_u", &[F32], I64, |v| w64(af(v) as u64 as i64)),
    op("i64.trunc_sat_f64_s", &[F64], I64, |v| w64(ad(v) as i64)),
    op("f32.convert_i32_u", &[I32], F32, |v| wf(a32(v) as u32 as f32)),
    op("f32.convert_i64_s", &[I64], F32, |v| wf(a64(v) as f32)),
    op("f32.convert_i64_u", &[I64], F32, |v| wf(a64(v) as u64 as f32)),
    op("f64.convert_i32_s", &[I32], F64, |v| wd(f64::from(a32(v)))),
    op("f64.convert_i64_u", &[I64], F64, |v| wd(a64(v) as u64 as f64)),
    op("f32.demote_f64", &[F64], F32, |v| wf(ad(v) as f32)),
    op("f64.promote_f32", &[F32], F64, |v| wd(f64::from(af(v)))),
    op("i32.reinterpret_f32", &[F32], I32, |v| w32(af(v).to_bits() as i32)),
    op("f64.reinterpret_i64", &[I64], F64, |v| Ok(Val::F64(a64(v) as u64))),
];

/// The module with one exported function per entry of [`OPS`].
pub fn module_text() -> String {
    let mut wat = String::from("(module\n");
    for op in OPS {
        let params: Vec<String> = op.params.iter().map(ToString::to_string).collect();
        let gets: Vec<String> = (0..op.params.len())
            .map(|i| format!("(local.get {i})"))
            .collect();
        wat.push_str(&format!(
            "  (func (export \"{}\") (param {}) (result {}) ({} {}))\n",
            op.name,
            params.join(" "),
            op.result,
            op.name,
            gets.join(" ")
        ));
    }
    wat.push(')');
    wat
}

/// Whether `actual` is what `expected` allows: equal bits, or any NaN where a NaN is expected
/// from arithmetic (sign and payload of arithmetic NaNs are not specified).
pub fn matches(name: &str, expected: &Val, actual: &Val) -> bool {
    let bitwise = name.ends_with("neg") || name.ends_with("abs") || name.ends_with("copysign");
    match (expected, actual) {
        (Val::F32(e), Val::F32(a)) if !bitwise && f32::from_bits(*e).is_nan() => {
            f32::from_bits(*a).is_nan()
        }
        (Val::F64(e), Val::F64(a)) if !bitwise && f64::from_bits(*e).is_nan() => {
            f64::from_bits(*a).is_nan()
        }
        _ => expected == actual,
    }
}

/// `i32`s, biased towards edge cases of shifts, division and sign extension.
pub fn int32() -> impl Strategy<Value = i32> {
    prop_oneof![
        any::<i32>(),
        -3..4i32,
        select(vec![
            i32::MIN,
            i32::MIN + 1,
            i32::MAX,
            31,
            32,
            33,
            63,
            64,
            0x7f,
            -0x80,
            0xffff
        ]),
    ]
}

/// `i64`s, biased towards edge cases.
pub fn int64() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        int32().prop_map(i64::from),
        select(vec![
            i64::MIN,
            i64::MIN + 1,
            i64::MAX,
            1 << 32,
            u32::MAX.into(),
            -(1 << 53)
        ]),
    ]
}

/// `f32`s: any bit pattern (NaN payloads too), small values, and conversion boundaries.
pub fn float32() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<u32>().prop_map(f32::from_bits),
        -5.0f32..5.0,
        float64().prop_map(|f| f as f32),
        select(vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            2.5,
            -2.5,
            -1.0,
            -0.99,
            f32::NAN,
            -f32::NAN,
            f32::from_bits(0x7fa0_0000),
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
            f32::MAX,
            f32::MIN,
            2_147_483_520.0,
            2_147_483_648.0,
            -2_147_483_904.0,
            4_294_967_040.0,
            4_294_967_296.0,
            9.223_371e18,
            9.223_372e18,
            1.844_674_4e19,
        ]),
    ]
}

/// `f64`s: any bit pattern, small values, and conversion and rounding boundaries.
pub fn float64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        -5.0f64..5.0,
        -1e20f64..1e20,
        select(vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            2.5,
            -1.0,
            -0.999,
            f64::NAN,
            -f64::NAN,
            f64::from_bits(0x7ff4_0000_0000_0001),
            f64::INFINITY,
            f64::NEG_INFINITY,
            2_147_483_647.9,
            -2_147_483_648.9,
            4_294_967_295.9,
            4_294_967_296.0,
            9_223_372_036_854_774_784.0,
            9_223_372_036_854_775_808.0,
            -9_223_372_036_854_775_808.0,
            -9_223_372_036_854_777_856.0,
            18_446_744_073_709_549_568.0,
            18_446_744_073_709_551_616.0,
            0.499_999_999_999_999_94,
            4_503_599_627_370_497.0,
        ]),
    ]
}
