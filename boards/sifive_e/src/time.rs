//! Time: the CLINT's `mtime`, a 64-bit counter that runs from reset. It is the monotonic clock;
//! delays spin on it (an app's delays are short).
//!
//! Be careful when porting to the board: QEMU 7.2's `sifive_e` counts `mtime` at 10 MHz (its
//! default ACLINT time base, from the virtual clock: measured, six 100 ms delays take 0.6 s),
//! while the FE310 counts its 32.768 kHz real-time clock. [`TICKS_PER_SECOND`] is QEMU's.

use embedded_hal::delay::DelayNs;

use crate::regs::{MTIMER, Reg};

/// `mtime`'s low and high words.
const MTIME_LO: usize = 0x7FF8;
const MTIME_HI: usize = 0x7FFC;

/// `mtime` ticks per second under QEMU (32 768 on the FE310).
pub const TICKS_PER_SECOND: u64 = 10_000_000;
/// The clock's resolution: one tick, rounded up.
pub const RESOLUTION_NS: u64 = 1_000_000_000_u64.div_ceil(TICKS_PER_SECOND);

fn reg(offset: usize) -> Reg {
    MTIMER.reg(offset)
}

/// `mtime`: the high word, the low word, and the high word again until it has not changed (a
/// 32-bit hart reads the 64-bit counter in two halves).
pub fn ticks() -> u64 {
    loop {
        let hi = reg(MTIME_HI).read();
        let lo = reg(MTIME_LO).read();
        if reg(MTIME_HI).read() == hi {
            return (u64::from(hi) << 32) | u64::from(lo);
        }
    }
}

/// Nanoseconds since reset.
pub fn now_ns() -> u64 {
    let ticks = ticks();
    // Whole seconds and the rest apart, so that the product cannot overflow.
    (ticks / TICKS_PER_SECOND) * 1_000_000_000
        + (ticks % TICKS_PER_SECOND) * 1_000_000_000 / TICKS_PER_SECOND
}

/// The delay provider: spins until the clock says the time is up.
#[derive(Debug, Default)]
pub struct Delay {
    _private: (),
}

impl DelayNs for Delay {
    fn delay_ns(&mut self, ns: u32) {
        let start = now_ns();
        while now_ns().saturating_sub(start) < u64::from(ns) {}
    }
}
