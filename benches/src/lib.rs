//! # mote-benches
//!
//! Mote's benchmarks, side by side with peer runtimes in the same run.
//!
//! - [`workloads`]: the guest programs (written by us in Rust, plus CoreMark and `miniz_oxide`),
//!   compiled to `wasm32-unknown-unknown` by this crate's build script and embedded here, each
//!   export `(i32) -> i64`: a size in, a checksum out. The same code linked natively gives the
//!   expected checksum and the `native` reference time.
//! - [`engines`]: one small trait, [`engines::Runtime`] (compile, instantiate, call), with an
//!   implementation for Mote and, behind the `peers` feature, for wasmi 2.0, wasm3 and
//!   wasmtime (Cranelift).
//! - [`report`]: the measurements and the markdown of `cargo run --release -p mote-benches
//!   --features peers --bin compare`, which `docs/performance.md` pastes.
//!
//! The criterion benches (`cargo bench -p mote-benches [--features peers]`) have the groups
//! `translate`, `instantiate`, `execute` and `host_call`.
//!
//! ```
//! use mote_benches::engines::{Mote, Runtime};
//! use mote_benches::workloads::FIB;
//!
//! let mote = Mote::new();
//! let module = mote.compile(FIB.guest.wasm()).unwrap();
//! let mut instance = mote.instantiate(&module).unwrap();
//! assert_eq!(mote.call(&mut instance, FIB.export, 20).unwrap(), 6765);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod engines;
pub mod large;
pub mod report;
pub mod workloads;

/// The error of a benchmark step, as text (engines have different error types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A step failed: the engine rejected a module, a call trapped, ...
    Failed(String),
    /// An engine returned another checksum than native code: a wrong answer.
    Mismatch(String),
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Failed(message) | Error::Mismatch(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

/// Adds what was being done to an engine's error.
pub trait Context<T> {
    /// Turns the error into an [`Error`] that starts with `what`.
    ///
    /// # Errors
    /// When `self` is an error.
    fn context(self, what: &str) -> Result<T, Error>;
}

impl<T, E: core::fmt::Display> Context<T> for Result<T, E> {
    fn context(self, what: &str) -> Result<T, Error> {
        self.map_err(|e| Error::Failed(format!("{what}: {e}")))
    }
}

#[cfg(test)]
mod tests;
