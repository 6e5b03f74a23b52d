//! # mote-platform
//!
//! WASI-lite for Mote: the host functions a guest uses to reach the console, clocks, randomness
//! and the board's pins and buses, written once over `embedded-hal` 1.0 and `embedded-io`
//! traits so that they work the same on the host simulator, on QEMU boards and on real boards.
//! The ABI is specified in the repository's `docs/wasi-lite.md`.
//!
//! - **Level 0** ([`WASI_MODULE`]): a `wasi_snapshot_preview1` subset (`fd_write`, `fd_read`,
//!   clocks, `random_get`, `proc_exit`, args, environment, `sched_yield`, `poll_oneoff` on
//!   clocks). Every other preview 1 function links and returns `ENOSYS`, so ordinary
//!   `wasm32-wasip1` programs instantiate.
//! - **Level 1** ([`BOARD_MODULE`]): GPIO, I2C, SPI, UART, delays, PWM and events, with integer
//!   handles and caller-provided buffers. A guest opens devices by label; only labels granted by
//!   the [`Manifest`] open.
//!
//! ```
//! use mote_core::{Config, Engine, Linker, Module, Store};
//! use mote_platform::{Platform, Manifest, Kind};
//! # use mote_platform::testing::TestBoard;
//!
//! # fn main() -> Result<(), mote_core::Error> {
//! let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
//! let wasm = wat::parse_str(r#"
//!     (module
//!       (import "mote:board" "gpio.open" (func $open (param i32 i32 i32) (result i32)))
//!       (import "mote:board" "gpio.toggle" (func $toggle (param i32) (result i32)))
//!       (memory (export "memory") 1)
//!       (data (i32.const 0) "led")
//!       (func (export "_start") (result i32)
//!         (call $toggle (call $open (i32.const 0) (i32.const 3) (i32.const 1)))))
//! "#).expect("valid text");
//! let module = Module::new(&engine, &wasm)?;
//!
//! // The store's data is the platform: a board and the grants of this module.
//! let manifest = Manifest::new().grant("led", Kind::Gpio, 0);
//! let mut store = Store::new(&engine, Platform::new(TestBoard::default(), manifest));
//! let mut linker = Linker::new(&engine);
//! mote_platform::add_to_linker(&mut linker, |p: &mut Platform<TestBoard>| p)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), i32>(&store, "_start")?;
//! assert_eq!(start.call(&mut store, ())?, 0);
//! assert!(store.data().board().pins[0].0);
//! # Ok(())
//! # }
//! ```
//!
//! ## Design
//! - **No allocation per call.** Data moves between guest memory and devices through a
//!   bounce buffer of [`BOUNCE`] bytes on the host stack; a single bus transfer is limited to
//!   that size (larger ones fail with `E2BIG`).
//! - **Every guest pointer is checked** (in `u64`, against the memory's current size) before a
//!   slice is formed; a bad one fails with `EFAULT` before anything is read, written or sent.
//! - **A host call never panics**; HAL errors map through `.kind()` to error codes ([`errno`]).
//! - **Blocking calls can yield** ([`Blocking::Yield`]): delays and waits then suspend a
//!   resumable call instead of blocking the CPU, and [`Platform::wake_at`] tells the embedder's
//!   scheduler when to resume.
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

extern crate alloc;

mod board;
mod bus;
mod defs;
pub mod errno;
mod manifest;
mod mem;
mod nodevice;
mod periph;
#[doc(hidden)]
pub mod testing;
mod wasi;
mod wasi_poll;

#[cfg(test)]
mod tests;

use alloc::string::String;
use alloc::vec::Vec;

pub use board::{Board, Clock, SpiConfig, Stream};
pub use errno::Errno;
pub use manifest::{Grant, Kind, MAX_LABEL, Manifest};
pub use mem::BOUNCE;
pub use nodevice::NoDevice;

use mote_core::{Error, Linker, Module};

use defs::Defs;

/// The import module of level 0.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";
/// The import module of level 1 (peripherals).
pub const BOARD_MODULE: &str = "mote:board";

/// How blocking calls (`delay.*`, `event.wait`, `poll_oneoff`) wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Blocking {
    /// Block the CPU with the board's delay provider (one app per core).
    #[default]
    Delay,
    /// Ask the running call to yield ([`mote_core::Caller::request_yield`]) and record when it
    /// may resume ([`Platform::wake_at`]); the embedder resumes it no earlier. With a plain
    /// (non-resumable) call the request is ignored and the wait is skipped.
    Yield,
}

/// Per-handle state of an opened grant.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    open: bool,
    /// Edges watched on a GPIO pin: bit 0 rising, bit 1 falling.
    watch: u8,
    /// The level last seen on a watched pin.
    last: bool,
}

/// The platform state of one guest: its board, its grants and opened handles, its arguments
/// and environment, and what it asked for (exit status, wake-up time). Put it in the store's
/// data (or inside it) and register the host functions with [`add_to_linker`].
#[derive(Debug)]
pub struct Platform<B> {
    board: B,
    manifest: Manifest,
    slots: Vec<Slot>,
    args: Vec<String>,
    env: Vec<String>,
    exit_code: Option<u32>,
    blocking: Blocking,
    wake_at: Option<u64>,
}

impl<B: Board> Platform<B> {
    /// The platform for a guest on `board` that may open what `manifest` grants.
    pub fn new(board: B, manifest: Manifest) -> Self {
        let slots = alloc::vec![Slot::default(); manifest.grants().len()];
        Self {
            board,
            manifest,
            slots,
            args: Vec::new(),
            env: Vec::new(),
            exit_code: None,
            blocking: Blocking::Delay,
            wake_at: None,
        }
    }

    /// Sets the guest's arguments (`args_get`); by convention the first is the program name.
    #[must_use]
    pub fn with_args(mut self, args: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the guest's environment (`environ_get`) from `KEY=VALUE` strings.
    #[must_use]
    pub fn with_env(mut self, env: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.env = env.into_iter().map(Into::into).collect();
        self
    }

    /// Chooses how blocking calls wait.
    #[must_use]
    pub fn with_blocking(mut self, blocking: Blocking) -> Self {
        self.blocking = blocking;
        self
    }

    /// The board.
    pub fn board(&self) -> &B {
        &self.board
    }

    /// The board, mutably.
    pub fn board_mut(&mut self) -> &mut B {
        &mut self.board
    }

    /// The status the guest passed to `proc_exit`, once it has called it. The call that exited
    /// fails with a host error; embedders check this first to tell an exit from a failure.
    pub fn exit_code(&self) -> Option<u32> {
        self.exit_code
    }

    /// With [`Blocking::Yield`]: the monotonic time (ns) before which the last yielded call
    /// must not be resumed, if it asked to wait. Taking it clears it.
    pub fn take_wake_at(&mut self) -> Option<u64> {
        self.wake_at.take()
    }

    /// See [`Platform::take_wake_at`].
    pub fn wake_at(&self) -> Option<u64> {
        self.wake_at
    }
}

/// How host functions find the platform in the store's data.
pub type Getter<T, B> = fn(&mut T) -> &mut Platform<B>;

/// Defines every level-0 and level-1 import in `linker`; `get` finds the platform in the store's
/// data.
///
/// # Errors
/// When a name is already defined and shadowing is off.
pub fn add_to_linker<T: 'static, B: Board + 'static>(
    linker: &mut Linker<T>,
    get: Getter<T, B>,
) -> Result<(), Error> {
    add(&mut Defs::all(linker), get)
}

/// Defines only level 0 (`wasi_snapshot_preview1`).
///
/// # Errors
/// As [`add_to_linker`].
pub fn add_wasi_to_linker<T: 'static, B: Board + 'static>(
    linker: &mut Linker<T>,
    get: Getter<T, B>,
) -> Result<(), Error> {
    wasi::add(&mut Defs::all(linker), get)
}

/// Defines, of levels 0 and 1, only the functions that `module` imports, for devices whose heap
/// cannot hold all of WASI-lite's definitions (about 73 functions: 8.7 KB on a 32-bit target).
/// Imports of other names, and from other modules, are left undefined: instantiating then
/// reports them as unknown, as with [`add_to_linker`].
///
/// # Errors
/// As [`add_to_linker`].
pub fn add_imports_to_linker<T: 'static, B: Board + 'static>(
    linker: &mut Linker<T>,
    module: &Module,
    get: Getter<T, B>,
) -> Result<(), Error> {
    add(&mut Defs::imported_by(linker, module), get)
}

fn add<T: 'static, B: Board + 'static>(
    defs: &mut Defs<'_, T>,
    get: Getter<T, B>,
) -> Result<(), Error> {
    wasi::add(defs, get)?;
    periph::add(defs, get)?;
    bus::add(defs, get)
}
