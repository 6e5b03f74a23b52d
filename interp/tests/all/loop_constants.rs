//! Constants read inside loops live in slots of their own that the function's prologue fills:
//! nothing that runs in the loop may overwrite them, calls included (a callee's frame starts
//! at an operand slot of the caller and overlaps all slots above it).

use mote_core::{Config, Engine, Instance, Module, Store};

const CALLS_IN_A_LOOP: &str = r#"
(module
  ;; Writes every slot of a large frame: if the caller's constants lay above the call's
  ;; arguments, this would overwrite them.
  (func $clobber (param $x i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local.set $a (i64.const -1)) (local.set $b (i64.const -1)) (local.set $c (i64.const -1))
    (local.set $d (i64.const -1)) (local.set $e (i64.const -1))
    (i64.add (local.get $x)
      (i64.add (i64.add (local.get $a) (local.get $b))
               (i64.add (local.get $c) (i64.add (local.get $d) (local.get $e))))))
  ;; sum over i < n of (clobber(i) + 5) * 3 with i64 constants that have no immediate form
  ;; (`mul` by a slot) and are read after each call.
  (func (export "run") (param $n i64) (result i64)
    (local $i i64) (local $sum i64)
    (block $done
      (loop $l
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i64.add (local.get $sum)
            (i64.mul (i64.add (call $clobber (local.get $i)) (i64.const 5000000000))
                     (i64.const 3))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $l)))
    (local.get $sum)))
"#;

#[test]
fn calls_inside_a_loop_leave_its_constants_alone() {
    let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
    let wasm = wat::parse_str(CALLS_IN_A_LOOP).expect("valid text");
    let module = Module::new(&engine, &wasm).expect("translates");
    let listing = mote_interp::disassemble(&module).expect("interpreter code");
    // The constants are in the prologue, not in the loop.
    assert!(
        listing.contains("hi: 1 }") && listing.matches("Const64").count() >= 1,
        "{listing}"
    );
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let run = instance
        .get_typed_func::<i64, i64>(&store, "run")
        .expect("export");
    let expected: i64 = (0..100i64).map(|i| (i - 5 + 5_000_000_000) * 3).sum();
    assert_eq!(run.call(&mut store, 100).expect("runs"), expected);
}
