//! `mote run` and `mote validate`: loading a module, linking it, calling a function and
//! reporting the outcome.

use std::borrow::Cow;
use std::path::Path;

use mote::{Config, Error, ErrorKind, Func, Limits, Linker, Module, Store, TrapCode, Val};
use mote_host_sim::{HostSim, Sink, Source};
use mote_platform::Platform;

use crate::Failure;
use crate::args::RunOptions;
use crate::values;

/// The first bytes of every binary module.
const WASM_MAGIC: &[u8] = b"\0asm";

/// The store's data: the platform of WASI-lite on the host-sim board (it also records the
/// status passed to `proc_exit`).
type Host = Platform<HostSim>;

/// Reads `file` and returns the binary module: the file itself when it starts with the Wasm
/// magic number, otherwise the file parsed as the text format.
fn load(file: &Path) -> Result<Vec<u8>, Failure> {
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::Error(format!("{}: cannot read file: {e}", file.display())))?;
    to_binary(file, bytes)
}

/// `bytes` (the contents of `file`) as a binary module: as they are when they start with the
/// Wasm magic number, otherwise parsed as the text format.
fn to_binary(file: &Path, bytes: Vec<u8>) -> Result<Vec<u8>, Failure> {
    if bytes.starts_with(WASM_MAGIC) {
        return Ok(bytes);
    }
    match wat::Parser::new().parse_bytes(Some(file), &bytes) {
        Ok(Cow::Borrowed(_)) => Ok(bytes),
        Ok(Cow::Owned(wasm)) => Ok(wasm),
        // The text parser's message already names the file, line and column.
        Err(e) => Err(Failure::Error(format!("cannot parse text module: {e}"))),
    }
}

/// `mote validate FILE`.
pub fn validate(file: &Path) -> Result<(), Failure> {
    let wasm = load(file)?;
    let engine = mote::engine(&Config::default());
    Module::validate(&engine, &wasm)
        .map_err(|e| Failure::Error(format!("{}: {e}", file.display())))?;
    println!("{}: valid", file.display());
    Ok(())
}

/// `mote disas FILE`: the interpreter code of every function.
pub fn disas(file: &Path) -> Result<(), Failure> {
    let wasm = load(file)?;
    let engine = mote::engine(&Config::default());
    let module = Module::new(&engine, &wasm)
        .map_err(|e| Failure::Error(format!("{}: {e}", file.display())))?;
    let listing = mote_interp::disassemble(&module).ok_or_else(|| {
        Failure::Error(format!(
            "{}: not compiled by the interpreter",
            file.display()
        ))
    })?;
    print!("{listing}");
    Ok(())
}

/// `mote compile FILE -o OUTPUT`.
pub fn compile(file: &Path, output: &Path, fuel: bool, debug_info: bool) -> Result<(), Failure> {
    let wasm = load(file)?;
    let mut config = Config::default();
    config.consume_fuel(fuel).debug_info(debug_info);
    let engine = mote::engine(&config);
    let image = mote::image::compile(&engine, &wasm)
        .map_err(|e| Failure::Error(format!("{}: {e}", file.display())))?;
    std::fs::write(output, &image)
        .map_err(|e| Failure::Error(format!("{}: cannot write image: {e}", output.display())))?;
    println!(
        "{}: {} bytes from {} ({} bytes)",
        output.display(),
        image.len(),
        file.display(),
        wasm.len()
    );
    Ok(())
}

/// The JIT engine for `--engine jit`.
#[cfg(target_pointer_width = "64")]
fn jit_engine(config: &Config) -> Result<mote::Engine, Failure> {
    mote::jit_engine(config).map_err(|e| Failure::Error(e.to_string()))
}

/// `--engine jit` on a host without the JIT.
#[cfg(not(target_pointer_width = "64"))]
fn jit_engine(_config: &Config) -> Result<mote::Engine, Failure> {
    Err(Failure::Error("the JIT needs a 64-bit host".into()))
}

/// `mote run ...`.
pub fn run(opts: &RunOptions) -> Result<(), Failure> {
    let file = opts.file.display().to_string();
    let raw = std::fs::read(&opts.file)
        .map_err(|e| Failure::Error(format!("{file}: cannot read file: {e}")))?;
    let is_image = raw.starts_with(&mote::image::MAGIC);
    // Read once: an image is used as it is, anything else is a module in either format.
    let wasm = if is_image {
        raw
    } else {
        to_binary(&opts.file, raw)?
    };

    let mut config = Config::new();
    if opts.fuel.is_some() {
        config.consume_fuel(true);
    }
    if let Some(bytes) = opts.max_memory {
        config.limits(Limits {
            memory_bytes: bytes,
            ..Limits::HOST
        });
    }
    let engine = if opts.jit {
        jit_engine(&config)?
    } else {
        mote::engine(&config)
    };
    let module = if is_image {
        Module::from_image_bytes(&engine, &wasm)
    } else {
        Module::new(&engine, &wasm)
    }
    .map_err(|e| Failure::Error(format!("{file}: {e}")))?;

    let trace = opts.trace.then_some(Sink::Stderr);
    let mut board = HostSim::with_io(Sink::Stdout, Sink::Stderr, Source::Stdin, trace);
    if let Some(celsius) = opts.sensor_temp {
        board.set_temperature(celsius);
    }
    let calls_start = opts.invoke.is_none();
    let mut argv = vec![file.clone()];
    if calls_start {
        argv.extend(opts.args.iter().cloned());
    }
    let platform = Platform::new(board, HostSim::manifest())
        .with_args(argv)
        .with_env(opts.env.iter().cloned());
    let mut store = Store::new(&engine, platform);
    if let Some(fuel) = opts.fuel {
        store
            .set_fuel(fuel)
            .map_err(|e| Failure::Error(format!("{file}: {e}")))?;
    }
    let linker = linker(&engine)?;
    // Instantiation runs the module's start function, which may trap or exit.
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| failure(&store, &file, "instantiating the module", opts.fuel, &e))?;

    let (name, func) = match &opts.invoke {
        Some(name) => match instance.get_export(&store, name) {
            Some(export) => match export.into_func() {
                Some(func) => (name.as_str(), func),
                None => {
                    return Err(Failure::Error(format!(
                        "{file}: export `{name}` is not a function"
                    )));
                }
            },
            None => {
                return Err(Failure::Error(format!(
                    "{file}: no export named `{name}`{}",
                    exported_funcs(&module)
                )));
            }
        },
        None => match instance.get_func(&store, "_start") {
            Some(func) => ("_start", func),
            // A module without `_start` may do its work in its start function, like a reactor
            // whose initialisation is the whole program.
            None if module.info().start.is_some() && opts.args.is_empty() => return Ok(()),
            None => {
                return Err(Failure::Usage(format!(
                    "{file} exports no `_start` function: choose one with --invoke NAME{}",
                    exported_funcs(&module)
                )));
            }
        },
    };

    // `_start` takes the arguments as the guest's argv (WASI `args_get`).
    let call_args: &[String] = if name == "_start" && calls_start {
        &[]
    } else {
        &opts.args
    };
    let params = arguments(&store, func, name, call_args)?;
    let ty = func.ty(&store);
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    let call = format!("calling `{name}`");
    func.call(&mut store, &params, &mut results)
        .map_err(|e| failure(&store, &file, &call, opts.fuel, &e))?;
    for result in &results {
        println!("{}", values::format(result));
    }
    Ok(())
}

/// The imports the tool can satisfy: WASI-lite levels 0 and 1 on the host-sim board.
fn linker(engine: &mote::Engine) -> Result<Linker<Host>, Failure> {
    let mut linker = Linker::new(engine);
    mote_platform::add_to_linker(&mut linker, |host: &mut Host| host)
        .map_err(|e| Failure::Error(format!("cannot set up host functions: {e}")))?;
    Ok(linker)
}

/// Converts the command-line arguments to the parameters of `func`.
fn arguments(
    store: &Store<Host>,
    func: Func,
    name: &str,
    args: &[String],
) -> Result<Vec<Val>, Failure> {
    let ty = func.ty(store);
    if args.len() != ty.params().len() {
        return Err(Failure::Usage(format!(
            "function `{name}` has type {ty}: it takes {} argument{}, but {} {} given",
            ty.params().len(),
            if ty.params().len() == 1 { "" } else { "s" },
            args.len(),
            if args.len() == 1 { "was" } else { "were" },
        )));
    }
    args.iter()
        .zip(ty.params())
        .enumerate()
        .map(|(i, (text, ty))| {
            values::parse(text, *ty).map_err(|message| {
                Failure::Usage(format!("argument {} of `{name}`: {message}", i + 1))
            })
        })
        .collect()
}

/// The message (or exit status) for an error while instantiating or calling.
fn failure(store: &Store<Host>, file: &str, doing: &str, fuel: Option<u64>, e: &Error) -> Failure {
    if let Some(code) = store.data().exit_code() {
        return Failure::Exit(code.cast_signed());
    }
    if let Some(code) = e.exit_code() {
        return Failure::Exit(code);
    }
    let mut message = format!("{file}: {doing}: ");
    match (e.trap_code(), fuel) {
        (Some(TrapCode::OutOfFuel), Some(fuel)) => {
            message.push_str(&format!("out of fuel after {fuel} units"));
            if let Some((index, name)) = e.function() {
                message.push_str(&function_label(index, name));
            }
        }
        _ => {
            // `Display` of `Error` names the cause, the byte offset and the function; the
            // alternate form adds the Wasm backtrace of a trap.
            message.push_str(&format!("{e:#}"));
            if let ErrorKind::Link { .. } = e.kind() {
                message.push_str(
                    "\n(the `mote` tool defines the WASI-lite imports of the host-sim board: \
                     `wasi_snapshot_preview1` and `mote:board`; see docs/wasi-lite.md)",
                );
            }
        }
    }
    Failure::Error(message)
}

fn function_label(index: u32, name: Option<&str>) -> String {
    match name {
        Some(name) => format!(" (in function {index} `{name}`)"),
        None => format!(" (in function {index})"),
    }
}

/// A list of the exported functions and their types, for messages.
fn exported_funcs(module: &Module) -> String {
    let lines: Vec<String> = module
        .exports()
        .filter_map(|(name, ty)| match ty {
            mote::ExternType::Func(ty) => Some(format!("\n  {name}: {ty}")),
            _ => None,
        })
        .collect();
    if lines.is_empty() {
        " (the module exports no functions)".to_owned()
    } else {
        format!("\nexported functions:{}", lines.concat())
    }
}
