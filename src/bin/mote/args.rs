//! Command-line parsing, by hand: the tool has few options, and every dependency costs build time.
//!
//! Grammar:
//! ```text
//! mote run [OPTIONS] FILE [ARGS...]     (options may also follow FILE; `--` ends options)
//! mote validate FILE
//! mote disas FILE
//! mote compile [--fuel] [--no-debug-info] FILE [-o OUT]
//! mote help | --help | -h
//! mote --version | -V
//! ```
//! Options take their value as the next argument or after `=` (`--fuel 100`, `--fuel=100`).
//! Before FILE, an argument starting with `-` must be an option; after it, one with a single `-`
//! is a guest argument, so that negative numbers pass through (`mote run f.wat --invoke neg -5`).

use std::ffi::OsString;
use std::path::PathBuf;

/// The short usage text, printed after usage errors.
pub const SYNOPSIS: &str = "\
Usage: mote run [OPTIONS] FILE [ARGS...]
       mote validate FILE
       mote disas FILE
       mote compile [--fuel] [--no-debug-info] FILE [-o OUT]
       mote help | --version
Run `mote help` for the options.";

/// The full usage text, printed by `mote help`.
pub const USAGE: &str = "\
Mote: a WebAssembly runtime for constrained IoT hardware

Usage:
  mote run [OPTIONS] FILE [ARGS...]   Run a .wasm or .wat module
  mote validate FILE                  Check that a module is valid, without running it
  mote disas FILE                     Print the interpreter code that FILE translates to, one
                                      instruction per line (to see what the translator made)
  mote compile [OPTIONS] FILE [-o OUT]
                                      Translate a module into a compiled image (.mimg) that
                                      devices run in place from flash (default OUT: FILE
                                      with the extension .mimg). `--fuel`: meter fuel;
                                      `--no-debug-info`: drop instruction offsets (a third
                                      smaller; traps then name the function only)
  mote help                           Print this help
  mote --version                      Print the version

FILE is a binary module (starting with \\0asm), a module in the text format, or (for `run`)
a compiled image from `mote compile`. An image runs only with the fuel setting it was
compiled with: compile with `--fuel` to run it with `--fuel N`.

`run` calls the export `_start` when the module has one and no --invoke is given, otherwise
the export named by --invoke, passing ARGS converted to the function's parameter types:
i32/i64 in decimal or 0x-hexadecimal, f32/f64 in decimal (also `nan`, `inf`, `-inf`).
Each result is printed on its own line. For `_start`, ARGS are the guest's command-line
arguments (after FILE as argv[0]).

Modules run on the host-sim board: WASI-lite level 0 (`wasi_snapshot_preview1`: console,
clocks, random, args, environment, exit) and level 1 (`mote:board`: pins `led`, `button`,
`gpio2`..`gpio7`, I2C bus `i2c0` with a TMP105 sensor at 0x48, SPI EEPROM `spi0`, `uart0` on
stdin/stdout, `pwm0`). See docs/wasi-lite.md.

Options for `run`:
  --invoke NAME        Call the exported function NAME
  --engine ENGINE      Run with `interp` (the default) or `jit` (Cranelift, 64-bit hosts)
  --fuel N             Enable fuel metering and stop with an error after N units
  --max-memory BYTES   Limit each linear memory to BYTES bytes (memory.grow returns -1)
  --env KEY=VALUE      Add KEY=VALUE to the guest's environment (repeatable)
  --trace              Print the host-sim board's pin changes and bus transfers to stderr
  --sensor-temp C      Set the temperature of the board's TMP105 sensor (degrees Celsius)
  -h, --help           Print this help

Exit status: 0 on success, 1 on an error or a trap, 2 on a usage error.";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// Print the usage text.
    Help,
    /// Print the version.
    Version,
    /// Run a module.
    Run(RunOptions),
    /// Validate a module.
    Validate {
        /// The module file.
        file: PathBuf,
    },
    /// Print the interpreter code of a module.
    Disas {
        /// The module file.
        file: PathBuf,
    },
    /// Compile a module to an image.
    Compile {
        /// The module file.
        file: PathBuf,
        /// Where to write the image.
        output: PathBuf,
        /// Compile with fuel metering.
        fuel: bool,
        /// Keep the byte offsets of instructions (trap locations, backtraces).
        debug_info: bool,
    },
}

/// Options of `mote run`.
#[derive(Debug, Default, PartialEq)]
pub struct RunOptions {
    /// The module file.
    pub file: PathBuf,
    /// The export to call instead of `_start`.
    pub invoke: Option<String>,
    /// Run with the JIT instead of the interpreter.
    pub jit: bool,
    /// Fuel to give the store; `None` leaves fuel metering off.
    pub fuel: Option<u64>,
    /// The most bytes one linear memory may have.
    pub max_memory: Option<u64>,
    /// Arguments for the called function, still as text.
    pub args: Vec<String>,
    /// `KEY=VALUE` strings for the guest's environment.
    pub env: Vec<String>,
    /// Print the board's activity to stderr.
    pub trace: bool,
    /// The TMP105's temperature in degrees Celsius.
    pub sensor_temp: Option<f64>,
}

/// A usage error: what is wrong with the command line.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

fn usage(message: impl Into<String>) -> UsageError {
    UsageError(message.into())
}

fn utf8(arg: OsString) -> Result<String, UsageError> {
    arg.into_string()
        .map_err(|arg| usage(format!("argument {arg:?} is not valid UTF-8")))
}

/// Parses the arguments after the program name.
///
/// # Errors
/// A [`UsageError`] for an unknown command or option, a missing or extra operand, or an option
/// value that is missing or not a number.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut args = args.into_iter();
    let Some(command) = args.next() else {
        return Err(usage("no command given"));
    };
    match utf8(command)?.as_str() {
        "run" => parse_run(args),
        "validate" => parse_file_only("validate", args, |file| Command::Validate { file }),
        "disas" => parse_file_only("disas", args, |file| Command::Disas { file }),
        "compile" => parse_compile(args),
        "help" | "--help" | "-h" => Ok(Command::Help),
        "--version" | "-V" => Ok(Command::Version),
        other if other.starts_with('-') => Err(usage(format!("unknown option `{other}`"))),
        other => Err(usage(format!("unknown command `{other}`"))),
    }
}

/// A command (`validate`, `disas`) whose one operand is FILE and which takes no options.
fn parse_file_only(
    command: &str,
    args: impl Iterator<Item = OsString>,
    make: fn(PathBuf) -> Command,
) -> Result<Command, UsageError> {
    let mut file = None;
    let mut options_done = false;
    for arg in args {
        let text = arg.to_str();
        if !options_done {
            match text {
                Some("-h" | "--help") => return Ok(Command::Help),
                Some("--") => {
                    options_done = true;
                    continue;
                }
                Some(flag) if flag.starts_with('-') && flag.len() > 1 => {
                    return Err(usage(format!("unknown option `{flag}` for `{command}`")));
                }
                _ => {}
            }
        }
        if file.is_some() {
            return Err(usage(format!("`{command}` takes exactly one FILE")));
        }
        file = Some(PathBuf::from(arg));
    }
    file.map(make)
        .ok_or_else(|| usage(format!("`{command}` needs a FILE")))
}

fn parse_compile(mut args: impl Iterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut file = None;
    let mut output = None;
    let mut fuel = false;
    let mut debug_info = true;
    let mut options_done = false;
    while let Some(arg) = args.next() {
        if !options_done {
            match arg.to_str() {
                Some("-h" | "--help") => return Ok(Command::Help),
                Some("--no-debug-info") => {
                    debug_info = false;
                    continue;
                }
                Some("--") => {
                    options_done = true;
                    continue;
                }
                Some("--fuel") => {
                    fuel = true;
                    continue;
                }
                Some("-o" | "--output") => {
                    let value = args
                        .next()
                        .ok_or_else(|| usage("option `-o` needs a value"))?;
                    output = Some(PathBuf::from(value));
                    continue;
                }
                Some(flag) if flag.starts_with("--output=") => {
                    output = Some(PathBuf::from(&flag["--output=".len()..]));
                    continue;
                }
                Some(flag) if flag.starts_with('-') && flag.len() > 1 => {
                    return Err(usage(format!("unknown option `{flag}` for `compile`")));
                }
                _ => {}
            }
        }
        if file.is_some() {
            return Err(usage("`compile` takes exactly one FILE"));
        }
        file = Some(PathBuf::from(arg));
    }
    let file: PathBuf = file.ok_or_else(|| usage("`compile` needs a FILE"))?;
    let output = output.unwrap_or_else(|| file.with_extension("mimg"));
    Ok(Command::Compile {
        file,
        output,
        fuel,
        debug_info,
    })
}

fn parse_run(mut args: impl Iterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut opts = RunOptions::default();
    let mut file: Option<PathBuf> = None;
    let mut options_done = false;
    while let Some(arg) = args.next() {
        let text = arg.to_str().map(str::to_owned);
        let is_option = !options_done
            && text.as_deref().is_some_and(|t| {
                t.starts_with("--") || (t.starts_with('-') && t.len() > 1 && file.is_none())
            });
        if !is_option {
            match file {
                None => file = Some(PathBuf::from(arg)),
                Some(_) => opts.args.push(utf8(arg)?),
            }
            continue;
        }
        let text = text.unwrap_or_default();
        let (name, inline) = match text.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (text.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, UsageError> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => match args.next() {
                    Some(v) => utf8(v),
                    None => Err(usage(format!("option `{name}` needs a value"))),
                },
            }
        };
        match name {
            "--" if inline.is_none() => options_done = true,
            "--trace" if inline.is_none() => opts.trace = true,
            "--env" => {
                let pair = value(name)?;
                if !pair.contains('=') {
                    return Err(usage(format!(
                        "option `--env` needs KEY=VALUE, not `{pair}`"
                    )));
                }
                opts.env.push(pair);
            }
            "--sensor-temp" => {
                let text = value(name)?;
                let celsius: f64 = text
                    .parse()
                    .ok()
                    .filter(|c: &f64| c.is_finite())
                    .ok_or_else(|| usage(format!("option `--sensor-temp` needs a temperature in degrees Celsius, not `{text}`")))?;
                opts.sensor_temp = Some(celsius);
            }
            "-h" | "--help" => return Ok(Command::Help),
            "--invoke" => opts.invoke = Some(value(name)?),
            "--fuel" => opts.fuel = Some(number(name, &value(name)?)?),
            "--engine" => {
                opts.jit = match value(name)?.as_str() {
                    "interp" => false,
                    "jit" => true,
                    other => {
                        return Err(usage(format!(
                            "option `--engine` needs `interp` or `jit`, not `{other}`"
                        )));
                    }
                };
            }
            "--max-memory" => opts.max_memory = Some(number(name, &value(name)?)?),
            _ => return Err(usage(format!("unknown option `{text}` for `run`"))),
        }
    }
    opts.file = file.ok_or_else(|| usage("`run` needs a FILE"))?;
    Ok(Command::Run(opts))
}

/// Parses an option's unsigned number: decimal, `0x` hexadecimal, `_` separators allowed.
fn number(option: &str, text: &str) -> Result<u64, UsageError> {
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let parsed = match clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => clean.parse(),
    };
    parsed.map_err(|_| {
        usage(format!(
            "option `{option}` needs an unsigned number, not `{text}`"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, UsageError> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn run_with_options_after_file() {
        let cmd = parse_strs(&["run", "f.wat", "--invoke", "add", "-1", "0x10", "--fuel=5"]);
        assert_eq!(
            cmd,
            Ok(Command::Run(RunOptions {
                file: "f.wat".into(),
                invoke: Some("add".into()),
                fuel: Some(5),
                max_memory: None,
                args: vec!["-1".into(), "0x10".into()],
                ..RunOptions::default()
            }))
        );
    }

    #[test]
    fn engine_option() {
        let Ok(Command::Run(opts)) = parse_strs(&["run", "f.wat", "--engine=jit"]) else {
            panic!("expected a run command");
        };
        assert!(opts.jit);
        let Ok(Command::Run(opts)) = parse_strs(&["run", "f.wat", "--engine", "interp"]) else {
            panic!("expected a run command");
        };
        assert!(!opts.jit);
    }

    #[test]
    fn double_dash_ends_options() {
        let Ok(Command::Run(opts)) = parse_strs(&["run", "--", "f.wat", "--fuel"]) else {
            panic!("expected a run command");
        };
        assert_eq!(opts.args, ["--fuel"]);
    }

    #[test]
    fn usage_errors() {
        for args in [
            &[][..],
            &["frobnicate"],
            &["run"],
            &["run", "-x", "f.wat"],
            &["run", "f.wat", "--bogus"],
            &["run", "f.wat", "--fuel"],
            &["run", "f.wat", "--fuel", "lots"],
            &["run", "f.wat", "--engine", "jot"],
            &["run", "f.wat", "--engine"],
            &["run", "f.wat", "--max-memory", "-1"],
            &["run", "f.wat", "--sensor-temp", "warm"],
            &["run", "f.wat", "--sensor-temp", "nan"],
            &["run", "f.wat", "--env", "NOVALUE"],
            &["validate"],
            &["validate", "a.wasm", "b.wasm"],
            &["disas"],
            &["disas", "--fuel", "a.wasm"],
            &["disas", "a.wasm", "b.wasm"],
        ] {
            assert!(
                parse_strs(args).is_err(),
                "{args:?} should be a usage error"
            );
        }
    }

    #[test]
    fn disas_takes_one_file() {
        assert_eq!(
            parse_strs(&["disas", "a.wasm"]),
            Ok(Command::Disas {
                file: PathBuf::from("a.wasm")
            })
        );
    }

    #[test]
    fn help_and_version() {
        assert_eq!(parse_strs(&["help"]), Ok(Command::Help));
        assert_eq!(parse_strs(&["--help"]), Ok(Command::Help));
        assert_eq!(parse_strs(&["run", "--help"]), Ok(Command::Help));
        assert_eq!(parse_strs(&["--version"]), Ok(Command::Version));
    }
}
