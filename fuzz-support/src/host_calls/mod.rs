//! `host_calls`: guest pointers and lengths into every WASI-lite host function that takes a
//! buffer (`mote-platform` on the simulated board, `mote-host-sim`).
//!
//! A case ([`generate::case`]) picks a function from [`catalogue::CATALOGUE`], a memory (1-byte
//! pages from 0 bytes up, or 0 to 2 pages of 64 KiB, occasionally not exported as `memory`), a
//! fill pattern, arguments aimed at the memory's edges, and records (iovecs, transaction
//! descriptors, `poll_oneoff` subscriptions, device labels) written where the arguments point.
//! [`run`] builds a guest that imports the function and forwards its arguments, opens the
//! device the function needs (the harness grants the empty label of every kind, so that even
//! an empty memory can open one), fills the memory, calls, and checks:
//!
//! - **The call returns.** No panic, and no trap either: every function here reports failure
//!   as an error code (WASI-lite's only function that fails the call, `proc_exit`, takes no
//!   pointer), so a trap or host error would break the ABI.
//! - **The result is success or a known error code**; the stubs always give `ENOSYS` and
//!   `fd_prestat_get` always `EBADF`.
//! - **An error leaves guest memory exactly as it was**, and `EFAULT` also leaves the devices
//!   alone: nothing printed, sent on a bus or consumed from the input.
//! - **A success needed only ranges inside memory** ([`catalogue::effects`]: every buffer,
//!   record array and output the function documents), and changed no byte outside the output
//!   ranges it documents.
//! - **The store still works**: another export runs and sees the memory at its size.
//!
//! Modules are compiled once per function and page size (the memory is imported), so a case
//! costs one instantiation and a few calls.

pub mod catalogue;
pub mod generate;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use arbitrary::Unstructured;
use mote::{Engine, Extern, Instance, Linker, Memory, MemoryType, Module, Store, Val};
use mote_host_sim::{HostSim, Sink, Source};
use mote_platform::{Blocking, Errno, Kind, Manifest, Platform};

use catalogue::{Arg, CATALOGUE, HostFn, Level};

/// The error codes WASI-lite can return.
const ERRNOS: &[Errno] = &[
    Errno::TOOBIG,
    Errno::AGAIN,
    Errno::BADF,
    Errno::BUSY,
    Errno::FAULT,
    Errno::INVAL,
    Errno::IO,
    Errno::NOMEM,
    Errno::NOSYS,
    Errno::NOTSUP,
    Errno::NXIO,
    Errno::OVERFLOW,
    Errno::INTR,
    Errno::NOENT,
    Errno::PERM,
    Errno::TIMEDOUT,
    Errno::NOTCAPABLE,
];

/// A guest memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryShape {
    /// 0 for 1-byte pages, 16 for 64 KiB pages.
    pub page_size_log2: u8,
    /// Its size in pages (minimum and maximum).
    pub pages: u32,
    /// Whether the guest exports it as `memory` (WASI-lite's functions find it by that name;
    /// without it every buffer faults).
    pub exported: bool,
}

impl MemoryShape {
    /// `bytes` bytes of 1-byte pages, exported.
    pub fn bytes_of(bytes: u32) -> Self {
        Self {
            page_size_log2: 0,
            pages: bytes,
            exported: true,
        }
    }

    /// Its size in bytes.
    pub fn bytes(self) -> u64 {
        u64::from(self.pages) << self.page_size_log2
    }
}

/// One call of one host function, and the world around it.
#[derive(Debug, Clone)]
pub struct Case {
    /// The function: an index into [`CATALOGUE`].
    pub func: usize,
    /// The guest's memory.
    pub memory: MemoryShape,
    /// Seed of the bytes the memory is filled with before the call.
    pub pattern: u64,
    /// Bytes written over the pattern (clipped to the memory): records and labels.
    pub writes: Vec<(u32, Vec<u8>)>,
    /// The arguments.
    pub args: Vec<Val>,
    /// Whether the guest opens the empty label of the function's device kind first.
    pub open: bool,
    /// The board's stdin and UART input.
    pub input: Vec<u8>,
    /// The guest's arguments.
    pub argv: Vec<String>,
    /// The guest's environment.
    pub env: Vec<String>,
}

impl Case {
    /// A case that calls `name` with `args` on `memory` (pattern 1, the device opened, no
    /// input, arguments or environment).
    ///
    /// # Panics
    /// When `name` is not in the catalogue.
    pub fn call(name: &str, memory: MemoryShape, args: &[Val]) -> Self {
        let func = CATALOGUE
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} is not in the catalogue"));
        Self {
            func,
            memory,
            pattern: 1,
            writes: Vec::new(),
            args: args.to_vec(),
            open: true,
            input: Vec::new(),
            argv: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Adds bytes written over the pattern at `at`.
    #[must_use]
    pub fn with_write(mut self, at: u32, bytes: &[u8]) -> Self {
        self.writes.push((at, bytes.to_vec()));
        self
    }

    /// The function called.
    pub fn host_fn(&self) -> &'static HostFn {
        &CATALOGUE[self.func]
    }

    /// The memory's contents before the call: the pattern, then the writes.
    pub fn initial_memory(&self) -> Vec<u8> {
        let len = usize::try_from(self.memory.bytes()).unwrap_or(0);
        let mut mem = vec![0u8; len];
        let mut state = self.pattern;
        for chunk in mem.chunks_mut(8) {
            // SplitMix64.
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            let bytes = (z ^ (z >> 31)).to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        for (at, bytes) in &self.writes {
            // Clipped to the memory.
            let start = usize::try_from(*at).unwrap_or(usize::MAX).min(len);
            let end = start.saturating_add(bytes.len()).min(len);
            mem[start..end].copy_from_slice(&bytes[..end - start]);
        }
        mem
    }

    /// The call as text, for failure messages.
    pub fn describe(&self) -> String {
        let f = self.host_fn();
        let args: Vec<String> = self
            .args
            .iter()
            .map(|v| match v {
                Val::I32(v) => format!("{:#x}", v.cast_unsigned()),
                Val::I64(v) => format!("{v}i64"),
                other => format!("{other:?}"),
            })
            .collect();
        let mut text = format!(
            "{}.{}({}) on {} bytes ({} pages of 2^{}{})",
            f.module,
            f.name,
            args.join(", "),
            self.memory.bytes(),
            self.memory.pages,
            self.memory.page_size_log2,
            if self.memory.exported {
                ""
            } else {
                ", not exported"
            }
        );
        for (at, bytes) in &self.writes {
            let _ = write!(text, "\n  at {at:#x}:");
            for b in bytes {
                let _ = write!(text, " {b:02x}");
            }
        }
        let _ = write!(
            text,
            "\n  pattern {:#x}, open {}, input {} bytes, args {:?}, env {:?}",
            self.pattern,
            self.open,
            self.input.len(),
            self.argv,
            self.env
        );
        text
    }
}

/// What one case did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The function's name.
    pub name: &'static str,
    /// The error code, or `None` on success.
    pub error: Option<u16>,
    /// How many bytes of guest memory changed.
    pub changed: usize,
}

/// The grants of the harness: everything host-sim has under its labels, then the empty label
/// of every kind (so that a guest with no memory can still open a device).
pub fn manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        let mut m = HostSim::manifest();
        for kind in [Kind::Gpio, Kind::I2c, Kind::Spi, Kind::Uart, Kind::Pwm] {
            m = m.grant("", kind, 0);
        }
        m
    })
}

/// The handle of the empty label of `kind`, which the guest opens before the call.
pub fn handle_of(kind: Kind) -> i32 {
    manifest()
        .find(b"", kind)
        .and_then(|h| i32::try_from(h).ok())
        .unwrap_or(-1)
}

type Data = Platform<HostSim>;

/// The engine, the linker with every WASI-lite function, and the compiled guests.
struct Harness {
    engine: Engine,
    linker: Linker<Data>,
    modules: HashMap<(usize, u8, bool), Module>,
}

thread_local! {
    static HARNESS: RefCell<Option<Harness>> = const { RefCell::new(None) };
}

/// The guest for `f`: imports it and its device's `open`, imports a memory and exports it
/// (as `memory`, or under another name), and exports `call` (forwards its arguments), `open`
/// (opens the empty label) and `ping` (returns `memory.size`).
fn guest_wat(f: &HostFn, page_size_log2: u8, exported: bool) -> String {
    let params: Vec<&str> = f
        .args
        .iter()
        .map(|a| if *a == Arg::I64 { "i64" } else { "i32" })
        .collect();
    let params = params.join(" ");
    let gets: String = (0..f.args.len())
        .map(|i| format!("(local.get {i})"))
        .collect();
    let page = if page_size_log2 == 0 {
        " (pagesize 1)"
    } else {
        ""
    };
    let (open_import, open_call) = match f.handle_kind() {
        Some(kind) => (
            format!(
                "(import \"{}\" \"{}.open\" (func $open (param i32 i32) (result i32)))",
                mote_platform::BOARD_MODULE,
                kind_name(kind)
            ),
            "(call $open (i32.const 0) (i32.const 0))",
        ),
        None => (String::new(), "(i32.const -1)"),
    };
    let export = if exported { "memory" } else { "not-memory" };
    format!(
        r#"(module
  (import "{module}" "{name}" (func $f (param {params}) (result i32)))
  {open_import}
  (import "fuzz" "memory" (memory 0{page}))
  (export "{export}" (memory 0))
  (func (export "call") (param {params}) (result i32) (call $f {gets}))
  (func (export "open") (result i32) {open_call})
  (func (export "ping") (result i32) (memory.size)))"#,
        module = f.module,
        name = f.name,
    )
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Gpio => "gpio",
        Kind::I2c => "i2c",
        Kind::Spi => "spi",
        Kind::Uart => "uart",
        Kind::Pwm => "pwm",
    }
}

/// The length of a buffer sink's contents.
fn sink_len(sink: &Sink) -> usize {
    match sink {
        Sink::Buffer(buf) => buf.lock().unwrap_or_else(PoisonError::into_inner).len(),
        _ => 0,
    }
}

/// What the devices have seen: bytes printed (stdout, stderr), trace lines (bus transfers,
/// pins, PWM), and input left.
fn devices(sinks: &[Sink; 3], input: &Arc<Mutex<std::collections::VecDeque<u8>>>) -> [usize; 4] {
    [
        sink_len(&sinks[0]),
        sink_len(&sinks[1]),
        sink_len(&sinks[2]),
        input.lock().unwrap_or_else(PoisonError::into_inner).len(),
    ]
}

/// The `host_calls` fuzz target: a case from `data`, run and checked.
///
/// # Errors
/// Only when `data` cannot be read as a case.
pub fn host_calls(data: &[u8]) -> arbitrary::Result<Report> {
    let case = generate::case(&mut Unstructured::new(data))?;
    Ok(run(&case))
}

/// Runs `case` and checks the oracle (see the module documentation).
///
/// # Panics
/// On a Mote bug: a panic or trap in the host function, an unknown error code, a change to
/// guest memory the function may not make, devices touched by a call that faulted, or a store
/// that no longer works.
pub fn run(case: &Case) -> Report {
    HARNESS.with(|cell| {
        let mut cell = cell.borrow_mut();
        let harness = cell.get_or_insert_with(|| {
            let engine = mote::engine(&mote::Config::default());
            let mut linker = Linker::new(&engine);
            if let Err(e) = mote_platform::add_to_linker(&mut linker, |p: &mut Data| p) {
                panic!("WASI-lite does not link: {e}");
            }
            Harness {
                engine,
                linker,
                modules: HashMap::new(),
            }
        });
        run_in(harness, case)
    })
}

fn run_in(h: &mut Harness, case: &Case) -> Report {
    let f = case.host_fn();
    let shape = case.memory;
    let engine = h.engine.clone();
    let module = h
        .modules
        .entry((case.func, shape.page_size_log2, shape.exported))
        .or_insert_with(|| {
            let wat = guest_wat(f, shape.page_size_log2, shape.exported);
            let wasm = wat::parse_str(&wat).unwrap_or_else(|e| panic!("{e}\n{wat}"));
            Module::new(&engine, &wasm).unwrap_or_else(|e| panic!("{e}\n{wat}"))
        })
        .clone();

    let sinks = [Sink::buffer(), Sink::buffer(), Sink::buffer()];
    let input = Source::bytes(&case.input);
    let Source::Bytes(remaining) = &input else {
        unreachable!("Source::bytes gives a byte source")
    };
    let remaining = remaining.clone();
    let mut board = HostSim::with_io(
        sinks[0].clone(),
        sinks[1].clone(),
        input,
        Some(sinks[2].clone()),
    );
    board.delay.virtual_time = true;
    // Yield mode: `poll_oneoff` never blocks (a plain call ignores the yield request).
    let platform = Platform::new(board, manifest().clone())
        .with_blocking(Blocking::Yield)
        .with_args(case.argv.iter().cloned())
        .with_env(case.env.iter().cloned());
    let mut store = Store::new(&h.engine, platform);
    let ty = MemoryType {
        minimum: u64::from(shape.pages),
        maximum: Some(u64::from(shape.pages)),
        page_size_log2: shape.page_size_log2,
        memory64: false,
        shared: false,
    };
    let memory =
        Memory::new(&mut store, ty).unwrap_or_else(|e| panic!("memory: {e}\n{}", case.describe()));
    let imports: Vec<Extern> = module
        .imports()
        .map(|(m, name, _)| {
            if m == "fuzz" {
                Extern::Memory(memory)
            } else {
                h.linker
                    .get(&mut store, m, name)
                    .unwrap_or_else(|| panic!("{m}.{name} is not linked"))
            }
        })
        .collect();
    let instance = Instance::new(&mut store, &module, &imports)
        .unwrap_or_else(|e| panic!("instantiation: {e}\n{}", case.describe()));

    if case.open && f.handle_kind().is_some() {
        let handle = call_i32(&mut store, instance, "open", &[], case);
        // Without a memory named `memory`, even an empty label is a bad pointer.
        let expected = if shape.exported {
            f.handle_kind().map_or(-1, handle_of)
        } else {
            Errno::FAULT.negated()
        };
        assert!(
            handle == expected,
            "opening the empty label gave {handle}\n{}",
            case.describe()
        );
    }
    let before = case.initial_memory();
    memory.data_mut(&mut store).copy_from_slice(&before);
    let seen = devices(&sinks, &remaining);

    let result = call_i32(&mut store, instance, "call", &case.args, case);

    let error = error_of(f.level(), result, case);
    let changed = check(case, f, &before, memory.data(&store), error, result);
    if error == Some(Errno::FAULT) {
        assert!(
            devices(&sinks, &remaining) == seen,
            "EFAULT, but the devices saw something (stdout, stderr, trace, input left: \
             {seen:?} before, {:?} after)\n{}",
            devices(&sinks, &remaining),
            case.describe()
        );
    }

    // The store still works, and the memory kept its size.
    let pages = call_i32(&mut store, instance, "ping", &[], case);
    assert!(
        i64::from(pages) == i64::from(shape.pages) && memory.data(&store).len() == before.len(),
        "the memory changed size: {pages} pages\n{}",
        case.describe()
    );
    Report {
        name: f.name,
        error: error.map(|e| e.0),
        changed,
    }
}

/// Calls export `name`, which returns one `i32`; a trap or error is a bug.
fn call_i32(
    store: &mut Store<Data>,
    instance: Instance,
    name: &str,
    args: &[Val],
    case: &Case,
) -> i32 {
    let Some(func) = instance.get_func(&*store, name) else {
        panic!("the guest has no export {name}");
    };
    let mut results = [Val::I32(0)];
    if let Err(e) = func.call(&mut *store, args, &mut results) {
        panic!(
            "`{name}` failed instead of returning an error code: {e}\n{}",
            case.describe()
        );
    }
    match results[0] {
        Val::I32(v) => v,
        ref other => panic!("`{name}` returned {other:?}\n{}", case.describe()),
    }
}

/// The error code in `result`, which must be a known one.
fn error_of(level: Level, result: i32, case: &Case) -> Option<Errno> {
    let code = match level {
        Level::Wasi if result == 0 => return None,
        Level::Wasi => result,
        Level::Board if result >= 0 => return None,
        Level::Board => result.checked_neg().unwrap_or(0),
    };
    let errno = u16::try_from(code).ok().map(Errno);
    match errno {
        Some(e) if ERRNOS.contains(&e) => Some(e),
        _ => panic!("unknown result {result}\n{}", case.describe()),
    }
}

/// The offsets of the bytes that differ (compared a block at a time: most calls change few).
fn changed_bytes(before: &[u8], after: &[u8]) -> Vec<u64> {
    const BLOCK: usize = 256;
    let mut changed = Vec::new();
    for (k, (a, b)) in before.chunks(BLOCK).zip(after.chunks(BLOCK)).enumerate() {
        if a != b {
            let base = (k * BLOCK) as u64;
            changed.extend(
                a.iter()
                    .zip(b)
                    .enumerate()
                    .filter(|(_, (x, y))| x != y)
                    .map(|(i, _)| base + i as u64),
            );
        }
    }
    changed
}

/// The oracle on guest memory and the result; returns how many bytes changed.
fn check(
    case: &Case,
    f: &HostFn,
    before: &[u8],
    after: &[u8],
    error: Option<Errno>,
    result: i32,
) -> usize {
    let changed = changed_bytes(before, after);
    if let Some(expected) = f.always_fails_with() {
        assert!(
            error == Some(expected),
            "{} gave {result}, not {expected:?}\n{}",
            f.name,
            case.describe()
        );
    }
    if let Some(e) = error {
        assert!(
            changed.is_empty(),
            "failed with {e:?} but changed {} bytes of guest memory, the first at {:#x}\n{}",
            changed.len(),
            changed[0],
            case.describe()
        );
        return 0;
    }
    let effects = match catalogue::effects(f, &case.args, before, &case.argv, &case.env) {
        Ok(effects) => effects,
        Err(span) => panic!(
            "succeeded ({result}) although it needs [{:#x}, {:#x}), outside the {} bytes of memory\n{}",
            span.start,
            span.end(),
            before.len(),
            case.describe()
        ),
    };
    if let Some(&at) = changed
        .iter()
        .find(|&&at| !effects.writes.iter().any(|s| s.contains(at)))
    {
        panic!(
            "succeeded but changed byte {at:#x}, outside its outputs {:?}\n{}",
            effects.writes,
            case.describe()
        );
    }
    check_value(case, f, result);
    changed.len()
}

/// The value of a successful level-1 call: a granted handle, a byte count, or 0.
fn check_value(case: &Case, f: &HostFn, result: i32) {
    let len = |i: usize| match case.args.get(i) {
        Some(Val::I32(v)) => i64::from(v.cast_unsigned()),
        _ => 0,
    };
    let ok = match f.id {
        catalogue::Id::Open(_) => {
            usize::try_from(result).is_ok_and(|h| h < manifest().grants().len())
        }
        catalogue::Id::UartRead => i64::from(result) <= len(2).min(mote_platform::BOUNCE as i64),
        catalogue::Id::UartWrite => i64::from(result) == len(2),
        _ => result == 0,
    };
    assert!(
        ok,
        "{} succeeded with {result}\n{}",
        f.name,
        case.describe()
    );
}

#[cfg(test)]
mod tests;
