//! Integer instructions: arithmetic, bit operations, comparisons, and their forms with a
//! constant right operand. Shift and rotate counts are taken modulo the width by
//! `wrapping_shl`/`wrapping_shr`/`rotate_*`, as WebAssembly specifies.
#![expect(
    non_snake_case,
    reason = "handlers are named after the instructions they run"
)]

use super::super::numeric;
use super::super::vm::{Flow, NEXT, Regs, Vm};
use super::numeric_trap;
use crate::op::Slot;

/// The constant of an `…Imm` instruction of a 32-bit operation.
#[inline(always)]
fn u(imm: i32) -> u32 {
    imm.cast_unsigned()
}

/// The constant of an `…Imm` instruction of a 64-bit operation, sign-extended.
#[inline(always)]
fn w(imm: i32) -> u64 {
    i64::from(imm).cast_unsigned()
}

binary! {
    I32Eq(u32 -> set_bool) = |a, b| a == b;
    I32Ne(u32 -> set_bool) = |a, b| a != b;
    I32LtS(i32 -> set_bool) = |a, b| a < b;
    I32LtU(u32 -> set_bool) = |a, b| a < b;
    I32GtS(i32 -> set_bool) = |a, b| a > b;
    I32GtU(u32 -> set_bool) = |a, b| a > b;
    I32LeS(i32 -> set_bool) = |a, b| a <= b;
    I32LeU(u32 -> set_bool) = |a, b| a <= b;
    I32GeS(i32 -> set_bool) = |a, b| a >= b;
    I32GeU(u32 -> set_bool) = |a, b| a >= b;
    I32Add(u32 -> set_u32) = u32::wrapping_add;
    I32Sub(u32 -> set_u32) = u32::wrapping_sub;
    I32Mul(u32 -> set_u32) = u32::wrapping_mul;
    I32And(u32 -> set_u32) = |a, b| a & b;
    I32Or(u32 -> set_u32) = |a, b| a | b;
    I32Xor(u32 -> set_u32) = |a, b| a ^ b;
    I32Shl(u32 -> set_u32) = u32::wrapping_shl;
    I32ShrU(u32 -> set_u32) = u32::wrapping_shr;
    I32Rotl(u32 -> set_u32) = u32::rotate_left;
    I32Rotr(u32 -> set_u32) = u32::rotate_right;
    I64Eq(u64 -> set_bool) = |a, b| a == b;
    I64Ne(u64 -> set_bool) = |a, b| a != b;
    I64LtS(i64 -> set_bool) = |a, b| a < b;
    I64LtU(u64 -> set_bool) = |a, b| a < b;
    I64GtS(i64 -> set_bool) = |a, b| a > b;
    I64GtU(u64 -> set_bool) = |a, b| a > b;
    I64LeS(i64 -> set_bool) = |a, b| a <= b;
    I64LeU(u64 -> set_bool) = |a, b| a <= b;
    I64GeS(i64 -> set_bool) = |a, b| a >= b;
    I64GeU(u64 -> set_bool) = |a, b| a >= b;
    I64Add(u64 -> set_u64) = u64::wrapping_add;
    I64Sub(u64 -> set_u64) = u64::wrapping_sub;
    I64Mul(u64 -> set_u64) = u64::wrapping_mul;
    I64And(u64 -> set_u64) = |a, b| a & b;
    I64Or(u64 -> set_u64) = |a, b| a | b;
    I64Xor(u64 -> set_u64) = |a, b| a ^ b;
}

// Shifts read their count as the low 32 bits of the slot: all 6 bits that a 64-bit shift
// uses are there.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32ShrS(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
) -> Flow {
    r.set_i32(dst, r.i32(a).wrapping_shr(r.u32(b)));
    NEXT
}
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I64Shl(_vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, a: Slot, b: Slot) -> Flow {
    r.set_u64(dst, r.u64(a).wrapping_shl(r.u32(b)));
    NEXT
}
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I64ShrS(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
) -> Flow {
    r.set_i64(dst, r.i64(a).wrapping_shr(r.u32(b)));
    NEXT
}
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I64ShrU(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
) -> Flow {
    r.set_u64(dst, r.u64(a).wrapping_shr(r.u32(b)));
    NEXT
}
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I64Rotl(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
) -> Flow {
    r.set_u64(dst, r.u64(a).rotate_left(r.u32(b)));
    NEXT
}
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I64Rotr(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
) -> Flow {
    r.set_u64(dst, r.u64(a).rotate_right(r.u32(b)));
    NEXT
}

binary_trap! {
    I32DivS(i32 -> set_i32) = numeric::i32_div_s;
    I32DivU(u32 -> set_u32) = numeric::i32_div_u;
    I32RemS(i32 -> set_i32) = numeric::i32_rem_s;
    I32RemU(u32 -> set_u32) = numeric::i32_rem_u;
    I64DivS(i64 -> set_i64) = numeric::i64_div_s;
    I64DivU(u64 -> set_u64) = numeric::i64_div_u;
    I64RemS(i64 -> set_i64) = numeric::i64_rem_s;
    I64RemU(u64 -> set_u64) = numeric::i64_rem_u;
}

unary! {
    I32Eqz(u32 -> set_bool) = |x| x == 0;
    I32Clz(u32 -> set_u32) = u32::leading_zeros;
    I32Ctz(u32 -> set_u32) = u32::trailing_zeros;
    I32Popcnt(u32 -> set_u32) = u32::count_ones;
    I64Eqz(u64 -> set_bool) = |x| x == 0;
    I64Clz(u64 -> set_u64) = |x: u64| u64::from(x.leading_zeros());
    I64Ctz(u64 -> set_u64) = |x: u64| u64::from(x.trailing_zeros());
    I64Popcnt(u64 -> set_u64) = |x: u64| u64::from(x.count_ones());
}

binary_imm! {
    I32AddImm(u32 -> set_u32) = |a: u32, imm| a.wrapping_add(u(imm));
    I32MulImm(u32 -> set_u32) = |a: u32, imm| a.wrapping_mul(u(imm));
    I32AndImm(u32 -> set_u32) = |a: u32, imm| a & u(imm);
    I32OrImm(u32 -> set_u32) = |a: u32, imm| a | u(imm);
    I32XorImm(u32 -> set_u32) = |a: u32, imm| a ^ u(imm);
    I32ShlImm(u32 -> set_u32) = |a: u32, imm| a.wrapping_shl(u(imm));
    I32ShrSImm(i32 -> set_i32) = |a: i32, imm| a.wrapping_shr(u(imm));
    I32ShrUImm(u32 -> set_u32) = |a: u32, imm| a.wrapping_shr(u(imm));
    I32EqImm(u32 -> set_bool) = |a: u32, imm| a == u(imm);
    I32NeImm(u32 -> set_bool) = |a: u32, imm| a != u(imm);
    I32LtSImm(i32 -> set_bool) = |a: i32, imm| a < imm;
    I32LtUImm(u32 -> set_bool) = |a: u32, imm| a < u(imm);
    I32GtSImm(i32 -> set_bool) = |a: i32, imm| a > imm;
    I32GtUImm(u32 -> set_bool) = |a: u32, imm| a > u(imm);
    I32LeSImm(i32 -> set_bool) = |a: i32, imm| a <= imm;
    I32LeUImm(u32 -> set_bool) = |a: u32, imm| a <= u(imm);
    I32GeSImm(i32 -> set_bool) = |a: i32, imm| a >= imm;
    I32GeUImm(u32 -> set_bool) = |a: u32, imm| a >= u(imm);
    I64AddImm(u64 -> set_u64) = |a: u64, imm| a.wrapping_add(w(imm));
    I64MulImm(u64 -> set_u64) = |a: u64, imm| a.wrapping_mul(w(imm));
    I64AndImm(u64 -> set_u64) = |a: u64, imm| a & w(imm);
    I64OrImm(u64 -> set_u64) = |a: u64, imm| a | w(imm);
    I64XorImm(u64 -> set_u64) = |a: u64, imm| a ^ w(imm);
    I64ShlImm(u64 -> set_u64) = |a: u64, imm| a.wrapping_shl(u(imm));
    I64ShrSImm(i64 -> set_i64) = |a: i64, imm| a.wrapping_shr(u(imm));
    I64ShrUImm(u64 -> set_u64) = |a: u64, imm| a.wrapping_shr(u(imm));
    I64EqImm(u64 -> set_bool) = |a: u64, imm| a == w(imm);
    I64NeImm(u64 -> set_bool) = |a: u64, imm| a != w(imm);
    I64LtSImm(i64 -> set_bool) = |a: i64, imm| a < i64::from(imm);
    I64LtUImm(u64 -> set_bool) = |a: u64, imm| a < w(imm);
    I64GtSImm(i64 -> set_bool) = |a: i64, imm| a > i64::from(imm);
    I64GtUImm(u64 -> set_bool) = |a: u64, imm| a > w(imm);
    I64LeSImm(i64 -> set_bool) = |a: i64, imm| a <= i64::from(imm);
    I64LeUImm(u64 -> set_bool) = |a: u64, imm| a <= w(imm);
    I64GeSImm(i64 -> set_bool) = |a: i64, imm| a >= i64::from(imm);
    I64GeUImm(u64 -> set_bool) = |a: u64, imm| a >= w(imm);
    I32RotlImm(u32 -> set_u32) = |a: u32, imm| a.rotate_left(u(imm));
    I32RotrImm(u32 -> set_u32) = |a: u32, imm| a.rotate_right(u(imm));
    I64RotlImm(u64 -> set_u64) = |a: u64, imm| a.rotate_left(u(imm));
    I64RotrImm(u64 -> set_u64) = |a: u64, imm| a.rotate_right(u(imm));
}

/// `dst = a + (b << imm)`, both wrapping as the `i32.shl` and `i32.add` it replaces.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32AddShlImm(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
    imm: i32,
) -> Flow {
    r.set_u32(dst, r.u32(a).wrapping_add(r.u32(b).wrapping_shl(u(imm))));
    NEXT
}

/// `dst = a ^ rotl(b, imm)`, as the `i32.rotl` (by `imm` modulo 32) and `i32.xor` it replaces.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32XorRotlImm(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
    imm: i32,
) -> Flow {
    r.set_u32(dst, r.u32(a) ^ r.u32(b).rotate_left(u(imm)));
    NEXT
}

/// `dst = a ^ (b >> imm)`, as the `i32.shr_u` (by `imm` modulo 32) and `i32.xor` it replaces.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32XorShrUImm(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
    imm: i32,
) -> Flow {
    r.set_u32(dst, r.u32(a) ^ r.u32(b).wrapping_shr(u(imm)));
    NEXT
}

/// `dst = (a >> shift) & mask`, as the `i32.shr_u` (shift taken modulo 32) and `i32.and` it
/// replaces.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32ShrUAndImm(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    shift: u16,
    mask: u32,
) -> Flow {
    r.set_u32(dst, r.u32(a).wrapping_shr(u32::from(shift)) & mask);
    NEXT
}

/// `dst = (a + b) & mask`, as the `i32.add` (wrapping) and `i32.and` it replaces.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32AddAndImm(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
    mask: u32,
) -> Flow {
    r.set_u32(dst, r.u32(a).wrapping_add(r.u32(b)) & mask);
    NEXT
}

/// `dst = (a - b) & mask`, as the `i32.sub` (wrapping) and `i32.and` it replaces.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32SubAndImm(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    a: Slot,
    b: Slot,
    mask: u32,
) -> Flow {
    r.set_u32(dst, r.u32(a).wrapping_sub(r.u32(b)) & mask);
    NEXT
}

/// `a += imm_a`, then `b += imm_b` (wrapping `i32` additions; `a` and `b` may be the same slot).
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32AddImm2(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    a: Slot,
    imm_a: i16,
    b: Slot,
    imm_b: i16,
) -> Flow {
    r.set_u32(a, r.u32(a).wrapping_add_signed(i32::from(imm_a)));
    r.set_u32(b, r.u32(b).wrapping_add_signed(i32::from(imm_b)));
    NEXT
}
