//! # mote-microbit
//!
//! Mote on QEMU's `microbit` machine (BBC micro:bit v1: Nordic nRF51822, a Cortex-M0 at 16 MHz
//! with 256 KiB of flash and 16 KiB of RAM). The firmware holds the executor and the image
//! loader only: apps are compiled to images on the host and run in place from flash. The crate
//! has drivers for the devices WASI-lite uses, written on raw registers as `embedded-hal` 1.0 /
//! `embedded-io` implementations, the [`Microbit`] board that hands them to `mote-platform`,
//! and [`app::run`], which runs a Wasm app on it.
//!
//! | label | kind | device |
//! |---|---|---|
//! | `led` | GPIO | P0.13, row 1 of the LED matrix (column 1, P0.4, is held low): the top-left LED |
//! | `button` | GPIO | P0.17, button A (active low) |
//! | `gpio2` | GPIO | P0.26, button B (active low) |
//! | `gpio3` .. `gpio5` | GPIO | P0.3, P0.2, P0.1: the edge connector's pads 0, 1, 2 |
//! | `gpio6`, `gpio7` | GPIO | P0.18, P0.16: edge connector pins 8 and 16 |
//! | `uart0` | UART | UART0 on P0.24 (TX) / P0.25 (RX), 115200 8N1; also the console (stdout, stderr, stdin) |
//!
//! All `unsafe` lives in two small modules: `regs` (volatile access to the peripheral
//! registers) and `rt` (the heap, the stack report and the semihosting exit).
#![no_std]
#![deny(missing_docs)]

extern crate alloc;

pub mod app;
mod board;
pub mod gpio;
#[expect(unsafe_code, reason = "volatile access to memory-mapped registers")]
mod regs;
#[expect(unsafe_code, reason = "the global allocator and the semihosting call")]
pub mod rt;
pub mod time;
pub mod uart;

pub use board::{LED_COLUMN, Microbit, PINS};

use core::fmt::Write as _;
use core::panic::PanicInfo;

/// The exit status after a panic (Rust's own for a panicking thread).
pub const EXIT_PANIC: i32 = 101;

/// Prints the panic on UART0 and leaves the machine with status 101.
#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let mut uart = uart::Uart0::for_panic();
    let _ = writeln!(uart, "\nmote-microbit: {info}");
    rt::exit(EXIT_PANIC)
}
