//! Integration tests of `mote-interp` (one test binary).

mod disas;
mod epoch;
mod fused_forms;
mod loop_constants;
