//! Runs the commands of one `.wast` file against one engine: the state machine of the
//! specification's script interpreter, shared by the host runner and the device firmware.
//!
//! Every file gets its own [`Executor`] (a store, a linker and the `spectest` module); the
//! file's modules share the store, as in the specification's interpreter, so a registered
//! module's memory, tables and globals are the very ones that later modules import.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use mote_core::{
    Engine, Error, ErrorKind, ExternRef, Instance, Linker, Module, Store, TrapCode, Val,
};

use crate::check;
use crate::command::{Action, Command, Invoke, ModuleSource, Op, Value};
use crate::spectest;

// The tests decode `.wasm` modules, so they need the validator (`cargo test --workspace`
// turns it on: the host runner depends on this crate with it).
#[cfg(all(test, feature = "validate"))]
mod tests;

/// How one command went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It passed.
    Pass,
    /// It passed, with a remark worth showing on request (a trap message that differs from the
    /// expected wording, a module rejected as unsupported rather than invalid).
    PassWithNote(String),
    /// It passed without reaching Mote: the text encoder on the host refused the module, which
    /// is what an `assert_malformed` (or `assert_invalid`) of a text module tests. Counted as
    /// passed, as by the host runner; reports can show how many there were.
    PassInText,
    /// It failed; the message says what was expected and what happened.
    Fail(String),
    /// It was not run (the command is a [`Op::Skip`]).
    Skip,
}

/// What a [`Loader`] made of a module that must be rejected, or must compile.
#[derive(Debug)]
pub enum Decoded {
    /// The module compiled.
    Accepted,
    /// Mote rejected it with this error.
    Rejected(Error),
    /// The host's text encoder refused it (the module is [`ModuleSource::Unencodable`]).
    Unencodable,
    /// This build cannot decode the module at all (no validator): the message says why.
    CannotDecode(String),
}

/// How the executor makes modules. The provided methods decode `.wasm` with [`Module::new`]
/// (with the feature `validate`) and copy images with [`Module::from_image_bytes`]; the host
/// runner overrides [`load`](Loader::load) to go through compiled images, executor-only
/// firmware to load images in place.
pub trait Loader<'a> {
    /// The module of a `module`, `module definition`, `assert_trap (module)` or
    /// `assert_unlinkable` command, ready to instantiate.
    ///
    /// # Errors
    /// A message saying why there is no module (it did not compile, it was not encoded).
    fn load(&mut self, engine: &Engine, module: &ModuleSource<'a>) -> Result<Module, String> {
        load(engine, module)
    }

    /// The module of an `assert_invalid`, `assert_malformed` or `assert_*_custom` command:
    /// whether Mote accepts it.
    fn decode(&mut self, engine: &Engine, module: &ModuleSource<'a>) -> Decoded {
        decode(engine, module)
    }
}

/// The loader with the provided methods only.
#[derive(Debug, Clone, Copy, Default)]
pub struct DirectLoader;

impl Loader<'_> for DirectLoader {}

/// [`Loader::load`]'s provided method.
///
/// # Errors
/// As [`Loader::load`].
pub fn load(engine: &Engine, module: &ModuleSource<'_>) -> Result<Module, String> {
    match module {
        ModuleSource::Wasm(wasm) => compile_wasm(engine, wasm),
        ModuleSource::Image(image) => Module::from_image_bytes(engine, image)
            .map_err(|e| format!("loading the image failed: {e}")),
        ModuleSource::Unencodable(message) => Err(message.to_string()),
    }
}

#[cfg(feature = "validate")]
fn compile_wasm(engine: &Engine, wasm: &[u8]) -> Result<Module, String> {
    Module::new(engine, wasm).map_err(|e| format!("compilation failed: {e}"))
}

#[cfg(not(feature = "validate"))]
fn compile_wasm(_: &Engine, _: &[u8]) -> Result<Module, String> {
    Err(NO_VALIDATOR.to_string())
}

#[cfg(not(feature = "validate"))]
const NO_VALIDATOR: &str =
    "this build has no validator and translator: it runs bundles of compiled images only";

/// [`Loader::decode`]'s provided method.
pub fn decode(engine: &Engine, module: &ModuleSource<'_>) -> Decoded {
    let result = match module {
        ModuleSource::Unencodable(_) => return Decoded::Unencodable,
        #[cfg(feature = "validate")]
        ModuleSource::Wasm(wasm) => Module::new(engine, wasm),
        #[cfg(not(feature = "validate"))]
        ModuleSource::Wasm(_) => return Decoded::CannotDecode(NO_VALIDATOR.to_string()),
        ModuleSource::Image(image) => Module::from_image_bytes(engine, image),
    };
    match result {
        Ok(_) => Decoded::Accepted,
        Err(e) => Decoded::Rejected(e),
    }
}

/// How to run a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// With `Some(n)`, every call and instantiation gets `n` fuel (the engine must meter it),
    /// and running out fails the command instead of counting as its result.
    pub fuel: Option<u64>,
    /// Whether `spectest` has its memory (one 64 KiB page); see [`spectest::define`].
    pub spectest_memory: bool,
}

impl Default for Options {
    /// No fuel, the whole `spectest` module.
    fn default() -> Self {
        Self {
            fuel: None,
            spectest_memory: true,
        }
    }
}

/// The result of carrying out an invocation, `get` or module instantiation: `Err(message)` when
/// it could not even be attempted (unknown export, compile error, unsupported argument), else
/// what Mote returned.
type Executed = Result<Result<Vec<Val>, Error>, String>;

/// The state of one file's run: the store that all its modules share, and the names in scope.
pub struct Executor<L> {
    engine: Engine,
    store: Store<()>,
    /// `spectest` plus every `register`ed instance.
    linker: Linker<()>,
    /// The most recently instantiated module: the target of `invoke` without a name.
    current: Option<Instance>,
    /// Instances by their `$name`.
    named: BTreeMap<String, Instance>,
    /// Lines of module commands that failed, so later commands that need them say why they
    /// cannot run: the unnamed current module under `None`, named ones under their name.
    failed_modules: BTreeMap<Option<String>, u32>,
    /// `module definition`s by their `$name`.
    definitions: BTreeMap<String, Module>,
    last_definition: Option<Module>,
    /// The handles standing for `ref.extern N`: the same `N` always gives the same handle, and
    /// the store holds `N` (a `u32`) so results can be read back.
    extern_refs: BTreeMap<u32, ExternRef>,
    fuel: Option<u64>,
    loader: L,
}

impl<L> core::fmt::Debug for Executor<L> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Executor")
            .field("current", &self.current)
            .field("named", &self.named.keys().collect::<Vec<_>>())
            .field("fuel", &self.fuel)
            .finish_non_exhaustive()
    }
}

impl<L> Executor<L> {
    /// A fresh state for one file on `engine`, with the `spectest` module.
    ///
    /// # Errors
    /// When the `spectest` module cannot be made.
    pub fn new(engine: Engine, options: Options, loader: L) -> Result<Self, String> {
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        spectest::define(&mut linker, &mut store, options.spectest_memory)
            .map_err(|e| format!("cannot define the spectest module: {e}"))?;
        Ok(Self {
            engine,
            store,
            linker,
            current: None,
            named: BTreeMap::new(),
            failed_modules: BTreeMap::new(),
            definitions: BTreeMap::new(),
            last_definition: None,
            extern_refs: BTreeMap::new(),
            fuel: options.fuel,
            loader,
        })
    }

    /// The store all the file's modules live in.
    pub fn store(&self) -> &Store<()> {
        &self.store
    }
}

impl<'a, L: Loader<'a>> Executor<L> {
    /// Carries out `command`.
    pub fn run(&mut self, command: &Command<'a>) -> Outcome {
        let line = command.line;
        match &command.op {
            Op::Module { name, module } => {
                let result = self.module(module);
                self.set_current(name.as_deref(), result.as_ref().ok().copied(), line);
                outcome(result.map(|_| ()))
            }
            Op::Definition { name, module } => {
                outcome(self.module_definition(name.as_deref(), module))
            }
            Op::Instance { name, definition } => {
                let result = self.module_instance(definition.as_deref());
                self.set_current(name.as_deref(), result.as_ref().ok().copied(), line);
                outcome(result.map(|_| ()))
            }
            Op::Register { as_name, module } => outcome(self.register(as_name, module.as_deref())),
            Op::Invoke(invoke) => match self.invoke(invoke) {
                Ok(Ok(_)) => Outcome::Pass,
                Ok(Err(e)) => Outcome::Fail(format!("call failed: {e}")),
                Err(message) => Outcome::Fail(message),
            },
            Op::AssertReturn { action, results } => match self.execute(action) {
                Ok(Ok(got)) => outcome(check::match_results(&self.store, results, &got)),
                Ok(Err(e)) => Outcome::Fail(format!("expected a return, got error: {e}")),
                Err(message) => Outcome::Fail(message),
            },
            Op::AssertTrap { action, message } => {
                let executed = self.execute(action);
                self.expect_trap(executed, message)
            }
            Op::AssertExhaustion { invoke, message } => match self.invoke(invoke) {
                Ok(Err(e)) if e.trap_code() == Some(TrapCode::StackOverflow) => Outcome::Pass,
                Ok(Err(e)) => Outcome::Fail(format!("expected `{message}`, got error: {e}")),
                Ok(Ok(got)) => Outcome::Fail(format!(
                    "expected `{message}`, got {}",
                    check::show_vals(&self.store, &got)
                )),
                Err(message) => Outcome::Fail(message),
            },
            Op::AssertRejected { module, message } => self.expect_compile_error(module, message),
            Op::AssertCustomIgnored { module } => {
                // Errors in custom sections must not reject a module: Mote ignores custom
                // sections, so the module must simply compile (or its text must be rejected).
                match self.loader.decode(&self.engine, module) {
                    Decoded::Unencodable => Outcome::PassInText,
                    Decoded::Accepted => Outcome::Pass,
                    Decoded::Rejected(e) => Outcome::Fail(format!(
                        "a custom-section error must not reject the module, got: {e}"
                    )),
                    Decoded::CannotDecode(why) => Outcome::Fail(why),
                }
            }
            Op::AssertUnlinkable { module, message } => self.expect_link_error(module, message),
            Op::Fail(message) => Outcome::Fail(message.to_string()),
            Op::Skip(_) => Outcome::Skip,
        }
    }

    /// `(module ...)`: compile and instantiate.
    fn module(&mut self, module: &ModuleSource<'a>) -> Result<Instance, String> {
        let module = self.loader.load(&self.engine, module)?;
        self.instantiate(&module)?
            .map_err(|e| format!("instantiation failed: {e}"))
    }

    /// `(module definition $M ...)`: compile only.
    fn module_definition(
        &mut self,
        name: Option<&str>,
        module: &ModuleSource<'a>,
    ) -> Result<(), String> {
        let module = self.loader.load(&self.engine, module)?;
        if let Some(name) = name {
            self.definitions.insert(name.to_string(), module.clone());
        }
        self.last_definition = Some(module);
        Ok(())
    }

    /// `(assert_unlinkable ...)`: the module compiles but instantiation fails without a trap.
    fn expect_link_error(&mut self, module: &ModuleSource<'a>, expected: &str) -> Outcome {
        let module = match self.loader.load(&self.engine, module) {
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

    /// `assert_invalid` / `assert_malformed`: the text encoding or the compilation must fail.
    fn expect_compile_error(&mut self, module: &ModuleSource<'a>, expected: &str) -> Outcome {
        match self.loader.decode(&self.engine, module) {
            Decoded::Unencodable => Outcome::PassInText,
            Decoded::Accepted => Outcome::Fail(format!(
                "expected the module to be rejected with `{expected}`, but it compiled"
            )),
            Decoded::Rejected(e) if matches!(e.kind(), ErrorKind::Unsupported { .. }) => {
                Outcome::PassWithNote(format!(
                    "rejected as unsupported rather than with `{expected}`: {e}"
                ))
            }
            Decoded::Rejected(_) => Outcome::Pass,
            Decoded::CannotDecode(why) => Outcome::Fail(why),
        }
    }

    /// The thing an `assert_return` or `assert_trap` checks.
    fn execute(&mut self, action: &Action<'a>) -> Executed {
        match action {
            Action::Invoke(invoke) => self.invoke(invoke),
            Action::Get { module, global } => {
                let instance = self.instance(module.as_deref())?;
                let global = instance
                    .get_global(&self.store, global)
                    .ok_or_else(|| format!("no exported global `{global}`"))?;
                Ok(Ok(alloc::vec![global.get(&self.store)]))
            }
            Action::Instantiate(module) => {
                let module = self.loader.load(&self.engine, module)?;
                Ok(self.instantiate(&module)?.map(|_| Vec::new()))
            }
        }
    }
}

impl<L> Executor<L> {
    /// After a module command at `line`: the new instance becomes the current one (and is
    /// known by `name`), or, when the command failed, no instance is current (and `name` is
    /// unbound), so later commands fail with a pointer to the cause instead of silently running
    /// against an older module.
    fn set_current(&mut self, name: Option<&str>, instance: Option<Instance>, line: u32) {
        self.current = instance;
        if let Some(name) = name {
            match instance {
                Some(instance) => self.named.insert(name.to_string(), instance),
                None => self.named.remove(name),
            };
        }
        for key in [None, name.map(ToString::to_string)] {
            match instance {
                Some(_) => self.failed_modules.remove(&key),
                None => self.failed_modules.insert(key, line),
            };
        }
    }

    /// `(module instance $I $M)`: instantiate a definition.
    fn module_instance(&mut self, definition: Option<&str>) -> Result<Instance, String> {
        let module = match definition {
            Some(name) => self.definitions.get(name).cloned(),
            None => self.last_definition.clone(),
        }
        .ok_or_else(|| match definition {
            Some(name) => format!("no module definition named `${name}`"),
            None => "no module definition yet".to_string(),
        })?;
        self.instantiate(&module)?
            .map_err(|e| format!("instantiation failed: {e}"))
    }

    /// `(register "name" $M?)`: make an instance's exports importable as module `name`.
    fn register(&mut self, name: &str, module: Option<&str>) -> Result<(), String> {
        let instance = self.instance(module)?;
        self.linker
            .instance(&self.store, name, instance)
            .map(|_| ())
            .map_err(|e| format!("cannot register `{name}`: {e}"))
    }

    /// The instance named `module`, or the current one.
    fn instance(&self, module: Option<&str>) -> Result<Instance, String> {
        let found = match module {
            Some(name) => self.named.get(name).copied(),
            None => self.current,
        };
        found.ok_or_else(|| {
            let what = match module {
                Some(name) => format!("module `${name}`"),
                None => "the current module".to_string(),
            };
            match self.failed_modules.get(&module.map(ToString::to_string)) {
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

    /// Running out of the fuel given in [`Options::fuel`] is not a result to compare: it means
    /// the command could not run to the end.
    fn check_fuel<R>(&self, result: Result<R, Error>) -> Result<Result<R, Error>, String> {
        match (self.fuel, result) {
            (Some(fuel), Err(e)) if e.trap_code() == Some(TrapCode::OutOfFuel) => {
                Err(format!("ran out of fuel (--fuel {fuel})"))
            }
            (_, result) => Ok(result),
        }
    }

    /// Instantiates `module` with the linker's definitions.
    fn instantiate(&mut self, module: &Module) -> Result<Result<Instance, Error>, String> {
        self.refuel()?;
        let result = self.linker.instantiate(&mut self.store, module);
        self.check_fuel(result)
    }

    /// `(invoke $M? "name" args...)`.
    fn invoke(&mut self, invoke: &Invoke<'_>) -> Executed {
        let instance = self.instance(invoke.module.as_deref())?;
        let func = instance
            .get_func(&self.store, &invoke.name)
            .ok_or_else(|| format!("no exported function `{}`", invoke.name))?;
        let mut args = Vec::with_capacity(invoke.args.len());
        for arg in &invoke.args {
            args.push(self.value(arg)?);
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

    /// An argument as a value of the store.
    fn value(&mut self, value: &Value<'_>) -> Result<Val, String> {
        Ok(match value {
            Value::I32(v) => Val::I32(*v),
            Value::I64(v) => Val::I64(*v),
            Value::F32(bits) => Val::F32(*bits),
            Value::F64(bits) => Val::F64(*bits),
            Value::NullFuncRef => Val::FuncRef(None),
            Value::NullExternRef => Val::ExternRef(None),
            Value::ExternRef(n) => {
                let store = &mut self.store;
                let handle = *self
                    .extern_refs
                    .entry(*n)
                    .or_insert_with(|| store.new_extern_ref(*n));
                Val::ExternRef(Some(handle))
            }
            Value::Unsupported(what) => return Err(format!("unsupported argument: {what}")),
        })
    }

    fn expect_trap(&self, executed: Executed, expected: &str) -> Outcome {
        let err = match executed {
            Err(message) => return Outcome::Fail(message),
            Ok(Ok(got)) => {
                return Outcome::Fail(format!(
                    "expected trap `{expected}`, got {}",
                    check::show_vals(&self.store, &got)
                ));
            }
            Ok(Err(err)) => err,
        };
        match err.trap_code() {
            Some(code) if check::trap_messages_match(expected, code.message()) => Outcome::Pass,
            Some(code) => Outcome::PassWithNote(format!(
                "trapped as expected, but the message differs: expected `{expected}`, got `{code}`"
            )),
            None => Outcome::Fail(format!("expected trap `{expected}`, got error: {err}")),
        }
    }
}

fn outcome(result: Result<(), String>) -> Outcome {
    match result {
        Ok(()) => Outcome::Pass,
        Err(message) => Outcome::Fail(message),
    }
}
