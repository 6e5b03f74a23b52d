//! Integration tests of `mote-interp` (one test binary).

mod add_branch;
mod disas;
mod epoch;
mod fixture;
mod fused_forms;
mod loop_constants;
