//! Translation of each WebAssembly operator.

use alloc::vec::Vec;

use mote_core::Error;
use mote_core::wasmparser::{self, MemArg, Operator};

use super::{FuncTranslator, Operand};
use crate::op::{LoadKind, Op, Slot, StoreKind};

impl FuncTranslator<'_> {
    /// Translates one validated operator at byte `offset`.
    pub(super) fn translate(&mut self, op: Operator<'_>, offset: u64) -> Result<(), Error> {
        let is_control = matches!(
            op,
            Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::Else
                | Operator::End
        );
        if !self.reachable && !is_control {
            // Validated but never executed: nothing to emit.
            return Ok(());
        }
        if is_control {
            self.label_pc = usize::MAX;
        }
        if self.reachable {
            self.charge();
        }

        match op {
            Operator::Unreachable => {
                self.emit(Op::Unreachable);
                self.reachable = false;
            }
            Operator::Nop => {}
            Operator::Block { blockty } => self.op_block(blockty),
            Operator::Loop { blockty } => self.op_loop(blockty),
            Operator::If { blockty } => self.op_if(blockty),
            Operator::Else => self.op_else()?,
            Operator::End => self.op_end()?,
            Operator::Br { relative_depth } => self.op_br(relative_depth)?,
            Operator::BrIf { relative_depth } => self.op_br_if(relative_depth)?,
            Operator::BrTable { targets } => {
                let default = targets.default();
                let list = targets
                    .targets()
                    .collect::<Result<Vec<u32>, _>>()
                    .map_err(|e| Error::invalid(e.message(), e.offset()))?;
                self.op_br_table(&list, default)?;
            }
            Operator::Return => self.op_return(),
            Operator::Call { function_index } => {
                let ty = self.info.func_type(function_index);
                let (params, results) = (
                    super::count(ty.params().len()),
                    super::count(ty.results().len()),
                );
                self.call(
                    Op::Call {
                        func: function_index,
                        base: 0,
                    },
                    params,
                    results,
                );
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let ty = &self.info.types[type_index as usize];
                let (params, results) = (
                    super::count(ty.params().len()),
                    super::count(ty.results().len()),
                );
                // The table index must be right after the arguments.
                self.materialize_top(params + 1);
                self.pop();
                self.call(
                    Op::CallIndirect {
                        ty: type_index,
                        table: table_index,
                        base: 0,
                    },
                    params,
                    results,
                );
            }
            Operator::ReturnCall { function_index } => {
                let ty = self.info.func_type(function_index);
                let (params, results) = (
                    super::count(ty.params().len()),
                    super::count(ty.results().len()),
                );
                self.tail_call(
                    Op::ReturnCall {
                        func: function_index,
                        base: 0,
                    },
                    params,
                    results,
                );
            }
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let ty = &self.info.types[type_index as usize];
                let (params, results) = (
                    super::count(ty.params().len()),
                    super::count(ty.results().len()),
                );
                self.materialize_top(params + 1);
                self.pop();
                self.tail_call(
                    Op::ReturnCallIndirect {
                        ty: type_index,
                        table: table_index,
                        base: 0,
                    },
                    params,
                    results,
                );
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop();
                let b = self.pop();
                let a = self.pop();
                let dst = self.slot(self.height());
                self.push_produced(Op::Select { dst, cond, a, b });
            }
            Operator::LocalGet { local_index } => {
                // No code: consumers read the local's slot (see `Operand::Local`).
                self.operands.push(Operand::Local(local_index));
                self.max_height = self.max_height.max(self.height());
            }
            Operator::LocalSet { local_index } => self.local_set(local_index),
            Operator::LocalTee { local_index } => self.local_tee(local_index),
            Operator::GlobalGet { global_index } => {
                let dst = self.slot(self.height());
                self.push_produced(Op::GlobalGet {
                    dst,
                    index: global_index,
                });
            }
            Operator::GlobalSet { global_index } => {
                let src = self.pop();
                self.emit(Op::GlobalSet {
                    src,
                    index: global_index,
                });
            }
            Operator::I32Const { value } => self.const32(value.cast_unsigned()),
            Operator::I64Const { value } => self.const64(value.cast_unsigned()),
            Operator::F32Const { value } => self.const32(value.bits()),
            Operator::F64Const { value } => self.const64(value.bits()),
            Operator::RefNull { .. } => self.const32(0),
            Operator::RefIsNull => self.unary(|dst, src| Op::I64Eqz { dst, src }),
            Operator::RefFunc { function_index } => {
                let dst = self.slot(self.height());
                self.push_produced(Op::RefFunc {
                    dst,
                    func: function_index,
                });
            }

            Operator::I32Load { memarg }
            | Operator::F32Load { memarg }
            | Operator::I64Load32U { memarg } => {
                self.load(memarg, offset, LoadKind::L32U)?;
            }
            Operator::I64Load { memarg } | Operator::F64Load { memarg } => {
                self.load(memarg, offset, LoadKind::L64)?;
            }
            Operator::I32Load8S { memarg } => self.load(memarg, offset, LoadKind::L8S32)?,
            Operator::I32Load8U { memarg } | Operator::I64Load8U { memarg } => {
                self.load(memarg, offset, LoadKind::L8U)?;
            }
            Operator::I32Load16S { memarg } => self.load(memarg, offset, LoadKind::L16S32)?,
            Operator::I32Load16U { memarg } | Operator::I64Load16U { memarg } => {
                self.load(memarg, offset, LoadKind::L16U)?;
            }
            Operator::I64Load8S { memarg } => self.load(memarg, offset, LoadKind::L8S64)?,
            Operator::I64Load16S { memarg } => self.load(memarg, offset, LoadKind::L16S64)?,
            Operator::I64Load32S { memarg } => self.load(memarg, offset, LoadKind::L32S64)?,
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => {
                self.store(memarg, offset, StoreKind::S8)?;
            }
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => {
                self.store(memarg, offset, StoreKind::S16)?;
            }
            Operator::I32Store { memarg }
            | Operator::F32Store { memarg }
            | Operator::I64Store32 { memarg } => {
                self.store(memarg, offset, StoreKind::S32)?;
            }
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => {
                self.store(memarg, offset, StoreKind::S64)?;
            }
            Operator::MemorySize { mem } => {
                let memory = self.memory_index(mem, offset)?;
                let dst = self.push();
                self.emit(match memory {
                    0 => Op::MemorySize { dst },
                    _ => Op::MemorySizeN { dst, memory: mem },
                });
            }
            Operator::MemoryGrow { mem } => {
                let memory = self.memory_index(mem, offset)?;
                let delta = self.top_in_place();
                self.emit(match memory {
                    0 => Op::MemoryGrow { delta },
                    _ => Op::MemoryGrowN { delta, memory: mem },
                });
            }
            Operator::MemoryCopy { dst_mem, src_mem } => {
                let dst = self.memory_index(dst_mem, offset)?;
                let src = self.memory_index(src_mem, offset)?;
                let base = self.pop_n(3);
                self.emit(match (dst, src) {
                    (0, 0) => Op::MemoryCopy { base },
                    _ => Op::MemoryCopyN {
                        base,
                        dst_memory: dst_mem,
                        src_memory: src_mem,
                    },
                });
            }
            Operator::MemoryFill { mem } => {
                let memory = self.memory_index(mem, offset)?;
                let base = self.pop_n(3);
                self.emit(match memory {
                    0 => Op::MemoryFill { base },
                    _ => Op::MemoryFillN { base, memory: mem },
                });
            }
            Operator::MemoryInit { data_index, mem } => {
                let memory = self.memory_index(mem, offset)?;
                let base = self.pop_n(3);
                self.emit(match memory {
                    0 => Op::MemoryInit {
                        segment: data_index,
                        base,
                    },
                    _ => Op::MemoryInitN {
                        base,
                        memory,
                        segment: data_index,
                    },
                });
            }
            Operator::DataDrop { data_index } => self.emit(Op::DataDrop {
                segment: data_index,
            }),

            Operator::TableGet { table } => {
                let dst = self.top_in_place();
                self.emit(Op::TableGet { table, dst });
            }
            Operator::TableSet { table } => {
                let base = self.pop_n(2);
                self.emit(Op::TableSet { table, base });
            }
            Operator::TableSize { table } => {
                let dst = self.push();
                self.emit(Op::TableSize { table, dst });
            }
            Operator::TableGrow { table } => {
                let base = self.pop_n(2);
                self.push();
                self.emit(Op::TableGrow { table, base });
            }
            Operator::TableFill { table } => {
                let base = self.pop_n(3);
                self.emit(Op::TableFill { table, base });
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let base = self.pop_n(3);
                self.emit(Op::TableCopy {
                    dst_table,
                    src_table,
                    base,
                });
            }
            Operator::TableInit { elem_index, table } => {
                let base = self.pop_n(3);
                self.emit(Op::TableInit {
                    table,
                    segment: elem_index,
                    base,
                });
            }
            Operator::ElemDrop { elem_index } => self.emit(Op::ElemDrop {
                segment: elem_index,
            }),

            Operator::I32Eqz => self.unary(|dst, src| Op::I32Eqz { dst, src }),
            Operator::I32Clz => self.unary(|dst, src| Op::I32Clz { dst, src }),
            Operator::I32Ctz => self.unary(|dst, src| Op::I32Ctz { dst, src }),
            Operator::I32Popcnt => self.unary(|dst, src| Op::I32Popcnt { dst, src }),
            Operator::I64Eqz => self.unary(|dst, src| Op::I64Eqz { dst, src }),
            Operator::I64Clz => self.unary(|dst, src| Op::I64Clz { dst, src }),
            Operator::I64Ctz => self.unary(|dst, src| Op::I64Ctz { dst, src }),
            Operator::I64Popcnt => self.unary(|dst, src| Op::I64Popcnt { dst, src }),
            Operator::F32Abs => self.unary(|dst, src| Op::F32Abs { dst, src }),
            Operator::F32Neg => self.unary(|dst, src| Op::F32Neg { dst, src }),
            Operator::F32Ceil => self.unary(|dst, src| Op::F32Ceil { dst, src }),
            Operator::F32Floor => self.unary(|dst, src| Op::F32Floor { dst, src }),
            Operator::F32Trunc => self.unary(|dst, src| Op::F32Trunc { dst, src }),
            Operator::F32Nearest => self.unary(|dst, src| Op::F32Nearest { dst, src }),
            Operator::F32Sqrt => self.unary(|dst, src| Op::F32Sqrt { dst, src }),
            Operator::F64Abs => self.unary(|dst, src| Op::F64Abs { dst, src }),
            Operator::F64Neg => self.unary(|dst, src| Op::F64Neg { dst, src }),
            Operator::F64Ceil => self.unary(|dst, src| Op::F64Ceil { dst, src }),
            Operator::F64Floor => self.unary(|dst, src| Op::F64Floor { dst, src }),
            Operator::F64Trunc => self.unary(|dst, src| Op::F64Trunc { dst, src }),
            Operator::F64Nearest => self.unary(|dst, src| Op::F64Nearest { dst, src }),
            Operator::F64Sqrt => self.unary(|dst, src| Op::F64Sqrt { dst, src }),
            Operator::I32WrapI64 => self.unary(|dst, src| Op::I32WrapI64 { dst, src }),
            Operator::I32TruncF32S => self.unary(|dst, src| Op::I32TruncF32S { dst, src }),
            Operator::I32TruncF32U => self.unary(|dst, src| Op::I32TruncF32U { dst, src }),
            Operator::I32TruncF64S => self.unary(|dst, src| Op::I32TruncF64S { dst, src }),
            Operator::I32TruncF64U => self.unary(|dst, src| Op::I32TruncF64U { dst, src }),
            Operator::I64ExtendI32S => self.unary(|dst, src| Op::I64ExtendI32S { dst, src }),
            Operator::I64ExtendI32U => self.unary(|dst, src| Op::I64ExtendI32U { dst, src }),
            Operator::I64TruncF32S => self.unary(|dst, src| Op::I64TruncF32S { dst, src }),
            Operator::I64TruncF32U => self.unary(|dst, src| Op::I64TruncF32U { dst, src }),
            Operator::I64TruncF64S => self.unary(|dst, src| Op::I64TruncF64S { dst, src }),
            Operator::I64TruncF64U => self.unary(|dst, src| Op::I64TruncF64U { dst, src }),
            Operator::F32ConvertI32S => self.unary(|dst, src| Op::F32ConvertI32S { dst, src }),
            Operator::F32ConvertI32U => self.unary(|dst, src| Op::F32ConvertI32U { dst, src }),
            Operator::F32ConvertI64S => self.unary(|dst, src| Op::F32ConvertI64S { dst, src }),
            Operator::F32ConvertI64U => self.unary(|dst, src| Op::F32ConvertI64U { dst, src }),
            Operator::F32DemoteF64 => self.unary(|dst, src| Op::F32DemoteF64 { dst, src }),
            Operator::F64ConvertI32S => self.unary(|dst, src| Op::F64ConvertI32S { dst, src }),
            Operator::F64ConvertI32U => self.unary(|dst, src| Op::F64ConvertI32U { dst, src }),
            Operator::F64ConvertI64S => self.unary(|dst, src| Op::F64ConvertI64S { dst, src }),
            Operator::F64ConvertI64U => self.unary(|dst, src| Op::F64ConvertI64U { dst, src }),
            Operator::F64PromoteF32 => self.unary(|dst, src| Op::F64PromoteF32 { dst, src }),
            Operator::I32Extend8S => self.unary(|dst, src| Op::I32Extend8S { dst, src }),
            Operator::I32Extend16S => self.unary(|dst, src| Op::I32Extend16S { dst, src }),
            Operator::I64Extend8S => self.unary(|dst, src| Op::I64Extend8S { dst, src }),
            Operator::I64Extend16S => self.unary(|dst, src| Op::I64Extend16S { dst, src }),
            Operator::I64Extend32S => self.unary(|dst, src| Op::I64Extend32S { dst, src }),
            Operator::I32TruncSatF32S => self.unary(|dst, src| Op::I32TruncSatF32S { dst, src }),
            Operator::I32TruncSatF32U => self.unary(|dst, src| Op::I32TruncSatF32U { dst, src }),
            Operator::I32TruncSatF64S => self.unary(|dst, src| Op::I32TruncSatF64S { dst, src }),
            Operator::I32TruncSatF64U => self.unary(|dst, src| Op::I32TruncSatF64U { dst, src }),
            Operator::I64TruncSatF32S => self.unary(|dst, src| Op::I64TruncSatF32S { dst, src }),
            Operator::I64TruncSatF32U => self.unary(|dst, src| Op::I64TruncSatF32U { dst, src }),
            Operator::I64TruncSatF64S => self.unary(|dst, src| Op::I64TruncSatF64S { dst, src }),
            Operator::I64TruncSatF64U => self.unary(|dst, src| Op::I64TruncSatF64U { dst, src }),
            Operator::I32Eq => self.binary_imm(
                |dst, a, b| Op::I32Eq { dst, a, b },
                |dst, a, imm| Op::I32EqImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32EqImm { dst, a, imm }),
                false,
            ),
            Operator::I32Ne => self.binary_imm(
                |dst, a, b| Op::I32Ne { dst, a, b },
                |dst, a, imm| Op::I32NeImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32NeImm { dst, a, imm }),
                false,
            ),
            Operator::I32LtS => self.binary_imm(
                |dst, a, b| Op::I32LtS { dst, a, b },
                |dst, a, imm| Op::I32LtSImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32GtSImm { dst, a, imm }),
                false,
            ),
            Operator::I32LtU => self.binary_imm(
                |dst, a, b| Op::I32LtU { dst, a, b },
                |dst, a, imm| Op::I32LtUImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32GtUImm { dst, a, imm }),
                false,
            ),
            Operator::I32GtS => self.binary_imm(
                |dst, a, b| Op::I32GtS { dst, a, b },
                |dst, a, imm| Op::I32GtSImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32LtSImm { dst, a, imm }),
                false,
            ),
            Operator::I32GtU => self.binary_imm(
                |dst, a, b| Op::I32GtU { dst, a, b },
                |dst, a, imm| Op::I32GtUImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32LtUImm { dst, a, imm }),
                false,
            ),
            Operator::I32LeS => self.binary_imm(
                |dst, a, b| Op::I32LeS { dst, a, b },
                |dst, a, imm| Op::I32LeSImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32GeSImm { dst, a, imm }),
                false,
            ),
            Operator::I32LeU => self.binary_imm(
                |dst, a, b| Op::I32LeU { dst, a, b },
                |dst, a, imm| Op::I32LeUImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32GeUImm { dst, a, imm }),
                false,
            ),
            Operator::I32GeS => self.binary_imm(
                |dst, a, b| Op::I32GeS { dst, a, b },
                |dst, a, imm| Op::I32GeSImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32LeSImm { dst, a, imm }),
                false,
            ),
            Operator::I32GeU => self.binary_imm(
                |dst, a, b| Op::I32GeU { dst, a, b },
                |dst, a, imm| Op::I32GeUImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32LeUImm { dst, a, imm }),
                false,
            ),
            Operator::I32Add => {
                if !self.add_shifted() {
                    self.binary_imm(
                        |dst, a, b| Op::I32Add { dst, a, b },
                        |dst, a, imm| Op::I32AddImm { dst, a, imm },
                        Some(|dst, a, imm| Op::I32AddImm { dst, a, imm }),
                        false,
                    );
                }
            }
            Operator::I32Sub => self.sub_imm(false),
            Operator::I32Mul => self.binary_imm(
                |dst, a, b| Op::I32Mul { dst, a, b },
                |dst, a, imm| Op::I32MulImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32MulImm { dst, a, imm }),
                false,
            ),
            Operator::I32DivS => self.binary(|dst, a, b| Op::I32DivS { dst, a, b }),
            Operator::I32DivU => self.binary(|dst, a, b| Op::I32DivU { dst, a, b }),
            Operator::I32RemS => self.binary(|dst, a, b| Op::I32RemS { dst, a, b }),
            Operator::I32RemU => self.binary(|dst, a, b| Op::I32RemU { dst, a, b }),
            Operator::I32And if self.bit_field() => {}
            Operator::I32And => self.binary_imm(
                |dst, a, b| Op::I32And { dst, a, b },
                |dst, a, imm| Op::I32AndImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32AndImm { dst, a, imm }),
                false,
            ),
            Operator::I32Or => self.binary_imm(
                |dst, a, b| Op::I32Or { dst, a, b },
                |dst, a, imm| Op::I32OrImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32OrImm { dst, a, imm }),
                false,
            ),
            Operator::I32Xor if self.xor_shifted() => {}
            Operator::I32Xor => self.binary_imm(
                |dst, a, b| Op::I32Xor { dst, a, b },
                |dst, a, imm| Op::I32XorImm { dst, a, imm },
                Some(|dst, a, imm| Op::I32XorImm { dst, a, imm }),
                false,
            ),
            Operator::I32Shl => self.binary_imm(
                |dst, a, b| Op::I32Shl { dst, a, b },
                |dst, a, imm| Op::I32ShlImm { dst, a, imm },
                None,
                false,
            ),
            Operator::I32ShrS => self.binary_imm(
                |dst, a, b| Op::I32ShrS { dst, a, b },
                |dst, a, imm| Op::I32ShrSImm { dst, a, imm },
                None,
                false,
            ),
            Operator::I32ShrU => self.binary_imm(
                |dst, a, b| Op::I32ShrU { dst, a, b },
                |dst, a, imm| Op::I32ShrUImm { dst, a, imm },
                None,
                false,
            ),
            Operator::I32Rotl => self.binary_imm(
                |dst, a, b| Op::I32Rotl { dst, a, b },
                |dst, a, imm| Op::I32RotlImm { dst, a, imm },
                None,
                false,
            ),
            Operator::I32Rotr => self.binary_imm(
                |dst, a, b| Op::I32Rotr { dst, a, b },
                |dst, a, imm| Op::I32RotrImm { dst, a, imm },
                None,
                false,
            ),
            Operator::I64Eq => self.binary_imm(
                |dst, a, b| Op::I64Eq { dst, a, b },
                |dst, a, imm| Op::I64EqImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64EqImm { dst, a, imm }),
                true,
            ),
            Operator::I64Ne => self.binary_imm(
                |dst, a, b| Op::I64Ne { dst, a, b },
                |dst, a, imm| Op::I64NeImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64NeImm { dst, a, imm }),
                true,
            ),
            Operator::I64LtS => self.binary_imm(
                |dst, a, b| Op::I64LtS { dst, a, b },
                |dst, a, imm| Op::I64LtSImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64GtSImm { dst, a, imm }),
                true,
            ),
            Operator::I64LtU => self.binary_imm(
                |dst, a, b| Op::I64LtU { dst, a, b },
                |dst, a, imm| Op::I64LtUImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64GtUImm { dst, a, imm }),
                true,
            ),
            Operator::I64GtS => self.binary_imm(
                |dst, a, b| Op::I64GtS { dst, a, b },
                |dst, a, imm| Op::I64GtSImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64LtSImm { dst, a, imm }),
                true,
            ),
            Operator::I64GtU => self.binary_imm(
                |dst, a, b| Op::I64GtU { dst, a, b },
                |dst, a, imm| Op::I64GtUImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64LtUImm { dst, a, imm }),
                true,
            ),
            Operator::I64LeS => self.binary_imm(
                |dst, a, b| Op::I64LeS { dst, a, b },
                |dst, a, imm| Op::I64LeSImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64GeSImm { dst, a, imm }),
                true,
            ),
            Operator::I64LeU => self.binary_imm(
                |dst, a, b| Op::I64LeU { dst, a, b },
                |dst, a, imm| Op::I64LeUImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64GeUImm { dst, a, imm }),
                true,
            ),
            Operator::I64GeS => self.binary_imm(
                |dst, a, b| Op::I64GeS { dst, a, b },
                |dst, a, imm| Op::I64GeSImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64LeSImm { dst, a, imm }),
                true,
            ),
            Operator::I64GeU => self.binary_imm(
                |dst, a, b| Op::I64GeU { dst, a, b },
                |dst, a, imm| Op::I64GeUImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64LeUImm { dst, a, imm }),
                true,
            ),
            Operator::I64Add => self.binary_imm(
                |dst, a, b| Op::I64Add { dst, a, b },
                |dst, a, imm| Op::I64AddImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64AddImm { dst, a, imm }),
                true,
            ),
            Operator::I64Sub => self.sub_imm(true),
            Operator::I64Mul => self.binary_imm(
                |dst, a, b| Op::I64Mul { dst, a, b },
                |dst, a, imm| Op::I64MulImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64MulImm { dst, a, imm }),
                true,
            ),
            Operator::I64DivS => self.binary(|dst, a, b| Op::I64DivS { dst, a, b }),
            Operator::I64DivU => self.binary(|dst, a, b| Op::I64DivU { dst, a, b }),
            Operator::I64RemS => self.binary(|dst, a, b| Op::I64RemS { dst, a, b }),
            Operator::I64RemU => self.binary(|dst, a, b| Op::I64RemU { dst, a, b }),
            Operator::I64And => self.binary_imm(
                |dst, a, b| Op::I64And { dst, a, b },
                |dst, a, imm| Op::I64AndImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64AndImm { dst, a, imm }),
                true,
            ),
            Operator::I64Or => self.binary_imm(
                |dst, a, b| Op::I64Or { dst, a, b },
                |dst, a, imm| Op::I64OrImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64OrImm { dst, a, imm }),
                true,
            ),
            Operator::I64Xor => self.binary_imm(
                |dst, a, b| Op::I64Xor { dst, a, b },
                |dst, a, imm| Op::I64XorImm { dst, a, imm },
                Some(|dst, a, imm| Op::I64XorImm { dst, a, imm }),
                true,
            ),
            Operator::I64Shl => self.binary_imm(
                |dst, a, b| Op::I64Shl { dst, a, b },
                |dst, a, imm| Op::I64ShlImm { dst, a, imm },
                None,
                true,
            ),
            Operator::I64ShrS => self.binary_imm(
                |dst, a, b| Op::I64ShrS { dst, a, b },
                |dst, a, imm| Op::I64ShrSImm { dst, a, imm },
                None,
                true,
            ),
            Operator::I64ShrU => self.binary_imm(
                |dst, a, b| Op::I64ShrU { dst, a, b },
                |dst, a, imm| Op::I64ShrUImm { dst, a, imm },
                None,
                true,
            ),
            Operator::I64Rotl => self.binary_imm(
                |dst, a, b| Op::I64Rotl { dst, a, b },
                |dst, a, imm| Op::I64RotlImm { dst, a, imm },
                None,
                true,
            ),
            Operator::I64Rotr => self.binary_imm(
                |dst, a, b| Op::I64Rotr { dst, a, b },
                |dst, a, imm| Op::I64RotrImm { dst, a, imm },
                None,
                true,
            ),
            Operator::F32Eq => self.binary(|dst, a, b| Op::F32Eq { dst, a, b }),
            Operator::F32Ne => self.binary(|dst, a, b| Op::F32Ne { dst, a, b }),
            Operator::F32Lt => self.binary(|dst, a, b| Op::F32Lt { dst, a, b }),
            Operator::F32Gt => self.binary(|dst, a, b| Op::F32Gt { dst, a, b }),
            Operator::F32Le => self.binary(|dst, a, b| Op::F32Le { dst, a, b }),
            Operator::F32Ge => self.binary(|dst, a, b| Op::F32Ge { dst, a, b }),
            Operator::F32Add => self.binary(|dst, a, b| Op::F32Add { dst, a, b }),
            Operator::F32Sub => self.binary(|dst, a, b| Op::F32Sub { dst, a, b }),
            Operator::F32Mul => self.binary(|dst, a, b| Op::F32Mul { dst, a, b }),
            Operator::F32Div => self.binary(|dst, a, b| Op::F32Div { dst, a, b }),
            Operator::F32Min => self.binary(|dst, a, b| Op::F32Min { dst, a, b }),
            Operator::F32Max => self.binary(|dst, a, b| Op::F32Max { dst, a, b }),
            Operator::F32Copysign => self.binary(|dst, a, b| Op::F32Copysign { dst, a, b }),
            Operator::F64Eq => self.binary(|dst, a, b| Op::F64Eq { dst, a, b }),
            Operator::F64Ne => self.binary(|dst, a, b| Op::F64Ne { dst, a, b }),
            Operator::F64Lt => self.binary(|dst, a, b| Op::F64Lt { dst, a, b }),
            Operator::F64Gt => self.binary(|dst, a, b| Op::F64Gt { dst, a, b }),
            Operator::F64Le => self.binary(|dst, a, b| Op::F64Le { dst, a, b }),
            Operator::F64Ge => self.binary(|dst, a, b| Op::F64Ge { dst, a, b }),
            Operator::F64Add if self.add_product() => {}
            Operator::F64Add => self.binary(|dst, a, b| Op::F64Add { dst, a, b }),
            Operator::F64Sub => self.binary(|dst, a, b| Op::F64Sub { dst, a, b }),
            Operator::F64Mul => self.binary(|dst, a, b| Op::F64Mul { dst, a, b }),
            Operator::F64Div => self.binary(|dst, a, b| Op::F64Div { dst, a, b }),
            Operator::F64Min => self.binary(|dst, a, b| Op::F64Min { dst, a, b }),
            Operator::F64Max => self.binary(|dst, a, b| Op::F64Max { dst, a, b }),
            Operator::F64Copysign => self.binary(|dst, a, b| Op::F64Copysign { dst, a, b }),
            // Reinterpretations change only the type: slots hold the same bits.
            Operator::I32ReinterpretF32
            | Operator::F32ReinterpretI32
            | Operator::I64ReinterpretF64
            | Operator::F64ReinterpretI64 => {}

            other => return Err(unsupported(&other, offset)),
        }
        if is_control {
            // A label may be here now (a loop start, or the end of a construct that branches
            // reach): the last instruction no longer computes the only value that reaches the
            // code after it, so `local.set` must not redirect it.
            self.last_producer = None;
            self.label_pc = self.code.len();
        }
        Ok(())
    }

    fn const32(&mut self, value: u32) {
        self.push_const(u64::from(value));
    }

    fn const64(&mut self, value: u64) {
        self.push_const(value);
    }

    /// A binary operation that has a form with an immediate right operand: used when the right
    /// operand is a constant that fits (any `i32`; an `i64` that fits in `i32`), or when the left
    /// one is and `swapped` gives the mirrored form (`c < x` is `x > c`).
    fn binary_imm(
        &mut self,
        make: fn(Slot, Slot, Slot) -> Op,
        make_imm: fn(Slot, Slot, i32) -> Op,
        swapped: Option<fn(Slot, Slot, i32) -> Op>,
        wide: bool,
    ) {
        if let Some(imm) = self.top_const().and_then(|v| immediate(v, wide)) {
            self.operands.pop();
            let a = self.pop_low32();
            let dst = self.slot(self.height());
            self.push_produced(make_imm(dst, a, imm));
            return;
        }
        if let (Some(make_swapped), Some(imm)) = (
            swapped,
            self.second_const().and_then(|v| immediate(v, wide)),
        ) {
            let b = self.pop_low32();
            self.operands.pop();
            let dst = self.slot(self.height());
            self.push_produced(make_swapped(dst, b, imm));
            return;
        }
        self.binary(make);
    }

    /// `i32.add` of a value shifted by a constant (`base + (i << k)`, array indexing) as one
    /// `I32AddShlImm`, when the shift is the instruction just emitted and the other operand
    /// needs no code. Returns whether it did.
    fn add_shifted(&mut self) -> bool {
        let h = self.height() - 1;
        // The shift is the right operand, or the left one under a local.
        let shifted = if let Some(Op::I32ShlImm { a, imm, .. }) = self.producer_of(h) {
            Some((a, imm, true))
        } else if matches!(self.operands.last(), Some(Operand::Local(_)))
            && let Some(Op::I32ShlImm { a, imm, .. }) = self.producer_of(h - 1)
        {
            Some((a, imm, false))
        } else {
            None
        };
        let Some((b, imm, on_top)) = shifted else {
            return false;
        };
        self.drop_producer();
        let a = self.pop_beside_dropped(on_top);
        let dst = self.slot(self.height());
        self.push_produced(Op::I32AddShlImm { dst, a, b, imm });
        true
    }

    /// `i32.xor` of a value rotated or shifted right (unsigned) by a constant (`y ^ rotl(x,
    /// k)`, SHA-2's Σ and σ) as one `I32XorRotlImm` or `I32XorShrUImm`, when the rotation or
    /// shift is the instruction just emitted and the other operand is in a slot already (a
    /// local or a computed value, not a constant). Returns whether it did.
    fn xor_shifted(&mut self) -> bool {
        let h = self.height() - 1;
        let fusable = |op: Option<Op>| match op {
            Some(Op::I32RotlImm { a, imm, .. }) => Some((a, imm, true)),
            Some(Op::I32ShrUImm { a, imm, .. }) => Some((a, imm, false)),
            _ => None,
        };
        let not_const = |o: Option<&Operand>| matches!(o, Some(Operand::Local(_) | Operand::Temp));
        // The rotation is the right operand, or the left one under a local.
        let (shifted, on_top) = if let Some(s) = fusable(self.producer_of(h))
            && not_const(self.operands.get(h as usize - 1))
        {
            (s, true)
        } else if matches!(self.operands.last(), Some(Operand::Local(_)))
            && let Some(s) = fusable(self.producer_of(h - 1))
        {
            (s, false)
        } else {
            return false;
        };
        let (b, imm, rotate) = shifted;
        self.drop_producer();
        let a = self.pop_beside_dropped(on_top);
        let dst = self.slot(self.height());
        self.push_produced(if rotate {
            Op::I32XorRotlImm { dst, a, b, imm }
        } else {
            Op::I32XorShrUImm { dst, a, b, imm }
        });
        true
    }

    /// `(x >> k) & mask` (unsigned shift by a constant, then a constant mask: bit-field
    /// extraction) as one `I32ShrUAndImm`, when the shift is the instruction just emitted.
    /// Returns whether it did.
    fn bit_field(&mut self) -> bool {
        let h = self.height() - 1;
        let Some(mask) = self.top_const() else {
            return false;
        };
        let mask = low32(mask);
        // The result goes where the shift's (or the sum's) did.
        let dst = self.slot(h - 1);
        let fused = match self.producer_of(h - 1) {
            Some(Op::I32ShrUImm { a, imm, .. }) => Op::I32ShrUAndImm {
                dst,
                a,
                shift: shift_amount(imm),
                mask,
            },
            Some(Op::I32Add { a, b, .. }) => Op::I32AddAndImm { dst, a, b, mask },
            Some(Op::I32Sub { a, b, .. }) => Op::I32SubAndImm { dst, a, b, mask },
            _ => return false,
        };
        self.operands.pop();
        self.drop_producer();
        self.operands.pop();
        self.push_produced(fused);
        true
    }

    /// `f64.add` of a product just computed as its right operand (`acc + x * y`: dot products,
    /// matmul's inner loop) as one `F64AddMul`, rounded twice as the two operations are (not
    /// a fused multiply-add). Never with NaN canonicalization: the product is then not the
    /// instruction just emitted. Returns whether it did.
    fn add_product(&mut self) -> bool {
        let h = self.height() - 1;
        let Some(Op::F64Mul { a: b, b: c, .. }) = self.producer_of(h) else {
            return false;
        };
        self.drop_producer();
        self.operands.pop();
        let a = self.pop();
        let dst = self.slot(self.height());
        self.push_produced(Op::F64AddMul { dst, a, b, c });
        true
    }

    /// `sub`: `x - c` is `x + (-c)` when `-c` fits the immediate.
    fn sub_imm(&mut self, wide: bool) {
        let negated = self.top_const().and_then(|v| {
            if wide {
                immediate(v.wrapping_neg(), true)
            } else {
                immediate(u64::from(low32(v).wrapping_neg()), false)
            }
        });
        if let Some(imm) = negated {
            self.operands.pop();
            let a = self.pop();
            let dst = self.slot(self.height());
            self.push_produced(if wide {
                Op::I64AddImm { dst, a, imm }
            } else {
                Op::I32AddImm { dst, a, imm }
            });
            return;
        }
        if wide {
            self.binary(|dst, a, b| Op::I64Sub { dst, a, b });
        } else {
            self.binary(|dst, a, b| Op::I32Sub { dst, a, b });
        }
    }

    /// `local.tee`: the value stays on the stack and is also written to the local.
    ///
    /// When the value was computed by the instruction just emitted and nothing else on the
    /// stack refers to the local, that instruction writes the local directly and the stack
    /// entry refers to the local (as after `local.get`), so no copy is needed.
    fn local_tee(&mut self, local: u32) {
        self.note_local_write(local);
        let h = self.height() - 1;
        let dst = Self::local(local);
        match self.operands[h as usize] {
            Operand::Local(n) if n == local => {}
            Operand::Const(value) => {
                self.materialize_local(local);
                self.emit_const(dst, value);
            }
            Operand::Temp
                if self.last_producer == Some((self.code.len().wrapping_sub(1), self.slot(h)))
                    && !self.operands.contains(&Operand::Local(local)) =>
            {
                let at = self.code.len() - 1;
                if let Some(result) = self.code[at].result_slot_mut() {
                    *result = dst;
                    self.operands[h as usize] = Operand::Local(local);
                    self.last_producer = None;
                } else {
                    self.emit(Op::Copy {
                        dst,
                        src: self.slot(h),
                    });
                }
            }
            _ => {
                let src = self.operand_slot(h);
                self.materialize_local(local);
                self.emit(Op::Copy { dst, src });
            }
        }
    }

    /// `local.set`: the value goes to the local, after entries that still refer to the local's
    /// old value got their own copies. When the value was computed by the instruction just
    /// emitted, that instruction writes the local directly instead of a temporary.
    fn local_set(&mut self, local: u32) {
        let h = self.height() - 1;
        let operand = self.operands[h as usize];
        if operand == Operand::Local(local) {
            self.operands.pop();
            return;
        }
        let still_zero = local < 64 && self.zero_locals & (1 << local) != 0;
        if still_zero && operand == Operand::Const(0) {
            // It holds zero already: nothing to do, and it still does.
            self.operands.pop();
            return;
        }
        self.note_local_write(local);
        if let Operand::Const(value) = operand {
            self.operands.pop();
            self.materialize_local(local);
            self.emit_const(Self::local(local), value);
            return;
        }
        let src = self.pop();
        let dst = Self::local(local);
        let referenced = self.operands.contains(&Operand::Local(local));
        let producer = match self.last_producer {
            Some((at, slot)) if operand == Operand::Temp && !referenced => {
                (at + 1 == self.code.len() && slot == src).then_some(at)
            }
            _ => None,
        };
        if let Some(result) = producer.and_then(|at| self.code[at].result_slot_mut()) {
            *result = dst;
            self.last_producer = None;
            self.merge_increments();
            self.merge_increments_across();
            return;
        }
        self.materialize_local(local);
        self.emit(Op::Copy { dst, src });
    }

    /// Local `local` may no longer hold its initial zero.
    fn note_local_write(&mut self, local: u32) {
        if local < 64 {
            self.zero_locals &= !(1 << local);
        }
    }

    /// Two increments of locals by small constants in a row (`x += c` is an `I32AddImm` whose
    /// `dst` is its `a` once `local.set` has redirected it) become one `I32AddImm2`, unless a
    /// jump may land on the second.
    fn merge_increments(&mut self) {
        let n = self.code.len();
        if n < 2 || !self.mergeable_at(n - 1) {
            return;
        }
        let (Some((a, imm_a)), Some((b, imm_b))) = (
            local_increment(self.code[n - 2]),
            local_increment(self.code[n - 1]),
        ) else {
            return;
        };
        self.unemit();
        self.code[n - 2] = Op::I32AddImm2 { a, imm_a, b, imm_b };
    }

    /// Like [`merge_increments`](Self::merge_increments) with one instruction between the two
    /// increments (`a += 1; x = y + a'; b += 2`, strength-reduced induction variables): the
    /// first increment moves past it when that instruction neither reads nor writes `a`, and
    /// neither jumps nor calls; no label may be at it or at the second increment. (The move
    /// is visible only in `a` between the two, and nothing reads `a` there; a trap of the
    /// instruction between ends the function, whose locals nothing sees any more.)
    fn merge_increments_across(&mut self) {
        let n = self.code.len();
        if n < 3 || !self.mergeable_at(n - 2) {
            return;
        }
        let (Some((a, imm_a)), mut between, Some((b, imm_b))) = (
            local_increment(self.code[n - 3]),
            self.code[n - 2],
            local_increment(self.code[n - 1]),
        ) else {
            return;
        };
        // A plain computation: it writes a result and neither jumps nor calls.
        let plain = between.result_slot_mut().is_some()
            && between.target_mut().is_none()
            && super::fuse::inverted_add_branch(between).is_none();
        let mut touches_a = false;
        between.slots_mut(|s| touches_a |= *s == a);
        if !plain || touches_a {
            return;
        }
        if self.debug_info {
            let at = self.offsets.len();
            self.offsets.copy_within(at - 2..at, at - 3);
        }
        self.unemit();
        self.code[n - 3] = between;
        self.code[n - 2] = Op::I32AddImm2 { a, imm_a, b, imm_b };
    }

    /// Pops `n` values that an instruction reads as consecutive slots; returns the first.
    fn pop_n(&mut self, n: u32) -> Slot {
        self.materialize_top(n);
        let base = self.height() - n;
        self.operands.truncate(base as usize);
        self.slot(base)
    }

    /// Emits a call whose arguments are the top `params` values.
    fn call(&mut self, op: Op, params: u32, results: u32) {
        self.materialize_top(params);
        let base_height = self.height() - params;
        let base = self.slot(base_height);
        let op = match op {
            Op::Call { func, .. } => Op::Call { func, base },
            Op::CallIndirect { ty, table, .. } => Op::CallIndirect { ty, table, base },
            other => other,
        };
        self.emit(op);
        // The arguments' and the index's slots count as used even when the results are fewer.
        self.max_height = self.max_height.max(base_height + params + 1);
        // Entries below the arguments keep what they refer to: the callee's frame starts above
        // them, and locals are out of its reach.
        self.operands.truncate(base_height as usize);
        self.operands
            .resize((base_height + results) as usize, Operand::Temp);
        self.max_height = self.max_height.max(self.height());
    }

    /// Emits a tail call whose arguments are the top `params` values, followed by the `Return`
    /// that a host callee's results go through.
    fn tail_call(&mut self, op: Op, params: u32, results: u32) {
        self.materialize_top(params);
        let base_height = self.height() - params;
        let base = self.slot(base_height);
        let op = match op {
            Op::ReturnCall { func, .. } => Op::ReturnCall { func, base },
            Op::ReturnCallIndirect { ty, table, .. } => Op::ReturnCallIndirect { ty, table, base },
            other => other,
        };
        self.emit(op);
        self.max_height = self
            .max_height
            .max(base_height + params + 1)
            .max(base_height + results);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "validated result counts are small"
        )]
        self.emit(Op::Return {
            src: base,
            count: results as u16,
        });
        self.operands.truncate(base_height as usize);
        self.reachable = false;
    }

    /// Checks a memory index: at most 16 bits, and not a 64-bit memory (not executed yet).
    fn memory_index(&self, mem: u32, offset: u64) -> Result<u16, Error> {
        if self
            .info
            .memories
            .get(mem as usize)
            .is_some_and(|m| m.memory64)
        {
            return Err(Error::unsupported(
                "64-bit memories (memory64)",
                Some(offset),
            ));
        }
        u16::try_from(mem).map_err(|_| Error::unsupported("more than 65536 memories", Some(offset)))
    }

    /// The memory index and static offset of a memory access.
    fn memarg(&self, memarg: &MemArg, offset: u64) -> Result<(u16, u32), Error> {
        let memory = match memarg.target {
            wasmparser::MemArgTarget::Memory(index) => self.memory_index(index, offset)?,
            wasmparser::MemArgTarget::Array(_) => {
                return Err(Error::unsupported(
                    "array accesses (GC proposal)",
                    Some(offset),
                ));
            }
        };
        let static_offset = u32::try_from(memarg.offset)
            .map_err(|_| Error::unsupported("64-bit memory offsets (memory64)", Some(offset)))?;
        Ok((memory, static_offset))
    }

    fn load(&mut self, memarg: MemArg, offset: u64, kind: LoadKind) -> Result<(), Error> {
        let at = offset;
        let (memory, offset) = self.memarg(&memarg, offset)?;
        // An address computed by the `i32.add` just emitted: the load adds itself.
        if memory == 0
            && let Some(Op::I32Add { a, b, .. }) = self.producer_of(self.height() - 1)
            && let Some(make) = indexed_load(kind)
        {
            self.drop_producer();
            self.operands.pop();
            let dst = self.slot(self.height());
            self.push_produced(make(dst, a, b, offset));
            return Ok(());
        }
        // Inside a loop, an address computed by adding a constant (`i32.add x (i32.const c)`,
        // which the load's offset cannot absorb: the sum wraps, the offset does not): the
        // `…Idx` form reads `c` from its loop-constant slot.
        if memory == 0
            && self.loop_depth > 0
            && let Some(Op::I32AddImm { a, imm, .. }) = self.producer_of(self.height() - 1)
            && let Some(make) = indexed_load(kind)
            && let Some(b) = self.loop_const(u64::from(imm.cast_unsigned()))
        {
            self.drop_producer();
            self.operands.pop();
            let dst = self.slot(self.height());
            self.push_produced(make(dst, a, b, offset));
            return Ok(());
        }
        // An address computed by the `i32.add` of a shifted index just emitted.
        if memory == 0
            && let Some(Op::I32AddShlImm { a, b, imm, .. }) = self.producer_of(self.height() - 1)
            && let Some(make) = scaled_load(kind)
            && let Ok(offset) = u16::try_from(offset)
        {
            self.drop_producer();
            self.operands.pop();
            let dst = self.slot(self.height());
            self.push_produced(make(dst, a, b, shift_amount(imm), offset));
            return Ok(());
        }
        let addr = self.pop();
        let dst = self.slot(self.height());
        self.push_produced(match memory {
            0 => load_op(kind, dst, addr, offset),
            _ => Op::LoadMem {
                kind: kind.code(),
                memory: short_memory_index(memory, at)?,
                dst,
                addr,
                offset,
            },
        });
        Ok(())
    }

    fn store(&mut self, memarg: MemArg, offset: u64, kind: StoreKind) -> Result<(), Error> {
        let at = offset;
        let (memory, offset) = self.memarg(&memarg, offset)?;
        if memory == 0 && kind == StoreKind::S32 && self.add_to_memory(offset) {
            return Ok(());
        }
        // An address computed by the `i32.add` just emitted (the value needed no code): the
        // store adds itself. A constant value is written to its slot in place of the add,
        // which must then not read that slot.
        let h = self.height();
        let value_slot = self.slot(h - 1);
        // The address is `a + b`, or `a + (b << imm)` (the `…Scaled` forms, 16-bit offsets).
        let address = match self.producer_of(h - 2) {
            Some(Op::I32Add { a, b, .. }) => Some((a, b, None)),
            Some(Op::I32AddShlImm { a, b, imm, .. }) => Some((a, b, Some(imm))),
            // Inside a loop, `x + c` with `c` from its loop-constant slot (as for loads).
            Some(Op::I32AddImm { a, imm, .. })
                if self.loop_depth > 0
                    && match self.operands.last() {
                        Some(Operand::Local(_)) => true,
                        Some(Operand::Const(_)) => a != value_slot,
                        _ => false,
                    } =>
            {
                self.loop_const(u64::from(imm.cast_unsigned()))
                    .map(|b| (a, b, None))
            }
            _ => None,
        };
        if memory == 0
            && let Some((a, b, shift)) = address
        {
            let fused = |value: Slot| match shift {
                None => Some(indexed_store(kind, a, b, value, offset)),
                Some(imm) => {
                    let make = scaled_store(kind)?;
                    Some(make(
                        a,
                        b,
                        value,
                        shift_amount(imm),
                        u16::try_from(offset).ok()?,
                    ))
                }
            };
            let value_ready = match self.operands.last() {
                Some(Operand::Local(_)) => true,
                Some(Operand::Const(_)) => a != value_slot && b != value_slot,
                _ => false,
            };
            if value_ready && fused(value_slot).is_some() {
                self.drop_producer();
                let value = self.pop();
                self.operands.pop();
                if let Some(op) = fused(value) {
                    self.emit(op);
                    return Ok(());
                }
            }
        }
        let value = self.pop();
        let addr = self.pop();
        self.emit(match memory {
            0 => store_op(kind, addr, value, offset),
            _ => Op::StoreMem {
                kind: kind.code(),
                memory: short_memory_index(memory, at)?,
                addr,
                value,
                offset,
            },
        });
        Ok(())
    }
}

impl FuncTranslator<'_> {
    /// `i32.store` at `A + offset` of `x + (i32.load at A + offset)`, the load and the add
    /// just emitted, the address `A` in a slot already: one `I32AddStore32 { addr: A, value:
    /// x, offset }` (`c[j] += x`). Only when the loaded word and the sum are temporaries that
    /// nothing else reads and no label lies between the three; the fused instruction is
    /// recorded at the load's byte offset, where a trap would be. Returns whether it did.
    fn add_to_memory(&mut self, offset: u32) -> bool {
        let h = self.height();
        let n = self.code.len();
        if h < 2 || n < 2 || !self.mergeable_at(n - 1) {
            return false;
        }
        let Some(Op::I32Add { a, b, .. }) = self.producer_of(h - 1) else {
            return false;
        };
        let Op::Load32U {
            dst: loaded,
            addr: load_addr,
            offset: load_offset,
        } = self.code[n - 2]
        else {
            return false;
        };
        // The loaded word was the add's operand at height `h`, above the stack now.
        let x = match (a == loaded, b == loaded) {
            (true, false) => b,
            (false, true) => a,
            _ => return false,
        };
        let addr = match self.operands[h as usize - 2] {
            Operand::Local(local) => Self::local(local),
            Operand::Temp => self.slot(h - 2),
            Operand::Const(_) => return false,
        };
        if loaded != self.slot(h) || load_addr != addr || load_offset != offset {
            return false;
        }
        let load_at = self.offsets.get(n - 2).copied();
        self.drop_producer();
        self.unemit();
        self.operands.truncate(h as usize - 2);
        self.emit(Op::I32AddStore32 {
            addr,
            value: x,
            offset,
        });
        if let (Some(recorded), Some(load_at)) = (self.offsets.last_mut(), load_at) {
            *recorded = load_at;
        }
        true
    }
}

/// Makes an `…Idx` load from `dst, a, b, offset`.
type IndexedLoad = fn(Slot, Slot, Slot, u32) -> Op;

/// The `…Idx` form of a memory-0 load, where there is one.
fn indexed_load(kind: LoadKind) -> Option<IndexedLoad> {
    Some(match kind {
        LoadKind::L8U => |dst, a, b, offset| Op::Load8UIdx { dst, a, b, offset },
        LoadKind::L8S32 => |dst, a, b, offset| Op::Load8S32Idx { dst, a, b, offset },
        LoadKind::L16U => |dst, a, b, offset| Op::Load16UIdx { dst, a, b, offset },
        LoadKind::L16S32 => |dst, a, b, offset| Op::Load16S32Idx { dst, a, b, offset },
        LoadKind::L32U => |dst, a, b, offset| Op::Load32UIdx { dst, a, b, offset },
        LoadKind::L64 => |dst, a, b, offset| Op::Load64Idx { dst, a, b, offset },
        LoadKind::L8S64 | LoadKind::L16S64 | LoadKind::L32S64 => return None,
    })
}

/// Makes a `…Scaled` load from `dst, a, b, shift, offset`.
type ScaledLoad = fn(Slot, Slot, Slot, u16, u16) -> Op;

/// The `…Scaled` form of a memory-0 load, where there is one (the widths that arrays of
/// `u16`, `u32`/`f32` and `u64`/`f64` are read with).
fn scaled_load(kind: LoadKind) -> Option<ScaledLoad> {
    Some(match kind {
        LoadKind::L16U => |dst, a, b, shift, offset| Op::Load16UScaled {
            dst,
            a,
            b,
            shift,
            offset,
        },
        LoadKind::L32U => |dst, a, b, shift, offset| Op::Load32UScaled {
            dst,
            a,
            b,
            shift,
            offset,
        },
        LoadKind::L64 => |dst, a, b, shift, offset| Op::Load64Scaled {
            dst,
            a,
            b,
            shift,
            offset,
        },
        _ => return None,
    })
}

/// Makes a `…Scaled` store from `a, b, value, shift, offset`.
type ScaledStore = fn(Slot, Slot, Slot, u16, u16) -> Op;

/// The `…Scaled` form of a memory-0 store, where there is one.
fn scaled_store(kind: StoreKind) -> Option<ScaledStore> {
    Some(match kind {
        StoreKind::S32 => |a, b, value, shift, offset| Op::Store32Scaled {
            a,
            b,
            value,
            shift,
            offset,
        },
        StoreKind::S64 => |a, b, value, shift, offset| Op::Store64Scaled {
            a,
            b,
            value,
            shift,
            offset,
        },
        StoreKind::S8 | StoreKind::S16 => return None,
    })
}

/// The shift of an `i32.shl` by constant `imm`: taken modulo 32, as the operator does.
fn shift_amount(imm: i32) -> u16 {
    // The mask makes the value 0..=31.
    u16::try_from(imm & 31).unwrap_or(0)
}

/// The `…Idx` form of a memory-0 store.
fn indexed_store(kind: StoreKind, a: Slot, b: Slot, value: Slot, offset: u32) -> Op {
    match kind {
        StoreKind::S8 => Op::Store8Idx {
            a,
            b,
            value,
            offset,
        },
        StoreKind::S16 => Op::Store16Idx {
            a,
            b,
            value,
            offset,
        },
        StoreKind::S32 => Op::Store32Idx {
            a,
            b,
            value,
            offset,
        },
        StoreKind::S64 => Op::Store64Idx {
            a,
            b,
            value,
            offset,
        },
    }
}

/// The error for a validated operator that Mote does not run (SIMD and the proposals it does
/// not implement). Hosts name the operator; devices give a fixed message with the byte
/// offset, because formatting `Operator` with `Debug` costs about 22 KB of flash.
#[cold]
#[inline(never)]
fn unsupported(op: &Operator<'_>, offset: u64) -> Error {
    #[cfg(feature = "std")]
    let what = alloc::format!("instruction {op:?}");
    #[cfg(not(feature = "std"))]
    let what = {
        let _ = op;
        "an instruction of a proposal Mote does not implement"
    };
    Error::unsupported(what, Some(offset))
}

/// The immediate form of constant `value`: an `i32` as is; an `i64` when it fits in `i32`.
#[expect(
    clippy::cast_possible_truncation,
    reason = "range-checked, or the low half of an i32"
)]
fn immediate(value: u64, wide: bool) -> Option<i32> {
    if wide {
        let v = value.cast_signed();
        (i64::from(i32::MIN)..=i64::from(i32::MAX))
            .contains(&v)
            .then_some(v as i32)
    } else {
        Some((value as u32).cast_signed())
    }
}

/// The low half of a raw value.
#[expect(
    clippy::cast_possible_truncation,
    reason = "taking the low half is the intent"
)]
fn low32(value: u64) -> u32 {
    value as u32
}

/// The 8-bit memory index of `LoadMem` and `StoreMem`.
fn short_memory_index(memory: u16, offset: u64) -> Result<u8, Error> {
    u8::try_from(memory).map_err(|_| {
        Error::unsupported("loads and stores on memories past the 256th", Some(offset))
    })
}

/// The memory-0 instruction for a load.
fn load_op(kind: LoadKind, dst: Slot, addr: Slot, offset: u32) -> Op {
    match kind {
        LoadKind::L8U => Op::Load8U { dst, addr, offset },
        LoadKind::L8S32 => Op::Load8S32 { dst, addr, offset },
        LoadKind::L8S64 => Op::Load8S64 { dst, addr, offset },
        LoadKind::L16U => Op::Load16U { dst, addr, offset },
        LoadKind::L16S32 => Op::Load16S32 { dst, addr, offset },
        LoadKind::L16S64 => Op::Load16S64 { dst, addr, offset },
        LoadKind::L32U => Op::Load32U { dst, addr, offset },
        LoadKind::L32S64 => Op::Load32S64 { dst, addr, offset },
        LoadKind::L64 => Op::Load64 { dst, addr, offset },
    }
}

/// The memory-0 instruction for a store.
fn store_op(kind: StoreKind, addr: Slot, value: Slot, offset: u32) -> Op {
    match kind {
        StoreKind::S8 => Op::Store8 {
            addr,
            value,
            offset,
        },
        StoreKind::S16 => Op::Store16 {
            addr,
            value,
            offset,
        },
        StoreKind::S32 => Op::Store32 {
            addr,
            value,
            offset,
        },
        StoreKind::S64 => Op::Store64 {
            addr,
            value,
            offset,
        },
    }
}

/// `op` as an increment of a slot by a constant that fits `I32AddImm2` (`x += c`: an
/// `I32AddImm` whose `dst` is its `a`): the slot and the constant.
fn local_increment(op: Op) -> Option<(Slot, i16)> {
    match op {
        Op::I32AddImm { dst, a, imm } if dst == a => Some((dst, i16::try_from(imm).ok()?)),
        _ => None,
    }
}
