//! Conversions between number types, and sign extension.
#![expect(
    non_snake_case,
    reason = "handlers are named after the instructions they run"
)]

use super::super::numeric;
use super::super::vm::{Flow, NEXT, Regs, Vm, low32};
use super::numeric_trap;
use crate::op::Slot;

unary! {
    I32WrapI64(u64 -> set_u32) = low32;
    I64ExtendI32S(i32 -> set_i64) = i64::from;
    I64ExtendI32U(u32 -> set_u64) = u64::from;
    F32ConvertI32S(i32 -> set_f32) = numeric::f32_convert_i32_s;
    F32ConvertI32U(u32 -> set_f32) = numeric::f32_convert_i32_u;
    F32ConvertI64S(i64 -> set_f32) = numeric::f32_convert_i64_s;
    F32ConvertI64U(u64 -> set_f32) = numeric::f32_convert_i64_u;
    F32DemoteF64(f64 -> set_f32) = numeric::f32_demote_f64;
    F64ConvertI32S(i32 -> set_f64) = numeric::f64_convert_i32_s;
    F64ConvertI32U(u32 -> set_f64) = numeric::f64_convert_i32_u;
    F64ConvertI64S(i64 -> set_f64) = numeric::f64_convert_i64_s;
    F64ConvertI64U(u64 -> set_f64) = numeric::f64_convert_i64_u;
    F64PromoteF32(f32 -> set_f64) = numeric::f64_promote_f32;
    I32Extend8S(i32 -> set_i32) = numeric::i32_extend8_s;
    I32Extend16S(i32 -> set_i32) = numeric::i32_extend16_s;
    I64Extend8S(i64 -> set_i64) = numeric::i64_extend8_s;
    I64Extend16S(i64 -> set_i64) = numeric::i64_extend16_s;
    I64Extend32S(i64 -> set_i64) = numeric::i64_extend32_s;
    I32TruncSatF32S(f32 -> set_i32) = numeric::i32_trunc_sat_f32_s;
    I32TruncSatF32U(f32 -> set_u32) = numeric::i32_trunc_sat_f32_u;
    I32TruncSatF64S(f64 -> set_i32) = numeric::i32_trunc_sat_f64_s;
    I32TruncSatF64U(f64 -> set_u32) = numeric::i32_trunc_sat_f64_u;
    I64TruncSatF32S(f32 -> set_i64) = numeric::i64_trunc_sat_f32_s;
    I64TruncSatF32U(f32 -> set_u64) = numeric::i64_trunc_sat_f32_u;
    I64TruncSatF64S(f64 -> set_i64) = numeric::i64_trunc_sat_f64_s;
    I64TruncSatF64U(f64 -> set_u64) = numeric::i64_trunc_sat_f64_u;
}

unary_trap! {
    I32TruncF32S(f32 -> set_i32) = numeric::i32_trunc_f32_s;
    I32TruncF32U(f32 -> set_u32) = numeric::i32_trunc_f32_u;
    I32TruncF64S(f64 -> set_i32) = numeric::i32_trunc_f64_s;
    I32TruncF64U(f64 -> set_u32) = numeric::i32_trunc_f64_u;
    I64TruncF32S(f32 -> set_i64) = numeric::i64_trunc_f32_s;
    I64TruncF32U(f32 -> set_u64) = numeric::i64_trunc_f32_u;
    I64TruncF64S(f64 -> set_i64) = numeric::i64_trunc_f64_s;
    I64TruncF64U(f64 -> set_u64) = numeric::i64_trunc_f64_u;
}
