//! Fuel: both engines charge the same segments, suspend at the same points and leave the same
//! fuel behind.

use mote_core::{CallOutcome, Config, Linker, SuspendReason, Val};

use crate::{engines, instantiate};

const WAT: &str = r#"
(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "switch") (param $n i32) (result i32) (local $acc i32)
    (loop $next
      (block $two (block $one (block $zero
        (br_table $zero $one $two (i32.rem_u (local.get $n) (i32.const 3))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 1))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 10))))
      (local.set $acc (i32.add (local.get $acc) (i32.const 100)))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $next))
    (local.get $acc)))
"#;

fn fuel_config() -> Config {
    let mut config = Config::new();
    config.consume_fuel(true);
    config
}

#[test]
fn both_engines_charge_the_same_fuel() {
    let mut left = Vec::new();
    for engine in engines(&fuel_config()) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), WAT);
        store.set_fuel(10_000_000).unwrap();
        let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
        assert_eq!(fib.call(&mut store, 15).unwrap(), 610);
        let after_fib = store.get_fuel().unwrap();
        let switch = instance
            .get_typed_func::<i32, i32>(&store, "switch")
            .unwrap();
        assert_eq!(
            switch.call(&mut store, 10).unwrap(),
            1000 + 3 * 10 + 4 * 10 + 3
        );
        left.push((after_fib, store.get_fuel().unwrap()));
    }
    assert_eq!(left[0], left[1], "interpreter vs JIT fuel left");
}

#[test]
fn both_engines_suspend_at_the_same_points() {
    let mut traces = Vec::new();
    for engine in engines(&fuel_config()) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), WAT);
        let fib = instance.get_func(&store, "fib").unwrap();
        store.set_fuel(13).unwrap();
        let mut results = [Val::I32(0)];
        let mut outcome = fib
            .call_resumable(&mut store, &[Val::I32(10)], &mut results)
            .unwrap();
        let mut trace = Vec::new();
        while let CallOutcome::Suspended(call) = outcome {
            let SuspendReason::OutOfFuel { required } = call.reason() else {
                panic!("unexpected {:?}", call.reason());
            };
            trace.push((required, store.get_fuel().unwrap()));
            store.set_fuel(13).unwrap();
            outcome = call.resume(&mut store, &mut results).unwrap();
        }
        assert_eq!(results, [Val::I32(55)]);
        trace.push((0, store.get_fuel().unwrap()));
        traces.push(trace);
    }
    assert!(traces[0].len() > 10);
    assert_eq!(traces[0], traces[1], "interpreter vs JIT suspensions");
}

#[test]
fn a_suspended_call_can_be_dropped() {
    for engine in engines(&fuel_config()) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), WAT);
        let fib = instance.get_func(&store, "fib").unwrap();
        store.set_fuel(50).unwrap();
        let mut results = [Val::I32(0)];
        let outcome = fib
            .call_resumable(&mut store, &[Val::I32(20)], &mut results)
            .unwrap();
        assert!(matches!(outcome, CallOutcome::Suspended(_)));
        drop(outcome);
        store.set_fuel(1_000_000).unwrap();
        let fib = fib.typed::<i32, i32>(&store).unwrap();
        assert_eq!(fib.call(&mut store, 10).unwrap(), 55, "{engine:?}");
    }
}

#[test]
fn a_suspended_call_resumes_after_its_store_moved_to_another_thread() {
    for engine in engines(&fuel_config()) {
        let (mut store, instance) = instantiate(&engine, &Linker::new(&engine), (), WAT);
        let fib = instance.get_func(&store, "fib").unwrap();
        store.set_fuel(100).unwrap();
        let mut results = [Val::I32(0)];
        let outcome = fib
            .call_resumable(&mut store, &[Val::I32(15)], &mut results)
            .unwrap();
        let CallOutcome::Suspended(call) = outcome else {
            panic!("100 units cannot compute fib(15)");
        };
        // The store moves (to the heap, then to another thread) while the call is suspended.
        let store = Box::new(store);
        let handle = std::thread::spawn(move || {
            let mut store = store;
            let mut call = call;
            let mut results = [Val::I32(0)];
            loop {
                store.set_fuel(100).unwrap();
                match call.resume(&mut *store, &mut results).unwrap() {
                    CallOutcome::Finished => return results,
                    CallOutcome::Suspended(next) => call = next,
                }
            }
        });
        assert_eq!(handle.join().unwrap(), [Val::I32(610)], "{engine:?}");
    }
}
