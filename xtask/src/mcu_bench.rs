//! `cargo xtask mcu-bench`: guest instructions of fib(20) and CoreMark on a Cortex-M4F under
//! QEMU (`mps2-an386`, `-icount shift=0`), for Mote, wasmi 2.0 and wasm3, plus Mote's peak
//! heap and stack.
//!
//! Builds the reference firmware `benches/mcu` once per engine (features `bench`,
//! `bench-mote`, `bench-wasmi`, `bench-wasm3`; profile `speed`, opt-level 3 with LTO), each in
//! its own target directory, runs each under QEMU with a timeout, parses its `MCU-BENCH` lines
//! and prints a markdown table. Counting: with `-icount shift=0` every guest instruction is
//! 1 ns of virtual time and SysTick runs from the 25 MHz core clock, so one tick is 40
//! instructions; the firmware's calibration loop of known length checks this on every run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::{Error, repo_root};

const TARGET: &str = "thumbv7em-none-eabihf";
const PROFILE: &str = "speed";
/// Guest instructions per SysTick tick: 1 ns per instruction, a 25 MHz core clock.
pub const INSNS_PER_TICK: u64 = 40;
/// The firmware's calibration loop may differ from `insns` by this many instructions (the
/// timer reads around it and the resolution of one tick).
const CALIBRATION_SLACK: u64 = 200;
/// CoreMark's iterations in the firmware (`benches/mcu/src/bench/mod.rs`), for the table.
const COREMARK_ITERATIONS: u32 = 10;

/// The builds: (engine, cargo features).
const ENGINES: [(&str, &str); 5] = [
    ("native", "bench"),
    ("mote", "bench-mote"),
    ("mote-threaded", "bench-mote-threaded"),
    ("wasmi", "bench-wasmi"),
    ("wasm3", "bench-wasm3"),
];

/// Engines whose errors (not wrong answers) on an app are reported, not failures.
const PEERS: [&str; 2] = ["wasmi", "wasm3"];

/// One `MCU-BENCH engine=.. app=..` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub engine: String,
    pub app: String,
    pub fields: BTreeMap<String, String>,
}

impl Line {
    fn get(&self, key: &str) -> Option<u64> {
        let value = self.fields.get(key)?;
        match value.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => value.parse().ok(),
        }
    }
}

/// What one firmware printed.
#[derive(Debug, Default)]
pub struct Report {
    /// (instructions of the calibration loop, ticks measured).
    pub calibration: Option<(u64, u64)>,
    pub lines: Vec<Line>,
    /// `phase=heap` lines: where an engine's heap beyond linear memory went.
    pub phases: Vec<Line>,
    pub done: Option<bool>,
}

/// Parses the firmware's output; other lines are ignored.
pub fn parse(output: &str) -> Report {
    let mut report = Report::default();
    for line in output.lines() {
        let Some(rest) = line.trim().strip_prefix("MCU-BENCH ") else {
            continue;
        };
        let first = rest.split_whitespace().next().unwrap_or("");
        // `error=` comes last and its value may hold spaces.
        let (rest, error) = match rest.split_once(" error=") {
            Some((before, error)) => (before, Some(error.trim().trim_matches('"'))),
            None => (rest, None),
        };
        let mut fields: BTreeMap<String, String> = rest
            .split_whitespace()
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        if let Some(error) = error {
            fields.insert("error".to_owned(), error.to_owned());
        }
        let num = |k: &str| fields.get(k).and_then(|v| v.parse::<u64>().ok());
        match first {
            "calibrate" => {
                if let (Some(insns), Some(ticks)) = (num("insns"), num("ticks")) {
                    report.calibration = Some((insns, ticks));
                }
            }
            "done" => report.done = Some(fields.get("ok").is_some_and(|v| v == "1")),
            _ => {
                if let (Some(engine), Some(app)) = (fields.get("engine"), fields.get("app")) {
                    let line = Line {
                        engine: engine.clone(),
                        app: app.clone(),
                        fields: fields.clone(),
                    };
                    if fields.contains_key("phase") {
                        report.phases.push(line);
                    } else {
                        report.lines.push(line);
                    }
                }
            }
        }
    }
    report
}

/// `cargo xtask mcu-bench [--timeout SECONDS] [--engines a,b,..]`.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let mut timeout = Duration::from_secs(300);
    let mut engines: Vec<&str> = ENGINES.iter().map(|(e, _)| *e).collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--timeout" => {
                let text = it
                    .next()
                    .ok_or_else(|| Error::new("mcu-bench: --timeout needs seconds"))?;
                let secs: u64 = text.parse().map_err(|_| {
                    Error::new(format!(
                        "mcu-bench: --timeout needs whole seconds, not `{text}`"
                    ))
                })?;
                timeout = Duration::from_secs(secs);
            }
            "--engines" => {
                let list = it
                    .next()
                    .ok_or_else(|| Error::new("mcu-bench: --engines needs a list"))?;
                engines = Vec::new();
                for name in list.split(',') {
                    let known = ENGINES
                        .iter()
                        .find(|(e, _)| *e == name)
                        .ok_or_else(|| Error::new(format!("mcu-bench: unknown engine `{name}`")))?;
                    engines.push(known.0);
                }
            }
            other => return Err(Error::new(format!("mcu-bench: unknown argument `{other}`"))),
        }
    }

    let root = repo_root();
    let work = root.join("target").join("mcu-bench");
    let apps = work.join("apps");
    std::fs::create_dir_all(&apps)
        .map_err(|e| Error::new(format!("cannot create {}: {e}", apps.display())))?;
    write_apps(&root, &work, &apps)?;
    let wasm3_source = if engines.contains(&"wasm3") {
        check_arm_gcc()?;
        Some(wasm3_source(&root)?)
    } else {
        None
    };

    let mut failures = Vec::new();
    let mut lines = Vec::new();
    let mut phases = Vec::new();
    for (engine, features) in ENGINES.iter().filter(|(e, _)| engines.contains(e)) {
        let elf = match build(&root, engine, features, &apps, wasm3_source.as_deref()) {
            Ok(elf) => elf,
            Err(e) => {
                failures.push(format!("{engine}: {e}"));
                continue;
            }
        };
        match run_qemu(&elf, timeout) {
            Ok((status, output)) => {
                let report = parse(&output);
                let mut problems = check(&report, status);
                phases.extend(report.phases);
                if problems.is_empty() {
                    lines.extend(report.lines);
                } else {
                    lines.extend(report.lines);
                    eprintln!("xtask: {engine}'s firmware printed:\n{output}");
                    failures.extend(problems.drain(..).map(|p| format!("{engine}: {p}")));
                }
            }
            Err(e) => failures.push(format!("{engine}: {e}")),
        }
    }

    print!("{}", table(&lines, &qemu_version(), &engines));
    print!("{}", heap_table(&phases));
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for failure in &failures {
        eprintln!("xtask: mcu-bench: FAILED: {failure}");
    }
    Ok(ExitCode::FAILURE)
}

/// What is wrong with a run, if anything.
pub fn check(report: &Report, status: i32) -> Vec<String> {
    let mut problems = Vec::new();
    match report.calibration {
        None => problems.push("no calibration line".to_owned()),
        Some((insns, ticks)) => {
            let measured = ticks * INSNS_PER_TICK;
            if measured.abs_diff(insns) > CALIBRATION_SLACK {
                problems.push(format!(
                    "calibration: {insns} instructions measured as {ticks} ticks ({measured} \
                     instructions at {INSNS_PER_TICK} per tick); is `-icount shift=0` in effect?"
                ));
            }
        }
    }
    for line in &report.lines {
        if let Some(error) = line.fields.get("error") {
            // A peer that cannot run an app is reported in the table, as `compare` does;
            // Mote failing is a failure.
            if !PEERS.contains(&line.engine.as_str()) {
                problems.push(format!("{}: {error}", line.app));
            }
        } else if line.get("ok") != Some(1) {
            problems.push(format!(
                "{}: wrong result {}",
                line.app,
                line.fields.get("result").map_or("?", String::as_str)
            ));
        }
    }
    if report.done.is_none() {
        problems.push("the firmware did not finish (no `MCU-BENCH done` line)".to_owned());
    }
    let peer_errors = report
        .lines
        .iter()
        .any(|l| l.fields.contains_key("error") && PEERS.contains(&l.engine.as_str()));
    if status != 0 && problems.is_empty() && !peer_errors {
        problems.push(format!("QEMU exited with status {status}"));
    }
    problems
}

/// fib as `.wasm` and image, CoreMark (the benchmark guest, built for wasm32) likewise.
fn write_apps(root: &Path, work: &Path, apps: &Path) -> Result<(), Error> {
    let fib_source = root.join("examples").join("fib.wat");
    let fib = wat::parse_file(&fib_source)
        .map_err(|e| Error::new(format!("{}: {e}", fib_source.display())))?;

    let guests = root.join("benches").join("guests");
    let guests_target = work.join("guests");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("xtask: building the coremark guest for wasm32-unknown-unknown");
    let status = Command::new(&cargo)
        .current_dir(&guests)
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "mote-bench-coremark",
        ])
        .arg("--target-dir")
        .arg(&guests_target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo in {}: {e}", guests.display())))?;
    if !status.success() {
        return Err(Error::new(format!(
            "building the coremark guest in {} failed (cargo's output is above)",
            guests.display()
        )));
    }
    let coremark_path = guests_target
        .join("wasm32-unknown-unknown")
        .join("release")
        .join("mote_bench_coremark.wasm");
    let coremark = std::fs::read(&coremark_path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", coremark_path.display())))?;

    let engine = mote_core::Engine::new(
        &mote_core::Config::default(),
        mote_interp::Interpreter::new(),
    );
    for (name, wasm) in [("fib", &fib), ("coremark", &coremark)] {
        let image = mote_interp::image::compile(&engine, wasm)
            .map_err(|e| Error::new(format!("{name}: cannot compile an image: {e}")))?;
        for (ext, bytes) in [("wasm", wasm), ("mimg", &image)] {
            let path = apps.join(format!("{name}.{ext}"));
            std::fs::write(&path, bytes)
                .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
        }
    }
    Ok(())
}

/// wasm3's firmware compiles its C sources with `arm-none-eabi-gcc` against newlib: say which
/// packages are missing before building the other engines' firmware for minutes.
fn check_arm_gcc() -> Result<(), Error> {
    let found = Command::new("arm-none-eabi-gcc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Ok(());
    }
    Err(Error::new(
        "wasm3's firmware needs arm-none-eabi-gcc and newlib: apt-get install \
         gcc-arm-none-eabi libnewlib-arm-none-eabi (or leave wasm3 out: --engines mote,wasmi)",
    ))
}

/// wasm3's C sources: those of the `wasm3-sys` crate that the root workspace locks (the
/// `compare` benchmark's peer), from cargo's registry cache.
fn wasm3_source(root: &Path) -> Result<PathBuf, Error> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| Error::new(format!("cannot read Cargo.lock: {e}")))?;
    let needle = "name = \"wasm3-sys\"\nversion = \"";
    let version = lock
        .find(needle)
        .and_then(|at| lock[at + needle.len()..].split('"').next())
        .ok_or_else(|| Error::new("Cargo.lock has no wasm3-sys"))?;
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or_else(|| Error::new("neither CARGO_HOME nor HOME is set"))?;
    let registry = home.join("registry").join("src");
    let entries = std::fs::read_dir(&registry).map_err(|e| {
        Error::new(format!(
            "cannot read {}: {e}; run `cargo fetch` in the repository",
            registry.display()
        ))
    })?;
    for entry in entries.filter_map(Result::ok) {
        let source = entry
            .path()
            .join(format!("wasm3-sys-{version}"))
            .join("wasm3")
            .join("source");
        if source.join("wasm3.h").is_file() {
            return Ok(source);
        }
    }
    Err(Error::new(format!(
        "wasm3-sys {version}'s sources are not in {}; run `cargo fetch` in the repository",
        registry.display()
    )))
}

/// Builds one engine's firmware; returns its ELF.
fn build(
    root: &Path,
    engine: &str,
    features: &str,
    apps: &Path,
    wasm3: Option<&Path>,
) -> Result<PathBuf, Error> {
    let dir = root.join("benches").join("mcu");
    let target_dir = dir.join("target").join(format!("bench-{engine}"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("xtask: building the {engine} firmware");
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&dir)
        .args([
            "build",
            "--locked",
            "--profile",
            PROFILE,
            "--target",
            TARGET,
        ])
        .args(["--features", features])
        .arg("--target-dir")
        .arg(&target_dir)
        .env("MOTE_BENCH_APPS", apps);
    if let Some(source) = wasm3 {
        cmd.env("MOTE_WASM3_SOURCE", source);
    }
    let status = cmd
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo in {}: {e}", dir.display())))?;
    if !status.success() {
        return Err(Error::new(format!(
            "building the {engine} firmware in {} failed (cargo's output is above)",
            dir.display()
        )));
    }
    Ok(target_dir.join(TARGET).join(PROFILE).join("mote-mcu-bench"))
}

/// The QEMU command line of a run.
pub fn qemu_args(elf: &Path) -> Vec<String> {
    [
        "-M",
        "mps2-an386",
        "-nographic",
        "-icount",
        "shift=0",
        "-semihosting-config",
        "enable=on,target=native",
        "-kernel",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([elf.display().to_string()])
    .collect()
}

/// Runs the firmware; returns QEMU's exit status and its output.
fn run_qemu(elf: &Path, timeout: Duration) -> Result<(i32, String), Error> {
    let out_path = elf.with_extension("out");
    let out = std::fs::File::create(&out_path)
        .map_err(|e| Error::new(format!("cannot create {}: {e}", out_path.display())))?;
    eprintln!("xtask: qemu-system-arm {}", qemu_args(elf).join(" "));
    let mut child = Command::new("qemu-system-arm")
        .args(qemu_args(elf))
        .stdin(Stdio::null())
        .stdout(out)
        .spawn()
        .map_err(|e| {
            Error::new(format!(
                "cannot run qemu-system-arm: {e} (install it with the apt line in docs/boards.md)"
            ))
        })?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(Error::new(format!("waiting for QEMU: {e}"))),
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::new(format!(
                "QEMU running {} did not exit within {} s",
                elf.display(),
                timeout.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = std::fs::read_to_string(&out_path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", out_path.display())))?;
    let status = status
        .code()
        .ok_or_else(|| Error::new(format!("QEMU was stopped by a signal ({status})")))?;
    Ok((status, output))
}

fn qemu_version() -> String {
    Command::new("qemu-system-arm")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The markdown report.
pub fn table(lines: &[Line], qemu: &str, engines: &[&str]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "- machine: QEMU `mps2-an386` (Cortex-M4F), `-icount shift=0`; {qemu}"
    );
    let _ = writeln!(
        s,
        "- counting: SysTick on the 25 MHz core clock = 1 tick per {INSNS_PER_TICK} guest \
         instructions (resolution {INSNS_PER_TICK}); checked by a calibration loop each run"
    );
    let _ = writeln!(
        s,
        "- firmware: benches/mcu, profile `speed` (opt-level 3, LTO), one build per engine; \
         apps: fib_recursive(20) and fib(100000) (`fib-loop`, iterative) of examples/fib.wat, \
         CoreMark ({COREMARK_ITERATIONS} iterations, the `coremark` benchmark guest, with its \
         setup)"
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "| app | engine | run: guest instructions | vs wasm3 | vs native | load + instantiate: instructions |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|");
    let insns = |engine: &str, app: &str, key: &str| {
        lines
            .iter()
            .find(|l| l.engine == engine && l.app == app)
            .and_then(|l| l.get(key))
            .map(|t| t * INSNS_PER_TICK)
    };
    for app in ["fib", "fib-loop", "coremark"] {
        for (engine, _) in ENGINES.iter().filter(|(e, _)| engines.contains(e)) {
            let engine = *engine;
            if let Some(error) = lines
                .iter()
                .find(|l| l.engine == engine && l.app == app)
                .and_then(|l| l.fields.get("error"))
            {
                let _ = writeln!(s, "| {app} | {engine} | fails: {error} | | | |");
                continue;
            }
            let Some(run) = insns(engine, app, "run_ticks") else {
                if engine != "native" || app == "fib" {
                    let _ = writeln!(s, "| {app} | {engine} | not run | | | |");
                }
                continue;
            };
            let ratio = |base: Option<u64>| {
                base.filter(|b| *b > 0)
                    .map_or_else(String::new, |b| format!("{:.2}x", run as f64 / b as f64))
            };
            let load = if engine == "native" {
                "-".to_owned()
            } else {
                insns(engine, app, "load_ticks").map_or_else(String::new, thousands)
            };
            let _ = writeln!(
                s,
                "| {app} | {engine} | {} | {} | {} | {load} |",
                thousands(run),
                ratio(insns("wasm3", app, "run_ticks")),
                ratio(insns("native", app, "run_ticks")),
            );
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "RAM per app, bytes. Heap: the peak over load and run, and what is live after the run \
         with the instance still alive; the guest's linear memory is part of both. Stack: the \
         main stack's peak from the top of RAM (with the benchmark's own frames, about 0.7 KB \
         with native fib), and the engine's part of it (below the benchmark's frame). Beyond \
         memory: heap less linear memory, plus the engine's stack."
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "| app | engine | linear memory | heap peak | heap live | stack peak | engine stack | beyond memory, live | beyond memory, peak |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for app in ["fib", "fib-loop", "coremark"] {
        for line in lines
            .iter()
            .filter(|l| l.app == app && l.engine != "native")
        {
            let (Some(peak), Some(live), Some(memory), Some(stack), Some(engine_stack)) = (
                line.get("heap_peak"),
                line.get("heap_live"),
                line.get("memory"),
                line.get("stack_peak"),
                line.get("engine_stack"),
            ) else {
                continue;
            };
            let _ = writeln!(
                s,
                "| {app} | {} | {} | {} | {} | {} | {} | {} | {} |",
                line.engine,
                thousands(memory),
                thousands(peak),
                thousands(live),
                thousands(stack),
                thousands(engine_stack),
                thousands(live.saturating_sub(memory) + engine_stack),
                thousands(peak.saturating_sub(memory) + engine_stack)
            );
        }
    }
    s
}

/// Where Mote's heap beyond linear memory goes, per app (empty without `phase=heap` lines).
pub fn heap_table(phases: &[Line]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    if phases.is_empty() {
        return s;
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Heap beyond linear memory by phase, bytes: what loading the module keeps (with the \
         engine), what the store and instance add (linear memory excluded), and what the call \
         adds (the execution context's value and frame stacks; memory growth excluded)."
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "| app | engine | module | store + instance | call | total |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|");
    for line in phases {
        let (Some(module), Some(instance), Some(call)) =
            (line.get("module"), line.get("instance"), line.get("call"))
        else {
            continue;
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            line.app,
            line.engine,
            thousands(module),
            thousands(instance),
            thousands(call),
            thousands(module + instance + call)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
MCU-BENCH calibrate insns=2000000 ticks=50001
MCU-BENCH engine=mote app=fib phase=heap module=500 instance=700 call=1800
MCU-BENCH engine=mote app=fib load_ticks=100 run_ticks=200000 result=0x1a6d ok=1 heap_peak=3000 heap_after=0 memory=0 stack_peak=900
noise
MCU-BENCH engine=mote app=coremark error=\"call\"
MCU-BENCH engine=wasm3 app=coremark error=\"unknown value_type\"
MCU-BENCH done ok=0
";

    #[test]
    fn lines_are_parsed() {
        let report = parse(OUTPUT);
        assert_eq!(report.calibration, Some((2_000_000, 50_001)));
        assert_eq!(report.done, Some(false));
        assert_eq!(report.lines.len(), 3);
        assert_eq!(
            report.lines[2].fields.get("error").map(String::as_str),
            Some("unknown value_type")
        );
        assert_eq!(report.lines[0].get("result"), Some(6765));
        assert_eq!(report.lines[0].get("run_ticks"), Some(200_000));
        let problems = check(&report, 1);
        assert_eq!(problems, vec!["coremark: call".to_owned()]);
        assert_eq!(report.phases.len(), 1);
        assert!(
            heap_table(&report.phases).contains("| fib | mote | 500 | 700 | 1,800 | 3,000 |"),
            "{}",
            heap_table(&report.phases)
        );
    }

    #[test]
    fn bad_calibration_and_missing_end_fail() {
        let report = parse("MCU-BENCH calibrate insns=2000000 ticks=10\n");
        let problems = check(&report, 0);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn table_has_ratios() {
        let out = "\
MCU-BENCH engine=native app=fib load_ticks=0 run_ticks=100 result=0x1a6d ok=1 heap_peak=0 heap_after=0 memory=0 stack_peak=100
MCU-BENCH engine=wasm3 app=fib load_ticks=10 run_ticks=400 result=0x1a6d ok=1 heap_peak=0 heap_after=0 memory=0 stack_peak=100
MCU-BENCH engine=mote app=fib load_ticks=10 run_ticks=200 result=0x1a6d ok=1 heap_peak=5000 heap_live=3000 heap_after=0 memory=1000 stack_peak=1000 engine_stack=600
";
        let t = table(&parse(out).lines, "QEMU 7.2", &["native", "mote", "wasm3"]);
        assert!(
            t.contains("| fib | mote | 8,000 | 0.50x | 2.00x | 400 |"),
            "{t}"
        );
        assert!(
            t.contains("| fib | mote | 1,000 | 5,000 | 3,000 | 1,000 | 600 | 2,600 | 4,600 |"),
            "{t}"
        );
    }
}
