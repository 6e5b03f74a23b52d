//! The firmware: runs the app embedded at build time (`MOTE_APP`, see build.rs) on the board,
//! then leaves QEMU with the app's exit status.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use mote_lm3s6965evb::{Lm3s6965evb, app, rt};

/// The app's compiled image, copied to `$OUT_DIR` by build.rs; 4-byte aligned, as
/// `Module::from_image` wants it (the image runs in place from flash).
#[cfg(not(feature = "on-device-translate"))]
static APP: &[u8] = mote_interp::include_image!(concat!(env!("OUT_DIR"), "/app.mimg"));

/// The app's `.wasm`, copied to `$OUT_DIR` by build.rs.
#[cfg(feature = "on-device-translate")]
static APP: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/app.wasm"));

#[entry]
fn main() -> ! {
    rt::init_heap();
    #[cfg(feature = "memory-report")]
    rt::paint_stack();
    let status = match Lm3s6965evb::take() {
        Some(board) => app::run(board, APP),
        // Unreachable: nothing took the board before.
        None => app::EXIT_FAILURE,
    };
    #[cfg(feature = "defmt")]
    defmt::info!(
        "mote: app.wasm: exit status {=i32}; heap peak {=usize} of {=usize} bytes",
        status,
        rt::heap_peak(),
        rt::HEAP_BYTES
    );
    #[cfg(feature = "memory-report")]
    rt::report_memory("at exit");
    rt::exit(status)
}
