//! # mote-lm3s6965evb
//!
//! Mote on QEMU's `lm3s6965evb` machine (TI Stellaris LM3S6965 evaluation board: Cortex-M3 at
//! 12.5 MHz as QEMU models it, 256 KiB flash, 64 KiB RAM). The crate has drivers for the
//! devices WASI-lite uses, written on raw registers as `embedded-hal` 1.0 / `embedded-io`
//! implementations (no maintained HAL exists for this chip), the [`Lm3s6965evb`] board that
//! hands them to `mote-platform`, and [`app::run`], which runs a Wasm app on it.
//!
//! | label | kind | device |
//! |---|---|---|
//! | `led` | GPIO | PF0, the status LED |
//! | `button` | GPIO | PF1, the navigation switch's select button (active low) |
//! | `gpio2` .. `gpio5` | GPIO | PE0 .. PE3, the navigation switch's up, down, left, right (active low) |
//! | `gpio6`, `gpio7` | GPIO | PG0, PG1 |
//! | `i2c0` | I2C | I2C0 on PB2 (SCL) / PB3 (SDA), 100 kHz |
//! | `uart0` | UART | UART0 on PA0 (RX) / PA1 (TX), 115200 8N1; also the console (stdout, stderr, stdin) |
//!
//! With the feature `defmt`, the runtime's messages and the app's console (stdout and stderr)
//! are defmt frames over semihosting instead (`defmt_log`); UART0 stays `uart0` and stdin.
//!
//! All `unsafe` lives in three small modules: `regs` (volatile access to the peripheral
//! registers), `rt` (the heap and the semihosting exit) and, with `defmt`, `defmt_log` (the
//! logger's state and its semihosting calls).
#![no_std]
#![deny(missing_docs)]

pub mod app;
mod board;
#[cfg(feature = "defmt")]
#[expect(
    unsafe_code,
    reason = "the logger's shared state and the semihosting calls"
)]
mod defmt_log;
pub mod gpio;
pub mod i2c;
#[expect(unsafe_code, reason = "volatile access to memory-mapped registers")]
mod regs;
#[expect(unsafe_code, reason = "the global allocator and the semihosting call")]
pub mod rt;
pub mod sysctl;
pub mod time;
pub mod uart;

pub use board::{Lm3s6965evb, PINS};

use core::fmt::Write as _;
use core::panic::PanicInfo;

/// The exit status after a panic (Rust's own for a panicking thread).
pub const EXIT_PANIC: i32 = 101;

/// Prints the panic on UART0 (with `defmt` also as an error frame, the UART line staying for
/// when the logger is what failed) and leaves the machine with status 101.
#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    #[cfg(feature = "defmt")]
    defmt::error!("mote-lm3s6965evb: {}", defmt::Display2Format(info));
    let mut uart = uart::Uart0::for_panic();
    let _ = writeln!(uart, "\nmote-lm3s6965evb: {info}");
    rt::exit(EXIT_PANIC)
}
