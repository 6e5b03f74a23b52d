//! The dispatch loop: one `match` per instruction, portable to every target (no computed goto,
//! no reliance on tail calls). Semantics that are more than one Rust operator live in plain
//! functions in [`numeric`](super::numeric), [`memory`](super::memory) and [`table`](super::table).

use mote_core::store::StoreInner;
use mote_core::{RawVal, TrapCode};

use super::numeric::{self, NumericTrap};
use super::{Exit, memory, table};
use crate::op::{LoadKind, Op, Slot, StoreKind};

/// What the running function's instructions refer to besides its frame.
pub(super) struct Context {
    /// Store index of the instance.
    pub(super) instance: usize,
    /// Store index of the instance's memory 0, if it has one.
    pub(super) memory: Option<u32>,
    /// Number of imported functions of the module: module function indices from here on are
    /// the instance's own functions.
    pub(super) imported: u32,
}

/// Runs the instructions of one function from `*pc` until it calls, returns, runs out of fuel
/// or traps. `regs` is the function's frame.
///
/// # Safety
/// `code` must have passed the verifier ([`crate::verify`]) for a frame of `regs.len()` slots:
/// every slot an instruction names (with its span) is below `regs.len()`, every jump target is
/// inside `code`, a `BrTable` is followed by its `len + 1` jumps, and the last instruction is
/// `Return`, `Br` or `Unreachable`. `*pc` must be inside `code`: 0, or a position that this
/// function returned (after a call, or at a `ConsumeFuel`).
pub(super) unsafe fn execute(
    regs: &mut [RawVal],
    code: &[Op],
    pc: &mut usize,
    store: &mut StoreInner,
    activation: &Context,
) -> Result<Exit, TrapCode> {
    let instance = activation.instance;
    // The position lives in a local so that it stays in a register; it is written back when
    // the loop ends (a trap ends the function, so its position does not matter).
    let mut ip = *pc;
    // Ends the loop with a trap; the position then points after the trapping instruction.
    macro_rules! try_trap {
        ($result:expr) => {
            match $result {
                Ok(value) => value,
                Err(code) => break Err(code),
            }
        };
    }
    let exit = loop {
        debug_assert!(ip < code.len());
        // SAFETY: `execute`'s precondition: `ip` starts inside `code`, every jump target is
        // inside it, `BrTable` is followed by its jumps, and the last instruction never falls
        // through, so every instruction leaves `ip` inside `code` or ends the loop.
        let op = unsafe { *code.get_unchecked(ip) };
        ip += 1;
        match op {
            Op::Unreachable => break Err(TrapCode::Unreachable),
            Op::ConsumeFuel { amount } => {
                let amount = u64::from(amount);
                if store.fuel < amount {
                    ip -= 1;
                    break Ok(Exit::OutOfFuel { required: amount });
                }
                store.fuel -= amount;
            }
            Op::Br { target } => ip = target as usize,
            Op::BrIfNez { cond, target } => {
                if u32v(regs, cond) != 0 {
                    ip = target as usize;
                }
            }
            Op::BrIfEqz { cond, target } => {
                if u32v(regs, cond) == 0 {
                    ip = target as usize;
                }
            }
            Op::BrTable { index, len } => {
                ip += u32v(regs, index).min(len) as usize;
            }
            Op::BrI32Eq { a, b, target } => {
                if u32v(regs, a) == u32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32EqImm { a, imm, target } => {
                if u32v(regs, a) == i32::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI32Ne { a, b, target } => {
                if u32v(regs, a) != u32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32NeImm { a, imm, target } => {
                if u32v(regs, a) != i32::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI32LtS { a, b, target } => {
                if i32v(regs, a) < i32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32LtSImm { a, imm, target } => {
                if i32v(regs, a) < i32::from(imm) {
                    ip = target as usize;
                }
            }
            Op::BrI32LtU { a, b, target } => {
                if u32v(regs, a) < u32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32LtUImm { a, imm, target } => {
                if u32v(regs, a) < i32::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI32GtS { a, b, target } => {
                if i32v(regs, a) > i32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32GtSImm { a, imm, target } => {
                if i32v(regs, a) > i32::from(imm) {
                    ip = target as usize;
                }
            }
            Op::BrI32GtU { a, b, target } => {
                if u32v(regs, a) > u32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32GtUImm { a, imm, target } => {
                if u32v(regs, a) > i32::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI32LeS { a, b, target } => {
                if i32v(regs, a) <= i32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32LeSImm { a, imm, target } => {
                if i32v(regs, a) <= i32::from(imm) {
                    ip = target as usize;
                }
            }
            Op::BrI32LeU { a, b, target } => {
                if u32v(regs, a) <= u32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32LeUImm { a, imm, target } => {
                if u32v(regs, a) <= i32::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI32GeS { a, b, target } => {
                if i32v(regs, a) >= i32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32GeSImm { a, imm, target } => {
                if i32v(regs, a) >= i32::from(imm) {
                    ip = target as usize;
                }
            }
            Op::BrI32GeU { a, b, target } => {
                if u32v(regs, a) >= u32v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI32GeUImm { a, imm, target } => {
                if u32v(regs, a) >= i32::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI64Eq { a, b, target } => {
                if u64v(regs, a) == u64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64EqImm { a, imm, target } => {
                if u64v(regs, a) == i64::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI64Ne { a, b, target } => {
                if u64v(regs, a) != u64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64NeImm { a, imm, target } => {
                if u64v(regs, a) != i64::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI64LtS { a, b, target } => {
                if i64v(regs, a) < i64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64LtSImm { a, imm, target } => {
                if i64v(regs, a) < i64::from(imm) {
                    ip = target as usize;
                }
            }
            Op::BrI64LtU { a, b, target } => {
                if u64v(regs, a) < u64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64LtUImm { a, imm, target } => {
                if u64v(regs, a) < i64::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI64GtS { a, b, target } => {
                if i64v(regs, a) > i64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64GtSImm { a, imm, target } => {
                if i64v(regs, a) > i64::from(imm) {
                    ip = target as usize;
                }
            }
            Op::BrI64GtU { a, b, target } => {
                if u64v(regs, a) > u64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64GtUImm { a, imm, target } => {
                if u64v(regs, a) > i64::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI64LeS { a, b, target } => {
                if i64v(regs, a) <= i64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64LeSImm { a, imm, target } => {
                if i64v(regs, a) <= i64::from(imm) {
                    ip = target as usize;
                }
            }
            Op::BrI64LeU { a, b, target } => {
                if u64v(regs, a) <= u64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64LeUImm { a, imm, target } => {
                if u64v(regs, a) <= i64::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::BrI64GeS { a, b, target } => {
                if i64v(regs, a) >= i64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64GeSImm { a, imm, target } => {
                if i64v(regs, a) >= i64::from(imm) {
                    ip = target as usize;
                }
            }
            Op::BrI64GeU { a, b, target } => {
                if u64v(regs, a) >= u64v(regs, b) {
                    ip = target as usize;
                }
            }
            Op::BrI64GeUImm { a, imm, target } => {
                if u64v(regs, a) >= i64::from(imm).cast_unsigned() {
                    ip = target as usize;
                }
            }
            Op::Return { src, count } => break Ok(Exit::Return { src, count }),
            Op::Call { func, base } => {
                // A function the module defines runs in this instance: no store lookup.
                if let Some(def) = func.checked_sub(activation.imported) {
                    break Ok(Exit::CallDefined { def, base });
                }
                let func = store.instances[instance].funcs[func as usize];
                break Ok(Exit::Call { func, base });
            }
            Op::ReturnCall { func, base } => {
                let func = store.instances[instance].funcs[func as usize];
                break Ok(Exit::TailCall { func, base });
            }
            Op::ReturnCallIndirect { ty, table, base } => {
                let func = try_trap!(table::resolve_indirect(
                    regs, store, instance, ty, table, base
                ));
                break Ok(Exit::TailCall { func, base });
            }
            Op::CallIndirect { ty, table, base } => {
                let func = try_trap!(table::resolve_indirect(
                    regs, store, instance, ty, table, base
                ));
                break Ok(Exit::Call { func, base });
            }
            Op::Select { dst, cond, a, b } => {
                let v = if u32v(regs, cond) != 0 {
                    u64v(regs, a)
                } else {
                    u64v(regs, b)
                };
                wu64(regs, dst, v);
            }
            Op::CanonicalizeF32 { slot } => {
                if f32v(regs, slot).is_nan() {
                    wu32(regs, slot, 0x7fc0_0000);
                }
            }
            Op::CanonicalizeF64 { slot } => {
                if f64v(regs, slot).is_nan() {
                    wu64(regs, slot, 0x7ff8_0000_0000_0000);
                }
            }
            Op::Copy { dst, src } => wu64(regs, dst, u64v(regs, src)),
            Op::Const32 { dst, value } => wu32(regs, dst, value),
            Op::Const64 { dst, lo, hi } => wu64(regs, dst, u64::from(hi) << 32 | u64::from(lo)),
            Op::GlobalGet { dst, index } => {
                let global = store.instances[instance].globals[index as usize];
                regs[usize::from(dst)] = store.globals[global as usize].value;
            }
            Op::GlobalSet { src, index } => {
                let global = store.instances[instance].globals[index as usize];
                store.globals[global as usize].value = regs[usize::from(src)];
            }

            Op::Load8U { dst, addr, offset } => {
                let value = try_trap!(memory::load_kind(
                    store,
                    activation.memory,
                    LoadKind::L8U,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::Load8S32 { dst, addr, offset } => {
                let value = try_trap!(memory::load_kind(
                    store,
                    activation.memory,
                    LoadKind::L8S32,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::Load8S64 { dst, addr, offset } => {
                let value = try_trap!(memory::load_kind(
                    store,
                    activation.memory,
                    LoadKind::L8S64,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::Load16U { dst, addr, offset } => {
                let value = try_trap!(memory::load_kind(
                    store,
                    activation.memory,
                    LoadKind::L16U,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::Load16S32 { dst, addr, offset } => {
                let value = try_trap!(memory::load_kind(
                    store,
                    activation.memory,
                    LoadKind::L16S32,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::Load16S64 { dst, addr, offset } => {
                let value = try_trap!(memory::load_kind(
                    store,
                    activation.memory,
                    LoadKind::L16S64,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::Load32U { dst, addr, offset } => {
                let value = try_trap!(memory::load_kind(
                    store,
                    activation.memory,
                    LoadKind::L32U,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::Load32S64 { dst, addr, offset } => {
                let value = try_trap!(memory::load_kind(
                    store,
                    activation.memory,
                    LoadKind::L32S64,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::Load64 { dst, addr, offset } => {
                let value = try_trap!(memory::load_kind(
                    store,
                    activation.memory,
                    LoadKind::L64,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::Store8 {
                addr,
                value,
                offset,
            } => {
                try_trap!(memory::store_kind(
                    store,
                    activation.memory,
                    StoreKind::S8,
                    u32v(regs, addr),
                    offset,
                    u64v(regs, value)
                ));
            }
            Op::Store16 {
                addr,
                value,
                offset,
            } => {
                try_trap!(memory::store_kind(
                    store,
                    activation.memory,
                    StoreKind::S16,
                    u32v(regs, addr),
                    offset,
                    u64v(regs, value)
                ));
            }
            Op::Store32 {
                addr,
                value,
                offset,
            } => {
                try_trap!(memory::store_kind(
                    store,
                    activation.memory,
                    StoreKind::S32,
                    u32v(regs, addr),
                    offset,
                    u64v(regs, value)
                ));
            }
            Op::Store64 {
                addr,
                value,
                offset,
            } => {
                try_trap!(memory::store_kind(
                    store,
                    activation.memory,
                    StoreKind::S64,
                    u32v(regs, addr),
                    offset,
                    u64v(regs, value)
                ));
            }
            Op::MemorySize { dst } => {
                wu32(regs, dst, try_trap!(memory::size(store, activation.memory)))
            }
            Op::MemoryGrow { delta } => {
                let result = try_trap!(memory::grow(store, activation.memory, u32v(regs, delta)));
                wu32(regs, delta, result);
            }
            Op::MemoryCopy { base } => {
                let [dst, src, len] = args3(regs, base);
                try_trap!(memory::copy(store, activation.memory, dst, src, len));
            }
            Op::MemoryFill { base } => {
                let [dst, value, len] = args3(regs, base);
                try_trap!(memory::fill(
                    store,
                    activation.memory,
                    dst,
                    low8(value),
                    len
                ));
            }
            Op::MemoryInit { segment, base } => {
                let [dst, src, len] = args3(regs, base);
                try_trap!(memory::init(
                    store,
                    instance,
                    activation.memory,
                    segment,
                    dst,
                    src,
                    len
                ));
            }
            Op::DataDrop { segment } => memory::drop_data(store, instance, segment),
            Op::LoadMem {
                kind,
                dst,
                addr,
                memory,
                offset,
            } => {
                // The verifier rejects unknown kinds; an unknown one here is not reachable.
                let kind = try_trap!(LoadKind::from_code(kind).ok_or(TrapCode::Unreachable));
                let index = memory::index_of(store, instance, u32::from(memory));
                let value = try_trap!(memory::load_kind(
                    store,
                    index,
                    kind,
                    u32v(regs, addr),
                    offset
                ));
                wu64(regs, dst, value);
            }
            Op::StoreMem {
                kind,
                addr,
                value,
                memory,
                offset,
            } => {
                let kind = try_trap!(StoreKind::from_code(kind).ok_or(TrapCode::Unreachable));
                let index = memory::index_of(store, instance, u32::from(memory));
                try_trap!(memory::store_kind(
                    store,
                    index,
                    kind,
                    u32v(regs, addr),
                    offset,
                    u64v(regs, value),
                ));
            }
            Op::MemorySizeN { dst, memory } => {
                let index = memory::index_of(store, instance, memory);
                wu32(regs, dst, try_trap!(memory::size(store, index)));
            }
            Op::MemoryGrowN { delta, memory } => {
                let index = memory::index_of(store, instance, memory);
                let result = try_trap!(memory::grow(store, index, u32v(regs, delta)));
                wu32(regs, delta, result);
            }
            Op::MemoryCopyN {
                base,
                dst_memory,
                src_memory,
            } => {
                let [dst, src, len] = args3(regs, base);
                let d = memory::index_of(store, instance, dst_memory);
                let s = memory::index_of(store, instance, src_memory);
                try_trap!(memory::copy_between(store, d, s, dst, src, len));
            }
            Op::MemoryFillN { base, memory } => {
                let [dst, value, len] = args3(regs, base);
                let index = memory::index_of(store, instance, memory);
                try_trap!(memory::fill(store, index, dst, low8(value), len));
            }
            Op::MemoryInitN {
                base,
                memory,
                segment,
            } => {
                let [dst, src, len] = args3(regs, base);
                let index = memory::index_of(store, instance, u32::from(memory));
                try_trap!(memory::init(store, instance, index, segment, dst, src, len));
            }

            Op::TableGet { table, dst } => {
                let value = try_trap!(table::get(store, instance, table, u32v(regs, dst)));
                regs[usize::from(dst)] = value;
            }
            Op::TableSet { table, base } => {
                let index = u32v(regs, base);
                let value = regs[usize::from(base) + 1];
                try_trap!(table::set(store, instance, table, index, value));
            }
            Op::TableSize { table, dst } => wu32(regs, dst, table::size(store, instance, table)),
            Op::TableGrow { table, base } => {
                let init = regs[usize::from(base)];
                let delta = u32v(regs, base + 1);
                wu32(regs, base, table::grow(store, instance, table, init, delta));
            }
            Op::TableFill { table, base } => {
                let index = u32v(regs, base);
                let value = regs[usize::from(base) + 1];
                let len = u32v(regs, base + 2);
                try_trap!(table::fill(store, instance, table, index, value, len));
            }
            Op::TableCopy {
                dst_table,
                src_table,
                base,
            } => {
                let [dst, src, len] = args3(regs, base);
                try_trap!(table::copy(
                    store, instance, dst_table, src_table, dst, src, len
                ));
            }
            Op::TableInit {
                table,
                segment,
                base,
            } => {
                let [dst, src, len] = args3(regs, base);
                try_trap!(table::init(store, instance, table, segment, dst, src, len));
            }
            Op::ElemDrop { segment } => table::drop_elem(store, instance, segment),
            Op::RefFunc { dst, func } => {
                let func = store.instances[instance].funcs[func as usize];
                wu64(regs, dst, u64::from(func) + 1);
            }

            Op::I32Eqz { dst, src } => wbool(regs, dst, u32v(regs, src) == 0),
            Op::I32Eq { dst, a, b } => wbool(regs, dst, u32v(regs, a) == u32v(regs, b)),
            Op::I32Ne { dst, a, b } => wbool(regs, dst, u32v(regs, a) != u32v(regs, b)),
            Op::I32LtS { dst, a, b } => wbool(regs, dst, i32v(regs, a) < i32v(regs, b)),
            Op::I32LtU { dst, a, b } => wbool(regs, dst, u32v(regs, a) < u32v(regs, b)),
            Op::I32GtS { dst, a, b } => wbool(regs, dst, i32v(regs, a) > i32v(regs, b)),
            Op::I32GtU { dst, a, b } => wbool(regs, dst, u32v(regs, a) > u32v(regs, b)),
            Op::I32LeS { dst, a, b } => wbool(regs, dst, i32v(regs, a) <= i32v(regs, b)),
            Op::I32LeU { dst, a, b } => wbool(regs, dst, u32v(regs, a) <= u32v(regs, b)),
            Op::I32GeS { dst, a, b } => wbool(regs, dst, i32v(regs, a) >= i32v(regs, b)),
            Op::I32GeU { dst, a, b } => wbool(regs, dst, u32v(regs, a) >= u32v(regs, b)),
            Op::I32Clz { dst, src } => wu32(regs, dst, u32v(regs, src).leading_zeros()),
            Op::I32Ctz { dst, src } => wu32(regs, dst, u32v(regs, src).trailing_zeros()),
            Op::I32Popcnt { dst, src } => wu32(regs, dst, u32v(regs, src).count_ones()),
            Op::I32Add { dst, a, b } => wu32(regs, dst, u32v(regs, a).wrapping_add(u32v(regs, b))),
            Op::I32Sub { dst, a, b } => wu32(regs, dst, u32v(regs, a).wrapping_sub(u32v(regs, b))),
            Op::I32Mul { dst, a, b } => wu32(regs, dst, u32v(regs, a).wrapping_mul(u32v(regs, b))),
            Op::I32DivS { dst, a, b } => wi32(
                regs,
                dst,
                try_trap!(numeric::i32_div_s(i32v(regs, a), i32v(regs, b)).map_err(trap)),
            ),
            Op::I32DivU { dst, a, b } => wu32(
                regs,
                dst,
                try_trap!(numeric::i32_div_u(u32v(regs, a), u32v(regs, b)).map_err(trap)),
            ),
            Op::I32RemS { dst, a, b } => wi32(
                regs,
                dst,
                try_trap!(numeric::i32_rem_s(i32v(regs, a), i32v(regs, b)).map_err(trap)),
            ),
            Op::I32RemU { dst, a, b } => wu32(
                regs,
                dst,
                try_trap!(numeric::i32_rem_u(u32v(regs, a), u32v(regs, b)).map_err(trap)),
            ),
            Op::I32And { dst, a, b } => wu32(regs, dst, u32v(regs, a) & u32v(regs, b)),
            Op::I32Or { dst, a, b } => wu32(regs, dst, u32v(regs, a) | u32v(regs, b)),
            Op::I32Xor { dst, a, b } => wu32(regs, dst, u32v(regs, a) ^ u32v(regs, b)),
            Op::I32Shl { dst, a, b } => {
                wu32(regs, dst, u32v(regs, a).wrapping_shl(shift_32(regs, b)))
            }
            Op::I32ShrS { dst, a, b } => {
                wi32(regs, dst, i32v(regs, a).wrapping_shr(shift_32(regs, b)))
            }
            Op::I32ShrU { dst, a, b } => {
                wu32(regs, dst, u32v(regs, a).wrapping_shr(shift_32(regs, b)))
            }
            Op::I32Rotl { dst, a, b } => {
                wu32(regs, dst, u32v(regs, a).rotate_left(shift_32(regs, b)))
            }
            Op::I32Rotr { dst, a, b } => {
                wu32(regs, dst, u32v(regs, a).rotate_right(shift_32(regs, b)))
            }
            Op::I64Eqz { dst, src } => wbool(regs, dst, u64v(regs, src) == 0),
            Op::I64Eq { dst, a, b } => wbool(regs, dst, u64v(regs, a) == u64v(regs, b)),
            Op::I64Ne { dst, a, b } => wbool(regs, dst, u64v(regs, a) != u64v(regs, b)),
            Op::I64LtS { dst, a, b } => wbool(regs, dst, i64v(regs, a) < i64v(regs, b)),
            Op::I64LtU { dst, a, b } => wbool(regs, dst, u64v(regs, a) < u64v(regs, b)),
            Op::I64GtS { dst, a, b } => wbool(regs, dst, i64v(regs, a) > i64v(regs, b)),
            Op::I64GtU { dst, a, b } => wbool(regs, dst, u64v(regs, a) > u64v(regs, b)),
            Op::I64LeS { dst, a, b } => wbool(regs, dst, i64v(regs, a) <= i64v(regs, b)),
            Op::I64LeU { dst, a, b } => wbool(regs, dst, u64v(regs, a) <= u64v(regs, b)),
            Op::I64GeS { dst, a, b } => wbool(regs, dst, i64v(regs, a) >= i64v(regs, b)),
            Op::I64GeU { dst, a, b } => wbool(regs, dst, u64v(regs, a) >= u64v(regs, b)),
            Op::I64Clz { dst, src } => wu64(regs, dst, u64::from(u64v(regs, src).leading_zeros())),
            Op::I64Ctz { dst, src } => wu64(regs, dst, u64::from(u64v(regs, src).trailing_zeros())),
            Op::I64Popcnt { dst, src } => wu64(regs, dst, u64::from(u64v(regs, src).count_ones())),
            Op::I64Add { dst, a, b } => wu64(regs, dst, u64v(regs, a).wrapping_add(u64v(regs, b))),
            Op::I64Sub { dst, a, b } => wu64(regs, dst, u64v(regs, a).wrapping_sub(u64v(regs, b))),
            Op::I64Mul { dst, a, b } => wu64(regs, dst, u64v(regs, a).wrapping_mul(u64v(regs, b))),
            Op::I64DivS { dst, a, b } => wi64(
                regs,
                dst,
                try_trap!(numeric::i64_div_s(i64v(regs, a), i64v(regs, b)).map_err(trap)),
            ),
            Op::I64DivU { dst, a, b } => wu64(
                regs,
                dst,
                try_trap!(numeric::i64_div_u(u64v(regs, a), u64v(regs, b)).map_err(trap)),
            ),
            Op::I64RemS { dst, a, b } => wi64(
                regs,
                dst,
                try_trap!(numeric::i64_rem_s(i64v(regs, a), i64v(regs, b)).map_err(trap)),
            ),
            Op::I64RemU { dst, a, b } => wu64(
                regs,
                dst,
                try_trap!(numeric::i64_rem_u(u64v(regs, a), u64v(regs, b)).map_err(trap)),
            ),
            Op::I64And { dst, a, b } => wu64(regs, dst, u64v(regs, a) & u64v(regs, b)),
            Op::I64Or { dst, a, b } => wu64(regs, dst, u64v(regs, a) | u64v(regs, b)),
            Op::I64Xor { dst, a, b } => wu64(regs, dst, u64v(regs, a) ^ u64v(regs, b)),
            Op::I64Shl { dst, a, b } => {
                wu64(regs, dst, u64v(regs, a).wrapping_shl(shift_64(regs, b)))
            }
            Op::I64ShrS { dst, a, b } => {
                wi64(regs, dst, i64v(regs, a).wrapping_shr(shift_64(regs, b)))
            }
            Op::I64ShrU { dst, a, b } => {
                wu64(regs, dst, u64v(regs, a).wrapping_shr(shift_64(regs, b)))
            }
            Op::I64Rotl { dst, a, b } => {
                wu64(regs, dst, u64v(regs, a).rotate_left(shift_64(regs, b)))
            }
            Op::I64Rotr { dst, a, b } => {
                wu64(regs, dst, u64v(regs, a).rotate_right(shift_64(regs, b)))
            }
            Op::I32AddImm { dst, a, imm } => {
                wu32(regs, dst, u32v(regs, a).wrapping_add(imm.cast_unsigned()))
            }
            Op::I32MulImm { dst, a, imm } => {
                wu32(regs, dst, u32v(regs, a).wrapping_mul(imm.cast_unsigned()))
            }
            Op::I32AndImm { dst, a, imm } => wu32(regs, dst, u32v(regs, a) & imm.cast_unsigned()),
            Op::I32OrImm { dst, a, imm } => wu32(regs, dst, u32v(regs, a) | imm.cast_unsigned()),
            Op::I32XorImm { dst, a, imm } => wu32(regs, dst, u32v(regs, a) ^ imm.cast_unsigned()),
            Op::I32ShlImm { dst, a, imm } => {
                wu32(regs, dst, u32v(regs, a).wrapping_shl(imm.cast_unsigned()))
            }
            Op::I32ShrSImm { dst, a, imm } => {
                wi32(regs, dst, i32v(regs, a).wrapping_shr(imm.cast_unsigned()))
            }
            Op::I32ShrUImm { dst, a, imm } => {
                wu32(regs, dst, u32v(regs, a).wrapping_shr(imm.cast_unsigned()))
            }
            Op::I32EqImm { dst, a, imm } => wbool(regs, dst, u32v(regs, a) == imm.cast_unsigned()),
            Op::I32NeImm { dst, a, imm } => wbool(regs, dst, u32v(regs, a) != imm.cast_unsigned()),
            Op::I32LtSImm { dst, a, imm } => wbool(regs, dst, i32v(regs, a) < imm),
            Op::I32LtUImm { dst, a, imm } => wbool(regs, dst, u32v(regs, a) < imm.cast_unsigned()),
            Op::I32GtSImm { dst, a, imm } => wbool(regs, dst, i32v(regs, a) > imm),
            Op::I32GtUImm { dst, a, imm } => wbool(regs, dst, u32v(regs, a) > imm.cast_unsigned()),
            Op::I32LeSImm { dst, a, imm } => wbool(regs, dst, i32v(regs, a) <= imm),
            Op::I32LeUImm { dst, a, imm } => wbool(regs, dst, u32v(regs, a) <= imm.cast_unsigned()),
            Op::I32GeSImm { dst, a, imm } => wbool(regs, dst, i32v(regs, a) >= imm),
            Op::I32GeUImm { dst, a, imm } => wbool(regs, dst, u32v(regs, a) >= imm.cast_unsigned()),
            Op::I64AddImm { dst, a, imm } => wu64(
                regs,
                dst,
                u64v(regs, a).wrapping_add(i64::from(imm).cast_unsigned()),
            ),
            Op::I64MulImm { dst, a, imm } => wu64(
                regs,
                dst,
                u64v(regs, a).wrapping_mul(i64::from(imm).cast_unsigned()),
            ),
            Op::I64AndImm { dst, a, imm } => {
                wu64(regs, dst, u64v(regs, a) & i64::from(imm).cast_unsigned())
            }
            Op::I64OrImm { dst, a, imm } => {
                wu64(regs, dst, u64v(regs, a) | i64::from(imm).cast_unsigned())
            }
            Op::I64XorImm { dst, a, imm } => {
                wu64(regs, dst, u64v(regs, a) ^ i64::from(imm).cast_unsigned())
            }
            Op::I64ShlImm { dst, a, imm } => {
                wu64(regs, dst, u64v(regs, a).wrapping_shl(imm.cast_unsigned()))
            }
            Op::I64ShrSImm { dst, a, imm } => {
                wi64(regs, dst, i64v(regs, a).wrapping_shr(imm.cast_unsigned()))
            }
            Op::I64ShrUImm { dst, a, imm } => {
                wu64(regs, dst, u64v(regs, a).wrapping_shr(imm.cast_unsigned()))
            }
            Op::I64EqImm { dst, a, imm } => {
                wbool(regs, dst, u64v(regs, a) == i64::from(imm).cast_unsigned())
            }
            Op::I64NeImm { dst, a, imm } => {
                wbool(regs, dst, u64v(regs, a) != i64::from(imm).cast_unsigned())
            }
            Op::I64LtSImm { dst, a, imm } => wbool(regs, dst, i64v(regs, a) < i64::from(imm)),
            Op::I64LtUImm { dst, a, imm } => {
                wbool(regs, dst, u64v(regs, a) < i64::from(imm).cast_unsigned())
            }
            Op::I64GtSImm { dst, a, imm } => wbool(regs, dst, i64v(regs, a) > i64::from(imm)),
            Op::I64GtUImm { dst, a, imm } => {
                wbool(regs, dst, u64v(regs, a) > i64::from(imm).cast_unsigned())
            }
            Op::I64LeSImm { dst, a, imm } => wbool(regs, dst, i64v(regs, a) <= i64::from(imm)),
            Op::I64LeUImm { dst, a, imm } => {
                wbool(regs, dst, u64v(regs, a) <= i64::from(imm).cast_unsigned())
            }
            Op::I64GeSImm { dst, a, imm } => wbool(regs, dst, i64v(regs, a) >= i64::from(imm)),
            Op::I64GeUImm { dst, a, imm } => {
                wbool(regs, dst, u64v(regs, a) >= i64::from(imm).cast_unsigned())
            }
            Op::F32Eq { dst, a, b } => wbool(regs, dst, f32v(regs, a) == f32v(regs, b)),
            Op::F32Ne { dst, a, b } => wbool(regs, dst, f32v(regs, a) != f32v(regs, b)),
            Op::F32Lt { dst, a, b } => wbool(regs, dst, f32v(regs, a) < f32v(regs, b)),
            Op::F32Gt { dst, a, b } => wbool(regs, dst, f32v(regs, a) > f32v(regs, b)),
            Op::F32Le { dst, a, b } => wbool(regs, dst, f32v(regs, a) <= f32v(regs, b)),
            Op::F32Ge { dst, a, b } => wbool(regs, dst, f32v(regs, a) >= f32v(regs, b)),
            Op::F32Abs { dst, src } => wf32(regs, dst, numeric::f32_abs(f32v(regs, src))),
            Op::F32Neg { dst, src } => wf32(regs, dst, numeric::f32_neg(f32v(regs, src))),
            Op::F32Ceil { dst, src } => wf32(regs, dst, numeric::f32_ceil(f32v(regs, src))),
            Op::F32Floor { dst, src } => wf32(regs, dst, numeric::f32_floor(f32v(regs, src))),
            Op::F32Trunc { dst, src } => wf32(regs, dst, numeric::f32_trunc(f32v(regs, src))),
            Op::F32Nearest { dst, src } => wf32(regs, dst, numeric::f32_nearest(f32v(regs, src))),
            Op::F32Sqrt { dst, src } => wf32(regs, dst, numeric::f32_sqrt(f32v(regs, src))),
            Op::F32Add { dst, a, b } => wf32(regs, dst, f32v(regs, a) + f32v(regs, b)),
            Op::F32Sub { dst, a, b } => wf32(regs, dst, f32v(regs, a) - f32v(regs, b)),
            Op::F32Mul { dst, a, b } => wf32(regs, dst, f32v(regs, a) * f32v(regs, b)),
            Op::F32Div { dst, a, b } => wf32(regs, dst, f32v(regs, a) / f32v(regs, b)),
            Op::F32Min { dst, a, b } => {
                wf32(regs, dst, numeric::f32_min(f32v(regs, a), f32v(regs, b)))
            }
            Op::F32Max { dst, a, b } => {
                wf32(regs, dst, numeric::f32_max(f32v(regs, a), f32v(regs, b)))
            }
            Op::F32Copysign { dst, a, b } => wf32(
                regs,
                dst,
                numeric::f32_copysign(f32v(regs, a), f32v(regs, b)),
            ),
            Op::F64Eq { dst, a, b } => wbool(regs, dst, f64v(regs, a) == f64v(regs, b)),
            Op::F64Ne { dst, a, b } => wbool(regs, dst, f64v(regs, a) != f64v(regs, b)),
            Op::F64Lt { dst, a, b } => wbool(regs, dst, f64v(regs, a) < f64v(regs, b)),
            Op::F64Gt { dst, a, b } => wbool(regs, dst, f64v(regs, a) > f64v(regs, b)),
            Op::F64Le { dst, a, b } => wbool(regs, dst, f64v(regs, a) <= f64v(regs, b)),
            Op::F64Ge { dst, a, b } => wbool(regs, dst, f64v(regs, a) >= f64v(regs, b)),
            Op::F64Abs { dst, src } => wf64(regs, dst, numeric::f64_abs(f64v(regs, src))),
            Op::F64Neg { dst, src } => wf64(regs, dst, numeric::f64_neg(f64v(regs, src))),
            Op::F64Ceil { dst, src } => wf64(regs, dst, numeric::f64_ceil(f64v(regs, src))),
            Op::F64Floor { dst, src } => wf64(regs, dst, numeric::f64_floor(f64v(regs, src))),
            Op::F64Trunc { dst, src } => wf64(regs, dst, numeric::f64_trunc(f64v(regs, src))),
            Op::F64Nearest { dst, src } => wf64(regs, dst, numeric::f64_nearest(f64v(regs, src))),
            Op::F64Sqrt { dst, src } => wf64(regs, dst, numeric::f64_sqrt(f64v(regs, src))),
            Op::F64Add { dst, a, b } => wf64(regs, dst, f64v(regs, a) + f64v(regs, b)),
            Op::F64Sub { dst, a, b } => wf64(regs, dst, f64v(regs, a) - f64v(regs, b)),
            Op::F64Mul { dst, a, b } => wf64(regs, dst, f64v(regs, a) * f64v(regs, b)),
            Op::F64Div { dst, a, b } => wf64(regs, dst, f64v(regs, a) / f64v(regs, b)),
            Op::F64Min { dst, a, b } => {
                wf64(regs, dst, numeric::f64_min(f64v(regs, a), f64v(regs, b)))
            }
            Op::F64Max { dst, a, b } => {
                wf64(regs, dst, numeric::f64_max(f64v(regs, a), f64v(regs, b)))
            }
            Op::F64Copysign { dst, a, b } => wf64(
                regs,
                dst,
                numeric::f64_copysign(f64v(regs, a), f64v(regs, b)),
            ),
            Op::I32WrapI64 { dst, src } => wu32(regs, dst, low32(u64v(regs, src))),
            Op::I32TruncF32S { dst, src } => wi32(
                regs,
                dst,
                try_trap!(numeric::i32_trunc_f32_s(f32v(regs, src)).map_err(trap)),
            ),
            Op::I32TruncF32U { dst, src } => wu32(
                regs,
                dst,
                try_trap!(numeric::i32_trunc_f32_u(f32v(regs, src)).map_err(trap)),
            ),
            Op::I32TruncF64S { dst, src } => wi32(
                regs,
                dst,
                try_trap!(numeric::i32_trunc_f64_s(f64v(regs, src)).map_err(trap)),
            ),
            Op::I32TruncF64U { dst, src } => wu32(
                regs,
                dst,
                try_trap!(numeric::i32_trunc_f64_u(f64v(regs, src)).map_err(trap)),
            ),
            Op::I64TruncF32S { dst, src } => wi64(
                regs,
                dst,
                try_trap!(numeric::i64_trunc_f32_s(f32v(regs, src)).map_err(trap)),
            ),
            Op::I64TruncF32U { dst, src } => wu64(
                regs,
                dst,
                try_trap!(numeric::i64_trunc_f32_u(f32v(regs, src)).map_err(trap)),
            ),
            Op::I64TruncF64S { dst, src } => wi64(
                regs,
                dst,
                try_trap!(numeric::i64_trunc_f64_s(f64v(regs, src)).map_err(trap)),
            ),
            Op::I64TruncF64U { dst, src } => wu64(
                regs,
                dst,
                try_trap!(numeric::i64_trunc_f64_u(f64v(regs, src)).map_err(trap)),
            ),
            Op::I64ExtendI32S { dst, src } => wi64(regs, dst, i64::from(i32v(regs, src))),
            Op::I64ExtendI32U { dst, src } => wu64(regs, dst, u64::from(u32v(regs, src))),
            Op::F32ConvertI32S { dst, src } => {
                wf32(regs, dst, numeric::f32_convert_i32_s(i32v(regs, src)))
            }
            Op::F32ConvertI32U { dst, src } => {
                wf32(regs, dst, numeric::f32_convert_i32_u(u32v(regs, src)))
            }
            Op::F32ConvertI64S { dst, src } => {
                wf32(regs, dst, numeric::f32_convert_i64_s(i64v(regs, src)))
            }
            Op::F32ConvertI64U { dst, src } => {
                wf32(regs, dst, numeric::f32_convert_i64_u(u64v(regs, src)))
            }
            Op::F32DemoteF64 { dst, src } => {
                wf32(regs, dst, numeric::f32_demote_f64(f64v(regs, src)))
            }
            Op::F64ConvertI32S { dst, src } => {
                wf64(regs, dst, numeric::f64_convert_i32_s(i32v(regs, src)))
            }
            Op::F64ConvertI32U { dst, src } => {
                wf64(regs, dst, numeric::f64_convert_i32_u(u32v(regs, src)))
            }
            Op::F64ConvertI64S { dst, src } => {
                wf64(regs, dst, numeric::f64_convert_i64_s(i64v(regs, src)))
            }
            Op::F64ConvertI64U { dst, src } => {
                wf64(regs, dst, numeric::f64_convert_i64_u(u64v(regs, src)))
            }
            Op::F64PromoteF32 { dst, src } => {
                wf64(regs, dst, numeric::f64_promote_f32(f32v(regs, src)))
            }
            Op::I32Extend8S { dst, src } => {
                wi32(regs, dst, numeric::i32_extend8_s(i32v(regs, src)))
            }
            Op::I32Extend16S { dst, src } => {
                wi32(regs, dst, numeric::i32_extend16_s(i32v(regs, src)))
            }
            Op::I64Extend8S { dst, src } => {
                wi64(regs, dst, numeric::i64_extend8_s(i64v(regs, src)))
            }
            Op::I64Extend16S { dst, src } => {
                wi64(regs, dst, numeric::i64_extend16_s(i64v(regs, src)))
            }
            Op::I64Extend32S { dst, src } => {
                wi64(regs, dst, numeric::i64_extend32_s(i64v(regs, src)))
            }
            Op::I32TruncSatF32S { dst, src } => {
                wi32(regs, dst, numeric::i32_trunc_sat_f32_s(f32v(regs, src)))
            }
            Op::I32TruncSatF32U { dst, src } => {
                wu32(regs, dst, numeric::i32_trunc_sat_f32_u(f32v(regs, src)))
            }
            Op::I32TruncSatF64S { dst, src } => {
                wi32(regs, dst, numeric::i32_trunc_sat_f64_s(f64v(regs, src)))
            }
            Op::I32TruncSatF64U { dst, src } => {
                wu32(regs, dst, numeric::i32_trunc_sat_f64_u(f64v(regs, src)))
            }
            Op::I64TruncSatF32S { dst, src } => {
                wi64(regs, dst, numeric::i64_trunc_sat_f32_s(f32v(regs, src)))
            }
            Op::I64TruncSatF32U { dst, src } => {
                wu64(regs, dst, numeric::i64_trunc_sat_f32_u(f32v(regs, src)))
            }
            Op::I64TruncSatF64S { dst, src } => {
                wi64(regs, dst, numeric::i64_trunc_sat_f64_s(f64v(regs, src)))
            }
            Op::I64TruncSatF64U { dst, src } => {
                wu64(regs, dst, numeric::i64_trunc_sat_f64_u(f64v(regs, src)))
            }
        }
    };
    *pc = ip;
    exit
}

/// Maps a numeric trap to its trap code.
fn trap(t: NumericTrap) -> TrapCode {
    match t {
        NumericTrap::IntegerDivisionByZero => TrapCode::IntegerDivisionByZero,
        NumericTrap::IntegerOverflow => TrapCode::IntegerOverflow,
        NumericTrap::BadConversionToInteger => TrapCode::BadConversionToInteger,
    }
}

// Slot accessors. Slots are untyped 64-bit words: 32-bit values live in the low half, and
// writers of 32-bit values clear the high half so that equal values have equal bits.

#[inline(always)]
fn u64v(regs: &[RawVal], s: Slot) -> u64 {
    debug_assert!(usize::from(s) < regs.len());
    // SAFETY: `execute`'s precondition: every slot an instruction names is inside `regs`.
    unsafe { *regs.get_unchecked(usize::from(s)) }
}
#[inline(always)]
fn i64v(regs: &[RawVal], s: Slot) -> i64 {
    u64v(regs, s).cast_signed()
}
#[inline(always)]
fn u32v(regs: &[RawVal], s: Slot) -> u32 {
    low32(u64v(regs, s))
}
#[inline(always)]
fn i32v(regs: &[RawVal], s: Slot) -> i32 {
    u32v(regs, s).cast_signed()
}
#[inline(always)]
fn f32v(regs: &[RawVal], s: Slot) -> f32 {
    f32::from_bits(u32v(regs, s))
}
#[inline(always)]
fn f64v(regs: &[RawVal], s: Slot) -> f64 {
    f64::from_bits(u64v(regs, s))
}
#[inline(always)]
fn wu64(regs: &mut [RawVal], s: Slot, v: u64) {
    debug_assert!(usize::from(s) < regs.len());
    // SAFETY: `execute`'s precondition: every slot an instruction names is inside `regs`.
    unsafe { *regs.get_unchecked_mut(usize::from(s)) = v }
}
#[inline(always)]
fn wi64(regs: &mut [RawVal], s: Slot, v: i64) {
    wu64(regs, s, v.cast_unsigned());
}
#[inline(always)]
fn wu32(regs: &mut [RawVal], s: Slot, v: u32) {
    wu64(regs, s, u64::from(v));
}
#[inline(always)]
fn wi32(regs: &mut [RawVal], s: Slot, v: i32) {
    wu32(regs, s, v.cast_unsigned());
}
#[inline(always)]
fn wf32(regs: &mut [RawVal], s: Slot, v: f32) {
    wu32(regs, s, v.to_bits());
}
#[inline(always)]
fn wf64(regs: &mut [RawVal], s: Slot, v: f64) {
    wu64(regs, s, v.to_bits());
}
#[inline(always)]
fn wbool(regs: &mut [RawVal], s: Slot, v: bool) {
    wu32(regs, s, u32::from(v));
}

/// The shift or rotate count of a 32-bit operation (the operation masks it).
#[inline(always)]
fn shift_32(regs: &[RawVal], s: Slot) -> u32 {
    u32v(regs, s)
}

/// The shift or rotate count of a 64-bit operation: the low 6 bits matter, so the low 32 bits
/// carry them all.
#[inline(always)]
fn shift_64(regs: &[RawVal], s: Slot) -> u32 {
    u32v(regs, s)
}

#[inline(always)]
#[expect(
    clippy::cast_possible_truncation,
    reason = "taking the low half is the intent"
)]
fn low32(v: u64) -> u32 {
    v as u32
}

#[inline(always)]
#[expect(
    clippy::cast_possible_truncation,
    reason = "memory.fill uses the low byte"
)]
fn low8(v: u32) -> u8 {
    v as u8
}

/// Three consecutive i32 operands starting at `base`.
#[inline(always)]
fn args3(regs: &[RawVal], base: Slot) -> [u32; 3] {
    let b = usize::from(base);
    [low32(regs[b]), low32(regs[b + 1]), low32(regs[b + 2])]
}
