//! Mote's reference firmware: the same program built without a runtime, with the executor only
//! (a compiled image) and with the full runtime (the `.wasm` validated and translated on the
//! device), so that `cargo xtask size` can tell what the runtime costs. Each build computes
//! `fib_recursive(INPUT)` and exits through semihosting with status 0 when the result is right.
//!
//! With the feature `bench` it is instead the benchmark of `cargo xtask mcu-bench` (`bench/`):
//! native fib, or fib and CoreMark on one engine (`bench-mote`, `bench-wasmi`, `bench-wasm3`).
#![no_std]
#![no_main]

#[cfg(feature = "bench-wasm3")]
extern crate alloc;

#[cfg(feature = "bench")]
mod bench;
#[cfg(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3"))]
mod heap;

use cortex_m_rt::entry;
use cortex_m_semihosting::debug::{self, EXIT_FAILURE, EXIT_SUCCESS};

/// The argument, read through a volatile load so no build folds the computation away.
static INPUT: u32 = 20;
/// `fib(20)`.
#[cfg(not(feature = "bench"))]
const EXPECTED: u32 = 6765;

#[entry]
fn main() -> ! {
    // SAFETY: `INPUT` is a valid, aligned, initialised static that is never written.
    let n = unsafe { core::ptr::read_volatile(&raw const INPUT) };
    #[cfg(not(feature = "bench"))]
    let ok = run(n) == Some(EXPECTED);
    #[cfg(feature = "bench")]
    let ok = n == INPUT && bench::main();
    debug::exit(if ok { EXIT_SUCCESS } else { EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}

/// The baseline: the same function, compiled natively.
#[cfg(not(any(feature = "executor", feature = "bench")))]
fn run(n: u32) -> Option<u32> {
    Some(fib(n))
}

/// Recursive fib, compiled natively.
#[cfg(not(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3")))]
fn fib(n: u32) -> u32 {
    if n < 2 {
        n
    } else {
        fib(n - 1).wrapping_add(fib(n - 2))
    }
}

/// Native `fib(INPUT)` for the benchmark's baseline line.
#[cfg(all(
    feature = "bench",
    not(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3"))
))]
#[inline(never)]
fn native_fib() -> u32 {
    // SAFETY: `INPUT` is a valid, aligned, initialised static that is never written.
    fib(unsafe { core::ptr::read_volatile(&raw const INPUT) })
}

/// The app in Wasm, through Mote.
#[cfg(all(feature = "executor", not(feature = "bench")))]
fn run(n: u32) -> Option<u32> {
    use mote_core::{Config, Engine, Instance, Limits, Store};
    heap::init();
    let mut config = Config::default();
    config.limits(Limits::MCU);
    // The full build translates on the device and never loads images: it leaves the image
    // loader out (`InterpreterWithoutImages`).
    #[cfg(not(feature = "full"))]
    let engine = Engine::new(&config, mote_interp::Interpreter::new());
    #[cfg(feature = "full")]
    let engine = Engine::new(&config, mote_interp::InterpreterWithoutImages::default());
    let module = load(&engine).ok()?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).ok()?;
    let fib = instance
        .get_typed_func::<i32, i32>(&store, "fib_recursive")
        .ok()?;
    let result = fib.call(&mut store, n.cast_signed()).ok()?;
    Some(result.cast_unsigned())
}

/// Executor only: the image, in place in flash.
#[cfg(all(feature = "executor", not(feature = "full"), not(feature = "bench")))]
fn load(engine: &mote_core::Engine) -> Result<mote_core::Module, mote_core::Error> {
    let image = mote_interp::include_image!(concat!(env!("OUT_DIR"), "/app.mimg"));
    mote_core::Module::from_image(engine, image)
}

/// Full: decode, validate and translate on the device.
#[cfg(all(feature = "full", not(feature = "bench")))]
fn load(engine: &mote_core::Engine) -> Result<mote_core::Module, mote_core::Error> {
    let wasm = include_bytes!(concat!(env!("OUT_DIR"), "/app.wasm"));
    mote_core::Module::new(engine, wasm)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    debug::exit(EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
