//! Epoch interruption: another thread advances the engine's epoch, and a running call of the
//! JIT stops with the `Interrupt` trap at its next loop back-edge or function entry.

use std::time::{Duration, Instant};

use mote_core::{Config, Engine, Linker, Module, Store, TrapCode};

const WAT: &str = r#"
(module
  (func (export "spin") (loop (br 0)))
  (func $down (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $down (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 7))))
  (func (export "down") (param i32) (result i32) (call $down (local.get 0))))
"#;

fn jit_engine(epochs: bool) -> Engine {
    let mut config = Config::new();
    config.epoch_interruption(epochs);
    Engine::new(
        &config,
        mote_jit::Jit::new().expect("tests run on a JIT host"),
    )
}

#[test]
fn another_thread_interrupts_an_infinite_loop() {
    let engine = jit_engine(true);
    let module = Module::new(&engine, wat::parse_str(WAT).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let spin = instance.get_typed_func::<(), ()>(&store, "spin").unwrap();
    store.set_epoch_deadline(1);
    let ticker = engine.clone();
    let start = Instant::now();
    let timer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        ticker.increment_epoch();
    });
    let err = spin
        .call(&mut store, ())
        .expect_err("the loop is interrupted");
    timer.join().unwrap();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
    assert_eq!(err.function().map(|(index, _)| index), Some(0));
    assert!(start.elapsed() >= Duration::from_millis(50));
    assert_eq!(engine.current_epoch(), 1);

    // The store stays usable; a deadline in the future lets calls complete.
    store.set_epoch_deadline(10);
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 100).unwrap(), 7);
    // A deadline already reached stops the next call at its first function entry.
    store.set_epoch_deadline(0);
    let err = down
        .call(&mut store, 100)
        .expect_err("the deadline has passed");
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
}

#[test]
fn without_the_setting_the_epoch_is_not_checked() {
    let engine = jit_engine(false);
    let module = Module::new(&engine, wat::parse_str(WAT).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    engine.increment_epoch();
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 10).unwrap(), 7);
}

#[test]
fn both_engines_stop_at_the_same_deadline() {
    let mut config = Config::new();
    config.epoch_interruption(true);
    for engine in [
        Engine::new(&config, mote_interp::Interpreter::new()),
        jit_engine(true),
    ] {
        let module = Module::new(&engine, wat::parse_str(WAT).unwrap()).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
        store.set_epoch_deadline(1);
        assert_eq!(down.call(&mut store, 50).unwrap(), 7);
        engine.increment_epoch();
        let err = down
            .call(&mut store, 50)
            .expect_err("the deadline is reached");
        assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
    }
}
