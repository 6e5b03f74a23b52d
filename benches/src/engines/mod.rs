//! The engines under test, behind one small trait: compile a module, instantiate it (linking
//! `bench.host_mix`), call an `(i32) -> i64` export.

#[cfg(feature = "peers")]
mod wasm3;
#[cfg(feature = "peers")]
mod wasmi;
#[cfg(feature = "peers")]
mod wasmtime;

#[cfg(feature = "peers")]
pub use self::{wasm3::Wasm3, wasmi::Wasmi, wasmtime::Wasmtime};

use crate::workloads::host_mix;
use crate::{Context, Error};

/// What the benchmarks need from a WebAssembly engine.
pub trait Runtime {
    /// A compiled (validated, translated) module.
    type Module;
    /// An instance with its store.
    type Instance;

    /// The column name.
    fn name(&self) -> &'static str;

    /// Validates and translates (or compiles) `wasm`: the `translate` measurement.
    ///
    /// # Errors
    /// When the engine rejects the module.
    fn compile(&self, wasm: &[u8]) -> Result<Self::Module, Error>;

    /// Instantiates `module` in a fresh store, with `bench.host_mix` linked.
    ///
    /// # Errors
    /// When instantiation fails.
    fn instantiate(&self, module: &Self::Module) -> Result<Self::Instance, Error>;

    /// Calls the export `name` of type `(i32) -> i64` with `arg`.
    ///
    /// # Errors
    /// When the export is missing or has another type, or the call traps.
    fn call(&self, instance: &mut Self::Instance, name: &str, arg: i32) -> Result<i64, Error>;
}

/// Something to do with each engine (the engines have different types, so this is generic).
pub trait Visitor {
    /// Called once per engine, Mote first.
    fn visit<R: Runtime>(&mut self, runtime: &R);
}

/// Calls `visitor` with Mote's interpreter, Mote's JIT (64-bit hosts), then (with the `peers`
/// feature) wasmi, wasm3, wasmtime (Cranelift) and wasmtime with Winch.
///
/// # Errors
/// When the JIT or a peer engine cannot be created.
pub fn for_each<V: Visitor>(visitor: &mut V) -> Result<(), Error> {
    visitor.visit(&Mote::new());
    #[cfg(target_pointer_width = "64")]
    visitor.visit(&Mote::jit()?);
    #[cfg(feature = "peers")]
    {
        visitor.visit(&Wasmi::new());
        visitor.visit(&Wasm3::new()?);
        visitor.visit(&Wasmtime::new()?);
        visitor.visit(&Wasmtime::winch()?);
    }
    Ok(())
}

/// Mote with the default [`mote::Config`] (eager translation, no fuel): the interpreter
/// ([`Mote::new`], column `mote`) or the JIT ([`Mote::jit`], column `mote-jit`).
#[derive(Debug)]
pub struct Mote {
    engine: mote::Engine,
    name: &'static str,
}

impl Mote {
    /// The interpreter with the default configuration.
    pub fn new() -> Self {
        Mote {
            engine: mote::engine(&mote::Config::default()),
            name: "mote",
        }
    }

    /// The Cranelift JIT with the default configuration.
    ///
    /// # Errors
    /// When the JIT cannot run on this host.
    #[cfg(target_pointer_width = "64")]
    pub fn jit() -> Result<Self, Error> {
        let jit = mote_jit::Jit::new().context("mote-jit: creating the engine")?;
        Ok(Mote {
            engine: mote::Engine::new(&mote::Config::default(), jit),
            name: "mote-jit",
        })
    }
}

impl Default for Mote {
    fn default() -> Self {
        Self::new()
    }
}

impl Runtime for Mote {
    type Module = mote::Module;
    type Instance = (mote::Store<()>, mote::Instance);

    fn name(&self) -> &'static str {
        self.name
    }

    fn compile(&self, wasm: &[u8]) -> Result<Self::Module, Error> {
        mote::Module::new(&self.engine, wasm).context("mote: compiling")
    }

    fn instantiate(&self, module: &Self::Module) -> Result<Self::Instance, Error> {
        let mut store = mote::Store::new(&self.engine, ());
        let mut linker = mote::Linker::new(&self.engine);
        linker
            .func_wrap("bench", "host_mix", |acc: i32, i: i32| host_mix(acc, i))
            .context("mote: linking")?;
        let instance = linker
            .instantiate(&mut store, module)
            .context("mote: instantiating")?;
        Ok((store, instance))
    }

    fn call(&self, instance: &mut Self::Instance, name: &str, arg: i32) -> Result<i64, Error> {
        let (store, instance) = instance;
        let func = instance
            .get_typed_func::<i32, i64>(&*store, name)
            .context("mote: export")?;
        func.call(store, arg).context("mote: call")
    }
}
