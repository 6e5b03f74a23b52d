//! # mote-sifive-e
//!
//! Mote on QEMU's `sifive_e` machine (the HiFive1 rev A's SiFive FE310: an E31 core,
//! RV32IMAC, with 16 KiB of data RAM and the code in QSPI flash). The firmware holds the
//! executor and the image loader only: apps are compiled to images on the host and run in place
//! from flash. The crate has drivers for the devices WASI-lite uses, written on raw registers as
//! `embedded-hal` 1.0 / `embedded-io` implementations, the [`SifiveE`] board that hands them to
//! `mote-platform`, [`app::run`], which runs a Wasm app on it, and [`spec::run`], which runs a
//! spec bundle of compiled images (the testsuite's smoke subset).
//!
//! | label | kind | device |
//! |---|---|---|
//! | `led` | GPIO | GPIO 19, the green LED (active low on the board) |
//! | `button` | GPIO | GPIO 9 (header pin 15), active low with the pull-up |
//! | `gpio2` .. `gpio7` | GPIO | GPIO 18, 20, 21 (blue LED), 22 (red LED), 23, 10 |
//! | `uart0` | UART | UART0 on GPIO 16 (RX) / 17 (TX), 115200 8N1; also the console (stdout, stderr, stdin) |
//!
//! All `unsafe` lives in two small modules: `regs` (volatile access to the peripheral
//! registers) and `rt` (the heap, the stack report, the exception handler and the semihosting
//! exit).
#![no_std]
#![deny(missing_docs)]

extern crate alloc;

pub mod app;
mod board;
pub mod gpio;
#[expect(unsafe_code, reason = "volatile access to memory-mapped registers")]
mod regs;
#[expect(
    unsafe_code,
    reason = "the global allocator, the stack paint and semihosting"
)]
pub mod rt;
pub mod spec;
pub mod time;
pub mod uart;

pub use board::{PINS, SifiveE};

use core::fmt::Write as _;
use core::panic::PanicInfo;

/// The exit status after a panic (Rust's own for a panicking thread).
pub const EXIT_PANIC: i32 = 101;

/// Prints the panic on UART0 and leaves the machine with status 101.
#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let mut uart = uart::Uart0::for_panic();
    let _ = writeln!(uart, "\nmote-sifive-e: {info}");
    rt::exit(EXIT_PANIC)
}
