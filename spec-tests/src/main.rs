//! `mote-spec-tests`: runs the official WebAssembly testsuite against a Mote engine.
//!
//! `cargo run --release -p mote-spec-tests -- --engine interp --suite wasm-v2`; `--help` for
//! the options.

use std::process::ExitCode;

use mote_spec_tests::cli::{self, Command};

fn main() -> ExitCode {
    let (options, verbose) = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Run { options, verbose }) => (options, verbose),
        Ok(Command::WriteBundle { options, path }) => return write_bundle(&options, &path),
        Ok(Command::Help) => {
            println!("{}", cli::usage());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{}", cli::usage());
            return ExitCode::from(2);
        }
    };

    let report = mote_spec_tests::run(&options, |file| {
        if verbose {
            println!("{} ({} ms)", file.summary(), file.elapsed.as_millis());
        } else {
            println!("{}", file.summary());
        }
        if verbose {
            for failure in &file.failures {
                println!("    {}", indent(&failure.to_string()));
            }
            for note in &file.notes {
                println!("    note: {}", indent(&note.to_string()));
            }
        }
    });

    if report.files.is_empty() {
        eprintln!(
            "error: no .wast file of {} matches --filter {:?}",
            report.suite,
            options.filter.as_deref().unwrap_or_default()
        );
        return ExitCode::from(2);
    }
    for skip in &report.stale_skips {
        println!(
            "warning: stale skip-list entry (matched nothing), remove it from spec-tests/src/skip.rs: {skip:?}"
        );
    }
    println!("{}", report.summary_line());
    if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `--write-bundle`: writes the bundle and says what it holds.
fn write_bundle(
    options: &mote_spec_tests::bundle::BundleOptions,
    path: &std::path::Path,
) -> ExitCode {
    let written = match mote_spec_tests::bundle::write(options) {
        Ok(written) => written,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    for entry in &written.stale_device_skips {
        eprintln!(
            "warning: stale device skip-list entry (matched nothing), remove it from spec-tests/src/skip.rs: {entry:?}"
        );
    }
    let bytes = written.bytes;
    if let Err(e) = std::fs::write(path, &bytes) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {} ({} bytes, suite {})",
        path.display(),
        bytes.len(),
        options.suite
    );
    ExitCode::SUCCESS
}

/// Indents the continuation lines of a multi-line message.
fn indent(text: &str) -> String {
    text.replace('\n', "\n      ")
}
