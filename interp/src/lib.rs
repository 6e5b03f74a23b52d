//! Mote's interpreter (being written: the translator and executor land next).
#![no_std]
extern crate alloc;

use alloc::boxed::Box;

use mote_core::engine::{Backend, Execution, ModuleTranslator};
use mote_core::module::ModuleInfo;
use mote_core::{Config, Error};

/// The interpreter backend.
#[derive(Debug, Default, Clone, Copy)]
pub struct Interpreter;

impl Interpreter {
    /// Creates the interpreter backend.
    pub fn new() -> Self {
        Interpreter
    }
}

impl Backend for Interpreter {
    fn name(&self) -> &'static str {
        "interp"
    }
    fn new_translator(&self, _: &Config, _: &ModuleInfo) -> Result<Box<dyn ModuleTranslator>, Error> {
        Err(Error::unsupported("translator not written yet", None))
    }
    fn new_execution(&self, _: &Config) -> Box<dyn Execution> {
        unimplemented!()
    }
}
