//! One GPIO pin type for both directions, as on the QEMU boards: an input with its pull-up
//! until the first `set_high`/`set_low` (which `gpio.open` with the output flag does), then a
//! push-pull output (SIO).

use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};
use rp2040_hal::gpio::{DynPinId, FunctionSioInput, FunctionSioOutput, Pin as HalPin, PullUp};

type Input = HalPin<DynPinId, FunctionSioInput, PullUp>;
type Output = HalPin<DynPinId, FunctionSioOutput, PullUp>;

/// A pin of bank 0.
pub struct Pin(Option<State>);

enum State {
    Input(Input),
    Output(Output),
}

impl Pin {
    /// `pin` as an input with its pull-up.
    pub fn new(pin: Input) -> Self {
        Self(Some(State::Input(pin)))
    }

    fn drive(&mut self, high: bool) {
        self.0 = self.0.take().map(|state| {
            let mut pin = match state {
                // Every bank 0 pin has the SIO function, so this does not fail; if it did, the
                // pin would stay an input.
                State::Input(pin) => match pin.try_into_function::<FunctionSioOutput>() {
                    Ok(pin) => pin,
                    Err(pin) => return State::Input(pin),
                },
                State::Output(pin) => pin,
            };
            let _ = if high { pin.set_high() } else { pin.set_low() };
            State::Output(pin)
        });
    }
}

impl ErrorType for Pin {
    type Error = Infallible;
}

impl InputPin for Pin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        match &mut self.0 {
            Some(State::Input(pin)) => pin.is_high(),
            // The pad's input buffer stays on: the level on the pin.
            Some(State::Output(pin)) => pin.as_input().is_high(),
            None => Ok(false),
        }
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        self.is_high().map(|high| !high)
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
        match &mut self.0 {
            Some(State::Output(pin)) => pin.is_set_high(),
            Some(State::Input(_)) | None => Ok(false),
        }
    }

    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        self.is_set_high().map(|high| !high)
    }
}
