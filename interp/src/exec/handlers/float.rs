//! Floating-point instructions. `+ - * /` and comparisons are Rust's IEEE 754 operators; the
//! rest, whose NaN and rounding rules need care, are in [`numeric`](super::super::numeric).
#![expect(
    non_snake_case,
    reason = "handlers are named after the instructions they run"
)]

use super::super::numeric;
use super::super::vm::{Flow, NEXT, Regs, Vm};
use crate::op::Slot;

binary! {
    F32Eq(f32 -> set_bool) = |a, b| a == b;
    F32Ne(f32 -> set_bool) = |a, b| a != b;
    F32Lt(f32 -> set_bool) = |a, b| a < b;
    F32Gt(f32 -> set_bool) = |a, b| a > b;
    F32Le(f32 -> set_bool) = |a, b| a <= b;
    F32Ge(f32 -> set_bool) = |a, b| a >= b;
    F32Add(f32 -> set_f32) = |a, b| a + b;
    F32Sub(f32 -> set_f32) = |a, b| a - b;
    F32Mul(f32 -> set_f32) = |a, b| a * b;
    F32Div(f32 -> set_f32) = |a, b| a / b;
    F32Min(f32 -> set_f32) = numeric::f32_min;
    F32Max(f32 -> set_f32) = numeric::f32_max;
    F32Copysign(f32 -> set_f32) = numeric::f32_copysign;
    F64Eq(f64 -> set_bool) = |a, b| a == b;
    F64Ne(f64 -> set_bool) = |a, b| a != b;
    F64Lt(f64 -> set_bool) = |a, b| a < b;
    F64Gt(f64 -> set_bool) = |a, b| a > b;
    F64Le(f64 -> set_bool) = |a, b| a <= b;
    F64Ge(f64 -> set_bool) = |a, b| a >= b;
    F64Add(f64 -> set_f64) = |a, b| a + b;
    F64Sub(f64 -> set_f64) = |a, b| a - b;
    F64Mul(f64 -> set_f64) = |a, b| a * b;
    F64Div(f64 -> set_f64) = |a, b| a / b;
    F64Min(f64 -> set_f64) = numeric::f64_min;
    F64Max(f64 -> set_f64) = numeric::f64_max;
    F64Copysign(f64 -> set_f64) = numeric::f64_copysign;
}

unary! {
    F32Abs(f32 -> set_f32) = numeric::f32_abs;
    F32Neg(f32 -> set_f32) = numeric::f32_neg;
    F32Ceil(f32 -> set_f32) = numeric::f32_ceil;
    F32Floor(f32 -> set_f32) = numeric::f32_floor;
    F32Trunc(f32 -> set_f32) = numeric::f32_trunc;
    F32Nearest(f32 -> set_f32) = numeric::f32_nearest;
    F32Sqrt(f32 -> set_f32) = numeric::f32_sqrt;
    F64Abs(f64 -> set_f64) = numeric::f64_abs;
    F64Neg(f64 -> set_f64) = numeric::f64_neg;
    F64Ceil(f64 -> set_f64) = numeric::f64_ceil;
    F64Floor(f64 -> set_f64) = numeric::f64_floor;
    F64Trunc(f64 -> set_f64) = numeric::f64_trunc;
    F64Nearest(f64 -> set_f64) = numeric::f64_nearest;
    F64Sqrt(f64 -> set_f64) = numeric::f64_sqrt;
}

/// `dst = a + b * c`, as the `f64.mul` and `f64.add` it replaces (each rounded).
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn F64AddMul(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
    c: Slot,
) -> Flow {
    let product = r.f64(b) * r.f64(c);
    r.set_f64(dst, r.f64(a) + product);
    NEXT
}
