//! GPIO pins 0 .. 31 as `embedded-hal` 1.0 digital pins.
//!
//! A pin starts as an input (with its pull-up where the board asks for one); the first
//! `set_high`/`set_low` (which `gpio.open` with the output flag does) makes it an output, so
//! one pin type serves both directions, as on the host-sim board. The input stays enabled, so
//! `input_val` reads back the level an output drives.

use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};

use crate::regs::{GPIO, Reg};

/// The levels on the pins.
const INPUT_VAL: usize = 0x00;
/// Input buffers on.
const INPUT_EN: usize = 0x04;
/// Output drivers on.
const OUTPUT_EN: usize = 0x08;
/// The levels the outputs drive.
const OUTPUT_VAL: usize = 0x0C;
/// Internal pull-ups on.
const PUE: usize = 0x10;
/// Pins given to a peripheral (UART, SPI, PWM) instead of GPIO.
const IOF_EN: usize = 0x38;

/// An input's pull resistor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pull {
    /// None: the level is what drives the pin from outside.
    None,
    /// The internal pull-up.
    Up,
}

/// One GPIO pin.
#[derive(Debug)]
pub struct Pin {
    number: u8,
}

impl Pin {
    /// Pin `number` (0..=31), set up as an input with `pull`.
    pub(crate) fn input(number: u8, pull: Pull) -> Self {
        let pin = Self {
            number: number & 31,
        };
        reg(IOF_EN).clear_bits(pin.mask());
        reg(OUTPUT_EN).clear_bits(pin.mask());
        match pull {
            Pull::None => reg(PUE).clear_bits(pin.mask()),
            Pull::Up => reg(PUE).set_bits(pin.mask()),
        }
        reg(INPUT_EN).set_bits(pin.mask());
        pin
    }

    /// The pin's number.
    pub fn number(&self) -> u8 {
        self.number
    }

    fn mask(&self) -> u32 {
        1 << self.number
    }

    fn drive(&mut self, high: bool) {
        // Level first, then direction: the pin never glitches to the old level.
        if high {
            reg(OUTPUT_VAL).set_bits(self.mask());
        } else {
            reg(OUTPUT_VAL).clear_bits(self.mask());
        }
        reg(OUTPUT_EN).set_bits(self.mask());
    }
}

fn reg(offset: usize) -> Reg {
    GPIO.reg(offset)
}

impl ErrorType for Pin {
    type Error = Infallible;
}

impl InputPin for Pin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(reg(INPUT_VAL).read() & self.mask() != 0)
    }
    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(reg(INPUT_VAL).read() & self.mask() == 0)
    }
}

impl OutputPin for Pin {
    fn set_high(&mut self) -> Result<(), Infallible> {
        self.drive(true);
        Ok(())
    }
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.drive(false);
        Ok(())
    }
}

impl StatefulOutputPin for Pin {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(reg(OUTPUT_VAL).read() & self.mask() != 0)
    }
    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(reg(OUTPUT_VAL).read() & self.mask() == 0)
    }
}
