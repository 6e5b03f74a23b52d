//! wasmtime 48 with Cranelift (the upper bound: optimising JIT) and with Winch (its baseline
//! compiler: fast compilation, slower code).

use super::Runtime;
use crate::workloads::host_mix;
use crate::{Context, Error};

/// wasmtime with its default configuration (Cranelift, `opt_level` speed), or with Winch.
pub struct Wasmtime {
    engine: wasmtime::Engine,
    name: &'static str,
}

impl core::fmt::Debug for Wasmtime {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Wasmtime").finish_non_exhaustive()
    }
}

impl Wasmtime {
    /// An engine with the default configuration.
    ///
    /// # Errors
    /// When wasmtime cannot create an engine on this host.
    pub fn new() -> Result<Self, Error> {
        let config = wasmtime::Config::new();
        let engine = wasmtime::Engine::new(&config).context("wasmtime: engine")?;
        Ok(Wasmtime {
            engine,
            name: "wasmtime",
        })
    }

    /// An engine that compiles with Winch (column `wasmtime-winch`).
    ///
    /// # Errors
    /// When wasmtime cannot create a Winch engine on this host.
    pub fn winch() -> Result<Self, Error> {
        let mut config = wasmtime::Config::new();
        config.strategy(wasmtime::Strategy::Winch);
        let engine = wasmtime::Engine::new(&config).context("wasmtime-winch: engine")?;
        Ok(Wasmtime {
            engine,
            name: "wasmtime-winch",
        })
    }
}

impl Runtime for Wasmtime {
    type Module = wasmtime::Module;
    type Instance = (wasmtime::Store<()>, wasmtime::Instance);

    fn name(&self) -> &'static str {
        self.name
    }

    fn compile(&self, wasm: &[u8]) -> Result<Self::Module, Error> {
        wasmtime::Module::new(&self.engine, wasm).context("wasmtime: compiling")
    }

    fn instantiate(&self, module: &Self::Module) -> Result<Self::Instance, Error> {
        let mut store = wasmtime::Store::new(&self.engine, ());
        let mut linker = wasmtime::Linker::new(&self.engine);
        linker
            .func_wrap("bench", "host_mix", |acc: i32, i: i32| host_mix(acc, i))
            .context("wasmtime: linking")?;
        let instance = linker
            .instantiate(&mut store, module)
            .context("wasmtime: instantiating")?;
        Ok((store, instance))
    }

    fn call(&self, instance: &mut Self::Instance, name: &str, arg: i32) -> Result<i64, Error> {
        let (store, instance) = instance;
        let func = instance
            .get_typed_func::<i32, i64>(&mut *store, name)
            .context("wasmtime: export")?;
        func.call(store, arg).context("wasmtime: call")
    }
}
