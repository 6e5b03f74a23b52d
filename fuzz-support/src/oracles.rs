//! The single-runtime oracles behind the fuzz targets `decode_validate`, `translate` and
//! `execute`. Each takes the fuzzer's bytes and panics only on a Mote bug: a panic inside Mote,
//! an error of the wrong kind, a limit that was not enforced, or a store that is unusable after
//! a failure.

use arbitrary::{Result, Unstructured};
use mote::{
    CallOutcome, Caller, Engine, ErrorKind, Extern, ExternType, Func, Global, Instance, Limits,
    Memory, Module, Store, SuspendReason, SuspendedCall, Table, Val,
};

use crate::differential::hex;
use crate::generate::{self, Purpose};

/// Asserts that `e` is an error a hostile module may cause: anything but a usage error (which
/// would mean that Mote misused itself).
pub(crate) fn assert_acceptable(e: &mote::Error, what: &str, wasm: &[u8]) {
    // Formatting must not panic either.
    let message = e.to_string();
    assert!(
        !matches!(e.kind(), ErrorKind::Usage(_)),
        "{what}: unexpected usage error: {message}\n{}",
        hex(wasm)
    );
}

/// `decode_validate`: arbitrary bytes into `Module::new` and `Module::validate`, with the
/// default features and with every feature on. Both must agree, and errors must be of a
/// kind a bad module can cause.
pub fn decode_validate(data: &[u8]) {
    let everything = mote::Features {
        multi_memory: true,
        memory64: true,
        ..mote::Features::default()
    };
    for features in [mote::Features::default(), everything] {
        let engine = mote::engine(&generate::mote_config(features, Limits::HOST, false));
        let compiled = Module::new(&engine, data);
        let validated = Module::validate(&engine, data);
        match (&compiled, &validated) {
            (Ok(_), Ok(())) | (Err(_), Err(_)) => {}
            (Err(e), Ok(())) => assert!(
                matches!(
                    e.kind(),
                    ErrorKind::Unsupported { .. } | ErrorKind::Limit { .. }
                ),
                "validates but does not compile: {e}\n{}",
                hex(data)
            ),
            (Ok(_), Err(e)) => panic!("compiles but does not validate: {e}\n{}", hex(data)),
        }
        if let Err(e) = &compiled {
            assert_acceptable(e, "Module::new", data);
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::Malformed { .. }
                        | ErrorKind::Invalid { .. }
                        | ErrorKind::Unsupported { .. }
                        | ErrorKind::Limit { .. }
                ),
                "Module::new failed with an unexpected kind: {e}"
            );
        }
    }
}

/// `translate`: valid modules from `wasm-smith` (Mote's feature set) must compile, with fuel
/// metering on or off.
///
/// # Errors
/// When `data` is too short to generate a module.
pub fn translate(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let fuel = u.arbitrary()?;
    let (config, wasm) = generate::module(&mut u, Purpose::Translate)?;
    let features = generate::features_for(&config);
    let engine = mote::engine(&generate::mote_config(features, Limits::HOST, fuel));
    if let Err(e) = Module::new(&engine, &wasm) {
        panic!("a valid module does not compile: {e}\n{}", hex(&wasm));
    }
    Ok(())
}

/// Host state of `execute`: counts host calls, to yield or grow memory now and then.
#[derive(Debug, Default)]
pub struct HostState {
    pub(crate) calls: u64,
    pub(crate) yield_every: u64,
    pub(crate) grow_every: u64,
    /// The export name of the instance's first exported memory, which host functions grow.
    pub(crate) memory: Option<String>,
}

/// A dummy for every import of `module`: host functions that return zeros (and sometimes
/// yield, charge fuel or grow the caller's exported memory), and fresh memories, tables and
/// globals of the imported types.
///
/// # Errors
/// When the store's limits refuse a memory or table.
pub fn dummy_imports(
    store: &mut Store<HostState>,
    module: &Module,
) -> core::result::Result<Vec<Extern>, mote::Error> {
    let mut imports = Vec::new();
    for (_, _, ty) in module.imports() {
        imports.push(match ty {
            ExternType::Func(ty) => Extern::Func(Func::new(&mut *store, ty, host_function)),
            ExternType::Memory(ty) => Extern::Memory(Memory::new(&mut *store, ty)?),
            ExternType::Table(ty) => {
                Extern::Table(Table::new(&mut *store, ty, Val::null(ty.element))?)
            }
            ExternType::Global(ty) => {
                Extern::Global(Global::new(&mut *store, ty, Val::default_for(ty.content))?)
            }
        });
    }
    Ok(imports)
}

fn host_function(
    mut caller: Caller<'_, HostState>,
    _args: &[Val],
    _results: &mut [Val],
) -> core::result::Result<(), mote::Error> {
    let state = caller.data_mut();
    state.calls += 1;
    let calls = state.calls;
    let (yield_every, grow_every) = (state.yield_every, state.grow_every);
    if yield_every != 0 && calls.is_multiple_of(yield_every) {
        caller.request_yield();
    }
    if grow_every != 0 && calls.is_multiple_of(grow_every) {
        // A host function that grows memory under the guest: the executor must not keep a
        // stale view of it (wasmi PR #1999). Failure to grow is fine.
        let name = caller.data().memory.clone().unwrap_or_default();
        if let Some(Extern::Memory(memory)) = caller.get_export(&name) {
            let _ = memory.grow(&mut caller, 1);
        }
    }
    if caller.get_fuel().is_ok() {
        // Out of fuel here is a host error that traps the guest.
        caller.consume_fuel(1)?;
    }
    // The results stay the zeros of their types, as they arrive.
    Ok(())
}

/// `execute`: `wasm-smith` modules with dummy imports, under tiny limits on value stack, call
/// depth, memory, tables, instances and code bytes, with or without fuel. Calls are started,
/// suspended, interleaved, resumed and dropped. Any trap or limit error is fine; afterwards the
/// store must still work, and no memory or table may exceed its limit.
///
/// # Errors
/// When `data` is too short to generate a module.
pub fn execute(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let fuel = u.arbitrary()?;
    let limits = generate::tiny_limits(&mut u)?;
    let (config, wasm) = generate::module(&mut u, Purpose::Execute)?;
    let features = generate::features_for(&config);
    let engine = mote::engine(&generate::mote_config(features, limits, fuel));
    let module = match Module::new(&engine, &wasm) {
        Ok(module) => module,
        Err(e) => {
            assert!(
                matches!(e.kind(), ErrorKind::Limit { .. }),
                "a valid module does not compile: {e}\n{}",
                hex(&wasm)
            );
            return Ok(());
        }
    };
    let max_fuel = fuel.then_some(100_000);
    let Some((mut store, instance)) =
        instantiate_with_dummies(&mut u, &engine, &module, max_fuel, &wasm, "instantiation")?
    else {
        return Ok(());
    };
    run_calls(&mut u, &mut store, instance, fuel, &wasm)?;
    check_limits(&store, instance, &limits, &wasm);
    check_store_usable(&engine, &mut store, fuel);
    Ok(())
}

/// A store whose host functions yield and grow memory now and then (with up to `max_fuel`
/// fuel when metering), and an instance of `module` with dummy imports in it. `None` when
/// instantiation failed, after checking that the error is acceptable and the store usable.
///
/// # Errors
/// When the fuzzer's bytes run out.
pub(crate) fn instantiate_with_dummies(
    u: &mut Unstructured<'_>,
    engine: &Engine,
    module: &Module,
    max_fuel: Option<u64>,
    wasm: &[u8],
    what: &str,
) -> Result<Option<(Store<HostState>, Instance)>> {
    let mut store = Store::new(
        engine,
        HostState {
            calls: 0,
            yield_every: u.int_in_range(0..=4)?,
            grow_every: u.int_in_range(0..=4)?,
            memory: None,
        },
    );
    if let Some(max) = max_fuel {
        store.set_fuel(u.int_in_range(0..=max)?).ok();
    }
    let instance = match dummy_imports(&mut store, module)
        .and_then(|imports| Instance::new(&mut store, module, &imports))
    {
        Ok(instance) => instance,
        Err(e) => {
            assert_acceptable(&e, what, wasm);
            check_store_usable(engine, &mut store, max_fuel.is_some());
            return Ok(None);
        }
    };
    store.data_mut().memory = instance
        .exports(&store)
        .into_iter()
        .find_map(|(name, e)| matches!(e, Extern::Memory(_)).then(|| String::from(name)));
    Ok(Some((store, instance)))
}

/// Up to 16 steps, each starting a call of an export or resuming one of up to three suspended
/// calls; leftover suspended calls are dropped.
pub(crate) fn run_calls(
    u: &mut Unstructured<'_>,
    store: &mut Store<HostState>,
    instance: Instance,
    fuel: bool,
    wasm: &[u8],
) -> Result<()> {
    let funcs: Vec<Func> = instance
        .exports(&*store)
        .into_iter()
        .filter_map(|(_, e)| e.into_func())
        .collect();
    if funcs.is_empty() {
        return Ok(());
    }
    let mut suspended: Vec<(SuspendedCall, Vec<Val>)> = Vec::new();
    for _ in 0..u.int_in_range(1..=16)? {
        if fuel {
            store.set_fuel(u.int_in_range(0..=5000)?).ok();
        }
        let outcome = if !suspended.is_empty() && u.ratio(1, 2)? {
            let (call, mut results) = suspended.swap_remove(u.choose_index(suspended.len())?);
            call.resume(&mut *store, &mut results).map(|o| (o, results))
        } else {
            let func = *u.choose(&funcs)?;
            let ty = func.ty(&*store);
            let args = generate::args(u, ty.params())?;
            let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
            let outcome = if u.ratio(1, 4)? {
                func.call(&mut *store, &args, &mut results)
                    .map(|()| CallOutcome::Finished)
            } else {
                func.call_resumable(&mut *store, &args, &mut results)
            };
            outcome.map(|o| (o, results))
        };
        match outcome {
            Ok((CallOutcome::Finished, _)) => {}
            Ok((CallOutcome::Suspended(call), results)) => {
                if let SuspendReason::OutOfFuel { required } = call.reason() {
                    assert!(fuel && required > 0, "out of fuel without fuel metering");
                }
                if suspended.len() < 3 {
                    suspended.push((call, results));
                }
            }
            Err(e) => assert_acceptable(&e, "call", wasm),
        }
    }
    Ok(())
}

/// No memory or table of `instance` is larger than the limits allow.
fn check_limits(store: &Store<HostState>, instance: Instance, limits: &Limits, wasm: &[u8]) {
    for (name, ext) in instance.exports(store) {
        match ext {
            Extern::Memory(m) => assert!(
                m.data_size(store) as u64 <= limits.memory_bytes,
                "memory {name:?} has {} bytes, the limit is {}\n{}",
                m.data_size(store),
                limits.memory_bytes,
                hex(wasm)
            ),
            Extern::Table(t) => assert!(
                t.size(store) <= limits.table_elements,
                "table {name:?} has {} elements, the limit is {}\n{}",
                t.size(store),
                limits.table_elements,
                hex(wasm)
            ),
            _ => {}
        }
    }
}

/// After whatever happened, the store still runs host functions and fresh calls.
pub(crate) fn check_store_usable(engine: &Engine, store: &mut Store<HostState>, fuel: bool) {
    let add = Func::wrap(&mut *store, |a: i32, b: i32| a.wrapping_add(b));
    let mut out = [Val::I32(0)];
    if let Err(e) = add.call(&mut *store, &[Val::I32(2), Val::I32(3)], &mut out) {
        panic!("the store cannot call a host function after the run: {e}");
    }
    assert_eq!(out[0], Val::I32(5));
    if fuel {
        store.set_fuel(1000).ok();
    }
    // A fresh module still compiles for the same engine (its instance may exceed the limit on
    // instances, which is fine).
    let wasm = b"\0asm\x01\0\0\0";
    assert!(
        Module::new(engine, wasm).is_ok(),
        "the engine cannot compile an empty module"
    );
}
