//! GPIO pins of port 0 (P0.0 .. P0.31) as `embedded-hal` 1.0 digital pins.
//!
//! A pin starts as an input (with its pull-up where the board asks for one); the first
//! `set_high`/`set_low` (which `gpio.open` with the output flag does) makes it a push-pull
//! output, so one pin type serves both directions, as on the host-sim board. An output keeps
//! its input buffer connected, so `IN` reads back the level it drives.

use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};

use crate::regs::{GPIO, Reg};

/// The levels the pins drive.
const OUT: usize = 0x504;
/// Writing 1s drives those pins high.
const OUTSET: usize = 0x508;
/// Writing 1s drives those pins low.
const OUTCLR: usize = 0x50C;
/// The levels on the pins.
const IN: usize = 0x510;
/// Configuration of pin `n`: at `PIN_CNF + 4 × n`.
const PIN_CNF: usize = 0x700;

/// `PIN_CNF`: output (DIR = 1), input buffer connected (INPUT = 0), standard drive (S0S1).
const CNF_OUTPUT: u32 = 1;
/// `PIN_CNF`: input (DIR = 0), input buffer connected, no pull.
const CNF_INPUT: u32 = 0;
/// `PIN_CNF`: input with the pull-up (PULL = 3).
const CNF_INPUT_PULLUP: u32 = 3 << 2;

/// An input's pull resistor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pull {
    /// None: the level is what drives the pin from outside.
    None,
    /// The internal pull-up (about 13 kΩ).
    Up,
}

/// One GPIO pin.
#[derive(Debug)]
pub struct Pin {
    number: u8,
}

impl Pin {
    /// Pin P0.`number` (0..=31), set up as an input with `pull`.
    pub(crate) fn input(number: u8, pull: Pull) -> Self {
        let pin = Self {
            number: number & 31,
        };
        pin.cnf().write(match pull {
            Pull::None => CNF_INPUT,
            Pull::Up => CNF_INPUT_PULLUP,
        });
        pin
    }

    /// Pin P0.`number` (0..=31), set up as an output that drives `high`.
    pub(crate) fn output(number: u8, high: bool) -> Self {
        let mut pin = Self {
            number: number & 31,
        };
        pin.drive(high);
        pin
    }

    /// The pin's number in port 0.
    pub fn number(&self) -> u8 {
        self.number
    }

    fn mask(&self) -> u32 {
        1 << self.number
    }

    fn cnf(&self) -> Reg {
        GPIO.reg(PIN_CNF + 4 * usize::from(self.number))
    }

    fn drive(&mut self, high: bool) {
        // Level first, then direction: the pin never glitches to the old level.
        GPIO.reg(if high { OUTSET } else { OUTCLR })
            .write(self.mask());
        self.cnf().write(CNF_OUTPUT);
    }
}

impl ErrorType for Pin {
    type Error = Infallible;
}

impl InputPin for Pin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(GPIO.reg(IN).read() & self.mask() != 0)
    }
    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(GPIO.reg(IN).read() & self.mask() == 0)
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
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(GPIO.reg(OUT).read() & self.mask() != 0)
    }
    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(GPIO.reg(OUT).read() & self.mask() == 0)
    }
}
