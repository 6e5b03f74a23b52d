//! Running one Wasm app on a board, the way `mote run` does on host-sim: load its compiled
//! image in place (the code and data stay in flash), define the WASI-lite functions it imports
//! (only those: `mote_platform::add_imports_to_linker`), instantiate it, call `_start`, and
//! turn the outcome into an exit status.

use alloc::format;
use alloc::vec::Vec;

use mote_core::{Config, Engine, Error, Extern, Instance, Linker, Module, Store};
use mote_interp::Interpreter;
use mote_platform::{Board, Manifest, Platform, Stream};

use crate::log;

/// Exit status of a failure that is not the app's own (`mote run` uses the same).
pub const EXIT_FAILURE: i32 = 1;

/// What failed, and how.
type Failure = (&'static str, Error);

/// Runs `image`, a compiled image (from `mote compile`, with `config`'s fuel and NaN settings),
/// on `board` with the grants of `manifest`, then calls `finish` with the board and the exit
/// status, which it returns: 0 when `_start` returns, the app's status when it calls
/// `proc_exit`, 1 after an error or a trap, whose message goes to the board's stderr console as
/// `mote: error: ...` (or through defmt).
pub fn run<B: Board + 'static>(
    board: B,
    manifest: Manifest,
    config: &Config,
    image: &'static [u8],
    finish: impl FnOnce(&mut B, i32),
) -> i32 {
    let engine = Engine::new(config, Interpreter::new());
    let platform = Platform::new(board, manifest).with_args(["app.wasm"]);
    let mut store = Store::new(&engine, platform);
    let status = match start(&engine, &mut store, image) {
        Ok(()) => 0,
        Err((doing, e)) => {
            if let Some(code) = store.data().exit_code() {
                code.cast_signed()
            } else if let Some(code) = e.exit_code() {
                code
            } else {
                let console = store.data_mut().board_mut().console(Stream::Stderr);
                log::error(console, format_args!("error: app.wasm: {doing}: {e:#}"));
                EXIT_FAILURE
            }
        }
    };
    finish(store.data_mut().board_mut(), status);
    status
}

fn start<B: Board + 'static>(
    engine: &Engine,
    store: &mut Store<Platform<B>>,
    image: &'static [u8],
) -> Result<(), Failure> {
    if image.is_empty() {
        return Err((
            "loading the module",
            Error::usage("no app embedded: build with MOTE_APP=APP.mimg (docs/boards.md)"),
        ));
    }
    let module = Module::from_image(engine, image).map_err(|e| ("loading the module", e))?;
    let imports = imports(engine, store, &module)?;
    let instance = Instance::new(&mut *store, &module, &imports)
        .map_err(|e| ("instantiating the module", e))?;
    drop(imports);
    // A module without `_start` does its work in its start function, if anywhere.
    let Ok(start) = instance.get_typed_func::<(), ()>(&*store, "_start") else {
        return Ok(());
    };
    start
        .call(&mut *store, ())
        .map_err(|e| ("calling `_start`", e))
}

/// The host functions `module` imports, made in `store`, in the order of its imports: only
/// those are defined, and the linker is dropped before instantiation allocates linear memory
/// (docs/boards.md, "microbit", "RAM").
fn imports<B: Board + 'static>(
    engine: &Engine,
    store: &mut Store<Platform<B>>,
    module: &Module,
) -> Result<Vec<Extern>, Failure> {
    let mut linker = Linker::new(engine);
    mote_platform::add_imports_to_linker(&mut linker, module, |host: &mut Platform<B>| host)
        .map_err(|e| ("defining the host functions", e))?;
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
