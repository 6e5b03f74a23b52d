//! # mote-board-support
//!
//! What Mote's real-board firmware packages share (`boards/nrf52840-dk`, `boards/rp-pico`,
//! `boards/esp32c3`): each board brings its HAL's drivers as a `mote_platform::Board`, and this
//! crate runs the embedded app on it ([`app::run`]), gives it a heap with a count of its peak
//! ([`heap::Heap`]) and logs the runtime's messages ([`log`]: plain text on the board's console,
//! or defmt with the feature `defmt`, whose transport the board picks: defmt-rtt on real
//! boards). The QEMU boards keep their own copies: they grew first, with board-specific
//! measurements around them.
#![no_std]

extern crate alloc;

pub mod app;
pub mod heap;
pub mod log;
