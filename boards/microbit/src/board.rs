//! The board: the micro:bit's devices as a [`mote_platform::Board`], and the manifest that
//! grants them to an app under the same labels as the host-sim board.

use portable_atomic::{AtomicBool, Ordering};

use mote_platform::{Board, Clock, Errno, Kind, Manifest, NoDevice, Stream};

use crate::gpio::{Pin, Pull};
use crate::time::{self, Delay};
use crate::uart::Uart0;

/// The pins: label, P0 pin number and pull, in board index order (the labels of host-sim's
/// pins).
pub const PINS: [(&str, u8, Pull); 8] = [
    // Row 1 of the 5 × 5 LED matrix; with column 1 (P0.4) held low, it lights the top-left
    // LED when high.
    ("led", 13, Pull::None),
    // Button A (active low; the board has its own pull-up, the internal one stands in for it
    // under QEMU).
    ("button", 17, Pull::Up),
    // Button B (active low).
    ("gpio2", 26, Pull::Up),
    // The edge connector's large pads 0, 1 and 2.
    ("gpio3", 3, Pull::None),
    ("gpio4", 2, Pull::None),
    ("gpio5", 1, Pull::None),
    // Edge connector pins 8 and 16 (free on the board).
    ("gpio6", 18, Pull::None),
    ("gpio7", 16, Pull::None),
];

/// Column 1 of the LED matrix, held low so that row 1 (`led`) lights its LED.
pub const LED_COLUMN: u8 = 4;

/// Set once the board has been taken.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// The BBC micro:bit v1 (as QEMU's `microbit` machine models it).
#[derive(Debug)]
pub struct Microbit {
    pins: [Pin; 8],
    /// Column 1 of the LED matrix: an output, low.
    _led_column: Pin,
    uart0: Uart0,
    delay: Delay,
}

impl Microbit {
    /// Takes the board: sets up UART0, the pins and the microsecond timer. Returns `None`
    /// after the first call (there is one board).
    pub fn take() -> Option<Self> {
        if TAKEN.swap(true, Ordering::AcqRel) {
            return None;
        }
        let uart0 = Uart0::new();
        let led_column = Pin::output(LED_COLUMN, false);
        let pins = PINS.map(|(_, number, pull)| Pin::input(number, pull));
        time::start();
        Some(Self {
            pins,
            _led_column: led_column,
            uart0,
            delay: Delay::new(),
        })
    }

    /// The manifest that grants every device of the board under its label: the pins of
    /// [`PINS`] and `uart0`.
    pub fn manifest() -> Manifest {
        let mut manifest = Manifest::new();
        for (index, (label, _, _)) in PINS.iter().enumerate() {
            manifest = manifest.grant(label, Kind::Gpio, index);
        }
        manifest.grant("uart0", Kind::Uart, 0)
    }

    /// UART0, which is also the console.
    pub fn uart0(&mut self) -> &mut Uart0 {
        &mut self.uart0
    }
}

impl Board for Microbit {
    type Pin = Pin;
    type I2c = NoDevice;
    type Spi = NoDevice;
    type Uart = Uart0;
    type Pwm = NoDevice;
    type Delay = Delay;
    type Console = Uart0;
    type Stdin = Uart0;

    fn pin(&mut self, index: usize) -> Option<&mut Pin> {
        self.pins.get_mut(index)
    }
    fn i2c(&mut self, _index: usize) -> Option<&mut NoDevice> {
        // QEMU's nRF51 I2C (TWI) is a stub: no bus is granted.
        None
    }
    fn spi(&mut self, _index: usize) -> Option<&mut NoDevice> {
        None
    }
    fn uart(&mut self, index: usize) -> Option<&mut Uart0> {
        (index == 0).then_some(&mut self.uart0)
    }
    fn pwm(&mut self, _index: usize) -> Option<&mut NoDevice> {
        None
    }
    fn delay(&mut self) -> &mut Delay {
        &mut self.delay
    }
    fn console(&mut self, _stream: Stream) -> Option<&mut Uart0> {
        Some(&mut self.uart0)
    }
    fn stdin(&mut self) -> Option<&mut Uart0> {
        Some(&mut self.uart0)
    }
    fn now_ns(&mut self, clock: Clock) -> Option<u64> {
        match clock {
            // No calendar clock: the nRF51's RTC counts from reset and nothing sets it.
            Clock::Realtime => None,
            Clock::Monotonic | Clock::Process | Clock::Thread => Some(time::now_ns()),
        }
    }
    fn resolution_ns(&mut self, clock: Clock) -> Option<u64> {
        match clock {
            Clock::Realtime => None,
            Clock::Monotonic | Clock::Process | Clock::Thread => Some(time::RESOLUTION_NS),
        }
    }
    fn fill_random(&mut self, _buf: &mut [u8]) -> Result<(), Errno> {
        // The nRF51 has an RNG; it is not driven yet.
        Err(Errno::NOSYS)
    }
}
