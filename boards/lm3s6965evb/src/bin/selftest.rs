//! The board's self-test, without the Wasm runtime: what the `thermometer` and `blink` example
//! apps do, written in Rust against the same drivers through the same `embedded-hal` traits
//! and the same [`mote_platform::Board`] accessors. It prints the same lines, so the harness
//! (`cargo xtask qemu-test lm3s6965evb`) checks it the same way: UART0 output, the TMP105
//! temperature set over QMP, and the LED's toggles in QEMU's GPIO trace. A failure here points
//! at the drivers or the harness rather than at the runtime (docs/boards.md).
#![no_std]
#![no_main]

use core::fmt::Write as _;

use cortex_m_rt::entry;
use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{OutputPin, StatefulOutputPin};
use embedded_hal::i2c::I2c;
use mote_lm3s6965evb::{Lm3s6965evb, app, rt};
use mote_platform::Board;

/// The TMP105's address and registers.
const TMP105: u8 = 0x48;
const TEMPERATURE: u8 = 0x00;
const CONFIG: u8 = 0x01;
/// Configuration R1:R0 = 11: 12-bit resolution.
const RESOLUTION_12_BIT: u8 = 0b0110_0000;

#[entry]
fn main() -> ! {
    let Some(mut board) = Lm3s6965evb::take() else {
        rt::exit(app::EXIT_FAILURE)
    };
    let status = match thermometer(&mut board) {
        Ok(()) => blink(&mut board),
        Err(status) => status,
    };
    rt::exit(status)
}

fn thermometer(board: &mut Lm3s6965evb) -> Result<(), i32> {
    let Some(bus) = board.i2c(0) else {
        return Err(app::EXIT_FAILURE);
    };
    let mut raw = [0u8; 2];
    let result = bus
        .write(TMP105, &[CONFIG, RESOLUTION_12_BIT])
        .and_then(|()| bus.write_read(TMP105, &[TEMPERATURE], &mut raw));
    if let Err(e) = result {
        let _ = writeln!(board.uart0(), "selftest: TMP105 at {TMP105:#04x}: {e:?}");
        return Err(app::EXIT_FAILURE);
    }
    // 12-bit two's complement, left-justified: sixteenths of a degree; printed in
    // ten-thousandths without trailing zeros, as the thermometer app does.
    let tenk = i32::from(i16::from_be_bytes(raw) >> 4) * 625;
    let sign = if tenk < 0 { "-" } else { "" };
    let abs = tenk.unsigned_abs();
    let (whole, mut frac, mut digits) = (abs / 10_000, abs % 10_000, 4);
    while digits > 1 && frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    let _ = writeln!(board.uart0(), "{sign}{whole}.{frac:0digits$} °C");
    Ok(())
}

fn blink(board: &mut Lm3s6965evb) -> i32 {
    for i in 0..6 {
        let Some(led) = board.pin(0) else {
            return app::EXIT_FAILURE;
        };
        if i == 0 {
            let _ = led.set_low();
        }
        let _ = led.toggle();
        let on = led.is_set_high().unwrap_or(false);
        let _ = writeln!(
            board.uart0(),
            "blink {}: led {}",
            i / 2 + 1,
            if on { "on" } else { "off" }
        );
        board.delay().delay_ms(100);
    }
    0
}
