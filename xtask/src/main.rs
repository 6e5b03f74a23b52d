//! `cargo xtask`: the project's tasks that are more than one cargo command.
//!
//! Each subcommand lives in its own module and is dispatched from [`main`]; add a new one as
//! a module with a `run(args) -> Result<ExitCode, Error>` function, a line in [`USAGE`] and an
//! arm in [`dispatch`]. Errors are [`Error`] values with a message that says what failed and
//! on which file or command; nothing here panics on bad input.

mod boards;
mod defmt_log;
mod mcu_bench;
mod qemu;
mod qemu_spec;
mod qemu_test;
mod qmp;
mod size;
mod spec_aarch64;

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask COMMAND [ARGS...]

Commands:
  qemu BOARD (APP.wasm | APP.mimg | --selftest) [--on-device-translate] [--sensor-temp C]
          [--trace-gpio] [--large-ram] [--timeout SECONDS]
      Compile APP.wasm to an image with BOARD's engine configuration (or take a compiled
      APP.mimg), build BOARD's firmware with it embedded, boot it in QEMU, print what the app
      writes to the UART, and exit with the app's exit status. --on-device-translate embeds
      the .wasm in the firmware that validates and translates it on the device instead.
      --selftest runs the board's drivers' self-test instead of an app. --sensor-temp sets
      the temperature of the board's TMP105 (degrees Celsius) before the app starts;
      --trace-gpio prints QEMU's trace of the GPIO outputs to stderr afterwards. --large-ram
      links the firmware for, and boots QEMU with, more RAM than the chip has (microbit: 32
      KiB instead of 16, to measure apps that need more). Quit an app that does not end
      with Ctrl-A x.
  qemu-test BOARD [--strict]
      Check BOARD under QEMU: the drivers' self-test (sensor temperature over QMP, UART
      output, LED toggles in QEMU's GPIO trace), then the example apps thermometer.wasm (or
      hello.wasm on microbit and sifive_e) and blink.wasm from compiled images in the chip's
      RAM (with the RAM the firmware reports using), and thermometer.wasm translated on the
      device where the firmware can. Prints one line per check and a summary. An app whose
      firmware does not fit in flash is skipped; with --strict it fails, except on-device
      translation (a known gap while it does not fit). Running out of RAM fails.
  qemu-spec BOARD --suite SUITE [--filter SUBSTR] [--verbose] [--timeout SECONDS]
      Run the official spec testsuite on the device: build BOARD's spec firmware (mps2-an386:
      the full runtime), write SUITE (wasm-v1, wasm-v2, proposals/NAME, ...) as a spec bundle,
      boot QEMU, which reads the bundle from the host through semihosting, and print one line
      per .wast file, then `spec SUITE qemu-BOARD: N passed, M failed, K skipped`. A file that
      crashes the firmware or makes no progress for --timeout seconds (default 120) counts as
      failed, and QEMU boots again from the next file. --verbose prints every failure. Exits
      non-zero when a directive failed.
  size [--no-budgets]
      Build the reference firmware benches/mcu for thumbv7em-none-eabihf (opt-level z, LTO)
      without a runtime, with the executor only (a compiled image) and with the full
      runtime; print `<build>: text=N rodata=N data=N bss=N flash_over_baseline=N
      ram_over_baseline=N` for each, and fail when a build exceeds its flash budget over the
      baseline (executor 32768, full 196608) unless --no-budgets.
  mcu-bench [--engines native,mote,wasmi,wasm3] [--timeout SECONDS]
      Build the reference firmware benches/mcu once per engine (opt-level 3, LTO), run
      fib(20) and CoreMark under QEMU mps2-an386 with -icount shift=0, and print a markdown
      table of guest instructions per engine (with ratios to wasm3 and native) and Mote's
      peak heap and stack. Fails on a wrong result, a timeout (default 300 s per run) or a
      failed build. wasm3 needs arm-none-eabi-gcc and newlib (Debian gcc-arm-none-eabi,
      libnewlib-arm-none-eabi) and wasm3-sys in cargo's cache (`cargo fetch`).
  spec-aarch64 [--suite SUITE]... [--engine ENGINE]... [--filter SUBSTR]
      Cross-build mote-spec-tests for aarch64-unknown-linux-gnu (linker aarch64-linux-gnu-gcc,
      set for this build only) and run each SUITE (default: wasm-v1, wasm-v2,
      proposals/custom-page-sizes) with each ENGINE (default: jit, interp) under
      `qemu-aarch64 -L /usr/aarch64-linux-gnu`. Prints failures, each run's summary and time.
      Exits non-zero unless every run has 0 failed and 0 skipped. Needs qemu-user,
      gcc-aarch64-linux-gnu and libc6-dev-arm64-cross (Debian).
  help
      Print this text.

Boards: lm3s6965evb (QEMU `lm3s6965evb`; install QEMU with the apt line in docs/boards.md).
QEMU boards for qemu and qemu-test: lm3s6965evb, microbit, sifive_e; for qemu-spec: mps2-an386.";

/// A task failure: the message says what failed, and where.
#[derive(Debug)]
pub struct Error(pub String);

impl Error {
    /// An error with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The repository root (the parent of this crate's directory).
pub fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.clone(), PathBuf::from)
}

fn dispatch(args: &[String]) -> Result<ExitCode, Error> {
    match args.first().map(String::as_str) {
        Some("qemu") => qemu::run(&args[1..]),
        Some("qemu-test") => qemu_test::run(&args[1..]),
        Some("qemu-spec") => qemu_spec::run(&args[1..]),
        Some("size") => size::run(&args[1..]),
        Some("mcu-bench") => mcu_bench::run(&args[1..]),
        Some("spec-aarch64") => spec_aarch64::run(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(Error(format!("unknown command `{other}`\n\n{USAGE}"))),
        None => Err(Error(format!("no command given\n\n{USAGE}"))),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = match std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect::<Result<_, _>>()
    {
        Ok(args) => args,
        Err(bad) => {
            eprintln!("xtask: argument {bad:?} is not valid UTF-8");
            return ExitCode::from(2);
        }
    };
    match dispatch(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
