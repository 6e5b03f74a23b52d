//! Integration tests of WASI-lite (`mote-platform`) on the host-sim board: a guest module that
//! re-exports every import, called from Rust with chosen arguments. One test binary.
#![expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the tests build guest addresses and byte patterns from small known values"
)]

mod bounds;
mod cooperative;
mod level0;
mod level1;

use mote_core::{Config, Engine, Instance, Linker, Module, Store, Val};
use mote_host_sim::{HostSim, Sink};
use mote_platform::{Blocking, Platform};

/// Every import: module, name, parameter types (`i` i32, `l` i64), whether it returns an i32.
pub const IMPORTS: &[(&str, &str, &str, bool)] = &[
    ("wasi_snapshot_preview1", "fd_write", "iiii", true),
    ("wasi_snapshot_preview1", "fd_read", "iiii", true),
    ("wasi_snapshot_preview1", "fd_fdstat_get", "ii", true),
    ("wasi_snapshot_preview1", "fd_prestat_get", "ii", true),
    ("wasi_snapshot_preview1", "clock_time_get", "ili", true),
    ("wasi_snapshot_preview1", "clock_res_get", "ii", true),
    ("wasi_snapshot_preview1", "random_get", "ii", true),
    ("wasi_snapshot_preview1", "args_sizes_get", "ii", true),
    ("wasi_snapshot_preview1", "args_get", "ii", true),
    ("wasi_snapshot_preview1", "environ_sizes_get", "ii", true),
    ("wasi_snapshot_preview1", "environ_get", "ii", true),
    ("wasi_snapshot_preview1", "sched_yield", "", true),
    ("wasi_snapshot_preview1", "poll_oneoff", "iiii", true),
    ("wasi_snapshot_preview1", "proc_exit", "i", false),
    ("wasi_snapshot_preview1", "path_open", "iiiiillii", true),
    ("wasi_snapshot_preview1", "sock_send", "iiiii", true),
    ("mote:board", "gpio.open", "iii", true),
    ("mote:board", "gpio.set", "ii", true),
    ("mote:board", "gpio.toggle", "i", true),
    ("mote:board", "gpio.read", "i", true),
    ("mote:board", "gpio.watch", "ii", true),
    ("mote:board", "delay.us", "i", true),
    ("mote:board", "delay.ms", "i", true),
    ("mote:board", "pwm.open", "ii", true),
    ("mote:board", "pwm.max_duty", "i", true),
    ("mote:board", "pwm.set_duty", "ii", true),
    ("mote:board", "event.poll", "", true),
    ("mote:board", "event.wait", "l", true),
    ("mote:board", "i2c.open", "ii", true),
    ("mote:board", "i2c.read", "iiii", true),
    ("mote:board", "i2c.write", "iiii", true),
    ("mote:board", "i2c.write_read", "iiiiii", true),
    ("mote:board", "i2c.transaction", "iiii", true),
    ("mote:board", "spi.open", "ii", true),
    ("mote:board", "spi.configure", "iii", true),
    ("mote:board", "spi.read", "iii", true),
    ("mote:board", "spi.write", "iii", true),
    ("mote:board", "spi.transfer", "iii", true),
    ("mote:board", "spi.transaction", "iii", true),
    ("mote:board", "uart.open", "ii", true),
    ("mote:board", "uart.read", "iii", true),
    ("mote:board", "uart.write", "iii", true),
];

/// A module with one page of memory that imports everything and exports each import under its
/// own name.
fn all_imports_wat() -> String {
    let mut wat = String::from("(module\n");
    let mut exports = String::new();
    for (i, (module, name, params, result)) in IMPORTS.iter().enumerate() {
        let params: Vec<&str> = params
            .chars()
            .map(|c| if c == 'l' { "i64" } else { "i32" })
            .collect();
        let sig = format!(
            "(param {}){}",
            params.join(" "),
            if *result { " (result i32)" } else { "" }
        );
        wat.push_str(&format!(
            "  (import \"{module}\" \"{name}\" (func $f{i} {sig}))\n"
        ));
        let gets: String = (0..params.len())
            .map(|p| format!("(local.get {p})"))
            .collect();
        exports.push_str(&format!(
            "  (func (export \"{name}\") {sig} (call $f{i} {gets}))\n"
        ));
    }
    wat.push_str("  (memory (export \"memory\") 1)\n");
    wat.push_str(&exports);
    wat.push(')');
    wat
}

/// A guest instance on a captured host-sim board.
#[derive(Debug)]
pub struct Guest {
    pub store: Store<Platform<HostSim>>,
    pub instance: Instance,
    pub out: Sink,
    pub err: Sink,
    pub trace: Sink,
}

impl Guest {
    /// The all-imports module with `input` as stdin and UART input.
    pub fn new(input: &[u8]) -> Self {
        Self::with(input, Blocking::Delay, &[], &[])
    }

    /// As [`Guest::new`], with a blocking mode, arguments and environment.
    pub fn with(input: &[u8], blocking: Blocking, args: &[&str], env: &[&str]) -> Self {
        let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
        let wasm = wat::parse_str(all_imports_wat()).expect("valid test module");
        let module = Module::new(&engine, &wasm).expect("test module compiles");
        let (mut board, out, err, trace) = HostSim::captured(input);
        board.set_temperature(21.5);
        let platform = Platform::new(board, HostSim::manifest())
            .with_blocking(blocking)
            .with_args(args.iter().copied())
            .with_env(env.iter().copied());
        let mut store = Store::new(&engine, platform);
        let mut linker = Linker::new(&engine);
        mote_platform::add_to_linker(&mut linker, |p: &mut Platform<HostSim>| p)
            .expect("imports define once");
        let instance = linker
            .instantiate(&mut store, &module)
            .expect("every import links");
        Guest {
            store,
            instance,
            out,
            err,
            trace,
        }
    }

    /// Calls export `name` with `args` (i32 unless given as `Val`), returning its i32 result.
    pub fn call(&mut self, name: &str, args: &[Val]) -> i32 {
        let func = self
            .instance
            .get_func(&self.store, name)
            .unwrap_or_else(|| panic!("no export {name}"));
        let mut results = [Val::I32(0)];
        func.call(&mut self.store, args, &mut results)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        match results[0] {
            Val::I32(v) => v,
            other => panic!("{name} returned {other:?}"),
        }
    }

    /// Calls `name` with i32 arguments.
    pub fn call_i(&mut self, name: &str, args: &[i32]) -> i32 {
        let args: Vec<Val> = args.iter().map(|&a| Val::I32(a)).collect();
        self.call(name, &args)
    }

    /// The guest's memory.
    pub fn memory(&self) -> Vec<u8> {
        let mem = self
            .instance
            .get_memory(&self.store, "memory")
            .expect("memory");
        mem.data(&self.store).to_vec()
    }

    /// Writes `bytes` into guest memory at `at`.
    pub fn poke(&mut self, at: usize, bytes: &[u8]) {
        let mem = self
            .instance
            .get_memory(&self.store, "memory")
            .expect("memory");
        mem.data_mut(&mut self.store)[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// Reads `len` bytes of guest memory at `at`.
    pub fn peek(&self, at: usize, len: usize) -> Vec<u8> {
        self.memory()[at..at + len].to_vec()
    }

    /// Reads a little-endian u32 at `at`.
    pub fn peek_u32(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.peek(at, 4).try_into().expect("4 bytes"))
    }

    /// Writes `label` at `at` and opens it with `open` (plus `extra` arguments).
    pub fn open(&mut self, open: &str, label: &str, extra: &[i32]) -> i32 {
        let at = 60_000;
        self.poke(at, label.as_bytes());
        let mut args = vec![at as i32, label.len() as i32];
        args.extend_from_slice(extra);
        self.call_i(open, &args)
    }
}
