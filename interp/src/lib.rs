//! # mote-interp
//!
//! Mote's interpreter: a translator from validated WebAssembly to compact register code
//! ([`op::Op`], 12 bytes per instruction), and an executor that runs it with an explicit frame
//! stack. WebAssembly calls never recurse on the host stack, so guest recursion is bounded by
//! [`Limits`](mote_core::Limits) alone, and every call can stop at a host call or a fuel check
//! and resume later.
//!
//! ```
//! use mote_core::{Config, Engine, Instance, Module, Store};
//! use mote_interp::Interpreter;
//!
//! # fn main() -> Result<(), mote_core::Error> {
//! let engine = Engine::new(&Config::default(), Interpreter::new());
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
#![no_std]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod code;
mod exec;
pub mod image;
pub mod op;
#[cfg(feature = "translate")]
mod translate;
mod verify;

use alloc::boxed::Box;

#[cfg(feature = "translate")]
use mote_core::engine::ModuleTranslator;
use mote_core::engine::{Backend, Execution, ImageSource};
#[cfg(feature = "translate")]
use mote_core::module::ModuleInfo;
use mote_core::{Config, Error};

pub use exec::numeric;

/// The interpreter backend: pass it to [`Engine::new`](mote_core::Engine::new).
///
/// `IMAGES` says whether it loads compiled images ([`Module::from_image`](mote_core::Module::from_image)).
/// [`InterpreterWithoutImages`] is the one that does not, for devices that validate and
/// translate `.wasm` themselves: the loader, its checks and the reference pass are then not in
/// the firmware (about 14 KB of flash on a Cortex-M4, `cargo xtask size`). That takes a type
/// of its own because a backend is called through a table of its methods, which keeps all of
/// them.
#[derive(Debug, Default, Clone, Copy)]
pub struct Interpreter<const IMAGES: bool = true>;

/// The interpreter without the compiled-image loader (see [`Interpreter`]): images are refused
/// with `Unsupported`.
pub type InterpreterWithoutImages = Interpreter<false>;

impl Interpreter {
    /// Creates the interpreter backend.
    pub fn new() -> Self {
        Interpreter
    }
}

impl<const IMAGES: bool> Backend for Interpreter<IMAGES> {
    fn name(&self) -> &'static str {
        "interp"
    }

    #[cfg(feature = "translate")]
    fn new_translator(
        &self,
        config: &Config,
        info: &ModuleInfo,
    ) -> Result<Box<dyn ModuleTranslator>, Error> {
        new_translator(config, info)
    }

    fn new_execution(&self, config: &Config) -> Box<dyn Execution> {
        Box::new(exec::Executor::new(config))
    }

    /// Function entries and loop headers check the epoch (`Op::CheckEpoch`), and images
    /// compiled with the setting are verified to.
    fn supports_epoch_interruption(&self) -> bool {
        true
    }

    fn load_image(
        &self,
        engine: &mote_core::Engine,
        image: ImageSource<'_>,
    ) -> Result<mote_core::Module, Error> {
        if !IMAGES {
            return Err(Error::unsupported(
                "compiled images on an interpreter without the image loader",
                None,
            ));
        }
        match image {
            ImageSource::Static(bytes) => image::load_static(engine, bytes),
            ImageSource::Transient(bytes) => image::load_copy(engine, bytes),
        }
    }
}

/// The translator of a module, for both backends.
#[cfg(feature = "translate")]
fn new_translator(config: &Config, info: &ModuleInfo) -> Result<Box<dyn ModuleTranslator>, Error> {
    if info.memories.iter().any(|m| m.memory64) && info.funcs.len() > info.imported_funcs as usize {
        // Memory64 modules are validated but not executed yet; refuse them only when they
        // have code that could touch the memory.
        return Err(Error::unsupported(
            "64-bit memories (memory64) in executable code",
            None,
        ));
    }
    Ok(Box::new(translate::Translator::new(config)))
}

/// Embeds a compiled image file (see [`image`]) in the program, 4-byte aligned as
/// [`Module::from_image`](mote_core::Module::from_image) needs, and evaluates to a
/// `&'static [u8]`.
///
/// ```ignore
/// let module = Module::from_image(&engine, mote_interp::include_image!("app.mimg"))?;
/// ```
#[macro_export]
macro_rules! include_image {
    ($path:expr) => {{
        #[repr(C, align(4))]
        struct Aligned<T: ?Sized>(T);
        static IMAGE: &Aligned<[u8]> = &Aligned(*include_bytes!($path));
        &IMAGE.0
    }};
}

/// A readable listing of the interpreter code of every function of `module`, one instruction
/// per line (`index: Instruction { operands }`), for tests and for looking at what the
/// translator made. `None` when the module was compiled by another backend.
pub fn disassemble(module: &mote_core::Module) -> Option<alloc::string::String> {
    use core::fmt::Write;
    let code = module
        .code()
        .clone()
        .downcast::<code::CompiledModule>()
        .ok()?;
    let info = module.info();
    let mut out = alloc::string::String::new();
    for (defined, func) in code.funcs.iter().enumerate() {
        let index = info.imported_funcs as usize + defined;
        let name = u32::try_from(index)
            .ok()
            .and_then(|i| info.func_name(i))
            .unwrap_or("");
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "func {index} {name} (params {}, locals {}, frame {} slots):",
            func.params, func.locals, func.frame_size
        );
        for (pc, op) in code.code_of(func).iter().enumerate() {
            let _ = writeln!(out, "  {pc:4}: {op:?}");
        }
    }
    Some(out)
}
