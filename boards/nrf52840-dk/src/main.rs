//! Mote on the nRF52840-DK: runs the app embedded at build time (`MOTE_APP`, a compiled image;
//! see build.rs) through mote-platform, then reports its exit status and the heap's peak and
//! sleeps. `cargo run --release` flashes it with probe-rs (docs/boards.md, "nRF52840-DK").
#![no_std]
#![no_main]

mod board;
mod pin;
mod time;

use cortex_m_rt::entry;
use mote_board_support::{app, heap::Heap, log};
use mote_core::{Config, Limits};

use board::Dk;

#[cfg(feature = "defmt")]
use defmt_rtt as _;

/// 128 KiB of the 256 KiB of RAM: the module information, the store, the instance, linear memory
/// and the interpreter's stacks (the code stays in flash); the rest is statics and main stack.
#[global_allocator]
static HEAP: Heap<{ 128 * 1024 }> = Heap::new();

/// The app's compiled image, copied to `$OUT_DIR` by build.rs; 4-byte aligned, as
/// `Module::from_image` wants it (it runs in place from flash).
static APP: &[u8] = mote_interp::include_image!(concat!(env!("OUT_DIR"), "/app.mimg"));

/// The engine's configuration: the defaults (no fuel, no NaN canonicalisation) with
/// [`Limits::MCU`], as on lm3s6965evb; images from `mote compile` load with it.
fn config() -> Config {
    let mut config = Config::new();
    config.limits(Limits::MCU);
    config
}

#[entry]
fn main() -> ! {
    if let Some(mut dk) = Dk::take() {
        log::info(
            Some(dk.console_mut()),
            format_args!("nRF52840-DK: app.wasm, a {}-byte image", APP.len()),
        );
        app::run(dk, Dk::manifest(), &config(), APP, |dk, status| {
            // A last line the app wrote without a newline.
            #[cfg(feature = "defmt")]
            dk.console_mut().end_line();
            log::info(
                Some(dk.console_mut()),
                format_args!(
                    "app.wasm exited with status {status}; heap peak {} of {} bytes",
                    HEAP.peak(),
                    HEAP.size()
                ),
            );
        });
    }
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    #[cfg(feature = "defmt")]
    defmt::error!("mote: panic: {}", defmt::Display2Format(info));
    #[cfg(not(feature = "defmt"))]
    let _ = info;
    loop {
        cortex_m::asm::wfi();
    }
}
