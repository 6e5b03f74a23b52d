//! # mote-jit
//!
//! Mote's Cranelift JIT for 64-bit hosts (x86-64, aarch64). Each validated function is
//! translated to Cranelift IR and compiled to machine code in W^X memory. Compiled code runs on
//! a stack of its own (a coroutine), so a call that reaches a host function or runs out of fuel
//! suspends and returns to the same driver as the interpreter's: the embedding API
//! ([`Store`](mote_core::Store), [`Linker`](mote_core::Linker), `Func::wrap`, resumable calls,
//! traps) behaves the same with either engine. The design is in `jit/README.md`.
//!
//! ```
//! use mote_core::{Config, Engine, Instance, Module, Store};
//! use mote_jit::Jit;
//!
//! # fn main() -> Result<(), mote_core::Error> {
//! let engine = Engine::new(&Config::default(), Jit::new()?);
//! let wasm = wat::parse_str(r#"
//!     (module (func (export "fib") (param i32) (result i32)
//!       (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
//!         (then (local.get 0))
//!         (else (i32.add (call 0 (i32.sub (local.get 0) (i32.const 1)))
//!                        (call 0 (i32.sub (local.get 0) (i32.const 2))))))))
//! "#).expect("valid text");
//! let module = Module::new(&engine, &wasm)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[])?;
//! let fib = instance.get_typed_func::<i32, i32>(&store, "fib")?;
//! assert_eq!(fib.call(&mut store, 20)?, 6765);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

#[cfg(not(target_pointer_width = "64"))]
compile_error!("mote-jit supports 64-bit hosts only (Cranelift has no 32-bit backend)");

// `unsafe` lives in four small modules: code memory (cache maintenance), runtime calls and
// entering compiled code (`libcalls`), the coroutine (`exec`) and the contexts (`vmctx`).
mod code_memory;
#[forbid(unsafe_code)]
mod compile;
#[forbid(unsafe_code)]
mod env;
mod exec;
mod libcalls;
#[forbid(unsafe_code)]
mod runtime;
mod signals;
#[forbid(unsafe_code)]
mod translate;
mod vmctx;

use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use mote_core::engine::{Backend, Execution, ModuleTranslator};
use mote_core::module::ModuleInfo;
use mote_core::{Config, Error};

/// The JIT backend: pass it to [`Engine::new`](mote_core::Engine::new).
#[derive(Clone)]
pub struct Jit {
    isa: OwnedTargetIsa,
}

impl std::fmt::Debug for Jit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jit")
            .field("isa", &self.isa.name())
            .field("triple", &self.isa.triple().to_string())
            .finish()
    }
}

impl Jit {
    /// Creates the JIT backend for the host CPU (its features detected at run time).
    ///
    /// # Errors
    /// `Unsupported` when Cranelift has no backend for the host.
    pub fn new() -> Result<Self, Error> {
        let fail = |what: &str| Error::unsupported(format!("JIT on this host: {what}"), None);
        if cfg!(target_endian = "big") {
            // Compiled code accesses linear memory (little-endian) with native loads.
            return Err(fail("big-endian hosts are not supported"));
        }
        signals::install().map_err(|e| fail(&e))?;
        let mut flags = settings::builder();
        for (name, value) in [
            ("opt_level", "speed"),
            // Cranelift's tail calls (`return_call`) rely on frame pointers.
            ("preserve_frame_pointers", "true"),
            // Functions with more results than return registers return them in memory.
            ("enable_multi_ret_implicit_sret", "true"),
            // Nothing unwinds through compiled frames (traps discard the coroutine, backtraces
            // follow frame pointers): no unwind tables to compute.
            ("unwind_info", "false"),
            (
                "enable_verifier",
                if cfg!(debug_assertions) {
                    "true"
                } else {
                    "false"
                },
            ),
        ] {
            flags.set(name, value).map_err(|e| fail(&e.to_string()))?;
        }
        let isa = cranelift_native::builder()
            .map_err(fail)?
            .finish(settings::Flags::new(flags))
            .map_err(|e| fail(&e.to_string()))?;
        Ok(Self { isa })
    }
}

impl Backend for Jit {
    fn name(&self) -> &'static str {
        "jit"
    }

    fn new_translator(
        &self,
        config: &Config,
        info: &ModuleInfo,
    ) -> Result<Box<dyn ModuleTranslator>, Error> {
        if info.memories.iter().any(|m| m.memory64)
            && info.funcs.len() > info.imported_funcs as usize
        {
            return Err(Error::unsupported(
                "64-bit memories (memory64) in executable code",
                None,
            ));
        }
        Ok(Box::new(compile::Translator::new(config, self.isa.clone())))
    }

    fn new_execution(&self, config: &Config) -> Box<dyn Execution> {
        Box::new(exec::JitExecution::new(config))
    }

    fn supports_epoch_interruption(&self) -> bool {
        true
    }
}
