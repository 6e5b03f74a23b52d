//! What a device prints while it runs a bundle: the lines `cargo xtask qemu-spec` and
//! `cargo xtask qemu-test` read (`xtask/src/qemu_spec.rs`, `parse_report`). Lines that start
//! with `@` are for the tool, the others for people:
//!
//! ```text
//! @suite SUITE FILE_COUNT
//! @file INDEX NAME                              before running file INDEX (0-based)
//! @fail KIND at LINE:COLUMN: MESSAGE            each failure (newlines shown as " | ")
//! @skip KIND at LINE:COLUMN: REASON             each skipped directive
//! ok   NAME: N passed, M failed, K skipped      the file's line, as the host runner prints it
//! @counts INDEX PASSED FAILED SKIPPED IN_TEXT   the file's counts
//! @memory HEAP_PEAK HEAP_BYTES STACK_PEAK STACK_BYTES
//! spec SUITE TARGET: N passed, M failed, K skipped
//! ```

use alloc::format;
use alloc::string::String;

use mote_core::Engine;

use crate::command::Op;
use crate::exec::{Loader, Options, Outcome};
use crate::format::File;
use crate::tally::{self, Tally};

/// `@suite SUITE FILE_COUNT`.
pub fn suite(suite: &str, file_count: u32) -> String {
    format!("@suite {suite} {file_count}\n")
}

/// Runs `file`, the bundle's file `index`, like [`crate::run_file`], and gives `print` its
/// lines as they come: `@file`, every failure and skip, the file's line and `@counts`.
///
/// # Errors
/// As [`crate::run_file`].
pub fn run_file<'a, L: Loader<'a>>(
    index: usize,
    engine: Engine,
    options: Options,
    loader: L,
    file: &mut File<'a>,
    print: &mut dyn FnMut(&str),
) -> Result<Tally, String> {
    print(&format!("@file {index} {}\n", file.name));
    let tally = crate::run_file(engine, options, loader, file, |command, outcome| {
        let (tag, message) = match (outcome, &command.op) {
            (Outcome::Fail(message), _) => ("fail", message.as_str()),
            (Outcome::Skip, Op::Skip(reason)) => ("skip", &**reason),
            _ => return,
        };
        let line = tally::failure(command, message).replace('\n', " | ");
        print(&format!("@{tag} {line}\n"));
    })?;
    print(&format!(
        "{}\n@counts {index} {} {} {} {}\n",
        tally.summary(file.name),
        tally.passed,
        tally.failed,
        tally.skipped,
        tally.passed_in_text
    ));
    Ok(tally)
}

/// `@memory ...` and the total line: the last lines of a run.
pub fn end(
    suite: &str,
    target: &str,
    total: &Tally,
    [heap_peak, heap_bytes, stack_peak, stack_bytes]: [usize; 4],
) -> String {
    format!(
        "@memory {heap_peak} {heap_bytes} {stack_peak} {stack_bytes}\n\
         spec {suite} {target}: {} passed, {} failed, {} skipped\n",
        total.passed, total.failed, total.skipped
    )
}
