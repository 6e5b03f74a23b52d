//! The verifier: checks that translated code keeps every invariant the executor relies on.
//!
//! Be careful when changing the executor: whatever it assumes about instructions (slots inside
//! the frame, jump targets inside the function, indices inside the module) must be checked here,
//! and this is the one place that checks it. The translator's output passes through here once
//! per function, so a translator bug becomes an `Error` at `Module::new` instead of a wrong
//! access at run time; the compiled-image loader will run the same checks on bytes from flash.

use mote_core::module::ModuleInfo;
use mote_core::{Error, Message, Mutability};

use crate::code::{CompiledFunc, CompiledModule};
use crate::op::{LoadKind, Op, Slot, StoreKind};

/// How thoroughly [`verify_module`] checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// The invariants the executor needs to stay in bounds (code from the translator, whose
    /// input was validated).
    Bounds,
    /// Also reference safety ([`refs`]): for code from untrusted bytes (images), and for
    /// translated code under the `extra-checks` feature.
    References,
}

/// Checks every function of a module, and that the module has one per defined function.
///
/// # Errors
/// As [`verify`], with the function named.
pub(crate) fn verify_module(
    info: &ModuleInfo,
    module: &CompiledModule,
    depth: Depth,
) -> Result<(), Error> {
    if module.funcs.len()
        != info
            .funcs
            .len()
            .saturating_sub(info.imported_funcs as usize)
    {
        return Err(Error::unsupported(
            "translated code: the number of functions differs from the module's",
            None,
        ));
    }
    if !module.offsets.is_empty() && module.offsets.len() != module.code.len() {
        return Err(Error::unsupported(
            "translated code: the offset table does not match the code",
            None,
        ));
    }
    for (defined, func) in module.funcs.iter().enumerate() {
        let index = info
            .imported_funcs
            .saturating_add(u32::try_from(defined).unwrap_or(u32::MAX));
        verify(info, index, func, &module.code)
            .and_then(|()| {
                if depth == Depth::Bounds {
                    return Ok(());
                }
                refs::check(info, index, func, module.code_of(func)).map_err(|(pc, what)| {
                    if what == refs::OUT_OF_MEMORY.1 {
                        // The pass's memory is 4 bytes per instruction and a few per slot.
                        let code = module.code_of(func).len() as u64;
                        Error::out_of_memory(code.saturating_mul(4))
                    } else {
                        fail(pc, what)
                    }
                })
            })
            .map_err(|e| e.in_function(index, info.func_name(index)))?;
    }
    Ok(())
}

/// With fuel metering, checks that code cannot run without paying: every function starts with
/// a `ConsumeFuel` of at least one unit (so recursion and tail-call loops pay per call), and
/// every backward jump lands on one (so every loop iteration pays; a cycle in the code must
/// contain a backward jump). The translator's code has this shape; an image must too, or a
/// hostile image could loop forever on an engine that meters fuel.
///
/// # Errors
/// An `Unsupported` error naming the function and instruction.
pub(crate) fn verify_fuel(info: &ModuleInfo, module: &CompiledModule) -> Result<(), Error> {
    let pays = |code: &[Op], target: usize| matches!(code.get(target), Some(Op::ConsumeFuel { amount }) if *amount > 0);
    for (defined, func) in module.funcs.iter().enumerate() {
        let index = info
            .imported_funcs
            .saturating_add(u32::try_from(defined).unwrap_or(u32::MAX));
        let named = |e: Error| e.in_function(index, info.func_name(index));
        let code = module.code_of(func);
        if !pays(code, 0) {
            return Err(named(fail(
                0,
                "fuel metering: the function does not start by paying",
            )));
        }
        for (pc, op) in code.iter().enumerate() {
            let mut op = *op;
            if let Some(&mut target) = op.target_mut()
                && target as usize <= pc
                && !pays(code, target as usize)
            {
                return Err(named(fail(
                    pc,
                    "fuel metering: a backward jump skips the fuel check",
                )));
            }
        }
    }
    Ok(())
}

/// With epoch interruption, checks that code cannot run long without looking at the epoch:
/// every function checks it on entry (after its fuel check, if any), and every backward jump
/// lands on a check (or on the fuel check right before one), so recursion and every cycle in
/// the code pass a check. The translator's code has this shape; an image must too, or a
/// hostile image could run forever on an engine that relies on epochs to stop it.
///
/// # Errors
/// An `Unsupported` error naming the function and instruction.
pub(crate) fn verify_epoch(info: &ModuleInfo, module: &CompiledModule) -> Result<(), Error> {
    let checks = |code: &[Op], target: usize| match code.get(target) {
        Some(Op::CheckEpoch) => true,
        Some(Op::ConsumeFuel { .. }) => matches!(code.get(target + 1), Some(Op::CheckEpoch)),
        _ => false,
    };
    for (defined, func) in module.funcs.iter().enumerate() {
        let index = info
            .imported_funcs
            .saturating_add(u32::try_from(defined).unwrap_or(u32::MAX));
        let named = |e: Error| e.in_function(index, info.func_name(index));
        let code = module.code_of(func);
        if !checks(code, 0) {
            return Err(named(fail(
                0,
                "epoch interruption: the function does not start with an epoch check",
            )));
        }
        for (pc, op) in code.iter().enumerate() {
            let mut op = *op;
            if let Some(&mut target) = op.target_mut()
                && target as usize <= pc
                && !checks(code, target as usize)
            {
                return Err(named(fail(
                    pc,
                    "epoch interruption: a backward jump skips the epoch check",
                )));
            }
        }
    }
    Ok(())
}

/// Checks one translated function (`func_index` in the module's function index space) whose
/// instructions are in `all_code` at the range it names.
///
/// # Errors
/// An `Unsupported` error naming the instruction and the broken invariant.
pub(crate) fn verify(
    info: &ModuleInfo,
    func_index: u32,
    func: &CompiledFunc,
    all_code: &[Op],
) -> Result<(), Error> {
    let code = (func.code_start as usize)
        .checked_add(func.code_len as usize)
        .and_then(|end| all_code.get(func.code_start as usize..end))
        .ok_or_else(|| fail(0, "code range outside the module's code"))?;
    let v = Verifier { info, func, code };
    if func.params > func.locals || func.locals > func.frame_size {
        return Err(fail(0, "frame layout: params <= locals <= frame size"));
    }
    let ty = info.func_type(func_index);
    if usize::from(func.params) != ty.params().len() {
        return Err(fail(0, "parameter count differs from the function type"));
    }
    if usize::from(func.results) != ty.results().len() {
        return Err(fail(0, "result count differs from the function type"));
    }
    // Execution must never run past the end: the last instruction never falls through.
    match code.last() {
        Some(Op::Return { .. } | Op::Br { .. } | Op::Unreachable) => {}
        _ => return Err(fail(code.len(), "the last instruction falls through")),
    }
    // Backwards, counting the jumps that follow each instruction, so `BrTable` is checked in
    // constant time (a hostile image could otherwise make loading quadratic).
    let mut jumps_after = 0usize;
    for (pc, op) in code.iter().enumerate().rev() {
        v.check(op, jumps_after, code.len() - pc)
            .map_err(|what| fail(pc, what))?;
        jumps_after = if matches!(op, Op::Br { .. }) {
            jumps_after + 1
        } else {
            0
        };
    }
    Ok(())
}

/// `index` is below `len`, or the check fails with `what`.
fn in_range(index: u32, len: usize, what: &'static str) -> Check {
    if (index as usize) < len {
        Ok(())
    } else {
        Err(what)
    }
}

#[cold]
fn fail(pc: usize, what: &'static str) -> Error {
    Error::unsupported(
        Message::item(
            "translated code failed verification at instruction",
            pc as u64,
            what,
        ),
        None,
    )
}

struct Verifier<'a> {
    info: &'a ModuleInfo,
    func: &'a CompiledFunc,
    code: &'a [Op],
}

type Check = Result<(), &'static str>;

impl Verifier<'_> {
    /// Slots `s .. s + span` lie inside the frame.
    fn slot(&self, s: Slot, span: u32) -> Check {
        if u32::from(s) + span <= u32::from(self.func.frame_size) {
            Ok(())
        } else {
            Err("slot outside the frame")
        }
    }

    fn target(&self, target: u32) -> Check {
        in_range(target, self.code.len(), "jump target outside the function")
    }

    /// `BrTable` is followed by its `len + 1` jumps; `jumps_after` jumps follow it.
    fn br_table(len: u32, jumps_after: usize) -> Check {
        if (len as usize) < jumps_after {
            Ok(())
        } else {
            Err("br_table is not followed by its jumps")
        }
    }

    fn func(&self, func: u32) -> Check {
        in_range(func, self.info.funcs.len(), "function index")
    }

    /// The arguments and results of a call to `func` at `base` lie inside the frame.
    fn call_args(&self, func: u32, base: Slot) -> Check {
        self.func(func)?;
        let ty = self.info.func_type(func);
        let span = ty.params().len().max(ty.results().len());
        self.slot(base, u32::try_from(span).map_err(|_| "arity")?)
    }

    /// The arguments, the table index and the results of an indirect call.
    fn indirect_args(&self, ty: u32, base: Slot) -> Check {
        let ty = self.info.types.get(ty as usize).ok_or("type index")?;
        let span = (ty.params().len() + 1).max(ty.results().len());
        self.slot(base, u32::try_from(span).map_err(|_| "arity")?)
    }

    fn results(&self, src: Slot, count: u16) -> Check {
        if count != self.func.results {
            return Err("return count differs from the function type");
        }
        self.slot(src, u32::from(count))
    }

    fn table(&self, table: u32) -> Check {
        in_range(table, self.info.tables.len(), "table index")
    }

    fn memory(&self, memory: u32) -> Check {
        in_range(memory, self.info.memories.len(), "memory index")
    }

    fn global(&self, global: u32) -> Check {
        in_range(global, self.info.globals.len(), "global index")
    }

    fn elem(&self, segment: u32) -> Check {
        in_range(segment, self.info.elems.len(), "element segment index")
    }

    fn data(&self, segment: u32) -> Check {
        in_range(segment, self.info.datas.len(), "data segment index")
    }

    /// Checks `op`, which `jumps_after` jumps follow, and which is the first of the function's
    /// last `remaining` instructions.
    fn check(&self, op: &Op, jumps_after: usize, remaining: usize) -> Check {
        let v = self;
        match *op {
            Op::Unreachable => {}
            Op::ConsumeFuel { amount: _ } | Op::CheckEpoch => {}
            Op::Br { target } => {
                v.target(target)?;
            }
            Op::BrIfNez { cond, target } | Op::BrIfEqz { cond, target } => {
                v.slot(cond, 1)?;
                v.target(target)?;
            }
            Op::BrLoad8UIdxNez {
                a,
                b,
                offset: _,
                target,
            }
            | Op::BrLoad8UIdxEqz {
                a,
                b,
                offset: _,
                target,
            } => {
                v.slot(a, 1)?;
                v.slot(b, 1)?;
                v.target(target)?;
                v.memory(0)?;
            }
            Op::I32AddImmBrNe {
                a,
                imm: _,
                b,
                target,
            } => {
                v.slot(a, 1)?;
                v.slot(b, 1)?;
                v.target(target)?;
            }
            Op::I32AddBrGeU { dst, a, b, c }
            | Op::I32AddBrLtU { dst, a, b, c }
            | Op::I32AddBrLeU { dst, a, b, c }
            | Op::I32AddBrGtU { dst, a, b, c } => {
                v.slot(dst, 1)?;
                v.slot(a, 1)?;
                v.slot(b, 1)?;
                v.slot(c, 1)?;
                // Its jump is the `Br` that follows, and skipping that `Br` lands on an
                // instruction of the function (the `Br` is not the last one).
                if jumps_after == 0 {
                    return Err("a fused add-and-branch is not followed by its jump");
                }
                if remaining < 3 {
                    return Err("a fused add-and-branch skips past the end");
                }
            }
            Op::BrTable { index, len } => {
                v.slot(index, 1)?;
                Self::br_table(len, jumps_after)?;
            }
            Op::Return { src, count } => {
                v.results(src, count)?;
            }
            Op::Call { func, base } | Op::ReturnCall { func, base } => {
                v.call_args(func, base)?;
            }
            Op::CallIndirect { ty, table, base } | Op::ReturnCallIndirect { ty, table, base } => {
                v.table(table)?;
                v.indirect_args(ty, base)?;
            }
            Op::Select { dst, cond, a, b } => {
                v.slot(dst, 1)?;
                v.slot(cond, 1)?;
                v.slot(a, 1)?;
                v.slot(b, 1)?;
            }
            Op::BrI32Eq { a, b, target }
            | Op::BrI32Ne { a, b, target }
            | Op::BrI32LtS { a, b, target }
            | Op::BrI32LtU { a, b, target }
            | Op::BrI32GtS { a, b, target }
            | Op::BrI32GtU { a, b, target }
            | Op::BrI32LeS { a, b, target }
            | Op::BrI32LeU { a, b, target }
            | Op::BrI32GeS { a, b, target }
            | Op::BrI32GeU { a, b, target }
            | Op::BrI64Eq { a, b, target }
            | Op::BrI64Ne { a, b, target }
            | Op::BrI64LtS { a, b, target }
            | Op::BrI64LtU { a, b, target }
            | Op::BrI64GtS { a, b, target }
            | Op::BrI64GtU { a, b, target }
            | Op::BrI64LeS { a, b, target }
            | Op::BrI64LeU { a, b, target }
            | Op::BrI64GeS { a, b, target }
            | Op::BrI64GeU { a, b, target } => {
                v.slot(a, 1)?;
                v.slot(b, 1)?;
                v.target(target)?;
            }
            Op::BrI32EqImm { a, imm: _, target }
            | Op::BrI32NeImm { a, imm: _, target }
            | Op::BrI32LtSImm { a, imm: _, target }
            | Op::BrI32LtUImm { a, imm: _, target }
            | Op::BrI32GtSImm { a, imm: _, target }
            | Op::BrI32GtUImm { a, imm: _, target }
            | Op::BrI32LeSImm { a, imm: _, target }
            | Op::BrI32LeUImm { a, imm: _, target }
            | Op::BrI32GeSImm { a, imm: _, target }
            | Op::BrI32GeUImm { a, imm: _, target }
            | Op::BrI64EqImm { a, imm: _, target }
            | Op::BrI64NeImm { a, imm: _, target }
            | Op::BrI64LtSImm { a, imm: _, target }
            | Op::BrI64LtUImm { a, imm: _, target }
            | Op::BrI64GtSImm { a, imm: _, target }
            | Op::BrI64GtUImm { a, imm: _, target }
            | Op::BrI64LeSImm { a, imm: _, target }
            | Op::BrI64LeUImm { a, imm: _, target }
            | Op::BrI64GeSImm { a, imm: _, target }
            | Op::BrI64GeUImm { a, imm: _, target } => {
                v.slot(a, 1)?;
                v.target(target)?;
            }
            Op::Copy { dst, src }
            | Op::I32Eqz { dst, src }
            | Op::I32Clz { dst, src }
            | Op::I32Ctz { dst, src }
            | Op::I32Popcnt { dst, src }
            | Op::I64Eqz { dst, src }
            | Op::I64Clz { dst, src }
            | Op::I64Ctz { dst, src }
            | Op::I64Popcnt { dst, src }
            | Op::F32Abs { dst, src }
            | Op::F32Neg { dst, src }
            | Op::F32Ceil { dst, src }
            | Op::F32Floor { dst, src }
            | Op::F32Trunc { dst, src }
            | Op::F32Nearest { dst, src }
            | Op::F32Sqrt { dst, src }
            | Op::F64Abs { dst, src }
            | Op::F64Neg { dst, src }
            | Op::F64Ceil { dst, src }
            | Op::F64Floor { dst, src }
            | Op::F64Trunc { dst, src }
            | Op::F64Nearest { dst, src }
            | Op::F64Sqrt { dst, src }
            | Op::I32WrapI64 { dst, src }
            | Op::I32TruncF32S { dst, src }
            | Op::I32TruncF32U { dst, src }
            | Op::I32TruncF64S { dst, src }
            | Op::I32TruncF64U { dst, src }
            | Op::I64ExtendI32S { dst, src }
            | Op::I64ExtendI32U { dst, src }
            | Op::I64TruncF32S { dst, src }
            | Op::I64TruncF32U { dst, src }
            | Op::I64TruncF64S { dst, src }
            | Op::I64TruncF64U { dst, src }
            | Op::F32ConvertI32S { dst, src }
            | Op::F32ConvertI32U { dst, src }
            | Op::F32ConvertI64S { dst, src }
            | Op::F32ConvertI64U { dst, src }
            | Op::F32DemoteF64 { dst, src }
            | Op::F64ConvertI32S { dst, src }
            | Op::F64ConvertI32U { dst, src }
            | Op::F64ConvertI64S { dst, src }
            | Op::F64ConvertI64U { dst, src }
            | Op::F64PromoteF32 { dst, src }
            | Op::I32Extend8S { dst, src }
            | Op::I32Extend16S { dst, src }
            | Op::I64Extend8S { dst, src }
            | Op::I64Extend16S { dst, src }
            | Op::I64Extend32S { dst, src }
            | Op::I32TruncSatF32S { dst, src }
            | Op::I32TruncSatF32U { dst, src }
            | Op::I32TruncSatF64S { dst, src }
            | Op::I32TruncSatF64U { dst, src }
            | Op::I64TruncSatF32S { dst, src }
            | Op::I64TruncSatF32U { dst, src }
            | Op::I64TruncSatF64S { dst, src }
            | Op::I64TruncSatF64U { dst, src } => {
                v.slot(dst, 1)?;
                v.slot(src, 1)?;
            }
            Op::CanonicalizeF32 { slot } | Op::CanonicalizeF64 { slot } => {
                v.slot(slot, 1)?;
            }
            Op::Const32 { dst, value: _ } => {
                v.slot(dst, 1)?;
            }
            Op::Const64 { dst, lo: _, hi: _ } => {
                v.slot(dst, 1)?;
            }
            Op::GlobalGet { dst, index } => {
                v.slot(dst, 1)?;
                v.global(index)?;
            }
            Op::GlobalSet { src, index } => {
                v.slot(src, 1)?;
                v.global(index)?;
                if v.info.globals[index as usize].mutability != Mutability::Var {
                    return Err("global.set of an immutable global");
                }
            }
            Op::Load8U {
                dst,
                addr,
                offset: _,
            }
            | Op::Load8S32 {
                dst,
                addr,
                offset: _,
            }
            | Op::Load8S64 {
                dst,
                addr,
                offset: _,
            }
            | Op::Load16U {
                dst,
                addr,
                offset: _,
            }
            | Op::Load16S32 {
                dst,
                addr,
                offset: _,
            }
            | Op::Load16S64 {
                dst,
                addr,
                offset: _,
            }
            | Op::Load32U {
                dst,
                addr,
                offset: _,
            }
            | Op::Load32S64 {
                dst,
                addr,
                offset: _,
            }
            | Op::Load64 {
                dst,
                addr,
                offset: _,
            } => {
                v.slot(dst, 1)?;
                v.slot(addr, 1)?;
                v.memory(0)?;
            }
            Op::Store8 {
                addr,
                value,
                offset: _,
            }
            | Op::Store16 {
                addr,
                value,
                offset: _,
            }
            | Op::Store32 {
                addr,
                value,
                offset: _,
            }
            | Op::Store64 {
                addr,
                value,
                offset: _,
            }
            | Op::I32AddStore32 {
                addr,
                value,
                offset: _,
            } => {
                v.slot(addr, 1)?;
                v.slot(value, 1)?;
                v.memory(0)?;
            }
            Op::Load8UIdx {
                dst,
                a,
                b,
                offset: _,
            }
            | Op::Load8S32Idx {
                dst,
                a,
                b,
                offset: _,
            }
            | Op::Load16UIdx {
                dst,
                a,
                b,
                offset: _,
            }
            | Op::Load16S32Idx {
                dst,
                a,
                b,
                offset: _,
            }
            | Op::Load32UIdx {
                dst,
                a,
                b,
                offset: _,
            }
            | Op::Load64Idx {
                dst,
                a,
                b,
                offset: _,
            }
            | Op::Load16UScaled { dst, a, b, .. }
            | Op::Load32UScaled { dst, a, b, .. }
            | Op::Load64Scaled { dst, a, b, .. } => {
                v.slot(dst, 1)?;
                v.slot(a, 1)?;
                v.slot(b, 1)?;
                v.memory(0)?;
            }
            Op::Store8Idx {
                a,
                b,
                value,
                offset: _,
            }
            | Op::Store16Idx {
                a,
                b,
                value,
                offset: _,
            }
            | Op::Store32Idx {
                a,
                b,
                value,
                offset: _,
            }
            | Op::Store64Idx {
                a,
                b,
                value,
                offset: _,
            }
            | Op::Store32Scaled { a, b, value, .. }
            | Op::Store64Scaled { a, b, value, .. } => {
                v.slot(a, 1)?;
                v.slot(b, 1)?;
                v.slot(value, 1)?;
                v.memory(0)?;
            }
            Op::Copy2 {
                dst,
                src,
                dst2,
                src2,
            } => {
                v.slot(dst, 1)?;
                v.slot(src, 1)?;
                v.slot(dst2, 1)?;
                v.slot(src2, 1)?;
            }
            Op::I32ShrUAndImm {
                dst,
                a,
                shift: _,
                mask: _,
            } => {
                v.slot(dst, 1)?;
                v.slot(a, 1)?;
            }
            Op::F64AddMul { dst, a, b, c } => {
                v.slot(dst, 1)?;
                v.slot(a, 1)?;
                v.slot(b, 1)?;
                v.slot(c, 1)?;
            }
            Op::I32AddImm2 {
                a,
                imm_a: _,
                b,
                imm_b: _,
            } => {
                v.slot(a, 1)?;
                v.slot(b, 1)?;
            }
            Op::I32AddShlImm { dst, a, b, imm: _ }
            | Op::I32XorRotlImm { dst, a, b, imm: _ }
            | Op::I32XorShrUImm { dst, a, b, imm: _ }
            | Op::I32AddAndImm { dst, a, b, mask: _ }
            | Op::I32SubAndImm { dst, a, b, mask: _ } => {
                v.slot(dst, 1)?;
                v.slot(a, 1)?;
                v.slot(b, 1)?;
            }
            Op::MemorySize { dst } => {
                v.slot(dst, 1)?;
                v.memory(0)?;
            }
            Op::MemoryGrow { delta } => {
                v.slot(delta, 1)?;
                v.memory(0)?;
            }
            Op::MemoryCopy { base } | Op::MemoryFill { base } => {
                v.slot(base, 3)?;
                v.memory(0)?;
            }
            Op::MemoryInit { segment, base } => {
                v.data(segment)?;
                v.slot(base, 3)?;
                v.memory(0)?;
            }
            Op::DataDrop { segment } => {
                v.data(segment)?;
            }
            Op::LoadMem {
                kind,
                memory,
                dst,
                addr,
                offset: _,
            } => {
                v.slot(dst, 1)?;
                v.slot(addr, 1)?;
                v.memory(u32::from(memory))?;
                LoadKind::from_code(kind).ok_or("load kind")?;
            }
            Op::StoreMem {
                kind,
                memory,
                addr,
                value,
                offset: _,
            } => {
                v.slot(addr, 1)?;
                v.slot(value, 1)?;
                v.memory(u32::from(memory))?;
                StoreKind::from_code(kind).ok_or("store kind")?;
            }
            Op::MemorySizeN { dst, memory } => {
                v.slot(dst, 1)?;
                v.memory(memory)?;
            }
            Op::MemoryGrowN { delta, memory } => {
                v.slot(delta, 1)?;
                v.memory(memory)?;
            }
            Op::MemoryCopyN {
                base,
                dst_memory,
                src_memory,
            } => {
                v.slot(base, 3)?;
                v.memory(dst_memory)?;
                v.memory(src_memory)?;
            }
            Op::MemoryFillN { base, memory } => {
                v.slot(base, 3)?;
                v.memory(memory)?;
            }
            Op::MemoryInitN {
                base,
                memory,
                segment,
            } => {
                v.slot(base, 3)?;
                v.memory(u32::from(memory))?;
                v.data(segment)?;
            }
            Op::TableGet { table, dst } | Op::TableSize { table, dst } => {
                v.table(table)?;
                v.slot(dst, 1)?;
            }
            Op::TableSet { table, base } | Op::TableGrow { table, base } => {
                v.table(table)?;
                v.slot(base, 2)?;
            }
            Op::TableFill { table, base } => {
                v.table(table)?;
                v.slot(base, 3)?;
            }
            Op::TableCopy {
                dst_table,
                src_table,
                base,
            } => {
                v.table(dst_table)?;
                v.table(src_table)?;
                v.slot(base, 3)?;
            }
            Op::TableInit {
                table,
                segment,
                base,
            } => {
                v.table(table)?;
                v.elem(segment)?;
                v.slot(base, 3)?;
            }
            Op::ElemDrop { segment } => {
                v.elem(segment)?;
            }
            Op::RefFunc { dst, func } => {
                v.slot(dst, 1)?;
                v.func(func)?;
            }
            Op::I32Eq { dst, a, b }
            | Op::I32Ne { dst, a, b }
            | Op::I32LtS { dst, a, b }
            | Op::I32LtU { dst, a, b }
            | Op::I32GtS { dst, a, b }
            | Op::I32GtU { dst, a, b }
            | Op::I32LeS { dst, a, b }
            | Op::I32LeU { dst, a, b }
            | Op::I32GeS { dst, a, b }
            | Op::I32GeU { dst, a, b }
            | Op::I32Add { dst, a, b }
            | Op::I32Sub { dst, a, b }
            | Op::I32Mul { dst, a, b }
            | Op::I32DivS { dst, a, b }
            | Op::I32DivU { dst, a, b }
            | Op::I32RemS { dst, a, b }
            | Op::I32RemU { dst, a, b }
            | Op::I32And { dst, a, b }
            | Op::I32Or { dst, a, b }
            | Op::I32Xor { dst, a, b }
            | Op::I32Shl { dst, a, b }
            | Op::I32ShrS { dst, a, b }
            | Op::I32ShrU { dst, a, b }
            | Op::I32Rotl { dst, a, b }
            | Op::I32Rotr { dst, a, b }
            | Op::I64Eq { dst, a, b }
            | Op::I64Ne { dst, a, b }
            | Op::I64LtS { dst, a, b }
            | Op::I64LtU { dst, a, b }
            | Op::I64GtS { dst, a, b }
            | Op::I64GtU { dst, a, b }
            | Op::I64LeS { dst, a, b }
            | Op::I64LeU { dst, a, b }
            | Op::I64GeS { dst, a, b }
            | Op::I64GeU { dst, a, b }
            | Op::I64Add { dst, a, b }
            | Op::I64Sub { dst, a, b }
            | Op::I64Mul { dst, a, b }
            | Op::I64DivS { dst, a, b }
            | Op::I64DivU { dst, a, b }
            | Op::I64RemS { dst, a, b }
            | Op::I64RemU { dst, a, b }
            | Op::I64And { dst, a, b }
            | Op::I64Or { dst, a, b }
            | Op::I64Xor { dst, a, b }
            | Op::I64Shl { dst, a, b }
            | Op::I64ShrS { dst, a, b }
            | Op::I64ShrU { dst, a, b }
            | Op::I64Rotl { dst, a, b }
            | Op::I64Rotr { dst, a, b }
            | Op::F32Eq { dst, a, b }
            | Op::F32Ne { dst, a, b }
            | Op::F32Lt { dst, a, b }
            | Op::F32Gt { dst, a, b }
            | Op::F32Le { dst, a, b }
            | Op::F32Ge { dst, a, b }
            | Op::F32Add { dst, a, b }
            | Op::F32Sub { dst, a, b }
            | Op::F32Mul { dst, a, b }
            | Op::F32Div { dst, a, b }
            | Op::F32Min { dst, a, b }
            | Op::F32Max { dst, a, b }
            | Op::F32Copysign { dst, a, b }
            | Op::F64Eq { dst, a, b }
            | Op::F64Ne { dst, a, b }
            | Op::F64Lt { dst, a, b }
            | Op::F64Gt { dst, a, b }
            | Op::F64Le { dst, a, b }
            | Op::F64Ge { dst, a, b }
            | Op::F64Add { dst, a, b }
            | Op::F64Sub { dst, a, b }
            | Op::F64Mul { dst, a, b }
            | Op::F64Div { dst, a, b }
            | Op::F64Min { dst, a, b }
            | Op::F64Max { dst, a, b }
            | Op::F64Copysign { dst, a, b } => {
                v.slot(dst, 1)?;
                v.slot(a, 1)?;
                v.slot(b, 1)?;
            }
            Op::I32AddImm { dst, a, imm: _ }
            | Op::I32RotlImm { dst, a, imm: _ }
            | Op::I32RotrImm { dst, a, imm: _ }
            | Op::I64RotlImm { dst, a, imm: _ }
            | Op::I64RotrImm { dst, a, imm: _ }
            | Op::I32MulImm { dst, a, imm: _ }
            | Op::I32AndImm { dst, a, imm: _ }
            | Op::I32OrImm { dst, a, imm: _ }
            | Op::I32XorImm { dst, a, imm: _ }
            | Op::I32ShlImm { dst, a, imm: _ }
            | Op::I32ShrSImm { dst, a, imm: _ }
            | Op::I32ShrUImm { dst, a, imm: _ }
            | Op::I32EqImm { dst, a, imm: _ }
            | Op::I32NeImm { dst, a, imm: _ }
            | Op::I32LtSImm { dst, a, imm: _ }
            | Op::I32LtUImm { dst, a, imm: _ }
            | Op::I32GtSImm { dst, a, imm: _ }
            | Op::I32GtUImm { dst, a, imm: _ }
            | Op::I32LeSImm { dst, a, imm: _ }
            | Op::I32LeUImm { dst, a, imm: _ }
            | Op::I32GeSImm { dst, a, imm: _ }
            | Op::I32GeUImm { dst, a, imm: _ }
            | Op::I64AddImm { dst, a, imm: _ }
            | Op::I64MulImm { dst, a, imm: _ }
            | Op::I64AndImm { dst, a, imm: _ }
            | Op::I64OrImm { dst, a, imm: _ }
            | Op::I64XorImm { dst, a, imm: _ }
            | Op::I64ShlImm { dst, a, imm: _ }
            | Op::I64ShrSImm { dst, a, imm: _ }
            | Op::I64ShrUImm { dst, a, imm: _ }
            | Op::I64EqImm { dst, a, imm: _ }
            | Op::I64NeImm { dst, a, imm: _ }
            | Op::I64LtSImm { dst, a, imm: _ }
            | Op::I64LtUImm { dst, a, imm: _ }
            | Op::I64GtSImm { dst, a, imm: _ }
            | Op::I64GtUImm { dst, a, imm: _ }
            | Op::I64LeSImm { dst, a, imm: _ }
            | Op::I64LeUImm { dst, a, imm: _ }
            | Op::I64GeSImm { dst, a, imm: _ }
            | Op::I64GeUImm { dst, a, imm: _ } => {
                v.slot(dst, 1)?;
                v.slot(a, 1)?;
            }
        }
        Ok(())
    }
}

mod refs;
#[cfg(test)]
mod tests;
