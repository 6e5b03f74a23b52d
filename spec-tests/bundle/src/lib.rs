//! # mote-spec-bundle
//!
//! The official WebAssembly testsuite as compact commands, and the executor that runs them: the
//! part of Mote's spec runner that works without `std`, so that the suite runs on the device
//! (QEMU `mps2-an386`, `sifive_e`) with the same logic as on the host.
//!
//! - [`command`]: a `.wast` directive after the host has done what needs text: modules are
//!   binary (or compiled images), arguments and expected results are values and patterns.
//! - [`format`]: the versioned bundle that carries commands to a device, written on the host
//!   (`mote-spec-tests --write-bundle`) and read on the device without copying.
//! - [`exec`]: the script interpreter's state machine (current and named instances,
//!   registration, the `spectest` module), which both the host runner and the firmware use.
//! - [`check`]: matching results (NaN patterns, references) and trap messages.
//! - [`report`]: the lines a device prints while it runs a bundle, for `cargo xtask`.
//!
//! ```
//! use mote_core::{Config, Engine};
//! use mote_spec_bundle::command::{Command, Kind, Op};
//! use mote_spec_bundle::exec::{DirectLoader, Executor, Options, Outcome};
//!
//! let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
//! let mut executor = Executor::new(engine, Options::default(), DirectLoader).expect("spectest");
//! let skip = Command { kind: Kind::Invoke, line: 1, column: 1, op: Op::Skip("an example".into()) };
//! assert_eq!(executor.run(&skip), Outcome::Skip);
//! ```
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod check;
pub mod command;
pub mod exec;
pub mod format;
pub mod report;
pub mod spectest;
pub mod tally;

pub use tally::{Tally, run_file};
