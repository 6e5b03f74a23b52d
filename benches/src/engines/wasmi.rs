//! wasmi 2.0 (register-machine interpreter), configured for eager translation so that its
//! compile time is comparable with Mote's (wasmi's default translates each function lazily on
//! its first call).

use super::Runtime;
use crate::workloads::host_mix;
use crate::{Context, Error};

/// wasmi 2.0 with `CompilationMode::Eager`.
#[derive(Debug)]
pub struct Wasmi {
    engine: wasmi::Engine,
}

impl Wasmi {
    /// An engine with eager translation, otherwise wasmi's defaults.
    pub fn new() -> Self {
        let mut config = wasmi::Config::default();
        config.compilation_mode(wasmi::CompilationMode::Eager);
        Wasmi {
            engine: wasmi::Engine::new(&config),
        }
    }
}

impl Default for Wasmi {
    fn default() -> Self {
        Self::new()
    }
}

impl Runtime for Wasmi {
    type Module = wasmi::Module;
    type Instance = (wasmi::Store<()>, wasmi::Instance);

    fn name(&self) -> &'static str {
        "wasmi"
    }

    fn compile(&self, wasm: &[u8]) -> Result<Self::Module, Error> {
        wasmi::Module::new(&self.engine, wasm).context("wasmi: compiling")
    }

    fn instantiate(&self, module: &Self::Module) -> Result<Self::Instance, Error> {
        let mut store = wasmi::Store::new(&self.engine, ());
        let mut linker = wasmi::Linker::new(&self.engine);
        linker
            .func_wrap("bench", "host_mix", |acc: i32, i: i32| host_mix(acc, i))
            .context("wasmi: linking")?;
        let instance = linker
            .instantiate_and_start(&mut store, module)
            .context("wasmi: instantiating")?;
        Ok((store, instance))
    }

    fn call(&self, instance: &mut Self::Instance, name: &str, arg: i32) -> Result<i64, Error> {
        let (store, instance) = instance;
        let func = instance
            .get_typed_func::<i32, i64>(&*store, name)
            .context("wasmi: export")?;
        func.call(store, arg).context("wasmi: call")
    }
}
