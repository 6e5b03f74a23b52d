//! Calls: host functions, calls back into Wasm, yields, several results, tables shared between
//! instances and tail calls.

use mote_core::{
    CallOutcome, Caller, Config, Error, Extern, Instance, Linker, Store, SuspendReason, Val,
};

use crate::{engines, instantiate, module};

const HOST: &str = r#"
(module
  (import "env" "add" (func $add (param i32 i64) (result i64)))
  (import "env" "peek" (func $peek (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\2a\00\00\00")
  (func (export "run") (param $n i32) (result i64) (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $add (local.get $n) (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i64.add (local.get $acc) (i64.extend_i32_u (call $peek (i32.const 16))))))
"#;

fn host_linker(engine: &mote_core::Engine) -> Linker<u32> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(
            "env",
            "add",
            |mut caller: Caller<'_, u32>, a: i32, b: i64| {
                *caller.data_mut() += 1;
                i64::from(a) + b
            },
        )
        .unwrap();
    linker
        .func_wrap("env", "peek", |caller: Caller<'_, u32>, addr: i32| {
            let memory = caller.default_memory().expect("the caller has a memory");
            let bytes = memory.data(&caller);
            let at = usize::try_from(addr).unwrap();
            i32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
        })
        .unwrap();
    linker
}

#[test]
fn host_functions_see_the_callers_memory_and_data() {
    for engine in engines(&Config::new()) {
        let linker = host_linker(&engine);
        let (mut store, instance) = instantiate(&engine, &linker, 0u32, HOST);
        let run = instance.get_typed_func::<i32, i64>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, 100).unwrap(), 5050 + 42);
        assert_eq!(*store.data(), 100, "{engine:?}");
    }
}

#[test]
fn host_yield_suspends_and_resumes() {
    for engine in engines(&Config::new()) {
        let mut linker = host_linker(&engine);
        linker.allow_shadowing(true);
        linker
            .func_wrap(
                "env",
                "add",
                |mut caller: Caller<'_, u32>, a: i32, b: i64| {
                    caller.request_yield();
                    i64::from(a) + b
                },
            )
            .unwrap();
        let (mut store, instance) = instantiate(&engine, &linker, 0u32, HOST);
        let run = instance.get_func(&store, "run").unwrap();
        let mut results = [Val::I64(0)];
        let mut outcome = run
            .call_resumable(&mut store, &[Val::I32(10)], &mut results)
            .unwrap();
        let mut yields = 0;
        while let CallOutcome::Suspended(call) = outcome {
            assert_eq!(call.reason(), SuspendReason::Yield);
            yields += 1;
            outcome = call.resume(&mut store, &mut results).unwrap();
        }
        assert_eq!(yields, 10, "{engine:?}");
        assert_eq!(results, [Val::I64(55 + 42)]);
    }
}

#[test]
fn host_functions_call_back_into_wasm_and_grow_memory() {
    const WAT: &str = r#"
    (module
      (import "env" "grow_and_call" (func $host (param i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "square") (param i32) (result i32)
        (i32.mul (local.get 0) (local.get 0)))
      (func (export "run") (result i32)
        (local $r i32)
        (local.set $r (call $host (i32.const 7)))
        ;; The host grew the memory by a page: its last byte is in bounds now.
        (i32.store8 (i32.const 131071) (i32.const 1))
        (i32.add (local.get $r) (i32.load8_u (i32.const 131071)))))
    "#;
    for engine in engines(&Config::new()) {
        let mut linker: Linker<Option<Instance>> = Linker::new(&engine);
        linker
            .func_wrap(
                "env",
                "grow_and_call",
                |mut caller: Caller<'_, Option<Instance>>, x: i32| -> Result<i32, Error> {
                    let memory = caller.default_memory().unwrap();
                    memory.grow(&mut caller, 1)?;
                    let instance = caller.data().expect("set before the call");
                    let square = instance.get_typed_func::<i32, i32>(&caller, "square")?;
                    square.call(&mut caller, x)
                },
            )
            .unwrap();
        let (mut store, instance) = instantiate(&engine, &linker, None, WAT);
        *store.data_mut() = Some(instance);
        let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, ()).unwrap(), 50, "{engine:?}");
    }
}

#[test]
fn many_results_and_multi_value_blocks() {
    const WAT: &str = r#"
    (module
      (func $six (param i32) (result i32 i64 f32 f64 i32 i64)
        (local.get 0) (i64.const -2) (f32.const 1.5) (f64.const -2.25)
        (i32.add (local.get 0) (i32.const 1)) (i64.const 9))
      (func (export "run") (param i32) (result i32 i64 f32 f64 i32 i64)
        (block (result i32 i64 f32 f64 i32 i64)
          (call $six (local.get 0)))))
    "#;
    for engine in engines(&Config::new()) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), WAT);
        let run = instance.get_func(&store, "run").unwrap();
        let mut results = [Val::I32(0); 6];
        run.call(&mut store, &[Val::I32(5)], &mut results).unwrap();
        assert_eq!(
            results,
            [
                Val::I32(5),
                Val::I64(-2),
                Val::from(1.5f32),
                Val::from(-2.25f64),
                Val::I32(6),
                Val::I64(9)
            ],
            "{engine:?}"
        );
    }
}

#[test]
fn call_indirect_across_instances_through_a_shared_table() {
    const A: &str = r#"
    (module
      (table (export "table") 2 funcref)
      (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (elem (i32.const 0) $double))
    "#;
    const B: &str = r#"
    (module
      (import "a" "table" (table 2 funcref))
      (type $t (func (param i32) (result i32)))
      (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (elem (i32.const 1) $inc)
      (func (export "run") (param i32 i32) (result i32)
        (call_indirect (type $t) (local.get 1) (local.get 0))))
    "#;
    for engine in engines(&Config::new()) {
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        let a = linker.instantiate(&mut store, &module(&engine, A)).unwrap();
        linker.instance(&mut store, "a", a).unwrap();
        let b = linker.instantiate(&mut store, &module(&engine, B)).unwrap();
        let run = b.get_typed_func::<(i32, i32), i32>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, (0, 21)).unwrap(), 42);
        assert_eq!(run.call(&mut store, (1, 41)).unwrap(), 42);
        let err = run.call(&mut store, (2, 0)).unwrap_err();
        assert_eq!(err.trap_code(), Some(mote_core::TrapCode::UndefinedElement));
        assert!(matches!(b.get_export(&store, "run"), Some(Extern::Func(_))));
    }
}

#[test]
fn tail_calls_run_in_constant_stack() {
    const WAT: &str = r#"
    (module
      (func $count (export "count") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0))
          (then (i64.const 0))
          (else (return_call $count (i64.sub (local.get 0) (i64.const 1)))))))
    "#;
    for engine in engines(&Config::new()) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), WAT);
        let count = instance
            .get_typed_func::<i64, i64>(&store, "count")
            .unwrap();
        assert_eq!(count.call(&mut store, 1_000_000).unwrap(), 0, "{engine:?}");
    }
}

#[test]
fn stores_and_modules_drop_cleanly() {
    for engine in engines(&Config::new()) {
        for _ in 0..20 {
            let linker = host_linker(&engine);
            let (mut store, instance) = instantiate(&engine, &linker, 0u32, HOST);
            let run = instance.get_typed_func::<i32, i64>(&store, "run").unwrap();
            assert_eq!(run.call(&mut store, 3).unwrap(), 6 + 42);
            drop(store);
        }
    }
    // Keep the store type in use so the import is not unused on any engine.
    let _ = Store::<()>::new;
}

#[test]
fn canonical_nans_match_the_interpreter() {
    const WAT: &str = r#"
    (module
      (func (export "div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
      (func (export "sqrt") (param f64) (result f64) (f64.sqrt (local.get 0)))
      (func (export "neg") (param f32) (result f32) (f32.neg (local.get 0))))
    "#;
    let mut config = Config::new();
    config.canonicalize_nans(true);
    let mut bits = Vec::new();
    for engine in engines(&config) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), WAT);
        let div = instance
            .get_typed_func::<(f32, f32), f32>(&store, "div")
            .unwrap();
        let sqrt = instance.get_typed_func::<f64, f64>(&store, "sqrt").unwrap();
        let neg = instance.get_typed_func::<f32, f32>(&store, "neg").unwrap();
        let nan = f32::from_bits(0x7fc0_0001);
        bits.push((
            div.call(&mut store, (0.0, 0.0)).unwrap().to_bits(),
            div.call(&mut store, (nan, 1.0)).unwrap().to_bits(),
            sqrt.call(&mut store, -1.0).unwrap().to_bits(),
            neg.call(&mut store, nan).unwrap().to_bits(),
        ));
    }
    assert_eq!(bits[1].0, 0x7fc0_0000);
    assert_eq!(bits[1].2, 0x7ff8_0000_0000_0000);
    assert_eq!(bits[1].3, 0xffc0_0001, "neg flips the sign bit only");
    assert_eq!(bits[0], bits[1], "interpreter vs JIT");
}

#[test]
fn modules_compile_and_run_on_a_thread_with_a_small_stack() {
    let engine = engines(&Config::new())[1].clone();
    let result = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || {
            let linker = host_linker(&engine);
            let (mut store, instance) = instantiate(&engine, &linker, 0u32, HOST);
            let run = instance.get_typed_func::<i32, i64>(&store, "run").unwrap();
            run.call(&mut store, 1000).unwrap()
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(result, 500_500 + 42);
}

/// Host calls that move what compiled code points at: a memory of 1-byte pages grown far
/// past its first allocation (its bytes move) and, in another call, a thousand new globals
/// (the store's list of globals moves). The JIT reloads its pointers only when such a change
/// happened; the guest's accesses after each call must reach the new places, as in the
/// interpreter.
#[test]
fn host_calls_that_move_memory_and_globals_are_seen_after_them() {
    const WAT: &str = r#"
    (module
      (import "env" "grow" (func $grow))
      (import "env" "add_globals" (func $add_globals))
      (memory (export "memory") 16 (pagesize 1))
      (global $g (export "g") (mut i32) (i32.const 5))
      (func (export "run") (result i32)
        (i32.store8 (i32.const 15) (i32.const 9))
        (call $grow)
        ;; 16 bytes + 1 MiB now, somewhere else.
        (i32.store8 (i32.const 1048591) (i32.const 7))
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (call $add_globals)
        (global.set $g (i32.add (global.get $g) (i32.const 10)))
        (i32.add (i32.add (global.get $g) (i32.load8_u (i32.const 15)))
                 (i32.load8_u (i32.const 1048591)))))
    "#;
    for engine in engines(&Config::new()) {
        let mut linker: Linker<()> = Linker::new(&engine);
        linker
            .func_wrap(
                "env",
                "grow",
                |mut caller: Caller<'_, ()>| -> Result<(), Error> {
                    let memory = caller.default_memory().expect("the caller has a memory");
                    memory.grow(&mut caller, 1 << 20).map(|_| ())
                },
            )
            .unwrap();
        linker
            .func_wrap(
                "env",
                "add_globals",
                |mut caller: Caller<'_, ()>| -> Result<(), Error> {
                    let ty = mote_core::GlobalType::new(
                        mote_core::ValType::I64,
                        mote_core::Mutability::Var,
                    );
                    for k in 0..1000 {
                        mote_core::Global::new(&mut caller, ty, Val::I64(k))?;
                    }
                    Ok(())
                },
            )
            .unwrap();
        let (mut store, instance) = instantiate(&engine, &linker, (), WAT);
        let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, ()).unwrap(), 16 + 9 + 7, "{engine:?}");
        let Some(Extern::Global(g)) = instance.get_export(&store, "g") else {
            panic!("g is exported");
        };
        assert_eq!(g.get(&store), Val::I32(16), "{engine:?}");
        let memory = instance.get_memory(&store, "memory").unwrap();
        assert_eq!(memory.data(&store)[1_048_591], 7, "{engine:?}");
        assert_eq!(memory.data(&store)[15], 9, "{engine:?}");
    }
}
