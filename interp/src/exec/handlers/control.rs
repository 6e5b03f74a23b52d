//! Control instructions: traps, fuel, jumps, compare-and-branch, calls and returns. Calls and
//! returns between functions of the running instance stay in the dispatch loop
//! ([`Vm::call_defined`], [`Vm::ret`]); the others stop the run for the executor.
#![expect(
    non_snake_case,
    reason = "handlers are named after the instructions they run"
)]

use mote_core::TrapCode;

use super::super::Exit;
use super::super::table;
use super::super::vm::{Flow, NEXT, Regs, Vm, trap};
use crate::op::{Op, Slot};

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn Unreachable(_vm: &mut Vm<'_>, _r: &mut Regs) -> Flow {
    trap(TrapCode::Unreachable)
}

/// Pays for the segment that starts here, or stops *at* this instruction so that resuming
/// re-runs the check and nothing is charged twice.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn ConsumeFuel(vm: &mut Vm<'_>, r: &mut Regs, amount: u32) -> Flow {
    let amount = u64::from(amount);
    if vm.store.fuel < amount {
        // SAFETY: `ip` was advanced past this instruction, so one back is still inside the
        // function's code.
        r.ip = unsafe { r.ip.sub(1) };
        return vm.exit(Exit::OutOfFuel { required: amount });
    }
    vm.store.fuel -= amount;
    NEXT
}

/// Stops the run with `interrupt` once the engine's epoch reaches the store's deadline.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn CheckEpoch(vm: &mut Vm<'_>, _r: &mut Regs) -> Flow {
    if vm.store.epoch_deadline_reached() {
        return trap(TrapCode::Interrupt);
    }
    NEXT
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn Br(vm: &mut Vm<'_>, r: &mut Regs, target: u32) -> Flow {
    vm.jump(r, target);
    NEXT
}

/// `a += imm`, then jump to `target` if `a != b`.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32AddImmBrNe(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    a: Slot,
    imm: i16,
    b: Slot,
    target: u32,
) -> Flow {
    let sum = r.u32(a).wrapping_add_signed(i32::from(imm));
    r.set_u32(a, sum);
    vm.jump_if(r, sum != r.u32(b), target);
    NEXT
}

/// The `I32AddBr…` handlers: `dst = a + b` (wrapping), then the jump of the `Br` that follows
/// when `f(dst, c)` holds, else past it. `c` is read after `dst` is written, as the
/// comparison after the `i32.add` would.
macro_rules! add_branch {
    ($( $name:ident = $f:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, a: Slot, b: Slot, c: Slot,
        ) -> Flow {
            let sum = r.u32(a).wrapping_add(r.u32(b));
            r.set_u32(dst, sum);
            vm.jump_or_skip(r, ($f)(sum, r.u32(c)));
            NEXT
        }
    )*};
}

add_branch! {
    I32AddBrGeU = |x: u32, y: u32| x >= y;
    I32AddBrLtU = |x: u32, y: u32| x < y;
    I32AddBrLeU = |x: u32, y: u32| x <= y;
    I32AddBrGtU = |x: u32, y: u32| x > y;
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn BrIfNez(vm: &mut Vm<'_>, r: &mut Regs, cond: Slot, target: u32) -> Flow {
    vm.jump_if(r, r.u32(cond) != 0, target);
    NEXT
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn BrIfEqz(vm: &mut Vm<'_>, r: &mut Regs, cond: Slot, target: u32) -> Flow {
    vm.jump_if(r, r.u32(cond) == 0, target);
    NEXT
}

/// Takes the `min(index, len)`-th of the `Br`s that follow directly (one dispatch, not two).
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn BrTable(vm: &mut Vm<'_>, r: &mut Regs, index: Slot, len: u32) -> Flow {
    let chosen = r.u32(index).min(len) as usize;
    match r.peek(chosen) {
        Op::Br { target } => vm.jump(r, target),
        // The verifier makes every following instruction a `Br`; run it if it were not.
        // SAFETY: `chosen <= len`, and the verifier checked that `len + 1` instructions follow.
        _ => r.ip = unsafe { r.ip.add(chosen) },
    }
    NEXT
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn Return(vm: &mut Vm<'_>, r: &mut Regs, src: Slot, count: u16) -> Flow {
    vm.ret(r, src, count)
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn Call(vm: &mut Vm<'_>, r: &mut Regs, func: u32, base: Slot) -> Flow {
    vm.call(r, func, base)
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn CallIndirect(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    base: Slot,
    ty: u32,
    table: u32,
) -> Flow {
    match table::resolve_indirect(r, vm.store, vm.instance, ty, table, base) {
        Ok(func) => vm.call_store_func(r, func, base),
        Err(code) => trap(code),
    }
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn ReturnCall(vm: &mut Vm<'_>, r: &mut Regs, func: u32, base: Slot) -> Flow {
    vm.tail_call(r, func, base)
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn ReturnCallIndirect(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    base: Slot,
    ty: u32,
    table: u32,
) -> Flow {
    match table::resolve_indirect(r, vm.store, vm.instance, ty, table, base) {
        Ok(func) => vm.tail_call_store_func(r, func, base),
        Err(code) => trap(code),
    }
}

branch! {
    BrI32Eq(u32) = |a, b| a == b;
    BrI32Ne(u32) = |a, b| a != b;
    BrI32LtS(i32) = |a, b| a < b;
    BrI32LtU(u32) = |a, b| a < b;
    BrI32GtS(i32) = |a, b| a > b;
    BrI32GtU(u32) = |a, b| a > b;
    BrI32LeS(i32) = |a, b| a <= b;
    BrI32LeU(u32) = |a, b| a <= b;
    BrI32GeS(i32) = |a, b| a >= b;
    BrI32GeU(u32) = |a, b| a >= b;
    BrI64Eq(u64) = |a, b| a == b;
    BrI64Ne(u64) = |a, b| a != b;
    BrI64LtS(i64) = |a, b| a < b;
    BrI64LtU(u64) = |a, b| a < b;
    BrI64GtS(i64) = |a, b| a > b;
    BrI64GtU(u64) = |a, b| a > b;
    BrI64LeS(i64) = |a, b| a <= b;
    BrI64LeU(u64) = |a, b| a <= b;
    BrI64GeS(i64) = |a, b| a >= b;
    BrI64GeU(u64) = |a, b| a >= b;
}

/// The constant of a 32-bit compare-and-branch, sign-extended.
#[inline(always)]
fn u(imm: i16) -> u32 {
    i32::from(imm).cast_unsigned()
}

/// The constant of a 64-bit compare-and-branch, sign-extended.
#[inline(always)]
fn w(imm: i16) -> u64 {
    i64::from(imm).cast_unsigned()
}

branch_imm! {
    BrI32EqImm(u32) = |a, imm| a == u(imm);
    BrI32NeImm(u32) = |a, imm| a != u(imm);
    BrI32LtSImm(i32) = |a, imm| a < i32::from(imm);
    BrI32LtUImm(u32) = |a, imm| a < u(imm);
    BrI32GtSImm(i32) = |a, imm| a > i32::from(imm);
    BrI32GtUImm(u32) = |a, imm| a > u(imm);
    BrI32LeSImm(i32) = |a, imm| a <= i32::from(imm);
    BrI32LeUImm(u32) = |a, imm| a <= u(imm);
    BrI32GeSImm(i32) = |a, imm| a >= i32::from(imm);
    BrI32GeUImm(u32) = |a, imm| a >= u(imm);
    BrI64EqImm(u64) = |a, imm| a == w(imm);
    BrI64NeImm(u64) = |a, imm| a != w(imm);
    BrI64LtSImm(i64) = |a, imm| a < i64::from(imm);
    BrI64LtUImm(u64) = |a, imm| a < w(imm);
    BrI64GtSImm(i64) = |a, imm| a > i64::from(imm);
    BrI64GtUImm(u64) = |a, imm| a > w(imm);
    BrI64LeSImm(i64) = |a, imm| a <= i64::from(imm);
    BrI64LeUImm(u64) = |a, imm| a <= w(imm);
    BrI64GeSImm(i64) = |a, imm| a >= i64::from(imm);
    BrI64GeUImm(u64) = |a, imm| a >= w(imm);
}
