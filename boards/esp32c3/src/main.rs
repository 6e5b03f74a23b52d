//! Mote on the ESP32-C3: runs the app embedded at build time (`MOTE_APP`, a compiled image; see
//! build.rs) through mote-platform, then reports its exit status and the heap's peak and
//! sleeps. `cargo run --release` flashes it with probe-rs (docs/boards.md, "ESP32-C3").
#![no_std]
#![no_main]

mod board;
mod pin;

use mote_board_support::{app, heap::Heap, log};
use mote_core::{Config, Limits};

use board::DevKit;

#[cfg(feature = "defmt")]
use defmt_rtt as _;

// The application descriptor that ESP-IDF's second-stage bootloader checks before it jumps to
// the app.
esp_bootloader_esp_idf::esp_app_desc!();

/// 192 KiB of the 400 KiB of SRAM (of which 16 KiB are the flash cache): the module information,
/// the store, the instance, linear memory and the interpreter's stacks (the code and the image
/// stay in flash, read through the cache).
#[global_allocator]
static HEAP: Heap<{ 192 * 1024 }> = Heap::new();

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

#[esp_hal::main]
fn main() -> ! {
    let peripherals = esp_hal::init(esp_hal::Config::default());
    if let Some(mut devkit) = DevKit::new(peripherals) {
        log::info(
            Some(devkit.console_mut()),
            format_args!("ESP32-C3: app.wasm, a {}-byte image", APP.len()),
        );
        app::run(
            devkit,
            DevKit::manifest(),
            &config(),
            APP,
            |devkit, status| {
                // A last line the app wrote without a newline.
                #[cfg(feature = "defmt")]
                devkit.console_mut().end_line();
                log::info(
                    Some(devkit.console_mut()),
                    format_args!(
                        "app.wasm exited with status {status}; heap peak {} of {} bytes",
                        HEAP.peak(),
                        HEAP.size()
                    ),
                );
            },
        );
    }
    loop {
        core::hint::spin_loop();
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    #[cfg(feature = "defmt")]
    defmt::error!("mote: panic: {}", defmt::Display2Format(info));
    #[cfg(not(feature = "defmt"))]
    let _ = info;
    loop {
        core::hint::spin_loop();
    }
}
