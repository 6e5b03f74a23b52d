//! Adversarial modules against every limit in `Limits`, and against fuel: each tries to exceed
//! its bound; the test sees a `Trap` or an `Error`, then checks that the store and the host
//! still work. Extends `limits.rs` (recursion depth, `memory.grow`, 1-byte pages), which these
//! tests do not repeat.

use mote::{
    CallOutcome, Caller, Config, ErrorKind, Func, Instance, Limits, Linker, Memory, MemoryType,
    Module, RefType, Store, SuspendReason, Table, TableType, TrapCode, Val,
};

use crate::module;

fn config(limits: Limits) -> Config {
    let mut config = Config::new();
    config.limits(limits);
    config
}

/// A store of `engine` whose host side we can check: a host function that counts its calls.
fn store_with_host(engine: &mote::Engine) -> (Store<u32>, Func) {
    let mut store = Store::new(engine, 0u32);
    let host = Func::wrap(&mut store, |mut caller: Caller<'_, u32>, x: i32| {
        *caller.data_mut() += 1;
        x.wrapping_mul(2)
    });
    (store, host)
}

/// The host side still works: the host function runs and the store's data is reachable.
fn assert_host_usable(store: &mut Store<u32>, host: Func) {
    let before = *store.data();
    let mut out = [Val::I32(0)];
    host.call(&mut *store, &[Val::I32(21)], &mut out)
        .expect("the host function still runs");
    assert_eq!(out, [Val::I32(42)]);
    assert_eq!(*store.data(), before + 1);
}

fn assert_limit(err: &mote::Error) {
    assert!(matches!(err.kind(), ErrorKind::Limit { .. }), "{err}");
}

fn assert_trap(err: &mote::Error, code: TrapCode) {
    assert_eq!(err.trap_code(), Some(code), "{err}");
}

/// One frame with 40,000 locals: larger than the whole value stack. The check must come before
/// the frame's locals are zeroed or its arguments copied (wasm3 #562).
#[test]
fn one_huge_frame_exceeds_the_value_stack() {
    let limits = Limits {
        value_stack_slots: 4096,
        ..Limits::HOST
    };
    let engine = mote::engine(&config(limits));
    let wat = format!(
        r#"(module
             (func (export "huge") (param i64 i64 i64 i64) (result i64)
               (local {})
               (local.get 3))
             (func (export "small") (param i64) (result i64) (local.get 0)))"#,
        "i64 ".repeat(40_000)
    );
    let m = module(&engine, &wat);
    let (mut store, host) = store_with_host(&engine);
    let instance = Instance::new(&mut store, &m, &[]).unwrap();
    let huge = instance.get_func(&store, "huge").unwrap();
    let mut out = [Val::I64(0)];
    let args = [Val::I64(1), Val::I64(2), Val::I64(3), Val::I64(4)];
    let err = huge.call(&mut store, &args, &mut out).unwrap_err();
    assert_trap(&err, TrapCode::StackOverflow);
    let small = instance
        .get_typed_func::<i64, i64>(&store, "small")
        .unwrap();
    assert_eq!(small.call(&mut store, 7).unwrap(), 7);
    assert_host_usable(&mut store, host);
}

/// Every tiny value-stack size, even zero: a call either returns or traps, never panics.
#[test]
fn tiny_value_stacks_trap_cleanly() {
    const WAT: &str = r#"(module
      (func $f (export "f") (param i32 i32) (result i32)
        (i32.add (local.get 0) (call $g (local.get 1))))
      (func $g (param i32) (result i32) (local i64 i64) (i32.mul (local.get 0) (i32.const 3))))"#;
    for slots in 0..12 {
        let limits = Limits {
            value_stack_slots: slots,
            ..Limits::HOST
        };
        let engine = mote::engine(&config(limits));
        let m = module(&engine, WAT);
        let (mut store, host) = store_with_host(&engine);
        let instance = Instance::new(&mut store, &m, &[]).unwrap();
        let f = instance
            .get_typed_func::<(i32, i32), i32>(&store, "f")
            .unwrap();
        match f.call(&mut store, (1, 2)) {
            Ok(v) => assert_eq!(v, 7, "{slots} slots"),
            Err(e) => assert_trap(&e, TrapCode::StackOverflow),
        }
        assert_host_usable(&mut store, host);
    }
}

/// Mutual recursion through `call_indirect` (not just direct calls) is bounded by the call
/// depth, and so is a resumable call that is suspended between frames.
#[test]
fn indirect_recursion_hits_the_call_depth() {
    let limits = Limits {
        call_depth: 50,
        ..Limits::HOST
    };
    let mut cfg = config(limits);
    cfg.consume_fuel(true);
    let engine = mote::engine(&cfg);
    let m = module(
        &engine,
        r#"(module
             (type $t (func (param i32) (result i32)))
             (table 2 funcref)
             (elem (i32.const 0) func $a $b)
             (func $a (param i32) (result i32)
               (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                 (else (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 1)))))
             (func $b (param i32) (result i32)
               (i32.add (i32.const 1)
                 (call_indirect (type $t) (local.get 0) (i32.const 0))))
             (export "a" (func $a)))"#,
    );
    let (mut store, host) = store_with_host(&engine);
    let instance = Instance::new(&mut store, &m, &[]).unwrap();
    let a = instance.get_func(&store, "a").unwrap();
    let mut out = [Val::I32(0)];
    store.set_fuel(1_000_000).unwrap();
    a.call(&mut store, &[Val::I32(20)], &mut out).unwrap();
    assert_eq!(out, [Val::I32(20)]);
    let err = a.call(&mut store, &[Val::I32(1000)], &mut out).unwrap_err();
    assert_trap(&err, TrapCode::StackOverflow);

    // Resumable, in slices of 3 units of fuel: the depth check holds across suspensions.
    store.set_fuel(3).unwrap();
    let mut outcome = a
        .call_resumable(&mut store, &[Val::I32(1000)], &mut out)
        .unwrap();
    let err = loop {
        match outcome {
            CallOutcome::Finished => panic!("1000 levels cannot fit in 50 frames"),
            CallOutcome::Suspended(call) => {
                let SuspendReason::OutOfFuel { required } = call.reason() else {
                    panic!("suspended without a host call: {:?}", call.reason());
                };
                store.set_fuel(required.max(3)).unwrap();
                match call.resume(&mut store, &mut out) {
                    Ok(next) => outcome = next,
                    Err(e) => break e,
                }
            }
        }
    };
    assert_trap(&err, TrapCode::StackOverflow);
    assert_host_usable(&mut store, host);
}

/// Memory: a huge `memory.grow` delta, a declared maximum above the limit, several memories,
/// the number of memories per store, and host-created memories.
#[test]
fn memory_bytes_and_count_are_bounded() {
    let limits = Limits {
        memory_bytes: 2 * 65536,
        memories: 2,
        ..Limits::HOST
    };
    let mut cfg = config(limits);
    let features = mote::Features {
        multi_memory: true,
        ..mote::Features::default()
    };
    cfg.features(features);
    let engine = mote::engine(&cfg);
    let grow = module(
        &engine,
        r#"(module
             (memory $m 1 65536)
             (memory $n 0 (pagesize 1))
             (func (export "grow") (param i32) (result i32) (memory.grow $m (local.get 0)))
             (func (export "grow_n") (param i32) (result i32) (memory.grow $n (local.get 0)))
             (func (export "last") (result i32) (i32.load8_u $m (i32.const 131071))))"#,
    );
    let (mut store, host) = store_with_host(&engine);
    let instance = Instance::new(&mut store, &grow, &[]).unwrap();
    let g = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let gn = instance
        .get_typed_func::<i32, i32>(&store, "grow_n")
        .unwrap();
    let last = instance.get_typed_func::<(), i32>(&store, "last").unwrap();
    assert_eq!(g.call(&mut store, -1).unwrap(), -1, "2^32-1 pages");
    assert_eq!(
        g.call(&mut store, 65535).unwrap(),
        -1,
        "within the maximum, over the limit"
    );
    assert_trap(
        &last.call(&mut store, ()).unwrap_err(),
        TrapCode::MemoryOutOfBounds,
    );
    assert_eq!(g.call(&mut store, 1).unwrap(), 1);
    assert_eq!(last.call(&mut store, ()).unwrap(), 0);
    assert_eq!(g.call(&mut store, 1).unwrap(), -1);
    // 1-byte pages: the byte limit applies, not a page count.
    assert_eq!(gn.call(&mut store, 2 * 65536 + 1).unwrap(), -1);
    assert_eq!(gn.call(&mut store, 2 * 65536).unwrap(), 0);
    assert_eq!(gn.call(&mut store, 1).unwrap(), -1);

    // Two memories exist: the store's limit refuses a third, from the host or a module.
    let err = Memory::new(&mut store, MemoryType::new(0, None)).unwrap_err();
    assert_limit(&err);
    let one = module(&engine, "(module (memory 0))");
    assert_limit(&Instance::new(&mut store, &one, &[]).unwrap_err());
    assert_host_usable(&mut store, host);
    assert_eq!(
        g.call(&mut store, 0).unwrap(),
        2,
        "the first instance still runs"
    );

    // A host-created memory larger than the limit is refused too.
    let (mut store, host) = store_with_host(&engine);
    assert_limit(&Memory::new(&mut store, MemoryType::new(3, None)).unwrap_err());
    let memory = Memory::new(&mut store, MemoryType::new(2, None)).unwrap();
    assert!(memory.grow(&mut store, 1).is_err());
    assert_host_usable(&mut store, host);
}

/// Data segments whose offset plus length passes the end of memory (or 2^32) trap at
/// instantiation; nothing is written out of bounds and the store goes on.
#[test]
fn data_segment_offset_arithmetic() {
    let engine = mote::engine(&Config::new());
    let (mut store, host) = store_with_host(&engine);
    for offset in ["-1", "65535", "-65536", "0x7fffffff"] {
        let wat = format!(r#"(module (memory 1) (data (i32.const {offset}) "ab"))"#);
        let m = module(&engine, &wat);
        let err = Instance::new(&mut store, &m, &[]).unwrap_err();
        assert!(
            matches!(
                err.trap_code(),
                Some(TrapCode::SegmentOutOfBounds | TrapCode::MemoryOutOfBounds)
            ),
            "{err}"
        );
    }
    let ok = module(
        &engine,
        r#"(module (memory 1) (data (i32.const 65534) "ab"))"#,
    );
    Instance::new(&mut store, &ok, &[]).unwrap();
    assert_host_usable(&mut store, host);
}

/// Tables: minimum above the limit, `table.grow` by a huge delta, the tables-per-store limit,
/// and host-created tables.
#[test]
fn table_elements_and_count_are_bounded() {
    let limits = Limits {
        table_elements: 100,
        tables: 2,
        ..Limits::HOST
    };
    let engine = mote::engine(&config(limits));
    let (mut store, host) = store_with_host(&engine);
    let big = module(&engine, "(module (table 101 funcref))");
    assert_limit(&Instance::new(&mut store, &big, &[]).unwrap_err());
    let m = module(
        &engine,
        r#"(module
             (table $t 10 funcref)
             (func (export "grow") (param i32) (result i32)
               (table.grow $t (ref.null func) (local.get 0)))
             (func (export "size") (result i32) (table.size $t)))"#,
    );
    let instance = Instance::new(&mut store, &m, &[]).unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
    assert_eq!(grow.call(&mut store, -1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 91).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 90).unwrap(), 10);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 100);

    let ty = TableType::new(RefType::FuncRef, 0, None);
    let table = Table::new(&mut store, ty, Val::FuncRef(None)).unwrap();
    assert!(table.grow(&mut store, 101, Val::FuncRef(None)).is_err());
    assert_eq!(table.size(&store), 0);
    assert_limit(&Table::new(&mut store, ty, Val::FuncRef(None)).unwrap_err());
    assert_host_usable(&mut store, host);
    assert_eq!(size.call(&mut store, ()).unwrap(), 100);
}

/// Instances per store: instantiating in a loop stops at the limit with an error, and the
/// instances made before still run.
#[test]
fn instances_per_store_are_bounded() {
    let limits = Limits {
        instances: 3,
        ..Limits::HOST
    };
    let engine = mote::engine(&config(limits));
    let m = module(
        &engine,
        r#"(module (func (export "f") (result i32) (i32.const 9)))"#,
    );
    let (mut store, host) = store_with_host(&engine);
    let mut made = Vec::new();
    let err = loop {
        match Instance::new(&mut store, &m, &[]) {
            Ok(i) => made.push(i),
            Err(e) => break e,
        }
        assert!(made.len() <= 3, "the limit of 3 instances is not enforced");
    };
    assert_limit(&err);
    assert_eq!(made.len(), 3);
    for i in &made {
        let f = i.get_typed_func::<(), i32>(&store, "f").unwrap();
        assert_eq!(f.call(&mut store, ()).unwrap(), 9);
    }
    assert_host_usable(&mut store, host);
}

/// Translated-code bytes: a module whose code does not fit is refused with a `Limit` error
/// naming the limit; the engine still compiles small modules.
#[test]
fn translated_code_bytes_are_bounded() {
    let limits = Limits {
        code_bytes: 4096,
        ..Limits::HOST
    };
    let engine = mote::engine(&config(limits));
    let body = "(drop (i32.add (local.get 0) (i32.const 1)))".repeat(2000);
    let wat = format!(r#"(module (func (export "f") (param i32) {body}))"#);
    let wasm = wat::parse_str(&wat).unwrap();
    let err = Module::new(&engine, &wasm).unwrap_err();
    assert_limit(&err);
    // Many small functions add up the same way.
    let many = format!(
        "(module {})",
        "(func (result i32) (i32.add (i32.const 1) (i32.const 2)))".repeat(2000)
    );
    assert_limit(&Module::new(&engine, wat::parse_str(&many).unwrap()).unwrap_err());

    let small = module(
        &engine,
        r#"(module (func (export "f") (result i32) (i32.const 1)))"#,
    );
    let (mut store, host) = store_with_host(&engine);
    let instance = Instance::new(&mut store, &small, &[]).unwrap();
    let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 1);
    assert_host_usable(&mut store, host);
}

/// Fuel bounds every way a guest can run forever: an empty loop, recursion without loops
/// (bounded by depth too, so give it plenty of depth), and a loop of host calls.
#[test]
fn fuel_bounds_every_kind_of_endless_guest() {
    let limits = Limits {
        call_depth: 1_000_000,
        value_stack_slots: 1 << 22,
        ..Limits::HOST
    };
    let mut cfg = config(limits);
    cfg.consume_fuel(true);
    let engine = mote::engine(&cfg);
    let m = module(
        &engine,
        r#"(module
             (import "host" "double" (func $double (param i32) (result i32)))
             (func (export "spin") (loop (br 0)))
             (func $rec (export "rec") (call $rec))
             (func (export "host_loop") (loop (drop (call $double (i32.const 1))) (br 0))))"#,
    );
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "double", |mut c: Caller<'_, u32>, x: i32| {
            *c.data_mut() += 1;
            x * 2
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &m).unwrap();
    for name in ["spin", "rec", "host_loop"] {
        let f = instance.get_func(&store, name).unwrap();
        store.set_fuel(10_000).unwrap();
        let err = f.call(&mut store, &[], &mut []).unwrap_err();
        assert!(
            matches!(
                err.trap_code(),
                Some(TrapCode::OutOfFuel | TrapCode::StackOverflow)
            ),
            "{name}: {err}"
        );
        assert!(store.get_fuel().unwrap() < 10_000, "{name} paid nothing");
        // Resumable: suspends again and again, never finishes, and can be dropped.
        store.set_fuel(100).unwrap();
        let mut outcome = Some(f.call_resumable(&mut store, &[], &mut []).unwrap());
        for _ in 0..20 {
            let Some(CallOutcome::Suspended(call)) = outcome.take() else {
                panic!("{name} finished");
            };
            assert!(matches!(call.reason(), SuspendReason::OutOfFuel { .. }));
            store.set_fuel(100).unwrap();
            match call.resume(&mut store, &mut []) {
                Ok(o) => outcome = Some(o),
                Err(e) => {
                    assert_trap(&e, TrapCode::StackOverflow);
                    break;
                }
            }
        }
        // A suspended call may simply be dropped.
        drop(outcome);
    }
    assert!(*store.data() > 0, "the host loop called the host");
}

/// The peers' bug classes (`USERS.md`, "Security lessons"): a null table entry must never call
/// function 0; 32-bit addresses plus offsets must not wrap; a host function that grows memory
/// under a running guest must not leave the guest with a stale view of it.
#[test]
fn null_entries_never_alias_function_zero() {
    let engine = mote::engine(&Config::new());
    let m = module(
        &engine,
        r#"(module
             (type $t (func (result i32)))
             (table $tab 4 funcref)
             (func $zero (result i32) (i32.const 1234))
             (elem (i32.const 1) func $zero)
             (func (export "call") (param i32) (result i32)
               (call_indirect $tab (type $t) (local.get 0)))
             (func (export "is_null") (param i32) (result i32)
               (ref.is_null (table.get $tab (local.get 0))))
             (func (export "grow_and_call") (result i32)
               (drop (table.grow $tab (ref.null func) (i32.const 2)))
               (call_indirect $tab (type $t) (i32.const 5))))"#,
    );
    let (mut store, host) = store_with_host(&engine);
    let instance = Instance::new(&mut store, &m, &[]).unwrap();
    let call = instance.get_typed_func::<i32, i32>(&store, "call").unwrap();
    let is_null = instance
        .get_typed_func::<i32, i32>(&store, "is_null")
        .unwrap();
    let grow_and_call = instance
        .get_typed_func::<(), i32>(&store, "grow_and_call")
        .unwrap();
    assert_eq!(call.call(&mut store, 1).unwrap(), 1234);
    for index in [0, 2, 3] {
        assert_trap(
            &call.call(&mut store, index).unwrap_err(),
            TrapCode::IndirectCallToNull,
        );
        assert_eq!(is_null.call(&mut store, index).unwrap(), 1);
    }
    assert_eq!(is_null.call(&mut store, 1).unwrap(), 0);
    assert_trap(
        &grow_and_call.call(&mut store, ()).unwrap_err(),
        TrapCode::IndirectCallToNull,
    );
    assert_host_usable(&mut store, host);
}

#[test]
fn addresses_and_offsets_do_not_wrap() {
    let engine = mote::engine(&Config::new());
    let m = module(
        &engine,
        r#"(module
             (memory 1)
             (func (export "load_off") (param i32) (result i32)
               (i32.load offset=4294967295 (local.get 0)))
             (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
             (func (export "store_off") (param i32)
               (i64.store offset=65535 (local.get 0) (i64.const -1)))
             (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 7) (local.get 1)))
             (func (export "copy") (param i32 i32 i32)
               (memory.copy (local.get 0) (local.get 1) (local.get 2))))"#,
    );
    let (mut store, host) = store_with_host(&engine);
    let instance = Instance::new(&mut store, &m, &[]).unwrap();
    let load_off = instance
        .get_typed_func::<i32, i32>(&store, "load_off")
        .unwrap();
    let load = instance.get_typed_func::<i32, i64>(&store, "load").unwrap();
    let store_off = instance
        .get_typed_func::<i32, ()>(&store, "store_off")
        .unwrap();
    let fill = instance
        .get_typed_func::<(i32, i32), ()>(&store, "fill")
        .unwrap();
    let copy = instance
        .get_typed_func::<(i32, i32, i32), ()>(&store, "copy")
        .unwrap();
    let oob = TrapCode::MemoryOutOfBounds;
    for addr in [0, 1, -1, i32::MIN] {
        assert_trap(&load_off.call(&mut store, addr).unwrap_err(), oob);
    }
    // The last whole i64 is at 65528; 65529 and 0xffff_fff9 (which wraps to 1 in u32) trap.
    assert_eq!(load.call(&mut store, 65528).unwrap(), 0);
    assert_trap(&load.call(&mut store, 65529).unwrap_err(), oob);
    assert_trap(&load.call(&mut store, -7).unwrap_err(), oob);
    assert_trap(&store_off.call(&mut store, 1).unwrap_err(), oob);
    assert_trap(&store_off.call(&mut store, -65535).unwrap_err(), oob);
    assert_trap(&fill.call(&mut store, (1, -1)).unwrap_err(), oob);
    assert_trap(&fill.call(&mut store, (-1, 2)).unwrap_err(), oob);
    assert_trap(&copy.call(&mut store, (0, 1, -1)).unwrap_err(), oob);
    assert_trap(&copy.call(&mut store, (-16, 0, 32)).unwrap_err(), oob);
    // Nothing was written by the failed accesses (`fill` and `copy` check before writing).
    assert_eq!(load.call(&mut store, 0).unwrap(), 0);
    assert_eq!(load.call(&mut store, 65528).unwrap(), 0);
    assert_host_usable(&mut store, host);
}

#[test]
fn memory_grown_by_the_host_is_visible_to_the_running_guest() {
    let engine = mote::engine(&Config::new());
    let m = module(
        &engine,
        r#"(module
             (import "host" "grow" (func $grow))
             (memory (export "mem") 1)
             (func (export "run") (result i32)
               (i32.store (i32.const 65532) (i32.const 11))
               (call $grow)
               ;; Page 2 exists now: write at its end and read both back.
               (i32.store (i32.const 131068) (i32.const 22))
               (call $grow)
               (i32.store (i32.const 196604) (i32.const 33))
               (i32.add (i32.load (i32.const 65532))
                 (i32.add (i32.load (i32.const 131068)) (i32.load (i32.const 196604))))))"#,
    );
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "grow", |mut caller: Caller<'_, u32>| {
            let Some(mote::Extern::Memory(memory)) = caller.get_export("mem") else {
                return Err(mote::Error::host("no memory"));
            };
            memory.grow(&mut caller, 1)?;
            // Write through the host view as well.
            let len = memory.data_size(&caller);
            memory.data_mut(&mut caller)[len - 1] = 0xab;
            Ok(())
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &m).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 66);
    let memory = instance.get_memory(&store, "mem").unwrap();
    assert_eq!(memory.data_size(&store), 3 * 65536);
}

/// Tail calls (Wasm 3.0) do not grow the frame stack, so a `return_call` loop is bounded only
/// by fuel: it must pay at every call and suspend when it runs out.
#[test]
fn tail_call_loops_pay_fuel() {
    let limits = Limits {
        call_depth: 8,
        ..Limits::HOST
    };
    let mut cfg = config(limits);
    cfg.consume_fuel(true);
    let engine = mote::engine(&cfg);
    let m = module(
        &engine,
        r#"(module
             (func $f (export "forever") (param i32) (result i32)
               (return_call $f (i32.add (local.get 0) (i32.const 1))))
             (func $g (export "count") (param i32) (result i32)
               (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 77))
                 (else (return_call $g (i32.sub (local.get 0) (i32.const 1)))))))"#,
    );
    let (mut store, host) = store_with_host(&engine);
    let instance = Instance::new(&mut store, &m, &[]).unwrap();
    let count = instance
        .get_typed_func::<i32, i32>(&store, "count")
        .unwrap();
    store.set_fuel(10_000_000).unwrap();
    assert_eq!(
        count.call(&mut store, 100_000).unwrap(),
        77,
        "depth 8 is enough for tail calls"
    );
    let forever = instance.get_func(&store, "forever").unwrap();
    store.set_fuel(5_000).unwrap();
    let mut out = [Val::I32(0)];
    let err = forever
        .call(&mut store, &[Val::I32(0)], &mut out)
        .unwrap_err();
    assert_trap(&err, TrapCode::OutOfFuel);
    store.set_fuel(100).unwrap();
    let outcome = forever
        .call_resumable(&mut store, &[Val::I32(0)], &mut out)
        .unwrap();
    assert!(matches!(outcome, CallOutcome::Suspended(_)));
    drop(outcome);
    store.set_fuel(100).unwrap();
    assert_host_usable(&mut store, host);
}
