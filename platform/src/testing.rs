//! A minimal board for doc tests and unit tests: memory-backed pins, no buses.

use core::convert::Infallible;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};

use crate::{Board, Clock, Errno, NoDevice, Stream};

/// A pin that is a `bool`.
#[derive(Debug, Default)]
pub struct TestPin(pub bool);

impl ErrorType for TestPin {
    type Error = Infallible;
}
impl InputPin for TestPin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.0)
    }
    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.0)
    }
}
impl OutputPin for TestPin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.0 = false;
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        self.0 = true;
        Ok(())
    }
}
impl StatefulOutputPin for TestPin {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.0)
    }
    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.0)
    }
}

/// A delay that only counts nanoseconds.
#[derive(Debug, Default)]
pub struct TestDelay(pub u64);

impl DelayNs for TestDelay {
    fn delay_ns(&mut self, ns: u32) {
        self.0 += u64::from(ns);
    }
}

/// Four pins, a counting delay, no console: enough for the crate's examples.
#[derive(Debug, Default)]
pub struct TestBoard {
    /// The pins.
    pub pins: [TestPin; 4],
    /// The delay (its count is the board's clock).
    pub delay: TestDelay,
}

impl Board for TestBoard {
    type Pin = TestPin;
    type I2c = NoDevice;
    type Spi = NoDevice;
    type Uart = NoDevice;
    type Pwm = NoDevice;
    type Delay = TestDelay;
    type Console = NoDevice;
    type Stdin = NoDevice;

    fn pin(&mut self, index: usize) -> Option<&mut TestPin> {
        self.pins.get_mut(index)
    }
    fn i2c(&mut self, _: usize) -> Option<&mut NoDevice> {
        None
    }
    fn spi(&mut self, _: usize) -> Option<&mut NoDevice> {
        None
    }
    fn uart(&mut self, _: usize) -> Option<&mut NoDevice> {
        None
    }
    fn pwm(&mut self, _: usize) -> Option<&mut NoDevice> {
        None
    }
    fn delay(&mut self) -> &mut TestDelay {
        &mut self.delay
    }
    fn console(&mut self, _: Stream) -> Option<&mut NoDevice> {
        None
    }
    fn stdin(&mut self) -> Option<&mut NoDevice> {
        None
    }
    fn now_ns(&mut self, _: Clock) -> Option<u64> {
        Some(self.delay.0)
    }
    fn resolution_ns(&mut self, _: Clock) -> Option<u64> {
        Some(1)
    }
    fn fill_random(&mut self, _: &mut [u8]) -> Result<(), Errno> {
        Err(Errno::NOSYS)
    }
}
