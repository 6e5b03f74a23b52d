//! Property tests: random and mutated modules never make Mote panic, and random arguments to
//! valid modules give the results of reference models (or the traps they predict).
//!
//! Case counts are modest so that the whole file runs in a few seconds in debug builds; raise
//! them with `PROPTEST_CASES` for a longer search.

use std::sync::OnceLock;

use mote::{Config, Engine, Error, Instance, Limits, Module, Store, TrapCode, Val, ValType};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::model::{MEMORY, MemoryModel, TABLE, TableModel, mem_op, table_op};
use crate::ops::{self, OPS, float32, float64, int32, int64};

/// Control flow, globals, data and fuel-hungry loops: a seed for mutation and random calls.
const CONTROL: &str = r#"
(module
  (global $g (mut i32) (i32.const 0))
  (memory 1)
  (data (i32.const 16) "hello, mote")
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "switch") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0)))
      (return (i32.const 10))) (return (i32.const 11)))
    (i32.const 12))
  (func (export "count") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (global.set $g (local.get 1))
      (br 0)))
    (local.get 1))
  (func (export "pick") (param i32 i64 i64) (result i64)
    (select (local.get 1) (local.get 2) (local.get 0)))
  (func (export "sum_bytes") (param i32 i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 1)))
      (local.set 2 (i32.add (local.get 2) (i32.load8_u (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br 0)))
    (local.get 2))
  (func (export "multi") (param i32) (result i32 i64 f64)
    (local.get 0) (i64.extend_i32_s (local.get 0)) (f64.convert_i32_s (local.get 0))))
"#;

/// Bulk memory and table operations, reference types and 1-byte pages: a seed for mutation and
/// random calls.
const BULK: &str = r#"
(module
  (memory 64 (pagesize 1))
  (data $d "0123456789")
  (data (i32.const 0) "ab")
  (table $t 4 funcref)
  (table $u 2 externref)
  (elem $e func $one $two $one)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func (export "init") (param i32 i32 i32)
    (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $d))
  (func (export "copy") (param i32 i32 i32)
    (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "table_init") (param i32 i32 i32)
    (table.init $t $e (local.get 0) (local.get 1) (local.get 2)))
  (func (export "elem_drop") (elem.drop $e))
  (func (export "table_copy") (param i32 i32 i32)
    (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "table_fill") (param i32 i32) (table.fill $t (local.get 0) (ref.func $two) (local.get 1)))
  (func (export "call") (param i32) (result i32) (call_indirect $t (result i32) (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "extern_null") (param i32) (result i32)
    (ref.is_null (table.get $u (local.get 0))))
  (func (export "ref_func") (result funcref) (ref.func $one)))
"#;

fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        cases: n,
        ..ProptestConfig::default()
    }
}

/// Small limits and fuel, so that random modules cannot take much time or memory.
pub fn sandbox() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config.consume_fuel(true).limits(Limits {
            memory_bytes: 1 << 20,
            table_elements: 10_000,
            value_stack_slots: 1 << 16,
            call_depth: 1000,
            ..Limits::HOST
        });
        mote::engine(&config)
    })
}

/// The binary forms of the seed modules.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        [ops::module_text().as_str(), MEMORY, TABLE, CONTROL, BULK]
            .iter()
            .map(|wat| wat::parse_str(wat).expect("seed modules are valid"))
            .collect()
    })
}

/// A compiled seed module (compiled once per test run).
fn seed_module(index: usize) -> Module {
    static MODULES: OnceLock<Vec<Module>> = OnceLock::new();
    MODULES.get_or_init(|| {
        seeds()
            .iter()
            .map(|b| Module::new(sandbox(), b).expect("seeds compile"))
            .collect()
    })[index]
        .clone()
}

/// Calls `name` with `args` under fresh fuel; `Ok(None)` for functions without results.
fn call(
    store: &mut Store<()>,
    instance: Instance,
    name: &str,
    args: &[Val],
) -> Result<Option<Val>, Error> {
    let func = instance.get_func(&*store, name).expect("export exists");
    let mut results: Vec<Val> = func
        .ty(&*store)
        .results()
        .iter()
        .map(|t| Val::default_for(*t))
        .collect();
    store.set_fuel(100_000).unwrap();
    func.call(&mut *store, args, &mut results)?;
    Ok(results.first().copied())
}

/// Compiles `bytes`; if that works, instantiates the module and calls every exported function
/// with zero arguments. Any outcome is fine except a panic or a non-trap error from a call.
fn exercise(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(module) = Module::new(sandbox(), bytes) else {
        return Ok(());
    };
    let mut store = Store::new(sandbox(), ());
    store.set_fuel(100_000).unwrap();
    let Ok(instance) = Instance::new(&mut store, &module, &[]) else {
        return Ok(());
    };
    for (name, export) in instance.exports(&store) {
        let Some(func) = export.into_func() else {
            continue;
        };
        let args: Vec<Val> = func
            .ty(&store)
            .params()
            .iter()
            .map(|t| Val::default_for(*t))
            .collect();
        if let Err(e) = call(&mut store, instance, &name, &args) {
            prop_assert!(e.as_trap().is_some(), "calling {name}: not a trap: {e}");
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Set(Index, u8),
    Insert(Index, u8),
    Delete(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 0..8u8).prop_map(|(i, bit)| Mutation::Flip(i, bit)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<Index>().prop_map(Mutation::Delete),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let len = bytes.len();
    match m {
        Mutation::Flip(i, bit) => bytes[i.index(len)] ^= 1 << bit,
        Mutation::Set(i, b) => bytes[i.index(len)] = *b,
        Mutation::Insert(i, b) => bytes.insert(i.index(len + 1), *b),
        Mutation::Delete(i) => {
            bytes.remove(i.index(len));
        }
    }
}

fn small_or_any() -> impl Strategy<Value = u64> {
    prop_oneof![0..40u64, any::<u64>()]
}

/// Checks a call's outcome against the model's prediction.
fn check(
    name: &str,
    got: Result<Option<Val>, Error>,
    expected: Result<Option<Val>, TrapCode>,
) -> Result<(), TestCaseError> {
    match (got, expected) {
        (Ok(got), Ok(expected)) => prop_assert_eq!(got, expected, "{}", name),
        (Err(e), Err(code)) => prop_assert_eq!(e.trap_code(), Some(code), "{}: {}", name, e),
        (got, expected) => prop_assert!(false, "{name}: got {got:?}, expected {expected:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(1024))]

    #[test]
    fn random_bytes_never_panic(header in any::<bool>(), body in prop::collection::vec(any::<u8>(), 0..256)) {
        let mut bytes = if header { b"\0asm\x01\0\0\0".to_vec() } else { Vec::new() };
        bytes.extend(body);
        exercise(&bytes)?;
    }

    #[test]
    fn mutated_modules_never_panic(seed in 0..5usize, mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut bytes = seeds()[seed].clone();
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        exercise(&bytes)?;
    }
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn numeric_ops_match_oracles(
        i32s in [int32(), int32()],
        i64s in [int64(), int64()],
        f32s in [float32(), float32()],
        f64s in [float64(), float64()],
    ) {
        let mut store = Store::new(sandbox(), ());
        let instance = Instance::new(&mut store, &seed_module(0), &[]).unwrap();
        for op in OPS {
            let args: Vec<Val> = op.params.iter().enumerate().map(|(i, ty)| match ty {
                ValType::I32 => Val::I32(i32s[i]),
                ValType::I64 => Val::I64(i64s[i]),
                ValType::F32 => Val::from(f32s[i]),
                _ => Val::from(f64s[i]),
            }).collect();
            let expected = (op.eval)(&args);
            match (call(&mut store, instance, op.name, &args), expected) {
                (Ok(Some(got)), Ok(want)) => prop_assert!(
                    ops::matches(op.name, &want, &got),
                    "{} {:?}: got {:?}, expected {:?}", op.name, args, got, want
                ),
                (got, want) => check(op.name, got, want.map(Some))?,
            }
        }
    }

    #[test]
    fn memory_ops_match_model(mem_ops in prop::collection::vec(mem_op(), 1..24)) {
        let mut store = Store::new(sandbox(), ());
        let instance = Instance::new(&mut store, &seed_module(1), &[]).unwrap();
        let mut model = MemoryModel::new();
        for op in &mem_ops {
            let (name, args, expected) = model.apply(op);
            check(name, call(&mut store, instance, name, &args), expected)?;
        }
        let memory = instance.get_memory(&store, "memory").unwrap();
        prop_assert!(memory.data(&store) == &model.bytes[..], "memory contents differ");
    }

    #[test]
    fn table_ops_match_model(table_ops in prop::collection::vec(table_op(), 1..24)) {
        let mut store = Store::new(sandbox(), ());
        let instance = Instance::new(&mut store, &seed_module(2), &[]).unwrap();
        let mut model = TableModel::new();
        for op in &table_ops {
            let (name, args, expected) = model.apply(op);
            check(name, call(&mut store, instance, name, &args), expected)?;
        }
    }

    #[test]
    fn random_arguments_give_results_or_traps(seed in 3..5usize, calls in prop::collection::vec(
        (any::<Index>(), [small_or_any(), small_or_any(), small_or_any()]), 1..8)
    ) {
        let mut store = Store::new(sandbox(), ());
        let instance = Instance::new(&mut store, &seed_module(seed), &[]).unwrap();
        let exports = instance.exports(&store);
        for (which, raw) in &calls {
            let (name, export) = &exports[which.index(exports.len())];
            let func = export.into_func().unwrap();
            let ty = func.ty(&store);
            let args: Vec<Val> = ty.params().iter().zip(raw).map(|(t, r)| match t {
                ValType::I32 => Val::I32(*r as i32),
                ValType::I64 => Val::I64(*r as i64),
                _ => Val::F64(*r),
            }).collect();
            match call(&mut store, instance, name, &args) {
                Ok(Some(Val::I32(got))) if name.as_ref() == "switch" => {
                    prop_assert_eq!(got, [10, 11].get(raw[0] as u32 as usize).copied().unwrap_or(12));
                }
                Ok(_) => {}
                Err(e) => prop_assert!(e.as_trap().is_some(), "{name}: not a trap: {e}"),
            }
        }
    }
}
