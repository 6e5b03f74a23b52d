//! `embedded-hal` 1.0 and `embedded-io` implementations for the guest's handles (feature
//! `embedded-hal`): driver crates written against those traits run unchanged inside an app.

use embedded_hal::{delay, digital, i2c, pwm, spi};

use crate::gpio::Pin;
use crate::i2c::I2c;
use crate::pwm::Pwm;
use crate::spi::Spi;
use crate::uart::Uart;
use crate::{Error, Operation};

impl digital::Error for Error {
    fn kind(&self) -> digital::ErrorKind {
        digital::ErrorKind::Other
    }
}

impl i2c::Error for Error {
    fn kind(&self) -> i2c::ErrorKind {
        match *self {
            Error::NXIO => i2c::ErrorKind::NoAcknowledge(i2c::NoAcknowledgeSource::Unknown),
            Error::BUSY => i2c::ErrorKind::ArbitrationLoss,
            Error::OVERFLOW => i2c::ErrorKind::Overrun,
            _ => i2c::ErrorKind::Other,
        }
    }
}

impl spi::Error for Error {
    fn kind(&self) -> spi::ErrorKind {
        match *self {
            Error::OVERFLOW => spi::ErrorKind::Overrun,
            Error::BUSY => spi::ErrorKind::ChipSelectFault,
            _ => spi::ErrorKind::Other,
        }
    }
}

impl pwm::Error for Error {
    fn kind(&self) -> pwm::ErrorKind {
        pwm::ErrorKind::Other
    }
}

impl embedded_io::Error for Error {
    fn kind(&self) -> embedded_io::ErrorKind {
        match *self {
            Error::TIMEDOUT => embedded_io::ErrorKind::TimedOut,
            Error::INVAL => embedded_io::ErrorKind::InvalidInput,
            _ => embedded_io::ErrorKind::Other,
        }
    }
}

impl digital::ErrorType for Pin {
    type Error = Error;
}

impl digital::OutputPin for Pin {
    fn set_low(&mut self) -> Result<(), Error> {
        Pin::set_low(self)
    }
    fn set_high(&mut self) -> Result<(), Error> {
        Pin::set_high(self)
    }
}

impl digital::StatefulOutputPin for Pin {
    fn is_set_high(&mut self) -> Result<bool, Error> {
        Pin::is_high(self)
    }
    fn is_set_low(&mut self) -> Result<bool, Error> {
        Pin::is_high(self).map(|high| !high)
    }
    fn toggle(&mut self) -> Result<(), Error> {
        Pin::toggle(self)
    }
}

impl digital::InputPin for Pin {
    fn is_high(&mut self) -> Result<bool, Error> {
        Pin::is_high(self)
    }
    fn is_low(&mut self) -> Result<bool, Error> {
        Pin::is_high(self).map(|high| !high)
    }
}

/// The board's delay as an `embedded-hal` [`DelayNs`](delay::DelayNs) (`delay.us`, rounded up
/// to whole microseconds).
#[derive(Debug, Clone, Copy, Default)]
pub struct Delay;

impl delay::DelayNs for Delay {
    fn delay_ns(&mut self, ns: u32) {
        crate::delay::us(ns.div_ceil(1000));
    }
    fn delay_us(&mut self, us: u32) {
        crate::delay::us(us);
    }
    fn delay_ms(&mut self, ms: u32) {
        crate::delay::ms(ms);
    }
}

impl i2c::ErrorType for I2c {
    type Error = Error;
}

impl i2c::I2c for I2c {
    fn transaction(
        &mut self,
        address: u8,
        operations: &mut [i2c::Operation<'_>],
    ) -> Result<(), Error> {
        // The host takes up to MAX_OPS operations per call; larger transactions are refused
        // rather than split (a split would release the bus in between).
        let mut ops: [Operation<'_>; crate::MAX_OPS] = Default::default();
        let n = operations.len();
        if n > ops.len() {
            return Err(Error::TOOBIG);
        }
        for (op, hal) in ops.iter_mut().zip(operations.iter_mut()) {
            *op = match hal {
                i2c::Operation::Read(buf) => Operation::Read(buf),
                i2c::Operation::Write(bytes) => Operation::Write(bytes),
            };
        }
        I2c::transaction(self, address, &mut ops[..n])
    }
}

impl spi::ErrorType for Spi {
    type Error = Error;
}

impl spi::SpiDevice for Spi {
    fn transaction(&mut self, operations: &mut [spi::Operation<'_, u8>]) -> Result<(), Error> {
        let mut ops: [Operation<'_>; crate::MAX_OPS] = Default::default();
        let n = operations.len();
        if n > ops.len() {
            return Err(Error::TOOBIG);
        }
        for (op, hal) in ops.iter_mut().zip(operations.iter_mut()) {
            *op = match hal {
                spi::Operation::Read(buf) => Operation::Read(buf),
                spi::Operation::Write(bytes) => Operation::Write(bytes),
                spi::Operation::TransferInPlace(buf) => Operation::Transfer(buf),
                spi::Operation::DelayNs(ns) => Operation::DelayNs(*ns),
                // Separate read and write buffers have no ABI operation: not supported.
                spi::Operation::Transfer(_, _) => return Err(Error::NOTSUP),
            };
        }
        Spi::transaction(self, &mut ops[..n])
    }
}

impl pwm::ErrorType for Pwm {
    type Error = Error;
}

impl pwm::SetDutyCycle for Pwm {
    fn max_duty_cycle(&self) -> u16 {
        self.max_duty().unwrap_or(0)
    }
    fn set_duty_cycle(&mut self, duty: u16) -> Result<(), Error> {
        self.set_duty(duty)
    }
}

impl embedded_io::ErrorType for Uart {
    type Error = Error;
}

impl embedded_io::Read for Uart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        Uart::read(self, buf)
    }
}

impl embedded_io::Write for Uart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Error> {
        Uart::write(self, buf)
    }
    fn flush(&mut self) -> Result<(), Error> {
        Ok(())
    }
}
