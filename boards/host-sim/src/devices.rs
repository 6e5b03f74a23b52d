//! The simulated devices: pins, the I2C bus, the SPI EEPROM, a PWM channel and the delay.

use std::convert::Infallible;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{self, InputPin, OutputPin, StatefulOutputPin};
use embedded_hal::i2c::{self, I2c, NoAcknowledgeSource, Operation as I2cOp};
use embedded_hal::pwm::{self, SetDutyCycle};
use embedded_hal::spi::{self, Operation as SpiOp, SpiDevice};

use crate::eeprom::Eeprom;
use crate::io::{Sink, hex, trace};
use crate::tmp105::{self, Tmp105};

/// A virtual pin: a level that outputs drive and inputs read back.
#[derive(Debug, Clone)]
pub struct SimPin {
    /// The pin's name in traces.
    pub label: &'static str,
    /// Its level.
    pub high: bool,
    pub(crate) trace: Option<Sink>,
}

impl SimPin {
    fn drive(&mut self, high: bool) {
        if self.high != high {
            trace(
                self.trace.as_ref(),
                format_args!("gpio {}: {}", self.label, if high { "high" } else { "low" }),
            );
        }
        self.high = high;
    }
}

impl digital::ErrorType for SimPin {
    type Error = Infallible;
}

impl InputPin for SimPin {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.high)
    }
    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.high)
    }
}

impl OutputPin for SimPin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.drive(false);
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        self.drive(true);
        Ok(())
    }
}

impl StatefulOutputPin for SimPin {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.high)
    }
    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.high)
    }
}

/// The I2C bus `i2c0`, with a TMP105 at 0x48.
#[derive(Debug, Clone, Default)]
pub struct SimI2c {
    /// The temperature sensor.
    pub tmp105: Tmp105,
    pub(crate) trace: Option<Sink>,
}

impl i2c::ErrorType for SimI2c {
    type Error = i2c::ErrorKind;
}

impl I2c for SimI2c {
    fn transaction(
        &mut self,
        address: u8,
        operations: &mut [I2cOp<'_>],
    ) -> Result<(), i2c::ErrorKind> {
        if address != tmp105::ADDRESS {
            trace(
                self.trace.as_ref(),
                format_args!("i2c0 {address:#04x}: no acknowledge"),
            );
            return Err(i2c::ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address));
        }
        for op in operations {
            match op {
                I2cOp::Write(bytes) => {
                    self.tmp105.write(bytes);
                    trace(
                        self.trace.as_ref(),
                        format_args!("i2c0 {address:#04x}: write {}", hex(bytes)),
                    );
                }
                I2cOp::Read(buf) => {
                    self.tmp105.read(buf);
                    trace(
                        self.trace.as_ref(),
                        format_args!("i2c0 {address:#04x}: read {}", hex(buf)),
                    );
                }
            }
        }
        Ok(())
    }
}

/// The SPI device `spi0`: a 25-series EEPROM.
#[derive(Debug, Clone, Default)]
pub struct SimSpi {
    /// The EEPROM.
    pub eeprom: Eeprom,
    pub(crate) trace: Option<Sink>,
}

impl spi::ErrorType for SimSpi {
    type Error = spi::ErrorKind;
}

impl SpiDevice for SimSpi {
    fn transaction(&mut self, operations: &mut [SpiOp<'_, u8>]) -> Result<(), spi::ErrorKind> {
        self.eeprom.select();
        let mut mosi = Vec::new();
        let mut miso = Vec::new();
        for op in operations {
            match op {
                SpiOp::Read(buf) => {
                    for b in buf.iter_mut() {
                        *b = self.eeprom.clock(0);
                        mosi.push(0);
                        miso.push(*b);
                    }
                }
                SpiOp::Write(bytes) => {
                    for &b in bytes.iter() {
                        miso.push(self.eeprom.clock(b));
                        mosi.push(b);
                    }
                }
                SpiOp::Transfer(read, write) => {
                    let n = read.len().max(write.len());
                    for i in 0..n {
                        let out = write.get(i).copied().unwrap_or(0);
                        let got = self.eeprom.clock(out);
                        if let Some(slot) = read.get_mut(i) {
                            *slot = got;
                        }
                        mosi.push(out);
                        miso.push(got);
                    }
                }
                SpiOp::TransferInPlace(buf) => {
                    for b in buf.iter_mut() {
                        let out = *b;
                        *b = self.eeprom.clock(out);
                        mosi.push(out);
                        miso.push(*b);
                    }
                }
                SpiOp::DelayNs(_) => {}
            }
        }
        self.eeprom.deselect();
        trace(
            self.trace.as_ref(),
            format_args!("spi0: out {} in {}", hex(&mosi), hex(&miso)),
        );
        Ok(())
    }
}

/// The PWM channel `pwm0` (8-bit duty).
#[derive(Debug, Clone, Default)]
pub struct SimPwm {
    /// The duty cycle, out of [`SimPwm::MAX_DUTY`].
    pub duty: u16,
    pub(crate) trace: Option<Sink>,
}

impl SimPwm {
    /// The full-scale duty cycle.
    pub const MAX_DUTY: u16 = 255;
}

impl pwm::ErrorType for SimPwm {
    type Error = Infallible;
}

impl SetDutyCycle for SimPwm {
    fn max_duty_cycle(&self) -> u16 {
        Self::MAX_DUTY
    }
    fn set_duty_cycle(&mut self, duty: u16) -> Result<(), Infallible> {
        self.duty = duty;
        trace(
            self.trace.as_ref(),
            format_args!("pwm0: duty {duty}/{}", Self::MAX_DUTY),
        );
        Ok(())
    }
}

/// A delay that sleeps the thread, or, in virtual time, only advances a counter.
#[derive(Debug, Clone, Default)]
pub struct SimDelay {
    /// Nanoseconds slept so far (the virtual clock).
    pub slept_ns: u64,
    /// Whether to skip the real sleep (tests).
    pub virtual_time: bool,
}

impl DelayNs for SimDelay {
    fn delay_ns(&mut self, ns: u32) {
        self.slept_ns = self.slept_ns.saturating_add(u64::from(ns));
        if !self.virtual_time {
            std::thread::sleep(std::time::Duration::from_nanos(u64::from(ns)));
        }
    }
}
