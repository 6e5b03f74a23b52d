//! Runs the directives of one `.wast` file against one engine, through the executor that the
//! device firmware uses too (`mote_spec_bundle::exec`).
//!
//! Every file gets its own store, linker and `spectest` module; modules of the file share the
//! store, as in the specification's interpreter, so a registered module's memory, tables and
//! globals are the very ones that later modules import.

use mote_core::{Config, Engine, Module};
use mote_spec_bundle::command::ModuleSource;
use mote_spec_bundle::exec::{self, Executor, Loader, Options, Outcome};

use crate::convert::{self, Item};
use crate::{EngineKind, Failure, FileReport, panic};

/// What the runner needs to know about the run, shared by every file.
#[derive(Debug)]
pub(crate) struct FileContext<'a> {
    /// Suite name, for the skip list.
    pub(crate) suite: &'a str,
    /// The engine to run.
    pub(crate) engine: EngineKind,
    /// The engine configuration for this suite.
    pub(crate) config: &'a Config,
    /// Fuel to give before every call and instantiation, when metering is on.
    pub(crate) fuel: Option<u64>,
}

/// A `'static`, 4-byte aligned copy of `bytes` (images loaded in place must outlive the
/// program's use of them; a test run leaks a few megabytes at most).
fn leak_aligned(bytes: &[u8]) -> &'static [u8] {
    let buffer: &'static mut [u8] = Vec::leak(vec![0; bytes.len() + 3]);
    let skip = buffer.as_ptr().align_offset(4).min(3);
    let aligned = &mut buffer[skip..skip + bytes.len()];
    aligned.copy_from_slice(bytes);
    aligned
}

/// The loader of [`EngineKind::InterpImage`]: every module that is instantiated is compiled to
/// an image and loaded back, alternately in place and copied. (Modules that must be rejected
/// are still decoded directly.)
#[derive(Debug, Default)]
struct ImageLoader {
    /// Images compiled so far.
    images: u32,
}

impl<'a> Loader<'a> for ImageLoader {
    fn load(&mut self, engine: &Engine, module: &ModuleSource<'a>) -> Result<Module, String> {
        let ModuleSource::Wasm(bytes) = module else {
            return exec::load(engine, module);
        };
        let image = mote_interp::image::compile(engine, bytes)
            .map_err(|e| format!("compilation to an image failed: {e}"))?;
        self.images += 1;
        let loaded = if self.images.is_multiple_of(2) {
            Module::from_image_bytes(engine, &image)
        } else {
            Module::from_image(engine, leak_aligned(&image))
        };
        loaded.map_err(|e| format!("loading the image failed: {e}"))
    }
}

/// The loader of one engine kind.
enum AnyLoader {
    Direct(exec::DirectLoader),
    Images(ImageLoader),
}

impl<'a> Loader<'a> for AnyLoader {
    fn load(&mut self, engine: &Engine, module: &ModuleSource<'a>) -> Result<Module, String> {
        match self {
            AnyLoader::Direct(direct) => direct.load(engine, module),
            AnyLoader::Images(images) => images.load(engine, module),
        }
    }
}

/// Runs every directive of `text` (the contents of the file `name`).
pub(crate) fn run_file(ctx: &FileContext<'_>, name: &str, text: &str) -> FileReport {
    run_file_with(ctx, name, text, || ctx.engine.engine(ctx.config))
}

/// [`run_file`] with the engine made by `make_engine` (unit tests use a stub backend).
fn run_file_with(
    ctx: &FileContext<'_>,
    name: &str,
    text: &str,
    make_engine: impl FnOnce() -> Engine,
) -> FileReport {
    let mut report = FileReport::new(name);
    let loader = if ctx.engine == EngineKind::InterpImage {
        AnyLoader::Images(ImageLoader::default())
    } else {
        AnyLoader::Direct(exec::DirectLoader)
    };
    let options = Options {
        fuel: ctx.fuel,
        spectest_memory: true,
    };
    let mut executor = match panic::catch(|| Executor::new(make_engine(), options, loader)) {
        Ok(Ok(executor)) => executor,
        Ok(Err(message)) | Err(message) => {
            report.fail(Failure::new("setup", 1, 1, message));
            return report;
        }
    };

    convert::for_each_directive(ctx.suite, name, text, |item| {
        let (kind, line, column, outcome) = match item {
            Item::Ready(command, skip) => {
                report.used_skips.extend(skip);
                let outcome = executor.run(&command);
                (command.kind.name(), command.line, command.column, outcome)
            }
            Item::Directive {
                directive,
                line,
                column,
            } => {
                let kind = convert::kind(&directive).name();
                let outcome =
                    panic::catch(|| executor.run(&convert::command(directive, line, column)))
                        .unwrap_or_else(Outcome::Fail);
                (kind, line, column, outcome)
            }
        };
        match outcome {
            Outcome::Pass | Outcome::PassInText => report.passed += 1,
            Outcome::PassWithNote(note) => {
                report.passed += 1;
                report.notes.push(Failure::new(kind, line, column, note));
            }
            Outcome::Skip => report.skipped += 1,
            Outcome::Fail(message) => report.fail(Failure::new(kind, line, column, message)),
        }
    });
    report
}

#[cfg(test)]
mod tests;
