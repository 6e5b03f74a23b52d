//! Epoch interruption in the interpreter: another thread advances the engine's epoch, and a
//! running call stops with the `Interrupt` trap at its next loop header or function entry,
//! whether the code was translated here or loaded from a compiled image.

use std::time::{Duration, Instant};

use mote_core::{Config, Engine, ErrorKind, Instance, Module, Store, TrapCode};
use mote_interp::Interpreter;
use mote_interp::image::{compile, load_copy};

const WAT: &str = r#"
(module
  (func (export "spin") (loop (br 0)))
  (func (export "spin_fast") (param i32)
    ;; A loop whose exit test comes first: the translator's loop rewrites must keep the check.
    (block $out (loop $l (br_if $out (i32.eqz (local.get 0))) (br $l))))
  (func $down (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $down (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 7))))
  (func (export "down") (param i32) (result i32) (call $down (local.get 0))))
"#;

fn engine(epochs: bool, fuel: bool) -> Engine {
    let mut config = Config::new();
    config.epoch_interruption(epochs).consume_fuel(fuel);
    Engine::new(&config, Interpreter::new())
}

/// Runs `name` on `module` while another thread advances the epoch after 50 ms.
fn interrupted(module: &Module, name: &str, fuel: bool) {
    let engine = module.engine().clone();
    let mut store = Store::new(&engine, ());
    if fuel {
        store.set_fuel(u64::MAX).unwrap();
    }
    let instance = Instance::new(&mut store, module, &[]).unwrap();
    let func = instance.get_func(&store, name).unwrap();
    store.set_epoch_deadline(1);
    let ticker = engine.clone();
    let start = Instant::now();
    let timer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        ticker.increment_epoch();
    });
    let args = [mote_core::Val::I32(1)];
    let params = if name == "spin" {
        &args[..0]
    } else {
        &args[..]
    };
    let err = func
        .call(&mut store, params, &mut [])
        .expect_err("the loop is interrupted");
    timer.join().unwrap();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt), "{name}: {err}");
    assert!(start.elapsed() >= Duration::from_millis(50));
}

#[test]
fn another_thread_interrupts_infinite_loops() {
    for fuel in [false, true] {
        let engine = engine(true, fuel);
        let module = Module::new(&engine, wat::parse_str(WAT).unwrap()).unwrap();
        interrupted(&module, "spin", fuel);
        interrupted(&module, "spin_fast", fuel);
    }
}

#[test]
fn images_keep_the_checks() {
    let engine = engine(true, false);
    let image = compile(&engine, &wat::parse_str(WAT).unwrap()).unwrap();
    let module = load_copy(&engine, &image).unwrap();
    interrupted(&module, "spin", false);
    // The setting is part of the image: an engine without it refuses the image, and so does
    // an engine with it for an image compiled without.
    let err = load_copy(&self::engine(false, false), &image).expect_err("differs");
    assert!(matches!(err.kind(), ErrorKind::BadImage { .. }), "{err}");
    let plain = compile(&self::engine(false, false), &wat::parse_str(WAT).unwrap()).unwrap();
    let err = load_copy(&engine, &plain).expect_err("differs");
    assert!(matches!(err.kind(), ErrorKind::BadImage { .. }), "{err}");
}

#[test]
fn recursion_is_stopped_at_a_function_entry() {
    let engine = engine(true, false);
    let module = Module::new(&engine, wat::parse_str(WAT).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    store.set_epoch_deadline(1);
    assert_eq!(down.call(&mut store, 100).unwrap(), 7);
    engine.increment_epoch();
    let err = down
        .call(&mut store, 100)
        .expect_err("the deadline is reached");
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
    // A later deadline lets calls complete again.
    store.set_epoch_deadline(5);
    assert_eq!(down.call(&mut store, 100).unwrap(), 7);
}

#[test]
fn without_the_setting_nothing_is_checked() {
    let engine = engine(false, false);
    let module = Module::new(&engine, wat::parse_str(WAT).unwrap()).unwrap();
    let listing = mote_interp::disassemble(&module).unwrap();
    assert!(!listing.contains("CheckEpoch"), "{listing}");
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    engine.increment_epoch();
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 10).unwrap(), 7);
}
