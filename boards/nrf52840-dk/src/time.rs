//! The monotonic clock and the delay: TIMER0 counting microseconds (nrf52840-hal's `Timer`, 1 MHz
//! from HFCLK), free-running in periodic mode up to `u32::MAX`; wraps (every 71.6 minutes) are
//! counted at each reading, so read it at least that often (every host call that asks does).

use embedded_hal::delay::DelayNs;
use nrf52840_hal::pac::TIMER0;
use nrf52840_hal::timer::{Periodic, Timer};

/// The clock.
pub struct Clock {
    timer: Timer<TIMER0, Periodic>,
    last: u32,
    wraps: u64,
}

impl Clock {
    /// Starts TIMER0.
    pub fn start(timer: TIMER0) -> Self {
        let mut timer = Timer::periodic(timer);
        timer.start(u32::MAX);
        Self {
            timer,
            last: 0,
            wraps: 0,
        }
    }

    /// Microseconds since [`Clock::start`].
    pub fn now_us(&mut self) -> u64 {
        let now = self.timer.read();
        if now < self.last {
            self.wraps += 1;
        }
        self.last = now;
        (self.wraps << 32) | u64::from(now)
    }
}

impl DelayNs for Clock {
    fn delay_ns(&mut self, ns: u32) {
        let until = self.now_us() + u64::from(ns.div_ceil(1000));
        while self.now_us() < until {}
    }
}
