//! # mote-host-sim
//!
//! The simulated board that `mote run` uses by default: it gives a guest the same level-1
//! devices a real board would, backed by the host.
//!
//! | label | kind | device |
//! |---|---|---|
//! | `led`, `button`, `gpio2` .. `gpio7` | GPIO | virtual pins (outputs drive, inputs read back the level) |
//! | `i2c0` | I2C | a bus with a TMP105-compatible sensor at 0x48 ([`tmp105`]) |
//! | `spi0` | SPI | a 25-series EEPROM, 4 KiB ([`eeprom`]) |
//! | `uart0` | UART | receive from stdin, transmit to stdout |
//! | `pwm0` | PWM | an 8-bit channel |
//!
//! The console is stdout and stderr, stdin is stdin, the clocks are the host's and random bytes
//! come from `/dev/urandom`. With tracing on, every pin change, bus transfer and duty change is
//! printed to stderr as a `[host-sim] ...` line. For tests, [`HostSim::captured`] sends all
//! output to buffers, takes input from given bytes, and makes delays virtual.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod devices;
pub mod eeprom;
mod io;
pub mod tmp105;

use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub use devices::{SimDelay, SimI2c, SimPin, SimPwm, SimSpi};
pub use io::{Sink, SinkWriter, Source};
use mote_platform::{Board, Clock, Errno, Kind, Manifest, Stream};

/// The pin labels, in board index order.
pub const PINS: [&str; 8] = [
    "led", "button", "gpio2", "gpio3", "gpio4", "gpio5", "gpio6", "gpio7",
];

/// The simulated board.
#[derive(Debug)]
pub struct HostSim {
    /// The pins, by index ([`PINS`]).
    pub pins: Vec<SimPin>,
    /// I2C bus 0.
    pub i2c: SimI2c,
    /// SPI device 0.
    pub spi: SimSpi,
    /// PWM channel 0.
    pub pwm: SimPwm,
    /// The delay provider.
    pub delay: SimDelay,
    stdout: SinkWriter,
    stderr: SinkWriter,
    stdin: Source,
    uart: SimUartPort,
    start: Instant,
}

impl Default for HostSim {
    fn default() -> Self {
        Self::new()
    }
}

impl HostSim {
    /// The board on the process's standard streams, without tracing.
    pub fn new() -> Self {
        Self::with_io(Sink::Stdout, Sink::Stderr, Source::Stdin, None)
    }

    /// The board with its console on `stdout`/`stderr`, its input from `stdin` (also the UART's
    /// receive side), and trace lines to `trace` if given.
    pub fn with_io(stdout: Sink, stderr: Sink, stdin: Source, trace: Option<Sink>) -> Self {
        let pins = PINS
            .iter()
            .map(|&label| SimPin {
                label,
                high: false,
                trace: trace.clone(),
            })
            .collect();
        Self {
            pins,
            i2c: SimI2c {
                trace: trace.clone(),
                ..SimI2c::default()
            },
            spi: SimSpi {
                trace: trace.clone(),
                ..SimSpi::default()
            },
            pwm: SimPwm {
                trace,
                ..SimPwm::default()
            },
            delay: SimDelay::default(),
            stdout: SinkWriter(stdout.clone()),
            stderr: SinkWriter(stderr),
            uart: SimUartPort {
                rx: stdin.clone(),
                tx: SinkWriter(stdout.clone()),
            },
            stdin,
            start: Instant::now(),
        }
    }

    /// A board for tests: output, errors and traces in buffers, `input` as stdin, delays that
    /// only advance the clock. Returns the board and its stdout, stderr and trace sinks.
    pub fn captured(input: &[u8]) -> (Self, Sink, Sink, Sink) {
        let (out, err, trace) = (Sink::buffer(), Sink::buffer(), Sink::buffer());
        let mut board = Self::with_io(
            out.clone(),
            err.clone(),
            Source::bytes(input),
            Some(trace.clone()),
        );
        board.delay.virtual_time = true;
        (board, out, err, trace)
    }

    /// The manifest that grants every device of the board under its label.
    pub fn manifest() -> Manifest {
        let mut m = Manifest::new();
        for (index, label) in PINS.iter().enumerate() {
            m = m.grant(label, Kind::Gpio, index);
        }
        m.grant("i2c0", Kind::I2c, 0)
            .grant("spi0", Kind::Spi, 0)
            .grant("uart0", Kind::Uart, 0)
            .grant("pwm0", Kind::Pwm, 0)
    }

    /// Sets the temperature the TMP105 measures.
    pub fn set_temperature(&mut self, celsius: f64) {
        self.i2c.tmp105.set_celsius(celsius);
    }

    fn monotonic_ns(&self) -> u64 {
        let real = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        if self.delay.virtual_time {
            real.saturating_add(self.delay.slept_ns)
        } else {
            real
        }
    }
}

/// The UART `uart0`: receives from the board's input, transmits to its stdout.
#[derive(Debug, Clone)]
pub struct SimUartPort {
    rx: Source,
    tx: SinkWriter,
}

impl embedded_io::ErrorType for SimUartPort {
    type Error = std::io::Error;
}

impl embedded_io::Read for SimUartPort {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, std::io::Error> {
        embedded_io::Read::read(&mut self.rx, buf)
    }
}

impl embedded_io::Write for SimUartPort {
    fn write(&mut self, buf: &[u8]) -> Result<usize, std::io::Error> {
        embedded_io::Write::write(&mut self.tx, buf)
    }
    fn flush(&mut self) -> Result<(), std::io::Error> {
        embedded_io::Write::flush(&mut self.tx)
    }
}

impl Board for HostSim {
    type Pin = SimPin;
    type I2c = SimI2c;
    type Spi = SimSpi;
    type Uart = SimUartPort;
    type Pwm = SimPwm;
    type Delay = SimDelay;
    type Console = SinkWriter;
    type Stdin = Source;

    fn pin(&mut self, index: usize) -> Option<&mut SimPin> {
        self.pins.get_mut(index)
    }
    fn i2c(&mut self, index: usize) -> Option<&mut SimI2c> {
        (index == 0).then_some(&mut self.i2c)
    }
    fn spi(&mut self, index: usize) -> Option<&mut SimSpi> {
        (index == 0).then_some(&mut self.spi)
    }
    fn uart(&mut self, index: usize) -> Option<&mut SimUartPort> {
        (index == 0).then_some(&mut self.uart)
    }
    fn pwm(&mut self, index: usize) -> Option<&mut SimPwm> {
        (index == 0).then_some(&mut self.pwm)
    }
    fn delay(&mut self) -> &mut SimDelay {
        &mut self.delay
    }
    fn console(&mut self, stream: Stream) -> Option<&mut SinkWriter> {
        Some(match stream {
            Stream::Stdout => &mut self.stdout,
            Stream::Stderr => &mut self.stderr,
        })
    }
    fn stdin(&mut self) -> Option<&mut Source> {
        Some(&mut self.stdin)
    }
    fn now_ns(&mut self, clock: Clock) -> Option<u64> {
        match clock {
            Clock::Realtime => {
                let since = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
                u64::try_from(since.as_nanos()).ok()
            }
            Clock::Monotonic | Clock::Process | Clock::Thread => Some(self.monotonic_ns()),
        }
    }
    fn resolution_ns(&mut self, _clock: Clock) -> Option<u64> {
        Some(1_000)
    }
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
        use std::io::Read as _;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(buf))
            .map_err(|_| Errno::IO)
    }
}
