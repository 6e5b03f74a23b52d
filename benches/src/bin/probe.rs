//! `cargo run --release -p mote-benches --bin probe -- [--scale F] [WORKLOAD...]`: runs Mote's
//! interpreter once on each named workload (all by default) and prints the wall time of the
//! call, checking the checksum. Meant for profilers and instruction counters (`perf`,
//! `valgrind --tool=callgrind`), where one run of one workload is what you want; the
//! comparison table is the `compare` binary.
//!
//! `--scale F` multiplies each workload's size (a `0.1` keeps callgrind runs short).
//! `--warm` makes a first, untimed call (memory growth and lazy compilation happen there, as
//! in `compare`). `--engine NAME` picks another engine: `mote` (default), `mote-jit`, and with the `peers`
//! feature `wasmi`, `wasm3`, `wasmtime`. `--compile N` measures compilation instead: each
//! guest module (`kernels`, `deflate`, `coremark`) is compiled N times and the median time and
//! throughput are printed.

use std::process::ExitCode;
use std::time::Instant;

use mote_benches::engines::{Mote, Runtime};
#[cfg(feature = "peers")]
use mote_benches::engines::{Wasm3, Wasmi, Wasmtime};
use mote_benches::report::checked_call;
use mote_benches::workloads::{EXECUTE, Guest, HOST_CALLS, Workload};

fn main() -> ExitCode {
    let mut scale = 1.0f64;
    let mut warm = false;
    let mut engine = String::from("mote");
    let mut compile_runs = 0usize;
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
        } else if arg == "--compile" {
            match args.next().and_then(|s| s.parse().ok()) {
                Some(n) if n > 0 => compile_runs = n,
                _ => {
                    eprintln!("error: --compile needs a positive number of runs");
                    return ExitCode::FAILURE;
                }
            }
        } else if arg == "--warm" {
            warm = true;
        } else if arg == "--engine" {
            match args.next() {
                Some(name) => engine = name,
                None => {
                    eprintln!("error: --engine needs a name");
                    return ExitCode::FAILURE;
                }
            }
        } else {
            names.push(arg);
        }
    }
    if compile_runs > 0 {
        let result = match engine.as_str() {
            "mote" => compile(&Mote::new(), compile_runs),
            #[cfg(target_pointer_width = "64")]
            "mote-jit" => Mote::jit().and_then(|jit| compile(&jit, compile_runs)),
            #[cfg(feature = "peers")]
            "wasmi" => compile(&Wasmi::new(), compile_runs),
            other => {
                eprintln!("error: unknown or unavailable engine `{other}` for --compile");
                return ExitCode::FAILURE;
            }
        };
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
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
    let selected: Vec<&Workload> = all
        .into_iter()
        .filter(|w| names.is_empty() || names.iter().any(|n| n == w.name))
        .collect();
    let result = match engine.as_str() {
        "mote" => run(&Mote::new(), &selected, scale, warm),
        #[cfg(target_pointer_width = "64")]
        "mote-jit" => Mote::jit().and_then(|jit| run(&jit, &selected, scale, warm)),
        #[cfg(feature = "peers")]
        "wasmi" => run(&Wasmi::new(), &selected, scale, warm),
        #[cfg(feature = "peers")]
        "wasm3" => Wasm3::new().and_then(|e| run(&e, &selected, scale, warm)),
        #[cfg(feature = "peers")]
        "wasmtime" => Wasmtime::new().and_then(|e| run(&e, &selected, scale, warm)),
        other => {
            eprintln!("error: unknown or unavailable engine `{other}`");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Compiles each guest module `runs` times on `runtime` and prints the median.
fn compile<R: Runtime>(runtime: &R, runs: usize) -> Result<(), mote_benches::Error> {
    for guest in Guest::ALL {
        let wasm = guest.wasm();
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let module = runtime.compile(wasm)?;
            times.push(start.elapsed());
            drop(module);
        }
        times.sort();
        let median = times[runs / 2].as_secs_f64();
        println!(
            "{:<12} {:>8} bytes {:>10.3} ms {:>8.1} MB/s",
            guest.name(),
            wasm.len(),
            median * 1e3,
            wasm.len() as f64 / median / 1e6
        );
    }
    Ok(())
}

/// Runs each workload once on `runtime` and prints the time of the call.
fn run<R: Runtime>(
    runtime: &R,
    workloads: &[&Workload],
    scale: f64,
    warm: bool,
) -> Result<(), mote_benches::Error> {
    for workload in workloads {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "sizes are small positive numbers"
        )]
        let size = ((f64::from(workload.size) * scale) as i32).max(1);
        let module = runtime.compile(workload.guest.wasm())?;
        let mut instance = runtime.instantiate(&module)?;
        if warm {
            // As `compare` does: memory growth and lazy compilation happen outside the timing.
            checked_call(runtime, &mut instance, workload, size)?;
        }
        let start = Instant::now();
        checked_call(runtime, &mut instance, workload, size)?;
        let time = start.elapsed();
        println!(
            "{:<12} {:>10.3} ms",
            workload.name,
            time.as_secs_f64() * 1e3
        );
    }
    Ok(())
}
