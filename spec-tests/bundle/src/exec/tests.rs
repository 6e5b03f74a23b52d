use alloc::borrow::Cow;
use alloc::vec;
use alloc::vec::Vec;

use mote_core::{Config, Engine};

use super::*;
use crate::command::{Expected, FloatPattern, Kind};

fn executor() -> Executor<DirectLoader> {
    let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
    Executor::new(engine, Options::default(), DirectLoader).expect("spectest")
}

fn wasm(text: &str) -> ModuleSource<'static> {
    ModuleSource::Wasm(Cow::Owned(wat::parse_str(text).expect("valid text")))
}

fn command(line: u32, op: Op<'static>) -> Command<'static> {
    Command {
        kind: Kind::Module,
        line,
        column: 1,
        op,
    }
}

fn call(name: &'static str, args: Vec<Value<'static>>) -> Invoke<'static> {
    Invoke {
        module: None,
        name: name.into(),
        args,
    }
}

fn run(executor: &mut Executor<DirectLoader>, line: u32, op: Op<'static>) -> Outcome {
    executor.run(&command(line, op))
}

#[test]
fn modules_calls_and_results() {
    let mut x = executor();
    let module = wasm(
        r#"(module
          (import "spectest" "global_i32" (global $g i32))
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
          (func (export "trap") (unreachable))
          (func $loop (export "loop") (call $loop))
          (func (export "id") (param externref) (result externref) (local.get 0))
          (global (export "g") i32 (global.get $g)))"#,
    );
    assert_eq!(
        run(
            &mut x,
            1,
            Op::Module {
                name: Some("$M".into()),
                module
            }
        ),
        Outcome::Pass
    );
    let add = call("add", vec![Value::I32(2), Value::I32(3)]);
    let results = vec![Expected::I32(5)];
    assert_eq!(
        run(
            &mut x,
            2,
            Op::AssertReturn {
                action: Action::Invoke(add.clone()),
                results
            }
        ),
        Outcome::Pass
    );
    assert_eq!(
        run(
            &mut x,
            3,
            Op::AssertReturn {
                action: Action::Invoke(add),
                results: vec![Expected::I32(6)]
            }
        ),
        Outcome::Fail("expected [i32:6], got [i32:5]".into())
    );
    let nan = Action::Invoke(call("nan", Vec::new()));
    assert_eq!(
        run(
            &mut x,
            4,
            Op::AssertReturn {
                action: nan,
                results: vec![Expected::F32(FloatPattern::CanonicalNan)]
            }
        ),
        Outcome::Pass
    );
    let trap = Action::Invoke(call("trap", Vec::new()));
    assert_eq!(
        run(
            &mut x,
            5,
            Op::AssertTrap {
                action: trap,
                message: "unreachable".into()
            }
        ),
        Outcome::Pass
    );
    let exhaust = call("loop", Vec::new());
    assert_eq!(
        run(
            &mut x,
            6,
            Op::AssertExhaustion {
                invoke: exhaust,
                message: "call stack exhausted".into()
            }
        ),
        Outcome::Pass
    );
    let id = Action::Invoke(call("id", vec![Value::ExternRef(4)]));
    assert_eq!(
        run(
            &mut x,
            7,
            Op::AssertReturn {
                action: id,
                results: vec![Expected::RefExtern(Some(4))]
            }
        ),
        Outcome::Pass
    );
    let get = Action::Get {
        module: Some("$M".into()),
        global: "g".into(),
    };
    assert_eq!(
        run(
            &mut x,
            8,
            Op::AssertReturn {
                action: get,
                results: vec![Expected::I32(666)]
            }
        ),
        Outcome::Pass
    );
    let v128 = call("add", vec![Value::Unsupported("v128 value".into())]);
    assert_eq!(
        run(&mut x, 9, Op::Invoke(v128)),
        Outcome::Fail("unsupported argument: v128 value".into())
    );
}

#[test]
fn registration_and_failed_modules() {
    let mut x = executor();
    let exporter = wasm(r#"(module (global (export "g") i32 (i32.const 7)))"#);
    assert_eq!(
        run(
            &mut x,
            1,
            Op::Module {
                name: None,
                module: exporter
            }
        ),
        Outcome::Pass
    );
    assert_eq!(
        run(
            &mut x,
            2,
            Op::Register {
                as_name: "a".into(),
                module: None
            }
        ),
        Outcome::Pass
    );
    let importer = wasm(r#"(module (import "a" "g" (global i32)))"#);
    assert_eq!(
        run(
            &mut x,
            3,
            Op::Module {
                name: None,
                module: importer
            }
        ),
        Outcome::Pass
    );
    let missing = wasm(r#"(module (import "b" "g" (global i32)))"#);
    assert_eq!(
        run(
            &mut x,
            4,
            Op::AssertUnlinkable {
                module: missing.clone(),
                message: "unknown import".into()
            }
        ),
        Outcome::Pass
    );
    let Outcome::Fail(message) = run(
        &mut x,
        5,
        Op::Module {
            name: None,
            module: missing,
        },
    ) else {
        panic!("an unlinkable module fails");
    };
    assert!(
        message.starts_with("instantiation failed: cannot link"),
        "{message}"
    );
    let get = Action::Get {
        module: None,
        global: "g".into(),
    };
    assert_eq!(
        run(
            &mut x,
            6,
            Op::AssertReturn {
                action: get,
                results: vec![Expected::I32(7)]
            }
        ),
        Outcome::Fail("the current module failed to compile or instantiate at line 5".into())
    );
}

#[test]
fn rejections_and_text() {
    let mut x = executor();
    let invalid = wasm("(module (func (result i32) (i64.const 0)))");
    assert_eq!(
        run(
            &mut x,
            1,
            Op::AssertRejected {
                module: invalid,
                message: "type mismatch".into()
            }
        ),
        Outcome::Pass
    );
    let valid = wasm("(module)");
    let Outcome::Fail(message) = run(
        &mut x,
        2,
        Op::AssertRejected {
            module: valid.clone(),
            message: "x".into(),
        },
    ) else {
        panic!("a valid module is not rejected");
    };
    assert!(message.contains("but it compiled"), "{message}");
    assert_eq!(
        run(&mut x, 3, Op::AssertCustomIgnored { module: valid }),
        Outcome::Pass
    );
    let text = ModuleSource::Unencodable("text to binary failed: unknown operator".into());
    assert_eq!(
        run(
            &mut x,
            4,
            Op::AssertRejected {
                module: text.clone(),
                message: "unknown operator".into()
            }
        ),
        Outcome::PassInText
    );
    assert_eq!(
        run(
            &mut x,
            5,
            Op::Module {
                name: None,
                module: text
            }
        ),
        Outcome::Fail("text to binary failed: unknown operator".into())
    );
    let segment = wasm(r#"(module (memory 0) (data (i32.const 1) "x"))"#);
    assert_eq!(
        run(
            &mut x,
            6,
            Op::AssertTrap {
                action: Action::Instantiate(segment),
                message: "out of bounds memory access".into()
            }
        ),
        Outcome::Pass
    );
    assert_eq!(run(&mut x, 7, Op::Skip("why".into())), Outcome::Skip);
    assert_eq!(
        run(&mut x, 8, Op::Fail("unsupported".into())),
        Outcome::Fail("unsupported".into())
    );
}

#[test]
fn images_load_too() {
    let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
    let bytes =
        wat::parse_str(r#"(module (func (export "f") (result i32) (i32.const 9)))"#).expect("text");
    let image = mote_interp::image::compile(&engine, &bytes).expect("compiles");
    let mut x = Executor::new(
        engine,
        Options {
            fuel: None,
            spectest_memory: false,
        },
        DirectLoader,
    )
    .expect("spectest");
    let module = ModuleSource::Image(Cow::Owned(image));
    assert_eq!(
        run(&mut x, 1, Op::Module { name: None, module }),
        Outcome::Pass
    );
    let f = Action::Invoke(call("f", Vec::new()));
    assert_eq!(
        run(
            &mut x,
            2,
            Op::AssertReturn {
                action: f,
                results: vec![Expected::I32(9)]
            }
        ),
        Outcome::Pass
    );
    let memory = wasm(r#"(module (import "spectest" "memory" (memory 1)))"#);
    let Outcome::Fail(message) = run(
        &mut x,
        3,
        Op::Module {
            name: None,
            module: memory,
        },
    ) else {
        panic!("spectest has no memory here");
    };
    assert!(message.contains("spectest"), "{message}");
}
