//! `cargo run --release -p mote-benches [--features peers] --bin compare`: measures every
//! engine on every workload in one run and prints the markdown that `docs/performance.md`
//! pastes. Every engine's checksum is checked against native code: a mismatch stops the run
//! with an error, it never becomes a number.
//!
//! Options: `--quick` (fewer runs, for a smoke test).

use std::process::ExitCode;

use mote_benches::Error;
use mote_benches::engines::{self, Runtime, Visitor};
use mote_benches::report::{self, EngineTimes, Sampling};

struct Measure {
    sampling: Sampling,
    results: Vec<EngineTimes>,
    error: Option<Error>,
}

impl Visitor for Measure {
    fn visit<R: Runtime>(&mut self, runtime: &R) {
        if self.error.is_some() {
            return;
        }
        eprintln!("measuring {} ...", runtime.name());
        match report::measure(runtime, self.sampling) {
            Ok(times) => self.results.push(times),
            Err(e) => self.error = Some(e),
        }
    }
}

fn main() -> ExitCode {
    let quick = std::env::args().any(|a| a == "--quick");
    let sampling = if quick {
        Sampling {
            min_runs: 1,
            budget: std::time::Duration::ZERO,
            max_runs: 1,
        }
    } else {
        Sampling::default()
    };
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; run with --release for meaningful numbers");
    }
    let mut measure = Measure {
        sampling,
        results: Vec::new(),
        error: None,
    };
    let created = engines::for_each(&mut measure);
    if let Some(e) = measure.error.or(created.err()) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!("measuring native code ...");
    let native = report::measure_native(sampling);
    let names: Vec<&str> = measure.results.iter().map(|e| e.name).collect();
    println!("{}", report::header(&names));
    println!("{}", report::tables(&native, &measure.results));
    ExitCode::SUCCESS
}
