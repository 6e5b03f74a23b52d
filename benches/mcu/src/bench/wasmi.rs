//! wasmi 2.0, no_std, the apps as `.wasm` translated on the device (eager, as on the host).

use wasmi::{CompilationMode, Config, Engine, Linker, Module, Store};

use super::{App, Sample, ticks};

/// Prints wasmi's error and returns `what`.
fn fail(what: &'static str) -> impl FnOnce(wasmi::Error) -> &'static str {
    move |e| {
        cortex_m_semihosting::hprintln!("wasmi: {}: {}", what, e);
        what
    }
}

pub const NAME: &str = "wasmi";

/// Not inlined: the benchmark measures the stack below its caller's frame.
#[inline(never)]
pub fn run(app: &App) -> Result<Sample, &'static str> {
    let mut config = Config::default();
    config.compilation_mode(CompilationMode::Eager);
    let engine = Engine::new(&config);
    let start = ticks();
    let module = Module::new(&engine, app.wasm).map_err(fail("compiling"))?;
    let mut store = Store::new(&engine, ());
    let linker = Linker::<()>::new(&engine);
    let instance = linker
        .instantiate_and_start(&mut store, &module)
        .map_err(fail("instantiating"))?;
    let loaded = ticks();
    let result = if app.returns_i64 {
        let func = instance
            .get_typed_func::<i32, i64>(&store, app.export)
            .map_err(fail("export"))?;
        let start = ticks();
        let r = func.call(&mut store, app.arg).map_err(fail("call"))?;
        (r.cast_unsigned(), ticks() - start)
    } else {
        let func = instance
            .get_typed_func::<i32, i32>(&store, app.export)
            .map_err(fail("export"))?;
        let start = ticks();
        let r = func.call(&mut store, app.arg).map_err(fail("call"))?;
        (u64::from(r.cast_unsigned()), ticks() - start)
    };
    let heap_live = crate::heap::used();
    let memory = instance
        .get_memory(&store, "memory")
        .map_or(0, |m| m.data_size(&store));
    Ok(Sample {
        load_ticks: loaded - start,
        run_ticks: result.1,
        result: result.0,
        memory,
        heap_live,
        heap_phases: None,
    })
}
