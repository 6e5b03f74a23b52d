//! The board: the EVB's devices as a [`mote_platform::Board`], and the manifest that grants
//! them to an app under the same labels as the host-sim board.

use core::sync::atomic::{AtomicBool, Ordering};

use mote_platform::{Board, Clock, Errno, Kind, Manifest, NoDevice, Stream};

use crate::gpio::{Pin, Port};
use crate::i2c::I2c0;
use crate::time::{self, Delay};
use crate::uart::Uart0;

/// The pins: label, port and bit, in board index order (the labels of host-sim's pins).
pub const PINS: [(&str, Port, u8); 8] = [
    // The EVB's green status LED.
    ("led", Port::F, 0),
    // The navigation switch's "select" push button (active low; QEMU's gamepad drives it).
    ("button", Port::F, 1),
    // The navigation switch's up, down, left and right buttons (active low; QEMU drives them
    // from the arrow keys when it has a display).
    ("gpio2", Port::E, 0),
    ("gpio3", Port::E, 1),
    ("gpio4", Port::E, 2),
    ("gpio5", Port::E, 3),
    // Free pins on the EVB's headers.
    ("gpio6", Port::G, 0),
    ("gpio7", Port::G, 1),
];

/// The app's console (stdout and stderr): UART0, or with the feature `defmt` one defmt frame
/// per line (`app: ...`) over semihosting.
#[cfg(not(feature = "defmt"))]
pub type Console = Uart0;
/// The app's console (stdout and stderr): UART0, or with the feature `defmt` one defmt frame
/// per line (`app: ...`) over semihosting.
#[cfg(feature = "defmt")]
pub type Console = mote_board_support::log::DefmtConsole;

/// Set once the board has been taken.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// The LM3S6965 evaluation board (as QEMU's `lm3s6965evb` machine models it).
#[derive(Debug)]
pub struct Lm3s6965evb {
    pins: [Pin; 8],
    i2c0: I2c0,
    uart0: Uart0,
    #[cfg(feature = "defmt")]
    console: Console,
    delay: Delay,
}

impl Lm3s6965evb {
    /// Takes the board: turns on and sets up UART0, I2C0, the pins and the millisecond tick.
    /// Returns `None` after the first call (there is one board), or if the core peripherals
    /// were already taken.
    pub fn take() -> Option<Self> {
        if TAKEN.swap(true, Ordering::AcqRel) {
            return None;
        }
        let core = cortex_m::Peripherals::take()?;
        let uart0 = Uart0::new();
        let i2c0 = I2c0::new();
        let pins = PINS.map(|(_, port, bit)| Pin::input(port, bit));
        time::start(core.SYST);
        Some(Self {
            pins,
            i2c0,
            uart0,
            #[cfg(feature = "defmt")]
            console: Console::new(),
            delay: Delay::new(),
        })
    }

    /// The manifest that grants every device of the board under its label: the pins of
    /// [`PINS`], `i2c0` and `uart0`.
    pub fn manifest() -> Manifest {
        let mut manifest = Manifest::new();
        for (index, (label, _, _)) in PINS.iter().enumerate() {
            manifest = manifest.grant(label, Kind::Gpio, index);
        }
        manifest
            .grant("i2c0", Kind::I2c, 0)
            .grant("uart0", Kind::Uart, 0)
    }

    /// The app's console (with the feature `defmt`; without it, the console is UART0).
    #[cfg(feature = "defmt")]
    pub fn console_mut(&mut self) -> &mut Console {
        &mut self.console
    }

    /// UART0, which is also the console without the feature `defmt`.
    pub fn uart0(&mut self) -> &mut Uart0 {
        &mut self.uart0
    }
}

impl Board for Lm3s6965evb {
    type Pin = Pin;
    type I2c = I2c0;
    type Spi = NoDevice;
    type Uart = Uart0;
    type Pwm = NoDevice;
    type Delay = Delay;
    type Console = Console;
    type Stdin = Uart0;

    fn pin(&mut self, index: usize) -> Option<&mut Pin> {
        self.pins.get_mut(index)
    }
    fn i2c(&mut self, index: usize) -> Option<&mut I2c0> {
        (index == 0).then_some(&mut self.i2c0)
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
    fn console(&mut self, _stream: Stream) -> Option<&mut Console> {
        #[cfg(feature = "defmt")]
        return Some(&mut self.console);
        #[cfg(not(feature = "defmt"))]
        return Some(&mut self.uart0);
    }
    fn stdin(&mut self) -> Option<&mut Uart0> {
        Some(&mut self.uart0)
    }
    fn now_ns(&mut self, clock: Clock) -> Option<u64> {
        match clock {
            // No calendar clock: the board has no RTC set from anywhere.
            Clock::Realtime => None,
            Clock::Monotonic | Clock::Process | Clock::Thread => Some(time::now_ns()),
        }
    }
    fn resolution_ns(&mut self, clock: Clock) -> Option<u64> {
        match clock {
            Clock::Realtime => None,
            Clock::Monotonic | Clock::Process | Clock::Thread => {
                Some(1_000_000_000 / u64::from(crate::sysctl::SYSCLK_HZ))
            }
        }
    }
    fn fill_random(&mut self, _buf: &mut [u8]) -> Result<(), Errno> {
        // The LM3S6965 has no random number generator.
        Err(Errno::NOSYS)
    }
}
