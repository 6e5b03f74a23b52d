//! The host stack: deep guest recursion, deeply nested blocks and large modules are decoded,
//! validated, translated and run on a thread with a 64 KiB stack (an MCU's main stack is
//! often smaller than a desktop thread's 2 MiB). An overflow aborts the test binary, so each
//! scenario runs in its own thread and reports by returning.

use mote::{Config, Instance, Limits, Module, Store, TrapCode};

/// The stack given to each scenario's thread.
const STACK: usize = 64 * 1024;

/// Runs `f` on a fresh thread with a 64 KiB stack.
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .name("64k-stack".into())
        .stack_size(STACK)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .expect("the scenario panicked")
}

fn compile(config: &Config, wasm: &[u8]) -> (Store<()>, Instance) {
    let engine = mote::engine(config);
    let module = Module::new(&engine, wasm).expect("compiles");
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    (store, instance)
}

#[test]
fn deep_recursion_on_a_64k_stack() {
    let wasm = wat::parse_str(
        r#"(module (func $d (export "d") (param i32) (result i32)
             (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
               (else (i32.add (i32.const 1) (call $d (i32.sub (local.get 0) (i32.const 1))))))))"#,
    )
    .unwrap();
    on_small_stack(move || {
        let limits = Limits {
            call_depth: 1_000_000,
            value_stack_slots: 1 << 23,
            ..Limits::HOST
        };
        let mut config = Config::new();
        config.limits(limits);
        let (mut store, instance) = compile(&config, &wasm);
        let d = instance.get_typed_func::<i32, i32>(&store, "d").unwrap();
        assert_eq!(d.call(&mut store, 500_000).unwrap(), 500_000);
        let err = d.call(&mut store, 2_000_000).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
    });
}

/// `depth` nested blocks of `kind` around a branch to the outermost one, with a result.
fn nested(kind: &str, depth: usize) -> Vec<u8> {
    let mut wat = String::from(r#"(module (func (export "f") (param i32) (result i32) "#);
    wat.push_str("(block $out (result i32) ");
    for _ in 0..depth {
        match kind {
            "if" => wat.push_str("(if (local.get 0) (then "),
            _ => {
                wat.push_str(kind);
                wat.push(' ');
            }
        }
    }
    wat.push_str("(br $out (i32.const 7))");
    for _ in 0..depth {
        wat.push_str(if kind == "if" { "))" } else { " end" });
    }
    wat.push_str(" (i32.const 1)) )) ");
    wat::parse_str(&wat).expect("nested blocks parse")
}

#[test]
fn ten_thousand_nested_blocks_on_a_64k_stack() {
    for kind in ["block", "loop", "if"] {
        let wasm = nested(kind, 10_000);
        let expected = if kind == "if" { [7, 1] } else { [7, 7] };
        on_small_stack(move || {
            let (mut store, instance) = compile(&Config::new(), &wasm);
            let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
            assert_eq!(f.call(&mut store, 1).unwrap(), expected[0], "{kind}");
            assert_eq!(f.call(&mut store, 0).unwrap(), expected[1], "{kind}");
        });
    }
}

#[test]
fn large_module_on_a_64k_stack() {
    // 3,000 functions calling their predecessor, a 10,000-entry `br_table`, and a long
    // straight-line body: decoding, validation and translation all on the small stack.
    let mut wat =
        String::from("(module (memory 1)\n(func $f0 (param i32) (result i32) (local.get 0))\n");
    for i in 1..3000 {
        wat.push_str(&format!(
            "(func $f{i} (param i32) (result i32) (i32.add (call $f{} (local.get 0)) (i32.const 1)))\n",
            i - 1
        ));
    }
    wat.push_str(r#"(func (export "top") (param i32) (result i32) (call $f2999 (local.get 0)))"#);
    wat.push_str(
        r#"(func (export "table") (param i32) (result i32) (block $a (block $b (br_table "#,
    );
    for i in 0..10_000 {
        wat.push_str(if i % 2 == 0 { "$a " } else { "$b " });
    }
    wat.push_str("$a (local.get 0))) (return (i32.const 2))) (i32.const 1))");
    wat.push_str(r#"(func (export "long") (param i32) (result i32)"#);
    wat.push_str(
        &"(i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (local.get 0)))".repeat(5000),
    );
    wat.push_str("(i32.load (i32.const 8)))");
    wat.push(')');
    // (Errors quote the whole text: do not print them.)
    let wasm = wat::parse_str(&wat).unwrap_or_else(|_| panic!("the large module does not parse"));
    on_small_stack(move || {
        let (mut store, instance) = compile(&Config::new(), &wasm);
        let top = instance.get_typed_func::<i32, i32>(&store, "top").unwrap();
        assert_eq!(top.call(&mut store, 5).unwrap(), 3004);
        let table = instance
            .get_typed_func::<i32, i32>(&store, "table")
            .unwrap();
        assert_eq!(table.call(&mut store, 0).unwrap(), 1);
        assert_eq!(table.call(&mut store, 1).unwrap(), 2);
        assert_eq!(table.call(&mut store, 99_999).unwrap(), 1);
        let long = instance.get_typed_func::<i32, i32>(&store, "long").unwrap();
        assert_eq!(long.call(&mut store, 2).unwrap(), 10_000);
    });
}

#[test]
fn malformed_deep_nesting_fails_cleanly_on_a_64k_stack() {
    // 100,000 `block`s and no `end`: the decoder must fail with an error, not recurse.
    let mut body = vec![0x00]; // no locals
    body.extend(std::iter::repeat_n([0x02, 0x40], 100_000).flatten());
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend([0x01, 0x04, 0x01, 0x60, 0x00, 0x00]); // type section: () -> ()
    wasm.extend([0x03, 0x02, 0x01, 0x00]); // function section
    let mut code = vec![0x01];
    leb(&mut code, body.len());
    code.extend(&body);
    wasm.push(0x0a);
    leb(&mut wasm, code.len());
    wasm.extend(code);
    on_small_stack(move || {
        let engine = mote::engine(&Config::new());
        let err = Module::new(&engine, &wasm).unwrap_err();
        assert!(!err.to_string().is_empty());
    });
}

fn leb(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = u8::try_from(n & 0x7f).unwrap();
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A guest that calls a host function that calls the guest again, `levels` times: each level
/// nests a call of the driver on the host stack. Returns the depth reached and the error that
/// stopped it, if any.
fn reenter(levels: i32, limits: Limits) -> Result<i32, mote::Error> {
    let engine = mote::engine(Config::new().limits(limits));
    let wasm = wat::parse_str(
        r#"(module
             (import "host" "reenter" (func $reenter (param i32) (result i32)))
             (func (export "f") (param i32) (result i32)
               (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                 (else (i32.add (i32.const 1)
                   (call $reenter (i32.sub (local.get 0) (i32.const 1))))))))"#,
    )
    .unwrap();
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = mote::Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "reenter",
            |mut caller: mote::Caller<'_, ()>, n: i32| -> Result<i32, mote::Error> {
                let Some(mote::Extern::Func(f)) = caller.get_export("f") else {
                    return Err(mote::Error::host("no export f"));
                };
                f.typed::<i32, i32>(&caller)?.call(&mut caller, n)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
    f.call(&mut store, levels)
}

/// One guest -> host -> guest level fits a 64 KiB stack in a debug build; two do not. Measured
/// on x86-64, each further level costs 3,840 bytes of host stack in a debug build and 1,120
/// bytes in release (the first call into the interpreter costs much more in debug builds).
#[test]
fn reentrant_host_calls_within_the_depth_limit_fit_a_64k_stack() {
    let limits = Limits {
        call_depth: 20,
        ..Limits::HOST
    };
    on_small_stack(move || {
        assert_eq!(reenter(1, limits).unwrap(), 1);
    });
}

/// Host functions that call back into the guest nest the call driver on the host stack.
/// `Limits::nested_calls` bounds that nesting: a guest that recurses through such a host
/// function gets "call stack exhausted" instead of overflowing the host stack.
#[test]
fn reentrant_host_calls_are_bounded_by_nested_calls() {
    let limits = Limits {
        call_depth: 20,
        nested_calls: 2,
        ..Limits::HOST
    };
    on_small_stack(move || {
        let err = reenter(100_000, limits).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
    });
}
