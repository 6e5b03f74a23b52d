//! The board's self-test, without the Wasm runtime: what the `hello` and `blink` example apps
//! do, written in Rust against the same drivers through the same `embedded-hal` traits and the
//! same [`mote_platform::Board`] accessors. It prints the same lines, so the harness
//! (`cargo xtask qemu-test sifive_e`) checks it the same way: UART0 output and the LED's
//! toggles in QEMU's GPIO trace. A failure here points at the drivers or the harness rather
//! than at the runtime (docs/boards.md).
#![no_std]
#![no_main]

use core::fmt::Write as _;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{OutputPin, StatefulOutputPin};
use mote_platform::Board;
use mote_sifive_e::{SifiveE, app, rt};
use riscv_rt::entry;

#[entry]
fn main() -> ! {
    let Some(mut board) = SifiveE::take() else {
        rt::exit(app::EXIT_FAILURE)
    };
    let _ = writeln!(board.uart0(), "Hello from Mote!");
    rt::exit(blink(&mut board))
}

fn blink(board: &mut SifiveE) -> i32 {
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
