//! GPIO pins (PL061 with Luminary's registers) as `embedded-hal` 1.0 digital pins.
//!
//! A pin starts as an input (with its pull-up on, as the EVB's push buttons need); the first
//! `set_high`/`set_low` (which `gpio.open` with the output flag does) makes it a push-pull
//! output. So one pin type serves both directions, as on the host-sim board.

use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};

use crate::regs::{Block, GPIO};
use crate::sysctl::{self, Gate};

/// Data direction: 1 = output.
const DIR: usize = 0x400;
/// Alternate function select: 1 = the pin belongs to a peripheral (UART, I2C, ...).
const AFSEL: usize = 0x420;
/// Open-drain select.
const ODR: usize = 0x50C;
/// Pull-up select.
const PUR: usize = 0x510;
/// Digital enable.
const DEN: usize = 0x51C;

/// A GPIO port, `A` to `G`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Port {
    /// Port A.
    A = 0,
    /// Port B.
    B = 1,
    /// Port C.
    C = 2,
    /// Port D.
    D = 3,
    /// Port E.
    E = 4,
    /// Port F.
    F = 5,
    /// Port G.
    G = 6,
}

impl Port {
    fn block(self) -> Block {
        GPIO[self as usize]
    }

    /// Turns the port's clock on.
    pub(crate) fn enable(self) {
        sysctl::enable(Gate::Gpio(self as u8));
    }

    /// Gives the pins of `mask` to their alternate function (a peripheral's signal), as
    /// digital pins, open-drain where `open_drain` says so (I2C's SDA).
    pub(crate) fn alternate(self, mask: u8, open_drain: u8) {
        self.enable();
        let block = self.block();
        block.reg(AFSEL).set_bits(u32::from(mask));
        block.reg(ODR).set_bits(u32::from(open_drain & mask));
        block.reg(DEN).set_bits(u32::from(mask));
    }
}

/// One GPIO pin.
#[derive(Debug)]
pub struct Pin {
    port: Port,
    bit: u8,
}

impl Pin {
    /// Pin `bit` (0..=7) of `port`, set up as a digital input with its pull-up.
    pub(crate) fn input(port: Port, bit: u8) -> Self {
        let pin = Self { port, bit: bit & 7 };
        port.enable();
        let block = port.block();
        let mask = pin.mask();
        block.reg(AFSEL).clear_bits(mask);
        block.reg(DIR).clear_bits(mask);
        block.reg(PUR).set_bits(mask);
        block.reg(DEN).set_bits(mask);
        pin
    }

    /// The port.
    pub fn port(&self) -> Port {
        self.port
    }

    /// The pin's number within its port (0..=7).
    pub fn bit(&self) -> u8 {
        self.bit
    }

    fn mask(&self) -> u32 {
        1 << self.bit
    }

    /// The data register seen through the address mask of this pin alone: reads give only this
    /// pin's bit, writes change only this pin (PL061 "masked" data access, offset = mask << 2).
    fn data(&self) -> crate::regs::Reg {
        self.port.block().reg((self.mask() as usize) << 2)
    }

    fn drive(&mut self, high: bool) {
        // Level first, then direction: the pin never glitches to the old level.
        self.data().write(if high { self.mask() } else { 0 });
        self.port.block().reg(DIR).set_bits(self.mask());
    }

    fn level(&self) -> bool {
        self.data().read() & self.mask() != 0
    }
}

impl ErrorType for Pin {
    type Error = Infallible;
}

impl InputPin for Pin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.level())
    }
    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.level())
    }
}

impl OutputPin for Pin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.drive(false);
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        self.drive(true);
        Ok(())
    }
}

impl StatefulOutputPin for Pin {
    // For an output, the PL061 data register reads back the level it drives.
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.level())
    }
    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.level())
    }
}
