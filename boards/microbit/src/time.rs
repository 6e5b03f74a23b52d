//! Time: TIMER0 counts microseconds (16 MHz ÷ 2⁴, 32 bits wide, wrapping after about 71
//! minutes); the monotonic clock is that count, extended to 64 bits at each reading (so it
//! must be read at least once every 71 minutes, which every delay does). The nRF51's Cortex-M0
//! has no SysTick. Delays spin on the clock: the nRF51 could sleep until a compare event, but
//! an app's delays are short, and QEMU's CPU then spins too (blink: 0.6 s).
//!
//! QEMU's TIMER model (`hw/timer/nrf51_timer.c`) counts from its virtual clock; `TASKS_CAPTURE`
//! brings the counter up to date and copies it to a `CC` register, which is how it is read here
//! (on the real chip the same). On a real micro:bit TIMER0 runs from the 16 MHz RC oscillator
//! unless the crystal is started (`CLOCK.TASKS_HFCLKSTART`): about 1 % off.

use core::cell::Cell;

use cortex_m::interrupt::Mutex;
use embedded_hal::delay::DelayNs;

use crate::regs::{Reg, TIMER0};

/// Task: start counting.
const TASKS_START: usize = 0x000;
/// Task: clear the counter.
const TASKS_CLEAR: usize = 0x00C;
/// Task: copy the counter to `CC[0]`.
const TASKS_CAPTURE0: usize = 0x040;
/// 0 = timer, 1 = counter.
const MODE: usize = 0x504;
/// 3 = 32 bits.
const BITMODE: usize = 0x508;
/// The clock is 16 MHz ÷ 2^PRESCALER.
const PRESCALER: usize = 0x510;
/// Capture/compare register 0.
const CC0: usize = 0x540;

/// `BITMODE`: 32-bit counter.
const BITMODE_32: u32 = 3;
/// `PRESCALER`: 16 MHz ÷ 16 = 1 MHz.
const PRESCALER_1MHZ: u32 = 4;
/// Triggers a task.
const TRIGGER: u32 = 1;

/// The clock's resolution.
pub const RESOLUTION_NS: u64 = 1_000;

/// The last counter value read and the wraps counted so far.
static CLOCK: Mutex<Cell<(u32, u32)>> = Mutex::new(Cell::new((0, 0)));

fn reg(offset: usize) -> Reg {
    TIMER0.reg(offset)
}

/// Starts the microsecond counter from 0.
pub(crate) fn start() {
    reg(MODE).write(0);
    reg(BITMODE).write(BITMODE_32);
    reg(PRESCALER).write(PRESCALER_1MHZ);
    reg(TASKS_CLEAR).write(TRIGGER);
    reg(TASKS_START).write(TRIGGER);
}

/// Nanoseconds since [`start`].
pub fn now_ns() -> u64 {
    cortex_m::interrupt::free(|cs| {
        reg(TASKS_CAPTURE0).write(TRIGGER);
        let now = reg(CC0).read();
        let clock = CLOCK.borrow(cs);
        let (last, mut wraps) = clock.get();
        if now < last {
            wraps = wraps.wrapping_add(1);
        }
        clock.set((now, wraps));
        ((u64::from(wraps) << 32) | u64::from(now)) * RESOLUTION_NS
    })
}

/// The delay provider: spins until the clock says the time is up.
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
        while now_ns() < end {}
    }
}
