//! Embedding Mote: run a guest a slice of fuel at a time, as a device's main loop would, with a
//! host function the guest calls to report its results.
//!
//! Run with `cargo run -p mote --example embed`.

use mote::{CallOutcome, Caller, Config, Error, Linker, Module, Store, Val};

/// Finds the primes below `n` by trial division, reporting each to the host; returns how many.
const PRIMES: &str = r#"
(module
  (import "host" "report" (func $report (param i32)))
  (func (export "primes") (param $n i32) (result i32)
    (local $i i32) (local $d i32) (local $count i32)
    (local.set $i (i32.const 2))
    (block $done
      (loop $candidate
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $d (i32.const 2))
        (block $prime
          (block $composite
            (loop $divisor
              (br_if $prime (i32.gt_u (i32.mul (local.get $d) (local.get $d)) (local.get $i)))
              (br_if $composite (i32.eqz (i32.rem_u (local.get $i) (local.get $d))))
              (local.set $d (i32.add (local.get $d) (i32.const 1)))
              (br $divisor)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $candidate))
        (call $report (local.get $i))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $candidate)))
    (local.get $count)))
"#;

/// Fuel per time slice.
const SLICE: u64 = 200;

fn main() -> Result<(), Error> {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = mote::engine(&config);
    let module = Module::new(&engine, wat::parse_str(PRIMES).expect("valid text"))?;

    // The store's data collects what the guest reports.
    let mut store = Store::new(&engine, Vec::<i32>::new());
    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "host",
        "report",
        |mut caller: Caller<'_, Vec<i32>>, prime: i32| {
            caller.data_mut().push(prime);
        },
    )?;
    let instance = linker.instantiate(&mut store, &module)?;
    let primes = instance
        .get_func(&store, "primes")
        .ok_or_else(|| Error::usage("no `primes` export"))?;

    store.set_fuel(SLICE)?;
    let mut results = [Val::I32(0)];
    let mut outcome = primes.call_resumable(&mut store, &[Val::I32(100)], &mut results)?;
    let mut slices = 1;
    while let CallOutcome::Suspended(call) = outcome {
        // A device would serve its radio, sensors and other tasks here.
        store.set_fuel(SLICE)?;
        slices += 1;
        outcome = call.resume(&mut store, &mut results)?;
    }
    println!(
        "{} primes below 100, found in {slices} slices of {SLICE} fuel: {:?}",
        results[0].i32().unwrap_or_default(),
        store.data()
    );
    Ok(())
}
