//! One GPIO pin type for both directions, as on the QEMU boards: an input with its pull-up
//! until the first `set_high`/`set_low` (which `gpio.open` with the output flag does), then a
//! push-pull output.

use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};
use nrf52840_hal::gpio::{Input, Level, Output, Pin as HalPin, PullUp, PushPull};

/// A pin of port 0 or 1.
pub struct Pin(Option<State>);

enum State {
    Input(HalPin<Input<PullUp>>),
    Output(HalPin<Output<PushPull>>),
}

impl Pin {
    /// `pin` as an input with its pull-up.
    pub fn new<M>(pin: HalPin<M>) -> Self {
        Self(Some(State::Input(pin.into_pullup_input())))
    }

    fn drive(&mut self, level: Level) {
        self.0 = match self.0.take() {
            Some(State::Input(pin)) => Some(State::Output(pin.into_push_pull_output(level))),
            Some(State::Output(mut pin)) => {
                let _ = match level {
                    Level::High => pin.set_high(),
                    Level::Low => pin.set_low(),
                };
                Some(State::Output(pin))
            }
            None => None,
        };
    }
}

impl ErrorType for Pin {
    type Error = Infallible;
}

impl InputPin for Pin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        match &mut self.0 {
            Some(State::Input(pin)) => pin.is_high(),
            // `into_push_pull_output` disconnects the input buffer: the level it drives.
            Some(State::Output(pin)) => pin.is_set_high(),
            None => Ok(false),
        }
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        self.is_high().map(|high| !high)
    }
}

impl OutputPin for Pin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.drive(Level::Low);
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        self.drive(Level::High);
        Ok(())
    }
}

impl StatefulOutputPin for Pin {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        match &mut self.0 {
            Some(State::Output(pin)) => pin.is_set_high(),
            Some(State::Input(_)) | None => Ok(false),
        }
    }

    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        self.is_set_high().map(|high| !high)
    }
}
