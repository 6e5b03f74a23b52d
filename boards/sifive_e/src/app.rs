//! Running one Wasm app on the board, the way `mote run` does on host-sim: load its compiled
//! image in place (this firmware has no validator or translator), link WASI-lite over the
//! board, call `_start`, and turn the outcome into an exit status.

use core::fmt::Write as _;

use alloc::vec::Vec;

use mote_core::{Config, Engine, Error, Extern, Instance, Limits, Linker, Module, Store};
use mote_interp::Interpreter;
use mote_platform::Platform;

use crate::board::SifiveE;

/// The store's data: WASI-lite on this board.
type Host = Platform<SifiveE>;

/// Exit status of a failure that is not the app's own (`mote run` uses the same).
pub const EXIT_FAILURE: i32 = 1;

/// The limits for 16 KiB of RAM (as on microbit, which has the same RAM): [`Limits::MCU`] with
/// 56 value-stack slots (448 bytes), 8 frames, one instance, memory and table, and at most
/// 8 KiB of linear memory. `hello` needs 24 slots and 2 frames, `blink` 52 slots and 3 frames.
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

/// Runs `app`, a compiled image, on `board` with its full [`SifiveE::manifest`]; returns the
/// exit status: 0 when `_start` returns, the app's status when it calls `proc_exit`, 1 after an
/// error or a trap (whose message goes to UART0, as `mote: error: ...`).
pub fn run(board: SifiveE, app: &'static [u8]) -> i32 {
    let engine = Engine::new(&config(), Interpreter::new());
    // The module first, before the store: loading and verifying an image is the deepest point
    // of the run on the main stack, and the heap is emptiest then.
    let module = module(&engine, app);
    let platform = Platform::new(board, SifiveE::manifest()).with_args(["app.wasm"]);
    let mut store = Store::new(&engine, platform);
    report("after loading the module and making the store");
    let result = module
        .map_err(|e| ("loading the module", e))
        .and_then(|module| start(&engine, &mut store, &module));
    match result {
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

/// The memory report after `stage` (feature `memory-report`).
fn report(stage: &str) {
    #[cfg(feature = "memory-report")]
    crate::rt::report_memory(stage);
    #[cfg(not(feature = "memory-report"))]
    let _ = stage;
}

/// What failed, and how.
type Failure = (&'static str, Error);

/// The app's module: its compiled image, loaded in place (code and data stay in flash).
#[inline(never)]
fn module(engine: &Engine, image: &'static [u8]) -> Result<Module, Error> {
    if image.is_empty() {
        return Err(Error::usage(
            "no app embedded: build with `cargo xtask qemu sifive_e APP.wasm` or MOTE_APP=APP.mimg",
        ));
    }
    Module::from_image(engine, image)
}

fn start(engine: &Engine, store: &mut Store<Host>, module: &Module) -> Result<(), Failure> {
    let imports = imports(engine, store, module)?;
    report("after making the imports (the linker dropped)");
    let instance = Instance::new(&mut *store, module, &imports)
        .map_err(|e| ("instantiating the module", e))?;
    drop(imports);
    report("after instantiating it");
    // A module without `_start` does its work in its start function, if anywhere.
    let Ok(start) = instance.get_typed_func::<(), ()>(&*store, "_start") else {
        return Ok(());
    };
    let result = start.call(&mut *store, ());
    report("after `_start`");
    result.map_err(|e| ("calling `_start`", e))
}

/// The host functions `module` imports, made in `store`, in the order of its imports. Only the
/// WASI-lite functions that the module imports are defined
/// (`mote_platform::add_imports_to_linker`: all of WASI-lite, about 73 functions, takes about
/// 8.7 KB of heap on a 32-bit target and leaves the imported functions' shared parts scattered
/// where it was, with no 8 KiB hole for linear memory). The linker lives only while they are
/// looked up and is dropped before instantiation allocates linear memory.
fn imports(
    engine: &Engine,
    store: &mut Store<Host>,
    module: &Module,
) -> Result<Vec<Extern>, Failure> {
    let mut linker = Linker::new(engine);
    mote_platform::add_imports_to_linker(&mut linker, module, |host: &mut Host| host)
        .map_err(|e| ("defining the host functions", e))?;
    report("after defining the host functions");
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
                    alloc::format!("unknown import: no definition for \"{from}\" \"{name}\""),
                ),
            ));
        };
        imports.push(item);
    }
    Ok(imports)
}
