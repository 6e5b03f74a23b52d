//! # Mote
//!
//! A WebAssembly runtime for constrained IoT hardware. This facade crate re-exports the
//! embedding API of [`mote_core`] ([`Engine`], [`Config`], [`Store`], [`Module`], [`Linker`],
//! [`Instance`], [`Func`], ...) together with the execution backends, and offers [`engine()`] to
//! build an [`Engine`] whose backend is chosen from the [`Config`].
//!
//! ```
//! use mote::{Caller, Config, Linker, Module, Store};
//!
//! # fn main() -> Result<(), mote::Error> {
//! let engine = mote::engine(&Config::default());
//! let wasm = wat::parse_str(r#"
//!     (module
//!       (import "host" "log" (func $log (param i32)))
//!       (func (export "add_and_log") (param i32 i32) (result i32)
//!         (local $sum i32)
//!         (local.set $sum (i32.add (local.get 0) (local.get 1)))
//!         (call $log (local.get $sum))
//!         (local.get $sum)))
//! "#).expect("valid text");
//! let module = Module::new(&engine, &wasm)?;
//!
//! // The store owns all Wasm state and the host's data: here, the values logged so far.
//! let mut store = Store::new(&engine, Vec::new());
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap("host", "log", |mut caller: Caller<'_, Vec<i32>>, value: i32| {
//!     caller.data_mut().push(value);
//! })?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let add_and_log = instance.get_typed_func::<(i32, i32), i32>(&store, "add_and_log")?;
//! assert_eq!(add_and_log.call(&mut store, (40, 2))?, 42);
//! assert_eq!(store.data(), &[42]);
//! # Ok(())
//! # }
//! ```
//!
//! ## Features
//! - `std` (default): use the standard library. Without it the crate is `no_std` + `alloc`.
//! - `cli` (default): the `mote` command-line tool (adds `wat` for text-format input, and
//!   the JIT).
//! - `jit`: the Cranelift JIT ([`Jit`], [`jit_engine`], [`Strategy::Jit`]) on 64-bit hosts.
//!
//! ## Engines
//! [`engine()`] builds the engine that [`Config::strategy`] names. The default is the
//! interpreter: it runs on every target (the JIT only on 64-bit hosts), starts fast (it
//! translates 50 to 100 times faster than Cranelift compiles) and gives the same answers, fuel
//! and traps. Choose `Strategy::Jit` for long-running compute on a gateway or CI host, where
//! its code runs about 5 times faster (3 to 9 times by workload).
#![no_std]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub use mote_core::*;
pub use mote_interp::{Interpreter, image, include_image};
#[cfg(all(feature = "jit", target_pointer_width = "64"))]
pub use mote_jit::Jit;

/// Creates an engine for `config` with the backend its [`Strategy`] names
/// ([`Config::strategy`]): [`Interpreter`] (the default) or, with [`Strategy::Jit`], the
/// Cranelift JIT (`Jit`, with this crate's `jit` feature on 64-bit hosts).
///
/// When the JIT is asked for but cannot run (the `jit` feature is off, the host is not 64-bit,
/// or Cranelift has no backend for this CPU), the engine is still created, but compiling a
/// module with it fails with an `Unsupported` error that says why: the choice is never
/// silently replaced by the interpreter. [`jit_engine`] reports the same at creation.
pub fn engine(config: &Config) -> Engine {
    match config.get_strategy() {
        Strategy::Jit => jit_or_unavailable(config),
        _ => Engine::new(config, Interpreter::new()),
    }
}

#[cfg(all(feature = "jit", target_pointer_width = "64"))]
fn jit_or_unavailable(config: &Config) -> Engine {
    match Jit::new() {
        Ok(jit) => Engine::new(config, jit),
        Err(e) => Engine::new(config, unavailable::Unavailable::new(&e)),
    }
}

#[cfg(not(all(feature = "jit", target_pointer_width = "64")))]
fn jit_or_unavailable(config: &Config) -> Engine {
    let why = Error::unsupported(
        "Strategy::Jit: this build has no JIT (the `mote` crate's `jit` feature, 64-bit hosts)",
        None,
    );
    Engine::new(config, unavailable::Unavailable::new(&why))
}

mod unavailable;

/// Creates an engine for `config` that runs code with the Cranelift JIT ([`Jit`]). The API is
/// the same as with [`engine()`]'s interpreter, and so are the answers.
///
/// # Errors
/// `Unsupported` when Cranelift has no backend for this host.
#[cfg(all(feature = "jit", target_pointer_width = "64"))]
pub fn jit_engine(config: &Config) -> Result<Engine, Error> {
    Ok(Engine::new(config, Jit::new()?))
}
