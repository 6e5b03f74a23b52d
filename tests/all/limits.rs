//! Resource limits: stack exhaustion, call depth, memory growth, and 1-byte pages.

use mote::{Config, ErrorKind, Limits, Module, Store, TrapCode};

use crate::instantiate;

/// `depth(n)` recurses n levels; `add` is there to check the store still works after a trap.
const RECURSE: &str = r#"
(module
  (func $depth (export "depth") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get 0) (i32.const 1)))))))
  ;; Many locals, so each frame takes many value-stack slots.
  (func $wide (export "wide") (param i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $wide (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
"#;

fn with_limits(limits: Limits) -> Config {
    let mut config = Config::new();
    config.limits(limits);
    config
}

#[test]
fn deep_recursion_overflows_and_the_store_survives() {
    let (mut store, instance) = instantiate(&Config::new(), RECURSE);
    let depth = instance
        .get_typed_func::<i32, i32>(&store, "depth")
        .unwrap();
    let err = depth.call(&mut store, 100_000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
    assert_eq!(
        err.function().map(|(_, name)| name),
        Some(Some("depth")),
        "{err}"
    );

    let add = instance
        .get_typed_func::<(i32, i32), i32>(&store, "add")
        .unwrap();
    assert_eq!(add.call(&mut store, (2, 3)).unwrap(), 5);
    assert_eq!(depth.call(&mut store, 1000).unwrap(), 1000);
    // And again, to check nothing leaked from the failed call.
    assert!(depth.call(&mut store, 100_000).is_err());
    assert_eq!(depth.call(&mut store, 5000).unwrap(), 5000);
}

#[test]
fn call_depth_limit() {
    let limits = Limits {
        call_depth: 16,
        ..Limits::HOST
    };
    let (mut store, instance) = instantiate(&with_limits(limits), RECURSE);
    let depth = instance
        .get_typed_func::<i32, i32>(&store, "depth")
        .unwrap();
    assert_eq!(depth.call(&mut store, 10).unwrap(), 10);
    let err = depth.call(&mut store, 100).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
    assert_eq!(depth.call(&mut store, 10).unwrap(), 10);
}

#[test]
fn value_stack_limit() {
    let limits = Limits {
        value_stack_slots: 256,
        ..Limits::HOST
    };
    let (mut store, instance) = instantiate(&with_limits(limits), RECURSE);
    let wide = instance.get_typed_func::<i32, i32>(&store, "wide").unwrap();
    assert_eq!(wide.call(&mut store, 2).unwrap(), 2);
    // 17 locals per frame: 100 frames need far more than 256 slots.
    let err = wide.call(&mut store, 100).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
    assert_eq!(wide.call(&mut store, 2).unwrap(), 2);
}

#[test]
fn mcu_limits_still_run_small_programs() {
    let (mut store, instance) = instantiate(&with_limits(Limits::MCU), RECURSE);
    let depth = instance
        .get_typed_func::<i32, i32>(&store, "depth")
        .unwrap();
    assert_eq!(depth.call(&mut store, 20).unwrap(), 20);
    let err = depth.call(&mut store, 1000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
}

const GROW: &str = r#"
(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))
"#;

#[test]
fn memory_grow_beyond_limit_returns_minus_one() {
    let limits = Limits {
        memory_bytes: 3 * 65536,
        ..Limits::HOST
    };
    let (mut store, instance) = instantiate(&with_limits(limits), GROW);
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 2).unwrap(), -1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 2);
    assert_eq!(grow.call(&mut store, 1).unwrap(), 2);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 0).unwrap(), 3);
    // The host sees the same limit.
    let memory = instance.get_memory(&store, "memory").unwrap();
    assert!(memory.grow(&mut store, 1).is_err());
    assert_eq!(memory.data_size(&store), 3 * 65536);
}

#[test]
fn memory_minimum_beyond_limit_fails_to_instantiate() {
    let limits = Limits {
        memory_bytes: 1000,
        ..Limits::HOST
    };
    let engine = mote::engine(&with_limits(limits));
    let module = Module::new(&engine, wat::parse_str(GROW).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let err = mote::Instance::new(&mut store, &module, &[]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Limit { .. }), "{err}");
}

/// The custom-page-sizes proposal: a memory of 1-byte pages, for devices with little RAM.
const TINY: &str = r#"
(module
  (memory (export "memory") 4 (pagesize 1))
  (data (i32.const 0) "\2a")
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store32") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0))))
"#;

#[test]
fn one_byte_pages() {
    let (mut store, instance) = instantiate(&Config::new(), TINY);
    let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let load8 = instance
        .get_typed_func::<i32, i32>(&store, "load8")
        .unwrap();
    let store32 = instance
        .get_typed_func::<(i32, i32), ()>(&store, "store32")
        .unwrap();
    let load32 = instance
        .get_typed_func::<i32, i32>(&store, "load32")
        .unwrap();

    assert_eq!(size.call(&mut store, ()).unwrap(), 4);
    assert_eq!(load8.call(&mut store, 0).unwrap(), 42);
    assert_eq!(load8.call(&mut store, 3).unwrap(), 0);
    let err = load8.call(&mut store, 4).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{err}");
    store32.call(&mut store, (0, 0x0102_0304)).unwrap();
    assert!(
        store32.call(&mut store, (1, 0)).is_err(),
        "bytes 1..5 are not all in memory"
    );

    assert_eq!(grow.call(&mut store, 3).unwrap(), 4);
    assert_eq!(size.call(&mut store, ()).unwrap(), 7);
    store32.call(&mut store, (3, -1)).unwrap();
    assert_eq!(load32.call(&mut store, 3).unwrap(), -1);
    assert!(load32.call(&mut store, 4).is_err());
    let memory = instance.get_memory(&store, "memory").unwrap();
    assert_eq!(memory.data(&store), &[4, 3, 2, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(memory.ty(&store).page_size(), 1);
}

#[test]
fn one_byte_pages_respect_the_memory_limit() {
    let limits = Limits {
        memory_bytes: 10,
        ..Limits::HOST
    };
    let (mut store, instance) = instantiate(&with_limits(limits), TINY);
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 6).unwrap(), 4);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
}
