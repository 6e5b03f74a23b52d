//! # mote-core
//!
//! The `no_std` heart of Mote: decoding and validating WebAssembly modules (with `wasmparser`),
//! the module representation, values, traps, errors and limits, and the embedding API that
//! every Mote engine shares: [`Engine`], [`Config`], [`Store`], [`Module`], [`Linker`],
//! [`Instance`], [`Func`] (with [`Func::wrap`]), [`TypedFunc`], [`Memory`], [`Table`],
//! [`Global`] and [`Caller`], named as in wasmtime and wasmi.
//!
//! ```
//! use mote_core::{Caller, Config, Engine, Linker, Module, Store};
//!
//! # fn main() -> Result<(), mote_core::Error> {
//! // The engine runs code with a backend: here Mote's interpreter.
//! let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
//! let wasm = wat::parse_str(r#"
//!     (module
//!       (import "host" "double" (func $double (param i32) (result i32)))
//!       (func (export "quadruple") (param i32) (result i32)
//!         (call $double (call $double (local.get 0)))))
//! "#).expect("valid text");
//! let module = Module::new(&engine, &wasm)?;
//!
//! // Host state, reachable from host functions through `Caller`.
//! let mut store = Store::new(&engine, 0u32);
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap("host", "double", |mut caller: Caller<'_, u32>, x: i32| {
//!     *caller.data_mut() += 1;
//!     x * 2
//! })?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let quadruple = instance.get_typed_func::<i32, i32>(&store, "quadruple")?;
//! assert_eq!(quadruple.call(&mut store, 5)?, 20);
//! assert_eq!(*store.data(), 2);
//! # Ok(())
//! # }
//! ```
//!
//! ## Design
//! - **Engines return to this crate for host calls.** An engine runs guest code in an
//!   [`Execution`](engine::Execution) that returns whenever guest code calls a host function,
//!   runs out of fuel or traps. So host functions need no knowledge of the engine, and every call
//!   can be suspended and resumed ([`Func::call_resumable`]).
//! - **Never panic on input.** Bad modules give [`Error`]s with byte offsets; guests get traps;
//!   allocation during instantiation and growth is fallible.
//! - **Handles are `Copy`** and carry their store's identity; using one with another store is
//!   refused.
#![no_std]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod config;
mod context;
pub mod engine;
mod error;
mod externals;
mod func;
mod instance;
mod limits;
mod linker;
pub mod memories;
pub mod module;
pub mod store;
pub mod sync;
pub mod tables;
mod trap;
mod types;
mod value;

pub use config::{Config, Features, Strategy};
pub use context::{AsContext, AsContextMut, StoreContext, StoreContextMut};
pub use engine::Engine;
pub use error::{Error, ErrorKind, FrameInfo, Message};
pub use externals::{Global, Memory, Table};
pub use func::{
    CallOutcome, Caller, Func, IntoFunc, MAX_TYPED_ARITY, SuspendReason, SuspendedCall, TypedFunc,
    WasmParams, WasmResults, WasmRet, WasmTy,
};
pub use instance::{Extern, Instance};
pub use limits::Limits;
pub use linker::Linker;
pub use module::Module;
pub use store::Store;
pub use trap::{Trap, TrapCode};
pub use types::{
    ExternType, FuncType, GlobalType, MemoryType, Mutability, RefType, TableType, ValType,
};
pub use value::{ExternRef, RawVal, Val};

#[cfg(feature = "validate")]
pub use wasmparser;
