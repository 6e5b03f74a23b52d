//! `hello`: prints a greeting through WASI `fd_write`, then its arguments (`args_get`).
#![no_std]
#![no_main]

use mote_guest::{env, println};

/// The entry point `mote run` calls.
#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    println!("Hello from Mote!");
    let mut buf = [0u8; 256];
    if let Ok(args) = env::args(&mut buf) {
        // The first argument is the program.
        for arg in args.skip(1) {
            println!(
                "arg: {}",
                core::str::from_utf8(arg).unwrap_or("(not UTF-8)")
            );
        }
    }
}
