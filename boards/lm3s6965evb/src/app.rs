//! Running one Wasm app on the board, the way `mote run` does on host-sim: load its compiled
//! image (or, with the feature `on-device-translate`, validate and translate its `.wasm` here),
//! link WASI-lite over the board, call `_start`, and turn the outcome into an exit status.
//! With the feature `defmt` it logs each step as a defmt frame (`mote: app.wasm: ...`), and
//! errors as error frames instead of UART0 lines.

#[cfg(not(feature = "defmt"))]
use core::fmt::Write as _;

use mote_core::{Config, Engine, Error, Limits, Linker, Module, Store};
use mote_interp::Interpreter;
use mote_platform::Platform;

use crate::board::Lm3s6965evb;

/// The store's data: WASI-lite on this board.
type Host = Platform<Lm3s6965evb>;

/// Exit status of a failure that is not the app's own (`mote run` uses the same).
pub const EXIT_FAILURE: i32 = 1;

/// The engine's configuration: the defaults (no fuel, no NaN canonicalisation) with
/// [`Limits::MCU`]. A compiled image runs only on an engine with the fuel and NaN settings it
/// was compiled with: `cargo xtask qemu` compiles apps with the same configuration
/// (`xtask/src/boards.rs`).
pub fn config() -> Config {
    let mut config = Config::new();
    config.limits(Limits::MCU);
    config
}

/// Runs `app` on `board` with its full [`Lm3s6965evb::manifest`]; returns the exit status: 0
/// when `_start` returns, the app's status when it calls `proc_exit`, 1 after an error or a trap
/// (whose message goes to UART0, as `mote: error: ...`, or with `defmt` to an error frame).
/// `app` is a compiled image, or with the
/// feature `on-device-translate` a `.wasm` (see `module`).
pub fn run(board: Lm3s6965evb, app: &'static [u8]) -> i32 {
    let engine = Engine::new(&config(), Interpreter::new());
    let platform = Platform::new(board, Lm3s6965evb::manifest()).with_args(["app.wasm"]);
    let mut store = Store::new(&engine, platform);
    let result = start(&engine, &mut store, app);
    // A last line the app wrote without a newline.
    #[cfg(feature = "defmt")]
    store.data_mut().board_mut().console_mut().end_line();
    match result {
        Ok(()) => 0,
        Err((doing, e)) => {
            if let Some(code) = store.data().exit_code() {
                return code.cast_signed();
            }
            if let Some(code) = e.exit_code() {
                return code;
            }
            #[cfg(feature = "defmt")]
            defmt::error!(
                "mote: error: app.wasm: {=str}: {}",
                doing,
                defmt::Display2Format(&Alternate(&e))
            );
            #[cfg(not(feature = "defmt"))]
            {
                let uart = store.data_mut().board_mut().uart0();
                let _ = writeln!(uart, "mote: error: app.wasm: {doing}: {e:#}");
            }
            EXIT_FAILURE
        }
    }
}

/// What failed, and how.
type Failure = (&'static str, Error);

/// An error shown with `{:#}` (its causes too), as the UART line does.
#[cfg(feature = "defmt")]
struct Alternate<'a>(&'a Error);

#[cfg(feature = "defmt")]
impl core::fmt::Display for Alternate<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

/// The app's module: its compiled image, loaded in place (code and data stay in flash).
#[cfg(not(feature = "on-device-translate"))]
fn module(engine: &Engine, image: &'static [u8]) -> Result<Module, Error> {
    if image.is_empty() {
        return Err(Error::usage(
            "no app embedded: build with `cargo xtask qemu lm3s6965evb APP.wasm` or MOTE_APP=APP.mimg",
        ));
    }
    Module::from_image(engine, image)
}

/// The app's module: its `.wasm`, validated and translated on the device.
#[cfg(feature = "on-device-translate")]
fn module(engine: &Engine, wasm: &'static [u8]) -> Result<Module, Error> {
    Module::new(engine, wasm)
}

fn start(engine: &Engine, store: &mut Store<Host>, app: &'static [u8]) -> Result<(), Failure> {
    #[cfg(feature = "defmt")]
    defmt::info!("mote: app.wasm: loading a {=usize}-byte module", app.len());
    let module = module(engine, app).map_err(|e| ("loading the module", e))?;
    #[cfg(feature = "memory-report")]
    crate::rt::report_memory("after loading the module");
    let mut linker = Linker::new(engine);
    mote_platform::add_to_linker(&mut linker, |host: &mut Host| host)
        .map_err(|e| ("defining the host functions", e))?;
    let instance = linker
        .instantiate(&mut *store, &module)
        .map_err(|e| ("instantiating the module", e))?;
    #[cfg(feature = "defmt")]
    defmt::info!("mote: app.wasm: instantiated; calling `_start`");
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
