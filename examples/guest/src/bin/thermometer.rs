//! `thermometer`: reads a TMP105 at 0x48 on the board's `i2c0` bus in 12-bit mode and prints
//! the temperature in degrees Celsius.
#![no_std]
#![no_main]

use mote_guest::i2c::I2c;
use mote_guest::{delay, exit, println};

const TMP105: u8 = 0x48;
const TEMPERATURE: u8 = 0x00;
const CONFIG: u8 = 0x01;
/// Configuration R1:R0 = 11: 12-bit resolution (0.0625 °C).
const RESOLUTION_12_BIT: u8 = 0b0110_0000;

/// The entry point `mote run` calls.
#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    let bus = match I2c::open("i2c0") {
        Ok(bus) => bus,
        Err(e) => {
            println!("thermometer: cannot open i2c0: {e}");
            exit(1);
        }
    };
    if let Err(e) = bus.write(TMP105, &[CONFIG, RESOLUTION_12_BIT]) {
        println!("thermometer: no TMP105 at {TMP105:#04x}: {e}");
        exit(1);
    }
    // A 12-bit conversion takes up to 320 ms on the real part.
    delay::ms(320);
    let mut raw = [0u8; 2];
    if let Err(e) = bus.write_read(TMP105, &[TEMPERATURE], &mut raw) {
        println!("thermometer: read failed: {e}");
        exit(1);
    }
    // 12-bit two's complement, left-justified: sixteenths of a degree.
    let sixteenths = i32::from(i16::from_be_bytes(raw) >> 4);
    // In ten-thousandths of a degree: exact, since 1/16 = 0.0625.
    let tenk = sixteenths * 625;
    let sign = if tenk < 0 { "-" } else { "" };
    let abs = tenk.unsigned_abs();
    let (whole, mut frac, mut digits) = (abs / 10_000, abs % 10_000, 4);
    while digits > 1 && frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    println!("{sign}{whole}.{frac:0digits$} °C");
}
