//! Traps: every trap is an error with the code and function the interpreter reports, the
//! process survives, and the store stays usable.

use mote_core::{Config, Error, Linker, TrapCode};

use crate::{engines, instantiate};

const WAT: &str = r#"
(module
  (import "env" "fail" (func $fail))
  (type $v (func))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $ok)
  (func $ok)
  (func (export "unreachable") unreachable)
  (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0)))
  (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "rem") (result i32) (i32.rem_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "load") (param i32) (result i64) (i64.load offset=4 (local.get 0)))
  (func (export "convert") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "null") (call_indirect (type $v) (i32.const 1)))
  (func (export "signature") (result i32) (call_indirect (result i32) (i32.const 0)))
  (func $recurse (export "recurse") (param i64) (result i64)
    (i64.add (call $recurse (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
  (func (export "host") (call $fail))
  (func (export "ok") (result i32) (i32.const 1))
  (func $inner (param i32) (result i32) (i32.load (local.get 0)))
  (func $middle (param i32) (result i32) (call $inner (i32.add (local.get 0) (i32.const 1))))
  (func (export "nested") (param i32) (result i32) (call $middle (local.get 0))))
"#;

/// Code, function, offset and backtrace (function and offset of each frame) of a trap.
type TrapInfo = (
    Option<TrapCode>,
    Option<u32>,
    Option<u64>,
    Vec<(u32, Option<u32>)>,
);

fn trap_of(result: Result<(), Error>) -> TrapInfo {
    let err = result.expect_err("the call traps");
    (
        err.trap_code(),
        err.function().map(|(index, _)| index),
        err.as_trap().and_then(|t| t.offset()).map(u64::from),
        err.backtrace()
            .iter()
            .map(|f| (f.func_index, f.offset))
            .collect(),
    )
}

#[test]
fn traps_match_the_interpreter() {
    let mut outcomes = Vec::new();
    for engine in engines(&Config::new()) {
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("env", "fail", || -> Result<(), Error> {
                Err(Error::host("the host says no"))
            })
            .unwrap();
        let (mut store, instance) = instantiate(&engine, &linker, (), WAT);
        let mut got = Vec::new();
        macro_rules! call {
            ($name:literal, $params:ty, $results:ty, $args:expr) => {{
                let f = instance
                    .get_typed_func::<$params, $results>(&store, $name)
                    .unwrap();
                got.push(($name, trap_of(f.call(&mut store, $args).map(|_| ()))));
            }};
        }
        call!("unreachable", (), (), ());
        call!("div", i32, i32, 0);
        call!("overflow", (), i32, ());
        call!("load", i32, i64, 65_530);
        call!("load", i32, i64, -1);
        call!("convert", f64, i32, f64::NAN);
        call!("convert", f64, i32, 3e9);
        call!("null", (), (), ());
        call!("signature", (), i32, ());
        call!("recurse", i64, i64, 0);
        call!("nested", i32, i32, 70_000);
        let host = instance.get_typed_func::<(), ()>(&store, "host").unwrap();
        let err = host.call(&mut store, ()).unwrap_err();
        assert!(err.to_string().contains("the host says no"), "{err}");
        // Still usable after every trap.
        let rem = instance.get_typed_func::<(), i32>(&store, "rem").unwrap();
        assert_eq!(rem.call(&mut store, ()).unwrap(), 0);
        let ok = instance.get_typed_func::<(), i32>(&store, "ok").unwrap();
        assert_eq!(ok.call(&mut store, ()).unwrap(), 1);
        outcomes.push(got);
    }
    for (name, (code, func, offset, backtrace)) in &outcomes[1] {
        assert!(
            code.is_some() && func.is_some() && offset.is_some() && !backtrace.is_empty(),
            "{name}: {code:?} {func:?} {offset:?} {backtrace:?}"
        );
    }
    assert_eq!(outcomes[0], outcomes[1], "interpreter vs JIT");
}

#[test]
fn the_call_depth_limit_matches_the_interpreter() {
    const WAT: &str = r#"
    (module
      (type $t (func (param i32) (result i32)))
      (table funcref (elem $down))
      (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (i32.add (i32.const 1)
                  (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)))))))
    "#;
    let mut config = Config::new();
    config.limits(mote_core::Limits {
        call_depth: 100,
        ..mote_core::Limits::HOST
    });
    let mut outcomes = Vec::new();
    for engine in engines(&config) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), WAT);
        let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
        assert_eq!(down.call(&mut store, 100).unwrap(), 100);
        let err = down.call(&mut store, 101).unwrap_err();
        outcomes.push((
            err.trap_code(),
            err.function().map(|(index, _)| index),
            err.as_trap().and_then(|t| t.offset()),
        ));
    }
    assert_eq!(outcomes[0].0, Some(TrapCode::StackOverflow));
    assert_eq!(outcomes[0], outcomes[1], "interpreter vs JIT");
}

/// A function with `n` i64 locals, all live across a call.
fn big_frame(n: usize) -> String {
    let mut body = String::new();
    for i in 0..n {
        let l = i + 1;
        body.push_str(&format!(
            "(local.set {l} (i64.add (local.get {l}) (i64.const {i})))"
        ));
    }
    body.push_str("(call $leaf)");
    body.push_str("(i64.const 0)");
    for i in 0..n {
        body.push_str(&format!("(i64.add (local.get {}))", i + 1));
    }
    format!(
        r#"(module
             (func $leaf)
             (func $big (export "big") (param i32) (result i64) (local i64 {n}) {body})
             (func (export "deep") (param i32) (result i64)
               (if (result i64) (i32.eqz (local.get 0))
                 (then (call $big (i32.const 0)))
                 (else (call 2 (i32.sub (local.get 0) (i32.const 1)))))))"#,
        n = "i64 ".repeat(n)
    )
}

#[test]
fn large_frames_run_or_are_refused_never_crash() {
    let engine = &engines(&Config::new())[1];
    // About 24 KiB of spills: runs, also at the bottom of a deep stack.
    let wat = big_frame(3_000);
    let (mut store, instance) = instantiate(engine, &Linker::new(engine), (), &wat);
    let deep = instance.get_typed_func::<i32, i64>(&store, "deep").unwrap();
    let expected = (0..3_000i64).sum::<i64>();
    assert_eq!(deep.call(&mut store, 0).unwrap(), expected);
    let err = deep.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
}

#[test]
fn both_engines_refuse_the_same_oversized_frames() {
    for (values, accepted) in [(65_000, true), (66_000, false)] {
        let wat = format!(
            "(module (func (export \"f\") {} {}))",
            "i32.const 1 ".repeat(values),
            "drop ".repeat(values)
        );
        let wasm = wat::parse_str(&wat).unwrap();
        for engine in engines(&Config::new()) {
            let result = mote_core::Module::new(&engine, &wasm);
            assert_eq!(result.is_ok(), accepted, "{values} values, {engine:?}");
            if let Err(e) = result {
                assert!(
                    matches!(e.kind(), mote_core::ErrorKind::Limit { .. }),
                    "{e}"
                );
            }
        }
    }
}

#[test]
fn the_value_stack_limit_matches_the_interpreter() {
    const WAT: &str = r#"
    (module
      (type $t (func (param i32) (result i32)))
      (import "env" "id" (func $id (param i32) (result i32)))
      (table funcref (elem $wide))
      (func $wide (export "wide") (param i32) (result i32)
        (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
        (if (result i32) (i32.eqz (local.get 0))
          (then (call $id (i32.const 0)))
          (else (i32.add (i32.const 1)
                  (i32.add (i32.const 0)
                    (call_indirect (type $t)
                      (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))))))))
    "#;
    let mut config = Config::new();
    config.limits(mote_core::Limits {
        value_stack_slots: 300,
        ..mote_core::Limits::HOST
    });
    let mut outcomes = Vec::new();
    for engine in engines(&config) {
        let mut linker = Linker::new(&engine);
        linker.func_wrap("env", "id", |x: i32| x).unwrap();
        let (mut store, instance) = instantiate(&engine, &linker, (), WAT);
        let wide = instance.get_typed_func::<i32, i32>(&store, "wide").unwrap();
        let mut got = Vec::new();
        for n in 0..20 {
            got.push(match wide.call(&mut store, n) {
                Ok(v) => Ok(v),
                Err(e) => Err((
                    e.trap_code(),
                    e.function().map(|(index, _)| index),
                    e.as_trap().and_then(|t| t.offset()),
                )),
            });
        }
        outcomes.push(got);
    }
    assert!(outcomes[0].iter().any(Result::is_ok));
    assert!(outcomes[0].iter().any(Result::is_err));
    assert_eq!(outcomes[0], outcomes[1], "interpreter vs JIT");
}

#[test]
fn backtraces_cross_instances_like_the_interpreter() {
    const A: &str = r#"
    (module
      (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
      (func (export "boom") (param i32) (result i32)
        (i32.add (i32.const 1) (call $inner (local.get 0)))))
    "#;
    const B: &str = r#"
    (module
      (import "a" "boom" (func $boom (param i32) (result i32)))
      (func $helper (param i32) (result i32) (call $boom (local.get 0)))
      (func (export "run") (param i32) (result i32)
        (i32.mul (i32.const 2) (call $helper (local.get 0)))))
    "#;
    let mut traces = Vec::new();
    for engine in engines(&Config::new()) {
        let mut store = mote_core::Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        let a = linker
            .instantiate(&mut store, &crate::module(&engine, A))
            .unwrap();
        linker.instance(&mut store, "a", a).unwrap();
        let b = linker
            .instantiate(&mut store, &crate::module(&engine, B))
            .unwrap();
        let run = b.get_typed_func::<i32, i32>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, 1).unwrap(), 4);
        let err = run.call(&mut store, 0).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::IntegerDivisionByZero));
        let trace: Vec<_> = err
            .backtrace()
            .iter()
            .map(|f| (f.func_index, f.offset))
            .collect();
        traces.push(trace);
    }
    assert_eq!(traces[1].len(), 4, "{:?}", traces[1]);
    assert_eq!(traces[0], traces[1], "interpreter vs JIT");
}
