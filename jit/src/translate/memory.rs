//! Loads, stores, memory and table operators, globals and references.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Type, Value, types};
use mote_core::Error;
use mote_core::wasmparser::{MemArg, MemArgTarget, Operator};

use super::FuncTranslator;
use crate::libcalls;

/// How a load widens its value.
#[derive(Clone, Copy)]
enum Ext {
    /// Full-width load.
    None,
    /// Sign-extend the narrow value.
    S,
    /// Zero-extend the narrow value.
    U,
}

/// The memory a load or store accesses.
fn mem_index(memarg: &MemArg) -> u32 {
    match memarg.target {
        MemArgTarget::Memory(m) => m,
        // GC arrays are rejected by the validator (the GC proposal is off).
        MemArgTarget::Array(_) => 0,
    }
}

impl FuncTranslator<'_, '_> {
    /// A load of `size` bytes widened to `ty`.
    fn load(&mut self, memarg: &MemArg, ty: Type, size: u32, ext: Ext) {
        let addr = self.pop();
        let (ptr, at, flags) =
            self.env
                .mem_addr(&mut self.b, mem_index(memarg), addr, memarg.offset, size);
        let ins = self.b.ins();
        let v = match (size, ext) {
            (1, Ext::S) => ins.sload8(ty, flags, ptr, at),
            (1, _) => ins.uload8(ty, flags, ptr, at),
            (2, Ext::S) => ins.sload16(ty, flags, ptr, at),
            (2, _) => ins.uload16(ty, flags, ptr, at),
            (4, Ext::S) if ty == types::I64 => ins.sload32(flags, ptr, at),
            (4, Ext::U) if ty == types::I64 => ins.uload32(flags, ptr, at),
            _ => ins.load(ty, flags, ptr, at),
        };
        self.push(v);
    }

    /// A store of the low `size` bytes of the top value.
    fn store(&mut self, memarg: &MemArg, size: u32) {
        let value = self.pop();
        let addr = self.pop();
        let (ptr, at, flags) =
            self.env
                .mem_addr(&mut self.b, mem_index(memarg), addr, memarg.offset, size);
        let ty = self.b.func.dfg.value_type(value);
        let ins = self.b.ins();
        match size {
            1 => ins.istore8(flags, value, ptr, at),
            2 => ins.istore16(flags, value, ptr, at),
            4 if ty == types::I64 => ins.istore32(flags, value, ptr, at),
            _ => ins.store(flags, value, ptr, at),
        };
    }

    /// Calls runtime function `addr` with `args` (the context and the caller are added).
    fn rt(&mut self, addr: usize, params: &[Type], returns: &[Type], args: &[Value]) -> Vec<Value> {
        self.env.runtime(&mut self.b, addr, params, returns, args)
    }

    fn i32c(&mut self, v: u32) -> Value {
        self.b.ins().iconst(types::I32, i64::from(v))
    }

    /// Memory, table, global and reference operators; `false` when `op` is not one.
    #[expect(
        clippy::too_many_lines,
        reason = "one flat table of operators reads best"
    )]
    pub(super) fn memory(&mut self, op: &Operator<'_>) -> Result<bool, Error> {
        use types::{F32, F64, I32, I64};
        match *op {
            Operator::I32Load { ref memarg } => self.load(memarg, I32, 4, Ext::None),
            Operator::I64Load { ref memarg } => self.load(memarg, I64, 8, Ext::None),
            Operator::F32Load { ref memarg } => self.load(memarg, F32, 4, Ext::None),
            Operator::F64Load { ref memarg } => self.load(memarg, F64, 8, Ext::None),
            Operator::I32Load8S { ref memarg } => self.load(memarg, I32, 1, Ext::S),
            Operator::I32Load8U { ref memarg } => self.load(memarg, I32, 1, Ext::U),
            Operator::I32Load16S { ref memarg } => self.load(memarg, I32, 2, Ext::S),
            Operator::I32Load16U { ref memarg } => self.load(memarg, I32, 2, Ext::U),
            Operator::I64Load8S { ref memarg } => self.load(memarg, I64, 1, Ext::S),
            Operator::I64Load8U { ref memarg } => self.load(memarg, I64, 1, Ext::U),
            Operator::I64Load16S { ref memarg } => self.load(memarg, I64, 2, Ext::S),
            Operator::I64Load16U { ref memarg } => self.load(memarg, I64, 2, Ext::U),
            Operator::I64Load32S { ref memarg } => self.load(memarg, I64, 4, Ext::S),
            Operator::I64Load32U { ref memarg } => self.load(memarg, I64, 4, Ext::U),
            Operator::I32Store { ref memarg } | Operator::F32Store { ref memarg } => {
                self.store(memarg, 4);
            }
            Operator::I64Store { ref memarg } | Operator::F64Store { ref memarg } => {
                self.store(memarg, 8);
            }
            Operator::I32Store8 { ref memarg } | Operator::I64Store8 { ref memarg } => {
                self.store(memarg, 1);
            }
            Operator::I32Store16 { ref memarg } | Operator::I64Store16 { ref memarg } => {
                self.store(memarg, 2);
            }
            Operator::I64Store32 { ref memarg } => self.store(memarg, 4),
            Operator::MemorySize { mem } => {
                let v = self.env.memory_size(&mut self.b, mem);
                self.push(v);
            }
            Operator::MemoryGrow { mem } => {
                let delta = self.pop();
                let mem = self.i32c(mem);
                let r = self.rt(
                    libcalls::memory_grow as *const () as usize,
                    &[I32, I32],
                    &[I32],
                    &[mem, delta],
                );
                self.push(r[0]);
            }
            Operator::MemoryFill { mem } => {
                let len = self.pop();
                let value = self.pop();
                let dst = self.pop();
                let mem = self.i32c(mem);
                self.rt(
                    libcalls::memory_fill as *const () as usize,
                    &[I32, I32, I32, I32],
                    &[],
                    &[mem, dst, value, len],
                );
            }
            Operator::MemoryCopy { dst_mem, src_mem } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                let dm = self.i32c(dst_mem);
                let sm = self.i32c(src_mem);
                self.rt(
                    libcalls::memory_copy as *const () as usize,
                    &[I32, I32, I32, I32, I32],
                    &[],
                    &[dm, sm, dst, src, len],
                );
            }
            Operator::MemoryInit { data_index, mem } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                let m = self.i32c(mem);
                let d = self.i32c(data_index);
                self.rt(
                    libcalls::memory_init as *const () as usize,
                    &[I32, I32, I32, I32, I32],
                    &[],
                    &[m, d, dst, src, len],
                );
            }
            Operator::DataDrop { data_index } => {
                let d = self.i32c(data_index);
                self.rt(libcalls::data_drop as *const () as usize, &[I32], &[], &[d]);
            }
            Operator::GlobalGet { global_index } => {
                let v = self.env.global_get(&mut self.b, global_index);
                self.push(v);
            }
            Operator::GlobalSet { global_index } => {
                let v = self.pop();
                self.env.global_set(&mut self.b, global_index, v);
            }
            Operator::RefNull { .. } => {
                let v = self.b.ins().iconst(I64, 0);
                self.push(v);
            }
            Operator::RefIsNull => {
                let a = self.pop();
                let c = self.b.ins().icmp_imm_u(IntCC::Equal, a, 0);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }
            Operator::RefFunc { function_index } => {
                let v = self.env.ref_func(&mut self.b, function_index);
                self.push(v);
            }
            Operator::TableGet { table } => {
                let index = self.pop();
                let t = self.i32c(table);
                let r = self.rt(
                    libcalls::table_get as *const () as usize,
                    &[I32, I32],
                    &[I64],
                    &[t, index],
                );
                self.push(r[0]);
            }
            Operator::TableSet { table } => {
                let value = self.pop();
                let index = self.pop();
                let t = self.i32c(table);
                self.rt(
                    libcalls::table_set as *const () as usize,
                    &[I32, I32, I64],
                    &[],
                    &[t, index, value],
                );
            }
            Operator::TableSize { table } => {
                let t = self.i32c(table);
                let r = self.rt(
                    libcalls::table_size as *const () as usize,
                    &[I32],
                    &[I32],
                    &[t],
                );
                self.push(r[0]);
            }
            Operator::TableGrow { table } => {
                let delta = self.pop();
                let init = self.pop();
                let t = self.i32c(table);
                let r = self.rt(
                    libcalls::table_grow as *const () as usize,
                    &[I32, I64, I32],
                    &[I32],
                    &[t, init, delta],
                );
                self.push(r[0]);
            }
            Operator::TableFill { table } => {
                let len = self.pop();
                let value = self.pop();
                let dst = self.pop();
                let t = self.i32c(table);
                self.rt(
                    libcalls::table_fill as *const () as usize,
                    &[I32, I32, I64, I32],
                    &[],
                    &[t, dst, value, len],
                );
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                let dt = self.i32c(dst_table);
                let st = self.i32c(src_table);
                self.rt(
                    libcalls::table_copy as *const () as usize,
                    &[I32, I32, I32, I32, I32],
                    &[],
                    &[dt, st, dst, src, len],
                );
            }
            Operator::TableInit { elem_index, table } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                let t = self.i32c(table);
                let e = self.i32c(elem_index);
                self.rt(
                    libcalls::table_init as *const () as usize,
                    &[I32, I32, I32, I32, I32],
                    &[],
                    &[t, e, dst, src, len],
                );
            }
            Operator::ElemDrop { elem_index } => {
                let e = self.i32c(elem_index);
                self.rt(libcalls::elem_drop as *const () as usize, &[I32], &[], &[e]);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
