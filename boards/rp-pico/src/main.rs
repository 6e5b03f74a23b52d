//! Mote on the Raspberry Pi Pico: runs the app embedded at build time (`MOTE_APP`, a compiled
//! image; see build.rs) through mote-platform, then reports its exit status and the heap's
//! peak and sleeps. `cargo run --release` flashes it with probe-rs (docs/boards.md,
//! "Raspberry Pi Pico").
#![no_std]
#![no_main]

mod board;
mod pin;

use mote_board_support::{app, heap::Heap, log};
use mote_core::{Config, Limits};
use rp2040_hal::entry;

use board::Pico;

#[cfg(feature = "defmt")]
use defmt_rtt as _;

/// The second-stage bootloader for the Pico's W25Q080 flash, which the boot ROM copies from the
/// first 256 bytes of flash and runs to set up execute-in-place (memory.x places it).
#[allow(
    unsafe_code,
    reason = "link_section: the boot ROM reads these bytes at 0x10000000"
)]
#[unsafe(link_section = ".boot2")]
#[used]
static BOOT2: [u8; 256] = rp2040_boot2::BOOT_LOADER_W25Q080;

/// 160 KiB of the 264 KiB of SRAM: the module information, the store, the instance, linear
/// memory and the interpreter's stacks (the code stays in flash, read in place through XIP).
#[global_allocator]
static HEAP: Heap<{ 160 * 1024 }> = Heap::new();

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
    if let Some(mut pico) = Pico::take() {
        log::info(
            Some(pico.console_mut()),
            format_args!("Raspberry Pi Pico: app.wasm, a {}-byte image", APP.len()),
        );
        app::run(pico, Pico::manifest(), &config(), APP, |pico, status| {
            // A last line the app wrote without a newline.
            #[cfg(feature = "defmt")]
            pico.console_mut().end_line();
            log::info(
                Some(pico.console_mut()),
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
