//! The board contract: what a board gives the platform. Everything is an `embedded-hal` 1.0 or
//! `embedded-io` trait, or a plain value; no chip appears here.

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{InputPin, StatefulOutputPin};
use embedded_hal::i2c::I2c;
use embedded_hal::pwm::SetDutyCycle;
use embedded_hal::spi::{Mode, SpiDevice};

use crate::errno::Errno;

/// A console stream a guest can write to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// File descriptor 1.
    Stdout,
    /// File descriptor 2.
    Stderr,
}

/// A clock a guest can read (WASI `clockid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Wall-clock time since the Unix epoch (WASI `realtime`, 0).
    Realtime,
    /// Time since an arbitrary start that never goes back (WASI `monotonic`, 1).
    Monotonic,
    /// CPU time of the process (WASI `process_cputime_id`, 2).
    Process,
    /// CPU time of the thread (WASI `thread_cputime_id`, 3).
    Thread,
}

/// SPI bus settings a guest may ask for with `spi.configure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpiConfig {
    /// Clock frequency in hertz.
    pub frequency_hz: u32,
    /// Clock polarity and phase.
    pub mode: Mode,
}

/// A board: its peripherals as `embedded-hal` / `embedded-io` devices, indexed from 0 within
/// each kind, plus the console, clocks and a random source.
///
/// The platform never holds a device across calls: it asks for it by index on every host call,
/// so the board stays free to share buses or power devices down. Indices come from the board
/// [`Manifest`](crate::Manifest), never from the guest.
///
/// Boards that lack a kind of peripheral use [`NoDevice`](crate::NoDevice) for its type and
/// return `None`.
pub trait Board {
    /// A GPIO pin: readable, and drivable with a readable output state.
    type Pin: InputPin + StatefulOutputPin;
    /// An I2C bus.
    type I2c: I2c;
    /// An SPI device (a bus with its chip select).
    type Spi: SpiDevice;
    /// A serial port.
    type Uart: embedded_io::Read + embedded_io::Write;
    /// A PWM channel.
    type Pwm: SetDutyCycle;
    /// The delay provider.
    type Delay: DelayNs;
    /// The console output (stdout and stderr).
    type Console: embedded_io::Write;
    /// The console input (stdin).
    type Stdin: embedded_io::Read;

    /// GPIO pin `index`.
    fn pin(&mut self, index: usize) -> Option<&mut Self::Pin>;
    /// I2C bus `index`.
    fn i2c(&mut self, index: usize) -> Option<&mut Self::I2c>;
    /// SPI device `index`.
    fn spi(&mut self, index: usize) -> Option<&mut Self::Spi>;
    /// UART `index`.
    fn uart(&mut self, index: usize) -> Option<&mut Self::Uart>;
    /// PWM channel `index`.
    fn pwm(&mut self, index: usize) -> Option<&mut Self::Pwm>;
    /// The delay provider.
    fn delay(&mut self) -> &mut Self::Delay;
    /// The console for `stream`, if the board has one.
    fn console(&mut self, stream: Stream) -> Option<&mut Self::Console>;
    /// The console input, if the board has one.
    fn stdin(&mut self) -> Option<&mut Self::Stdin>;
    /// The time of `clock` in nanoseconds, if the board has that clock.
    fn now_ns(&mut self, clock: Clock) -> Option<u64>;
    /// The resolution of `clock` in nanoseconds, if the board has that clock.
    fn resolution_ns(&mut self, clock: Clock) -> Option<u64>;
    /// Fills `buf` with random bytes from a source fit for seeding (a TRNG, the OS).
    ///
    /// # Errors
    /// When the board has no random source ([`Errno::NOSYS`]) or it failed.
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), Errno>;
    /// Applies `config` to SPI device `index` (`embedded-hal` has no trait for this).
    ///
    /// # Errors
    /// [`Errno::NOTSUP`] by default.
    fn spi_configure(&mut self, index: usize, config: SpiConfig) -> Result<(), Errno> {
        let _ = (index, config);
        Err(Errno::NOTSUP)
    }
}
