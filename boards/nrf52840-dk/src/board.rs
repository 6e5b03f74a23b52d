//! The nRF52840-DK as a `mote_platform::Board`: its four LEDs and four buttons, TWIM0 as the
//! I2C bus `i2c0` on the Arduino header's SDA/SCL, UARTE0 on the interface MCU's virtual COM
//! port, TIMER0 as the clock. Pins from the nRF52840 DK User Guide (docs/boards.md).

use embedded_io::{ErrorType, Read, Write};
use mote_platform::{Board, Clock as WasiClock, Errno, Kind, Manifest, NoDevice, Stream};
use nrf52840_hal::gpio::{Level, p0};
use nrf52840_hal::pac::{Peripherals, TWIM0, UARTE0};
use nrf52840_hal::twim::{self, Twim};
use nrf52840_hal::uarte::{self, Baudrate, Parity, Uarte};

use crate::pin::Pin;
use crate::time::Clock;

/// The labels of the GPIO grants, in the order of [`Dk::take`]'s pins (host-sim's labels for the
/// first two).
pub const PINS: [&str; 8] = [
    "led", "button", "gpio2", "gpio3", "gpio4", "gpio5", "gpio6", "gpio7",
];

/// UARTE0 as one `embedded-io` device (115 200 baud, 8N1, no flow control), over the HAL's
/// blocking `Uarte::write` and `Uarte::read`. Not the HAL's `UarteTx`/`UarteRx`: in
/// nrf-hal-common 0.19, `UarteTx`'s `embedded_io::Write::write` copies into its buffer with
/// slices of different lengths and panics on any write shorter than the room left.
pub struct Serial(Uarte<UARTE0>);

/// Bytes sent per DMA transfer (EasyDMA reads only RAM: the bytes are copied here first, as
/// they may be in flash).
const TX_CHUNK: usize = 64;

impl ErrorType for Serial {
    type Error = uarte::Error;
}

impl Write for Serial {
    fn write(&mut self, buf: &[u8]) -> Result<usize, uarte::Error> {
        for chunk in buf.chunks(TX_CHUNK) {
            let mut ram = [0u8; TX_CHUNK];
            ram[..chunk.len()].copy_from_slice(chunk);
            self.0.write(&ram[..chunk.len()])?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), uarte::Error> {
        // `Uarte::write` returns when the transfer has ended.
        Ok(())
    }
}

impl Read for Serial {
    /// Blocks until a byte comes and returns it (`Uarte::read` fills the whole buffer it gets,
    /// so it gets one byte).
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, uarte::Error> {
        let Some(first) = buf.first_mut() else {
            return Ok(0);
        };
        let mut byte = [0u8; 1];
        self.0.read(&mut byte)?;
        *first = byte[0];
        Ok(1)
    }
}

/// The app's console: the UART, or defmt over RTT with the feature `defmt`.
#[cfg(not(feature = "defmt"))]
pub type Console = Serial;
/// The app's console: the UART, or defmt over RTT with the feature `defmt`.
#[cfg(feature = "defmt")]
pub type Console = mote_board_support::log::DefmtConsole;

/// The board.
pub struct Dk {
    pins: [Pin; 8],
    i2c0: Twim<TWIM0>,
    uart0: Serial,
    #[cfg(feature = "defmt")]
    console: Console,
    clock: Clock,
}

impl Dk {
    /// Takes the chip's peripherals (once; `None` after).
    pub fn take() -> Option<Self> {
        let p = Peripherals::take()?;
        let port0 = p0::Parts::new(p.P0);
        // LED1..4: P0.13..16 (active low); Button 1..4: P0.11, P0.12, P0.24, P0.25 (active low).
        let pins = [
            Pin::new(port0.p0_13.degrade()),
            Pin::new(port0.p0_11.degrade()),
            Pin::new(port0.p0_14.degrade()),
            Pin::new(port0.p0_15.degrade()),
            Pin::new(port0.p0_16.degrade()),
            Pin::new(port0.p0_12.degrade()),
            Pin::new(port0.p0_24.degrade()),
            Pin::new(port0.p0_25.degrade()),
        ];
        // Arduino header: SDA P0.26, SCL P0.27 (TWI pins are open drain; the sensor board's
        // pull-ups hold them high).
        let i2c0 = Twim::new(
            p.TWIM0,
            twim::Pins {
                sda: port0.p0_26.into_floating_input().degrade(),
                scl: port0.p0_27.into_floating_input().degrade(),
            },
            twim::Frequency::K100,
        );
        // The virtual COM port of the interface MCU: TXD P0.06, RXD P0.08.
        let uarte = Uarte::new(
            p.UARTE0,
            uarte::Pins {
                txd: port0.p0_06.into_push_pull_output(Level::High).degrade(),
                rxd: port0.p0_08.into_floating_input().degrade(),
                cts: None,
                rts: None,
            },
            Parity::EXCLUDED,
            Baudrate::BAUD115200,
        );
        Some(Self {
            pins,
            i2c0,
            uart0: Serial(uarte),
            #[cfg(feature = "defmt")]
            console: Console::new(),
            clock: Clock::start(p.TIMER0),
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

impl Board for Dk {
    type Pin = Pin;
    type I2c = Twim<TWIM0>;
    type Spi = NoDevice;
    type Uart = Serial;
    type Pwm = NoDevice;
    type Delay = Clock;
    type Console = Console;
    type Stdin = Serial;

    fn pin(&mut self, index: usize) -> Option<&mut Pin> {
        self.pins.get_mut(index)
    }
    fn i2c(&mut self, index: usize) -> Option<&mut Twim<TWIM0>> {
        (index == 0).then_some(&mut self.i2c0)
    }
    fn spi(&mut self, _index: usize) -> Option<&mut NoDevice> {
        None
    }
    fn uart(&mut self, index: usize) -> Option<&mut Serial> {
        (index == 0).then_some(&mut self.uart0)
    }
    fn pwm(&mut self, _index: usize) -> Option<&mut NoDevice> {
        None
    }
    fn delay(&mut self) -> &mut Clock {
        &mut self.clock
    }
    fn console(&mut self, _stream: Stream) -> Option<&mut Console> {
        Some(self.console_mut())
    }
    fn stdin(&mut self) -> Option<&mut Serial> {
        Some(&mut self.uart0)
    }
    fn now_ns(&mut self, clock: WasiClock) -> Option<u64> {
        match clock {
            WasiClock::Realtime => None,
            _ => Some(self.clock.now_us().saturating_mul(1000)),
        }
    }
    fn resolution_ns(&mut self, clock: WasiClock) -> Option<u64> {
        match clock {
            WasiClock::Realtime => None,
            _ => Some(1000),
        }
    }
    fn fill_random(&mut self, _buf: &mut [u8]) -> Result<(), Errno> {
        // The RNG peripheral is not driven yet.
        Err(Errno::NOSYS)
    }
}
