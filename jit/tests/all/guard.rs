//! Guard pages: memories with 64 KiB pages are reservations that compiled code accesses
//! without bounds checks (an access out of bounds faults in the guard region and becomes a
//! trap). Every test is differential over three engines: the interpreter, the JIT with guard
//! pages (its default) and the JIT without (explicit checks); all must give the same answers.

use mote_core::{
    Config, Engine, Error, Extern, Instance, Linker, Memory, MemoryType, Store, TrapCode,
};

use crate::module;

/// The interpreter, the JIT with guard pages, the JIT without.
fn three_engines(config: &Config) -> [Engine; 3] {
    let jit = || mote_jit::Jit::new().expect("tests run on a JIT host");
    [
        Engine::new(config, mote_interp::Interpreter::new()),
        Engine::new(config, jit()),
        Engine::new(config, jit().guard_pages(false)),
    ]
}

/// What a call gave: its `i64` result, or the trap code and the trapping function.
type Outcome = Result<i64, (Option<TrapCode>, Option<u32>)>;

fn outcome(r: Result<i64, Error>) -> Outcome {
    r.map_err(|e| (e.trap_code(), e.function().map(|(index, _)| index)))
}

/// Loads and stores of every width, with static offsets from 0 to `u32::MAX`: below the
/// guard region's size (no check), at and past it (checked), and at the 4 GiB edge.
const OFFSETS: [u64; 10] = [
    0,
    7,
    4096,
    65_535,
    0x10_0000,
    0x1ff_fff8,
    0x200_0000,
    0x7fff_ffff,
    0xffff_fff0,
    0xffff_ffff,
];

/// `(operator, value type, width)` of the accesses tested.
const ACCESSES: [(&str, &str, u32); 8] = [
    ("i32.load8_u", "i32", 1),
    ("i32.load16_s", "i32", 2),
    ("i32.load", "i32", 4),
    ("i64.load", "i64", 8),
    ("f64.load", "f64", 8),
    ("i32.store8", "i32", 1),
    ("i64.store32", "i64", 4),
    ("i64.store", "i64", 8),
];

/// One export per access and offset: `(param i32) (result i64)`, the loaded value (or 0 after
/// a store, which stores the address plus one).
fn guard_module() -> String {
    let mut wat = String::from("(module (memory 2)\n");
    for (op, ty, _) in ACCESSES {
        for offset in OFFSETS {
            let body = if op.contains("store") {
                let value = if ty == "i64" {
                    "(i64.extend_i32_u (i32.add (local.get 0) (i32.const 1)))"
                } else {
                    "(i32.add (local.get 0) (i32.const 1))"
                };
                format!("({op} offset={offset} (local.get 0) {value}) (i64.const 0)")
            } else {
                let load = format!("({op} offset={offset} (local.get 0))");
                match ty {
                    "i64" => load,
                    "f64" => format!("(i64.reinterpret_f64 {load})"),
                    _ => format!("(i64.extend_i32_s {load})"),
                }
            };
            wat += &format!("(func (export \"{op}/{offset}\") (param i32) (result i64) {body})\n");
        }
    }
    wat + ")"
}

#[test]
fn guarded_accesses_trap_through_the_guard_region() {
    const SIZE: i64 = 2 * 65_536;
    let wat = guard_module();
    let mut results: Vec<Vec<(String, Outcome)>> = Vec::new();
    for engine in three_engines(&Config::new()) {
        let module = module(&engine, &wat);
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let mut seen = Vec::new();
        for (op, _, width) in ACCESSES {
            for offset in OFFSETS {
                let name = format!("{op}/{offset}");
                let f = instance.get_typed_func::<i32, i64>(&store, &name).unwrap();
                // Addresses around the end of memory (for this offset), the guard region,
                // 2 GiB and the 4 GiB edge.
                let end = SIZE - i64::from(width) - offset.cast_signed();
                let mut addresses: Vec<i64> = vec![0, 1, 4096, end - 1, end, end + 1, SIZE];
                addresses.extend([SIZE + 0x1ff_0000, 0x7fff_ffff, 0x8000_0000, 0xffff_fff8]);
                addresses.push(0xffff_ffff);
                for address in addresses {
                    let Ok(address) = u32::try_from(address) else {
                        continue;
                    };
                    let address = address.cast_signed();
                    let got = outcome(f.call(&mut store, address));
                    seen.push((format!("{name} at {address:#x}"), got));
                }
            }
        }
        results.push(seen);
    }
    let traps = results[0]
        .iter()
        .filter(|(_, o)| matches!(o, Err((Some(TrapCode::MemoryOutOfBounds), Some(_)))))
        .count();
    let fine = results[0].iter().filter(|(_, o)| o.is_ok()).count();
    assert!(traps > 100 && fine > 50, "{traps} traps, {fine} in bounds");
    for other in &results[1..] {
        for (a, b) in results[0].iter().zip(other) {
            assert_eq!(a, b, "interpreter vs JIT");
        }
    }
}

#[test]
fn grown_pages_are_accessible_and_zero() {
    let wat = r#"(module (memory 1 4)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
      (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1))))"#;
    for engine in three_engines(&Config::new()) {
        let module = module(&engine, wat);
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        let load = instance.get_typed_func::<i32, i64>(&store, "load").unwrap();
        let put = instance
            .get_typed_func::<(i32, i64), ()>(&store, "store")
            .unwrap();
        let oob = |r: Result<(), Error>| {
            assert_eq!(
                r.unwrap_err().trap_code(),
                Some(TrapCode::MemoryOutOfBounds)
            );
        };
        oob(put.call(&mut store, (65_536, 1)));
        oob(load.call(&mut store, 65_529).map(drop));
        assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
        assert_eq!(
            load.call(&mut store, 65_536).unwrap(),
            0,
            "new pages are zero"
        );
        put.call(&mut store, (65_536, 0x0102_0304_0506_0708))
            .unwrap();
        assert_eq!(
            load.call(&mut store, 65_536).unwrap(),
            0x0102_0304_0506_0708
        );
        put.call(&mut store, (2 * 65_536 - 8, -1)).unwrap();
        oob(put.call(&mut store, (2 * 65_536 - 7, -1)));
        assert_eq!(grow.call(&mut store, 2).unwrap(), 2);
        assert_eq!(load.call(&mut store, 4 * 65_536 - 8).unwrap(), 0);
        oob(load.call(&mut store, 4 * 65_536 - 7).map(drop));
        assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "the maximum");
        // What was written before growing is still there.
        assert_eq!(load.call(&mut store, 2 * 65_536 - 8).unwrap(), -1);
    }
}

#[test]
fn memories_with_one_byte_pages_stay_checked() {
    let wat = r#"(module (memory 5 (pagesize 1))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"#;
    for engine in three_engines(&Config::new()) {
        let module = module(&engine, wat);
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
        let put = instance
            .get_typed_func::<(i32, i32), ()>(&store, "store8")
            .unwrap();
        put.call(&mut store, (4, 9)).unwrap();
        assert_eq!(load.call(&mut store, 1).unwrap(), 9 << 24);
        // One byte past the end: inside any host page, so only a check can catch it.
        let err = load.call(&mut store, 2).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
        let err = put.call(&mut store, (5, 1)).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
        assert_eq!(grow.call(&mut store, 3).unwrap(), 5);
        assert_eq!(load.call(&mut store, 4).unwrap(), 9, "grown bytes are zero");
        let err = load.call(&mut store, 5).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
    }
}

#[test]
fn an_embedder_memory_is_guarded_too() {
    let wat = r#"(module (import "env" "mem" (memory 1))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))"#;
    for engine in three_engines(&Config::new()) {
        let module = module(&engine, wat);
        let mut store = Store::new(&engine, ());
        let memory = Memory::new(&mut store, MemoryType::new(1, Some(3))).unwrap();
        memory.data_mut(&mut store)[100..104].copy_from_slice(&7_i32.to_le_bytes());
        let mut linker = Linker::new(&engine);
        linker.define("env", "mem", Extern::Memory(memory)).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
        let put = instance
            .get_typed_func::<(i32, i32), ()>(&store, "store")
            .unwrap();
        assert_eq!(load.call(&mut store, 100).unwrap(), 7);
        put.call(&mut store, (65_532, 42)).unwrap();
        assert_eq!(memory.data(&store)[65_532..], 42_i32.to_le_bytes());
        let err = put.call(&mut store, (65_533, 1)).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
        // Grown by the embedder, then used by the guest.
        assert_eq!(memory.grow(&mut store, 1).unwrap(), 1);
        assert_eq!(memory.data_size(&store), 2 * 65_536);
        put.call(&mut store, (2 * 65_536 - 4, 5)).unwrap();
        assert_eq!(memory.data(&store)[2 * 65_536 - 4], 5);
        assert_eq!(grow.call(&mut store, 1).unwrap(), 2);
        assert!(memory.grow(&mut store, 1).is_err(), "the maximum");
        let err = load.call(&mut store, 3 * 65_536 - 3).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
    }
}

#[test]
fn many_guarded_memories_come_and_go() {
    // Each store's memories are unmapped with it: far more memories than the address space
    // could hold at once (about 32 000 reservations of 4 GiB) come and go.
    let engine = &three_engines(&Config::new())[1];
    let module = module(
        engine,
        "(module (memory 1) (func (export \"f\") (result i32) (i32.load (i32.const 0))))",
    );
    for _ in 0..200 {
        let mut store = Store::new(engine, ());
        for _ in 0..200 {
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
            assert_eq!(f.call(&mut store, ()).unwrap(), 0);
        }
    }
}
