//! The JIT's [`Execution`]: runs compiled code on a coroutine stack of its own, so that a host
//! call or fuel exhaustion can suspend the guest in the middle of its native frames and hand
//! control back to the driver in `mote-core`, which resumes it later.
//!
//! A trap suspends the coroutine for the last time; its stack is then discarded without
//! unwinding ([`Coroutine::force_reset`]) and reused for the next call.

use std::ptr::NonNull;

use corosensei::stack::{DefaultStack, Stack};
use corosensei::{Coroutine, CoroutineResult};
use mote_core::engine::{BacktraceFrame, Execution, RunOutcome};
use mote_core::store::{FuncKind, StoreInner};
use mote_core::{RawVal, Trap, TrapCode};

use crate::libcalls::call_compiled;
use crate::vmctx::{CallLimits, RunState};

/// Smallest guest stack (reserved address space; pages are committed on use).
const MIN_STACK_SIZE: usize = 16 << 20;
/// Largest guest stack.
const MAX_STACK_SIZE: usize = 1 << 30;
/// Guest stack reserved per allowed call level ([`Limits::call_depth`]), so that the call depth
/// limit, not the stack, stops recursion whose frames average less than this.
///
/// [`Limits::call_depth`]: mote_core::Limits::call_depth
const STACK_PER_CALL: usize = 256;
/// The largest frame a compiled function may have (the interpreter's largest frame is 64 Ki
/// slots, 512 KiB). Larger ones are refused at compile time.
pub(crate) const MAX_FRAME_BYTES: u64 = 1 << 20;
/// Stack kept free below the limit that compiled code checks at function entry, after its
/// prologue: room for that function's frame (at most [`MAX_FRAME_BYTES`]) and for the
/// runtime calls it makes.
const STACK_MARGIN: usize = 2 << 20;

type Coro = Coroutine<(), RunOutcome, (), DefaultStack>;

/// Value stack and coroutine of one call.
pub(crate) struct JitExecution {
    /// Heap-allocated (from `Box::into_raw`) so compiled code can hold its address; freed in
    /// `Drop`.
    state: NonNull<RunState>,
    coro: Option<Coro>,
    spare_stack: Option<DefaultStack>,
    /// Arguments, then results, of the entry call. Compiled code writes through a pointer to
    /// it while the coroutine runs, so it is not touched in between.
    /// A `Vec` (not a `Box`): moving the execution must not invalidate that pointer.
    values: Vec<RawVal>,
    results_len: usize,
    returned: bool,
    /// `Limits::call_depth`, at most `i32::MAX`: compiled code keeps the depth left in 31
    /// bits (`env::wasm_signature`). No host reaches that many calls: the guest stack (at most
    /// [`MAX_STACK_SIZE`]) ends first.
    call_depth: u64,
    /// `Limits::value_stack_slots`.
    max_slots: u64,
    /// Bytes of guest stack to reserve.
    stack_size: usize,
}

// SAFETY: the execution is used by one thread at a time (`&mut self` methods). Its coroutine
// stack holds only compiled frames and this crate's runtime-call frames, which keep no
// reference to thread-local data across a suspension; the raw pointers in the run state point
// to heap data owned by this execution or to the store it runs in, which the caller passes in
// anew (as `&mut`) on every `run`.
unsafe impl Send for JitExecution {}

impl std::fmt::Debug for JitExecution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitExecution")
            .field("running", &self.coro.is_some())
            .finish_non_exhaustive()
    }
}

impl JitExecution {
    pub(crate) fn new(config: &mote_core::Config) -> Self {
        Self {
            state: NonNull::from(Box::leak(Box::new(RunState::new()))),
            coro: None,
            spare_stack: None,
            values: Vec::new(),
            results_len: 0,
            returned: false,
            call_depth: u64::from(config.get_limits().call_depth.min(i32::MAX.unsigned_abs())),
            max_slots: u64::from(config.get_limits().value_stack_slots),
            stack_size: (config.get_limits().call_depth as usize)
                .saturating_mul(STACK_PER_CALL)
                .clamp(MIN_STACK_SIZE, MAX_STACK_SIZE),
        }
    }

    fn state(&self) -> &RunState {
        // SAFETY: `state` came from `Box::leak` and lives until `Drop`; compiled code only
        // touches it while the coroutine runs, which needs `&mut self` (`run`).
        unsafe { self.state.as_ref() }
    }

    fn state_mut(&mut self) -> &mut RunState {
        // SAFETY: as in `state`; `&mut self` excludes the coroutine running.
        unsafe { self.state.as_mut() }
    }

    /// Ends the coroutine, if any, and keeps its stack for the next call.
    fn discard_coroutine(&mut self) {
        // A pending host call's buffer is on the stack being discarded.
        self.state_mut().clear_host_call();
        if let Some(mut coro) = self.coro.take() {
            if coro.started() && !coro.done() {
                // SAFETY: the coroutine is suspended in a runtime call below compiled frames;
                // neither keeps a value that needs `Drop` across a suspension (see
                // `libcalls`), so abandoning the stack leaks nothing that matters and frees
                // nothing twice.
                unsafe { coro.force_reset() };
            }
            if coro.done() {
                self.spare_stack = Some(coro.into_stack());
            }
        }
    }
}

impl Drop for JitExecution {
    fn drop(&mut self) {
        self.discard_coroutine();
        // SAFETY: `state` came from `Box::leak` in `new` and nothing uses it after this.
        drop(unsafe { Box::from_raw(self.state.as_ptr()) });
    }
}

impl Execution for JitExecution {
    fn start(&mut self, store: &mut StoreInner, func: u32, args: &[RawVal]) -> Result<(), Trap> {
        self.reset();
        let FuncKind::Wasm { instance, index } = store.funcs[func as usize].kind else {
            return Err(Trap::new(TrapCode::HostTrap));
        };
        let ty = store.types.get(store.funcs[func as usize].ty);
        let (params, results) = (ty.params().len(), ty.results().len());
        let stack = match self.spare_stack.take() {
            Some(s) => s,
            None => DefaultStack::new(self.stack_size)
                .map_err(|_| Trap::new(TrapCode::StackOverflow))?,
        };
        let stack_limit = stack.limit().get().saturating_add(STACK_MARGIN);
        let stack_range = stack.limit().get()..stack.base().get();
        let state_ptr = self.state.as_ptr();
        let limits = CallLimits {
            depth_left: self.call_depth,
            fp: 0,
            max_slots: self.max_slots,
        };
        let state = self.state_mut();
        state.stack_limit = stack_limit;
        state.stack_range = stack_range;
        state.limits = limits;
        state.refresh_all(store);
        let vmctx = state
            .instance_ctx(store, instance, state_ptr)
            .map_err(Trap::new)?;
        let ctx = &state.instances[&instance];
        let info = ctx.module.info();
        let defined = (index - info.imported_funcs) as usize;
        let trampoline = ctx.code.trampolines[info.funcs[index as usize] as usize];
        let code = ctx.code.func_code[defined];
        // The interpreter reserves the arguments, then the entry function's frame.
        let slots = u64::from(ctx.code.frame_slots[defined]);
        if args.len() as u64 > limits.max_slots || slots > limits.max_slots {
            self.spare_stack = Some(stack);
            return Err(Trap::new(TrapCode::StackOverflow));
        }
        self.values.clear();
        self.values.resize(params.max(results), 0);
        self.values[..params].copy_from_slice(args);
        self.results_len = results;
        let values_ptr = self.values.as_mut_ptr();
        self.coro = Some(Coroutine::with_stack(stack, move |yielder, ()| {
            // SAFETY: the run state outlives the coroutine (both belong to this execution, and
            // `Drop` discards the coroutine first); the yielder lives on this frame for the
            // whole run.
            unsafe { (*state_ptr).yielder = yielder };
            // SAFETY: the trampoline and code belong to the instance's module, which its
            // context keeps alive; `vmctx` is that context, refreshed by `run` before every
            // resumption; `values` holds `max(params, results)` values and is not touched
            // until the coroutine finishes.
            unsafe { call_compiled(trampoline, vmctx, code, values_ptr) };
        }));
        Ok(())
    }

    fn run(&mut self, store: &mut StoreInner) -> RunOutcome {
        let state = self.state_mut();
        state.refresh_all(store);
        state.store = store;
        let Some(coro) = self.coro.as_mut() else {
            return RunOutcome::Trap(Trap::new(TrapCode::HostTrap));
        };
        // Compiled code's trap instructions find the call through the thread's current run
        // state (`signals`).
        let entered = crate::signals::Entered::new(self.state.as_ptr());
        let result = coro.resume(());
        drop(entered);
        match result {
            CoroutineResult::Yield(RunOutcome::Trap(trap)) => {
                self.discard_coroutine();
                RunOutcome::Trap(trap)
            }
            CoroutineResult::Yield(outcome) => outcome,
            CoroutineResult::Return(()) => {
                self.discard_coroutine();
                self.returned = true;
                RunOutcome::Returned
            }
        }
    }

    fn host_args(&self) -> &[RawVal] {
        let state = self.state();
        if state.host_values.is_null() {
            return &[];
        }
        // SAFETY: a pending host call's buffer holds at least `host_params` values and stays
        // in place while the coroutine is suspended, which it is until `run` resumes it; that
        // needs `&mut self`, so not while this borrow lives.
        unsafe { core::slice::from_raw_parts(state.host_values, state.host_params) }
    }

    fn set_host_results(&mut self, results: &[RawVal]) {
        let state = self.state_mut();
        if state.host_values.is_null() {
            return;
        }
        let n = results.len().min(state.host_results);
        // SAFETY: as in `host_args`, the buffer holds at least `host_results` values; `n`
        // is no more than that, and `results` is a different buffer (the driver's).
        unsafe { core::ptr::copy_nonoverlapping(results.as_ptr(), state.host_values, n) };
    }

    fn results(&self) -> &[RawVal] {
        if self.returned {
            &self.values[..self.results_len]
        } else {
            &[]
        }
    }

    fn caller_instance(&self) -> Option<u32> {
        self.state().caller_instance
    }

    fn trapped_func(&self) -> Option<u32> {
        self.state().trapped_func
    }

    fn backtrace(&self) -> &[BacktraceFrame] {
        &self.state().backtrace
    }

    fn reset(&mut self) {
        self.discard_coroutine();
        self.returned = false;
        self.results_len = 0;
        let state = self.state_mut();
        state.caller_instance = None;
        state.trapped_func = None;
        state.backtrace.clear();
        state.entries.clear();
        state.store = core::ptr::null_mut();
        state.yielder = core::ptr::null();
    }
}
