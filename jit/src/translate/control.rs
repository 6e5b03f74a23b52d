//! Blocks, branches, calls and returns.

use cranelift_codegen::ir::{BlockArg, InstBuilder, JumpTableData, Type};
use mote_core::wasmparser::{BlockType, Operator};
use mote_core::{Error, TrapCode};

use super::{Control, ControlKind, FuncTranslator, val_type};
use crate::env::{CallHow, clif_type};

impl FuncTranslator<'_, '_> {
    /// The parameter and result types of a block type.
    fn block_type(&self, ty: BlockType) -> Result<(Vec<Type>, Vec<Type>), Error> {
        Ok(match ty {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (Vec::new(), vec![clif_type(val_type(t)?)]),
            BlockType::FuncType(index) => {
                let f = &self.env.info.types[index as usize];
                (
                    f.params().iter().map(|t| clif_type(*t)).collect(),
                    f.results().iter().map(|t| clif_type(*t)).collect(),
                )
            }
        })
    }

    /// Pushes a construct entered in unreachable code.
    fn push_dead(&mut self) {
        let next = self.b.create_block();
        self.controls.push(Control {
            kind: ControlKind::Dead,
            next,
            height: self.stack.len(),
            params: Vec::new(),
            results: Vec::new(),
            next_reached: false,
        });
    }

    /// Control operators; `false` when `op` is not one.
    pub(super) fn control(&mut self, op: &Operator<'_>) -> Result<bool, Error> {
        match *op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.env.trap(&mut self.b, TrapCode::Unreachable);
                self.reachable = false;
            }
            Operator::Block { blockty } => {
                if !self.reachable {
                    self.push_dead();
                    return Ok(true);
                }
                let (params, results) = self.block_type(blockty)?;
                let next = self.new_block(&results);
                self.controls.push(Control {
                    kind: ControlKind::Block,
                    next,
                    height: self.stack.len() - params.len(),
                    params,
                    results,
                    next_reached: false,
                });
            }
            Operator::Loop { blockty } => {
                if !self.reachable {
                    self.push_dead();
                    return Ok(true);
                }
                let (params, results) = self.block_type(blockty)?;
                let header = self.new_block(&params);
                let next = self.new_block(&results);
                let args = self.peek_args(params.len());
                self.b.ins().jump(header, &args);
                let height = self.stack.len() - params.len();
                self.stack.truncate(height);
                self.b.switch_to_block(header);
                self.stack.extend_from_slice(self.b.block_params(header));
                self.controls.push(Control {
                    kind: ControlKind::Loop { header },
                    next,
                    height,
                    params,
                    results,
                    next_reached: false,
                });
                self.env.start_fuel_segment(&mut self.b);
                self.env.epoch_check(&mut self.b);
            }
            Operator::If { blockty } => {
                if !self.reachable {
                    self.push_dead();
                    return Ok(true);
                }
                let cond = self.pop();
                let (params, results) = self.block_type(blockty)?;
                let then_block = self.b.create_block();
                let else_block = self.b.create_block();
                let next = self.new_block(&results);
                self.b.ins().brif(cond, then_block, &[], else_block, &[]);
                self.b.switch_to_block(then_block);
                let height = self.stack.len() - params.len();
                let param_values = self.stack[height..].to_vec();
                self.controls.push(Control {
                    kind: ControlKind::If {
                        else_block,
                        params: param_values,
                        has_else: false,
                    },
                    next,
                    height,
                    params,
                    results,
                    next_reached: false,
                });
                self.env.start_fuel_segment(&mut self.b);
            }
            Operator::Else => self.translate_else(),
            Operator::End => self.translate_end(),
            Operator::Br { relative_depth } => {
                self.branch(relative_depth);
                self.reachable = false;
            }
            Operator::BrIf { relative_depth } => {
                let cond = self.pop();
                let (target, args) = self.target(relative_depth);
                let cont = self.b.create_block();
                self.b.ins().brif(cond, target, &args, cont, &[]);
                self.b.switch_to_block(cont);
            }
            Operator::BrTable { ref targets } => {
                let index = self.pop();
                let mut depths = Vec::with_capacity(targets.len() as usize);
                for depth in targets.targets() {
                    depths.push(depth.map_err(|e| Error::invalid(e.message(), e.offset()))?);
                }
                let default = targets.default();
                // Each distinct target gets an edge block that passes the carried values, so
                // the jump table itself carries no arguments.
                let mut edges: Vec<(u32, cranelift_codegen::ir::Block)> = Vec::new();
                let mut edge_of = |depth: u32, this: &mut Self| {
                    if let Some(&(_, e)) = edges.iter().find(|(d, _)| *d == depth) {
                        return e;
                    }
                    let e = this.b.create_block();
                    edges.push((depth, e));
                    e
                };
                let default_edge = edge_of(default, self);
                let table_edges: Vec<_> = depths.iter().map(|&d| edge_of(d, self)).collect();
                let pool = &mut self.b.func.dfg.value_lists;
                let default_call = cranelift_codegen::ir::BlockCall::new(default_edge, [], pool);
                let calls: Vec<_> = table_edges
                    .iter()
                    .map(|&e| cranelift_codegen::ir::BlockCall::new(e, [], pool))
                    .collect();
                let jt = self
                    .b
                    .create_jump_table(JumpTableData::new(default_call, &calls));
                self.b.ins().br_table(index, jt);
                for (depth, edge) in edges {
                    self.b.switch_to_block(edge);
                    self.branch(depth);
                }
                self.reachable = false;
            }
            Operator::Return => {
                let depth = u32::try_from(self.controls.len() - 1).unwrap_or(0);
                self.branch(depth);
                self.reachable = false;
            }
            Operator::Call { function_index } => {
                let n = self.env.info.func_type(function_index).params().len();
                // The interpreter counts one slot above the arguments.
                self.max_height = self.max_height.max(self.stack.len() + 1);
                let base = self.call_base(n);
                let args = self.pop_n(n);
                let how = CallHow { tail: false, base };
                let results = self.env.call(&mut self.b, function_index, &args, how);
                self.stack.extend(results);
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let elem = self.pop();
                let n = self.env.info.types[type_index as usize].params().len();
                let base = self.call_base(n);
                let args = self.pop_n(n);
                let results = self.env.call_indirect(
                    &mut self.b,
                    type_index,
                    table_index,
                    elem,
                    &args,
                    CallHow { tail: false, base },
                );
                self.stack.extend(results);
            }
            Operator::ReturnCall { function_index } => {
                let ty = self.env.info.func_type(function_index);
                let (n, results) = (ty.params().len(), ty.results().len());
                let base = self.stack.len() - n;
                self.max_height = self.max_height.max(base + n + 1).max(base + results);
                let call_base = self.call_base(n);
                let args = self.pop_n(n);
                let how = CallHow {
                    tail: true,
                    base: call_base,
                };
                self.env.call(&mut self.b, function_index, &args, how);
                self.reachable = false;
            }
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let elem = self.pop();
                let ty = &self.env.info.types[type_index as usize];
                let (n, results) = (ty.params().len(), ty.results().len());
                let base = self.stack.len() - n;
                self.max_height = self.max_height.max(base + results);
                let call_base = self.call_base(n);
                let args = self.pop_n(n);
                self.env.call_indirect(
                    &mut self.b,
                    type_index,
                    table_index,
                    elem,
                    &args,
                    CallHow {
                        tail: true,
                        base: call_base,
                    },
                );
                self.reachable = false;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Where the top `n` operands (a call's arguments) start in the interpreter's frame:
    /// after the locals and the operands below them.
    fn call_base(&self, n: usize) -> u32 {
        u32::try_from(self.locals.len() + self.stack.len() - n).unwrap_or(u32::MAX)
    }

    /// The branch target of `depth` and the values it carries; marks it reached.
    fn target(&mut self, depth: u32) -> (cranelift_codegen::ir::Block, Vec<BlockArg>) {
        let i = self.controls.len() - 1 - depth as usize;
        let (block, n) = match self.controls[i].kind {
            ControlKind::Loop { header } => (header, self.controls[i].params.len()),
            _ => {
                self.controls[i].next_reached = true;
                (self.controls[i].next, self.controls[i].results.len())
            }
        };
        (block, self.peek_args(n))
    }

    /// An unconditional branch to `depth`.
    fn branch(&mut self, depth: u32) {
        let (target, args) = self.target(depth);
        self.b.ins().jump(target, &args);
    }

    fn translate_else(&mut self) {
        let reachable = self.reachable;
        let frame = self.controls.last_mut().expect("validated: inside if");
        let ControlKind::If {
            else_block,
            ref params,
            ref mut has_else,
        } = frame.kind
        else {
            // `else` of an `if` in unreachable code.
            return;
        };
        *has_else = true;
        let params = params.clone();
        let n = frame.results.len();
        let height = frame.height;
        if reachable {
            frame.next_reached = true;
            let args = self.peek_args(n);
            let next = self.controls.last().expect("validated").next;
            self.b.ins().jump(next, &args);
        }
        self.stack.truncate(height);
        self.stack.extend_from_slice(&params);
        self.b.switch_to_block(else_block);
        self.reachable = true;
        self.env.start_fuel_segment(&mut self.b);
    }

    fn translate_end(&mut self) {
        let frame = self.controls.pop().expect("validated: matching end");
        if let ControlKind::Dead = frame.kind {
            return;
        }
        let mut next_reached = frame.next_reached;
        if self.reachable {
            let args = self.peek_args(frame.results.len());
            self.b.ins().jump(frame.next, &args);
            next_reached = true;
        }
        if let ControlKind::If {
            else_block,
            params,
            has_else: false,
        } = &frame.kind
        {
            // No `else`: the false branch passes the parameters on as results.
            self.b.switch_to_block(*else_block);
            let args: Vec<BlockArg> = params.iter().map(|v| BlockArg::from(*v)).collect();
            self.b.ins().jump(frame.next, &args);
            next_reached = true;
        }
        self.stack.truncate(frame.height);
        if next_reached {
            self.b.switch_to_block(frame.next);
            let results = self.b.block_params(frame.next).to_vec();
            if let ControlKind::Func = frame.kind {
                self.b.ins().return_(&results);
                self.reachable = false;
                return;
            }
            self.stack.extend_from_slice(&results);
            self.reachable = true;
            self.env.start_fuel_segment(&mut self.b);
        } else {
            self.reachable = false;
        }
    }
}
