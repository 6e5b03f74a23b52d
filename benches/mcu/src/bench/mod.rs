//! The benchmark program of `cargo xtask mcu-bench` (feature `bench`).
//!
//! Time is virtual: under QEMU's `-icount shift=0` every guest instruction advances the virtual
//! clock by 1 ns, and SysTick, clocked by the 25 MHz core clock of `mps2-an386`, counts one tick
//! per 40 ns, so guest instructions = ticks x 40, to within 40 instructions a reading. A
//! calibration loop of known length checks that factor on every run.
//!
//! For each app the engine loads the module and instantiates it (`load`), then calls the export
//! (`run`); each phase is timed alone. Before an app the stack below the current frame is
//! painted and the heap's peak restarted; after it the lowest overwritten word of the stack and
//! the heap's peak are reported. The stack is reported twice: from the top of RAM (with the
//! benchmark's own frames) and below the benchmark's frame (the engine's own use: `run` of
//! each engine module is not inlined). Output: one line per measurement, through semihosting:
//!
//! ```text
//! MCU-BENCH calibrate insns=2000000 ticks=50000
//! MCU-BENCH engine=mote app=fib phase=heap module=.. instance=.. call=..
//! MCU-BENCH engine=mote app=fib load_ticks=.. run_ticks=.. result=0x1a6d ok=1 heap_peak=.. heap_live=.. heap_after=.. memory=.. stack_peak=.. engine_stack=..
//! MCU-BENCH done
//! ```

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::{SCB, SYST};
use cortex_m_rt::exception;
use cortex_m_semihosting::hprintln;

#[cfg(feature = "bench-mote")]
mod mote;
#[cfg(feature = "bench-wasm3")]
mod wasm3;
#[cfg(feature = "bench-wasmi")]
mod wasmi;

/// The engine of this build.
#[cfg(feature = "bench-mote")]
use mote as engine;
#[cfg(feature = "bench-wasm3")]
use wasm3 as engine;
#[cfg(feature = "bench-wasmi")]
use wasmi as engine;

/// SysTick's reload value: its 24-bit maximum.
const RELOAD: u32 = 0x00FF_FFFF;
/// Wraps of SysTick so far (counted by its exception).
static WRAPS: AtomicU32 = AtomicU32::new(0);
/// Iterations of the calibration loop (two instructions each).
const CALIBRATION_LOOPS: u32 = 1_000_000;
/// The word the stack is painted with.
const PAINT: u32 = 0xC0DE_CAFE;

#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::SeqCst);
}

/// The timer's ticks since [`start_timer`].
pub fn ticks() -> u64 {
    loop {
        let before = WRAPS.load(Ordering::SeqCst);
        let current = SYST::get_current();
        let pending = SCB::is_pendst_pending();
        let after = WRAPS.load(Ordering::SeqCst);
        if before != after {
            continue;
        }
        let mut wraps = u64::from(before);
        // Wrapped, but the exception has not been taken yet.
        if pending && current > RELOAD / 2 {
            wraps += 1;
        }
        return wraps * (u64::from(RELOAD) + 1) + u64::from(RELOAD - current);
    }
}

fn start_timer(mut syst: SYST) {
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(RELOAD);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();
    // The counter starts at 0 and reloads on its first tick (QEMU also pends one exception
    // then); start counting from there.
    while SYST::get_current() == 0 {}
    cortex_m::asm::dsb();
    cortex_m::asm::isb();
    WRAPS.store(0, Ordering::SeqCst);
}

/// One app: the export to call, its argument and how to check the answer.
#[cfg_attr(
    not(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3")),
    allow(dead_code)
)]
pub struct App {
    pub name: &'static str,
    pub export: &'static str,
    pub arg: i32,
    /// The export returns `i64` (else `i32`).
    pub returns_i64: bool,
    #[cfg_attr(
        not(any(feature = "bench-wasmi", feature = "bench-wasm3")),
        allow(dead_code)
    )]
    pub wasm: &'static [u8],
    pub check: fn(u64) -> bool,
}

/// What an engine measured for one app.
pub struct Sample {
    pub load_ticks: u64,
    pub run_ticks: u64,
    pub result: u64,
    /// Bytes of linear memory after the run.
    pub memory: usize,
    /// Bytes of heap in use after the run, the instance still alive.
    pub heap_live: usize,
    /// Where the heap beyond linear memory went, for engines that report it (Mote): bytes
    /// kept by the loaded module, by the store and instance (linear memory excluded), and
    /// added by the call (linear memory growth excluded).
    pub heap_phases: Option<[usize; 3]>,
}

/// `fib_recursive(20)` of `examples/fib.wat`.
#[cfg_attr(
    not(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3")),
    allow(dead_code)
)]
pub const FIB: App = App {
    name: "fib",
    export: "fib_recursive",
    arg: 20,
    returns_i64: false,
    #[cfg(any(feature = "bench-wasmi", feature = "bench-wasm3"))]
    wasm: include_bytes!(concat!(env!("OUT_DIR"), "/fib.wasm")),
    #[cfg(not(any(feature = "bench-wasmi", feature = "bench-wasm3")))]
    wasm: &[],
    check: |r| r == 6765,
};

/// `fib(100000)` of `examples/fib.wat`, the iterative one (an `i64` that wraps): a loop of
/// about ten Wasm instructions per step, no calls, so it shows the cost of dispatch.
#[cfg_attr(
    not(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3")),
    allow(dead_code)
)]
pub const FIB_LOOP: App = App {
    name: "fib-loop",
    export: "fib",
    arg: 100_000,
    returns_i64: true,
    wasm: FIB.wasm,
    check: |r| r == 0x2639_5004_3416_4a7b,
};

/// Iterations of CoreMark.
pub const COREMARK_ITERATIONS: i32 = 10;

/// The `coremark` benchmark guest: `coremark(iterations) -> i64`, its CRCs.
#[cfg_attr(
    not(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3")),
    allow(dead_code)
)]
pub const COREMARK: App = App {
    name: "coremark",
    export: "coremark",
    arg: COREMARK_ITERATIONS,
    returns_i64: true,
    #[cfg(any(feature = "bench-wasmi", feature = "bench-wasm3"))]
    wasm: include_bytes!(concat!(env!("OUT_DIR"), "/coremark.wasm")),
    #[cfg(not(any(feature = "bench-wasmi", feature = "bench-wasm3")))]
    wasm: &[],
    // crclist, crcmatrix and crcstate of the 2K performance run (seeds 0, 0, 0x66).
    check: |r| r >> 16 & 0xffff == 0xe714 && r >> 32 & 0xffff == 0x1fd7 && r >> 48 == 0x8e3a,
};

/// The stack pointer now.
fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads the stack pointer into a register; no memory is touched.
    unsafe {
        core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    sp
}

/// The lowest address the stack may reach: the end of the heap, or of the statics.
fn stack_floor() -> usize {
    #[cfg(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3"))]
    {
        crate::heap::end()
    }
    #[cfg(not(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3")))]
    {
        unsafe extern "C" {
            static mut __sheap: u32;
        }
        (&raw mut __sheap).addr()
    }
}

/// The top of the stack (cortex-m-rt's initial stack pointer).
fn stack_top() -> usize {
    unsafe extern "C" {
        static mut _stack_start: u32;
    }
    (&raw mut _stack_start).addr()
}

/// Paints the unused stack below this frame.
#[inline(never)]
fn paint_stack() {
    let floor = stack_floor().next_multiple_of(4);
    let limit = stack_pointer() - 512;
    cortex_m::interrupt::free(|_| {
        let mut at = floor;
        while at < limit {
            // SAFETY: `[floor, limit)` lies between the end of the heap and 512 bytes below the
            // current stack pointer: RAM that nothing uses (interrupts are off, so no exception
            // frame lands there meanwhile), word-aligned.
            unsafe { core::ptr::write_volatile(at as *mut u32, PAINT) };
            at += 4;
        }
    });
}

/// The lowest word of the stack changed since [`paint_stack`].
fn stack_low_water() -> usize {
    let mut at = stack_floor().next_multiple_of(4);
    let top = stack_top();
    while at < top {
        // SAFETY: `at` is a word-aligned address of RAM between the heap and the top of the
        // stack; reading it races with nothing (one core, the read is volatile).
        if unsafe { core::ptr::read_volatile(at as *const u32) } != PAINT {
            break;
        }
        at += 4;
    }
    at
}

/// Bytes of stack used since [`paint_stack`]: from the top down to the lowest changed word.
fn stack_used() -> usize {
    stack_top() - stack_low_water()
}

/// Runs the calibration loop: `2 * CALIBRATION_LOOPS` instructions.
#[inline(never)]
fn calibrate() -> u64 {
    let start = ticks();
    // SAFETY: a register-only countdown loop (`subs`/`bne`); no memory, no stack.
    unsafe {
        core::arch::asm!(
            "2:",
            "subs {n}, {n}, #1",
            "bne 2b",
            n = inout(reg) CALIBRATION_LOOPS => _,
            options(nomem, nostack),
        );
    }
    ticks() - start
}

/// The benchmark: calibration, then every app of the build's engine. Returns whether every
/// answer was right.
pub fn main() -> bool {
    let Some(peripherals) = cortex_m::Peripherals::take() else {
        return false;
    };
    start_timer(peripherals.SYST);
    #[cfg(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3"))]
    crate::heap::init();
    let calibration = calibrate();
    hprintln!(
        "MCU-BENCH calibrate insns={} ticks={}",
        2 * CALIBRATION_LOOPS,
        calibration
    );
    let ok = run_apps();
    hprintln!("MCU-BENCH done ok={}", u8::from(ok));
    ok
}

#[cfg(not(feature = "executor"))]
#[cfg(not(any(feature = "bench-wasmi", feature = "bench-wasm3")))]
fn run_apps() -> bool {
    paint_stack();
    let start = ticks();
    let result = crate::native_fib();
    let run_ticks = ticks() - start;
    report(
        "native",
        &FIB,
        Ok(Sample {
            load_ticks: 0,
            run_ticks,
            result: u64::from(result),
            memory: 0,
            heap_live: 0,
            heap_phases: None,
        }),
        0,
    )
}

#[cfg(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3"))]
fn run_apps() -> bool {
    let mut ok = true;
    for app in [&FIB, &FIB_LOOP, &COREMARK] {
        paint_stack();
        crate::heap::reset_peak();
        // The engine's own stack: below this frame (`engine::run` is not inlined).
        let below = stack_pointer();
        let sample = engine::run(app);
        let engine_stack = below.saturating_sub(stack_low_water());
        ok &= report(engine::NAME, app, sample, engine_stack);
    }
    ok
}

/// Prints one app's line; returns whether its answer was right.
fn report(
    engine: &str,
    app: &App,
    sample: Result<Sample, &'static str>,
    engine_stack: usize,
) -> bool {
    let stack = stack_used();
    if stack >= stack_top() - stack_floor().next_multiple_of(4) {
        hprintln!(
            "MCU-BENCH engine={} app={} error=\"the stack reached the heap\"",
            engine,
            app.name
        );
        return false;
    }
    #[cfg(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3"))]
    let (heap_peak, heap_after) = (crate::heap::peak(), crate::heap::used());
    #[cfg(not(any(feature = "executor", feature = "bench-wasmi", feature = "bench-wasm3")))]
    let (heap_peak, heap_after) = (0, 0);
    match sample {
        Ok(s) => {
            let ok = (app.check)(s.result);
            if let Some([module, instance, call]) = s.heap_phases {
                hprintln!(
                    "MCU-BENCH engine={} app={} phase=heap module={} instance={} call={}",
                    engine,
                    app.name,
                    module,
                    instance,
                    call
                );
            }
            hprintln!(
                "MCU-BENCH engine={} app={} load_ticks={} run_ticks={} result={:#x} ok={} heap_peak={} heap_live={} heap_after={} memory={} stack_peak={} engine_stack={}",
                engine,
                app.name,
                s.load_ticks,
                s.run_ticks,
                s.result,
                u8::from(ok),
                heap_peak,
                s.heap_live,
                heap_after,
                s.memory,
                stack,
                engine_stack
            );
            ok
        }
        Err(e) => {
            hprintln!("MCU-BENCH engine={} app={} error={:?}", engine, app.name, e);
            false
        }
    }
}
