//! One GPIO pin type for both directions, as on the QEMU boards: esp-hal's `Flex`, an input with
//! its pull-up until the first `set_high`/`set_low` (which `gpio.open` with the output flag
//! does), then also a push-pull output (its input buffer stays on, so reads see the pin).

use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};
use esp_hal::gpio::Flex;

/// A GPIO pin.
pub struct Pin {
    flex: Flex<'static>,
    output: bool,
}

impl Pin {
    /// `flex`, set up as an input.
    pub fn new(flex: Flex<'static>) -> Self {
        Self {
            flex,
            output: false,
        }
    }

    fn drive(&mut self, high: bool) {
        if high {
            self.flex.set_high();
        } else {
            self.flex.set_low();
        }
        if !self.output {
            self.flex.set_output_enable(true);
            self.output = true;
        }
    }
}

impl ErrorType for Pin {
    type Error = Infallible;
}

impl InputPin for Pin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.flex.is_high())
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(self.flex.is_low())
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
        Ok(self.output && self.flex.is_set_high())
    }

    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.output || self.flex.is_set_low())
    }
}
