//! The reference runtime: wasmi 2.0, configured for Mote's feature set and with the same
//! memory and table limits, so that growth fails at the same sizes in both.

use mote::{Val, ValType};
use wasmi::{
    CompilationMode, Config, Engine, Extern, Instance, Linker, Module, Nullable, Ref, Store,
    StoreLimits, StoreLimitsBuilder,
};

use crate::outcome::{Outcome, Snapshot, TrapKind, Value};

/// A wasmi instance of one module, in its own store.
#[derive(Debug)]
pub struct WasmiRun {
    store: Store<StoreLimits>,
    instance: Instance,
}

fn outcome_of_error(e: &wasmi::Error) -> Outcome {
    match e.as_trap_code() {
        Some(code) => match TrapKind::from_wasmi(code) {
            Some(kind) => Outcome::Trapped(kind),
            None => Outcome::Exhausted(e.to_string()),
        },
        None => Outcome::Failed(e.to_string()),
    }
}

/// Converts a Mote value to a wasmi value (references must be null).
pub fn to_wasmi(v: &Val) -> wasmi::Val {
    match *v {
        Val::I32(x) => wasmi::Val::I32(x),
        Val::I64(x) => wasmi::Val::I64(x),
        Val::F32(x) => wasmi::Val::F32(wasmi::F32::from_bits(x)),
        Val::F64(x) => wasmi::Val::F64(wasmi::F64::from_bits(x)),
        Val::FuncRef(_) => wasmi::Val::FuncRef(Nullable::Null),
        Val::ExternRef(_) => wasmi::Val::ExternRef(Nullable::Null),
    }
}

fn value_of(v: &wasmi::Val) -> Value {
    match v {
        wasmi::Val::I32(x) => Value::I32(*x),
        wasmi::Val::I64(x) => Value::I64(*x),
        wasmi::Val::F32(x) => Value::F32(x.to_bits()),
        wasmi::Val::F64(x) => Value::F64(x.to_bits()),
        wasmi::Val::FuncRef(r) => Value::FuncRef(r.is_null()),
        wasmi::Val::ExternRef(r) => Value::ExternRef(r.is_null()),
        // SIMD is off in the generator.
        wasmi::Val::V128(_) => Value::I64(0),
    }
}

fn zero(ty: ValType) -> wasmi::Val {
    to_wasmi(&Val::default_for(ty))
}

impl WasmiRun {
    /// Compiles (eagerly, so that it validates everything) and instantiates `wasm`.
    ///
    /// # Errors
    /// The outcome of a failed compilation or instantiation.
    pub fn new(wasm: &[u8], memory_bytes: u64, table_elements: u64) -> Result<WasmiRun, Outcome> {
        let mut config = Config::default();
        config
            .compilation_mode(CompilationMode::Eager)
            .wasm_custom_page_sizes(true)
            .wasm_multi_memory(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_wide_arithmetic(false);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, wasm).map_err(|e| outcome_of_error(&e))?;
        let limits = StoreLimitsBuilder::new()
            .memory_size(usize::try_from(memory_bytes).unwrap_or(usize::MAX))
            .table_elements(usize::try_from(table_elements).unwrap_or(usize::MAX))
            .build();
        let mut store = Store::new(&engine, limits);
        store.limiter(|limits| limits);
        let linker = Linker::new(&engine);
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .map_err(|e| outcome_of_error(&e))?;
        Ok(WasmiRun { store, instance })
    }

    /// Calls export `name` with `args`, whose result types are `results`.
    pub fn call(&mut self, name: &str, args: &[Val], results: &[ValType]) -> Outcome {
        let Some(func) = self.instance.get_func(&self.store, name) else {
            return Outcome::Failed(format!("no exported function {name:?}"));
        };
        let args: Vec<wasmi::Val> = args.iter().map(to_wasmi).collect();
        let mut out: Vec<wasmi::Val> = results.iter().map(|t| zero(*t)).collect();
        match func.call(&mut self.store, &args, &mut out) {
            Ok(()) => Outcome::Returned(out.iter().map(value_of).collect()),
            Err(e) => outcome_of_error(&e),
        }
    }

    /// The exported globals, memories and tables, sorted by export name.
    pub fn snapshot(&self) -> Snapshot {
        let mut snap = Snapshot::default();
        for export in self.instance.exports(&self.store) {
            let name = String::from(export.name());
            match export.into_extern() {
                Extern::Global(g) => snap.globals.push((name, value_of(&g.get(&self.store)))),
                Extern::Memory(m) => snap.memories.push((name, m.data(&self.store).to_vec())),
                Extern::Table(t) => {
                    let size = t.size(&self.store);
                    let nulls = (0..size)
                        .map(|i| match t.get(&self.store, i) {
                            Some(Ref::Func(r)) => r.is_null(),
                            Some(Ref::Extern(r)) => r.is_null(),
                            None => true,
                        })
                        .collect();
                    snap.tables.push((name, nulls));
                }
                Extern::Func(_) => {}
            }
        }
        snap.sorted()
    }
}
