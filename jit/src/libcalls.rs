//! Runtime calls: the `extern "C"` functions that compiled code calls (by absolute address)
//! for traps, fuel exhaustion, host and cross-instance calls, `call_indirect` and the
//! operators left to [`crate::runtime`]. Also the one place that calls into compiled code.
//!
//! Be careful when changing this module. Every function here runs on the guest's coroutine
//! stack, below compiled frames, and may never return to them: a trap suspends the coroutine
//! for good and the execution discards its stack without unwinding
//! ([`corosensei::Coroutine::force_reset`]). So:
//! - no function here may hold a value that needs `Drop` across a suspension or a call into
//!   compiled code (it would be leaked, never double-freed);
//! - no reference into the store may live across a suspension: the next `run` may pass a
//!   store at another address. Re-read `RunState::store` after every suspension;
//! - nothing here may panic (a panic cannot unwind through compiled frames).

use mote_core::engine::{BacktraceFrame, RunOutcome};
use mote_core::store::{FuncKind, StoreInner};
use mote_core::{RawVal, Trap, TrapCode};

use crate::runtime;
use crate::vmctx::{Entry, RunState, VmCtx};

/// The signature of a trampoline: `(vmctx, code, values)`; see [`crate::compile`].
type Trampoline = unsafe extern "C" fn(*mut VmCtx, usize, *mut RawVal);

/// Every trap code compiled code can raise, by its number.
const TRAP_CODES: [TrapCode; 11] = [
    TrapCode::Unreachable,
    TrapCode::MemoryOutOfBounds,
    TrapCode::TableOutOfBounds,
    TrapCode::UndefinedElement,
    TrapCode::IndirectCallToNull,
    TrapCode::BadSignature,
    TrapCode::IntegerOverflow,
    TrapCode::IntegerDivisionByZero,
    TrapCode::BadConversionToInteger,
    TrapCode::StackOverflow,
    TrapCode::Interrupt,
];

/// The number of `code` in calls to [`raise`].
pub(crate) fn encode_trap(code: TrapCode) -> u32 {
    let index = TRAP_CODES.iter().position(|c| *c == code).unwrap_or(0);
    u32::try_from(index).unwrap_or(0)
}

pub(crate) fn decode_trap(code: u32) -> TrapCode {
    TRAP_CODES
        .get(code as usize)
        .copied()
        .unwrap_or(TrapCode::HostTrap)
}

/// Calls compiled function `code` through `trampoline` with the raw arguments in `values`;
/// the results replace them.
///
/// # Safety
/// - `trampoline` is the trampoline of the function's type, and `code` the function's entry,
///   both in code memory that stays mapped for the call;
/// - `vmctx` is the refreshed context of the function's instance, owned by the running call's
///   [`RunState`], and the call runs on the coroutine of that call;
/// - `values` points to at least `max(params, results)` writable raw values.
pub(crate) unsafe fn call_compiled(
    trampoline: usize,
    vmctx: *mut VmCtx,
    code: usize,
    values: *mut RawVal,
) {
    // SAFETY: `trampoline` is the address of a trampoline compiled with the host calling
    // convention and this signature (caller's contract); function pointers and `usize` have
    // the same size on the 64-bit hosts this crate supports.
    let f: Trampoline = unsafe { core::mem::transmute::<usize, Trampoline>(trampoline) };
    // SAFETY: the caller guarantees the context, code and value buffer are valid.
    unsafe { f(vmctx, code, values) }
}

/// The run state behind a context.
///
/// # Safety
/// `vmctx` is a context that compiled code received from this crate, during the run of its
/// call (so its `run` pointer and the run's `store` pointer are valid).
unsafe fn run_of(vmctx: *mut VmCtx) -> (*mut RunState, u32, usize) {
    // SAFETY: the caller guarantees `vmctx` is a live context.
    let ctx = unsafe { &*vmctx };
    (ctx.run, ctx.instance, ctx.exit_fp)
}

/// Where compiled code calls the runtime from: the module function index in the low 32 bits,
/// the byte offset of the operator in the high 32 bits (`u32::MAX` when unknown).
pub(crate) type Site = u64;

/// Most frames a backtrace records.
const MAX_BACKTRACE: usize = 100_000;

/// Records the backtrace of a trap: the trapping function (`func_index` at `offset`), then its
/// callers, found by following frame records from `fp` (the trapping function's frame
/// pointer) as long as the return address lies in a compiled function of the same module.
/// At a trampoline (an entry from the runtime: a call of another instance's function) the
/// walk goes on from the caller recorded in [`RunState::entries`].
///
/// # Safety
/// `run` is the running call's state; `fp` is 0 or a frame pointer that compiled code saved
/// during this run.
unsafe fn record_backtrace(
    run: *mut RunState,
    instance: u32,
    func_index: u32,
    offset: Option<u32>,
    fp: usize,
) {
    // SAFETY: the caller guarantees `run` is live and not otherwise borrowed.
    let state = unsafe { &mut *run };
    state.backtrace.clear();
    let mut segment = Some((instance, func_index, offset, fp));
    let mut entries = state.entries.len();
    while let Some((instance, func_index, offset, fp)) = segment {
        state.backtrace.push(BacktraceFrame {
            instance,
            func_index,
            offset,
        });
        // SAFETY: forwarded contract.
        unsafe { walk_frames(state, instance, fp) };
        segment = entries.checked_sub(1).map(|i| {
            entries = i;
            let entry = state.entries[i];
            let (func_index, offset) = split_site(entry.site);
            (entry.instance, func_index, offset, entry.fp)
        });
    }
}

/// Appends the callers of the frame at `fp` that are compiled functions of `instance`'s
/// module, up to the first frame that is not.
///
/// # Safety
/// `fp` is 0 or a frame pointer that compiled code of `instance` saved during this run.
unsafe fn walk_frames(state: &mut RunState, instance: u32, mut fp: usize) {
    let Some(ctx) = state.instances.get(&instance) else {
        return;
    };
    let imported = ctx.module.info().imported_funcs;
    while fp.is_multiple_of(8)
        && state.stack_range.contains(&fp)
        && state.stack_range.contains(&(fp + 8))
        && state.backtrace.len() < MAX_BACKTRACE
    {
        // SAFETY: `fp` is 8-aligned and inside the coroutine stack, which is mapped for the
        // whole run: reading it is defined whatever it holds. It is a frame record (saved
        // frame pointer, then return address) because it was saved by compiled code, which
        // keeps frame pointers, or read from such a record below after checking that the
        // return address is in a compiled function.
        let (caller_fp, ret) = unsafe {
            (
                core::ptr::read(fp as *const usize),
                core::ptr::read((fp + 8) as *const usize),
            )
        };
        let Some((defined, offset)) = ctx.code.lookup(ret.wrapping_sub(1)) else {
            break;
        };
        state.backtrace.push(BacktraceFrame {
            instance,
            func_index: imported + defined,
            offset,
        });
        fp = caller_fp;
    }
}

/// The function index and byte offset of a site.
fn split_site(site: Site) -> (u32, Option<u32>) {
    #[expect(clippy::cast_possible_truncation, reason = "the halves of a site")]
    let (func_index, offset) = (site as u32, (site >> 32) as u32);
    (func_index, (offset != u32::MAX).then_some(offset))
}

/// Suspends the coroutine with a trap with `code` at `site`, and never continues. `fp` is
/// the frame pointer of the function at `site` (for the backtrace).
///
/// # Safety
/// `run` is the running call's state, on its coroutine; `fp` as in [`record_backtrace`].
pub(crate) unsafe fn raise_trap(
    run: *mut RunState,
    instance: u32,
    code: TrapCode,
    site: Site,
    fp: usize,
) -> ! {
    let (func_index, offset) = split_site(site);
    // SAFETY: forwarded contract.
    unsafe { record_backtrace(run, instance, func_index, offset, fp) };
    // SAFETY: the caller guarantees `run` is live; the store pointer is valid during the run.
    let (yielder, trapped) = unsafe {
        let store = &*(*run).store;
        let trapped = store
            .instances
            .get(instance as usize)
            .and_then(|i| i.funcs.get(func_index as usize))
            .copied();
        (&*(*run).yielder, trapped)
    };
    // SAFETY: as above; no other reference to the run state is live here.
    unsafe { (*run).trapped_func = trapped };
    let outcome = RunOutcome::Trap(Trap::at(code, func_index, offset));
    loop {
        // The execution discards the coroutine after a trap; never resumed.
        yielder.suspend(outcome);
    }
}

/// Suspends the call until the embedder adds fuel; compiled code then checks again.
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn out_of_fuel(vmctx: *mut VmCtx, required: u64) {
    // SAFETY: compiled code passes its live context.
    let (run, _, _) = unsafe { run_of(vmctx) };
    // SAFETY: the yielder lives on the coroutine's first frame for the whole run.
    let yielder = unsafe { &*(*run).yielder };
    yielder.suspend(RunOutcome::OutOfFuel { required });
}

/// How a call through the runtime is made, for the interpreter's stack accounting.
#[derive(Clone, Copy)]
struct CallShape {
    /// Where the arguments start in the caller's interpreter frame.
    base: u32,
    /// A tail call: a Wasm callee replaces the caller's frame.
    tail: bool,
}

/// Traps with stack exhaustion unless `fp + offset + slots` fits the interpreter's value stack.
///
/// # Safety
/// As [`raise_trap`].
unsafe fn check_slots(run: *mut RunState, instance: u32, site: Site, fp: usize, need: u64) {
    // SAFETY: `run` is live; the reference ends here.
    let limits = unsafe { (*run).limits };
    if limits.fp.saturating_add(need) > limits.max_slots {
        // SAFETY: forwarded contract.
        unsafe { raise_trap(run, instance, TrapCode::StackOverflow, site, fp) }
    }
}

/// Calls store function `func` with the raw values at `values`, on behalf of function
/// `caller` of instance `instance`. Host functions suspend the coroutine; the driver runs them.
///
/// # Safety
/// `run` is the live run state; `values` holds `max(params, results)` raw values.
unsafe fn call_store_func(
    run: *mut RunState,
    instance: u32,
    func: u32,
    values: *mut RawVal,
    site: Site,
    fp: usize,
    shape: CallShape,
) {
    // SAFETY: the run state and its store are valid during the run; the references end
    // before any suspension or call into compiled code.
    let (kind, params, results) = unsafe {
        let store: &StoreInner = &*(*run).store;
        let entity = store.funcs[func as usize];
        let ty = store.types.get(entity.ty);
        (entity.kind, ty.params().len(), ty.results().len())
    };
    match kind {
        FuncKind::Host { .. } => {
            // The interpreter reserves the arguments and results above `base`.
            let need = u64::from(shape.base) + params.max(results) as u64;
            // SAFETY: forwarded contract.
            unsafe { check_slots(run, instance, site, fp, need) };
            {
                // SAFETY: `run` is live and not otherwise borrowed; `values` holds `params`
                // values (caller's contract).
                let state = unsafe { &mut *run };
                // The driver reads the arguments from, and writes the results to, the
                // caller's buffer itself: it stays where it is on the suspended coroutine's
                // stack until the resumption below.
                state.host_values = values;
                state.host_params = params;
                state.host_results = results;
                state.caller_instance = Some(instance);
            }
            // SAFETY: the yielder lives on the coroutine's first frame for the whole run.
            let yielder = unsafe { &*(*run).yielder };
            yielder.suspend(RunOutcome::HostCall { func });
            // SAFETY: resumed by `run`; the results are in `values`.
            unsafe {
                let state = &mut *run;
                state.caller_instance = None;
                state.clear_host_call();
            }
        }
        FuncKind::Wasm {
            instance: callee_instance,
            index,
        } => {
            // SAFETY: `run` and its store are live; the references end before the call.
            let entry = unsafe {
                let state = &mut *run;
                let store = &mut *state.store;
                match state.instance_ctx(store, callee_instance, run) {
                    Ok(vmctx) => {
                        let ctx = &state.instances[&callee_instance];
                        let info = ctx.module.info();
                        let defined = (index - info.imported_funcs) as usize;
                        let ty = info.funcs[index as usize] as usize;
                        Some((
                            ctx.code.trampolines[ty],
                            vmctx,
                            ctx.code.func_code[defined],
                            ctx.code.frame_slots[defined],
                        ))
                    }
                    Err(_) => None,
                }
            };
            let Some((trampoline, vmctx, code, slots)) = entry else {
                // SAFETY: `run` is live.
                unsafe { raise_trap(run, instance, TrapCode::HostTrap, site, fp) }
            };
            // As the interpreter: a tail call replaces the frame (no depth, the callee's
            // frame at the current frame pointer); a call checks the depth, then the slots.
            let base = if shape.tail { 0 } else { u64::from(shape.base) };
            // SAFETY: `run` is live; the reference ends before the call.
            if !shape.tail && unsafe { (*run).limits.depth_left } == 0 {
                // SAFETY: `run` is live.
                unsafe { raise_trap(run, instance, TrapCode::StackOverflow, site, fp) }
            }
            // SAFETY: forwarded contract.
            unsafe { check_slots(run, instance, site, fp, base + u64::from(slots)) };
            // SAFETY: as above.
            let saved = unsafe { (*run).limits };
            if !shape.tail {
                // SAFETY: as above.
                unsafe {
                    (*run).limits.depth_left -= 1;
                    (*run).limits.fp += base;
                }
            }
            // The caller, for backtraces that cross into the callee's instance.
            // SAFETY: as above.
            unsafe { (*run).entries.push(Entry { instance, site, fp }) };
            // SAFETY: the trampoline and code belong to the callee's module, kept alive by
            // its context; `values` satisfies the caller's contract.
            unsafe { call_compiled(trampoline, vmctx, code, values) };
            // SAFETY: as above.
            unsafe {
                (*run).entries.pop();
                (*run).limits.depth_left = saved.depth_left;
                (*run).limits.fp = saved.fp;
            }
        }
    }
}

/// `call` of imported function `import`.
///
/// # Safety
/// Called by compiled code only, with its own context and a buffer of
/// `max(params, results)` raw values.
pub(crate) unsafe extern "C" fn call_import(
    vmctx: *mut VmCtx,
    import: u32,
    values: *mut RawVal,
    site: Site,
    base: u32,
    tail: u32,
) {
    // SAFETY: compiled code passes its live context.
    let (run, instance, fp) = unsafe { run_of(vmctx) };
    // SAFETY: the store is valid during the run; the reference ends here.
    let func = unsafe { (&*(*run).store).instances[instance as usize].funcs[import as usize] };
    // SAFETY: forwarded contract.
    unsafe {
        call_store_func(
            run,
            instance,
            func,
            values,
            site,
            fp,
            CallShape {
                base,
                tail: tail != 0,
            },
        )
    }
}

/// `call` of store function `func` (a host function that `call_indirect` resolved).
///
/// # Safety
/// As [`call_import`].
pub(crate) unsafe extern "C" fn call_func(
    vmctx: *mut VmCtx,
    func: u32,
    values: *mut RawVal,
    site: Site,
    base: u32,
    tail: u32,
) {
    // SAFETY: compiled code passes its live context.
    let (run, instance, fp) = unsafe { run_of(vmctx) };
    // SAFETY: forwarded contract.
    unsafe {
        call_store_func(
            run,
            instance,
            func,
            values,
            site,
            fp,
            CallShape {
                base,
                tail: tail != 0,
            },
        )
    }
}

/// `call_indirect`: resolves element `elem` of `table` and checks it (bounds, null,
/// signature). For a Wasm function, writes its entry address and its instance's context to
/// `out[0]` and `out[1]` and returns 1; for a host function, writes its store index to
/// `out[0]` and returns 0.
///
/// # Safety
/// Called by compiled code only, with its own context; `out` holds two raw values.
pub(crate) unsafe extern "C" fn resolve_indirect(
    vmctx: *mut VmCtx,
    table: u32,
    elem: u32,
    type_index: u32,
    out: *mut RawVal,
    base: u32,
    site: Site,
) -> u32 {
    // SAFETY: compiled code passes its live context.
    let (run, instance, fp) = unsafe { run_of(vmctx) };
    // SAFETY: the run state and store are valid during the run; the references end before
    // this function returns, and nothing here suspends.
    let resolved = unsafe {
        let state = &mut *run;
        let store = &mut *state.store;
        runtime::resolve_indirect(store, instance, table, elem, type_index).and_then(|func| {
            match store.funcs[func as usize].kind {
                FuncKind::Host { .. } => Ok((0, u64::from(func), 0)),
                FuncKind::Wasm {
                    instance: callee_instance,
                    index,
                } => {
                    let callee_vmctx = state.instance_ctx(store, callee_instance, run)?;
                    let ctx = &state.instances[&callee_instance];
                    let defined = (index - ctx.module.info().imported_funcs) as usize;
                    let code = ctx.code.func_code[defined];
                    // The interpreter's value-stack check for the callee's frame.
                    let need = u64::from(base) + u64::from(ctx.code.frame_slots[defined]);
                    if state.limits.fp.saturating_add(need) > state.limits.max_slots {
                        return Err(TrapCode::StackOverflow);
                    }
                    Ok((1, code as u64, callee_vmctx as u64))
                }
            }
        })
    };
    match resolved {
        Ok((kind, a, b)) => {
            // SAFETY: `out` holds two raw values (caller's contract).
            unsafe {
                out.write(a);
                out.add(1).write(b);
            }
            kind
        }
        // SAFETY: `run` is live.
        Err(code) => unsafe { raise_trap(run, instance, code, site, fp) },
    }
}

/// Runs `f` with the store of the context's call; raises its trap, if any.
///
/// # Safety
/// `vmctx` is the live context of compiled code; `f` must not call into compiled code.
unsafe fn with_store<R>(
    vmctx: *mut VmCtx,
    site: Site,
    f: impl FnOnce(&mut StoreInner, u32) -> Result<R, TrapCode>,
) -> R {
    // SAFETY: compiled code passes its live context.
    let (run, instance, fp) = unsafe { run_of(vmctx) };
    // SAFETY: the store is valid during the run; the reference ends before any suspension.
    let result = f(unsafe { &mut *(*run).store }, instance);
    match result {
        Ok(r) => r,
        // SAFETY: `run` is live.
        Err(code) => unsafe { raise_trap(run, instance, code, site, fp) },
    }
}

/// Refreshes every context of the call after a memory may have moved.
///
/// # Safety
/// `vmctx` is the live context of compiled code.
unsafe fn refresh(vmctx: *mut VmCtx) {
    // SAFETY: compiled code passes its live context; nothing else borrows the run state.
    unsafe {
        let (run, _, _) = run_of(vmctx);
        let store = &mut *(*run).store;
        (*run).refresh_all(store);
    }
}

/// `memory.grow`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn memory_grow(
    vmctx: *mut VmCtx,
    mem: u32,
    delta: u32,
    site: Site,
) -> u32 {
    // SAFETY: forwarded contract.
    let old = unsafe {
        with_store(vmctx, site, |s, i| {
            Ok(runtime::memory_grow(s, i, mem, delta))
        })
    };
    // SAFETY: forwarded contract.
    unsafe { refresh(vmctx) };
    old
}

/// `memory.fill`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn memory_fill(
    vmctx: *mut VmCtx,
    mem: u32,
    dst: u32,
    value: u32,
    len: u32,
    site: Site,
) {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            runtime::memory_fill(s, i, mem, dst, value, len)
        });
    }
}

/// `memory.copy`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn memory_copy(
    vmctx: *mut VmCtx,
    dst_mem: u32,
    src_mem: u32,
    dst: u32,
    src: u32,
    len: u32,
    site: Site,
) {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            runtime::memory_copy(s, i, dst_mem, src_mem, dst, src, len)
        });
    }
}

/// `memory.init`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn memory_init(
    vmctx: *mut VmCtx,
    mem: u32,
    data: u32,
    dst: u32,
    src: u32,
    len: u32,
    site: Site,
) {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            runtime::memory_init(s, i, mem, data, dst, src, len)
        });
    }
}

/// `data.drop`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn data_drop(vmctx: *mut VmCtx, data: u32, site: Site) {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            runtime::data_drop(s, i, data);
            Ok(())
        });
    }
}

/// `table.get`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn table_get(
    vmctx: *mut VmCtx,
    table: u32,
    index: u32,
    site: Site,
) -> RawVal {
    // SAFETY: forwarded contract.
    unsafe { with_store(vmctx, site, |s, i| runtime::table_get(s, i, table, index)) }
}

/// `table.set`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn table_set(
    vmctx: *mut VmCtx,
    table: u32,
    index: u32,
    value: RawVal,
    site: Site,
) {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            runtime::table_set(s, i, table, index, value)
        });
    }
}

/// `table.size`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn table_size(vmctx: *mut VmCtx, table: u32, site: Site) -> u32 {
    // SAFETY: forwarded contract.
    unsafe { with_store(vmctx, site, |s, i| Ok(runtime::table_size(s, i, table))) }
}

/// `table.grow`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn table_grow(
    vmctx: *mut VmCtx,
    table: u32,
    init: RawVal,
    delta: u32,
    site: Site,
) -> u32 {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            Ok(runtime::table_grow(s, i, table, init, delta))
        })
    }
}

/// `table.fill`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn table_fill(
    vmctx: *mut VmCtx,
    table: u32,
    dst: u32,
    value: RawVal,
    len: u32,
    site: Site,
) {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            runtime::table_fill(s, i, table, dst, value, len)
        });
    }
}

/// `table.copy`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn table_copy(
    vmctx: *mut VmCtx,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
    site: Site,
) {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            runtime::table_copy(s, i, dst_table, src_table, dst, src, len)
        });
    }
}

/// `table.init`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn table_init(
    vmctx: *mut VmCtx,
    table: u32,
    elem: u32,
    dst: u32,
    src: u32,
    len: u32,
    site: Site,
) {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            runtime::table_init(s, i, table, elem, dst, src, len)
        });
    }
}

/// `elem.drop`
///
/// # Safety
/// Called by compiled code only, with its own context.
pub(crate) unsafe extern "C" fn elem_drop(vmctx: *mut VmCtx, elem: u32, site: Site) {
    // SAFETY: forwarded contract.
    unsafe {
        with_store(vmctx, site, |s, i| {
            runtime::elem_drop(s, i, elem);
            Ok(())
        });
    }
}

/// `f32.nearest`, `floor`, ... for hosts whose Cranelift backend calls them out of line.
pub(crate) extern "C" fn floor_f32(x: f32) -> f32 {
    x.floor()
}
/// See [`floor_f32`].
pub(crate) extern "C" fn floor_f64(x: f64) -> f64 {
    x.floor()
}
/// See [`floor_f32`].
pub(crate) extern "C" fn ceil_f32(x: f32) -> f32 {
    x.ceil()
}
/// See [`floor_f32`].
pub(crate) extern "C" fn ceil_f64(x: f64) -> f64 {
    x.ceil()
}
/// See [`floor_f32`].
pub(crate) extern "C" fn trunc_f32(x: f32) -> f32 {
    x.trunc()
}
/// See [`floor_f32`].
pub(crate) extern "C" fn trunc_f64(x: f64) -> f64 {
    x.trunc()
}
/// See [`floor_f32`].
pub(crate) extern "C" fn nearest_f32(x: f32) -> f32 {
    x.round_ties_even()
}
/// See [`floor_f32`].
pub(crate) extern "C" fn nearest_f64(x: f64) -> f64 {
    x.round_ties_even()
}
