//! The `mote` command-line tool: runs, validates and compiles WebAssembly modules.
//!
//! See [`args::USAGE`] for the commands. Errors and traps exit with status 1, usage errors
//! with status 2; a guest that calls `proc_exit` exits with its status.

mod args;
mod run;
mod values;

use std::process::ExitCode;

use args::Command;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The command line is wrong: print the message and the usage hint, exit with 2.
    Usage(String),
    /// An error or a trap: print the message, exit with 1.
    Error(String),
    /// The guest asked to exit with this status.
    Exit(i32),
}

fn main() -> ExitCode {
    let result = match args::parse(std::env::args_os().skip(1)) {
        Ok(Command::Help) => {
            println!("{}", args::USAGE);
            Ok(())
        }
        Ok(Command::Version) => {
            println!("mote {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Ok(Command::Run(opts)) => run::run(&opts),
        Ok(Command::Validate { file }) => run::validate(&file),
        Ok(Command::Disas { file }) => run::disas(&file),
        Ok(Command::Compile {
            file,
            output,
            fuel,
            debug_info,
        }) => run::compile(&file, &output, fuel, debug_info),
        Err(args::UsageError(message)) => Err(Failure::Usage(message)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("mote: {message}\n{}", args::SYNOPSIS);
            ExitCode::from(2)
        }
        Err(Failure::Error(message)) => {
            eprintln!("mote: error: {message}");
            ExitCode::FAILURE
        }
        // Exit statuses are one byte on most systems; keep the low byte, as a shell would.
        Err(Failure::Exit(code)) => ExitCode::from(code.to_le_bytes()[0]),
    }
}
