//! The call driver: runs an engine's [`Execution`], serving host calls, fuel exhaustion and
//! yields. Host functions run here, not inside the engine, so the engines never see `T`.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use super::{Caller, Func};
use crate::context::AsContextMut;
use crate::engine::{Execution, RunOutcome};
use crate::error::{Error, Message};
use crate::instance::Instance;
use crate::store::{FuncKind, Store};
use crate::trap::TrapCode;
use crate::value::{RawVal, Val};

/// How a resumable call ended.
#[derive(Debug)]
pub enum CallOutcome {
    /// The call returned; the results are written.
    Finished,
    /// The call is suspended; resume it with [`SuspendedCall::resume`].
    Suspended(SuspendedCall),
}

/// Why a call is suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuspendReason {
    /// The store ran out of fuel; `required` more is needed to make progress.
    OutOfFuel {
        /// Fuel needed for the next step.
        required: u64,
    },
    /// A host function asked to yield.
    Yield,
}

/// A suspended call: its frames and value stack, owned by the embedder until resumed.
pub struct SuspendedCall {
    func: Func,
    exec: Box<dyn Execution>,
    reason: SuspendReason,
}

impl core::fmt::Debug for SuspendedCall {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SuspendedCall")
            .field("func", &self.func)
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

impl SuspendedCall {
    /// Why the call is suspended.
    pub fn reason(&self) -> SuspendReason {
        self.reason
    }

    /// Continues the call in `store` (the store it started in). Results go to `results` when it
    /// finishes.
    ///
    /// # Errors
    /// A trap or host error; a usage error for the wrong store or result count.
    pub fn resume<T>(
        mut self,
        mut store: impl AsContextMut<Data = T>,
        results: &mut [Val],
    ) -> Result<CallOutcome, Error> {
        let store = store.as_context_mut().0;
        if self.func.store_id() != store.inner.id {
            return Err(Error::usage("resumed in a different store"));
        }
        match drive(store, &mut *self.exec, true)? {
            Step::Returned => {
                finish(store, self.func, &*self.exec, results)?;
                store.recycle(self.exec);
                Ok(CallOutcome::Finished)
            }
            Step::Suspended(reason) => {
                self.reason = reason;
                Ok(CallOutcome::Suspended(self))
            }
        }
    }
}

enum Step {
    Returned,
    Suspended(SuspendReason),
}

/// Calls `func`; with `resumable`, fuel exhaustion and yields suspend instead of trapping.
pub(super) fn call<T>(
    store: &mut Store<T>,
    func: Func,
    params: &[Val],
    results: &mut [Val],
    resumable: bool,
) -> Result<CallOutcome, Error> {
    if func.store_id() != store.inner.id {
        return Err(Error::usage(
            "function used with a store it does not belong to",
        ));
    }
    let entity = store.inner.funcs[func.index() as usize];
    let ty = store.inner.types.get(entity.ty).clone();
    if params.len() != ty.params().len() {
        return Err(Error::usage(Message::counts(
            "arguments",
            ty.params().len() as u64,
            params.len() as u64,
        )));
    }
    if results.len() != ty.results().len() {
        return Err(Error::usage(Message::counts(
            "result slots",
            ty.results().len() as u64,
            results.len() as u64,
        )));
    }
    let mut raw_params = Vec::with_capacity(params.len());
    for (i, (param, expected)) in params.iter().zip(ty.params()).enumerate() {
        if param.ty() != *expected {
            return Err(Error::usage(Message::item(
                "argument",
                i as u64,
                "its type differs from the parameter's",
            )));
        }
        raw_params.push(store.inner.raw_of(*param)?);
    }
    match entity.kind {
        FuncKind::Host { index } => {
            let mut raw_results = vec![0; results.len()];
            call_host(store, index, None, &raw_params, &mut raw_results)?;
            store.inner.yield_requested = false;
            write_results(store, &ty, &raw_results, results);
            Ok(CallOutcome::Finished)
        }
        FuncKind::Wasm { .. } => {
            let mut exec = store.take_execution();
            if let Err(trap) = exec.start(&mut store.inner, func.index(), &raw_params) {
                store.recycle(exec);
                return Err(trap.into());
            }
            match drive(store, &mut *exec, resumable) {
                Ok(Step::Returned) => {
                    finish(store, func, &*exec, results)?;
                    store.recycle(exec);
                    Ok(CallOutcome::Finished)
                }
                Ok(Step::Suspended(reason)) => {
                    Ok(CallOutcome::Suspended(SuspendedCall { func, exec, reason }))
                }
                Err(e) => {
                    store.recycle(exec);
                    Err(e)
                }
            }
        }
    }
}

/// Writes a typed call's arguments into their raw slots.
pub(super) type WriteArgs<'a> =
    dyn FnMut(&crate::store::StoreInner, &mut [RawVal]) -> Result<(), Error> + 'a;

/// Calls `func` for a [`TypedFunc`] with `counts` (parameters, results): `write` puts the
/// arguments into their raw slots, `read` takes the raw results. The buffer for both is here,
/// in one frame that is not inlined into the (generic) callers, which keeps it off their frames.
///
/// [`TypedFunc`]: super::TypedFunc
#[inline(never)]
pub(super) fn call_typed<T>(
    store: &mut Store<T>,
    func: Func,
    counts: (usize, usize),
    write: &mut WriteArgs<'_>,
    read: &mut dyn FnMut(&[RawVal]),
) -> Result<(), Error> {
    let mut values = [0 as RawVal; super::MAX_TYPED_ARITY];
    let (params, results) = counts;
    let (Some(args), true) = (values.get_mut(..params), results <= super::MAX_TYPED_ARITY) else {
        return Err(Error::usage(
            "too many parameters or results for a typed call",
        ));
    };
    write(&store.inner, args)?;
    call_raw(store, func, &mut values, params, results)?;
    read(&values[..results]);
    Ok(())
}

/// Calls `func` with the raw arguments in `values[..params]`, already checked against its type
/// (by [`TypedFunc`]), and writes the raw results to `values[..results]`. Not resumable:
/// running out of fuel traps.
///
/// [`TypedFunc`]: super::TypedFunc
fn call_raw<T>(
    store: &mut Store<T>,
    func: Func,
    values: &mut [RawVal],
    params: usize,
    results: usize,
) -> Result<(), Error> {
    if func.store_id() != store.inner.id {
        return Err(Error::usage(
            "function used with a store it does not belong to",
        ));
    }
    match store.inner.funcs[func.index() as usize].kind {
        FuncKind::Host { index } => call_host_raw(store, index, values, params, results),
        FuncKind::Wasm { .. } => {
            let mut exec = store.take_execution();
            let outcome = match exec.start(&mut store.inner, func.index(), &values[..params]) {
                Ok(()) => drive(store, &mut *exec, false),
                Err(trap) => Err(trap.into()),
            };
            if let Ok(Step::Returned) = outcome {
                let raw = exec.results();
                let n = raw.len().min(results);
                values[..n].copy_from_slice(&raw[..n]);
            }
            store.recycle(exec);
            match outcome {
                Ok(Step::Returned) => Ok(()),
                Ok(Step::Suspended(_)) => Err(Error::usage("call suspended unexpectedly")),
                Err(e) => Err(e),
            }
        }
    }
}

fn finish<T>(
    store: &Store<T>,
    func: Func,
    exec: &dyn Execution,
    results: &mut [Val],
) -> Result<(), Error> {
    let ty = store
        .inner
        .types
        .get(store.inner.funcs[func.index() as usize].ty);
    if results.len() != ty.results().len() {
        return Err(Error::usage("wrong number of result slots"));
    }
    write_results(store, ty, exec.results(), results);
    Ok(())
}

fn write_results<T>(
    store: &Store<T>,
    ty: &crate::types::FuncType,
    raw: &[RawVal],
    out: &mut [Val],
) {
    for ((slot, raw), t) in out.iter_mut().zip(raw).zip(ty.results()) {
        *slot = Val::from_raw(*raw, *t, store.inner.id);
    }
}

/// Calls host function `index` from the embedder with the raw arguments in `values[..params]`;
/// its results go to `values[..results]`.
#[inline(never)]
fn call_host_raw<T>(
    store: &mut Store<T>,
    index: u32,
    values: &mut [RawVal],
    params: usize,
    results: usize,
) -> Result<(), Error> {
    let (args, rest) = values.split_at_mut(params);
    if let Some(out) = rest.get_mut(..results) {
        call_host(store, index, None, args, out)?;
        values.copy_within(params..params + results, 0);
    } else {
        let mut out = vec![0; results];
        call_host(store, index, None, args, &mut out)?;
        values[..results].copy_from_slice(&out);
    }
    store.inner.yield_requested = false;
    Ok(())
}

/// Runs a host function.
pub(crate) fn call_host<T>(
    store: &mut Store<T>,
    host_index: u32,
    instance: Option<Instance>,
    args: &[RawVal],
    results: &mut [RawVal],
) -> Result<(), Error> {
    let host = store.host_funcs[host_index as usize].func.clone();
    host(Caller { store, instance }, args, results)
}

/// Runs `exec` like [`drive_unbounded`], counting it among the store's nested calls and
/// refusing to start when [`Limits::nested_calls`](crate::Limits::nested_calls) are running.
fn drive<T>(
    store: &mut Store<T>,
    exec: &mut dyn Execution,
    resumable: bool,
) -> Result<Step, Error> {
    if store.inner.nested_calls >= store.inner.limits.nested_calls {
        return Err(TrapCode::StackOverflow.into());
    }
    store.inner.nested_calls += 1;
    let step = drive_unbounded(store, exec, resumable);
    store.inner.nested_calls -= 1;
    step
}

/// Runs `exec` until it returns or suspends, serving host calls. (Host calls and traps are
/// handled out of line: their frames are on the stack only while they happen.)
fn drive_unbounded<T>(
    store: &mut Store<T>,
    exec: &mut dyn Execution,
    resumable: bool,
) -> Result<Step, Error> {
    loop {
        match exec.run(&mut store.inner) {
            RunOutcome::Returned => return Ok(Step::Returned),
            RunOutcome::HostCall { func } => {
                serve_host_call(store, exec, func)?;
                if core::mem::take(&mut store.inner.yield_requested) && resumable {
                    return Ok(Step::Suspended(SuspendReason::Yield));
                }
            }
            RunOutcome::OutOfFuel { required } => {
                if resumable {
                    return Ok(Step::Suspended(SuspendReason::OutOfFuel { required }));
                }
                return Err(TrapCode::OutOfFuel.into());
            }
            RunOutcome::Trap(trap) => return Err(trap_error(store, exec, trap)),
        }
    }
}

/// Runs the host function (store index `func`) that guest code called, and hands its results
/// back to the execution.
#[inline(never)]
fn serve_host_call<T>(
    store: &mut Store<T>,
    exec: &mut dyn Execution,
    func: u32,
) -> Result<(), Error> {
    let entity = store.inner.funcs[func as usize];
    let FuncKind::Host { index } = entity.kind else {
        return Err(Error::usage(
            "engine reported a host call to a Wasm function",
        ));
    };
    let Some(result_count) = store
        .host_funcs
        .get(index as usize)
        .map(|h| h.results as usize)
    else {
        return Err(Error::usage(
            "engine reported a call of an unknown host function",
        ));
    };
    let instance = exec
        .caller_instance()
        .map(|i| Instance::from_parts(store.inner.id, i));
    // Results of host calls: small on the stack, larger ones on the heap.
    let mut small = [0u64; 8];
    let mut heap_results: Vec<RawVal> = Vec::new();
    let results: &mut [RawVal] = if result_count <= small.len() {
        &mut small[..result_count]
    } else {
        heap_results.resize(result_count, 0);
        &mut heap_results
    };
    call_host(store, index, instance, exec.host_args(), results)?;
    exec.set_host_results(results);
    Ok(())
}

/// The error of a trap: the trap with the function it happened in and the Wasm backtrace.
#[cold]
#[inline(never)]
fn trap_error<T>(store: &Store<T>, exec: &dyn Execution, trap: crate::trap::Trap) -> Error {
    let mut error = Error::from(trap);
    if let Some(FuncKind::Wasm { instance, index }) = exec
        .trapped_func()
        .and_then(|f| store.inner.funcs.get(f as usize))
        .map(|e| e.kind)
    {
        let info = store.inner.instances[instance as usize].module.info();
        error = error.in_function(index, info.func_name(index));
    }
    let frames = exec
        .backtrace()
        .iter()
        .map(|frame| {
            let module = store
                .inner
                .instances
                .get(frame.instance as usize)
                .map(|i| i.module.info());
            crate::error::FrameInfo {
                func_index: frame.func_index,
                func_name: module
                    .and_then(|m| m.func_name(frame.func_index))
                    .map(Into::into),
                module_name: module.and_then(|m| m.name.as_deref()).map(Into::into),
                offset: frame.offset,
            }
        })
        .collect();
    error.with_backtrace(frames)
}
impl<T> Store<T> {
    fn take_execution(&mut self) -> Box<dyn Execution> {
        match self.exec_cache.take() {
            Some(exec) => exec,
            None => self
                .inner
                .engine
                .backend()
                .new_execution(self.inner.engine.config()),
        }
    }

    fn recycle(&mut self, mut exec: Box<dyn Execution>) {
        exec.reset();
        self.exec_cache = Some(exec);
    }
}
