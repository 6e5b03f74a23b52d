//! The translator: validated WebAssembly function bodies to register code ([`Op`]).
//!
//! Be careful when changing this module: the executor trusts what it emits. Every slot it names
//! lies below the frame size it records, every jump target is inside the function, and every
//! function, type, table, global and segment index was checked by the validator first. Bodies
//! are validated operator by operator, *before* each operator is translated, so unvalidated
//! input never reaches the code below.
//!
//! The operand stack is resolved at translation time: the value at stack height `h` lives in
//! frame slot `locals + h`. Blocks keep their results at the slots where their parameters
//! started, so a branch only copies values into place and jumps.

mod control;
mod fuse;
mod ops;
#[cfg(feature = "std")]
mod visit;

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::vec::Vec;

use mote_core::engine::{CompiledCode, ModuleTranslator};
use mote_core::module::ModuleInfo;
use mote_core::wasmparser::{self, FuncValidator, FunctionBody, ValidatorResources};
use mote_core::{Config, Error};

use crate::code::{CompiledFunc, CompiledModule};
use crate::op::{Op, Slot};
use control::Control;

/// Most slots one frame may have: slot indices are 16 bits.
const MAX_FRAME_SLOTS: u32 = 1 << 16;

/// Translates the functions of one module.
pub(crate) struct Translator {
    fuel: bool,
    /// Whether functions and loops check the epoch (`Config::epoch_interruption`).
    epoch: bool,
    debug_info: bool,
    canonicalize_nans: bool,
    code_bytes_limit: u64,
    code_bytes: u64,
    funcs: Vec<CompiledFunc>,
    /// The code of every function translated so far, one after another.
    code: Vec<Op>,
    /// The module byte offset of each instruction in `code` (with debug info).
    offsets: Vec<u32>,
    /// Reused between functions to avoid reallocating.
    scratch: Scratch,
}

#[derive(Default)]
struct Scratch {
    code: Vec<Op>,
    offsets: Vec<u32>,
    controls: Vec<Control>,
    operands: Vec<Operand>,
    consts: Vec<u64>,
    allocations: Option<wasmparser::FuncValidatorAllocations>,
}

impl Translator {
    pub(crate) fn new(config: &Config) -> Self {
        Self {
            fuel: config.fuel_enabled(),
            epoch: config.epoch_interruption_enabled(),
            debug_info: config.debug_info_enabled(),
            canonicalize_nans: config.canonicalize_nans_enabled(),
            code_bytes_limit: config.get_limits().code_bytes,
            code_bytes: 0,
            funcs: Vec::new(),
            code: Vec::new(),
            offsets: Vec::new(),
            scratch: Scratch::default(),
        }
    }
}

/// Shortens hot paths once a function's code is complete (positions do not change, so no
/// jump needs patching):
/// - a jump to a `Return` becomes that `Return` (the end of an `if` arm, or of a block that
///   ends the function);
/// - a `Copy` into the one slot that the next instruction returns becomes a `Return` of the
///   copy's source (the original `Return` stays, for jumps to it);
/// - a conditional exit followed by the loop's jump back (`BrI32Eq exit; Br top`) becomes the
///   inverted condition jumping back, then the exit (`BrI32Ne top; Br exit`): one instruction
///   per iteration instead of two. Only when nothing jumps to the `Br`. The same for the
///   `I32AddBr…` forms, whose target is in the `Br` after them. A rotated `BrI32Ne` right
///   after an in-place increment of one of its operands becomes the fused latch
///   (`I32AddImmBrNe`), as `emit_branch_if` makes it when the test jumps back already.
///
/// The jumps that follow a `BrTable` or an `I32AddBr…` stay jumps, as those need them.
fn thread_jumps_to_returns(code: &mut [Op]) {
    // Loop exits first (their new jumps may go to a `Return`), then jumps, so that a `Copy`
    // before a threaded jump sees the `Return`.
    rotate_loop_exits(code);
    for pass in [0, 1] {
        let mut pc = 0;
        while pc < code.len() {
            match code[pc] {
                Op::BrTable { len, .. } => {
                    pc += len as usize + 2;
                    continue;
                }
                // The `Br` of an `I32AddBr…` holds its target: it must stay a `Br`.
                Op::I32AddBrGeU { .. }
                | Op::I32AddBrLtU { .. }
                | Op::I32AddBrLeU { .. }
                | Op::I32AddBrGtU { .. } => {
                    pc += 2;
                    continue;
                }
                Op::Br { target } if pass == 0 => {
                    if let Some(ret @ Op::Return { .. }) = code.get(target as usize).copied() {
                        code[pc] = ret;
                    }
                }
                Op::Copy { dst, src } if pass == 1 => {
                    if let Some(Op::Return { src: ret, count: 1 }) = code.get(pc + 1).copied()
                        && ret == dst
                    {
                        code[pc] = Op::Return { src, count: 1 };
                    }
                }
                _ => {}
            }
            pc += 1;
        }
    }
}

/// The loop-exit rewrite of [`thread_jumps_to_returns`].
fn rotate_loop_exits(code: &mut [Op]) {
    // Which instructions something jumps to (`BrTable` entries are `Br`s, seen here too).
    let mut targeted = Vec::new();
    if targeted.try_reserve_exact(code.len()).is_err() {
        // An optimisation only: without memory for the map, leave the code as it is.
        return;
    }
    targeted.resize(code.len(), false);
    for op in code.iter() {
        let mut op = *op;
        if let Some(&mut target) = op.target_mut()
            && let Some(t) = targeted.get_mut(target as usize)
        {
            *t = true;
        }
    }
    let mut in_table = 0;
    for pc in 0..code.len().saturating_sub(1) {
        if let Op::BrTable { len, .. } = code[pc] {
            in_table = len as usize + 1;
            continue;
        }
        if in_table > 0 {
            in_table -= 1;
            continue;
        }
        // The same for an `I32AddBr…` whose `Br` exits: `I32AddBrGtU; Br exit; Br top`
        // becomes `I32AddBrLeU; Br top; Br exit`.
        if let op @ (Op::I32AddBrGeU { .. }
        | Op::I32AddBrLtU { .. }
        | Op::I32AddBrLeU { .. }
        | Op::I32AddBrGtU { .. }) = code[pc]
        {
            if let Some(stay) = fuse::inverted_add_branch(op)
                && let (Some(Op::Br { target: exit }), Some(Op::Br { target: top })) =
                    (code.get(pc + 1).copied(), code.get(pc + 2).copied())
                && top as usize <= pc
                && exit as usize > pc + 2
                && !targeted[pc + 1]
                && !targeted[pc + 2]
            {
                code[pc] = stay;
                code[pc + 1] = Op::Br { target: top };
                code[pc + 2] = Op::Br { target: exit };
            }
            // Its `Br` is not a loop's jump back.
            in_table = 1;
            continue;
        }
        let (exit_branch, back) = (code[pc], code[pc + 1]);
        let (Op::Br { target: top }, Some(exit)) = (back, exit_target(exit_branch)) else {
            continue;
        };
        // Only a forward exit out of a loop (`repeat_loop_test` makes backward ones).
        if top as usize > pc || exit as usize <= pc + 1 || targeted[pc + 1] {
            continue;
        }
        if let Some(stay) = fuse::inverted_branch(exit_branch, top) {
            code[pc] = stay;
            code[pc + 1] = Op::Br { target: exit };
            // After an in-place increment of one of its operands, and with nothing jumping to
            // the test itself: the fused latch in the increment's place, then the exit (the
            // old exit jump after it stays, unreached).
            if let Op::BrI32Ne { a, b, target } = stay
                && pc > 0
                && !targeted[pc]
                && let Op::I32AddImm { dst, a: src, imm } = code[pc - 1]
                && dst == src
                && (dst == a || dst == b)
                && let Ok(imm) = i16::try_from(imm)
            {
                let other = if dst == a { b } else { a };
                code[pc - 1] = Op::I32AddImmBrNe {
                    a: dst,
                    imm,
                    b: other,
                    target,
                };
                code[pc] = Op::Br { target: exit };
            }
        }
    }
}

/// The target of a conditional branch.
fn exit_target(op: Op) -> Option<u32> {
    let mut op = op;
    match op {
        Op::Br { .. } => None,
        _ => op.target_mut().copied(),
    }
}

fn invalid(e: &wasmparser::BinaryReaderError) -> Error {
    Error::invalid(e.message(), e.offset())
}

impl ModuleTranslator for Translator {
    fn translate_function(
        &mut self,
        info: &ModuleInfo,
        func_index: u32,
        body: FunctionBody<'_>,
        mut validator: FuncValidator<ValidatorResources>,
    ) -> Result<(), Error> {
        let ty = info.func_type(func_index);
        let params = u32::try_from(ty.params().len()).unwrap_or(u32::MAX);
        let results = u32::try_from(ty.results().len()).unwrap_or(u32::MAX);

        let mut locals = params;
        let mut locals_reader = body.get_locals_reader().map_err(|e| invalid(&e))?;
        for _ in 0..locals_reader.get_count() {
            let offset = locals_reader.original_position();
            let (count, ty) = locals_reader.read().map_err(|e| invalid(&e))?;
            validator
                .define_locals(offset, count, ty)
                .map_err(|e| invalid(&e))?;
            locals = locals.saturating_add(count);
        }
        if locals >= MAX_FRAME_SLOTS {
            return Err(Error::limit(
                "locals per function",
                u64::from(locals),
                u64::from(MAX_FRAME_SLOTS - 1),
            ));
        }

        let mut code = core::mem::take(&mut self.scratch.code);
        let mut controls = core::mem::take(&mut self.scratch.controls);
        code.clear();
        controls.clear();
        let mut operands = core::mem::take(&mut self.scratch.operands);
        operands.clear();
        let mut offsets = core::mem::take(&mut self.scratch.offsets);
        offsets.clear();
        let mut consts = core::mem::take(&mut self.scratch.consts);
        consts.clear();
        let mut func = FuncTranslator {
            info,
            code,
            controls,
            operands,
            offsets,
            debug_info: self.debug_info,
            canonicalize_nans: self.canonicalize_nans,
            offset: 0,
            last_producer: None,
            locals,
            max_height: 0,
            reachable: true,
            fuel: self.fuel,
            epoch: self.epoch,
            fuel_op: None,
            label_pc: 0,
            loop_depth: 0,
            zero_locals: initially_zero_locals(params, locals),
            consts,
            condition_offset: None,
        };
        func.start(results);

        translate_body(&body, &mut validator, &mut func)?;
        thread_jumps_to_returns(&mut func.code);
        let frame_size = func.place_constants()?;

        if frame_size >= MAX_FRAME_SLOTS {
            return Err(Error::limit(
                "slots per frame",
                u64::from(frame_size),
                u64::from(MAX_FRAME_SLOTS - 1),
            ));
        }
        let bytes = (func.code.len() * size_of::<Op>()) as u64;
        self.code_bytes = self.code_bytes.saturating_add(bytes);
        if self.code_bytes > self.code_bytes_limit {
            return Err(Error::limit(
                "translated code bytes",
                self.code_bytes,
                self.code_bytes_limit,
            ));
        }
        let results = u16::try_from(results).map_err(|_| {
            Error::limit(
                "results per function",
                u64::from(results),
                u64::from(u16::MAX),
            )
        })?;
        let code_start = u32::try_from(self.code.len()).ok();
        let code_len = u32::try_from(func.code.len()).ok();
        let (Some(code_start), Some(code_len)) = (code_start, code_len) else {
            return Err(Error::limit(
                "translated instructions per module",
                (self.code.len() + func.code.len()) as u64,
                u64::from(u32::MAX),
            ));
        };
        self.code.extend_from_slice(&func.code);
        self.offsets.extend_from_slice(&func.offsets);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "all three were checked against MAX_FRAME_SLOTS"
        )]
        let compiled = CompiledFunc {
            code_start,
            code_len,
            frame_size: frame_size as u16,
            params: params as u16,
            locals: locals as u16,
            results,
        };
        self.funcs.push(compiled);
        self.scratch.code = func.code;
        self.scratch.controls = func.controls;
        self.scratch.operands = func.operands;
        self.scratch.offsets = func.offsets;
        self.scratch.consts = func.consts;
        self.scratch.allocations = Some(validator.into_allocations());
        Ok(())
    }

    fn take_validator_allocations(&mut self) -> wasmparser::FuncValidatorAllocations {
        self.scratch.allocations.take().unwrap_or_default()
    }

    fn finish(self: Box<Self>, info: &ModuleInfo) -> Result<CompiledCode, Error> {
        let module = CompiledModule {
            funcs: Cow::Owned(self.funcs),
            code: Cow::Owned(self.code),
            offsets: Cow::Owned(self.offsets),
        };
        // Verified here, not per function: data segments are only known after the code.
        let depth = if cfg!(feature = "extra-checks") {
            crate::verify::Depth::References
        } else {
            crate::verify::Depth::Bounds
        };
        crate::verify::verify_module(info, &module, depth)?;
        Ok(mote_core::engine::compiled_code(module))
    }
}

/// Validates and translates the operators of `body`, on hosts in one pass of visits
/// ([`visit::Visit`]: 20% faster translation).
#[cfg(feature = "std")]
fn translate_body(
    body: &FunctionBody<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
    func: &mut FuncTranslator<'_>,
) -> Result<(), Error> {
    let mut reader = body
        .get_binary_reader_for_operators()
        .map_err(|e| invalid(&e))?;
    // Some encodings decode differently per feature (as in `FuncValidator::validate`).
    reader.set_features(*validator.features());
    visit::Visit {
        validator,
        func,
        offset: 0,
    }
    .run(&mut reader)
}

/// Validates and translates the operators of `body`, on devices by reading each operator and
/// passing it to the validator and the translator: the visits of the host build take a second
/// copy of `wasmparser`'s decoder, 21 KB more flash on a Cortex-M.
#[cfg(not(feature = "std"))]
fn translate_body(
    body: &FunctionBody<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
    func: &mut FuncTranslator<'_>,
) -> Result<(), Error> {
    let mut reader = body.get_operators_reader().map_err(|e| invalid(&e))?;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(|e| invalid(&e))?;
        validator.op(offset, &op).map_err(|e| invalid(&e))?;
        func.offset = u32::try_from(offset).unwrap_or(u32::MAX);
        func.translate(op, offset)?;
    }
    reader.finish().map_err(|e| invalid(&e))
}

/// A count of parameters or results as `u32`. Validated types have at most a thousand of each.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where the value of an operand-stack entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    /// In its own slot: `locals + height`.
    Temp,
    /// Still in local `n`'s slot: `local.get` emits no code, consumers read the local directly.
    /// Before local `n` is written, such entries are copied to their own slots
    /// ([`FuncTranslator::materialize_local`]); at every block entry all of them are
    /// ([`FuncTranslator::materialize_all`]), so an entry never depends on a write that happens
    /// on only some paths.
    Local(u32),
    /// A constant not yet written anywhere: instructions with an immediate form take it as
    /// their immediate; anything else writes it to the entry's own slot first.
    Const(u64),
}

/// The width of a float result.
enum NanWidth {
    F32,
    F64,
}

/// Whether `op` is a float operation that can produce a NaN other than the canonical one (so
/// that [`Config::canonicalize_nans`](mote_core::Config::canonicalize_nans) must fix its result).
/// Bit operations (`abs`, `neg`, `copysign`, loads, reinterpretations) keep NaN bits as the
/// specification requires and are not listed.
fn nan_result(op: &Op) -> Option<NanWidth> {
    match op {
        Op::F32Add { .. }
        | Op::F32Sub { .. }
        | Op::F32Mul { .. }
        | Op::F32Div { .. }
        | Op::F32Min { .. }
        | Op::F32Max { .. }
        | Op::F32Sqrt { .. }
        | Op::F32Ceil { .. }
        | Op::F32Floor { .. }
        | Op::F32Trunc { .. }
        | Op::F32Nearest { .. }
        | Op::F32DemoteF64 { .. } => Some(NanWidth::F32),
        Op::F64Add { .. }
        | Op::F64AddMul { .. }
        | Op::F64Sub { .. }
        | Op::F64Mul { .. }
        | Op::F64Div { .. }
        | Op::F64Min { .. }
        | Op::F64Max { .. }
        | Op::F64Sqrt { .. }
        | Op::F64Ceil { .. }
        | Op::F64Floor { .. }
        | Op::F64Trunc { .. }
        | Op::F64Nearest { .. }
        | Op::F64PromoteF32 { .. } => Some(NanWidth::F64),
        _ => None,
    }
}

/// Translation state of one function body.
struct FuncTranslator<'a> {
    info: &'a ModuleInfo,
    code: Vec<Op>,
    controls: Vec<Control>,
    /// The operand stack; its length is the current height.
    operands: Vec<Operand>,
    /// With debug info: the byte offset of the operator behind each instruction.
    offsets: Vec<u32>,
    debug_info: bool,
    /// Whether float results are followed by a NaN canonicalization.
    canonicalize_nans: bool,
    /// Byte offset of the operator being translated.
    offset: u32,
    /// The last instruction and the temporary slot it wrote, while nothing has been emitted or
    /// labelled since: `local.set` can then make that instruction write the local directly.
    last_producer: Option<(usize, Slot)>,
    /// Parameters plus declared locals.
    locals: u32,
    max_height: u32,
    /// Whether the current position can be reached.
    reachable: bool,
    fuel: bool,
    /// Whether function entries and loop headers check the epoch.
    epoch: bool,
    /// Index of the `ConsumeFuel` that pays for the current straight-line code.
    fuel_op: Option<usize>,
    /// Where the last label may be: the code length after the last control operator, or
    /// `usize::MAX` while one is being translated. Instructions may be merged with the one
    /// before them only past it (a jump may land on the second).
    label_pc: usize,
    /// How many `loop`s enclose the current position.
    loop_depth: u32,
    /// Bit `n` set: declared local `n` (one of the first 64 locals, not a parameter) still
    /// holds the zero it starts with, because no `local.set` or `local.tee` of it comes earlier
    /// in the body and no `loop` has begun (a jump back could bring a write from later code).
    /// Setting such a local to zero is then no instruction at all (compilers often initialize
    /// accumulators explicitly at function entry).
    zero_locals: u64,
    /// Constants read inside loops, each from a slot of its own (after the locals) that the
    /// function's prologue writes once per call (see [`FuncTranslator::place_constants`]).
    /// Until then, constant `i` is named by the provisional slot `CONST_MARK - i`.
    consts: Vec<u64>,
    /// The byte offset of the load that [`FuncTranslator::pop_condition`] took back to fuse
    /// with its branch, so that a trap of the fused branch is reported where the load is.
    condition_offset: Option<u32>,
}

/// Provisional slot of the first loop constant; the next ones count down from it.
const CONST_MARK: Slot = Slot::MAX;

/// Most loop constants per function: beyond, constants are written where they are used.
const MAX_LOOP_CONSTS: usize = 64;

impl FuncTranslator<'_> {
    /// The slot of operand-stack height `h`.
    ///
    /// Heights beyond 16 bits give wrong slots here, but such a function is refused when its
    /// frame size is checked at the end, so the code is never run.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "frames over 16 bits are refused at the end"
    )]
    fn slot(&self, h: u32) -> Slot {
        (self.locals + h) as Slot
    }

    /// The slot of local `index`.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "locals were checked to fit in 16 bits"
    )]
    fn local(index: u32) -> Slot {
        index as Slot
    }

    /// Current operand-stack height.
    fn height(&self) -> u32 {
        u32::try_from(self.operands.len()).unwrap_or(u32::MAX)
    }

    /// Sets the height after a control construct; the entries are in their own slots.
    ///
    /// Entries below the construct were materialized when it was entered, and its results are
    /// in their own slots, so every entry is a `Temp` afterwards.
    fn set_height(&mut self, height: u32) {
        self.operands.truncate(height as usize);
        self.operands.fill(Operand::Temp);
        self.operands.resize(height as usize, Operand::Temp);
        self.max_height = self.max_height.max(height);
    }

    /// Pushes a value computed into its own slot; returns the slot.
    fn push(&mut self) -> Slot {
        let s = self.slot(self.height());
        self.operands.push(Operand::Temp);
        self.max_height = self.max_height.max(self.height());
        s
    }

    /// Pushes a value that the last instruction computed into `slot`.
    fn push_produced(&mut self, op: Op) {
        let dst = self.push();
        self.emit(op);
        self.last_producer = Some((self.code.len() - 1, dst));
        if self.canonicalize_nans {
            match nan_result(&op) {
                Some(NanWidth::F32) => self.emit(Op::CanonicalizeF32 { slot: dst }),
                Some(NanWidth::F64) => self.emit(Op::CanonicalizeF64 { slot: dst }),
                None => {}
            }
        }
    }

    /// The slot where the entry at `height` is, to be read. Inside a loop a constant is read
    /// from a slot that the prologue fills once per call; elsewhere it is written to the
    /// entry's own slot first.
    fn operand_slot(&mut self, height: u32) -> Slot {
        match self.operands.get(height as usize).copied() {
            Some(Operand::Local(n)) => Self::local(n),
            Some(Operand::Const(value)) => {
                if self.loop_depth > 0
                    && let Some(slot) = self.loop_const(value)
                {
                    return slot;
                }
                self.materialize(height);
                self.slot(height)
            }
            _ => self.slot(height),
        }
    }

    /// The provisional slot of loop constant `value`, if there is room for it.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "at most MAX_LOOP_CONSTS constants"
    )]
    fn loop_const(&mut self, value: u64) -> Option<Slot> {
        let index = match self.consts.iter().position(|&c| c == value) {
            Some(index) => index,
            None if self.consts.len() < MAX_LOOP_CONSTS => {
                self.consts.push(value);
                self.consts.len() - 1
            }
            None => return None,
        };
        Some(CONST_MARK - index as Slot)
    }

    /// Gives the loop constants their slots, right after the locals (the operand slots move
    /// up to make room: a call's frame starts at an operand slot and overlaps everything
    /// above it, so nothing a call can overwrite may hold a constant), and writes them in a
    /// prologue at the function's start (after its fuel check); returns the frame size.
    ///
    /// # Errors
    /// A `Limit` error when the frame is too large for its slots to be told apart from the
    /// provisional ones.
    fn place_constants(&mut self) -> Result<u32, Error> {
        let locals = self.locals;
        let base = locals + self.max_height;
        let count = count(self.consts.len());
        if count == 0 {
            return Ok(base);
        }
        let lowest_mark = u32::from(CONST_MARK) + 1 - count;
        if base > lowest_mark {
            return Err(Error::limit(
                "slots per frame (with loop constants)",
                u64::from(base + count),
                u64::from(lowest_mark),
            ));
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "base + count <= CONST_MARK + 1, checked above"
        )]
        let remap = |slot: &mut Slot| {
            let s = u32::from(*slot);
            if s >= lowest_mark {
                *slot = (locals + u32::from(CONST_MARK - *slot)) as Slot;
            } else if s >= locals {
                *slot = (s + count) as Slot;
            }
        };
        for op in &mut self.code {
            op.slots_mut(remap);
        }
        // Jumps to the start of the function body keep landing on its fuel and epoch checks.
        let mut at = usize::from(matches!(self.code.first(), Some(Op::ConsumeFuel { .. })));
        if self.epoch && matches!(self.code.get(at), Some(Op::CheckEpoch)) {
            at += 1;
        }
        let shift = count;
        for op in &mut self.code {
            if let Some(target) = op.target_mut()
                && *target as usize >= at
            {
                *target += shift;
            }
        }
        let consts = core::mem::take(&mut self.consts);
        let start = self.code.len();
        for (i, &value) in consts.iter().enumerate() {
            #[expect(clippy::cast_possible_truncation, reason = "checked above")]
            self.emit_const((locals + i as u32) as Slot, value);
        }
        // `emit` appended the prologue; move it to `at`.
        let added = self.code.len() - start;
        self.code[at..].rotate_right(added);
        if self.debug_info {
            let first = self.offsets.get(at).copied().unwrap_or(0);
            self.offsets[at..].rotate_right(added);
            self.offsets[at..at + added].fill(first);
        }
        self.consts = consts;
        Ok(base + count)
    }

    /// Pops the right operand of a binary operation. When that is an `i32` that the
    /// `i32.wrap_i64` just emitted computed, the wrap is taken back and the operation reads
    /// the wrap's source: the low half of a slot is the wrapped value, and the `i32`
    /// operations read only the low half of their operands (a wrapped value's consumers are
    /// `i32` operations; the operations of other types never find a wrap here).
    fn pop_low32(&mut self) -> Slot {
        if let Some(Op::I32WrapI64 { src, .. }) = self.producer_of(self.height() - 1) {
            self.drop_producer();
            self.operands.pop();
            return src;
        }
        self.pop()
    }

    /// Pops a value; returns the slot where it is.
    fn pop(&mut self) -> Slot {
        let h = self.height() - 1;
        let s = self.operand_slot(h);
        self.operands.pop();
        s
    }

    /// Pushes a constant (no code yet).
    fn push_const(&mut self, value: u64) {
        self.operands.push(Operand::Const(value));
        self.max_height = self.max_height.max(self.height());
    }

    /// The top entry's constant, if it is one.
    fn top_const(&self) -> Option<u64> {
        match self.operands.last() {
            Some(Operand::Const(v)) => Some(*v),
            _ => None,
        }
    }

    /// The constant of the entry below the top, if it is one.
    fn second_const(&self) -> Option<u64> {
        match self.operands.len().checked_sub(2).map(|i| self.operands[i]) {
            Some(Operand::Const(v)) => Some(v),
            _ => None,
        }
    }

    /// Emits `dst = value`.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "splitting into 32-bit halves"
    )]
    fn emit_const(&mut self, dst: Slot, value: u64) {
        let (lo, hi) = (value as u32, (value >> 32) as u32);
        self.emit(if hi == 0 {
            Op::Const32 { dst, value: lo }
        } else {
            Op::Const64 { dst, lo, hi }
        });
    }

    /// Emits code that puts the entry at `height` into slot `dst`, without changing the entry.
    fn emit_move(&mut self, dst: Slot, height: u32) {
        match self.operands.get(height as usize).copied() {
            Some(Operand::Const(value)) => self.emit_const(dst, value),
            Some(Operand::Local(n)) => {
                let src = Self::local(n);
                if src != dst {
                    self.emit(Op::Copy { dst, src });
                }
            }
            _ => {
                let src = self.slot(height);
                if src != dst {
                    self.emit(Op::Copy { dst, src });
                }
            }
        }
    }

    /// The slot of the top value, which the instruction will overwrite in place: a local
    /// reference is copied to its own slot first.
    fn top_in_place(&mut self) -> Slot {
        let h = self.height() - 1;
        self.materialize(h);
        self.slot(h)
    }

    /// Puts the entry at `height` into its own slot if it is a local reference or a constant.
    fn materialize(&mut self, height: u32) {
        let entry = self.operands.get(height as usize).copied();
        if entry.is_some_and(|e| e != Operand::Temp) {
            let dst = self.slot(height);
            self.emit_move(dst, height);
            self.operands[height as usize] = Operand::Temp;
        }
    }

    /// Copies the top `n` entries into their own slots (for instructions that take
    /// consecutive operands).
    fn materialize_top(&mut self, n: u32) {
        let h = self.height();
        for height in h - n..h {
            self.materialize(height);
        }
    }

    /// Puts every entry that refers to a local, or is a constant, into its own slot.
    fn materialize_all(&mut self) {
        for height in 0..self.height() {
            self.materialize(height);
        }
    }

    /// Copies the entries that refer to local `n` into their own slots, before `n` changes.
    fn materialize_local(&mut self, n: u32) {
        for height in 0..self.height() {
            if self.operands[height as usize] == Operand::Local(n) {
                self.materialize(height);
            }
        }
    }

    /// Whether the instruction at index `at` may be merged into the one before it: no label
    /// may be at `at` (a jump landing there must not run the first part).
    fn mergeable_at(&self, at: usize) -> bool {
        at > 0 && self.label_pc != usize::MAX && at > self.label_pc
    }

    fn emit(&mut self, op: Op) {
        // Two consecutive copies (moves into loop variables, block results) become one
        // instruction, unless a jump may land between them.
        if let Op::Copy {
            dst: dst2,
            src: src2,
        } = op
            && self.mergeable_at(self.code.len())
            && let Some(last) = self.code.last_mut()
            && let Op::Copy { dst, src } = *last
        {
            *last = Op::Copy2 {
                dst,
                src,
                dst2,
                src2,
            };
            return;
        }
        self.code.push(op);
        if self.debug_info {
            self.offsets.push(self.offset);
        }
    }

    /// The instruction that computed the entry at stack height `h`, if it is the last one
    /// emitted and the entry is still in that instruction's own slot: the consumer may then
    /// take it back ([`FuncTranslator::drop_producer`]) and do its work itself.
    fn producer_of(&self, h: u32) -> Option<Op> {
        let at = self.code.len().checked_sub(1)?;
        (self.operands.get(h as usize) == Some(&Operand::Temp)
            && self.last_producer == Some((at, self.slot(h))))
        .then(|| self.code[at])
    }

    /// Takes back the last instruction, a producer found by [`FuncTranslator::producer_of`]
    /// whose result nothing else reads (its entry is about to be popped by its consumer).
    fn drop_producer(&mut self) {
        self.unemit();
        self.last_producer = None;
    }

    /// After [`FuncTranslator::drop_producer`]: pops the dropped producer's operand entry and
    /// the other operand of its consumer, which is below it (`dropped_on_top`) or above it;
    /// returns the other operand's slot.
    fn pop_beside_dropped(&mut self, dropped_on_top: bool) -> Slot {
        if dropped_on_top {
            self.operands.pop();
            self.pop()
        } else {
            let other = self.pop();
            self.operands.pop();
            other
        }
    }

    /// Takes back the last instruction.
    fn unemit(&mut self) -> Option<Op> {
        if self.debug_info {
            self.offsets.pop();
        }
        self.code.pop()
    }

    fn pc(&self) -> u32 {
        u32::try_from(self.code.len()).unwrap_or(u32::MAX)
    }

    /// Starts a new straight-line segment that pays fuel on entry.
    fn start_fuel_segment(&mut self) {
        if self.fuel && self.reachable {
            self.fuel_op = Some(self.code.len());
            self.emit(Op::ConsumeFuel { amount: 0 });
        }
    }

    /// With epoch interruption, the check at a function entry or loop header (after its fuel
    /// check, where jumps back land).
    fn check_epoch(&mut self) {
        if self.epoch && self.reachable {
            self.emit(Op::CheckEpoch);
        }
    }

    /// Charges one unit of fuel for the current operator.
    fn charge(&mut self) {
        if let Some(Op::ConsumeFuel { amount }) = self.fuel_op.and_then(|i| self.code.get_mut(i)) {
            *amount = amount.saturating_add(mote_core::engine::FUEL_PER_OPERATOR);
        }
    }

    /// `dst = op(src)` on the top of the stack.
    fn unary(&mut self, make: fn(Slot, Slot) -> Op) {
        let src = self.pop();
        let dst = self.slot(self.height());
        self.push_produced(make(dst, src));
    }

    /// `dst = op(a, b)` on the top two values.
    fn binary(&mut self, make: fn(Slot, Slot, Slot) -> Op) {
        let b = self.pop_low32();
        let a = self.pop();
        let dst = self.slot(self.height());
        self.push_produced(make(dst, a, b));
    }
}

/// The [`FuncTranslator::zero_locals`] mask at function entry: the declared locals
/// `params..locals` among the first 64.
fn initially_zero_locals(params: u32, locals: u32) -> u64 {
    let below = |n: u32| -> u64 { if n >= 64 { u64::MAX } else { (1u64 << n) - 1 } };
    below(locals) & !below(params)
}
