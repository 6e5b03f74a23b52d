//! Runs the directives of one `.wast` file against one engine.
//!
//! Every file gets its own store, linker and `spectest` module; modules of the file share the
//! store, as in the specification's interpreter, so a registered module's memory, tables and
//! globals are the very ones that later modules import.

use std::collections::HashMap;

use mote_core::{Config, Engine, Error, ErrorKind, Instance, Linker, Module, Store, TrapCode, Val};
use wast::token::Id;
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke};

use crate::values::{self, ExternRefs};
use crate::{EngineKind, Failure, FileReport, host, panic, skip};

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

/// How one directive went.
enum Outcome {
    Pass,
    /// Passed, with a remark shown only with `--verbose` (for example a trap message that
    /// differs from the expected wording).
    PassWithNote(String),
    Fail(String),
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
    let lines = LineIndex::new(text);

    let buffer = match lex(text) {
        Ok(buffer) => buffer,
        Err(err) => return parse_failure(ctx, report, &lines, &err),
    };
    let directives = match parse(&buffer, text) {
        Ok(directives) => directives,
        Err(err) => return parse_failure(ctx, report, &lines, &err),
    };

    let mut state = match panic::catch(|| WastState::new(make_engine(), ctx.fuel)) {
        Ok(Ok(mut state)) => {
            state.through_images = ctx.engine == EngineKind::InterpImage;
            state
        }
        Ok(Err(message)) | Err(message) => {
            report.fail(Failure::new("setup", 1, 1, message));
            return report;
        }
    };

    for directive in directives {
        let (line, column) = lines.locate(directive.span().offset());
        let kind = kind_name(&directive);
        if let Some(index) = skip::find(ctx.suite, name, line) {
            report.skipped += 1;
            report.used_skips.push(index);
            continue;
        }
        match panic::catch(|| state.run(directive, line)).unwrap_or_else(Outcome::Fail) {
            Outcome::Pass => report.passed += 1,
            Outcome::PassWithNote(note) => {
                report.passed += 1;
                report.notes.push(Failure::new(kind, line, column, note));
            }
            Outcome::Fail(message) => report.fail(Failure::new(kind, line, column, message)),
        }
    }
    report
}

/// A file that does not parse counts as one failed directive (or one skipped, if the skip
/// list names the file or the line of the error).
fn parse_failure(
    ctx: &FileContext<'_>,
    mut report: FileReport,
    lines: &LineIndex,
    err: &wast::Error,
) -> FileReport {
    let (line, column) = lines.locate(err.span().offset());
    if let Some(index) = skip::find(ctx.suite, &report.name, line) {
        report.skipped += 1;
        report.used_skips.push(index);
    } else {
        let message = format!("cannot parse: {err}");
        report.fail(Failure::new("parse", line, column, message));
    }
    report
}

fn lex(text: &str) -> Result<wast::parser::ParseBuffer<'_>, wast::Error> {
    let mut lexer = wast::lexer::Lexer::new(text);
    // The testsuite has identifiers and strings with unusual Unicode on purpose.
    lexer.allow_confusing_unicode(true);
    wast::parser::ParseBuffer::new_with_lexer(lexer).map_err(|mut e| {
        e.set_text(text);
        e
    })
}

fn parse<'a>(
    buffer: &'a wast::parser::ParseBuffer<'a>,
    text: &str,
) -> Result<Vec<WastDirective<'a>>, wast::Error> {
    match wast::parser::parse::<wast::Wast<'a>>(buffer) {
        Ok(wast) => Ok(wast.directives),
        Err(mut e) => {
            e.set_text(text);
            Err(e)
        }
    }
}

/// The directive's keyword, for reports.
fn kind_name(directive: &WastDirective<'_>) -> &'static str {
    match directive {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap {
            exec: WastExecute::Wat(_),
            ..
        } => "assert_trap (module)",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// The result of carrying out an invocation, `get` or module instantiation: `Err(message)` when
/// it could not even be attempted (unknown export, compile error, unsupported argument), else
/// what Mote returned.
type Executed = Result<Result<Vec<Val>, Error>, String>;

/// The state of one file's run: the store that all its modules share, and the names in scope.
struct WastState {
    engine: Engine,
    store: Store<()>,
    /// `spectest` plus every `register`ed instance.
    linker: Linker<()>,
    /// The most recently instantiated module: the target of `invoke` without a name.
    current: Option<Instance>,
    /// Instances by their `$name`.
    named: HashMap<String, Instance>,
    /// Lines of module directives that failed, so later directives that need them say why
    /// they cannot run: the unnamed current module under `None`, named ones under their name.
    failed_modules: HashMap<Option<String>, u32>,
    /// `module definition`s by their `$name`.
    definitions: HashMap<String, Module>,
    last_definition: Option<Module>,
    extern_refs: ExternRefs,
    fuel: Option<u64>,
    /// Compile every module to an image and run the loaded image ([`EngineKind::InterpImage`]).
    through_images: bool,
    /// Images compiled so far (alternates in-place and copying loads).
    images: u32,
}

impl WastState {
    fn new(engine: Engine, fuel: Option<u64>) -> Result<Self, String> {
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        host::define_spectest(&mut linker, &mut store)
            .map_err(|e| format!("cannot define the spectest module: {e}"))?;
        Ok(Self {
            engine,
            store,
            linker,
            current: None,
            named: HashMap::new(),
            failed_modules: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            extern_refs: ExternRefs::default(),
            through_images: false,
            images: 0,
            fuel,
        })
    }

    fn run(&mut self, directive: WastDirective<'_>, line: u32) -> Outcome {
        match directive {
            WastDirective::Module(mut wat) => {
                let name = wat.name().map(|id| id.name().to_string());
                let result = self.module(&mut wat);
                self.set_current(name, result.as_ref().ok().copied(), line);
                outcome(result.map(|_| ()))
            }
            WastDirective::ModuleDefinition(mut wat) => outcome(self.module_definition(&mut wat)),
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let name = instance.map(|id| id.name().to_string());
                let result = self.module_instance(module);
                self.set_current(name, result.as_ref().ok().copied(), line);
                outcome(result.map(|_| ()))
            }
            WastDirective::Register { name, module, .. } => outcome(self.register(name, module)),
            WastDirective::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(Ok(_)) => Outcome::Pass,
                Ok(Err(e)) => Outcome::Fail(format!("call failed: {e}")),
                Err(message) => Outcome::Fail(message),
            },
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec) {
                Ok(Ok(got)) => outcome(values::match_results(&self.store, &results, &got)),
                Ok(Err(e)) => Outcome::Fail(format!("expected a return, got error: {e}")),
                Err(message) => Outcome::Fail(message),
            },
            WastDirective::AssertTrap { exec, message, .. } => {
                let executed = self.execute(exec);
                self.expect_trap(executed, message)
            }
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(Err(e)) if e.trap_code() == Some(TrapCode::StackOverflow) => Outcome::Pass,
                Ok(Err(e)) => Outcome::Fail(format!("expected `{message}`, got error: {e}")),
                Ok(Ok(got)) => Outcome::Fail(format!(
                    "expected `{message}`, got {}",
                    values::show_vals(&self.store, &got)
                )),
                Err(message) => Outcome::Fail(message),
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            }
            | WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => self.expect_compile_error(&mut module, message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => self.expect_link_error(&mut QuoteWat::Wat(module), message),
            WastDirective::AssertInvalidCustom { mut module, .. }
            | WastDirective::AssertMalformedCustom { mut module, .. } => {
                // Errors in custom sections must not reject a module: Mote ignores custom
                // sections, so the module must simply compile (or its text must be rejected).
                match encode(&mut module) {
                    Err(_) => Outcome::Pass,
                    Ok(bytes) => match Module::new(&self.engine, &bytes) {
                        Ok(_) => Outcome::Pass,
                        Err(e) => Outcome::Fail(format!(
                            "a custom-section error must not reject the module, got: {e}"
                        )),
                    },
                }
            }
            WastDirective::AssertException { .. } => unsupported("assert_exception"),
            WastDirective::AssertSuspension { .. } => unsupported("assert_suspension"),
            WastDirective::Thread(_) => unsupported("thread"),
            WastDirective::Wait { .. } => unsupported("wait"),
        }
    }

    /// `(module ...)`: compile and instantiate.
    fn module(&mut self, wat: &mut QuoteWat<'_>) -> Result<Instance, String> {
        let module = self.compile(wat)?;
        self.instantiate(&module)?
            .map_err(|e| format!("instantiation failed: {e}"))
    }

    /// After a module directive at `line`: the new instance becomes the current one (and is
    /// known by `name`), or, when the directive failed, no instance is current (and `name` is
    /// unbound), so later directives fail with a pointer to the cause instead of silently
    /// running against an older module.
    fn set_current(&mut self, name: Option<String>, instance: Option<Instance>, line: u32) {
        self.current = instance;
        if let Some(name) = &name {
            match instance {
                Some(instance) => self.named.insert(name.clone(), instance),
                None => self.named.remove(name),
            };
        }
        for key in [None, name] {
            match instance {
                Some(_) => self.failed_modules.remove(&key),
                None => self.failed_modules.insert(key, line),
            };
        }
    }

    /// `(module definition $M ...)`: compile only.
    fn module_definition(&mut self, wat: &mut QuoteWat<'_>) -> Result<(), String> {
        let name = wat.name().map(|id| id.name().to_string());
        let module = self.compile(wat)?;
        if let Some(name) = name {
            self.definitions.insert(name, module.clone());
        }
        self.last_definition = Some(module);
        Ok(())
    }

    /// `(module instance $I $M)`: instantiate a definition.
    fn module_instance(&mut self, module: Option<Id<'_>>) -> Result<Instance, String> {
        let definition = match module {
            Some(id) => self.definitions.get(id.name()).cloned(),
            None => self.last_definition.clone(),
        }
        .ok_or_else(|| match module {
            Some(id) => format!("no module definition named `${}`", id.name()),
            None => "no module definition yet".to_string(),
        })?;
        self.instantiate(&definition)?
            .map_err(|e| format!("instantiation failed: {e}"))
    }

    /// `(register "name" $M?)`: make an instance's exports importable as module `name`.
    fn register(&mut self, name: &str, module: Option<Id<'_>>) -> Result<(), String> {
        let instance = self.instance(module)?;
        self.linker
            .instance(&self.store, name, instance)
            .map(|_| ())
            .map_err(|e| format!("cannot register `{name}`: {e}"))
    }

    /// The instance named `module`, or the current one.
    fn instance(&self, module: Option<Id<'_>>) -> Result<Instance, String> {
        let name = module.map(|id| id.name().to_string());
        let found = match &name {
            Some(name) => self.named.get(name).copied(),
            None => self.current,
        };
        found.ok_or_else(|| {
            let what = match &name {
                Some(name) => format!("module `${name}`"),
                None => "the current module".to_string(),
            };
            match self.failed_modules.get(&name) {
                Some(line) => format!("{what} failed to compile or instantiate at line {line}"),
                None => format!("{what} does not exist"),
            }
        })
    }

    fn refuel(&mut self) -> Result<(), String> {
        match self.fuel {
            Some(fuel) => self
                .store
                .set_fuel(fuel)
                .map_err(|e| format!("cannot set fuel: {e}")),
            None => Ok(()),
        }
    }

    /// Encodes and compiles a module; any failure is a message.
    fn compile(&mut self, wat: &mut QuoteWat<'_>) -> Result<Module, String> {
        let bytes = encode(wat)?;
        if !self.through_images {
            return Module::new(&self.engine, &bytes)
                .map_err(|e| format!("compilation failed: {e}"));
        }
        let image = mote_interp::image::compile(&self.engine, &bytes)
            .map_err(|e| format!("compilation to an image failed: {e}"))?;
        self.images += 1;
        let loaded = if self.images.is_multiple_of(2) {
            Module::from_image_bytes(&self.engine, &image)
        } else {
            Module::from_image(&self.engine, leak_aligned(&image))
        };
        loaded.map_err(|e| format!("loading the image failed: {e}"))
    }

    /// Instantiates `module` with the linker's definitions.
    fn instantiate(&mut self, module: &Module) -> Result<Result<Instance, Error>, String> {
        self.refuel()?;
        let result = self.linker.instantiate(&mut self.store, module);
        self.check_fuel(result)
    }

    /// Running out of the fuel given with `--fuel` is not a result to compare: it means the
    /// directive could not run to the end.
    fn check_fuel<R>(&self, result: Result<R, Error>) -> Result<Result<R, Error>, String> {
        match (self.fuel, result) {
            (Some(fuel), Err(e)) if e.trap_code() == Some(TrapCode::OutOfFuel) => {
                Err(format!("ran out of fuel (--fuel {fuel})"))
            }
            (_, result) => Ok(result),
        }
    }

    /// `(invoke $M? "name" args...)`.
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Executed {
        let instance = self.instance(invoke.module)?;
        let func = instance
            .get_func(&self.store, invoke.name)
            .ok_or_else(|| format!("no exported function `{}`", invoke.name))?;
        let mut args = Vec::with_capacity(invoke.args.len());
        for arg in &invoke.args {
            let WastArg::Core(arg) = arg else {
                return Err(format!("unsupported argument {arg:?}"));
            };
            args.push(values::arg(arg, &mut self.store, &mut self.extern_refs)?);
        }
        let mut results: Vec<Val> = func
            .ty(&self.store)
            .results()
            .iter()
            .map(|ty| Val::default_for(*ty))
            .collect();
        self.refuel()?;
        let result = func.call(&mut self.store, &args, &mut results);
        self.check_fuel(result.map(|()| results))
    }

    /// The thing an `assert_return` or `assert_trap` checks.
    fn execute(&mut self, exec: WastExecute<'_>) -> Executed {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                let global = instance
                    .get_global(&self.store, global)
                    .ok_or_else(|| format!("no exported global `{global}`"))?;
                Ok(Ok(vec![global.get(&self.store)]))
            }
            WastExecute::Wat(wat) => {
                let module = self.compile(&mut QuoteWat::Wat(wat))?;
                Ok(self.instantiate(&module)?.map(|_| Vec::new()))
            }
        }
    }

    fn expect_trap(&self, executed: Executed, expected: &str) -> Outcome {
        let err = match executed {
            Err(message) => return Outcome::Fail(message),
            Ok(Ok(got)) => {
                return Outcome::Fail(format!(
                    "expected trap `{expected}`, got {}",
                    values::show_vals(&self.store, &got)
                ));
            }
            Ok(Err(err)) => err,
        };
        match err.trap_code() {
            Some(code) if trap_messages_match(expected, code.message()) => Outcome::Pass,
            Some(code) => Outcome::PassWithNote(format!(
                "trapped as expected, but the message differs: expected `{expected}`, got `{code}`"
            )),
            None => Outcome::Fail(format!("expected trap `{expected}`, got error: {err}")),
        }
    }

    /// `assert_invalid` / `assert_malformed`: the text encoding or the compilation must fail.
    fn expect_compile_error(&self, module: &mut QuoteWat<'_>, expected: &str) -> Outcome {
        let Ok(bytes) = encode(module) else {
            return Outcome::Pass;
        };
        match Module::new(&self.engine, &bytes) {
            Ok(_) => Outcome::Fail(format!(
                "expected the module to be rejected with `{expected}`, but it compiled"
            )),
            Err(e) if matches!(e.kind(), ErrorKind::Unsupported { .. }) => Outcome::PassWithNote(
                format!("rejected as unsupported rather than with `{expected}`: {e}"),
            ),
            Err(_) => Outcome::Pass,
        }
    }

    /// `assert_unlinkable`: the module compiles but instantiation fails without a trap.
    fn expect_link_error(&mut self, module: &mut QuoteWat<'_>, expected: &str) -> Outcome {
        let module = match self.compile(module) {
            Ok(module) => module,
            Err(message) => return Outcome::Fail(message),
        };
        match self.instantiate(&module) {
            Err(message) => Outcome::Fail(message),
            Ok(Ok(_)) => Outcome::Fail(format!(
                "expected a link error `{expected}`, but the module instantiated"
            )),
            Ok(Err(e)) if e.trap_code().is_some() => Outcome::Fail(format!(
                "expected a link error `{expected}`, got a trap: {e}"
            )),
            Ok(Err(e)) if matches!(e.kind(), ErrorKind::Link { .. }) => Outcome::Pass,
            Ok(Err(e)) => Outcome::PassWithNote(format!(
                "failed to instantiate as expected, but not with a link error: {e}"
            )),
        }
    }
}

/// Text to binary (binary modules are just concatenated).
fn encode(wat: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    wat.encode()
        .map_err(|e| format!("text to binary failed: {e}"))
}

fn outcome(result: Result<(), String>) -> Outcome {
    match result {
        Ok(()) => Outcome::Pass,
        Err(message) => Outcome::Fail(message),
    }
}

fn unsupported(kind: &str) -> Outcome {
    Outcome::Fail(format!("unsupported directive `{kind}`"))
}

/// Trap messages match loosely: our wording may be longer or shorter than the testsuite's.
fn trap_messages_match(expected: &str, got: &str) -> bool {
    got.contains(expected) || expected.contains(got)
}

/// Byte offset to 1-based line and column, in `O(log lines)`.
struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { starts }
    }

    fn locate(&self, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&start| start <= offset).max(1) - 1;
        let column = offset - self.starts[line];
        let to_u32 = |n: usize| u32::try_from(n + 1).unwrap_or(u32::MAX);
        (to_u32(line), to_u32(column))
    }
}

#[cfg(test)]
mod tests;
