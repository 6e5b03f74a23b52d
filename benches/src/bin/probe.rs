//! `cargo run --release -p mote-benches --bin probe -- [--scale F] [WORKLOAD...]`: runs Mote's
//! interpreter once on each named workload (all by default) and prints the wall time of the
//! call, checking the checksum. Meant for profilers and instruction counters (`perf`,
//! `valgrind --tool=callgrind`), where one run of one workload is what you want; the
//! comparison table is the `compare` binary.
//!
//! `--scale F` multiplies each workload's size (a `0.1` keeps callgrind runs short).

use std::process::ExitCode;
use std::time::Instant;

use mote_benches::engines::{Mote, Runtime};
use mote_benches::report::checked_call;
use mote_benches::workloads::{EXECUTE, HOST_CALLS, Workload};

fn main() -> ExitCode {
    let mut scale = 1.0f64;
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--scale" {
            match args.next().and_then(|s| s.parse().ok()) {
                Some(f) if f > 0.0 => scale = f,
                _ => {
                    eprintln!("error: --scale needs a positive number");
                    return ExitCode::FAILURE;
                }
            }
        } else {
            names.push(arg);
        }
    }
    let all: Vec<&Workload> = EXECUTE.iter().chain([&HOST_CALLS]).collect();
    for name in &names {
        if !all.iter().any(|w| w.name == name) {
            let known: Vec<&str> = all.iter().map(|w| w.name).collect();
            eprintln!(
                "error: unknown workload `{name}` (known: {})",
                known.join(", ")
            );
            return ExitCode::FAILURE;
        }
    }
    let mote = Mote::new();
    for workload in all {
        if !names.is_empty() && !names.iter().any(|n| n == workload.name) {
            continue;
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "sizes are small positive numbers"
        )]
        let size = ((f64::from(workload.size) * scale) as i32).max(1);
        let result = mote
            .compile(workload.guest.wasm())
            .and_then(|module| mote.instantiate(&module))
            .and_then(|mut instance| {
                let start = Instant::now();
                checked_call(&mote, &mut instance, workload, size)?;
                Ok(start.elapsed())
            });
        match result {
            Ok(time) => println!(
                "{:<12} {:>10.3} ms",
                workload.name,
                time.as_secs_f64() * 1e3
            ),
            Err(e) => {
                eprintln!("error: {}: {e}", workload.name);
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
