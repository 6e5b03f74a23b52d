//! The instruction handlers: one function per instruction, named after it (`handlers::I32Add`
//! runs `Op::I32Add`), taking the instruction's operands in declaration order. Both dispatchers
//! call them, so an instruction's semantics are written once.
//!
//! Handlers are inlined into the dispatcher in optimised builds, and ordinary calls in debug
//! builds: inlining all of them there would make the dispatch loop's stack frame tens of
//! kilobytes (every inlined local gets its own slot without optimisation), too much for the
//! 64 KiB-stack tests in `tests/all/host_stack.rs`.
//!
//! A handler reads and writes slots through [`Regs`](super::vm::Regs), may change `ip` (jumps,
//! calls, returns), and returns [`NEXT`](super::vm::NEXT) or stops the run. The exact numeric
//! semantics are plain functions in [`numeric`](super::numeric); the handlers of uniform shape
//! (binary, unary, compare-and-branch) are generated from tables by the macros below, which
//! only move operands in and out: the semantics are the functions or closures named in each
//! table.

/// Handlers of shape `dst = f(a, b)` over slots read as `$get` and written with `$set`.
macro_rules! binary {
    ($( $name:ident($get:ident -> $set:ident) = $f:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            _vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, a: Slot, b: Slot,
        ) -> Flow {
            let value = ($f)(r.$get(a), r.$get(b));
            r.$set(dst, value);
            NEXT
        }
    )*};
}

/// Handlers of shape `dst = f(a, b)?` for operations that can trap.
macro_rules! binary_trap {
    ($( $name:ident($get:ident -> $set:ident) = $f:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            _vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, a: Slot, b: Slot,
        ) -> Flow {
            match ($f)(r.$get(a), r.$get(b)) {
                Ok(value) => {
                    r.$set(dst, value);
                    NEXT
                }
                Err(e) => numeric_trap(e),
            }
        }
    )*};
}

/// Handlers of shape `dst = f(a, imm)` with a constant right operand.
macro_rules! binary_imm {
    ($( $name:ident($get:ident -> $set:ident) = $f:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            _vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, a: Slot, imm: i32,
        ) -> Flow {
            let value = ($f)(r.$get(a), imm);
            r.$set(dst, value);
            NEXT
        }
    )*};
}

/// Handlers of shape `dst = f(src)`.
macro_rules! unary {
    ($( $name:ident($get:ident -> $set:ident) = $f:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(_vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, src: Slot) -> Flow {
            let value = ($f)(r.$get(src));
            r.$set(dst, value);
            NEXT
        }
    )*};
}

/// Handlers of shape `dst = f(src)?` for conversions that can trap.
macro_rules! unary_trap {
    ($( $name:ident($get:ident -> $set:ident) = $f:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(_vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, src: Slot) -> Flow {
            match ($f)(r.$get(src)) {
                Ok(value) => {
                    r.$set(dst, value);
                    NEXT
                }
                Err(e) => numeric_trap(e),
            }
        }
    )*};
}

/// Compare-and-branch handlers: jump to `target` when `f(a, b)` holds.
macro_rules! branch {
    ($( $name:ident($get:ident) = $f:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            vm: &mut Vm<'_>, r: &mut Regs, a: Slot, b: Slot, target: u32,
        ) -> Flow {
            if ($f)(r.$get(a), r.$get(b)) {
                vm.jump(r, target);
            }
            NEXT
        }
    )*};
}

/// Compare-and-branch handlers against a constant: jump when `f(a, imm)` holds.
macro_rules! branch_imm {
    ($( $name:ident($get:ident) = $f:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            vm: &mut Vm<'_>, r: &mut Regs, a: Slot, imm: i16, target: u32,
        ) -> Flow {
            if ($f)(r.$get(a), imm) {
                vm.jump(r, target);
            }
            NEXT
        }
    )*};
}

mod control;
mod convert;
mod float;
mod integer;
mod memory;
mod table;
mod variable;

pub(super) use control::*;
pub(super) use convert::*;
pub(super) use float::*;
pub(super) use integer::*;
pub(super) use memory::*;
pub(super) use table::*;
pub(super) use variable::*;

use super::numeric::NumericTrap;
use super::vm::{Flow, trap};
use mote_core::TrapCode;

/// Stops the run with the trap of a numeric operation (inlined, as [`trap`]).
#[cold]
#[inline(always)]
fn numeric_trap(t: NumericTrap) -> Flow {
    trap(match t {
        NumericTrap::IntegerDivisionByZero => TrapCode::IntegerDivisionByZero,
        NumericTrap::IntegerOverflow => TrapCode::IntegerOverflow,
        NumericTrap::BadConversionToInteger => TrapCode::BadConversionToInteger,
    })
}
