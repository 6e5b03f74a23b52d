//! Table and reference instructions; their semantics are `mote_core::tables`, shared with the
//! JIT. References are raw values: store function index + 1 for a function, 0 for null.
#![expect(
    non_snake_case,
    reason = "handlers are named after the instructions they run"
)]

use mote_core::TrapCode;

use super::super::table;
use super::super::vm::{Flow, NEXT, Regs, Vm, trap};
use crate::op::Slot;

/// Ends a handler with the result of a table operation.
#[inline(always)]
fn done(result: Result<(), TrapCode>) -> Flow {
    match result {
        Ok(()) => NEXT,
        Err(code) => trap(code),
    }
}

/// `table.get`: the index is read from `dst`, which then receives the reference.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn TableGet(vm: &mut Vm<'_>, r: &mut Regs, table: u32, dst: Slot) -> Flow {
    match table::get(vm.store, vm.instance as usize, table, r.u32(dst)) {
        Ok(value) => {
            r.set(dst, value);
            NEXT
        }
        Err(code) => trap(code),
    }
}

/// `table.set` with the index at `base` and the reference at `base + 1`.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn TableSet(vm: &mut Vm<'_>, r: &mut Regs, table: u32, base: Slot) -> Flow {
    let (index, value) = (r.u32(base), r.get(base + 1));
    done(table::set(
        vm.store,
        vm.instance as usize,
        table,
        index,
        value,
    ))
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn TableSize(vm: &mut Vm<'_>, r: &mut Regs, table: u32, dst: Slot) -> Flow {
    r.set_u32(dst, table::size(vm.store, vm.instance as usize, table));
    NEXT
}

/// `table.grow` with the initial reference at `base` and the delta at `base + 1`; the old size
/// (or -1) goes to `base`.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn TableGrow(vm: &mut Vm<'_>, r: &mut Regs, table: u32, base: Slot) -> Flow {
    let (init, delta) = (r.get(base), r.u32(base + 1));
    let old = table::grow(vm.store, vm.instance as usize, table, init, delta);
    r.set_u32(base, old);
    NEXT
}

/// `table.fill` with index, reference and length at `base`, `base + 1`, `base + 2`.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn TableFill(vm: &mut Vm<'_>, r: &mut Regs, table: u32, base: Slot) -> Flow {
    let (index, value, len) = (r.u32(base), r.get(base + 1), r.u32(base + 2));
    done(table::fill(
        vm.store,
        vm.instance as usize,
        table,
        index,
        value,
        len,
    ))
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn TableCopy(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    base: Slot,
    dst_table: u32,
    src_table: u32,
) -> Flow {
    let (dst, src, len) = (r.u32(base), r.u32(base + 1), r.u32(base + 2));
    let instance = vm.instance as usize;
    done(table::copy(
        vm.store, instance, dst_table, src_table, dst, src, len,
    ))
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn TableInit(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    base: Slot,
    table: u32,
    segment: u32,
) -> Flow {
    let (dst, src, len) = (r.u32(base), r.u32(base + 1), r.u32(base + 2));
    let instance = vm.instance as usize;
    done(table::init(
        vm.store, instance, table, segment, dst, src, len,
    ))
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn ElemDrop(vm: &mut Vm<'_>, _r: &mut Regs, segment: u32) -> Flow {
    table::drop_elem(vm.store, vm.instance as usize, segment);
    NEXT
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn RefFunc(vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, func: u32) -> Flow {
    match vm.store_func(func) {
        Some(func) => {
            r.set_u64(dst, u64::from(func) + 1);
            NEXT
        }
        None => trap(TrapCode::HostTrap),
    }
}
