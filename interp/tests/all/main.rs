//! Integration tests of `mote-interp` (one test binary).

mod disas;
mod epoch;
mod loop_constants;
