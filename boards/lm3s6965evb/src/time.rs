//! Time: SysTick, clocked by the system clock, interrupts every millisecond and counts; the
//! monotonic clock is that count plus the cycles into the current millisecond. Delays sleep
//! (`wfi`) until the clock has passed their end, so QEMU's CPU idles while a guest waits.

use core::cell::Cell;

use cortex_m::interrupt::Mutex;
use cortex_m::peripheral::SYST;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_rt::exception;
use embedded_hal::delay::DelayNs;

use crate::sysctl::SYSCLK_HZ;

/// System clocks per millisecond tick.
const CYCLES_PER_TICK: u32 = SYSCLK_HZ / 1_000;
/// Nanoseconds per system clock (80 at 12.5 MHz; exact).
const NS_PER_CYCLE: u64 = 1_000_000_000 / SYSCLK_HZ as u64;

/// Milliseconds since [`start`].
static TICKS: Mutex<Cell<u64>> = Mutex::new(Cell::new(0));

#[exception]
fn SysTick() {
    cortex_m::interrupt::free(|cs| {
        let ticks = TICKS.borrow(cs);
        ticks.set(ticks.get().wrapping_add(1));
    });
}

/// Starts the millisecond tick.
pub(crate) fn start(mut syst: SYST) {
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(CYCLES_PER_TICK - 1);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();
}

fn ticks() -> u64 {
    cortex_m::interrupt::free(|cs| TICKS.borrow(cs).get())
}

/// Nanoseconds since the tick started. Must not be called with interrupts disabled (a tick
/// that is due but not yet counted would make the clock step back by up to 1 ms).
pub fn now_ns() -> u64 {
    loop {
        let before = ticks();
        // SysTick counts down from the reload value.
        let into_tick = CYCLES_PER_TICK - 1 - SYST::get_current().min(CYCLES_PER_TICK - 1);
        if ticks() == before {
            return before * 1_000_000 + u64::from(into_tick) * NS_PER_CYCLE;
        }
    }
}

/// The delay provider: sleeps until SysTick says the time is up.
#[derive(Debug, Default)]
pub struct Delay {
    _private: (),
}

impl Delay {
    pub(crate) fn new() -> Self {
        Self { _private: () }
    }
}

impl DelayNs for Delay {
    fn delay_ns(&mut self, ns: u32) {
        let end = now_ns().saturating_add(u64::from(ns));
        // Short waits spin; longer ones sleep between ticks.
        while now_ns() < end {
            if end - now_ns() > 1_000_000 {
                cortex_m::asm::wfi();
            }
        }
    }
}
