//! The ESP32-C3-DevKit-RUST-1 as a `mote_platform::Board`: the LED on GPIO7, the boot button on
//! GPIO9, GPIO0..GPIO5 free on the header, I2C0 on GPIO10 (SDA) / GPIO8 (SCL), the board's own
//! I2C bus, UART0 on GPIO21 (TX) / GPIO20 (RX), the system timer as the clock. Pins from the
//! board's README and the ESP32-C3 datasheet (docs/boards.md).

use esp_hal::Blocking;
use esp_hal::delay::Delay;
use esp_hal::gpio::{Flex, InputConfig, Pull};
use esp_hal::i2c::master::{Config as I2cConfig, I2c};
use esp_hal::peripherals::Peripherals;
use esp_hal::time::{Instant, Rate};
use esp_hal::uart::{Config as UartConfig, Uart};
use mote_platform::{Board, Clock as WasiClock, Errno, Kind, Manifest, NoDevice, Stream};

use crate::pin::Pin;

/// The labels of the GPIO grants, in the order of [`DevKit::new`]'s pins (host-sim's labels).
pub const PINS: [&str; 8] = [
    "led", "button", "gpio2", "gpio3", "gpio4", "gpio5", "gpio6", "gpio7",
];

/// I2C0, 100 kHz master.
pub type I2c0 = I2c<'static, Blocking>;
/// UART0, 115 200 baud 8N1.
pub type Uart0 = Uart<'static, Blocking>;

/// The app's console: the UART, or defmt over RTT with the feature `defmt`.
#[cfg(not(feature = "defmt"))]
pub type Console = Uart0;
/// The app's console: the UART, or defmt over RTT with the feature `defmt`.
#[cfg(feature = "defmt")]
pub type Console = mote_board_support::log::DefmtConsole;

/// The board.
pub struct DevKit {
    pins: [Pin; 8],
    i2c0: I2c0,
    uart0: Uart0,
    #[cfg(feature = "defmt")]
    console: Console,
    delay: Delay,
}

/// `pin` as an input with its pull-up.
fn input(pin: impl esp_hal::gpio::Pin + 'static) -> Pin {
    let mut flex = Flex::new(pin);
    flex.apply_input_config(&InputConfig::default().with_pull(Pull::Up));
    flex.set_input_enable(true);
    Pin::new(flex)
}

impl DevKit {
    /// The board over the chip's peripherals (from `esp_hal::init`); `None` when the HAL
    /// refuses a configuration.
    pub fn new(p: Peripherals) -> Option<Self> {
        let pins = [
            input(p.GPIO7),
            input(p.GPIO9),
            input(p.GPIO0),
            input(p.GPIO1),
            input(p.GPIO3),
            input(p.GPIO4),
            input(p.GPIO5),
            input(p.GPIO6),
        ];
        let i2c0 = I2c::new(
            p.I2C0,
            I2cConfig::default().with_frequency(Rate::from_khz(100)),
        )
        .ok()?
        .with_sda(p.GPIO10)
        .with_scl(p.GPIO8);
        let uart0 = Uart::new(p.UART0, UartConfig::default().with_baudrate(115_200))
            .ok()?
            .with_tx(p.GPIO21)
            .with_rx(p.GPIO20);
        Some(Self {
            pins,
            i2c0,
            uart0,
            #[cfg(feature = "defmt")]
            console: Console::new(),
            delay: Delay::new(),
        })
    }

    /// What an app may open: the pins by [`PINS`]' labels, `i2c0` and `uart0`.
    pub fn manifest() -> Manifest {
        let mut manifest = Manifest::new();
        for (index, label) in PINS.iter().enumerate() {
            manifest = manifest.grant(label, Kind::Gpio, index);
        }
        manifest
            .grant("i2c0", Kind::I2c, 0)
            .grant("uart0", Kind::Uart, 0)
    }

    /// The app's console.
    pub fn console_mut(&mut self) -> &mut Console {
        #[cfg(feature = "defmt")]
        return &mut self.console;
        #[cfg(not(feature = "defmt"))]
        return &mut self.uart0;
    }
}

impl Board for DevKit {
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
        Some(self.console_mut())
    }
    fn stdin(&mut self) -> Option<&mut Uart0> {
        Some(&mut self.uart0)
    }
    fn now_ns(&mut self, clock: WasiClock) -> Option<u64> {
        match clock {
            WasiClock::Realtime => None,
            // The system timer, in microseconds since boot.
            _ => Some(
                Instant::now()
                    .duration_since_epoch()
                    .as_micros()
                    .saturating_mul(1000),
            ),
        }
    }
    fn resolution_ns(&mut self, clock: WasiClock) -> Option<u64> {
        match clock {
            WasiClock::Realtime => None,
            _ => Some(1000),
        }
    }
    fn fill_random(&mut self, _buf: &mut [u8]) -> Result<(), Errno> {
        // esp-hal's RNG is random only while the radio or the ADC entropy source runs.
        Err(Errno::NOSYS)
    }
}
