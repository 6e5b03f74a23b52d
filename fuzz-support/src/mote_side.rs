//! Mote under test: instantiation, calls in three fuel modes (off, plenty, small resumable
//! slices), and snapshots of the exported state.

use mote::{
    CallOutcome, Engine, Extern, Instance, Limits, Module, Store, SuspendReason, Val, ValType,
};

use crate::outcome::{Outcome, Snapshot, TrapKind, Value};

/// How Mote meters fuel during a differential run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuelMode {
    /// Fuel metering off.
    Off,
    /// Metering on, with far more fuel than any generated program needs, through `Func::call`.
    Plenty,
    /// Metering on; the call goes through `Func::call_resumable` with this much fuel, and every
    /// suspension is resumed with another slice (at least what the suspension asks for).
    Slices(u64),
}

/// Which Mote engine runs the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoteEngine {
    /// The interpreter (`mote::Interpreter`).
    Interp,
    /// The Cranelift JIT (`mote_jit::Jit`), on 64-bit hosts.
    #[cfg(target_pointer_width = "64")]
    Jit,
}

impl MoteEngine {
    /// Every engine this host has; the differential oracle runs each of them.
    pub const ALL: &'static [MoteEngine] = &[
        MoteEngine::Interp,
        #[cfg(target_pointer_width = "64")]
        MoteEngine::Jit,
    ];

    /// An engine of this kind for `config`.
    ///
    /// # Panics
    /// When the JIT cannot run on this host (a fuzzing setup error, not a finding).
    pub fn engine(self, config: &mote::Config) -> Engine {
        match self {
            MoteEngine::Interp => mote::engine(config),
            #[cfg(target_pointer_width = "64")]
            MoteEngine::Jit => match mote_jit::Jit::new() {
                Ok(jit) => Engine::new(config, jit),
                Err(e) => panic!("the JIT cannot run on this host: {e}"),
            },
        }
    }
}

/// Resumptions after which a sliced call counts as hung (generated programs are bounded by
/// `wasm-smith`'s injected fuel global, so no correct run gets near this).
pub const MAX_RESUMES: u64 = 2_000_000;

/// A Mote instance of one module, in its own store.
#[derive(Debug)]
pub struct MoteRun {
    store: Store<()>,
    instance: Instance,
    fuel: FuelMode,
    /// Total resumptions over all calls, for tests of the harness.
    pub resumes: u64,
}

/// Maps a Mote error to an outcome.
pub fn outcome_of_error(e: &mote::Error) -> Outcome {
    if let Some(code) = e.trap_code() {
        return match TrapKind::from_mote(code) {
            Some(kind) => Outcome::Trapped(kind),
            None => Outcome::Exhausted(e.to_string()),
        };
    }
    match e.kind() {
        mote::ErrorKind::Limit { .. } | mote::ErrorKind::OutOfMemory { .. } => {
            Outcome::Exhausted(e.to_string())
        }
        _ => Outcome::Failed(e.to_string()),
    }
}

impl MoteRun {
    /// Compiles and instantiates `wasm` (no imports) with `features`, `limits` and `fuel`, in
    /// the interpreter.
    ///
    /// # Errors
    /// The outcome of a failed compilation or instantiation.
    pub fn new(
        wasm: &[u8],
        features: mote::Features,
        limits: Limits,
        fuel: FuelMode,
    ) -> Result<MoteRun, Outcome> {
        Self::with_engine(MoteEngine::Interp, wasm, features, limits, fuel)
    }

    /// [`MoteRun::new`] with the engine `kind`.
    ///
    /// # Errors
    /// The outcome of a failed compilation or instantiation.
    pub fn with_engine(
        kind: MoteEngine,
        wasm: &[u8],
        features: mote::Features,
        limits: Limits,
        fuel: FuelMode,
    ) -> Result<MoteRun, Outcome> {
        let config = crate::generate::mote_config(features, limits, fuel != FuelMode::Off);
        let engine: Engine = kind.engine(&config);
        let module = Module::new(&engine, wasm).map_err(|e| outcome_of_error(&e))?;
        let mut store = Store::new(&engine, ());
        if fuel != FuelMode::Off {
            // The start function runs during instantiation, with plain calls: give it plenty.
            store
                .set_fuel(1 << 40)
                .map_err(|e| Outcome::Failed(e.to_string()))?;
        }
        let instance = Instance::new(&mut store, &module, &[]).map_err(|e| outcome_of_error(&e))?;
        Ok(MoteRun {
            store,
            instance,
            fuel,
            resumes: 0,
        })
    }

    /// Exported functions: name, parameter types and result types, sorted by export name.
    pub fn exported_funcs(&self) -> Vec<(String, Vec<ValType>, Vec<ValType>)> {
        self.instance
            .exports(&self.store)
            .into_iter()
            .filter_map(|(name, ext)| {
                let func = ext.into_func()?;
                let ty = func.ty(&self.store);
                Some((name.into(), ty.params().to_vec(), ty.results().to_vec()))
            })
            .collect()
    }

    /// Calls export `name` with `args`.
    pub fn call(&mut self, name: &str, args: &[Val]) -> Outcome {
        let Some(func) = self.instance.get_func(&self.store, name) else {
            return Outcome::Failed(format!("no exported function {name:?}"));
        };
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let result = match self.fuel {
            FuelMode::Off => func.call(&mut self.store, args, &mut results),
            FuelMode::Plenty => self
                .store
                .set_fuel(1 << 40)
                .and_then(|()| func.call(&mut self.store, args, &mut results)),
            FuelMode::Slices(slice) => self.call_sliced(func, slice, args, &mut results),
        };
        match result {
            Ok(()) => Outcome::Returned(results.into_iter().map(Value::from).collect()),
            Err(e) => outcome_of_error(&e),
        }
    }

    fn call_sliced(
        &mut self,
        func: mote::Func,
        slice: u64,
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), mote::Error> {
        self.store.set_fuel(slice)?;
        let mut outcome = func.call_resumable(&mut self.store, args, results)?;
        let mut resumes = 0u64;
        loop {
            let suspended = match outcome {
                CallOutcome::Finished => return Ok(()),
                CallOutcome::Suspended(s) => s,
            };
            resumes += 1;
            self.resumes += 1;
            assert!(
                resumes <= MAX_RESUMES,
                "a sliced call did not finish after {MAX_RESUMES} resumptions: it makes no progress"
            );
            match suspended.reason() {
                SuspendReason::OutOfFuel { required } => {
                    assert!(required > 0, "suspended for want of zero fuel");
                    self.store.set_fuel(slice.max(required))?;
                }
                SuspendReason::Yield => {
                    panic!("a call without host functions was suspended by a yield")
                }
            }
            outcome = suspended.resume(&mut self.store, results)?;
        }
    }

    /// The exported globals, memories and tables, sorted by export name.
    pub fn snapshot(&self) -> Snapshot {
        let mut snap = Snapshot::default();
        for (name, ext) in self.instance.exports(&self.store) {
            let name = String::from(name);
            match ext {
                Extern::Global(g) => snap.globals.push((name, g.get(&self.store).into())),
                Extern::Memory(m) => snap.memories.push((name, m.data(&self.store).to_vec())),
                Extern::Table(t) => {
                    let size = t.size(&self.store);
                    let nulls = (0..size)
                        .map(|i| match t.get(&self.store, i) {
                            Some(Val::FuncRef(r)) => r.is_none(),
                            Some(Val::ExternRef(r)) => r.is_none(),
                            _ => true,
                        })
                        .collect();
                    snap.tables.push((name, nulls));
                }
                Extern::Func(_) => {}
            }
        }
        snap.sorted()
    }

    /// The store, for further checks.
    pub fn store_mut(&mut self) -> &mut Store<()> {
        &mut self.store
    }
}
