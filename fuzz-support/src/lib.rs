//! # mote-fuzz-support
//!
//! Generators, oracles and the differential harness behind Mote's fuzz targets (`../fuzz`).
//! The targets are thin: each hands the fuzzer's bytes to one function here, so that the same
//! code runs under `cargo fuzz` (nightly, libFuzzer) and in this crate's tests on stable (the
//! smoke run over a fixed seed corpus that the test command runs).
//!
//! | target | function | oracle |
//! |---|---|---|
//! | `decode_validate` | [`oracles::decode_validate`] | arbitrary bytes: `Module::new` and `Module::validate` agree, errors have the right kind |
//! | `translate` | [`oracles::translate`] | every valid `wasm-smith` module in Mote's feature set compiles |
//! | `execute` | [`oracles::execute`] | tiny limits, dummy imports, interleaved resumable calls: no panic, limits hold, the store stays usable |
//! | `differential` | [`differential::differential`] | Mote and wasmi 2.0 agree on results, traps, globals, memories and tables after every call |
//! | `host_calls` | [`host_calls::host_calls`] | guest pointers and lengths at the edges of memory into every WASI-lite function that takes a buffer: an error code and untouched memory, or success that wrote only its documented outputs |
//! | `image` | [`image::image`] | mutated compiled images (checksum mostly resealed): rejected with a `BadImage`/`Limit`/`Unsupported` error, or they run under tiny limits without a panic |
//!
//! ```
//! // Any bytes: the oracles return `Err` only when the bytes are too short to generate from,
//! // and panic only on a Mote bug.
//! let data = [7u8; 512];
//! mote_fuzz_support::oracles::decode_validate(&data);
//! let _ = mote_fuzz_support::oracles::translate(&data);
//! let _ = mote_fuzz_support::oracles::execute(&data);
//! let _ = mote_fuzz_support::differential::differential(&data);
//! let _ = mote_fuzz_support::host_calls::host_calls(&data);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod differential;
pub mod generate;
pub mod host_calls;
pub mod image;
#[cfg(target_pointer_width = "64")]
pub mod jit_vs_interp;
pub mod mote_side;
pub mod oracles;
pub mod outcome;
pub mod wasmi_side;

#[cfg(test)]
mod tests;
