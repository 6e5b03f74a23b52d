//! Runs a spec bundle read from the host: one `.wast` file at a time, each with a fresh engine
//! and store, with the full runtime (the device decodes, validates, translates and runs every
//! module).
//!
//! What it prints (to the host's standard output, through semihosting) is read by
//! `cargo xtask qemu-spec`: the protocol of `mote_spec_bundle::report`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use mote_core::{Config, Engine, Limits};
use mote_interp::Interpreter;
use mote_spec_bundle::Tally;
use mote_spec_bundle::exec::{DirectLoader, Options};
use mote_spec_bundle::format::{self, File, PayloadKind};
use mote_spec_bundle::report;

use crate::rt::{self, HostFile};

/// The name in reports.
pub const TARGET: &str = "qemu-mps2-an386";

/// The exit status when the bundle cannot be read or the arguments are wrong.
pub const EXIT_USAGE: i32 = 2;

/// The host runner's limits ([`Limits::HOST`]) cut to the machine's 16 MiB heap: the value
/// stack (which grows on demand) to 128 Ki slots (1 MiB) and linear memories to 8 MiB, so that
/// the `assert_exhaustion` checks trap before the heap runs out; call depth as on the host, so
/// recursion exhausts the same way. A check that needs more than this RAM is a device skip with
/// its reason (spec-tests/src/skip.rs, `DEVICE_SKIPS`).
pub const LIMITS: Limits = Limits {
    value_stack_slots: 128 * 1024,
    memory_bytes: 8 * 1024 * 1024,
    table_elements: 1024 * 1024,
    code_bytes: 4 * 1024 * 1024,
    ..Limits::HOST
};

/// What the command line asks for: `PROGRAM BUNDLE [FIRST_FILE]`.
#[derive(Debug)]
pub struct Args {
    /// The bundle's path on the host.
    pub bundle: String,
    /// The index of the first file to run (xtask resumes after a file that crashed).
    pub first: u32,
}

impl Args {
    /// Parses the semihosting command line.
    ///
    /// # Errors
    /// A message with the usage.
    pub fn parse(line: &str) -> Result<Self, String> {
        let usage = "usage: mote-mps2-an386 BUNDLE [FIRST_FILE] (QEMU: -semihosting-config \
                     enable=on,target=native,arg=mote-mps2-an386,arg=BUNDLE)";
        let mut words = line.split_whitespace().skip(1);
        let bundle = words.next().ok_or(usage)?.into();
        let first = match words.next() {
            Some(n) => n
                .parse()
                .map_err(|_| format!("FIRST_FILE is a number: {n}\n{usage}"))?,
            None => 0,
        };
        if words.next().is_some() {
            return Err(usage.into());
        }
        Ok(Self { bundle, first })
    }
}

/// Runs the bundle; returns the exit status: 0 when nothing failed, 1 when something did,
/// [`EXIT_USAGE`] when the bundle could not be read.
pub fn run(args: &Args) -> i32 {
    match run_bundle(args) {
        Ok(total) => i32::from(total.failed > 0),
        Err(message) => {
            rt::print(&format!("@error {message}\n"));
            EXIT_USAGE
        }
    }
}

fn run_bundle(args: &Args) -> Result<Tally, String> {
    let path = &args.bundle;
    let mut bundle = HostFile::open(path)
        .map_err(|errno| format!("cannot open {path} on the host (errno {errno})"))?;
    let mut preamble = [0; format::PREAMBLE_LEN];
    read(&mut bundle, &mut preamble, path)?;
    let header_len = format::read_preamble(&preamble).map_err(|e| format!("{path}: {e}"))?;
    let header_bytes = read_vec(&mut bundle, header_len, path)?;
    let header = format::read_header(&header_bytes).map_err(|e| format!("{path}: {e}"))?;
    if header.payload != PayloadKind::Wasm {
        return Err(format!(
            "{path}: a bundle of compiled images; this firmware validates and translates .wasm \
             itself (write the bundle with --payload wasm)"
        ));
    }
    let mut config = Config::new();
    config.features(header.features).limits(LIMITS);
    rt::print(&report::suite(&header.suite, header.file_count));

    let mut position = format::PREAMBLE_LEN + header_len;
    let mut total = Tally::default();
    for index in 0..header.file_count {
        let mut len = [0; 4];
        read(&mut bundle, &mut len, path)?;
        let len = usize::try_from(u32::from_le_bytes(len)).map_err(|_| "a huge file")?;
        position += 4 + len;
        if index < args.first {
            bundle
                .seek(position)
                .map_err(|errno| format!("{path}: cannot seek (errno {errno})"))?;
            continue;
        }
        let body = read_vec(&mut bundle, len, path)?;
        let mut file = File::parse(&body).map_err(|e| format!("{path}: file {index}: {e}"))?;
        let engine = Engine::new(&config, Interpreter::new());
        let options = Options {
            fuel: None,
            spectest_memory: true,
        };
        let index = usize::try_from(index).map_err(|_| "a huge file index")?;
        let tally = report::run_file(
            index,
            engine,
            options,
            DirectLoader,
            &mut file,
            &mut rt::print,
        )
        .map_err(|message| format!("{path}: {message}"))?;
        total.add(&tally);
    }
    let memory = [
        rt::heap_peak(),
        rt::heap_bytes(),
        rt::stack_peak(),
        rt::stack_bytes(),
    ];
    rt::print(&report::end(&header.suite, TARGET, &total, memory));
    Ok(total)
}

fn read(file: &mut HostFile, buffer: &mut [u8], path: &str) -> Result<(), String> {
    file.read_exact(buffer).map_err(|got| {
        format!(
            "{path}: ends early (wanted {} bytes, got {got})",
            buffer.len()
        )
    })
}

/// `len` bytes from `file`, in a fresh vector (an error, not an abort, when they do not fit).
fn read_vec(file: &mut HostFile, len: usize, path: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(len)
        .map_err(|_| format!("{path}: out of memory for {len} bytes"))?;
    bytes.resize(len, 0);
    read(file, &mut bytes, path)?;
    Ok(bytes)
}
