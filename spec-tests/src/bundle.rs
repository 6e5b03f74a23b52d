//! Writing a suite as a spec bundle (`mote_spec_bundle::format`) for a device to run.
//!
//! The directives go through the same conversion as on the host runner (parsing, the skip
//! list, text-to-binary encoding), so that the device runs the very commands the host runs.
//! A bundle of [`PayloadKind::Images`] carries compiled images instead of `.wasm`, for
//! executor-only firmware: each module is compiled here with the device's engine configuration,
//! and the `assert_invalid` / `assert_malformed` checks, which need the validator on the
//! device, are written as skips with that reason.
//!
//! ```no_run
//! use mote_spec_tests::Suite;
//! use mote_spec_tests::bundle::{self, BundleOptions};
//!
//! let written = bundle::write(&BundleOptions::wasm(Suite::WasmV1)).expect("the suite converts");
//! std::fs::write("wasm-v1.motespec", written.bytes).expect("written");
//! ```

use std::borrow::Cow;
use std::collections::BTreeSet;

use mote_core::{Config, Engine, Limits};
use mote_spec_bundle::command::{Action, Command, ModuleSource, Op};
use mote_spec_bundle::format::{PayloadKind, Writer};

use crate::convert::{self, Item};
use crate::{Suite, panic, skip};

/// What to write.
#[derive(Debug, Clone)]
pub struct BundleOptions {
    /// The suite.
    pub suite: Suite,
    /// Only files whose name contains this.
    pub filter: Option<String>,
    /// Only these files (exact names, such as `i32.wast`); every file when empty. A name that
    /// is not in the suite is an error.
    pub files: Vec<String>,
    /// What the modules are.
    pub payload: PayloadKind,
    /// The device the bundle is for, by board name, for its entries in
    /// [`skip::DEVICE_SKIPS`] (things the device lacks, such as RAM).
    pub board: Option<String>,
}

impl BundleOptions {
    /// Every file of `suite`, as `.wasm` modules, for no board in particular.
    pub fn wasm(suite: Suite) -> Self {
        Self {
            suite,
            filter: None,
            files: Vec::new(),
            payload: PayloadKind::Wasm,
            board: None,
        }
    }
}

/// Why [`PayloadKind::Images`] skips a command.
pub const NEEDS_VALIDATOR: &str = "an executor-only device cannot decode .wasm: the check \
                                   needs the validator (it runs on the host and on full firmware)";

/// The engine configuration images are compiled with: the suite's features, the defaults
/// (no fuel, no NaN canonicalisation) and [`Limits::MCU`]. The firmware that runs them must use
/// the same fuel and NaN settings (an image runs only with those it was compiled with).
pub fn image_config(suite: Suite) -> Config {
    let mut config = suite.config();
    config.limits(Limits::MCU);
    config
}

/// A written bundle.
#[derive(Debug)]
pub struct Written {
    /// The bundle's bytes.
    pub bytes: Vec<u8>,
    /// Entries of [`skip::DEVICE_SKIPS`] for the board and suite, whose file was written, that
    /// matched nothing: remove them.
    pub stale_device_skips: Vec<&'static skip::DeviceSkip>,
}

/// Writes the bundle.
///
/// # Errors
/// When no file matches the filter.
pub fn write(options: &BundleOptions) -> Result<Written, String> {
    let suite = options.suite.name();
    let config = options.suite.config();
    let image_engine = (options.payload == PayloadKind::Images).then(|| {
        Engine::new(
            &image_config(options.suite),
            mote_interp::Interpreter::new(),
        )
    });
    let mut writer = Writer::new(config.get_features(), options.payload, &suite);
    let mut written = 0;
    let mut used = BTreeSet::new();
    let mut files = Vec::new();
    let all = options.suite.files();
    if let Some(missing) = options
        .files
        .iter()
        .find(|name| !all.iter().any(|f| f.name() == name.as_str()))
    {
        return Err(format!("{suite} has no file {missing}"));
    }
    for file in all {
        let unwanted = !options.files.is_empty() && !options.files.iter().any(|f| f == file.name());
        if unwanted
            || options
                .filter
                .as_ref()
                .is_some_and(|f| !file.name().contains(f.as_str()))
        {
            continue;
        }
        files.push(file.name().to_string());
        let mut out = writer.begin_file(file.name());
        convert::for_each_directive(&suite, file.name(), file.raw(), |item| {
            let command = match item {
                Item::Ready(command, _) => command,
                Item::Directive {
                    directive,
                    line,
                    column,
                } => {
                    let kind = convert::kind(&directive);
                    panic::catch(|| convert::command(directive, line, column)).unwrap_or_else(
                        |message| Command {
                            kind,
                            line,
                            column,
                            op: Op::Fail(message.into()),
                        },
                    )
                }
            };
            let command = device_skip(
                options.board.as_deref(),
                &suite,
                file.name(),
                command,
                &mut used,
            );
            let command = match &image_engine {
                Some(engine) => to_images(engine, command),
                None => command,
            };
            out.command(&command);
        });
        out.finish();
        written += 1;
    }
    if written == 0 {
        return Err(format!(
            "no .wast file of {suite} matches --filter {:?}",
            options.filter.as_deref().unwrap_or_default()
        ));
    }
    let stale_device_skips = skip::DEVICE_SKIPS
        .iter()
        .enumerate()
        .filter(|(i, entry)| {
            Some(entry.board) == options.board.as_deref()
                && entry.skip.suite == suite
                && files.iter().any(|f| f == entry.skip.file)
                && !used.contains(i)
        })
        .map(|(_, entry)| entry)
        .collect();
    Ok(Written {
        bytes: writer.finish(),
        stale_device_skips,
    })
}

/// `command` with its modules compiled to images by `engine`, and the checks that need the
/// validator skipped.
fn to_images<'a>(engine: &Engine, mut command: Command<'a>) -> Command<'a> {
    let compile = |module: &mut ModuleSource<'a>| {
        if let ModuleSource::Wasm(wasm) = module {
            *module = match mote_interp::image::compile(engine, wasm) {
                Ok(image) => ModuleSource::Image(Cow::Owned(image)),
                Err(e) => {
                    ModuleSource::Unencodable(format!("compilation to an image failed: {e}").into())
                }
            };
        }
    };
    match &mut command.op {
        Op::Module { module, .. }
        | Op::Definition { module, .. }
        | Op::AssertUnlinkable { module, .. } => compile(module),
        Op::AssertReturn {
            action: Action::Instantiate(module),
            ..
        }
        | Op::AssertTrap {
            action: Action::Instantiate(module),
            ..
        } => compile(module),
        Op::AssertRejected { .. } | Op::AssertCustomIgnored { .. } => {
            command.op = Op::Skip(Cow::Borrowed(NEEDS_VALIDATOR));
        }
        _ => {}
    }
    command
}

/// `command` as a skip when [`skip::DEVICE_SKIPS`] names it for `board` (noting the entry in
/// `used`).
fn device_skip<'a>(
    board: Option<&str>,
    suite: &str,
    file: &str,
    command: Command<'a>,
    used: &mut BTreeSet<usize>,
) -> Command<'a> {
    match board.and_then(|board| skip::find_on_device(board, suite, file, command.line)) {
        Some(index) => {
            used.insert(index);
            let reason = skip::DEVICE_SKIPS[index].skip.reason;
            Command {
                op: Op::Skip(Cow::Borrowed(reason)),
                ..command
            }
        }
        None => command,
    }
}
