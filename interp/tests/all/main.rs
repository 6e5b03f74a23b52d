//! Integration tests of `mote-interp` (one test binary).

mod disas;
mod loop_constants;
