//! Slots, constants, globals and `select`.
#![expect(
    non_snake_case,
    reason = "handlers are named after the instructions they run"
)]

use mote_core::TrapCode;

use super::super::vm::{Flow, NEXT, Regs, Vm, trap};
use crate::op::Slot;

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn Select(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    cond: Slot,
    a: Slot,
    b: Slot,
) -> Flow {
    let value = if r.u32(cond) != 0 { r.get(a) } else { r.get(b) };
    r.set(dst, value);
    NEXT
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn Copy(_vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, src: Slot) -> Flow {
    r.set(dst, r.get(src));
    NEXT
}

/// Two copies, in order (the second may read what the first wrote).
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn Copy2(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    src: Slot,
    dst2: Slot,
    src2: Slot,
) -> Flow {
    r.set(dst, r.get(src));
    r.set(dst2, r.get(src2));
    NEXT
}

/// Replaces an `f32` NaN by the canonical NaN (`Config::canonicalize_nans`).
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn CanonicalizeF32(_vm: &mut Vm<'_>, r: &mut Regs, slot: Slot) -> Flow {
    if r.f32(slot).is_nan() {
        r.set_u32(slot, 0x7fc0_0000);
    }
    NEXT
}

/// Replaces an `f64` NaN by the canonical NaN.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn CanonicalizeF64(_vm: &mut Vm<'_>, r: &mut Regs, slot: Slot) -> Flow {
    if r.f64(slot).is_nan() {
        r.set_u64(slot, 0x7ff8_0000_0000_0000);
    }
    NEXT
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn Const32(_vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, value: u32) -> Flow {
    r.set_u32(dst, value);
    NEXT
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn Const64(
    _vm: &mut Vm<'_>,
    r: &mut Regs,
    dst: Slot,
    lo: u32,
    hi: u32,
) -> Flow {
    r.set_u64(dst, u64::from(hi) << 32 | u64::from(lo));
    NEXT
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn GlobalGet(vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, index: u32) -> Flow {
    match global(vm, index) {
        Some(global) => {
            r.set(dst, vm.store.globals[global].value);
            NEXT
        }
        None => trap(TrapCode::HostTrap),
    }
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn GlobalSet(vm: &mut Vm<'_>, r: &mut Regs, src: Slot, index: u32) -> Flow {
    match global(vm, index) {
        Some(global) => {
            vm.store.globals[global].value = r.get(src);
            NEXT
        }
        None => trap(TrapCode::HostTrap),
    }
}

/// The store index of the instance's global `index`, checked to be valid. Both lookups are
/// `get`s rather than indexing: the verifier and instantiation make them always succeed, and
/// a panic path would make the handler save registers on every run (the threaded handlers
/// are meant to be call-free).
#[inline(always)]
fn global(vm: &Vm<'_>, index: u32) -> Option<usize> {
    let global = *vm
        .store
        .instances
        .get(vm.instance as usize)?
        .globals
        .get(index as usize)? as usize;
    (global < vm.store.globals.len()).then_some(global)
}
