//! Measurements of the `compare` binary and their markdown: medians of several runs, the
//! ratio of each engine to the reference (wasmi when the peers are built, else native code),
//! and the geometric mean of the ratios.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::Error;
use crate::engines::Runtime;
use crate::workloads::{EXECUTE, Guest, HOST_CALLS, Workload};

/// How many times to repeat a measurement.
#[derive(Debug, Clone, Copy)]
pub struct Sampling {
    /// At least this many runs...
    pub min_runs: usize,
    /// ...and more until they took this long in total...
    pub budget: Duration,
    /// ...but never more than this many.
    pub max_runs: usize,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            min_runs: 5,
            budget: Duration::from_millis(1000),
            max_runs: 25,
        }
    }
}

/// Runs `f` as `sampling` says and returns the median time.
///
/// # Errors
/// The first error of `f`.
pub fn median(
    sampling: Sampling,
    mut f: impl FnMut() -> Result<(), Error>,
) -> Result<Duration, Error> {
    let mut times = Vec::new();
    let mut total = Duration::ZERO;
    while times.len() < sampling.max_runs
        && (times.len() < sampling.min_runs || total < sampling.budget)
    {
        let start = Instant::now();
        f()?;
        let time = start.elapsed();
        total += time;
        times.push(time);
    }
    times.sort_unstable();
    Ok(times.get(times.len() / 2).copied().unwrap_or_default())
}

/// A measured time, or why the engine could not run the step (not a wrong answer: those
/// stop the run).
pub type Cell = Result<Duration, String>;

/// One engine's results.
#[derive(Debug, Clone)]
pub struct EngineTimes {
    /// The engine's column name.
    pub name: &'static str,
    /// Compile time per guest module, in [`Guest::ALL`] order.
    pub compile: Vec<Cell>,
    /// Instantiation time per guest module, in [`Guest::ALL`] order.
    pub instantiate: Vec<Cell>,
    /// Execution time per workload of [`EXECUTE`], in order.
    pub execute: Vec<Cell>,
    /// Time of [`HOST_CALLS`].
    pub host_calls: Cell,
}

/// Keeps a failure as a cell, but passes a checksum mismatch on as an error.
fn cell(result: Result<Duration, Error>) -> Result<Cell, Error> {
    match result {
        Ok(time) => Ok(Ok(time)),
        Err(Error::Failed(message)) => Ok(Err(message)),
        Err(mismatch @ Error::Mismatch(_)) => Err(mismatch),
    }
}

/// Calls `workload` and checks its checksum against the native one.
///
/// # Errors
/// When the call fails or the checksum differs.
pub fn checked_call<R: Runtime>(
    runtime: &R,
    instance: &mut R::Instance,
    workload: &Workload,
    size: i32,
) -> Result<(), Error> {
    let got = runtime.call(instance, workload.export, size)?;
    let want = workload.expected(size);
    if got == want {
        Ok(())
    } else {
        Err(Error::Mismatch(format!(
            "{}: {}({size}) returned checksum {got:#x}, native code computes {want:#x}",
            runtime.name(),
            workload.export
        )))
    }
}

/// Measures one engine on every guest and workload, checking every checksum. A step the
/// engine cannot do becomes a failed [`Cell`].
///
/// # Errors
/// When a checksum differs from native code's.
pub fn measure<R: Runtime>(runtime: &R, sampling: Sampling) -> Result<EngineTimes, Error> {
    let mut times = EngineTimes {
        name: runtime.name(),
        compile: Vec::new(),
        instantiate: Vec::new(),
        execute: Vec::new(),
        host_calls: Ok(Duration::ZERO),
    };
    let mut modules = Vec::new();
    for guest in Guest::ALL {
        times.compile.push(cell(median(sampling, || {
            runtime.compile(guest.wasm()).map(drop)
        }))?);
        let module = runtime.compile(guest.wasm());
        let instantiate = match &module {
            Ok(module) => median(sampling, || runtime.instantiate(module).map(drop)),
            Err(e) => Err(e.clone()),
        };
        times.instantiate.push(cell(instantiate)?);
        modules.push((guest, module));
    }
    let run = |workload: &Workload| -> Result<Duration, Error> {
        let module = modules
            .iter()
            .find(|(guest, _)| *guest == workload.guest)
            .map(|(_, module)| module)
            .ok_or_else(|| Error::Failed(format!("no module for {}", workload.name)))?
            .as_ref()
            .map_err(Clone::clone)?;
        let mut instance = runtime.instantiate(module)?;
        // A first run outside the measurement: lazy compilation and memory growth happen here.
        checked_call(runtime, &mut instance, workload, workload.size)?;
        median(sampling, || {
            checked_call(runtime, &mut instance, workload, workload.size)
        })
    };
    for workload in &EXECUTE {
        times.execute.push(cell(run(workload))?);
    }
    times.host_calls = cell(run(&HOST_CALLS))?;
    Ok(times)
}

/// Native execution times of [`EXECUTE`] and then [`HOST_CALLS`] (the guests linked into this
/// binary and compiled for the host).
pub fn measure_native(sampling: Sampling) -> Vec<Duration> {
    EXECUTE
        .iter()
        .chain([&HOST_CALLS])
        .map(|w| {
            let size = u32::try_from(w.size).unwrap_or(0);
            median(sampling, || {
                black_box((w.native)(black_box(size)));
                Ok(())
            })
            .unwrap_or_default()
        })
        .collect()
}

/// The header of a run: date, machine, compiler, versions, how the guests were built.
pub fn header(engines: &[&str]) -> String {
    let mut out = String::new();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|model| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let threads = std::thread::available_parallelism().map_or(0, usize::from);
    out += &format!("- date: {} (UTC)\n", utc_now());
    out += &format!(
        "- machine: {cpu}, {threads} logical CPUs, {}\n",
        std::env::consts::ARCH
    );
    out += &format!("- compiler: {}\n", env!("MOTE_BENCHES_RUSTC"));
    let mut versions = vec![format!("mote {} (interpreter)", env!("CARGO_PKG_VERSION"))];
    if engines.contains(&"wasmi") {
        versions.push(format!(
            "wasmi {} (eager translation)",
            env!("MOTE_BENCHES_VERSION_WASMI")
        ));
    }
    if engines.contains(&"wasm3") {
        versions.push(format!(
            "wasm3 {} (wasm3-sys {})",
            env!("MOTE_BENCHES_VERSION_WASM3"),
            env!("MOTE_BENCHES_VERSION_WASM3_SYS")
        ));
    }
    if engines.contains(&"wasmtime") {
        versions.push(format!(
            "wasmtime {} (Cranelift)",
            env!("MOTE_BENCHES_VERSION_WASMTIME")
        ));
    }
    if engines.contains(&"wasmtime-winch") {
        versions.push(format!(
            "wasmtime {} (Winch)",
            env!("MOTE_BENCHES_VERSION_WASMTIME")
        ));
    }
    out += &format!("- engines: {}\n", versions.join(", "));
    out += &format!(
        "- guests: Rust for wasm32-unknown-unknown, opt-level 3, LTO; coremark {}, miniz_oxide {}; \
         sizes: {}\n",
        env!("MOTE_BENCHES_VERSION_COREMARK"),
        env!("MOTE_BENCHES_VERSION_MINIZ_OXIDE"),
        Guest::ALL
            .map(|g| format!("{} {} bytes", g.name(), g.wasm().len()))
            .join(", ")
    );
    out
}

/// The tables of a run: execution (with ratios and geomean), compile, instantiate, host calls.
///
/// `native` comes from [`measure_native`]; the ratio column is relative to wasmi when it was
/// measured, else to native code. A failed cell shows a footnote with the engine's message;
/// each geomean is over the rows where both the engine and the reference ran.
pub fn tables(native: &[Duration], engines: &[EngineTimes]) -> String {
    let reference = engines.iter().position(|e| e.name == "wasmi");
    let reference_name = reference.map_or("native", |i| engines[i].name);
    let mut notes: Vec<String> = Vec::new();
    let mut out = String::new();

    out += &format!(
        "### Execution time (median; in parentheses: time relative to {reference_name})\n\n"
    );
    out += &table_head("| workload | native |", engines, "|---|---:|");
    let mut logs: Vec<(f64, usize)> = vec![(0.0, 0); engines.len() + 1];
    for (row, workload) in EXECUTE.iter().enumerate() {
        let native_cell: Cell = native.get(row).copied().ok_or_else(String::new);
        let base = match reference {
            Some(i) => engines[i].execute[row].clone(),
            None => native_cell.clone(),
        };
        out += &format!("| {workload} |");
        let cells =
            std::iter::once(native_cell).chain(engines.iter().map(|e| e.execute[row].clone()));
        for (column, time) in cells.enumerate() {
            match (&time, &base) {
                (Ok(time), Ok(base)) => {
                    let ratio = ratio(*time, *base);
                    logs[column].0 += ratio.ln();
                    logs[column].1 += 1;
                    out += &format!(" {} ({ratio:.2}x) |", millis(*time));
                }
                (Ok(time), Err(_)) => out += &format!(" {} |", millis(*time)),
                (Err(message), _) => out += &format!(" {} |", note(&mut notes, message)),
            }
        }
        out += "\n";
    }
    out += &format!("| **geomean vs {reference_name}** |");
    for &(sum, n) in &logs {
        if n == 0 {
            out += " - |";
        } else if n == EXECUTE.len() {
            out += &format!(" **{:.2}x** |", (sum / n as f64).exp());
        } else {
            out += &format!(
                " **{:.2}x** ({n} of {}) |",
                (sum / n as f64).exp(),
                EXECUTE.len()
            );
        }
    }
    out += "\n\n";

    out += "### Compile (validate and translate) and instantiate, median\n\n";
    out += &table_head("| module | bytes | step |", engines, "|---|---:|---|");
    for (i, guest) in Guest::ALL.iter().enumerate() {
        let bytes = guest.wasm().len();
        out += &format!("| {} | {bytes} | compile |", guest.name());
        for engine in engines {
            out += &match &engine.compile[i] {
                Ok(time) => {
                    let mb_per_s = bytes as f64 / time.as_secs_f64().max(1e-9) / 1e6;
                    format!(" {} ({mb_per_s:.0} MB/s) |", millis(*time))
                }
                Err(message) => format!(" {} |", note(&mut notes, message)),
            };
        }
        out += &format!("\n| {} | | instantiate |", guest.name());
        for engine in engines {
            out += &match &engine.instantiate[i] {
                Ok(time) => format!(" {} |", millis(*time)),
                Err(message) => format!(" {} |", note(&mut notes, message)),
            };
        }
        out += "\n";
    }
    out += "\n";

    out += &format!(
        "### Host calls: a guest loop making {} calls of `bench.host_mix`, median time per call\n\n",
        HOST_CALLS.size
    );
    out += &table_head("| native |", engines, "|---:|");
    out += "|";
    let calls = f64::from(HOST_CALLS.size.max(1));
    let native_cell: Cell = native.get(EXECUTE.len()).copied().ok_or_else(String::new);
    for time in std::iter::once(native_cell).chain(engines.iter().map(|e| e.host_calls.clone())) {
        out += &match time {
            Ok(time) => format!(" {:.1} ns |", time.as_secs_f64() * 1e9 / calls),
            Err(message) => format!(" {} |", note(&mut notes, &message)),
        };
    }
    out += "\n";
    if !notes.is_empty() {
        out += "\nFailures (the engine could not run the step; no wrong answers):\n\n";
        for (i, message) in notes.iter().enumerate() {
            out += &format!("{}. {message}\n", i + 1);
        }
    }
    out
}

/// `start` followed by one column per engine, then the separator row `rule` + one per engine.
fn table_head(start: &str, engines: &[EngineTimes], rule: &str) -> String {
    let mut out = start.to_owned();
    for engine in engines {
        out += &format!(" {} |", engine.name);
    }
    out += "\n";
    out += rule;
    out += &"---:|".repeat(engines.len());
    out += "\n";
    out
}

/// A footnote marker for `message`, numbered in order of first use.
fn note(notes: &mut Vec<String>, message: &str) -> String {
    let index = match notes.iter().position(|m| m == message) {
        Some(index) => index,
        None => {
            notes.push(message.to_owned());
            notes.len() - 1
        }
    };
    format!("fails ({})", index + 1)
}

fn ratio(time: Duration, base: Duration) -> f64 {
    time.as_secs_f64() / base.as_secs_f64().max(1e-12)
}

fn millis(time: Duration) -> String {
    let ms = time.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.3} ms")
    }
}

/// The current UTC time as `YYYY-MM-DD HH:MM`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let (hour, minute) = (secs % 86_400 / 3600, secs % 3600 / 60);
    // Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
}
