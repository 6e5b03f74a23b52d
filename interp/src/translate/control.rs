//! Control flow: blocks, loops, `if`, branches and returns.

use alloc::vec::Vec;

use mote_core::wasmparser::BlockType;
use mote_core::{Error, Message};

use super::{FuncTranslator, Operand, fuse};
use crate::op::{Op, Slot};

/// What kind of construct a control frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ControlKind {
    /// The function body.
    Func,
    /// `block`
    Block,
    /// `loop`: branches go to its start.
    Loop,
    /// `if` before its `else`: `cond_fixup` is the `BrIfEqz` that skips the then-branch.
    If,
    /// The `else` branch.
    Else,
}

/// A control frame during translation.
#[derive(Debug)]
pub(super) struct Control {
    pub(super) kind: ControlKind,
    /// Stack height where the block's parameters (and later its results) start.
    pub(super) base: u32,
    pub(super) params: u32,
    pub(super) results: u32,
    /// For loops: the code index that branches jump to.
    pub(super) loop_start: u32,
    /// Indices of jumps to the end of this construct, patched at `end`.
    pub(super) fixups: Vec<u32>,
    /// For `if`: the conditional jump that skips the then-branch.
    pub(super) cond_fixup: Option<u32>,
    /// Whether the construct was entered in reachable code. Frames entered in unreachable code
    /// emit nothing.
    pub(super) live: bool,
}

impl FuncTranslator<'_> {
    /// Opens the function-body frame.
    pub(super) fn start(&mut self, results: u32) {
        self.controls.push(Control {
            kind: ControlKind::Func,
            base: 0,
            params: 0,
            results,
            loop_start: 0,
            fixups: Vec::new(),
            cond_fixup: None,
            live: true,
        });
        self.start_fuel_segment();
        self.check_epoch();
    }

    fn block_arity(&self, ty: BlockType) -> (u32, u32) {
        match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(index) => {
                let ty = &self.info.types[index as usize];
                (
                    super::count(ty.params().len()),
                    super::count(ty.results().len()),
                )
            }
        }
    }

    fn push_control(&mut self, kind: ControlKind, ty: BlockType) {
        if kind == ControlKind::Loop {
            self.loop_depth += 1;
            self.zero_locals = 0;
        }
        let (params, results) = self.block_arity(ty);
        let live = self.reachable;
        if live {
            // Inside the construct, code runs on only some paths: no entry may keep referring
            // to a local that such code could write.
            self.materialize_all();
        }
        let base = if live { self.height() - params } else { 0 };
        self.controls.push(Control {
            kind,
            base,
            params,
            results,
            loop_start: self.pc(),
            fixups: Vec::new(),
            cond_fixup: None,
            live,
        });
    }

    pub(super) fn op_block(&mut self, ty: BlockType) {
        self.push_control(ControlKind::Block, ty);
    }

    pub(super) fn op_loop(&mut self, ty: BlockType) {
        // `loop_start` is the current index, so the back edge lands on the fuel check that
        // follows and every iteration pays.
        self.push_control(ControlKind::Loop, ty);
        self.start_fuel_segment();
        self.check_epoch();
    }

    pub(super) fn op_if(&mut self, ty: BlockType) {
        let cond_fixup = if self.reachable {
            let cond = self.pop_condition();
            // Before the branch, so that both paths see the copies. (They never write the
            // condition's inputs: those are locals or slots above the stack.)
            self.materialize_all();
            Some(self.emit_branch_if(cond, false, 0))
        } else {
            None
        };
        self.push_control(ControlKind::If, ty);
        if let Some(frame) = self.controls.last_mut() {
            frame.cond_fixup = cond_fixup;
        }
        self.start_fuel_segment();
    }

    pub(super) fn op_else(&mut self) -> Result<(), Error> {
        let Some(frame) = self.controls.last() else {
            return Ok(());
        };
        if !frame.live {
            if let Some(frame) = self.controls.last_mut() {
                frame.kind = ControlKind::Else;
            }
            return Ok(());
        }
        if self.reachable {
            let results = frame.results;
            self.materialize_top(results);
            let at = self.pc();
            self.emit(Op::Br { target: 0 });
            if let Some(frame) = self.controls.last_mut() {
                frame.fixups.push(at);
            }
        }
        let pc = self.pc();
        let Some(frame) = self.controls.last_mut() else {
            return Ok(());
        };
        frame.kind = ControlKind::Else;
        if let Some(at) = frame.cond_fixup.take() {
            patch(&mut self.code, at, pc, self.offset)?;
        }
        let height = frame.base + frame.params;
        self.set_height(height);
        self.reachable = true;
        self.start_fuel_segment();
        Ok(())
    }

    pub(super) fn op_end(&mut self) -> Result<(), Error> {
        let Some(frame) = self.controls.pop() else {
            return Ok(());
        };
        if frame.kind == ControlKind::Loop {
            self.loop_depth -= 1;
        }
        if !frame.live {
            return Ok(());
        }
        if frame.kind == ControlKind::Func {
            if self.reachable {
                self.controls.push(frame);
                self.jump(BranchTarget::Return);
                self.controls.pop();
            }
            self.reachable = false;
            return Ok(());
        }
        if self.reachable {
            // The fallthrough leaves the results in the slots where branches put them.
            self.materialize_top(frame.results);
        }
        let pc = self.pc();
        let mut reached = self.reachable || !frame.fixups.is_empty();
        if let Some(at) = frame.cond_fixup {
            // An `if` without `else`: the false path arrives here with the parameters, which are
            // the results.
            patch(&mut self.code, at, pc, self.offset)?;
            reached = true;
        }
        if frame.kind != ControlKind::Loop {
            for &at in &frame.fixups {
                patch(&mut self.code, at, pc, self.offset)?;
            }
        }
        self.set_height(frame.base + frame.results);
        self.reachable = reached;
        self.start_fuel_segment();
        Ok(())
    }

    /// Copies the values a branch to the frame `depth` levels out carries into place, and
    /// returns whether that frame is the function body (a branch there is a return).
    fn branch_copies(&mut self, depth: u32) -> Result<BranchTarget, Error> {
        let index = self
            .controls
            .len()
            .checked_sub(1 + depth as usize)
            .ok_or_else(|| Error::invalid("branch depth out of range", 0))?;
        let frame = &self.controls[index];
        if frame.kind == ControlKind::Func {
            return Ok(BranchTarget::Return);
        }
        let (arity, target) = if frame.kind == ControlKind::Loop {
            (frame.params, BranchTarget::Code(frame.loop_start))
        } else {
            (frame.results, BranchTarget::End(index))
        };
        let base = frame.base;
        let from = self.height() - arity;
        // In ascending order no copy reads a slot that an earlier one wrote: sources are locals
        // or temporaries at or above `from >= base`.
        for i in 0..arity {
            let dst = self.slot(base + i);
            self.emit_move(dst, from + i);
        }
        Ok(target)
    }

    /// Emits a jump to `target` (after [`branch_copies`](Self::branch_copies)).
    fn jump(&mut self, target: BranchTarget) {
        match target {
            BranchTarget::Return => {
                // The results must be consecutive; copy local references into place without
                // changing the operand stack, since this may be one path of several.
                let results = self.controls[0].results;
                let from = self.height() - results;
                let src = match self.operands.get(from as usize) {
                    Some(Operand::Local(n)) if results == 1 => FuncTranslator::local(*n),
                    _ => {
                        for h in from..from + results {
                            let dst = self.slot(h);
                            self.emit_move(dst, h);
                        }
                        self.slot(from)
                    }
                };
                self.emit(Op::Return {
                    src,
                    count: arity16(results),
                });
            }
            BranchTarget::Code(pc) => self.emit(Op::Br { target: pc }),
            BranchTarget::End(index) => {
                let at = self.pc();
                self.emit(Op::Br { target: 0 });
                self.controls[index].fixups.push(at);
            }
        }
    }

    /// Whether a branch to `depth` needs no copies and is not a return, so a conditional jump
    /// can go straight there.
    fn branch_is_plain(&self, depth: u32) -> bool {
        let Some(index) = self.controls.len().checked_sub(1 + depth as usize) else {
            return false;
        };
        let frame = &self.controls[index];
        let arity = match frame.kind {
            ControlKind::Func => return false,
            ControlKind::Loop => frame.params,
            _ => frame.results,
        };
        let from = self.height() - arity;
        from == frame.base
            && self.operands[from as usize..]
                .iter()
                .all(|o| *o == Operand::Temp)
    }

    pub(super) fn op_br(&mut self, depth: u32) -> Result<(), Error> {
        let target = self.branch_copies(depth)?;
        match target {
            BranchTarget::Code(top) if self.repeat_loop_test(top) => {}
            _ => self.jump(target),
        }
        self.reachable = false;
        Ok(())
    }

    /// The jump back of a loop that starts with a conditional exit (`loop (br_if $out c) ...
    /// br $loop`) tests the condition itself: `!c` jumps to the instruction after the test,
    /// otherwise a jump to the test takes the exit. One instruction per iteration instead of
    /// two. (The test reads only slots, which nothing changes between here and there.) Returns
    /// whether it emitted the jump.
    fn repeat_loop_test(&mut self, top: u32) -> bool {
        let top_index = top as usize;
        if top_index + 1 >= self.code.len() {
            return false;
        }
        // A test that reads memory stays where it is, so that a trap is reported there.
        if matches!(
            self.code[top_index],
            Op::BrLoad8UIdxNez { .. } | Op::BrLoad8UIdxEqz { .. }
        ) {
            return false;
        }
        let Some(stay) = fuse::inverted_branch(self.code[top_index], top + 1) else {
            return false;
        };
        self.emit(stay);
        self.emit(Op::Br { target: top });
        true
    }

    pub(super) fn op_br_if(&mut self, depth: u32) -> Result<(), Error> {
        let cond = self.pop_condition();
        if self.branch_is_plain(depth) {
            let index = self.controls.len() - 1 - depth as usize;
            let frame = &self.controls[index];
            if frame.kind == ControlKind::Loop {
                let target = frame.loop_start;
                self.emit_branch_if(cond, true, target);
            } else {
                let at = self.emit_branch_if(cond, true, 0);
                self.controls[index].fixups.push(at);
            }
            return Ok(());
        }
        // Skip the copies and the jump when the condition is false.
        let skip = self.emit_branch_if(cond, false, 0);
        let target = self.branch_copies(depth)?;
        self.jump(target);
        let pc = self.pc();
        patch(&mut self.code, skip, pc, self.offset)?;
        Ok(())
    }

    pub(super) fn op_br_table(&mut self, targets: &[u32], default: u32) -> Result<(), Error> {
        let index = self.pop();
        let len = u32::try_from(targets.len()).map_err(|_| {
            Error::limit(
                "br_table targets",
                targets.len() as u64,
                u64::from(u32::MAX),
            )
        })?;
        self.emit(Op::BrTable { index, len });
        // One jump per entry; entries that need copies or a return jump to a stub after the table.
        let table_start = self.code.len();
        let mut stubs: Vec<(usize, u32)> = Vec::new();
        for &depth in targets.iter().chain(core::iter::once(&default)) {
            if self.branch_is_plain(depth) {
                let frame_index = self.controls.len() - 1 - depth as usize;
                let target = match self.controls[frame_index].kind {
                    ControlKind::Loop => BranchTarget::Code(self.controls[frame_index].loop_start),
                    _ => BranchTarget::End(frame_index),
                };
                self.jump(target);
            } else {
                stubs.push((self.code.len(), depth));
                self.emit(Op::Br { target: 0 });
            }
        }
        debug_assert_eq!(self.code.len() - table_start, targets.len() + 1);
        for (entry, depth) in stubs {
            let pc = self.pc();
            patch(
                &mut self.code,
                u32::try_from(entry).unwrap_or(u32::MAX),
                pc,
                self.offset,
            )?;
            let target = self.branch_copies(depth)?;
            self.jump(target);
        }
        self.reachable = false;
        Ok(())
    }

    pub(super) fn op_return(&mut self) {
        self.jump(BranchTarget::Return);
        self.reachable = false;
    }
}

/// The condition of a conditional branch.
#[derive(Debug, Clone, Copy)]
pub(super) enum Condition {
    /// An `i32` in a slot.
    Slot(Slot),
    /// The comparison that computed it, removed from the code to be fused with the branch.
    Compare(Op),
}

impl FuncTranslator<'_> {
    /// Pops a branch condition. When the instruction just emitted computed it into the slot
    /// being popped (so nothing else reads it), that instruction is taken back so the branch can
    /// do the comparison itself.
    pub(super) fn pop_condition(&mut self) -> Condition {
        let h = self.height() - 1;
        let top_is_temp = self.operands.last() == Some(&Operand::Temp);
        if let Some((at, slot)) = self.last_producer
            && top_is_temp
            && at + 1 == self.code.len()
            && slot == self.slot(h)
            && let Some(compare) = self.code.get(at).copied()
            && fuse::fused_branch(compare, true, 0).is_some()
        {
            if matches!(compare, Op::Load8UIdx { .. }) {
                self.condition_offset = self.offsets.last().copied();
            }
            self.unemit();
            self.operands.pop();
            self.last_producer = None;
            return Condition::Compare(compare);
        }
        Condition::Slot(self.pop())
    }

    /// Emits a jump to `target` taken when the condition is `when`, and returns where it
    /// is, to be patched when `target` is not known yet: not always the end of the code, since
    /// the jump may be fused into the instruction before it.
    pub(super) fn emit_branch_if(&mut self, cond: Condition, when: bool, target: u32) -> u32 {
        if let Condition::Compare(Op::I32Ne { a, b, .. }) = cond
            && when
            && self.fuse_increment_with_latch(a, b, target)
        {
            return self.pc() - 1;
        }
        if let Condition::Compare(compare) = cond
            && let Some(at) = self.fuse_add_with_branch(compare, when, target)
        {
            return at;
        }
        let op = match cond {
            Condition::Slot(cond) if when => Op::BrIfNez { cond, target },
            Condition::Slot(cond) => Op::BrIfEqz { cond, target },
            Condition::Compare(compare) => match fuse::fused_branch(compare, when, target) {
                Some(op) => op,
                // `pop_condition` only takes back comparisons that have a fused form.
                None => Op::Unreachable,
            },
        };
        let at = self.pc();
        self.emit(op);
        if let Some(offset) = self.condition_offset.take()
            && let Some(recorded) = self.offsets.get_mut(at as usize)
        {
            // A trap of the fused load is the load's.
            *recorded = offset;
        }
        at
    }
}

impl FuncTranslator<'_> {
    /// A jump on `a != b` right after an in-place increment of one of them by a 16-bit
    /// constant becomes one `I32AddImmBrNe` in place of the increment, unless a label lies
    /// between the two (a jump landing on the branch must not add). Returns whether it did.
    fn fuse_increment_with_latch(&mut self, a: Slot, b: Slot, target: u32) -> bool {
        let n = self.code.len();
        if !self.mergeable_at(n) {
            return false;
        }
        let Some(Op::I32AddImm { dst, a: src, imm }) = self.code.last().copied() else {
            return false;
        };
        let Ok(imm) = i16::try_from(imm) else {
            return false;
        };
        if dst != src || (dst != a && dst != b) {
            return false;
        }
        let other = if dst == a { b } else { a };
        self.code[n - 1] = Op::I32AddImmBrNe {
            a: dst,
            imm,
            b: other,
            target,
        };
        self.last_producer = None;
        true
    }
}

impl FuncTranslator<'_> {
    /// An unsigned comparison of the sum that the `i32.add` just emitted computed (into its
    /// slot or, through `local.tee`, into a local) with a slot, jumping when it is `when`,
    /// becomes one `I32AddBr…` in place of the add, followed by the `Br` that holds its
    /// target, unless a label lies between the two (a jump landing on the comparison must not
    /// add). Returns where that `Br` is, to be patched like any jump.
    fn fuse_add_with_branch(&mut self, compare: Op, when: bool, target: u32) -> Option<u32> {
        let n = self.code.len();
        if !self.mergeable_at(n) {
            return None;
        }
        let Some(Op::I32Add { dst, a, b }) = self.code.last().copied() else {
            return None;
        };
        let fused = fuse::add_branch(fuse::fused_branch(compare, when, target)?, dst, a, b)?;
        self.code[n - 1] = fused;
        self.last_producer = None;
        let at = self.pc();
        self.emit(Op::Br { target });
        Some(at)
    }
}

#[derive(Debug, Clone, Copy)]
enum BranchTarget {
    /// Return from the function.
    Return,
    /// Jump to a known code index (a loop start).
    Code(u32),
    /// Jump to the end of control frame `index`, patched later.
    End(usize),
}

/// Points the jump at `at` to `target`.
///
/// # Errors
///
/// An internal error (at `offset`, the operator being translated) when the instruction at
/// `at` is not a jump: a translator bug that would otherwise silently miscompile.
fn patch(code: &mut [Op], at: u32, target: u32, offset: u32) -> Result<(), Error> {
    match code.get_mut(at as usize).and_then(Op::target_mut) {
        Some(t) => {
            *t = target;
            Ok(())
        }
        None => Err(not_a_jump(at, offset)),
    }
}

#[cold]
#[inline(never)]
fn not_a_jump(at: u32, offset: u32) -> Error {
    Error::internal(
        Message::item(
            "translated instruction",
            u64::from(at),
            "patched as a forward jump but is not one",
        ),
        u64::from(offset),
    )
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "result counts were checked to fit in 16 bits"
)]
fn arity16(n: u32) -> u16 {
    n as u16
}

#[cfg(test)]
mod tests;
