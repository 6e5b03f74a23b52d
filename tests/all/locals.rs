//! Operand-stack values that came from `local.get` must keep the value the local had when it
//! was read, whatever later writes to the local and whatever control flow follows. (The
//! interpreter's translator reads locals lazily; these cases pin the semantics down.)

use mote::{Config, Val};

use crate::instantiate;

/// Each function takes `(i32 i32)` and returns one `i32`.
const LOCALS: &str = r#"
(module
  (func (export "stale_set") (param i32 i32) (result i32)
    (local.get 0) (local.set 0 (local.get 1)))
  (func (export "stale_tee") (param i32 i32) (result i32)
    (local.get 0) (local.tee 0 (local.get 1)) (i32.sub))
  (func (export "swap") (param i32 i32) (result i32)
    (local.get 0) (local.get 1) (local.set 0) (local.set 1)
    (i32.sub (local.get 0) (local.get 1)))
  (func (export "set_in_block") (param i32 i32) (result i32)
    (local.get 0) (block (local.set 0 (local.get 1))))
  (func (export "set_in_loop") (param i32 i32) (result i32)
    (local.get 0)
    (loop (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br_if 0 (i32.lt_u (local.get 0) (i32.const 10))))
    (i32.sub (local.get 0)))
  (func (export "retarget") (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.add (local.get 0) (local.get 1)))
    (local.get 2) (local.set 2 (i32.mul (local.get 2) (i32.const 2))) (local.get 2) (i32.sub))
  (func (export "br_value") (param i32 i32) (result i32)
    (block (result i32) (local.get 0) (local.set 0 (local.get 1)) (br 0)))
  (func (export "br_if_value") (param i32 i32) (result i32)
    (block (result i32)
      (local.get 0) (local.set 0 (local.get 1)) (local.get 1) (br_if 0) (drop) (i32.const 7)))
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "call_arg") (param i32 i32) (result i32)
    (local.get 0) (local.set 0 (local.get 1)) (call $id))
  (func (export "select") (param i32 i32) (result i32)
    (local.get 0) (local.get 1) (local.set 0 (i32.const 5)) (local.set 1 (i32.const 6))
    (i32.const 1) (select))
  (func (export "below_br_if") (param i32 i32) (result i32)
    (local.get 0) (block (br_if 0 (local.get 1))) (i32.const 100) (i32.add))
  (func (export "below_block_with_if") (param i32 i32) (result i32)
    (local.get 0)
    (block (result i32)
      (if (result i32) (local.get 1) (then (i32.const 5)) (else (i32.const 7))))
    (i32.add))
  (func (export "below_if") (param i32 i32) (result i32)
    (local.get 0) (if (local.get 1) (then (nop))) (i32.const 100) (i32.add))
  (func (export "below_if_else") (param i32 i32) (result i32)
    (local.get 0)
    (if (result i32) (local.get 1) (then (i32.const 5)) (else (i32.const 7)))
    (i32.add))
  (func (export "below_if_set") (param i32 i32) (result i32)
    (local.get 0)
    (if (local.get 1) (then (nop)) (else (local.set 0 (i32.const 9))))
    (i32.const 100) (i32.add)))
"#;

fn check(name: &str, cases: &[((i32, i32), i32)]) {
    let (mut store, instance) = instantiate(&Config::new(), LOCALS);
    let func = instance
        .get_typed_func::<(i32, i32), i32>(&store, name)
        .unwrap();
    for &(args, expected) in cases {
        let got = func.call(&mut store, args).unwrap();
        assert_eq!(got, expected, "{name}{args:?}");
    }
}

#[test]
fn writes_do_not_change_values_already_read() {
    check("stale_set", &[((1, 2), 1)]);
    check("stale_tee", &[((10, 3), 7)]);
    check("swap", &[((1, 2), 1)]);
    check("set_in_block", &[((1, 2), 1)]);
    check("set_in_loop", &[((3, 0), 3 - 10)]);
    check("retarget", &[((3, 4), -7)]);
    check("call_arg", &[((1, 2), 1)]);
    check("select", &[((1, 2), 1)]);
}

#[test]
fn values_read_before_branches_survive_them() {
    check("br_value", &[((1, 2), 1)]);
    check("br_if_value", &[((1, 2), 1), ((1, 0), 7)]);
    check("below_br_if", &[((1, 0), 101), ((1, 1), 101)]);
    check("below_block_with_if", &[((1, 0), 8), ((1, 1), 6)]);
}

/// Fails with mote-interp at f9ac1b1: a `local.get` value left on the stack directly below an
/// `if` in the same block reads as 0 when the condition is false (the else path, or no path
/// through the `if` at all).
#[test]
fn values_read_before_if_survive_the_else_path() {
    check("below_if", &[((1, 1), 101), ((1, 0), 101)]);
    check("below_if_else", &[((1, 1), 6), ((1, 0), 8)]);
    check("below_if_set", &[((1, 1), 101), ((1, 0), 101)]);
}

#[test]
fn values_survive_calls_from_the_host() {
    // The same function called through `Func::call` with `Val`s.
    let (mut store, instance) = instantiate(&Config::new(), LOCALS);
    let func = instance.get_func(&store, "stale_set").unwrap();
    let mut out = [Val::I32(0)];
    func.call(&mut store, &[Val::I32(-5), Val::I32(9)], &mut out)
        .unwrap();
    assert_eq!(out, [Val::I32(-5)]);
}
