//! Fuel metering and resumable calls: running out of fuel suspends, host functions can yield.

use mote::{
    CallOutcome, Caller, Config, Error, Linker, Store, SuspendReason, SuspendedCall, TrapCode, Val,
};

use crate::{instantiate, module};

/// Sums 1..=n in a loop: about n basic blocks of work.
const SUM: &str = r#"
(module
  (func (export "sum") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func (export "answer") (result i32) (i32.const 42)))
"#;

fn fuel_config() -> Config {
    let mut config = Config::new();
    config.consume_fuel(true);
    config
}

#[test]
fn out_of_fuel_suspends_and_resumes() {
    let (mut store, instance) = instantiate(&fuel_config(), SUM);
    let sum = instance.get_func(&store, "sum").unwrap();
    store.set_fuel(50).unwrap();
    let mut results = [Val::I32(0)];
    let mut outcome = sum
        .call_resumable(&mut store, &[Val::I32(1000)], &mut results)
        .expect("suspends, does not fail");
    let mut suspensions = 0;
    let mut spent = 50;
    while let CallOutcome::Suspended(call) = outcome {
        suspensions += 1;
        assert!(suspensions < 10_000, "the call makes no progress");
        let SuspendReason::OutOfFuel { required } = call.reason() else {
            panic!("unexpected suspension: {:?}", call.reason());
        };
        assert!(required > 0);
        let fuel = required.max(50);
        store.set_fuel(fuel).unwrap();
        spent += fuel;
        outcome = call.resume(&mut store, &mut results).expect("resumes");
    }
    assert!(suspensions > 1, "50 units cannot sum 1000 numbers");
    assert_eq!(results, [Val::I32(500_500)]);
    let left = store.get_fuel().unwrap();
    assert!(left <= spent);

    // The store is usable for other calls afterwards.
    store.set_fuel(100).unwrap();
    let answer = instance
        .get_typed_func::<(), i32>(&store, "answer")
        .unwrap();
    assert_eq!(answer.call(&mut store, ()).unwrap(), 42);
}

#[test]
fn plain_call_traps_when_fuel_runs_out() {
    let (mut store, instance) = instantiate(&fuel_config(), SUM);
    let sum = instance.get_typed_func::<i32, i32>(&store, "sum").unwrap();
    store.set_fuel(100).unwrap();
    let err = sum.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel), "{err}");
    // Enough fuel for a short call, afterwards.
    store.set_fuel(10_000).unwrap();
    assert_eq!(sum.call(&mut store, 10).unwrap(), 55);
    assert!(store.get_fuel().unwrap() < 10_000, "the call consumed fuel");
}

#[test]
fn fuel_is_off_by_default() {
    let (mut store, _) = instantiate(&Config::new(), SUM);
    assert!(store.set_fuel(10).is_err());
    assert!(store.get_fuel().is_err());
}

#[test]
fn typed_resumable_call() {
    let (mut store, instance) = instantiate(&fuel_config(), SUM);
    let sum = instance.get_typed_func::<i32, i32>(&store, "sum").unwrap();
    let mut results = Vec::new();
    // No fuel at all: suspends before doing anything.
    let outcome = sum.call_resumable(&mut store, 100, &mut results).unwrap();
    let CallOutcome::Suspended(call) = outcome else {
        panic!("a call without fuel cannot finish");
    };
    store.set_fuel(1_000_000).unwrap();
    let outcome = call.resume(&mut store, &mut results).unwrap();
    assert!(matches!(outcome, CallOutcome::Finished));
    assert_eq!(results, [Val::I32(5050)]);
}

/// A guest that calls the host's `tick` three times, adding up what it returns.
const TICKER: &str = r#"
(module
  (import "host" "tick" (func $tick (result i32)))
  (func (export "run") (result i32)
    (i32.add (call $tick) (i32.add (call $tick) (call $tick)))))
"#;

fn ticker(config: &Config) -> (Store<u32>, mote::Func) {
    let engine = mote::engine(config);
    let module = module(&engine, TICKER);
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "tick",
            |mut caller: Caller<'_, u32>| -> Result<i32, Error> {
                *caller.data_mut() += 1;
                if caller.get_fuel().is_ok() {
                    caller.consume_fuel(10)?;
                }
                caller.request_yield();
                Ok(i32::try_from(*caller.data()).unwrap() * 10)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    (store, run)
}

#[test]
fn host_functions_can_yield() {
    let (mut store, run) = ticker(&Config::new());
    let mut results = [Val::I32(0)];
    let mut outcome = run.call_resumable(&mut store, &[], &mut results).unwrap();
    let mut yields = 0;
    while let CallOutcome::Suspended(call) = outcome {
        yields += 1;
        assert_eq!(call.reason(), SuspendReason::Yield);
        // The host function ran once per yield.
        assert_eq!(*store.data(), yields);
        outcome = call.resume(&mut store, &mut results).unwrap();
    }
    assert_eq!(yields, 3);
    assert_eq!(results, [Val::I32(60)]);

    // A plain call ignores the yield requests.
    run.call(&mut store, &[], &mut results).unwrap();
    assert_eq!(*store.data(), 6);
    assert_eq!(results, [Val::I32(40 + 50 + 60)]);
}

#[test]
fn host_functions_consume_fuel() {
    let (mut store, run) = ticker(&fuel_config());
    store.set_fuel(1000).unwrap();
    let mut results = [Val::I32(0)];
    run.call(&mut store, &[], &mut results).unwrap();
    assert_eq!(results, [Val::I32(60)]);
    let used = 1000 - store.get_fuel().unwrap();
    assert!(used >= 30, "three ticks cost 10 each, only {used} used");

    // Not enough fuel for the host's charge: the host returns the error, which traps.
    store.set_fuel(15).unwrap();
    let err = run.call(&mut store, &[], &mut results).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel), "{err}");
}

#[test]
fn consume_fuel_needs_metering() {
    let engine = mote::engine(&Config::new());
    let mut store = Store::new(&engine, None::<bool>);
    let probe = mote::Func::wrap(&mut store, |mut caller: Caller<'_, Option<bool>>| {
        let ok = caller.consume_fuel(1).is_ok();
        *caller.data_mut() = Some(ok);
    });
    probe.call(&mut store, &[], &mut []).unwrap();
    assert_eq!(*store.data(), Some(false));
}

/// `SuspendedCall` is an owned value: it can be stored and resumed later.
#[test]
fn suspended_calls_can_be_kept() {
    let (mut store, run) = ticker(&Config::new());
    let mut results = [Val::I32(0)];
    let mut pending: Vec<SuspendedCall> = Vec::new();
    if let CallOutcome::Suspended(call) = run.call_resumable(&mut store, &[], &mut results).unwrap()
    {
        pending.push(call);
    }
    // Another call runs to completion while the first is suspended.
    let mut other = [Val::I32(0)];
    run.call(&mut store, &[], &mut other).unwrap();
    let mut outcome = pending
        .pop()
        .unwrap()
        .resume(&mut store, &mut results)
        .unwrap();
    while let CallOutcome::Suspended(call) = outcome {
        outcome = call.resume(&mut store, &mut results).unwrap();
    }
    // tick counts 1 (first call), 2..=4 (other call), 5, 6 (first call again).
    assert_eq!(other, [Val::I32(20 + 30 + 40)]);
    assert_eq!(results, [Val::I32(10 + 50 + 60)]);
}
