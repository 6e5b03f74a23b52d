//! Integration tests of the JIT through the embedding API, most of them differential: the
//! interpreter runs the same module and must give the same answers.

mod calls;
mod epoch;
mod fuel;
mod guard;
mod hostile;
mod traps;

use mote_core::{Config, Engine, Instance, Linker, Module, Store};

/// Both engines for `config`: the interpreter first, then the JIT.
fn engines(config: &Config) -> [Engine; 2] {
    [
        Engine::new(config, mote_interp::Interpreter::new()),
        Engine::new(
            config,
            mote_jit::Jit::new().expect("tests run on a JIT host"),
        ),
    ]
}

/// Compiles `wat` for `engine`.
fn module(engine: &Engine, wat: &str) -> Module {
    let wasm = wat::parse_str(wat).expect("test modules are valid text");
    Module::new(engine, wasm).expect("test modules compile")
}

/// A store with data `data` and an instance of `wat` linked with `linker`.
fn instantiate<T>(engine: &Engine, linker: &Linker<T>, data: T, wat: &str) -> (Store<T>, Instance) {
    let module = module(engine, wat);
    let mut store = Store::new(engine, data);
    let instance = linker
        .instantiate(&mut store, &module)
        .expect("test modules instantiate");
    (store, instance)
}
