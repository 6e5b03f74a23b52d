//! Hostile guests: each gets a trap or an error, the same on both engines, and the process
//! lives on. Deep recursion, infinite loops under fuel, huge tables, and out-of-bounds
//! accesses at every width, at the end of memory and at the 4 GiB edge of the address space.

use mote_core::{Config, ErrorKind, Limits, Linker, Module, Store, TrapCode};

use crate::{engines, instantiate};

#[test]
fn deep_recursion_is_stack_exhaustion() {
    let wat = r#"(module
      (func $f (export "f") (param i64) (result i64)
        (i64.add (call $f (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
      (func $g (export "g") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
        (local f64 f64 f64 f64 f64 f64 f64 f64)
        (call $g (local.get 0) (local.get 1) (local.get 2) (local.get 3)
                 (local.get 4) (local.get 5) (local.get 6) (local.get 7))))"#;
    for engine in engines(&Config::new()) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), wat);
        let f = instance.get_typed_func::<i64, i64>(&store, "f").unwrap();
        let err = f.call(&mut store, 0).expect_err("no end");
        assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
        let g = instance
            .get_typed_func::<(i32, i32, i32, i32, i32, i32, i32, i32), i32>(&store, "g")
            .unwrap();
        let err = g
            .call(&mut store, (1, 2, 3, 4, 5, 6, 7, 8))
            .expect_err("no end");
        assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
        // The store survives: a call after the traps still works.
        let err = f.call(&mut store, 5).expect_err("still no end");
        assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    }
}

#[test]
fn an_infinite_loop_runs_out_of_fuel() {
    let wat = r#"(module
      (func (export "spin") (loop (br 0)))
      (func $rec (export "rec") (call $rec)))"#;
    let mut config = Config::new();
    config.consume_fuel(true);
    let mut left = Vec::new();
    for engine in engines(&config) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), wat);
        for name in ["spin", "rec"] {
            store.set_fuel(100_000).unwrap();
            let f = instance.get_typed_func::<(), ()>(&store, name).unwrap();
            let err = f.call(&mut store, ()).expect_err("never ends");
            let code = err.trap_code();
            assert!(
                matches!(code, Some(TrapCode::OutOfFuel | TrapCode::StackOverflow)),
                "{name}: {err}"
            );
            left.push((name, code, store.get_fuel().unwrap()));
        }
    }
    assert_eq!(
        left[..2],
        left[2..],
        "both engines stop alike, with the same fuel left"
    );
    assert_eq!(left[0].1, Some(TrapCode::OutOfFuel));
}

#[test]
fn huge_tables_are_refused_or_fail_to_grow() {
    let grow = r#"(module (table $t 1 funcref)
      (func (export "grow") (param i32) (result i32)
        (table.grow $t (ref.null func) (local.get 0)))
      (func (export "size") (result i32) (table.size $t)))"#;
    let huge = r#"(module (table 0xffffffff funcref))"#;
    let mut config = Config::new();
    let mut limits = Limits::HOST;
    limits.table_elements = 100_000;
    config.limits(limits);
    for engine in engines(&config) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), grow);
        let g = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        assert_eq!(g.call(&mut store, -1).unwrap(), -1);
        assert_eq!(g.call(&mut store, 0x7fff_ffff).unwrap(), -1);
        assert_eq!(g.call(&mut store, 200_000).unwrap(), -1);
        assert_eq!(g.call(&mut store, 10).unwrap(), 1);
        let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
        assert_eq!(size.call(&mut store, ()).unwrap(), 11);

        let module = Module::new(&engine, wat::parse_str(huge).unwrap()).unwrap();
        let mut store = Store::new(&engine, ());
        let err = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .expect_err("a table of 2^32 - 1 elements exceeds the limit");
        assert!(
            matches!(
                err.kind(),
                ErrorKind::Limit { .. } | ErrorKind::OutOfMemory { .. }
            ),
            "{err}"
        );
    }
}

/// Every load and store, with its access width in bytes.
const ACCESSES: [(&str, &str, u32); 23] = [
    ("i32.load", "i32", 4),
    ("i64.load", "i64", 8),
    ("f32.load", "f32", 4),
    ("f64.load", "f64", 8),
    ("i32.load8_s", "i32", 1),
    ("i32.load8_u", "i32", 1),
    ("i32.load16_s", "i32", 2),
    ("i32.load16_u", "i32", 2),
    ("i64.load8_s", "i64", 1),
    ("i64.load8_u", "i64", 1),
    ("i64.load16_s", "i64", 2),
    ("i64.load16_u", "i64", 2),
    ("i64.load32_s", "i64", 4),
    ("i64.load32_u", "i64", 4),
    ("i32.store", "i32", 4),
    ("i64.store", "i64", 8),
    ("f32.store", "f32", 4),
    ("f64.store", "f64", 8),
    ("i32.store8", "i32", 1),
    ("i32.store16", "i32", 2),
    ("i64.store8", "i64", 1),
    ("i64.store16", "i64", 2),
    ("i64.store32", "i64", 4),
];

/// A module with one export per access and static offset: `(param i32)` is the address.
fn access_module(offsets: &[u64]) -> String {
    let mut wat = String::from("(module (memory 1)\n");
    for (op, ty, _) in ACCESSES {
        for &offset in offsets {
            let body = if op.contains("store") {
                format!("({op} offset={offset} (local.get 0) ({ty}.const 0))")
            } else {
                format!("(drop ({op} offset={offset} (local.get 0)))")
            };
            wat += &format!("(func (export \"{op}/{offset}\") (param i32) {body})\n");
        }
    }
    wat + ")"
}

#[test]
fn out_of_bounds_at_every_width_and_at_the_4_gib_edge() {
    const PAGE: u32 = 65_536;
    let offsets = [0_u64, 1, 0xffff_fff0, 0xffff_ffff];
    let wat = access_module(&offsets);
    for engine in engines(&Config::new()) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), &wat);
        for (op, _, width) in ACCESSES {
            let funcs: Vec<_> = offsets
                .iter()
                .map(|offset| {
                    instance
                        .get_typed_func::<i32, ()>(&store, &format!("{op}/{offset}"))
                        .unwrap()
                })
                .collect();
            let f = |offset: u64| {
                let i = offsets.iter().position(|&o| o == offset).unwrap();
                funcs[i]
            };
            let oob = |r: Result<(), mote_core::Error>, what: &str| {
                let err = r.expect_err(what);
                assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{what}");
            };
            // The last in-bounds address, and one past it.
            let last = (PAGE - width).cast_signed();
            f(0).call(&mut store, last).unwrap();
            oob(
                f(0).call(&mut store, last + 1),
                &format!("{op} at {}", last + 1),
            );
            f(1).call(&mut store, last - 1).unwrap();
            oob(
                f(1).call(&mut store, last),
                &format!("{op} offset=1 at {last}"),
            );
            // Addresses and offsets whose sum passes 2^32: never wraps around to low memory.
            for address in [-1_i32, -4, -8, i32::MIN, 0, 16] {
                for offset in [0xffff_fff0, 0xffff_ffff] {
                    oob(
                        f(offset).call(&mut store, address),
                        &format!("{op} offset={offset} at {address}"),
                    );
                }
            }
            oob(f(0).call(&mut store, -1), &format!("{op} at 0xffffffff"));
            oob(f(0).call(&mut store, i32::MIN), &format!("{op} at 2 GiB"));
        }
    }
}
