//! Running one Wasm app on the board, the way `mote run` does on host-sim: validate and
//! translate it on the device, link WASI-lite over the board, call `_start`, and turn the
//! outcome into an exit status.

use core::fmt::Write as _;

use mote_core::{Config, Engine, Limits, Linker, Module, Store};
use mote_interp::Interpreter;
use mote_platform::Platform;

use crate::board::Lm3s6965evb;

/// The store's data: WASI-lite on this board.
type Host = Platform<Lm3s6965evb>;

/// Exit status of a failure that is not the app's own (`mote run` uses the same).
pub const EXIT_FAILURE: i32 = 1;

/// Runs the app `wasm` on `board` with its full [`Lm3s6965evb::manifest`]; returns the exit
/// status: 0 when `_start` returns, the app's status when it calls `proc_exit`, 1 after an
/// error or a trap (whose message goes to UART0, as `mote: error: ...`).
pub fn run(board: Lm3s6965evb, wasm: &[u8]) -> i32 {
    let mut config = Config::new();
    config.limits(Limits::MCU);
    let engine = Engine::new(&config, Interpreter::new());
    let platform = Platform::new(board, Lm3s6965evb::manifest()).with_args(["app.wasm"]);
    let mut store = Store::new(&engine, platform);
    match start(&engine, &mut store, wasm) {
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
type Failure = (&'static str, mote_core::Error);

fn start(engine: &Engine, store: &mut Store<Host>, wasm: &[u8]) -> Result<(), Failure> {
    let module = Module::new(engine, wasm).map_err(|e| ("loading the module", e))?;
    let mut linker = Linker::new(engine);
    mote_platform::add_to_linker(&mut linker, |host: &mut Host| host)
        .map_err(|e| ("defining the host functions", e))?;
    let instance = linker
        .instantiate(&mut *store, &module)
        .map_err(|e| ("instantiating the module", e))?;
    // A module without `_start` does its work in its start function, if anywhere.
    let Ok(start) = instance.get_typed_func::<(), ()>(&*store, "_start") else {
        return Ok(());
    };
    start
        .call(&mut *store, ())
        .map_err(|e| ("calling `_start`", e))
}
