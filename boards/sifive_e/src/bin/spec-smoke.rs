//! The spec testsuite's smoke subset: runs the spec bundle of compiled images embedded at build
//! time (`MOTE_SPEC_BUNDLE`, see build.rs) and reports on UART0 (see `mote_sifive_e::spec`),
//! then leaves QEMU with status 0 when nothing failed.
#![no_std]
#![no_main]

use mote_sifive_e::{SifiveE, app, rt, spec};
use riscv_rt::entry;

/// The bundle, copied to `$OUT_DIR` by build.rs; 4-byte aligned, so its images run in place.
static BUNDLE: &[u8] = mote_interp::include_image!(concat!(env!("OUT_DIR"), "/spec.motespec"));

#[entry]
fn main() -> ! {
    rt::paint_stack();
    rt::init_heap();
    let status = match SifiveE::take() {
        Some(mut board) => spec::run(BUNDLE, board.uart0()),
        None => app::EXIT_FAILURE,
    };
    rt::exit(status)
}
