//! The `spectest` host module that the testsuite imports from.
//!
//! Its contents are fixed by the reference interpreter (`spec/interpreter/host/spectest.ml`):
//! print functions that take various parameters and return nothing, four immutable globals
//! holding 666 or 666.6, a funcref table of 10 to 20 elements and a memory of 1 to 2 pages.

use mote_core::{
    Error, FuncType, Global, GlobalType, Linker, Memory, MemoryType, Mutability, RefType, Store,
    Table, TableType, Val, ValType,
};

/// The print functions: name and parameter types. They print nothing, to keep the output
/// readable; the tests only check that they can be imported and called.
const PRINT_FUNCS: &[(&str, &[ValType])] = &[
    ("print", &[]),
    ("print_i32", &[ValType::I32]),
    ("print_i64", &[ValType::I64]),
    ("print_f32", &[ValType::F32]),
    ("print_f64", &[ValType::F64]),
    ("print_i32_f32", &[ValType::I32, ValType::F32]),
    ("print_f64_f64", &[ValType::F64, ValType::F64]),
];

/// Defines the `spectest` module in `linker`; its table, memory and globals are created in
/// `store`. Without `with_memory` it has no `memory` (one 64 KiB page): for devices with less
/// RAM, whose modules that import it then fail to link.
///
/// # Errors
/// When `store` cannot allocate the table, memory or globals, or a name is already defined and
/// `linker` does not allow shadowing.
pub fn define<T: 'static>(
    linker: &mut Linker<T>,
    store: &mut Store<T>,
    with_memory: bool,
) -> Result<(), Error> {
    for (name, params) in PRINT_FUNCS {
        linker.func_new(
            "spectest",
            name,
            FuncType::new(params.iter().copied(), []),
            |_caller, _args, _results| Ok(()),
        )?;
    }

    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::from(666.6_f32)),
        ("global_f64", Val::from(666.6_f64)),
    ];
    for (name, value) in globals {
        let ty = GlobalType::new(value.ty(), Mutability::Const);
        let global = Global::new(&mut *store, ty, value)?;
        linker.define("spectest", name, global)?;
    }

    let table = Table::new(
        &mut *store,
        TableType::new(RefType::FuncRef, 10, Some(20)),
        Val::FuncRef(None),
    )?;
    linker.define("spectest", "table", table)?;

    if with_memory {
        let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
        linker.define("spectest", "memory", memory)?;
    }
    Ok(())
}
