//! The state that instruction handlers work on, shared by both dispatchers
//! ([`dispatch`](super::dispatch), and [`threaded`](super::threaded) behind a feature).
//!
//! Be careful when changing this module: it is where the executor's raw pointers live.
//!
//! - [`Regs`] holds the three values every instruction needs, so that they stay in machine
//!   registers: the next instruction, the frame's first slot, and memory 0's first byte.
//! - [`Vm`] holds the rest: the store, the instance's translated code, the value and frame
//!   stacks, memory 0's length, and why the run stopped.
//!
//! The invariants, established where a `Regs` is made ([`Vm::regs`], calls, returns) and kept
//! by every handler:
//!
//! 1. `ip` points into the running function's verified code (see [`crate::verify`]), so
//!    every slot an instruction names is below the function's frame size, every jump target is
//!    inside the function, and the last instruction never falls through.
//! 2. `fp .. fp + frame_size` lies inside the value stack's buffer, and that buffer is not
//!    reallocated while `fp` is in use ([`Vm::call_defined`] re-derives `fp` after growing it).
//! 3. `mem .. mem + vm.mem_len` is memory 0's data, re-derived after anything that can move or
//!    resize it (`memory.grow`, bulk memory instructions) and at every entry.

use alloc::vec::Vec;
use core::ops::ControlFlow;
use core::ptr::{self, NonNull};

use mote_core::store::StoreInner;
use mote_core::{RawVal, TrapCode};

use super::{Exit, Frame};
use crate::code::CompiledModule;
use crate::op::{Op, Slot};

/// Why the handlers stopped; details of an [`Stop::Exit`] are in [`Vm::exit`]. One byte, so
/// that a handler's result fits in a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// The instruction before `ip` trapped.
    Trap(TrapCode),
    /// The run leaves the dispatch loop for the reason in [`Vm::exit`].
    Exit,
}

/// What a handler returns: go on with the next instruction, or stop.
pub(super) type Flow = ControlFlow<Stop>;

/// Go on with the instruction at `ip`.
pub(super) const NEXT: Flow = ControlFlow::Continue(());

/// Stop with a trap. Inlined: a call here would make every handler that can trap save and
/// restore registers on its fast path too (the threaded handlers would then push and pop on
/// every instruction).
#[cold]
#[inline(always)]
pub(super) fn trap(code: TrapCode) -> Flow {
    ControlFlow::Break(Stop::Trap(code))
}

/// The machine state of the running function: see the module's invariants.
#[derive(Debug)]
pub(super) struct Regs {
    /// The next instruction.
    pub(super) ip: *const Op,
    /// The frame's first slot.
    pub(super) fp: *mut RawVal,
    /// Memory 0's first byte (dangling when the instance has no memory or it is empty).
    pub(super) mem: *mut u8,
    /// The frame's size, for debug assertions.
    #[cfg(debug_assertions)]
    pub(super) frame_len: usize,
}

// Slot accessors. Slots are untyped 64-bit words: 32-bit values live in the low half, and
// writers of 32-bit values clear the high half so that equal values have equal bits.
impl Regs {
    /// The raw value of slot `s`.
    #[inline(always)]
    pub(super) fn get(&self, s: Slot) -> RawVal {
        #[cfg(debug_assertions)]
        debug_assert!(
            usize::from(s) < self.frame_len,
            "slot {s} outside the frame"
        );
        // SAFETY: invariants 1 and 2 of the module: `s` comes from verified code, so it is
        // below the frame size, and the frame lies in the value stack's live buffer.
        unsafe { *self.fp.add(usize::from(s)) }
    }

    /// Writes the raw value of slot `s`.
    #[inline(always)]
    pub(super) fn set(&mut self, s: Slot, v: RawVal) {
        #[cfg(debug_assertions)]
        debug_assert!(
            usize::from(s) < self.frame_len,
            "slot {s} outside the frame"
        );
        // SAFETY: as in `get`.
        unsafe { *self.fp.add(usize::from(s)) = v }
    }

    #[inline(always)]
    pub(super) fn u64(&self, s: Slot) -> u64 {
        self.get(s)
    }
    #[inline(always)]
    pub(super) fn i64(&self, s: Slot) -> i64 {
        self.get(s).cast_signed()
    }
    #[inline(always)]
    pub(super) fn u32(&self, s: Slot) -> u32 {
        low32(self.get(s))
    }
    #[inline(always)]
    pub(super) fn i32(&self, s: Slot) -> i32 {
        self.u32(s).cast_signed()
    }
    #[inline(always)]
    pub(super) fn f32(&self, s: Slot) -> f32 {
        f32::from_bits(self.u32(s))
    }
    #[inline(always)]
    pub(super) fn f64(&self, s: Slot) -> f64 {
        f64::from_bits(self.get(s))
    }
    #[inline(always)]
    pub(super) fn set_u64(&mut self, s: Slot, v: u64) {
        self.set(s, v);
    }
    #[inline(always)]
    pub(super) fn set_i64(&mut self, s: Slot, v: i64) {
        self.set(s, v.cast_unsigned());
    }
    #[inline(always)]
    pub(super) fn set_u32(&mut self, s: Slot, v: u32) {
        self.set(s, u64::from(v));
    }
    #[inline(always)]
    pub(super) fn set_i32(&mut self, s: Slot, v: i32) {
        self.set_u32(s, v.cast_unsigned());
    }
    #[inline(always)]
    pub(super) fn set_f32(&mut self, s: Slot, v: f32) {
        self.set_u32(s, v.to_bits());
    }
    #[inline(always)]
    pub(super) fn set_f64(&mut self, s: Slot, v: f64) {
        self.set(s, v.to_bits());
    }
    #[inline(always)]
    pub(super) fn set_bool(&mut self, s: Slot, v: bool) {
        self.set_u32(s, u32::from(v));
    }

    /// The instruction `offset` places after the next one (`BrTable`'s jumps, the `Br` of an
    /// `I32AddBr…`).
    #[inline(always)]
    pub(super) fn peek(&self, offset: usize) -> Op {
        // SAFETY: invariant 1: callers read only instructions the verifier checked to exist
        // (the `len + 1` jumps after a `BrTable`, the `Br` after an `I32AddBr…`).
        unsafe { *self.ip.add(offset) }
    }
}

/// The low 32 bits.
#[inline(always)]
#[expect(
    clippy::cast_possible_truncation,
    reason = "taking the low half is the intent"
)]
pub(super) fn low32(v: u64) -> u32 {
    v as u32
}

/// Everything else a handler may need, for one run of the dispatch loop within one instance.
pub(super) struct Vm<'a> {
    /// The store.
    pub(super) store: &'a mut StoreInner,
    /// The instance's translated code.
    pub(super) module: &'a CompiledModule,
    frames: &'a mut Vec<Frame>,
    max_depth: usize,
    /// The value stack's buffer and its length in slots (cached from `stack`).
    stack_base: *mut RawVal,
    stack_len: usize,
    /// The module's first instruction, and the running function's.
    module_code: *const Op,
    pub(super) code_base: *const Op,
    /// Memory 0's size in bytes (0 without a memory).
    pub(super) mem_len: usize,
    /// Store index of the instance.
    pub(super) instance: u32,
    /// Imported functions of the module: module function indices from here on are defined.
    pub(super) imported: u32,
    /// Store index of memory 0.
    pub(super) memory: Option<u32>,
    /// The running function: defined index and module index.
    pub(super) def: u32,
    pub(super) func_index: u32,
    /// Where the run stopped: the running function's next instruction and frame.
    pub(super) pc: u32,
    pub(super) fp: u32,
    /// Why the run stopped, for [`Stop::Exit`].
    pub(super) exit: Exit,
}

/// Where one run of the dispatch loop starts.
pub(super) struct Entry {
    pub(super) instance: u32,
    pub(super) imported: u32,
    pub(super) memory: Option<u32>,
    pub(super) def: u32,
    pub(super) pc: u32,
    pub(super) fp: u32,
}

/// The executor's stacks and limits, lent to one run. The value stack is lent mutably but
/// only its buffer is used: growing it is the executor's job (`Exit::Grow`).
pub(super) struct Stacks<'a> {
    pub(super) stack: &'a mut Vec<RawVal>,
    pub(super) frames: &'a mut Vec<Frame>,
    pub(super) max_depth: usize,
}

impl<'a> Vm<'a> {
    /// State for running `entry` of `module`. The caller made sure that the entry function's
    /// frame fits in `stacks.stack`.
    pub(super) fn new(
        store: &'a mut StoreInner,
        module: &'a CompiledModule,
        stacks: Stacks<'a>,
        entry: &Entry,
    ) -> Self {
        let stack_base = stacks.stack.as_mut_ptr();
        let stack_len = stacks.stack.len();
        let module_code = module.code.as_ptr();
        let mut vm = Vm {
            store,
            module,
            frames: stacks.frames,
            max_depth: stacks.max_depth,
            stack_base,
            stack_len,
            module_code,
            code_base: module_code,
            mem_len: 0,
            instance: entry.instance,
            imported: entry.imported,
            memory: entry.memory,
            def: entry.def,
            func_index: entry.def + entry.imported,
            pc: entry.pc,
            fp: entry.fp,
            exit: Exit::Return { count: 0 },
        };
        vm.code_base = vm.func_code(entry.def).unwrap_or(module_code);
        vm
    }

    /// The machine state at the entry (or resumption) point.
    ///
    /// # Safety
    /// - The entry's function exists in the module, its code passed the verifier, and `pc`
    ///   is 0 or a position where a run of this function stopped;
    /// - `fp + frame_size` is within the value stack.
    pub(super) unsafe fn regs(&mut self) -> Regs {
        let frame = self.module.funcs[self.def as usize];
        debug_assert!(self.fp as usize + usize::from(frame.frame_size) <= self.stack_len);
        let mut regs = Regs {
            // SAFETY: the caller's conditions: `pc` is inside the function's code.
            ip: unsafe { self.code_base.add(self.pc as usize) },
            // SAFETY: the caller's conditions: the frame is inside the stack.
            fp: unsafe { self.stack_base.add(self.fp as usize) },
            mem: NonNull::dangling().as_ptr(),
            #[cfg(debug_assertions)]
            frame_len: usize::from(frame.frame_size),
        };
        self.refresh_memory(&mut regs);
        regs
    }

    /// The first instruction of defined function `def`.
    #[inline(always)]
    fn func_code(&self, def: u32) -> Option<*const Op> {
        let start = self.module.funcs.get(def as usize)?.code_start;
        // SAFETY: the verifier checked that every function's code range lies inside the
        // module's instruction array.
        Some(unsafe { self.module_code.add(start as usize) })
    }

    /// Records where the run stopped, so the executor can report or resume it.
    #[inline(always)]
    pub(super) fn save(&mut self, r: &Regs) {
        // SAFETY: `ip` and `code_base` point into the same function's code (invariant 1),
        // `fp` and `stack_base` into the same buffer (invariant 2).
        let (pc, fp) = unsafe {
            (
                r.ip.offset_from(self.code_base),
                r.fp.offset_from(self.stack_base),
            )
        };
        self.pc = u32::try_from(pc).unwrap_or(u32::MAX);
        self.fp = u32::try_from(fp).unwrap_or(u32::MAX);
    }

    /// Re-reads memory 0's address and size from the store.
    #[inline(always)]
    pub(super) fn refresh_memory(&mut self, r: &mut Regs) {
        match self
            .memory
            .and_then(|m| self.store.memories.get_mut(m as usize))
        {
            Some(memory) => {
                let data = memory.data_mut();
                self.mem_len = data.len();
                r.mem = data.as_mut_ptr();
            }
            None => {
                self.mem_len = 0;
                r.mem = NonNull::dangling().as_ptr();
            }
        }
    }

    /// Jumps to `target` in the running function.
    #[inline(always)]
    pub(super) fn jump(&self, r: &mut Regs, target: u32) {
        // SAFETY: invariant 1: the verifier checked every jump target to be inside the
        // function.
        r.ip = unsafe { self.code_base.add(target as usize) };
    }

    /// Jumps to `target` when `cond` holds.
    ///
    /// Be careful here: written plainly, the compiler turns this into a conditional move of
    /// `ip`, and then the next instruction's fetch waits for the comparison (its operands
    /// come from memory), which serialises the pipeline at every branch. Marking the taken
    /// path as cold makes it a predicted branch instead; the processor's predictor, not the
    /// hint, decides which way runs fast.
    #[inline(always)]
    pub(super) fn jump_if(&self, r: &mut Regs, cond: bool, target: u32) {
        if cond {
            core::hint::cold_path();
            self.jump(r, target);
        }
    }

    /// For the `I32AddBr…` forms, whose jump is the `Br` at `ip`: jumps to that `Br`'s target
    /// when `cond` holds (a predicted branch, as in [`Vm::jump_if`]), else skips the `Br`.
    #[inline(always)]
    pub(super) fn jump_or_skip(&self, r: &mut Regs, cond: bool) {
        if cond {
            core::hint::cold_path();
            let Op::Br { target } = r.peek(0) else {
                // SAFETY: invariant 1: the verifier checked that a `Br` follows each
                // `I32AddBr…` instruction.
                unsafe { core::hint::unreachable_unchecked() }
            };
            self.jump(r, target);
        } else {
            // SAFETY: invariant 1: the verifier checked that the `Br` is not the function's
            // last instruction, so the one after it is inside the function.
            r.ip = unsafe { r.ip.add(1) };
        }
    }

    /// Stops the run with `exit`.
    #[inline(always)]
    pub(super) fn exit(&mut self, exit: Exit) -> Flow {
        self.exit = exit;
        ControlFlow::Break(Stop::Exit)
    }

    /// The store index of module function `func` of the instance (`get`s, not indexing: the
    /// verifier checked the index, and a panic path would cost the handler saved registers).
    #[inline(always)]
    pub(super) fn store_func(&self, func: u32) -> Option<u32> {
        self.store
            .instances
            .get(self.instance as usize)?
            .funcs
            .get(func as usize)
            .copied()
    }

    /// A call of the instance's function `func` (module index) whose frame starts at slot
    /// `base`: within the dispatch loop when the module defines it, through the executor
    /// otherwise (imports: host functions or other instances).
    #[inline(always)]
    pub(super) fn call(&mut self, r: &mut Regs, func: u32, base: Slot) -> Flow {
        match func.checked_sub(self.imported) {
            Some(def) => self.call_defined(r, def, base),
            None => match self.store_func(func) {
                Some(func) => self.exit(Exit::Call { func, base }),
                None => trap(TrapCode::HostTrap),
            },
        }
    }

    /// A call of store function `func` (from a table): within the loop when it is a function
    /// of this instance.
    #[inline(always)]
    pub(super) fn call_store_func(&mut self, r: &mut Regs, func: u32, base: Slot) -> Flow {
        match self.own_def(func) {
            Some(def) => self.call_defined(r, def, base),
            None => self.exit(Exit::Call { func, base }),
        }
    }

    /// The defined index of store function `func` if this instance defines it.
    #[inline(always)]
    fn own_def(&self, func: u32) -> Option<u32> {
        match self.store.funcs.get(func as usize)?.kind {
            mote_core::store::FuncKind::Wasm { instance, index } if instance == self.instance => {
                index.checked_sub(self.imported)
            }
            _ => None,
        }
    }

    /// Enters defined function `def` with its frame at slot `base` of the current frame.
    ///
    /// Everything here is inline and call-free, so that the handler needs no saved registers:
    /// when the value stack or the frame list must grow, the call stops the run *before* it
    /// changes anything (`Exit::Grow`), the executor grows them, and the call runs again.
    #[inline(always)]
    pub(super) fn call_defined(&mut self, r: &mut Regs, def: u32, base: Slot) -> Flow {
        let Some(&callee) = self.module.funcs.get(def as usize) else {
            // The verifier checked every call's function index.
            return trap(TrapCode::HostTrap);
        };
        if self.frames.len() >= self.max_depth {
            return trap(TrapCode::StackOverflow);
        }
        // SAFETY: invariant 2: `fp` points into the value stack's buffer at `stack_base`.
        let caller_fp = unsafe { r.fp.offset_from(self.stack_base) }.cast_unsigned();
        let callee_fp = caller_fp + usize::from(base);
        let end = callee_fp + usize::from(callee.frame_size);
        if end > self.stack_len || self.frames.len() == self.frames.capacity() {
            return self.grow_and_retry(r, end);
        }
        // Bytes, not instructions: no division (`Frame::pc_bytes`).
        let pc_bytes = r.ip as usize - self.code_base as usize;
        let frame = Frame {
            instance: self.instance,
            func: self.func_index,
            pc_bytes: u32::try_from(pc_bytes).unwrap_or(u32::MAX),
            fp: u32::try_from(caller_fp).unwrap_or(u32::MAX),
        };
        let len = self.frames.len();
        // SAFETY: `len < capacity` (checked above), so the spare slot exists; it is written
        // before the length covers it.
        unsafe {
            self.frames.as_mut_ptr().add(len).write(frame);
            self.frames.set_len(len + 1);
        }
        // SAFETY: `end <= stack_len`, so the callee's frame is in the buffer.
        let fp = unsafe { self.stack_base.add(callee_fp) };
        // SAFETY: `params <= locals <= frame_size` (the verifier checks the frame layout).
        unsafe { zero_locals(fp, callee.params, callee.locals) };
        self.def = def;
        self.func_index = def + self.imported;
        // SAFETY: the verifier checked that every function's code lies inside the module's.
        self.code_base = unsafe { self.module_code.add(callee.code_start as usize) };
        r.ip = self.code_base;
        r.fp = fp;
        #[cfg(debug_assertions)]
        {
            r.frame_len = usize::from(callee.frame_size);
        }
        NEXT
    }

    /// Stops the run so that the executor makes the value stack `end` slots long and the
    /// frame list one longer, then re-runs the call instruction before `ip` (which has changed
    /// nothing yet).
    #[cold]
    #[inline(always)]
    fn grow_and_retry(&mut self, r: &mut Regs, end: usize) -> Flow {
        // SAFETY: the call instruction is just before `ip`, inside the function's code.
        r.ip = unsafe { r.ip.sub(1) };
        self.exit(Exit::Grow { slots: end })
    }

    /// A tail call of the instance's function `func` (module index) with its arguments at
    /// slot `base`.
    #[inline(always)]
    pub(super) fn tail_call(&mut self, r: &mut Regs, func: u32, base: Slot) -> Flow {
        match func.checked_sub(self.imported) {
            Some(def) => self.tail_call_defined(r, def, base),
            None => match self.store_func(func) {
                Some(func) => self.exit(Exit::TailCall { func, base }),
                None => trap(TrapCode::HostTrap),
            },
        }
    }

    /// A tail call of store function `func` (from a table).
    #[inline(always)]
    pub(super) fn tail_call_store_func(&mut self, r: &mut Regs, func: u32, base: Slot) -> Flow {
        match self.own_def(func) {
            Some(def) => self.tail_call_defined(r, def, base),
            None => self.exit(Exit::TailCall { func, base }),
        }
    }

    /// Replaces the current frame with defined function `def`, whose arguments are at slot
    /// `base`.
    #[inline(always)]
    fn tail_call_defined(&mut self, r: &mut Regs, def: u32, base: Slot) -> Flow {
        let Some(&callee) = self.module.funcs.get(def as usize) else {
            return trap(TrapCode::HostTrap);
        };
        // SAFETY: invariant 2.
        let fp_index = unsafe { r.fp.offset_from(self.stack_base) }.cast_unsigned();
        let end = fp_index + usize::from(callee.frame_size);
        if end > self.stack_len {
            // Before the arguments move, so that running the instruction again is exact.
            return self.grow_and_retry(r, end);
        }
        let params = usize::from(callee.params);
        // The arguments move down to where the current frame starts; both ranges are inside
        // the current frame (the verifier checks call operands).
        // SAFETY: as said; `ptr::copy` allows overlap.
        unsafe { ptr::copy(r.fp.add(usize::from(base)), r.fp, params) };
        // SAFETY: `params <= locals <= frame_size`, and `end <= stack_len`.
        unsafe { zero_locals(r.fp, callee.params, callee.locals) };
        self.def = def;
        self.func_index = def + self.imported;
        // SAFETY: the verifier checked that every function's code lies inside the module's.
        self.code_base = unsafe { self.module_code.add(callee.code_start as usize) };
        r.ip = self.code_base;
        #[cfg(debug_assertions)]
        {
            r.frame_len = usize::from(callee.frame_size);
        }
        NEXT
    }

    /// Returns `count` values from slot `src` to the caller: within the loop when the caller
    /// runs in this instance.
    #[inline(always)]
    pub(super) fn ret(&mut self, r: &mut Regs, src: Slot, count: u16) -> Flow {
        let count = usize::from(count);
        if count == 1 {
            // The common case.
            r.set(0, r.get(src));
        } else {
            // Upwards: the results move down (`src >= 0`), so each is read before it can be
            // overwritten. A loop rather than `memmove`, to keep the handler call-free.
            let src = usize::from(src);
            for i in 0..count {
                // SAFETY: the verifier checks that `src + count` is inside the frame.
                unsafe { *r.fp.add(i) = *r.fp.add(src + i) };
            }
        }
        match self.frames.last() {
            Some(frame) if frame.instance == self.instance => {
                let frame = *frame;
                let def = frame.func.wrapping_sub(self.imported);
                let Some(code_base) = self.func_code(def) else {
                    // Frames of this instance hold its defined functions.
                    return trap(TrapCode::HostTrap);
                };
                self.frames.pop();
                self.def = def;
                self.func_index = frame.func;
                self.code_base = code_base;
                // SAFETY: a frame records where its function called (inside its code) and its
                // frame (inside the stack, which only grows during a call).
                unsafe {
                    r.ip = self.code_base.byte_add(frame.pc_bytes as usize);
                    r.fp = self.stack_base.add(frame.fp as usize);
                }
                #[cfg(debug_assertions)]
                {
                    r.frame_len = usize::from(self.module.funcs[def as usize].frame_size);
                }
                NEXT
            }
            _ => self.exit(Exit::Return {
                count: u16::try_from(count).unwrap_or(u16::MAX),
            }),
        }
    }
}

/// Zeroes slots `params..locals` of the frame at `fp`: the declared locals of a function being
/// entered. Stores rather than a call to `memset`, so that the call handlers stay call-free;
/// beyond a few they are volatile, only so that the compiler does not turn the loop back into
/// `memset`.
///
/// # Safety
/// `params <= locals`, and slots `fp .. fp + locals` are inside the value stack.
#[inline(always)]
unsafe fn zero_locals(fp: *mut RawVal, params: u16, locals: u16) {
    let count = usize::from(locals.saturating_sub(params));
    // SAFETY: the caller's conditions: the range is inside the value stack.
    unsafe {
        let first = fp.add(usize::from(params));
        match count {
            0 => {}
            // Spelled out: a loop here would become `memset` again.
            1 => first.write(0),
            2 => {
                first.write(0);
                first.add(1).write(0);
            }
            3 => {
                first.write(0);
                first.add(1).write(0);
                first.add(2).write(0);
            }
            _ => {
                for i in 0..count {
                    first.add(i).write_volatile(0);
                }
            }
        }
    }
}

/// Makes `stack` at least `end` slots long, growing geometrically but never past `max_slots`.
pub(super) fn grow(stack: &mut Vec<RawVal>, end: usize, max_slots: usize) -> Result<(), TrapCode> {
    if end > max_slots {
        return Err(TrapCode::StackOverflow);
    }
    if end > stack.len() {
        let target = end.max(stack.len().saturating_mul(2)).min(max_slots);
        stack
            .try_reserve_exact(target - stack.len())
            .map_err(|_| TrapCode::StackOverflow)?;
        stack.resize(target, 0);
    }
    Ok(())
}
