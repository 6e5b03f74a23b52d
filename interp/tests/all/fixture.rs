//! One translated module with its store and instance, for the tests of fused forms: it checks
//! that the interpreter's listing uses every form a test file is about, so that a change that
//! stops fusing cannot leave those cases untested.

use mote_core::{Config, Engine, Instance, Module, Store, TrapCode};

pub(crate) struct Fixture {
    /// The module's bytes.
    pub(crate) wasm: Vec<u8>,
    pub(crate) store: Store<()>,
    pub(crate) instance: Instance,
}

/// Translates `wat`, asserts that its interpreter code contains each of `forms`, and
/// instantiates it.
pub(crate) fn fixture(wat: &str, forms: &[&str]) -> Fixture {
    let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
    let wasm = wat::parse_str(wat).expect("valid text");
    let module = Module::new(&engine, &wasm).expect("translates");
    let listing = mote_interp::disassemble(&module).expect("interpreter code");
    for form in forms {
        assert!(listing.contains(form), "{form} not used:\n{listing}");
    }
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    Fixture {
        wasm,
        store,
        instance,
    }
}

impl Fixture {
    /// Calls export `name`; a trap gives its code.
    pub(crate) fn call<P: mote_core::WasmParams, R: mote_core::WasmResults>(
        &mut self,
        name: &str,
        params: P,
    ) -> Result<R, TrapCode> {
        let func = self
            .instance
            .get_typed_func::<P, R>(&self.store, name)
            .expect("export");
        func.call(&mut self.store, params)
            .map_err(|e| e.trap_code().expect("a trap"))
    }

    /// The exported memory's bytes.
    pub(crate) fn memory(&mut self) -> &mut [u8] {
        let memory = self
            .instance
            .get_memory(&self.store, "memory")
            .expect("exported");
        memory.data_mut(&mut self.store)
    }
}
