//! [`NoDevice`]: the device type of a kind of peripheral a board does not have.

use core::convert::Infallible;

use embedded_hal::{digital, i2c, pwm, spi};

/// A device that cannot exist: the associated type a [`Board`](crate::Board) uses for a kind
/// of peripheral it lacks (its accessor then always returns `None`). It implements every
/// device trait, and none of its methods can ever run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoDevice {}

impl digital::ErrorType for NoDevice {
    type Error = Infallible;
}

impl digital::InputPin for NoDevice {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        match *self {}
    }
    fn is_low(&mut self) -> Result<bool, Infallible> {
        match *self {}
    }
}

impl digital::OutputPin for NoDevice {
    fn set_low(&mut self) -> Result<(), Infallible> {
        match *self {}
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        match *self {}
    }
}

impl digital::StatefulOutputPin for NoDevice {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        match *self {}
    }
    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        match *self {}
    }
}

impl i2c::ErrorType for NoDevice {
    type Error = Infallible;
}

impl i2c::I2c for NoDevice {
    fn transaction(
        &mut self,
        _address: u8,
        _operations: &mut [i2c::Operation<'_>],
    ) -> Result<(), Infallible> {
        match *self {}
    }
}

impl spi::ErrorType for NoDevice {
    type Error = Infallible;
}

impl spi::SpiDevice for NoDevice {
    fn transaction(
        &mut self,
        _operations: &mut [spi::Operation<'_, u8>],
    ) -> Result<(), Infallible> {
        match *self {}
    }
}

impl pwm::ErrorType for NoDevice {
    type Error = Infallible;
}

impl pwm::SetDutyCycle for NoDevice {
    fn max_duty_cycle(&self) -> u16 {
        match *self {}
    }
    fn set_duty_cycle(&mut self, _duty: u16) -> Result<(), Infallible> {
        match *self {}
    }
}

impl embedded_io::ErrorType for NoDevice {
    type Error = Infallible;
}

impl embedded_io::Read for NoDevice {
    fn read(&mut self, _buf: &mut [u8]) -> Result<usize, Infallible> {
        match *self {}
    }
}

impl embedded_io::Write for NoDevice {
    fn write(&mut self, _buf: &[u8]) -> Result<usize, Infallible> {
        match *self {}
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        match *self {}
    }
}
