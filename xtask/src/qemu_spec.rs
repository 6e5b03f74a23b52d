//! `cargo xtask qemu-spec BOARD --suite SUITE [--filter SUBSTR] [--verbose] [--timeout SECONDS]`:
//! the official spec testsuite on the device, under QEMU.
//!
//! 1. Builds the board's spec firmware (release), which knows nothing of the suite.
//! 2. Writes the suite as a spec bundle on the host (`mote-spec-tests --write-bundle`, with the
//!    board's entries of the device skip list) into `BOARD/target/spec-bundles/`.
//! 3. Boots QEMU with the bundle's path on the semihosting command line; the firmware reads the
//!    bundle through semihosting file I/O, runs each file and reports it (the protocol is in
//!    `boards/mps2-an386/src/spec.rs`). One line per `.wast` file is printed as it comes.
//! 4. If the firmware dies inside a file (a panic, a fault, or no progress for `--timeout`
//!    seconds), that file counts one failure, and QEMU boots again from the next file.
//!
//! The last line is `spec SUITE qemu-BOARD: N passed, M failed, K skipped`; the exit status is
//! 0 only when nothing failed.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::boards::{self, SpecBoard};
use crate::{Error, repo_root};

const USAGE: &str = "usage: cargo xtask qemu-spec BOARD --suite SUITE [--filter SUBSTR] \
                     [--verbose] [--timeout SECONDS]";

/// How long one file may run without the firmware printing anything (the slowest takes
/// about a second).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// The options.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    board: &'static SpecBoard,
    suite: String,
    filter: Option<String>,
    verbose: bool,
    timeout: Duration,
}

fn parse(args: &[String]) -> Result<Options, Error> {
    let mut board = None;
    let mut suite = None;
    let mut filter = None;
    let mut verbose = false;
    let mut timeout = DEFAULT_TIMEOUT;
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
            "--suite" => suite = Some(value()?),
            "--filter" => filter = Some(value()?),
            "--timeout" => {
                let text = value()?;
                let seconds = text.parse::<u64>().ok().filter(|&s| s > 0).ok_or_else(|| {
                    Error(format!(
                        "option `--timeout` needs whole seconds, not `{text}`"
                    ))
                })?;
                timeout = Duration::from_secs(seconds);
            }
            "--verbose" | "-v" if inline.is_none() => verbose = true,
            flag if flag.starts_with('-') => {
                return Err(Error(format!(
                    "unknown option `{arg}` for `qemu-spec`\n{USAGE}"
                )));
            }
            _ if board.is_none() => board = Some(arg.clone()),
            _ => return Err(Error::new(USAGE)),
        }
    }
    let (Some(board), Some(suite)) = (board, suite) else {
        return Err(Error::new(USAGE));
    };
    Ok(Options {
        board: boards::find_spec(&board)?,
        suite,
        filter,
        verbose,
        timeout,
    })
}

/// One line of the firmware's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// `@suite SUITE FILE_COUNT`.
    Suite { name: String, files: u32 },
    /// `@file INDEX NAME`: file INDEX starts.
    File { index: u32, name: String },
    /// `@fail ...`: a failure in the current file.
    Fail(String),
    /// `@skip ...`: a skipped directive, with the reason.
    Skip(String),
    /// `@counts INDEX PASSED FAILED SKIPPED IN_TEXT`: file INDEX is done.
    Counts { index: u32, counts: Counts },
    /// `@memory HEAP_PEAK HEAP_BYTES STACK_PEAK STACK_BYTES`.
    Memory([u64; 4]),
    /// `@panic ...`, `@fault ...` or `@error ...`: the firmware stops.
    Fatal(String),
    /// Anything else: for people (the file lines, the firmware's own total).
    Text(String),
}

/// Counts of directives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passed.
    pub passed: u64,
    /// Failed.
    pub failed: u64,
    /// Skipped.
    pub skipped: u64,
    /// Of the passed, decided by the host's text encoder.
    pub in_text: u64,
}

impl Counts {
    /// Adds `other`.
    pub fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.in_text += other.in_text;
    }
}

/// Reads one line of the firmware's report.
pub fn parse_report(line: &str) -> Report {
    let line = line.trim_end();
    let text = || Report::Text(line.to_owned());
    let Some(rest) = line.strip_prefix('@') else {
        return text();
    };
    let (tag, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let numbers = |rest: &str| -> Option<Vec<u64>> {
        rest.split_whitespace().map(|w| w.parse().ok()).collect()
    };
    match tag {
        "suite" => rest
            .rsplit_once(' ')
            .and_then(|(name, files)| {
                Some(Report::Suite {
                    name: name.to_owned(),
                    files: files.parse().ok()?,
                })
            })
            .unwrap_or_else(text),
        "file" => rest
            .split_once(' ')
            .and_then(|(index, name)| {
                Some(Report::File {
                    index: index.parse().ok()?,
                    name: name.to_owned(),
                })
            })
            .unwrap_or_else(text),
        "fail" => Report::Fail(rest.to_owned()),
        "skip" => Report::Skip(rest.to_owned()),
        "counts" => match numbers(rest).as_deref() {
            Some(&[index, passed, failed, skipped, in_text]) => match u32::try_from(index) {
                Ok(index) => Report::Counts {
                    index,
                    counts: Counts {
                        passed,
                        failed,
                        skipped,
                        in_text,
                    },
                },
                Err(_) => text(),
            },
            _ => text(),
        },
        "memory" => match numbers(rest).as_deref() {
            Some(&[a, b, c, d]) => Report::Memory([a, b, c, d]),
            _ => text(),
        },
        "panic" | "fault" | "error" => Report::Fatal(line.to_owned()),
        _ => text(),
    }
}

/// What a run of the suite gave.
#[derive(Debug, Default)]
struct Run {
    total: Counts,
    files: u32,
    /// Files that crashed the firmware (each counted as failed once).
    crashed: Vec<String>,
    memory: Option<[u64; 4]>,
}

/// How one boot ended.
enum Boot {
    /// The firmware went through the last file.
    Finished,
    /// It died in file `index`: resume after it.
    Crashed { index: u32 },
}

/// `cargo xtask qemu-spec ...`.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let opts = parse(args)?;
    let board = opts.board;
    let started = Instant::now();
    let elf = build(board)?;
    let selection = Selection {
        filter: opts.filter.as_deref(),
        ..Selection::default()
    };
    let bundle = write_bundle(
        board.dir,
        board.name,
        &opts.suite,
        &bundle_name(&opts),
        selection,
    )?;
    eprintln!(
        "xtask: built {} and wrote {} in {:.1} s",
        elf.display(),
        bundle.display(),
        started.elapsed().as_secs_f64()
    );

    let running = Instant::now();
    let mut run = Run::default();
    let mut first = 0;
    let mut suite = opts.suite.clone();
    loop {
        match boot(&opts, &elf, &bundle, first, &mut run, &mut suite)? {
            Boot::Finished => break,
            Boot::Crashed { index } => first = index + 1,
        }
        if first >= run.files {
            break;
        }
        eprintln!("xtask: booting again from file {first}");
    }

    let total = run.total;
    println!(
        "{} of the passed checks are text modules that the host's text encoder rejects \
         (assert_malformed of `module quote`), decided when the bundle is written, as on the \
         host runner",
        total.in_text
    );
    if !run.crashed.is_empty() {
        println!(
            "files that crashed the firmware: {}",
            run.crashed.join(", ")
        );
    }
    if let Some([heap_peak, heap, stack_peak, stack]) = run.memory {
        println!(
            "device memory: heap peak {heap_peak} of {heap} bytes, main stack peak {stack_peak} \
             of {stack} bytes; {:.1} s under QEMU",
            running.elapsed().as_secs_f64()
        );
    }
    println!(
        "spec {suite} {}: {} passed, {} failed, {} skipped",
        board.report_name, total.passed, total.failed, total.skipped
    );
    Ok(if total.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Builds the firmware in release; returns the ELF file.
fn build(board: &SpecBoard) -> Result<PathBuf, Error> {
    let dir = repo_root().join(board.dir);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = dir.join("target");
    eprintln!("xtask: building {}", board.dir);
    let status = Command::new(&cargo)
        .current_dir(&dir)
        .args(["build", "--release", "--locked", "--target", board.target])
        .arg("--target-dir")
        .arg(&target_dir)
        .args(["--bin", board.bin])
        .status()
        .map_err(|e| Error(format!("cannot run cargo in {}: {e}", dir.display())))?;
    if !status.success() {
        return Err(Error(format!(
            "building the firmware in {} failed ({status})",
            dir.display()
        )));
    }
    Ok(target_dir
        .join(board.target)
        .join("release")
        .join(board.bin))
}

/// Which files of a suite go into a bundle, and as what.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection<'a> {
    /// Files whose name contains this.
    pub filter: Option<&'a str>,
    /// Only these files (all when empty).
    pub files: &'a [&'a str],
    /// Compiled images (`--payload images`) instead of `.wasm`.
    pub images: bool,
}

/// Writes `suite` as a spec bundle for board `board` (its entries of the device skip list)
/// with `mote-spec-tests --write-bundle`, into `BOARD_DIR/target/spec-bundles/NAME.motespec`;
/// returns its path.
pub fn write_bundle(
    board_dir: &str,
    board: &str,
    suite: &str,
    name: &str,
    selection: Selection<'_>,
) -> Result<PathBuf, Error> {
    let root = repo_root();
    let dir = root.join(board_dir).join("target").join("spec-bundles");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(format!("{name}.motespec"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&root)
        .args([
            "run",
            "--release",
            "-q",
            "--locked",
            "-p",
            "mote-spec-tests",
            "--",
        ])
        .arg("--write-bundle")
        .arg(&path)
        .args(["--suite", suite, "--board", board]);
    if let Some(filter) = selection.filter {
        cmd.args(["--filter", filter]);
    }
    if !selection.files.is_empty() {
        cmd.arg("--files").arg(selection.files.join(","));
    }
    if selection.images {
        cmd.args(["--payload", "images"]);
    }
    let output = cmd
        .output()
        .map_err(|e| Error(format!("cannot run mote-spec-tests: {e}")))?;
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        return Err(Error(format!(
            "writing the bundle failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stdout).trim()
        )));
    }
    Ok(path)
}

/// The bundle's file name for `opts`: the suite and the filter, as a file name.
fn bundle_name(opts: &Options) -> String {
    let mut name = opts.suite.replace('/', "-");
    if let Some(filter) = &opts.filter {
        name.push('-');
        name.extend(
            filter
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '_' }),
        );
    }
    name
}

/// Kills QEMU when dropped.
struct Qemu(Child);

impl Drop for Qemu {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Boots the firmware on the bundle from file `first`, printing the file lines as they come
/// and counting into `run`.
fn boot(
    opts: &Options,
    elf: &Path,
    bundle: &Path,
    first: u32,
    run: &mut Run,
    suite: &mut String,
) -> Result<Boot, Error> {
    let board = opts.board;
    let bundle = bundle
        .to_str()
        .filter(|p| !p.contains([',', ' ']))
        .ok_or_else(|| {
            Error(format!(
                "{}: the firmware takes the path on a semihosting command line, which cannot \
                 hold commas, spaces or non-UTF-8",
                bundle.display()
            ))
        })?;
    let mut child = Command::new(board.qemu)
        .args([
            "-M",
            board.machine,
            "-nographic",
            "-monitor",
            "none",
            "-serial",
            "none",
        ])
        .arg("-semihosting-config")
        .arg(format!(
            "enable=on,target=native,arg={},arg={bundle},arg={first}",
            board.bin
        ))
        .arg("-kernel")
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error(format!(
                "cannot run `{}`: {e} (install QEMU: see docs/boards.md)",
                board.qemu
            ))
        })?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::new("QEMU's stdout is not piped"))?;
    let mut qemu = Qemu(child);
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });

    // The file that has started and not ended, with the failures seen in it.
    let mut current: Option<(u32, String, u64)> = None;
    let mut fatal = None;
    loop {
        let line = match lines.recv_timeout(opts.timeout) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = qemu.0.kill();
                fatal = Some(format!(
                    "no progress for {} s (killed)",
                    opts.timeout.as_secs()
                ));
                break;
            }
        };
        match parse_report(&line) {
            Report::Suite { name, files } => {
                *suite = name;
                run.files = files;
            }
            Report::File { index, name } => current = Some((index, name, 0)),
            Report::Fail(failure) => {
                if let Some((_, name, failures)) = &mut current {
                    *failures += 1;
                    if opts.verbose {
                        println!("    {name}: {failure}");
                    }
                }
            }
            // Skips are few and each has a reason worth seeing.
            Report::Skip(skip) => {
                let name = current.as_ref().map_or("", |(_, name, _)| name.as_str());
                println!("    skipped {name}: {skip}");
            }
            Report::Counts { counts, .. } => {
                run.total.add(counts);
                current = None;
            }
            Report::Memory(memory) => run.memory = Some(memory),
            Report::Fatal(message) => fatal = Some(message),
            // The firmware's total covers this boot only; the total is printed at the end.
            Report::Text(text) if text.starts_with("spec ") => {}
            Report::Text(text) => println!("{text}"),
        }
    }
    let status = qemu
        .0
        .wait()
        .map_err(|e| Error(format!("waiting for QEMU: {e}")))?;
    drop(qemu);
    match current {
        None if fatal.is_none() && matches!(status.code(), Some(0 | 1)) => Ok(Boot::Finished),
        Some((index, name, failures)) => {
            let why = fatal.unwrap_or_else(|| format!("QEMU ended ({status})"));
            println!("FAIL {name}: crashed the firmware: {why}");
            run.total.add(Counts {
                failed: failures + 1,
                ..Counts::default()
            });
            run.crashed.push(name);
            Ok(Boot::Crashed { index })
        }
        None => Err(Error(format!(
            "the firmware stopped outside a file ({status}): {}",
            fatal.unwrap_or_default()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|&a| a.to_owned()).collect()
    }

    #[test]
    fn options() {
        let opts = parse(&strings(&["mps2-an386", "--suite", "wasm-v1"])).expect("valid");
        assert_eq!(opts.board.name, "mps2-an386");
        assert_eq!(opts.suite, "wasm-v1");
        assert_eq!(opts.timeout, DEFAULT_TIMEOUT);
        let opts = parse(&strings(&[
            "mps2-an386",
            "--suite=proposals/custom-page-sizes",
            "--filter",
            "binary",
            "--verbose",
            "--timeout",
            "5",
        ]))
        .expect("valid");
        assert_eq!(opts.filter.as_deref(), Some("binary"));
        assert!(opts.verbose);
        assert_eq!(opts.timeout, Duration::from_secs(5));
        for bad in [
            &["mps2-an386"][..],
            &["--suite", "wasm-v1"],
            &["nosuchboard", "--suite", "wasm-v1"],
            &["mps2-an386", "--suite", "wasm-v1", "--timeout", "0"],
            &["mps2-an386", "--suite", "wasm-v1", "--bogus"],
            &["mps2-an386", "extra", "--suite", "wasm-v1"],
        ] {
            assert!(parse(&strings(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reports() {
        assert_eq!(
            parse_report("@suite proposals/custom-page-sizes 5"),
            Report::Suite {
                name: "proposals/custom-page-sizes".into(),
                files: 5
            }
        );
        assert_eq!(
            parse_report("@file 3 memory_max.wast\r"),
            Report::File {
                index: 3,
                name: "memory_max.wast".into()
            }
        );
        assert_eq!(
            parse_report("@counts 3 6 1 2 0"),
            Report::Counts {
                index: 3,
                counts: Counts {
                    passed: 6,
                    failed: 1,
                    skipped: 2,
                    in_text: 0
                }
            }
        );
        assert_eq!(
            parse_report("@fail assert_return at 3:4: expected [i32:2], got [i32:1]"),
            Report::Fail("assert_return at 3:4: expected [i32:2], got [i32:1]".into())
        );
        assert_eq!(
            parse_report("@memory 1 2 3 4"),
            Report::Memory([1, 2, 3, 4])
        );
        assert!(matches!(
            parse_report("@panic panicked at x"),
            Report::Fatal(_)
        ));
        assert!(matches!(parse_report("@counts 1 2"), Report::Text(_)));
        assert_eq!(
            parse_report("ok   a.wast: 1 passed, 0 failed, 0 skipped"),
            Report::Text("ok   a.wast: 1 passed, 0 failed, 0 skipped".into())
        );
    }
}
