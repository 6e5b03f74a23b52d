//! Running one Wasm app on the board, the way `mote run` does on host-sim: load its compiled
//! image in place (this firmware has no validator or translator), link WASI-lite over the
//! board, call `_start`, and turn the outcome into an exit status.

use core::fmt::Write as _;

use alloc::format;
use alloc::vec::Vec;

use mote_core::{Config, Engine, Error, Extern, Instance, Limits, Linker, Module, Store};
use mote_interp::Interpreter;
use mote_platform::Platform;

use crate::board::Microbit;

/// The store's data: WASI-lite on this board.
type Host = Platform<Microbit>;

/// Exit status of a failure that is not the app's own (`mote run` uses the same).
pub const EXIT_FAILURE: i32 = 1;

/// The limits for 16 KiB of RAM: [`Limits::MCU`] with a smaller value stack and fewer frames,
/// one instance, memory and table, and at most 8 KiB of linear memory. Measured under QEMU
/// (docs/boards.md, "microbit"): `blink` needs 52 value-stack slots (48 trap with "call stack
/// exhausted"; 40 before loop constants got slots of their own, which made its loops faster)
/// and 3 frames, `hello` 24 slots (16 trap) and 2 frames; 56 slots (448 bytes) and 8 frames
/// leave a little room. The value stack grows on demand up to the limit, so the limit
/// bounds the heap an app can take for it (512 slots, `Limits::MCU`, would be 4 KiB).
pub const LIMITS: Limits = Limits {
    value_stack_slots: 56,
    call_depth: 8,
    nested_calls: 1,
    memory_bytes: 8 * 1024,
    table_elements: 64,
    instances: 1,
    memories: 1,
    tables: 1,
    ..Limits::MCU
};

/// The engine's configuration: the defaults (no fuel, no NaN canonicalisation) with
/// [`LIMITS`]. A compiled image runs only on an engine with the fuel and NaN settings it was
/// compiled with: `cargo xtask qemu` compiles apps with the same configuration
/// (`xtask/src/boards.rs`).
pub fn config() -> Config {
    let mut config = Config::new();
    config.limits(LIMITS);
    config
}

/// Runs `app`, a compiled image, on `board` with its full [`Microbit::manifest`]; returns the
/// exit status: 0 when `_start` returns, the app's status when it calls `proc_exit`, 1 after an
/// error or a trap (whose message goes to UART0, as `mote: error: ...`).
pub fn run(board: Microbit, app: &'static [u8]) -> i32 {
    let engine = Engine::new(&config(), Interpreter::new());
    let platform = Platform::new(board, Microbit::manifest()).with_args(["app.wasm"]);
    let mut store = Store::new(&engine, platform);
    #[cfg(feature = "memory-report")]
    crate::rt::report_memory("after making the engine and the store");
    match start(&engine, &mut store, app) {
        Ok(()) => 0,
        Err((doing, e)) => {
            if let Some(code) = store.data().exit_code() {
                return code.cast_signed();
            }
            if let Some(code) = e.exit_code() {
                return code;
            }
            let uart = store.data_mut().board_mut().uart0();
            let _ = writeln!(uart, "mote: error: app.wasm: {doing}: {e:#}");
            EXIT_FAILURE
        }
    }
}

/// What failed, and how.
type Failure = (&'static str, Error);

/// The app's module: its compiled image, loaded in place (code and data stay in flash).
fn module(engine: &Engine, image: &'static [u8]) -> Result<Module, Error> {
    if image.is_empty() {
        return Err(Error::usage(
            "no app embedded: build with `cargo xtask qemu microbit APP.wasm` or MOTE_APP=APP.mimg",
        ));
    }
    Module::from_image(engine, image)
}

fn start(engine: &Engine, store: &mut Store<Host>, app: &'static [u8]) -> Result<(), Failure> {
    let module = module(engine, app).map_err(|e| ("loading the module", e))?;
    #[cfg(feature = "memory-report")]
    crate::rt::report_memory("after loading the module");
    let imports = imports(engine, store, &module)?;
    #[cfg(feature = "memory-report")]
    crate::rt::report_memory("after making the imports (the linker dropped)");
    let instance = Instance::new(&mut *store, &module, &imports)
        .map_err(|e| ("instantiating the module", e))?;
    drop(imports);
    #[cfg(feature = "memory-report")]
    crate::rt::report_memory("after instantiating it");
    // A module without `_start` does its work in its start function, if anywhere.
    let Ok(start) = instance.get_typed_func::<(), ()>(&*store, "_start") else {
        return Ok(());
    };
    start
        .call(&mut *store, ())
        .map_err(|e| ("calling `_start`", e))
}

/// The host functions `module` imports, made in `store`, in the order of its imports. Only the
/// WASI-lite functions that the module imports are defined
/// (`mote_platform::add_imports_to_linker`: all of WASI-lite, about 73 functions, would take
/// 8.7 KB of heap on this target and leave the imported functions' shared parts scattered
/// where it was, with no 8 KiB hole for linear memory). The linker lives only while they are
/// looked up and is dropped before instantiation allocates linear memory (docs/boards.md,
/// "microbit").
fn imports(
    engine: &Engine,
    store: &mut Store<Host>,
    module: &Module,
) -> Result<Vec<Extern>, Failure> {
    let mut linker = Linker::new(engine);
    mote_platform::add_imports_to_linker(&mut linker, module, |host: &mut Host| host)
        .map_err(|e| ("defining the host functions", e))?;
    #[cfg(feature = "memory-report")]
    crate::rt::report_memory("after defining the host functions");
    let mut imports = Vec::new();
    imports
        .try_reserve_exact(module.imports().len())
        .map_err(|_| {
            (
                "instantiating the module",
                Error::usage("out of memory for the imports"),
            )
        })?;
    for (from, name, _) in module.imports() {
        let Some(item) = linker.get(&mut *store, from, name) else {
            return Err((
                "instantiating the module",
                Error::link(
                    from,
                    name,
                    format!("unknown import: no definition for \"{from}\" \"{name}\""),
                ),
            ));
        };
        imports.push(item);
    }
    Ok(imports)
}
