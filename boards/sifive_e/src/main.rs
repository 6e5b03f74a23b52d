//! The firmware: runs the app embedded at build time (`MOTE_APP`, see build.rs) on the board,
//! then leaves QEMU with the app's exit status.
#![no_std]
#![no_main]

use mote_sifive_e::{SifiveE, app, rt};
use riscv_rt::entry;

/// The app's compiled image, copied to `$OUT_DIR` by build.rs; 4-byte aligned, as
/// `Module::from_image` wants it (the image runs in place from flash).
static APP: &[u8] = mote_interp::include_image!(concat!(env!("OUT_DIR"), "/app.mimg"));

#[entry]
fn main() -> ! {
    rt::paint_stack();
    rt::init_heap();
    let status = match SifiveE::take() {
        Some(board) => app::run(board, APP),
        // Unreachable: nothing took the board before.
        None => app::EXIT_FAILURE,
    };
    // Always: what the run used of the RAM (`cargo xtask qemu-test` prints it).
    rt::report_memory("at exit");
    rt::exit(status)
}
