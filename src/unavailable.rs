//! The backend of an engine whose [`Strategy`](crate::Strategy) names an engine that this
//! build or host cannot run: it keeps the reason and refuses every module with it.

use alloc::boxed::Box;
use alloc::string::{String, ToString as _};

use mote_core::engine::{Backend, Execution, ImageSource, ModuleTranslator};
use mote_core::module::ModuleInfo;
use mote_core::{Config, Engine, Error, Module};

/// Refuses to compile or load modules, with the error that explains why the chosen engine is
/// missing.
#[derive(Debug)]
pub(crate) struct Unavailable {
    why: String,
}

impl Unavailable {
    pub(crate) fn new(why: &Error) -> Self {
        Unavailable {
            why: why.to_string(),
        }
    }

    fn error(&self) -> Error {
        Error::unsupported(self.why.clone(), None)
    }
}

impl Backend for Unavailable {
    fn name(&self) -> &'static str {
        "unavailable"
    }

    fn new_translator(
        &self,
        _config: &Config,
        _info: &ModuleInfo,
    ) -> Result<Box<dyn ModuleTranslator>, Error> {
        Err(self.error())
    }

    fn new_execution(&self, config: &Config) -> Box<dyn Execution> {
        // No module of this engine exists (compiling and loading fail), so no call runs here;
        // the interpreter's execution is a harmless placeholder.
        crate::Interpreter::new().new_execution(config)
    }

    fn load_image(&self, _engine: &Engine, _image: ImageSource<'_>) -> Result<Module, Error> {
        Err(self.error())
    }
}
