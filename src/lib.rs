//! Mote facade.
#![no_std]
pub use mote_core::*;
