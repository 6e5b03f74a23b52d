//! Mote's executor, the apps as compiled images in flash (`Module::from_image`).

use mote_core::{Config, Engine, Instance, Limits, Module, Store};

use super::{App, Sample, ticks};

pub const NAME: &str = if cfg!(feature = "bench-mote-threaded") {
    "mote-threaded"
} else {
    "mote"
};

/// The compiled image of `app` (made on the host with the same `Config`).
fn image(app: &App) -> &'static [u8] {
    match app.name {
        "coremark" => mote_interp::include_image!(concat!(env!("OUT_DIR"), "/coremark.mimg")),
        _ => mote_interp::include_image!(concat!(env!("OUT_DIR"), "/fib.mimg")),
    }
}

/// `Limits::MCU` with room for CoreMark: its linear memory (it grows from 17 to 18 pages of
/// 64 KiB: the limit is what it needs) and its code.
const LIMITS: Limits = Limits {
    value_stack_slots: 16 * 1024,
    call_depth: 256,
    memory_bytes: 18 * 64 * 1024,
    code_bytes: 512 * 1024,
    ..Limits::MCU
};

/// Bytes each linear memory reserves when it is made: up to its limit, so that growing it never
/// needs the old and the new copy at once (`Config::memory_reservation`).
const RESERVATION: u64 = LIMITS.memory_bytes;

/// Not inlined: the benchmark measures the stack below its caller's frame.
#[inline(never)]
pub fn run(app: &App) -> Result<Sample, &'static str> {
    let heap_before = crate::heap::used();
    let mut config = Config::default();
    config.limits(LIMITS);
    config.memory_reservation(RESERVATION);
    let engine = Engine::new(&config, mote_interp::Interpreter::new());
    let start = ticks();
    let module = Module::from_image(&engine, image(app)).map_err(|_| "loading the image")?;
    let heap_module = crate::heap::used();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).map_err(|_| "instantiating")?;
    let loaded = ticks();
    let memory_of = |store: &Store<()>| {
        instance
            .get_memory(store, "memory")
            .map_or(0, |m| m.data_size(store))
    };
    // The linear memory's block: its size, or the room reserved for it if that is larger.
    let memory_block = instance.get_memory(&store, "memory").map_or(0, |m| {
        m.data_size(&store)
            .max(RESERVATION.min(LIMITS.memory_bytes) as usize)
    });
    let heap_instance = crate::heap::used() - memory_block;
    let result = if app.returns_i64 {
        let func = instance
            .get_typed_func::<i32, i64>(&store, app.export)
            .map_err(|_| "export")?;
        let start = ticks();
        let r = func.call(&mut store, app.arg).map_err(|_| "call")?;
        (r.cast_unsigned(), ticks() - start)
    } else {
        let func = instance
            .get_typed_func::<i32, i32>(&store, app.export)
            .map_err(|_| "export")?;
        let start = ticks();
        let r = func.call(&mut store, app.arg).map_err(|_| "call")?;
        (u64::from(r.cast_unsigned()), ticks() - start)
    };
    let heap_live = crate::heap::used();
    let memory = memory_of(&store);
    Ok(Sample {
        load_ticks: loaded - start,
        run_ticks: result.1,
        result: result.0,
        memory,
        heap_live,
        heap_phases: Some([
            heap_module - heap_before,
            heap_instance - heap_module,
            (heap_live - memory_block.max(memory)) - heap_instance,
        ]),
    })
}
