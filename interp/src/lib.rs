//! Mote's interpreter (placeholder while the translator lands).
#![no_std]
extern crate alloc;
