//! `cargo xtask spec-aarch64 [--suite SUITE]... [--engine ENGINE]... [--filter SUBSTR]`: the
//! official spec testsuite on aarch64 Linux, under QEMU user mode.
//!
//! 1. Cross-builds `mote-spec-tests` (release) for `aarch64-unknown-linux-gnu`, linked with
//!    `aarch64-linux-gnu-gcc`. The linker is set here, in the build's environment
//!    (`CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER`, unless the caller set it), and not in a
//!    `.cargo/config.toml`, so no other build depends on the cross toolchain.
//! 2. Runs each suite with each engine under `qemu-aarch64 -L /usr/aarch64-linux-gnu` (directly
//!    on an aarch64 host), printing the runner's failure lines and its summary line.
//!
//! Defaults: the suites `wasm-v1`, `wasm-v2` and `proposals/custom-page-sizes`, the engines
//! `jit` and `interp`. The exit status is 0 only when every run ended with 0 failed and
//! 0 skipped. Needs Debian's `qemu-user`, `gcc-aarch64-linux-gnu` and `libc6-dev-arm64-cross`
//! and the rustup target (listed in `rust-toolchain.toml`).

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use crate::{Error, repo_root};

const USAGE: &str = "usage: cargo xtask spec-aarch64 [--suite SUITE]... [--engine ENGINE]... \
                     [--filter SUBSTR]";

/// The Rust target of the cross build.
const TARGET: &str = "aarch64-unknown-linux-gnu";
/// The C toolchain's driver, used as the linker.
const LINKER: &str = "aarch64-linux-gnu-gcc";
/// The target's libraries (the dynamic loader and libc) for QEMU's `-L`.
const SYSROOT: &str = "/usr/aarch64-linux-gnu";
/// The suites of the check.
const DEFAULT_SUITES: [&str; 3] = ["wasm-v1", "wasm-v2", "proposals/custom-page-sizes"];
/// Both engines.
const DEFAULT_ENGINES: [&str; 2] = ["jit", "interp"];

/// The options.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    suites: Vec<String>,
    engines: Vec<String>,
    filter: Option<String>,
}

fn parse(args: &[String]) -> Result<Options, Error> {
    let mut suites = Vec::new();
    let mut engines = Vec::new();
    let mut filter = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| Error(format!("option `{name}` needs a value\n{USAGE}")))
        };
        match name {
            "--suite" => suites.push(value()?),
            "--engine" => engines.push(value()?),
            "--filter" => filter = Some(value()?),
            _ => {
                return Err(Error(format!(
                    "unknown argument `{arg}` for `spec-aarch64`\n{USAGE}"
                )));
            }
        }
    }
    if suites.is_empty() {
        suites = DEFAULT_SUITES.map(String::from).to_vec();
    }
    if engines.is_empty() {
        engines = DEFAULT_ENGINES.map(String::from).to_vec();
    }
    Ok(Options {
        suites,
        engines,
        filter,
    })
}

/// Whether `program` runs (`--version` succeeds).
fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Builds the runner for aarch64; returns the executable.
fn build() -> Result<PathBuf, Error> {
    let root = repo_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&root).args([
        "build",
        "--release",
        "--locked",
        "-p",
        "mote-spec-tests",
        "--target",
        TARGET,
    ]);
    let linker_var = "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER";
    if std::env::var_os(linker_var).is_none() {
        cmd.env(linker_var, LINKER);
    }
    eprintln!("xtask: building mote-spec-tests for {TARGET}");
    let status = cmd
        .status()
        .map_err(|e| Error(format!("cannot run {}: {e}", Path::new(&cargo).display())))?;
    if !status.success() {
        return Err(Error(format!(
            "the build of mote-spec-tests for {TARGET} failed ({status}); the target comes \
             from rust-toolchain.toml (`rustup toolchain install`)"
        )));
    }
    let target_dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target_dir
        .join(TARGET)
        .join("release")
        .join("mote-spec-tests"))
}

/// The counts of a runner's summary line `spec SUITE ENGINE: N passed, M failed, K skipped`.
fn summary_counts(line: &str) -> Option<[u64; 3]> {
    let rest = line.strip_prefix("spec ")?;
    let (_, counts) = rest.rsplit_once(": ")?;
    let mut out = [0; 3];
    let mut parts = counts.split(", ");
    for (slot, word) in out.iter_mut().zip(["passed", "failed", "skipped"]) {
        let (n, w) = parts.next()?.split_once(' ')?;
        if w != word {
            return None;
        }
        *slot = n.parse().ok()?;
    }
    Some(out)
}

/// Runs one suite with one engine; returns the summary's counts (`None`: no summary, the
/// runner died) after printing every line that is not a passing file.
fn run_one(
    exe: &Path,
    suite: &str,
    engine: &str,
    filter: Option<&str>,
) -> Result<Option<[u64; 3]>, Error> {
    let mut cmd = if cfg!(target_arch = "aarch64") {
        Command::new(exe)
    } else {
        let mut cmd = Command::new("qemu-aarch64");
        cmd.arg("-L").arg(SYSROOT).arg(exe);
        cmd
    };
    cmd.args(["--engine", engine, "--suite", suite]);
    if let Some(filter) = filter {
        cmd.args(["--filter", filter]);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Error(format!("cannot run qemu-aarch64: {e}")))?;
    let mut counts = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| Error(format!("reading the runner's output: {e}")))?;
            if line.starts_with("ok ") {
                continue;
            }
            println!("{line}");
            if let Some(c) = summary_counts(&line) {
                counts = Some(c);
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| Error(format!("waiting for the runner: {e}")))?;
    if !status.success() && counts.is_none_or(|[_, failed, _]| failed == 0) {
        println!("spec {suite} {engine}: the runner exited with {status}");
        return Ok(None);
    }
    Ok(counts)
}

/// Runs the task.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let options = parse(args)?;
    if !runs(LINKER) || (!cfg!(target_arch = "aarch64") && !runs("qemu-aarch64")) {
        return Err(Error(format!(
            "needs {LINKER} and qemu-aarch64: apt-get install qemu-user gcc-aarch64-linux-gnu \
             libc6-dev-arm64-cross"
        )));
    }
    if !cfg!(target_arch = "aarch64") && !Path::new(SYSROOT).join("lib").is_dir() {
        return Err(Error(format!(
            "{SYSROOT}/lib is missing: apt-get install libc6-dev-arm64-cross"
        )));
    }
    let exe = build()?;
    let mut clean = true;
    for suite in &options.suites {
        for engine in &options.engines {
            let start = Instant::now();
            let counts = run_one(&exe, suite, engine, options.filter.as_deref())?;
            println!(
                "  ({engine} {suite} on aarch64: {:.1} s)",
                start.elapsed().as_secs_f64()
            );
            clean &= counts.is_some_and(|[_, failed, skipped]| failed == 0 && skipped == 0);
        }
    }
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options() {
        let o = parse(&[]).unwrap();
        assert_eq!(o.suites, DEFAULT_SUITES.map(String::from).to_vec());
        assert_eq!(o.engines, DEFAULT_ENGINES.map(String::from).to_vec());
        let o = parse(&strings(&[
            "--suite",
            "wasm-v1",
            "--engine=jit",
            "--filter",
            "i32",
        ]))
        .unwrap();
        assert_eq!(o.suites, ["wasm-v1"]);
        assert_eq!(o.engines, ["jit"]);
        assert_eq!(o.filter.as_deref(), Some("i32"));
        assert!(parse(&strings(&["--suite"])).is_err());
        assert!(parse(&strings(&["wasm-v1"])).is_err());
    }

    #[test]
    fn summaries() {
        assert_eq!(
            summary_counts("spec wasm-v1 jit: 19245 passed, 2 failed, 3 skipped"),
            Some([19245, 2, 3])
        );
        assert_eq!(
            summary_counts(
                "spec proposals/custom-page-sizes interp: 207 passed, 0 failed, 0 skipped"
            ),
            Some([207, 0, 0])
        );
        assert_eq!(
            summary_counts("ok   a.wast: 1 passed, 0 failed, 0 skipped"),
            None
        );
        assert_eq!(summary_counts("spec x: 1 passed"), None);
    }
}
