//! Integration tests of the `mote` crate: the command-line tool, the embedding API through the
//! facade, and property tests that feed the runtime random input. One test binary, several
//! modules, to keep link time down.
#![expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the tests reinterpret WebAssembly integers and floats bit for bit, as `as` does"
)]

mod api;
mod cli;
mod fuel;
mod host_stack;
mod limits;
mod limits_adversarial;
mod locals;
mod model;
mod ops;
mod programs;
mod proptest;
mod wasi_lite;

use mote::{Config, Engine, Instance, Linker, Module, Store};

/// Compiles `wat` for `engine`.
fn module(engine: &Engine, wat: &str) -> Module {
    let wasm = wat::parse_str(wat).expect("test modules are valid text");
    Module::new(engine, wasm).expect("test modules compile")
}

/// An engine for `config`, a store with unit data, and an instance of `wat` without imports.
fn instantiate(config: &Config, wat: &str) -> (Store<()>, Instance) {
    let engine = mote::engine(config);
    let module = module(&engine, wat);
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("test modules instantiate");
    (store, instance)
}
