//! The embedding API through the facade: engines, host functions, imports and exports.

use mote::{Caller, Config, ErrorKind, Func, Linker, Module, Store, Val, ValType};

#[test]
fn facade_engine_runs_the_interpreter() {
    let engine = mote::engine(&Config::default());
    assert_eq!(engine.backend().name(), "interp");
}

#[test]
fn the_config_strategy_picks_the_engine() {
    let mut config = Config::default();
    assert_eq!(config.get_strategy(), mote::Strategy::Interpreter);
    config.strategy(mote::Strategy::Jit);
    let engine = mote::engine(&config);
    let wasm = wat::parse_str(r#"(module (func (export "f") (result i32) (i32.const 7)))"#)
        .expect("valid text");
    if cfg!(target_pointer_width = "64") {
        // The facade's tests build with the `cli` feature, which includes the JIT.
        assert_eq!(engine.backend().name(), "jit");
        let module = Module::new(&engine, &wasm).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
        assert_eq!(f.call(&mut store, ()).unwrap(), 7);
    } else {
        let err = Module::new(&engine, &wasm).expect_err("no JIT on this host");
        assert!(matches!(err.kind(), ErrorKind::Unsupported { .. }), "{err}");
    }
    config.strategy(mote::Strategy::Interpreter);
    assert_eq!(mote::engine(&config).backend().name(), "interp");
}

#[test]
fn host_functions_and_linking() {
    let engine = mote::engine(&Config::default());
    let module = crate::module(
        &engine,
        r#"(module
             (import "env" "scale" (func $scale (param i32) (result i32)))
             (import "env" "offset" (func $offset (param f64) (result f64)))
             (func (export "both") (param i32 f64) (result i32 f64)
               (call $scale (local.get 0)) (call $offset (local.get 1))))"#,
    );
    let mut store = Store::new(&engine, 3);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "scale", |caller: Caller<'_, i32>, x: i32| {
            x * *caller.data()
        })
        .unwrap();
    linker
        .func_new(
            "env",
            "offset",
            mote::FuncType::new([ValType::F64], [ValType::F64]),
            |_caller, params, results| {
                results[0] = Val::from(params[0].f64().unwrap() + 0.5);
                Ok(())
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let both = instance
        .get_typed_func::<(i32, f64), (i32, f64)>(&store, "both")
        .unwrap();
    assert_eq!(both.call(&mut store, (7, 1.0)).unwrap(), (21, 1.5));
    // Defining the same name twice is refused.
    assert!(linker.func_wrap("env", "scale", |x: i32| x).is_err());
}

#[test]
fn missing_import_names_it() {
    let engine = mote::engine(&Config::default());
    let module = crate::module(&engine, r#"(module (import "env" "missing" (func)))"#);
    let mut store = Store::new(&engine, ());
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    match err.kind() {
        ErrorKind::Link { module, name, .. } => {
            assert_eq!((&**module, &**name), ("env", "missing"))
        }
        other => panic!("expected a link error, got {other:?}"),
    }
}

#[test]
fn host_errors_trap_the_guest() {
    let engine = mote::engine(&Config::default());
    let module = crate::module(
        &engine,
        r#"(module (import "env" "fail" (func $fail))
             (func (export "go") (call $fail)))"#,
    );
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "fail", || -> Result<(), mote::Error> {
            Err(mote::Error::host("sensor unplugged"))
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let go = instance.get_func(&store, "go").unwrap();
    let err = go.call(&mut store, &[], &mut []).unwrap_err();
    assert!(err.to_string().contains("sensor unplugged"), "{err}");
    // The store still works.
    let host = Func::wrap(&mut store, |a: i32, b: i32| a - b);
    let mut out = [Val::I32(0)];
    host.call(&mut store, &[Val::I32(5), Val::I32(7)], &mut out)
        .unwrap();
    assert_eq!(out, [Val::I32(-2)]);
}

#[test]
fn calls_with_wrong_arguments_are_errors() {
    let engine = mote::engine(&Config::default());
    let module = crate::module(
        &engine,
        r#"(module (func (export "id") (param i64) (result i64) (local.get 0)))"#,
    );
    let mut store = Store::new(&engine, ());
    let instance = mote::Instance::new(&mut store, &module, &[]).unwrap();
    let id = instance.get_func(&store, "id").unwrap();
    let mut out = [Val::I64(0)];
    assert!(id.call(&mut store, &[Val::I32(1)], &mut out).is_err());
    assert!(id.call(&mut store, &[], &mut out).is_err());
    assert!(instance.get_typed_func::<i32, i64>(&store, "id").is_err());
    id.call(&mut store, &[Val::I64(-9)], &mut out).unwrap();
    assert_eq!(out, [Val::I64(-9)]);
}

#[test]
fn modules_from_another_engine_are_refused() {
    let a = mote::engine(&Config::default());
    let b = mote::engine(&Config::default());
    let module = Module::new(&a, wat::parse_str("(module)").unwrap()).unwrap();
    let mut store = Store::new(&b, ());
    assert!(mote::Instance::new(&mut store, &module, &[]).is_err());
}

#[test]
fn traps_name_the_function_and_the_byte_offset() {
    let wat = r#"(module
        (func $helper (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
        (func (export "outer") (param i32) (result i32) (call $helper (local.get 0))))"#;
    let wasm = wat::parse_str(wat).unwrap();
    // `i32.const 1; local.get 0; i32.div_s`: the trap is at the `i32.div_s` (0x6d).
    let body = [0x41, 0x01, 0x20, 0x00, 0x6d];
    let start = wasm.windows(body.len()).position(|w| w == body).unwrap();
    let expected = (start + body.len() - 1) as u32;
    let (mut store, instance) = crate::instantiate(&Config::default(), wat);
    let outer = instance
        .get_typed_func::<i32, i32>(&store, "outer")
        .unwrap();
    let error = outer.call(&mut store, 0).unwrap_err();
    let trap = error.as_trap().expect("a trap");
    assert_eq!(trap.code(), mote::TrapCode::IntegerDivisionByZero);
    assert_eq!(trap.func_index(), Some(0));
    assert_eq!(trap.offset(), Some(expected));
    assert_eq!(error.function(), Some((0, Some("helper"))));
    // Without debug information the offset is unknown, the function still named.
    let mut config = Config::default();
    config.debug_info(false);
    let (mut store, instance) = crate::instantiate(&config, wat);
    let outer = instance
        .get_typed_func::<i32, i32>(&store, "outer")
        .unwrap();
    let error = outer.call(&mut store, 0).unwrap_err();
    assert_eq!(error.as_trap().and_then(|t| t.offset()), None);
    assert_eq!(error.function().map(|f| f.0), Some(0));
}

#[test]
fn traps_carry_a_backtrace_innermost_first() {
    let wat = r#"(module $app
        (func $leaf (unreachable))
        (func $middle (call $leaf))
        (func (export "top") (call $middle)))"#;
    let (mut store, instance) = crate::instantiate(&Config::default(), wat);
    let top = instance.get_typed_func::<(), ()>(&store, "top").unwrap();
    let error = top.call(&mut store, ()).unwrap_err();
    let names: Vec<_> = error
        .backtrace()
        .iter()
        .map(|f| (f.func_index, f.func_name.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            (0, Some("leaf".to_string())),
            (1, Some("middle".to_string())),
            (2, Some("top".to_string())),
        ]
    );
    assert!(error.backtrace().iter().all(|f| f.offset.is_some()));
    assert_eq!(error.backtrace()[0].module_name.as_deref(), Some("app"));
    let printed = format!("{error:#}");
    assert!(printed.contains("wasm backtrace:"), "{printed}");
    assert!(printed.contains("1: app!middle (function 1)"), "{printed}");
}

#[test]
fn nan_canonicalization_makes_nan_bits_deterministic() {
    // `f32.add` of a NaN with payload keeps (a quieted form of) the payload by default; with
    // canonicalization every NaN result is 0x7fc00000. Bit operations keep their NaN bits.
    let wat = r#"(module
        (func (export "add") (result f32) (f32.add (f32.const -nan:0x200001) (f32.const 1)))
        (func (export "div") (result f64) (f64.div (f64.const 0) (f64.const 0)))
        (func (export "neg") (result f32) (f32.neg (f32.const nan:0x200001))))"#;
    let run = |canonicalize: bool| {
        let mut config = Config::default();
        config.canonicalize_nans(canonicalize);
        let (mut store, instance) = crate::instantiate(&config, wat);
        let add = instance.get_typed_func::<(), f32>(&store, "add").unwrap();
        let div = instance.get_typed_func::<(), f64>(&store, "div").unwrap();
        let neg = instance.get_typed_func::<(), f32>(&store, "neg").unwrap();
        (
            add.call(&mut store, ()).unwrap().to_bits(),
            div.call(&mut store, ()).unwrap().to_bits(),
            neg.call(&mut store, ()).unwrap().to_bits(),
        )
    };
    let (add, div, neg) = run(true);
    assert_eq!(add, 0x7fc0_0000);
    assert_eq!(div, 0x7ff8_0000_0000_0000);
    assert_eq!(
        neg, 0xffa0_0001,
        "neg is a bit operation: it flips the sign only"
    );
    let (add, _, _) = run(false);
    assert!(f32::from_bits(add).is_nan());
    assert_ne!(
        add, 0x7fc0_0000,
        "without canonicalization the payload propagates"
    );
}

#[test]
fn host_functions_reach_guest_memory_and_host_state_together() {
    // A host function with nine parameters (WASI's `path_open` has nine) that copies a guest
    // buffer into the host's state through `data_and_store_mut`, then exits the guest.
    let wat = r#"(module
        (import "host" "take" (func $take (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
        (import "host" "exit" (func $exit (param i32)))
        (memory 1)
        (data (i32.const 16) "hello")
        (func (export "run") (result i32)
          (call $take (i32.const 16) (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 0)
                      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 9)))
        (func (export "quit") (call $exit (i32.const 3)) (unreachable)))"#;
    let engine = mote::engine(&Config::default());
    let module = Module::new(&engine, wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(&engine, Vec::<u8>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "take",
            |mut caller: Caller<'_, Vec<u8>>,
             ptr: i32,
             len: i32,
             _: i32,
             _: i32,
             _: i32,
             _: i32,
             _: i32,
             _: i32,
             last: i32|
             -> Result<i32, mote::Error> {
                let memory = caller.default_memory().expect("the guest has a memory");
                let (bytes, saved) = memory.data_and_store_mut(&mut caller);
                let start = usize::try_from(ptr).unwrap();
                let end = start + usize::try_from(len).unwrap();
                saved.extend_from_slice(&bytes[start..end]);
                Ok(last)
            },
        )
        .unwrap();
    linker
        .func_wrap("host", "exit", |status: i32| -> Result<(), mote::Error> {
            Err(mote::Error::exit(status))
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 9);
    assert_eq!(store.data().as_slice(), b"hello");
    let quit = instance.get_typed_func::<(), ()>(&store, "quit").unwrap();
    let error = quit.call(&mut store, ()).unwrap_err();
    assert_eq!(error.exit_code(), Some(3));
    assert!(matches!(error.kind(), ErrorKind::Exit(3)));
}
