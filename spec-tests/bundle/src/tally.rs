//! Counting the outcomes of one file's commands, the way every report shows them.

use alloc::format;
use alloc::string::String;

use mote_core::Engine;

use crate::command::Command;
use crate::exec::{Executor, Loader, Options, Outcome};
use crate::format::{File, FormatError};

/// The counts of one file, and its first failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Commands that passed.
    pub passed: u32,
    /// Of those, the ones decided by the host's text encoder ([`Outcome::PassInText`]).
    pub passed_in_text: u32,
    /// Commands that failed.
    pub failed: u32,
    /// Commands skipped.
    pub skipped: u32,
    /// The first failure: `kind at line:column: message`.
    pub first_failure: Option<String>,
}

impl Tally {
    /// Counts `outcome` of `command`.
    pub fn record(&mut self, command: &Command<'_>, outcome: &Outcome) {
        match outcome {
            Outcome::Pass | Outcome::PassWithNote(_) => self.passed += 1,
            Outcome::PassInText => {
                self.passed += 1;
                self.passed_in_text += 1;
            }
            Outcome::Skip => self.skipped += 1,
            Outcome::Fail(message) => {
                self.failed += 1;
                if self.first_failure.is_none() {
                    self.first_failure = Some(failure(command, message));
                }
            }
        }
    }

    /// Adds another file's counts (for a suite's total).
    pub fn add(&mut self, other: &Tally) {
        self.passed += other.passed;
        self.passed_in_text += other.passed_in_text;
        self.failed += other.failed;
        self.skipped += other.skipped;
        if self.first_failure.is_none() {
            self.first_failure.clone_from(&other.first_failure);
        }
    }

    /// One line, as the host runner prints it: `ok  ` or `FAIL`, the name, the counts and the
    /// first line of the first failure.
    pub fn summary(&self, name: &str) -> String {
        let status = if self.failed == 0 { "ok  " } else { "FAIL" };
        let mut line = format!(
            "{status} {name}: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        );
        if let Some(first) = &self.first_failure {
            line.push_str("; first failure: ");
            line.push_str(first.lines().next().unwrap_or_default());
        }
        line
    }
}

/// `kind at line:column: message`, as reports show a failure.
pub fn failure(command: &Command<'_>, message: &str) -> String {
    format!(
        "{} at {}:{}: {message}",
        command.kind.name(),
        command.line,
        command.column
    )
}

/// Runs every command of `file` on `engine` with a fresh [`Executor`], calling `each` with
/// every command and its outcome (to print failures as they happen), and returns the counts.
///
/// # Errors
/// When the file's commands are malformed (the commands before the bad one have run), or the
/// `spectest` module cannot be made (a message).
pub fn run_file<'a, L: Loader<'a>>(
    engine: Engine,
    options: Options,
    loader: L,
    file: &mut File<'a>,
    mut each: impl FnMut(&Command<'a>, &Outcome),
) -> Result<Tally, String> {
    let mut executor = Executor::new(engine, options, loader)?;
    let mut tally = Tally::default();
    while let Some(command) = file.next_command() {
        let command = command.map_err(|e: FormatError| format!("{}: {e}", file.name))?;
        let outcome = executor.run(&command);
        each(&command, &outcome);
        tally.record(&command, &outcome);
        // The command (and what it borrowed) is dropped before the next is read.
    }
    Ok(tally)
}
