//! `blink`: toggles the board's `led` pin three times, 100 ms apart (run with `--trace` to see
//! the pin).
#![no_std]
#![no_main]

use mote_guest::gpio::Pin;
use mote_guest::{delay, exit, println};

/// The entry point `mote run` calls.
#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    let Ok(led) = Pin::output("led", false) else {
        println!("blink: the board grants no `led` pin");
        exit(1);
    };
    for i in 0..6 {
        if led.toggle().is_err() {
            exit(1);
        }
        let on = led.is_high().unwrap_or(false);
        println!("blink {}: led {}", i / 2 + 1, if on { "on" } else { "off" });
        delay::ms(100);
    }
}
