//! Consistency of a [`ModuleInfo`] that did not come from the validator (compiled images).
//!
//! Instantiation indexes the module's index spaces without checking, because validated modules
//! are consistent by construction. A loader that builds a `ModuleInfo` from untrusted bytes must
//! call [`ModuleInfo::check`] first: it checks every invariant that the rest of this crate
//! relies on.

use alloc::vec::Vec;

use super::{ConstExpr, ConstOp, DataMode, ElemItems, ElemMode, ExternKind, ModuleInfo};
use crate::error::Message;
use crate::types::{Mutability, RefType, ValType};

/// Pages of 64 KiB or of 1 byte (custom-page-sizes) are the only page sizes.
const PAGE_SIZES_LOG2: [u8; 2] = [0, 16];

impl ModuleInfo {
    /// Checks that every index is in range and every constant expression is well typed: what
    /// validation guarantees for modules decoded from `.wasm`, except that export names are
    /// unique (nothing here relies on it; the image loader checks it, in linear time).
    ///
    /// # Errors
    /// A message naming the first inconsistency.
    // Not inlined into the loader: a device's stack holds its frame or the loader's, not both.
    #[inline(never)]
    pub fn check(&self) -> Result<(), Message> {
        self.check_index_spaces()?;
        self.check_imports()?;
        for (i, export) in self.exports.iter().enumerate() {
            if export.index >= self.count(export.kind) {
                return Err(item("export", i, "index out of range"));
            }
        }
        if let Some(start) = self.start {
            if start >= self.count(ExternKind::Func) {
                return Err("start function: index out of range".into());
            }
            let ty = self.func_type(start);
            if !ty.params().is_empty() || !ty.results().is_empty() {
                return Err("start function: must take and return nothing".into());
            }
        }
        self.check_inits()?;
        self.check_segments()?;
        Ok(())
    }

    fn count(&self, kind: ExternKind) -> u32 {
        let n = match kind {
            ExternKind::Func => self.funcs.len(),
            ExternKind::Table => self.tables.len(),
            ExternKind::Memory => self.memories.len(),
            ExternKind::Global => self.globals.len(),
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    fn check_index_spaces(&self) -> Result<(), Message> {
        if let Some(i) = self
            .funcs
            .iter()
            .position(|&ty| ty as usize >= self.types.len())
        {
            return Err(item("function", i, "type index out of range"));
        }
        let imported = [
            (
                self.imported_funcs,
                ExternKind::Func,
                "more imported functions than functions",
            ),
            (
                self.imported_tables,
                ExternKind::Table,
                "more imported tables than tables",
            ),
            (
                self.imported_memories,
                ExternKind::Memory,
                "more imported memories than memories",
            ),
            (
                self.imported_globals,
                ExternKind::Global,
                "more imported globals than globals",
            ),
        ];
        for (count, kind, problem) in imported {
            if count > self.count(kind) {
                return Err(problem.into());
            }
        }
        if self.table_inits.len() != self.tables.len() - self.imported_tables as usize {
            return Err("table initialisers: one per defined table".into());
        }
        if self.global_inits.len() != self.globals.len() - self.imported_globals as usize {
            return Err("global initialisers: one per defined global".into());
        }
        for (i, memory) in self.memories.iter().enumerate() {
            if !PAGE_SIZES_LOG2.contains(&memory.page_size_log2) {
                return Err(item("memory", i, "page size"));
            }
            if memory.maximum.is_some_and(|max| max < memory.minimum) {
                return Err(item("memory", i, "maximum below minimum"));
            }
            // At most 2^(address bits - page bits) pages: with 1-byte pages of a 64-bit
            // memory, any u64.
            let page_bits = u32::from(memory.page_size_log2);
            let address_bits = if memory.memory64 { 64 } else { 32 };
            let pages = memory.maximum.unwrap_or(memory.minimum);
            if 1u64
                .checked_shl(address_bits - page_bits)
                .is_some_and(|max_pages| pages > max_pages)
            {
                return Err(item("memory", i, "larger than its address space"));
            }
        }
        for (i, table) in self.tables.iter().enumerate() {
            if table.maximum.is_some_and(|max| max < table.minimum) {
                return Err(item("table", i, "maximum below minimum"));
            }
            if !table.table64 && table.maximum.unwrap_or(table.minimum) > u64::from(u32::MAX) {
                return Err(item("table", i, "larger than its index space"));
            }
        }
        Ok(())
    }

    /// Imports of each kind come first in their index space, in order: instantiation gives the
    /// k-th import of a kind index k.
    fn check_imports(&self) -> Result<(), Message> {
        let mut next = [0u32; 4];
        for (i, import) in self.imports.iter().enumerate() {
            let (slot, count) = match import.kind {
                ExternKind::Func => (0, self.imported_funcs),
                ExternKind::Table => (1, self.imported_tables),
                ExternKind::Memory => (2, self.imported_memories),
                ExternKind::Global => (3, self.imported_globals),
            };
            if import.index != next[slot] || import.index >= count {
                return Err(item("import", i, "index out of order or out of range"));
            }
            next[slot] += 1;
        }
        let counts = [
            self.imported_funcs,
            self.imported_tables,
            self.imported_memories,
            self.imported_globals,
        ];
        if next != counts {
            return Err("imports: fewer than the imported counts".into());
        }
        Ok(())
    }

    fn check_inits(&self) -> Result<(), Message> {
        for (i, init) in self.global_inits.iter().enumerate() {
            let index = self.imported_globals as usize + i;
            // Initialisers may read imported globals and earlier defined ones.
            let expected = self.globals[index].content;
            self.check_const(init, expected, index)
                .map_err(|e| item("global", index, e))?;
        }
        let defined_tables = &self.tables[self.imported_tables as usize..];
        for (i, (init, table)) in self.table_inits.iter().zip(defined_tables).enumerate() {
            if let Some(init) = init {
                self.check_const(init, table.element.val_type(), self.globals.len())
                    .map_err(|e| item("table", self.imported_tables as usize + i, e))?;
            }
        }
        Ok(())
    }

    fn check_segments(&self) -> Result<(), Message> {
        let globals = self.globals.len();
        for (i, segment) in self.elems.iter().enumerate() {
            if let ElemMode::Active { table, offset } = &segment.mode {
                let table = self
                    .tables
                    .get(*table as usize)
                    .ok_or_else(|| item("element segment", i, "table index out of range"))?;
                if table.element != segment.ty {
                    return Err(item("element segment", i, "type differs from the table's"));
                }
                let index_type = if table.table64 {
                    ValType::I64
                } else {
                    ValType::I32
                };
                self.check_const(offset, index_type, globals)
                    .map_err(|e| item("offset of element segment", i, e))?;
            }
            match &segment.items {
                ElemItems::Funcs(funcs) => {
                    if segment.ty != RefType::FuncRef {
                        return Err(item(
                            "element segment",
                            i,
                            "functions in a non-func segment",
                        ));
                    }
                    if funcs.iter().any(|&f| f >= self.count(ExternKind::Func)) {
                        return Err(item("element segment", i, "function index out of range"));
                    }
                }
                ElemItems::Exprs(exprs) => {
                    for expr in exprs.iter() {
                        self.check_const(expr, segment.ty.val_type(), globals)
                            .map_err(|e| item("item of element segment", i, e))?;
                    }
                }
            }
        }
        for (i, segment) in self.datas.iter().enumerate() {
            if let DataMode::Active { memory, offset } = &segment.mode {
                let memory = self
                    .memories
                    .get(*memory as usize)
                    .ok_or_else(|| item("data segment", i, "memory index out of range"))?;
                let index_type = if memory.memory64 {
                    ValType::I64
                } else {
                    ValType::I32
                };
                self.check_const(offset, index_type, globals)
                    .map_err(|e| item("offset of data segment", i, e))?;
            }
        }
        Ok(())
    }

    /// Type-checks a constant expression that may read globals `0..visible_globals` and must
    /// produce one value of type `expected`.
    fn check_const(
        &self,
        expr: &ConstExpr,
        expected: ValType,
        visible_globals: usize,
    ) -> Result<(), &'static str> {
        let mut stack: Vec<ValType> = Vec::new();
        for op in expr.ops.iter() {
            let ty = match *op {
                ConstOp::I32Const(_) => ValType::I32,
                ConstOp::I64Const(_) => ValType::I64,
                ConstOp::F32Const(_) => ValType::F32,
                ConstOp::F64Const(_) => ValType::F64,
                ConstOp::RefNull(ty) => ty.val_type(),
                ConstOp::RefFunc(f) => {
                    if f >= self.count(ExternKind::Func) {
                        return Err("ref.func: function index out of range");
                    }
                    ValType::FuncRef
                }
                ConstOp::GlobalGet(g) => {
                    if g as usize >= visible_globals {
                        return Err("global.get: global index out of range");
                    }
                    let global = self.globals[g as usize];
                    if global.mutability != Mutability::Const {
                        return Err("global.get: global is mutable");
                    }
                    global.content
                }
                ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                    pop_two(&mut stack, ValType::I32)?;
                    ValType::I32
                }
                ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                    pop_two(&mut stack, ValType::I64)?;
                    ValType::I64
                }
            };
            stack.push(ty);
        }
        if stack.as_slice() == [expected] {
            Ok(())
        } else {
            Err("does not produce one value of the expected type")
        }
    }
}

/// `{what} {index}: {problem}`.
#[cold]
fn item(what: &'static str, index: usize, problem: &'static str) -> Message {
    Message::item(what, index as u64, problem)
}

fn pop_two(stack: &mut Vec<ValType>, ty: ValType) -> Result<(), &'static str> {
    for _ in 0..2 {
        if stack.pop() != Some(ty) {
            return Err("operand type");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloc::boxed::Box;
    use alloc::string::ToString;

    use super::super::{ConstExpr, ConstOp, Export, ExternKind, ModuleInfo};
    use crate::types::{FuncType, GlobalType, Mutability, ValType};

    fn module() -> ModuleInfo {
        let mut info = ModuleInfo::default();
        info.types.push(FuncType::new([], []));
        info.funcs.to_mut().push(0);
        info.globals
            .push(GlobalType::new(ValType::I32, Mutability::Const));
        info.global_inits.push(ConstExpr {
            ops: Box::new([ConstOp::I32Const(1)]),
        });
        info
    }

    #[test]
    fn accepts_a_consistent_module() {
        assert_eq!(module().check(), Ok(()));
    }

    #[test]
    fn rejects_bad_indices_and_ill_typed_initialisers() {
        let mut info = module();
        info.funcs.to_mut()[0] = 3;
        assert!(info.check().unwrap_err().to_string().contains("type index"));

        let mut info = module();
        info.global_inits[0].ops = Box::new([ConstOp::I64Const(1)]);
        assert!(
            info.check()
                .unwrap_err()
                .to_string()
                .contains("expected type")
        );

        let mut info = module();
        info.global_inits[0].ops = Box::new([ConstOp::I32Add]);
        assert!(info.check().is_err());

        let mut info = module();
        // A global may not read itself.
        info.global_inits[0].ops = Box::new([ConstOp::GlobalGet(0)]);
        assert!(
            info.check()
                .unwrap_err()
                .to_string()
                .contains("global index")
        );

        let mut info = module();
        info.exports.push(Export {
            name: "f".into(),
            kind: ExternKind::Func,
            index: 1,
        });
        assert!(info.check().unwrap_err().to_string().contains("export 0"));

        let mut info = module();
        info.start = Some(0);
        assert_eq!(info.check(), Ok(()));
        info.start = Some(1);
        assert!(info.check().is_err());
    }
}
