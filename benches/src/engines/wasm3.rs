//! wasm3 (C, threaded-code interpreter) through the `wasm3` crate.
//!
//! wasm3 parses a module into its runtime and compiles each function on its first call, and a
//! parsed module is consumed when it is loaded. So `compile` parses (and checks) the module and
//! keeps its bytes, and `instantiate` parses again into a fresh runtime: wasm3's "compile"
//! time is a parse, comparable with the others only loosely.

use super::Runtime;
use crate::workloads::host_mix;
use crate::{Context, Error};

/// Bytes of wasm3's value stack per runtime.
const STACK_BYTES: u32 = 1 << 20;

/// A wasm3 environment.
pub struct Wasm3 {
    env: wasm3::Environment,
}

impl core::fmt::Debug for Wasm3 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Wasm3").finish_non_exhaustive()
    }
}

impl Wasm3 {
    /// A new environment.
    ///
    /// # Errors
    /// When wasm3 cannot allocate one.
    pub fn new() -> Result<Self, Error> {
        Ok(Wasm3 {
            env: wasm3::Environment::new().context("wasm3: environment")?,
        })
    }
}

impl Runtime for Wasm3 {
    type Module = Box<[u8]>;
    type Instance = wasm3::Runtime;

    fn name(&self) -> &'static str {
        "wasm3"
    }

    fn compile(&self, wasm: &[u8]) -> Result<Self::Module, Error> {
        wasm3::Module::parse(&self.env, wasm).context("wasm3: parsing")?;
        Ok(wasm.into())
    }

    fn instantiate(&self, module: &Self::Module) -> Result<Self::Instance, Error> {
        let runtime = self
            .env
            .create_runtime(STACK_BYTES)
            .context("wasm3: runtime")?;
        {
            let mut loaded = runtime
                .parse_and_load_module(module.clone())
                .context("wasm3: loading")?;
            // Only modules that import it can link it; the others report "not found".
            let _ = loaded.link_closure("bench", "host_mix", |_, (acc, i): (i32, i32)| {
                Ok(host_mix(acc, i))
            });
        }
        Ok(runtime)
    }

    fn call(&self, instance: &mut Self::Instance, name: &str, arg: i32) -> Result<i64, Error> {
        let func = instance
            .find_function::<i32, i64>(name)
            .context("wasm3: export")?;
        func.call(arg).context("wasm3: call")
    }
}
