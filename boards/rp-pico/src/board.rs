//! The Raspberry Pi Pico as a `mote_platform::Board`: the LED on GP25, GP15 and GP16..GP21 as
//! GPIO, I2C0 on GP4 (SDA) / GP5 (SCL), UART0 on GP0 (TX) / GP1 (RX), the 1 MHz timer as the
//! clock. Pins from the Raspberry Pi Pico datasheet's pinout (docs/boards.md).

use fugit::RateExtU32;
use mote_platform::{Board, Clock as WasiClock, Errno, Kind, Manifest, NoDevice, Stream};
use rp2040_hal::clocks::{Clock as _, init_clocks_and_plls};
use rp2040_hal::gpio::bank0::{Gpio0, Gpio1, Gpio4, Gpio5};
use rp2040_hal::gpio::{FunctionI2C, FunctionUart, Pin as HalPin, Pins, PullDown, PullUp};
use rp2040_hal::pac::{self, I2C0, UART0};
use rp2040_hal::uart::{DataBits, StopBits, UartConfig, UartPeripheral};
use rp2040_hal::{I2C, Sio, Timer, Watchdog};

use crate::pin::Pin;

/// The Pico's crystal.
const XOSC_HZ: u32 = 12_000_000;

/// The labels of the GPIO grants, in the order of [`Pico::take`]'s pins (host-sim's labels).
pub const PINS: [&str; 8] = [
    "led", "button", "gpio2", "gpio3", "gpio4", "gpio5", "gpio6", "gpio7",
];

type Sda = HalPin<Gpio4, FunctionI2C, PullUp>;
type Scl = HalPin<Gpio5, FunctionI2C, PullUp>;
/// I2C0, 100 kHz master.
pub type I2c0 = I2C<I2C0, (Sda, Scl)>;
type UartPins = (
    HalPin<Gpio0, FunctionUart, PullDown>,
    HalPin<Gpio1, FunctionUart, PullDown>,
);
/// UART0, 115 200 baud 8N1.
pub type Uart0 = UartPeripheral<rp2040_hal::uart::Enabled, UART0, UartPins>;

/// The app's console: the UART, or defmt over RTT with the feature `defmt`.
#[cfg(not(feature = "defmt"))]
pub type Console = Uart0;
/// The app's console: the UART, or defmt over RTT with the feature `defmt`.
#[cfg(feature = "defmt")]
pub type Console = mote_board_support::log::DefmtConsole;

/// The board.
pub struct Pico {
    pins: [Pin; 8],
    i2c0: I2c0,
    uart0: Uart0,
    #[cfg(feature = "defmt")]
    console: Console,
    timer: Timer,
}

impl Pico {
    /// Takes the chip's peripherals (once; `None` after) and starts the clocks (125 MHz from the
    /// 12 MHz crystal).
    pub fn take() -> Option<Self> {
        let mut p = pac::Peripherals::take()?;
        let mut watchdog = Watchdog::new(p.WATCHDOG);
        let clocks = init_clocks_and_plls(
            XOSC_HZ,
            p.XOSC,
            p.CLOCKS,
            p.PLL_SYS,
            p.PLL_USB,
            &mut p.RESETS,
            &mut watchdog,
        )
        .ok()?;
        let sio = Sio::new(p.SIO);
        let io = Pins::new(p.IO_BANK0, p.PADS_BANK0, sio.gpio_bank0, &mut p.RESETS);
        let pins = [
            Pin::new(io.gpio25.into_pull_up_input().into_dyn_pin()),
            Pin::new(io.gpio15.into_pull_up_input().into_dyn_pin()),
            Pin::new(io.gpio16.into_pull_up_input().into_dyn_pin()),
            Pin::new(io.gpio17.into_pull_up_input().into_dyn_pin()),
            Pin::new(io.gpio18.into_pull_up_input().into_dyn_pin()),
            Pin::new(io.gpio19.into_pull_up_input().into_dyn_pin()),
            Pin::new(io.gpio20.into_pull_up_input().into_dyn_pin()),
            Pin::new(io.gpio21.into_pull_up_input().into_dyn_pin()),
        ];
        let i2c0 = I2C::i2c0(
            p.I2C0,
            io.gpio4.reconfigure(),
            io.gpio5.reconfigure(),
            100.kHz(),
            &mut p.RESETS,
            &clocks.system_clock,
        );
        let uart0 = UartPeripheral::new(
            p.UART0,
            (io.gpio0.into_function(), io.gpio1.into_function()),
            &mut p.RESETS,
        )
        .enable(
            UartConfig::new(115_200.Hz(), DataBits::Eight, None, StopBits::One),
            clocks.peripheral_clock.freq(),
        )
        .ok()?;
        let timer = Timer::new(p.TIMER, &mut p.RESETS, &clocks);
        Some(Self {
            pins,
            i2c0,
            uart0,
            #[cfg(feature = "defmt")]
            console: Console::new(),
            timer,
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

impl Board for Pico {
    type Pin = Pin;
    type I2c = I2c0;
    type Spi = NoDevice;
    type Uart = Uart0;
    type Pwm = NoDevice;
    type Delay = Timer;
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
    fn delay(&mut self) -> &mut Timer {
        &mut self.timer
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
            // The timer counts microseconds since reset in 64 bits.
            _ => Some(self.timer.get_counter().ticks().saturating_mul(1000)),
        }
    }
    fn resolution_ns(&mut self, clock: WasiClock) -> Option<u64> {
        match clock {
            WasiClock::Realtime => None,
            _ => Some(1000),
        }
    }
    fn fill_random(&mut self, _buf: &mut [u8]) -> Result<(), Errno> {
        // The ring oscillator's random bit is not a source fit for seeding.
        Err(Errno::NOSYS)
    }
}
