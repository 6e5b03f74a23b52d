//! The board: the HiFive1's devices (as QEMU's `sifive_e` models them) as a
//! [`mote_platform::Board`], and the manifest that grants them to an app under the host-sim
//! board's labels.

use core::sync::atomic::{AtomicBool, Ordering};

use mote_platform::{Board, Clock, Errno, Kind, Manifest, NoDevice, Stream};

use crate::gpio::{Pin, Pull};
use crate::time::{self, Delay};
use crate::uart::Uart0;

/// The pins: label, GPIO number and pull, in board index order.
pub const PINS: [(&str, u8, Pull); 8] = [
    // Header pin 3: the green LED of the RGB LED (active low on the board: the app's "on",
    // high, is dark there; QEMU models no LED, its GPIO trace shows the level).
    ("led", 19, Pull::None),
    // Header pin 15 (the board has no user button; active low with the pull-up).
    ("button", 9, Pull::Up),
    // Header pins 2, 4, 5 (the blue LED), 6 (the red LED), 7 and 16.
    ("gpio2", 18, Pull::None),
    ("gpio3", 20, Pull::None),
    ("gpio4", 21, Pull::None),
    ("gpio5", 22, Pull::None),
    ("gpio6", 23, Pull::None),
    ("gpio7", 10, Pull::None),
];

/// Set once the board has been taken.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// The HiFive1 (rev A), as QEMU's `sifive_e` machine models it.
#[derive(Debug)]
pub struct SifiveE {
    pins: [Pin; 8],
    uart0: Uart0,
    delay: Delay,
}

impl SifiveE {
    /// Takes the board: sets up UART0 and the pins. Returns `None` after the first call (there
    /// is one board).
    pub fn take() -> Option<Self> {
        if TAKEN.swap(true, Ordering::AcqRel) {
            return None;
        }
        Some(Self {
            pins: PINS.map(|(_, number, pull)| Pin::input(number, pull)),
            uart0: Uart0::new(),
            delay: Delay::default(),
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

impl Board for SifiveE {
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
        // The FE310 has an I2C controller; QEMU 7.2's sifive_e does not model it.
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
            // No calendar clock: nothing sets the time of day.
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
        // The FE310 has no random number generator.
        Err(Errno::NOSYS)
    }
}
