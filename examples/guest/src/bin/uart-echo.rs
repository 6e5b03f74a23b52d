//! `uart-echo`: echoes what arrives on `uart0` back to it, until the end of input.
#![no_std]
#![no_main]

use mote_guest::uart::Uart;
use mote_guest::{exit, println};

/// The entry point `mote run` calls.
#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    let Ok(uart) = Uart::open("uart0") else {
        println!("uart-echo: the board grants no `uart0`");
        exit(1);
    };
    let mut buf = [0u8; 64];
    loop {
        match uart.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if uart.write(&buf[..n]).is_err() {
                    exit(1);
                }
            }
            Err(_) => exit(1),
        }
    }
}
