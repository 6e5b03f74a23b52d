//! Reference safety: a data-flow pass proving that every slot read as a reference holds one.
//!
//! Slots are untyped 64-bit words, and a reference is a store index plus one. Translated code
//! comes from validated WebAssembly, whose type system guarantees that a reference is never
//! made from a number; a compiled image is only bytes, so without this pass a hostile image
//! could forge a reference to any function or host object in the store (another instance's
//! private function, say) and hand it to a table, a global, a call or the host.
//!
//! The pass tracks, per slot, an abstract state ([`State`]) from function entry through every
//! reachable instruction, joining at branch targets until nothing changes, and checks every
//! place where a slot is used as a reference: call arguments and results of reference type,
//! `table.set`/`grow`/`fill` values, `global.set` of reference globals. It also checks the
//! type agreements that validation would: `call_indirect` through funcref tables only,
//! `table.copy` and `table.init` between equal element types.
//!
//! Soundness depends on knowing every slot each instruction writes. Instructions write their
//! `dst` (those listed by [`Op::result_slot_mut`], plus `TableGet`), and the ones listed in
//! [`MODELLED_WRITERS`] write elsewhere; a test parses `op.rs` to keep that true.

use alloc::vec::Vec;

use mote_core::module::ModuleInfo;
use mote_core::{RefType, ValType};

use crate::code::CompiledFunc;
use crate::op::{Op, Slot};

/// What a slot is known to hold. Ordered only for `join`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum State {
    /// Anything, perhaps a forged reference: not usable as a reference.
    Unknown = 0,
    /// A number (or a reference's bits read as one).
    Num = 1,
    /// Zero: a null reference of either type, or the number zero.
    Zero = 2,
    /// A valid function reference or null.
    Func = 3,
    /// A valid external reference or null.
    Extern = 4,
}

impl State {
    fn join(self, other: State) -> State {
        use State::{Extern, Func, Num, Unknown, Zero};
        match (self, other) {
            (a, b) if a == b => a,
            (Zero, x) | (x, Zero) if matches!(x, Func | Extern | Num) => x,
            _ => Unknown,
        }
    }

    fn of(ty: ValType) -> State {
        match ty {
            ValType::FuncRef => State::Func,
            ValType::ExternRef => State::Extern,
            _ => State::Num,
        }
    }

    fn of_ref(ty: RefType) -> State {
        State::of(ty.val_type())
    }

    /// Whether a slot in this state may be used as a value of type `ty`.
    fn fits(self, ty: ValType) -> bool {
        match ty {
            ValType::FuncRef => matches!(self, State::Func | State::Zero),
            ValType::ExternRef => matches!(self, State::Extern | State::Zero),
            _ => true,
        }
    }
}

/// Instructions that write slots other than a `dst` listed by [`Op::result_slot_mut`]; the
/// pass handles each explicitly.
#[cfg(test)]
pub(crate) const MODELLED_WRITERS: &[&str] = &[
    "TableGet",
    "Copy2",
    "I32AddImm2",
    "I32AddImmBrNe",
    "CanonicalizeF32",
    "CanonicalizeF64",
    "MemoryGrow",
    "MemoryGrowN",
    "TableGrow",
    "Call",
    "CallIndirect",
    "ReturnCall",
    "ReturnCallIndirect",
];

type Check = Result<(), &'static str>;

/// Checks function `func_index` (its instructions are `code`). Returns the first problem and
/// the instruction where it was found.
pub(crate) fn check(
    info: &ModuleInfo,
    func_index: u32,
    func: &CompiledFunc,
    code: &[Op],
) -> Result<(), (usize, &'static str)> {
    let frame = usize::from(func.frame_size);
    // Which instructions start a block (reached by a jump), and their state slot.
    let mut leader_of = filled(u32::MAX, code.len())?;
    let mut leaders: Vec<usize> = filled(0, 1)?;
    leader_of[0] = 0;
    let mut mark = |pc: usize, leaders: &mut Vec<usize>| -> Result<(), (usize, &'static str)> {
        if leader_of[pc] == u32::MAX {
            leader_of[pc] = u32::try_from(leaders.len()).unwrap_or(u32::MAX);
            leaders.try_reserve(1).map_err(|_| OUT_OF_MEMORY)?;
            leaders.push(pc);
        }
        Ok(())
    };
    for (pc, op) in code.iter().enumerate() {
        let mut op = *op;
        if let Some(target) = op.target_mut() {
            mark(*target as usize, &mut leaders)?;
        }
        if let Op::BrTable { len, .. } = op {
            for entry in pc + 1..=pc + 1 + len as usize {
                mark(entry, &mut leaders)?;
            }
        }
        if skips_jump(&op) {
            // Where it goes when it does not take the jump (checked to exist by the bounds
            // pass).
            mark(pc + 2, &mut leaders)?;
        }
    }
    let mut states: Vec<Option<Vec<State>>> = filled(None, leaders.len())?;
    let ty = info.func_type(func_index);
    let mut entry = filled(State::Unknown, frame)?;
    for (slot, &param) in entry.iter_mut().zip(ty.params()) {
        *slot = State::of(param);
    }
    for slot in &mut entry[usize::from(func.params)..usize::from(func.locals)] {
        *slot = State::Zero;
    }
    states[0] = Some(entry);
    let mut work = filled(0usize, 1)?;
    let pass = Pass { info, func_index };
    while let Some(leader) = work.pop() {
        let Some(mut state) = states[leader].as_deref().map(copied).transpose()? else {
            continue;
        };
        let mut pc = leaders[leader];
        loop {
            let op = code[pc];
            pass.step(&op, &mut state).map_err(|what| (pc, what))?;
            let mut flow = |target: usize, state: &Vec<State>| {
                let index = leader_of[target] as usize;
                let changed = match &mut states[index] {
                    Some(old) => {
                        let mut changed = false;
                        for (o, n) in old.iter_mut().zip(state) {
                            let joined = o.join(*n);
                            changed |= joined != *o;
                            *o = joined;
                        }
                        changed
                    }
                    slot @ None => {
                        *slot = Some(copied(state)?);
                        true
                    }
                };
                if changed {
                    work.try_reserve(1).map_err(|_| OUT_OF_MEMORY)?;
                    work.push(index);
                }
                Ok::<(), (usize, &'static str)>(())
            };
            let mut op = op;
            let falls_through = match op {
                Op::Br { target } => {
                    flow(target as usize, &state)?;
                    false
                }
                Op::BrTable { len, .. } => {
                    for entry in pc + 1..=pc + 1 + len as usize {
                        flow(entry, &state)?;
                    }
                    false
                }
                Op::Return { .. } | Op::Unreachable => false,
                // Falls through to its `Br` (which takes the jump), or skips it.
                _ if skips_jump(&op) => {
                    flow(pc + 2, &state)?;
                    true
                }
                _ => {
                    if let Some(target) = op.target_mut() {
                        flow(*target as usize, &state)?;
                    }
                    true
                }
            };
            if !falls_through {
                break;
            }
            pc += 1;
            if leader_of[pc] != u32::MAX {
                flow(pc, &state)?;
                break;
            }
        }
    }
    Ok(())
}

/// Whether `op` is an `I32AddBr…`: its jump is the `Br` after it, which it either runs or
/// skips, so it continues at that `Br` or at the instruction after it.
fn skips_jump(op: &Op) -> bool {
    matches!(
        op,
        Op::I32AddBrGeU { .. }
            | Op::I32AddBrLtU { .. }
            | Op::I32AddBrLeU { .. }
            | Op::I32AddBrGtU { .. }
    )
}

/// What a failed allocation is reported as: the pass's memory grows with the function's code
/// and frame, and a device with a small heap must get an error, not an abort.
pub(crate) const OUT_OF_MEMORY: (usize, &str) = (0, "not enough memory to check references");

/// A vector of `len` copies of `value`, or the out-of-memory error.
fn filled<T: Clone>(value: T, len: usize) -> Result<Vec<T>, (usize, &'static str)> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| OUT_OF_MEMORY)?;
    v.resize(len, value);
    Ok(v)
}

/// A copy of `states`, or the out-of-memory error.
fn copied(states: &[State]) -> Result<Vec<State>, (usize, &'static str)> {
    let mut v = Vec::new();
    v.try_reserve_exact(states.len())
        .map_err(|_| OUT_OF_MEMORY)?;
    v.extend_from_slice(states);
    Ok(v)
}

struct Pass<'a> {
    info: &'a ModuleInfo,
    func_index: u32,
}

impl Pass<'_> {
    /// Checks the uses of `op` and applies its writes to `state`.
    fn step(&self, op: &Op, state: &mut [State]) -> Check {
        let info = self.info;
        let at = |s: Slot, offset: usize| usize::from(s) + offset;
        match *op {
            Op::Copy { dst, src } => state[at(dst, 0)] = state[at(src, 0)],
            Op::Copy2 {
                dst,
                src,
                dst2,
                src2,
            } => {
                state[at(dst, 0)] = state[at(src, 0)];
                state[at(dst2, 0)] = state[at(src2, 0)];
            }
            Op::Select { dst, a, b, .. } => {
                state[at(dst, 0)] = state[at(a, 0)].join(state[at(b, 0)]);
            }
            Op::Const32 { dst, value } => {
                state[at(dst, 0)] = if value == 0 { State::Zero } else { State::Num };
            }
            Op::Const64 { dst, lo, hi } => {
                state[at(dst, 0)] = if lo == 0 && hi == 0 {
                    State::Zero
                } else {
                    State::Num
                };
            }
            Op::GlobalGet { dst, index } => {
                state[at(dst, 0)] = State::of(info.globals[index as usize].content);
            }
            Op::GlobalSet { src, index } => {
                if !state[at(src, 0)].fits(info.globals[index as usize].content) {
                    return Err("global.set of a value that is not a valid reference");
                }
            }
            Op::RefFunc { dst, .. } => state[at(dst, 0)] = State::Func,
            Op::TableGet { table, dst } => {
                state[at(dst, 0)] = State::of_ref(info.tables[table as usize].element);
            }
            Op::TableSet { table, base } | Op::TableFill { table, base } => {
                let element = info.tables[table as usize].element.val_type();
                if !state[at(base, 1)].fits(element) {
                    return Err("table store of a value that is not a valid reference");
                }
            }
            Op::TableGrow { table, base } => {
                let element = info.tables[table as usize].element.val_type();
                if !state[at(base, 0)].fits(element) {
                    return Err("table.grow with a value that is not a valid reference");
                }
                state[at(base, 0)] = State::Num;
            }
            Op::TableCopy {
                dst_table,
                src_table,
                ..
            } => {
                if info.tables[dst_table as usize].element
                    != info.tables[src_table as usize].element
                {
                    return Err("table.copy between tables of different element types");
                }
            }
            Op::TableInit { table, segment, .. } => {
                if info.tables[table as usize].element != info.elems[segment as usize].ty {
                    return Err("table.init from a segment of another element type");
                }
            }
            Op::CanonicalizeF32 { slot } | Op::CanonicalizeF64 { slot } => {
                state[at(slot, 0)] = State::Num;
            }
            Op::I32AddImmBrNe { a, .. } => {
                state[at(a, 0)] = State::Num;
            }
            Op::I32AddImm2 { a, b, .. } => {
                state[at(a, 0)] = State::Num;
                state[at(b, 0)] = State::Num;
            }
            Op::MemoryGrow { delta } | Op::MemoryGrowN { delta, .. } => {
                state[at(delta, 0)] = State::Num;
            }
            Op::Call { func, base } | Op::ReturnCall { func, base } => {
                let ty = info.func_type(func);
                self.call(ty.params(), ty.results(), base, state)?;
            }
            Op::CallIndirect { ty, table, base } | Op::ReturnCallIndirect { ty, table, base } => {
                if info.tables[table as usize].element != RefType::FuncRef {
                    return Err("call_indirect through a table that does not hold functions");
                }
                let ty = &info.types[ty as usize];
                self.call(ty.params(), ty.results(), base, state)?;
            }
            Op::Return { src, count } => {
                let results = info.func_type(self.func_index).results();
                for (i, &ty) in results.iter().enumerate().take(usize::from(count)) {
                    if !state[at(src, i)].fits(ty) {
                        return Err("returns a value that is not a valid reference");
                    }
                }
            }
            mut other => {
                if let Some(dst) = other.result_slot_mut() {
                    state[usize::from(*dst)] = State::Num;
                }
            }
        }
        Ok(())
    }

    /// A call with arguments at `base`: checks the reference arguments, then the results are
    /// at `base` and the callee's frame has overwritten everything above them.
    fn call(
        &self,
        params: &[ValType],
        results: &[ValType],
        base: Slot,
        state: &mut [State],
    ) -> Check {
        let base = usize::from(base);
        for (i, &ty) in params.iter().enumerate() {
            if !state[base + i].fits(ty) {
                return Err("passes a value that is not a valid reference");
            }
        }
        for slot in &mut state[base..] {
            *slot = State::Unknown;
        }
        for (i, &ty) in results.iter().enumerate() {
            state[base + i] = State::of(ty);
        }
        Ok(())
    }
}
