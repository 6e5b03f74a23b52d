//! The portable dispatch loop: one `match` per instruction, correct and fast on every target
//! (thumbv6m, thumbv7em, riscv32, hosts): no computed goto, no reliance on tail calls. The
//! `match` is generated from the instruction list ([`for_each_op`]), each arm calling the
//! instruction's handler in [`handlers`] (inlined), so the list and the handlers cannot drift
//! apart: a missing handler or instruction is a compile error.

use core::ops::ControlFlow;

use super::handlers;
use super::vm::{Regs, Stop, Vm};
use crate::op::{Op, for_each_op};

/// Defines [`run`] from the instruction list.
macro_rules! define_run {
    ($(
        $(#[$attr:meta])*
        $name:ident $({ $( $(#[$field_attr:meta])* $field:ident : $ty:ty ),* $(,)? })?
    ),* $(,)?) => {
        /// Runs instructions from `r.ip` until one stops the run (a trap, a call or return that
        /// leaves the instance, a host call, fuel), and returns why; `vm` then records where.
        ///
        /// # Safety
        /// `r` must satisfy the invariants of [`Vm`]'s module (`exec/vm.rs`): it was made by
        /// [`Vm::regs`] for verified code, and `vm` is the state it was made with.
        pub(super) unsafe fn run(vm: &mut Vm<'_>, regs: Regs) -> Stop {
            // A fresh local rather than the argument (passed by reference in the ABI), so
            // that its fields live in machine registers.
            let mut r = Regs { ..regs };
            loop {
                // SAFETY: invariant 1: `ip` is inside verified code, whose last instruction
                // never falls through, so every handler leaves it on an instruction.
                let op = unsafe { *r.ip };
                // SAFETY: as above; one past an instruction that does not end the function.
                r.ip = unsafe { r.ip.add(1) };
                let flow = match op {
                    $(
                        Op::$name $({ $($field),* })? =>
                            handlers::$name(vm, &mut r $($(, $field)*)?),
                    )*
                };
                if let ControlFlow::Break(stop) = flow {
                    vm.save(&r);
                    return stop;
                }
            }
        }
    };
}

for_each_op!(define_run);
