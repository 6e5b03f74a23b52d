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
mod reservation;
#[forbid(unsafe_code)]
mod runtime;
mod signals;
#[forbid(unsafe_code)]
mod translate;
mod vmctx;

use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use mote_core::engine::{Backend, Execution, LinearMemoryStorage, ModuleTranslator};
use mote_core::module::ModuleInfo;
use mote_core::{Config, Error, MemoryType};

/// The JIT backend: pass it to [`Engine::new`](mote_core::Engine::new).
#[derive(Clone)]
pub struct Jit {
    isa: OwnedTargetIsa,
    /// Whether memories with 64 KiB pages are guarded reservations, accessed without bounds
    /// checks ([`Jit::guard_pages`]).
    guard_pages: bool,
}

impl std::fmt::Debug for Jit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jit")
            .field("isa", &self.isa.name())
            .field("triple", &self.isa.triple().to_string())
            .field("guard_pages", &self.guard_pages)
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
        Ok(Self {
            isa,
            guard_pages: true,
        })
    }

    /// Whether linear memories with 64 KiB pages live in reservations of address space with
    /// guard pages (on by default, as in wasmtime): compiled code then accesses them without
    /// bounds checks, and an access out of bounds faults in a guard page, which the `SIGSEGV`
    /// handler turns into `out of bounds memory access`. Each such memory reserves 4 GiB +
    /// 32 MiB of address space (not memory: pages cost memory once accessible and touched).
    /// Off, every access is checked explicitly and memories are `Vec`s, as with the
    /// interpreter (for hosts with a small address-space limit, `ulimit -v`). Memories with
    /// 1-byte pages (custom-page-sizes) are always checked explicitly.
    #[must_use]
    pub fn guard_pages(mut self, on: bool) -> Self {
        self.guard_pages = on;
        self
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
        Ok(Box::new(compile::Translator::new(
            config,
            self.isa.clone(),
            info,
            self.guard_pages,
        )))
    }

    fn new_memory_storage(
        &self,
        _config: &Config,
        ty: &MemoryType,
        memory: Option<u32>,
        initial_bytes: usize,
        _max_bytes: u64,
    ) -> Option<Result<Box<dyn LinearMemoryStorage>, Error>> {
        if !self.guard_pages {
            return None;
        }
        reservation::storage_for(ty, memory, initial_bytes)
    }

    fn new_execution(&self, config: &Config) -> Box<dyn Execution> {
        Box::new(exec::JitExecution::new(config))
    }

    fn supports_epoch_interruption(&self) -> bool {
        true
    }
}
