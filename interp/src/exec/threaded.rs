//! The threaded dispatcher (feature `threaded-dispatch`, release builds only): every
//! instruction has its own handler function, and each handler ends by jumping straight to the
//! next instruction's handler through a table indexed by the instruction's tag. Each
//! instruction thus has its own indirect branch, which the host's branch predictor learns per
//! instruction pair, and a handler only decodes its own operands. The handlers' semantics are
//! the same functions the portable loop inlines ([`handlers`]).
//!
//! **Load-bearing assumption:** the call to the next handler is in tail position with the
//! same signature, and LLVM turns it into a jump (sibling-call optimisation) at `opt-level`
//! 2, 3, `s` and `z` on x86-64 and aarch64. Without it, every instruction would grow the host
//! stack until it overflowed. That is why this module exists only without
//! `debug_assertions` (debug builds use the portable loop), why handlers keep nothing alive
//! across the call that would need its stack frame (their `Regs` is split into scalars by
//! inlining), and why `tests/all/host_stack.rs` and the spec suites, which run long loops in
//! release builds, would crash if it broke.

use core::ops::ControlFlow;

use mote_core::RawVal;

use super::handlers;
use super::vm::{Regs, Stop, Vm};
use crate::op::{OP_TAGS, Op, for_each_op};

/// A handler: runs the instruction at `ip`, then the rest of the run.
type Handler = unsafe fn(&mut Vm<'_>, *const Op, *mut RawVal, *mut u8) -> Stop;

/// Runs the instruction at `ip` and those after it.
///
/// # Safety
/// As [`run`]: `ip`, `fp` and `mem` satisfy the invariants of `exec/vm.rs` for `vm`.
#[inline(always)]
unsafe fn next(vm: &mut Vm<'_>, ip: *const Op, fp: *mut RawVal, mem: *mut u8) -> Stop {
    // SAFETY: invariant 1: `ip` points at a verified instruction, and verified instructions
    // have tags below `OP_TAGS` (the image loader checks every tag, the translator makes only
    // valid `Op`s).
    let handler = unsafe { *HANDLERS.get_unchecked(usize::from((*ip).tag())) };
    // SAFETY: the handler for this tag gets the state it requires.
    unsafe { handler(vm, ip, fp, mem) }
}

/// Defines one handler per instruction and their table from the instruction list.
macro_rules! define_threaded {
    ($(
        $(#[$attr:meta])*
        $name:ident $({ $( $(#[$field_attr:meta])* $field:ident : $ty:ty ),* $(,)? })?
    ),* $(,)?) => {
        /// One function per instruction, named after it.
        #[expect(
            non_snake_case,
            reason = "handlers are named after the instructions they run"
        )]
        mod threaded_handlers {
            use super::*;
            $(
                /// # Safety
                /// `ip` points at an instruction of this kind, and the state satisfies the
                /// invariants of `exec/vm.rs`.
                pub(super) unsafe fn $name(
                    vm: &mut Vm<'_>,
                    ip: *const Op,
                    fp: *mut RawVal,
                    mem: *mut u8,
                ) -> Stop {
                    // SAFETY: the caller's condition: `ip` points at a valid instruction.
                    let op = unsafe { *ip };
                    let Op::$name $({ $($field),* })? = op else {
                        // SAFETY: `HANDLERS` maps each tag to the handler named after the
                        // instruction with that tag (both follow the list's order), so the
                        // instruction is of this kind.
                        unsafe { core::hint::unreachable_unchecked() }
                    };
                    // SAFETY: one past an instruction that does not end the function
                    // (invariant 1).
                    let mut r = Regs { ip: unsafe { ip.add(1) }, fp, mem };
                    match handlers::$name(vm, &mut r $($(, $field)*)?) {
                        // SAFETY: the handler kept the invariants for the new state.
                        ControlFlow::Continue(()) => unsafe { next(vm, r.ip, r.fp, r.mem) },
                        ControlFlow::Break(stop) => {
                            vm.save(&r);
                            stop
                        }
                    }
                }
            )*
        }

        /// The handler of each tag, in tag order.
        static HANDLERS: [Handler; OP_TAGS as usize] = [$( threaded_handlers::$name ),*];
    };
}

for_each_op!(define_threaded);

/// Runs instructions from `r.ip` until one stops the run, and returns why; `vm` then records
/// where.
///
/// # Safety
/// `r` must satisfy the invariants of [`Vm`]'s module (`exec/vm.rs`): it was made by
/// [`Vm::regs`] for verified code, and `vm` is the state it was made with.
pub(super) unsafe fn run(vm: &mut Vm<'_>, r: Regs) -> Stop {
    // SAFETY: the caller's conditions.
    unsafe { next(vm, r.ip, r.fp, r.mem) }
}
