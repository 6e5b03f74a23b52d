//! Traps as signals. Compiled code checks division, conversions, the stack, the epoch and
//! the bounds of unguarded memories with Cranelift's trap instructions (`trapnz`, `trapz`,
//! `trap`): a conditional branch to an undefined instruction (x86-64 `ud2`, aarch64 `udf`)
//! out of line, which raises `SIGILL`. That costs no basic block and no register on the fast
//! path, where a branch to a trap block that calls the runtime costs both (see
//! `ARCHITECTURE.md`, "Traps"). Accesses to guarded memories are not checked at all
//! ([`crate::reservation`]): one out of bounds faults in a guard page with `SIGSEGV` (or
//! `SIGBUS`), at an instruction that Cranelift recorded as a trap site with the heap trap code.
//!
//! Be careful when changing this module: it runs in a signal handler. The handler
//! ([`on_signal`]) only reads: the thread's current run state ([`CURRENT`], set by
//! [`Entered`] while a coroutine of this thread runs compiled code), the compiled modules of
//! that run (to find the trap instruction at the faulting address, recorded at compilation)
//! and the interrupted registers. It allocates nothing and takes no lock. When the address is
//! a trap instruction of the running call, it rewrites the interrupted context so that, when
//! the handler returns, the thread continues in [`landing`] on the guest's own stack, as if
//! the trapping instruction had called it; `landing` raises the trap like every other
//! (`libcalls::raise_trap`: it suspends the coroutine, which is then discarded). Any other
//! `SIGILL`, `SIGSEGV` or `SIGBUS` goes to the handler that was installed before ours (Rust's
//! own stack-overflow reporter, for instance), or to the default action.
//!
//! An embedder that installs its own `SIGILL`, `SIGSEGV` or `SIGBUS` handler after creating
//! the first `Jit` must chain to the previous handler, as this one does, or JIT traps crash
//! the process.

use std::cell::Cell;
use std::sync::OnceLock;

use mote_core::TrapCode;

use crate::libcalls::{self, Site};
use crate::vmctx::RunState;

thread_local! {
    /// The run state of the call whose coroutine this thread is running, or null.
    static CURRENT: Cell<*mut RunState> = const { Cell::new(core::ptr::null_mut()) };
}

/// Marks `run` as the call this thread runs until dropped (restoring the previous one: calls
/// nest when host functions call into Wasm).
pub(crate) struct Entered {
    previous: *mut RunState,
}

impl Entered {
    pub(crate) fn new(run: *mut RunState) -> Self {
        Entered {
            previous: CURRENT.with(|c| c.replace(run)),
        }
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.previous));
    }
}

/// The trap code of a Cranelift trap instruction: ours are user codes (`libcalls::encode_trap`
/// plus one); Cranelift's own checks use its reserved codes.
pub(crate) fn clif_code(code: TrapCode) -> cranelift_codegen::ir::TrapCode {
    let user = u8::try_from(libcalls::encode_trap(code) + 1).unwrap_or(1);
    cranelift_codegen::ir::TrapCode::unwrap_user(user)
}

/// The trap code recorded for a trap instruction (the raw value of the Cranelift code).
pub(crate) fn decode_clif(raw: u8) -> TrapCode {
    use cranelift_codegen::ir::TrapCode as C;
    match raw {
        r if r == C::STACK_OVERFLOW.as_raw().get() => TrapCode::StackOverflow,
        r if r == C::HEAP_OUT_OF_BOUNDS.as_raw().get() => TrapCode::MemoryOutOfBounds,
        r if r == C::INTEGER_OVERFLOW.as_raw().get() => TrapCode::IntegerOverflow,
        r if r == C::INTEGER_DIVISION_BY_ZERO.as_raw().get() => TrapCode::IntegerDivisionByZero,
        r if r == C::BAD_CONVERSION_TO_INTEGER.as_raw().get() => TrapCode::BadConversionToInteger,
        r => libcalls::decode_trap(u32::from(r.saturating_sub(1))),
    }
}

/// The signals the handler takes: trap instructions raise `SIGILL`; unchecked accesses to
/// guarded memories fault with `SIGSEGV` (`SIGBUS` on some systems).
const SIGNALS: [libc::c_int; 3] = [libc::SIGILL, libc::SIGSEGV, libc::SIGBUS];

/// The action that was installed for each of [`SIGNALS`] before ours.
static PREVIOUS: [OnceLock<libc::sigaction>; 3] =
    [OnceLock::new(), OnceLock::new(), OnceLock::new()];

/// Installs the handler once per process, for every signal of [`SIGNALS`].
///
/// # Errors
/// When the system refuses the handler.
pub(crate) fn install() -> Result<(), String> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            for (&signal, previous_slot) in SIGNALS.iter().zip(&PREVIOUS) {
                // SAFETY: `sigaction` with a zeroed (then filled) action and a zeroed
                // out-parameter is the documented use; the handler has the `SA_SIGINFO`
                // signature. `SA_ONSTACK`: a fault may come from a thread whose stack is
                // exhausted; Rust's threads have an alternate signal stack.
                unsafe {
                    let mut action: libc::sigaction = core::mem::zeroed();
                    action.sa_sigaction = on_signal as *const () as usize;
                    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                    libc::sigemptyset(&raw mut action.sa_mask);
                    let mut previous: libc::sigaction = core::mem::zeroed();
                    if libc::sigaction(signal, &raw const action, &raw mut previous) != 0 {
                        return Err(format!(
                            "installing the handler of signal {signal}: {}",
                            std::io::Error::last_os_error()
                        ));
                    }
                    let _ = previous_slot.set(previous);
                }
            }
            Ok(())
        })
        .clone()
}

/// The handler of [`SIGNALS`].
///
/// # Safety
/// Called by the system as a `SA_SIGINFO` handler.
unsafe extern "C" fn on_signal(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    ctx: *mut libc::c_void,
) {
    // A signal sent by a process (`kill`, `raise`: `si_code <= 0`) is never ours, wherever
    // the thread was. A fault is ours only at an unchecked access to a guarded memory, and
    // only when the faulting address lies in one of the running call's reservations;
    // `SIGILL` only at a trap instruction.
    // SAFETY: `info` is the `siginfo_t` the system passes to `SA_SIGINFO` handlers.
    let sent = info.is_null() || unsafe { (*info).si_code } <= 0;
    if !sent {
        let fault = if signal == libc::SIGILL {
            None
        } else {
            // SAFETY: as above; a fault signal (`si_code > 0`) carries its data address.
            let addr = unsafe { (*info).si_addr() };
            Some(addr as usize)
        };
        // SAFETY: `ctx` is the `ucontext_t` the system passes to `SA_SIGINFO` handlers.
        if unsafe { redirect(ctx.cast(), fault) } {
            return;
        }
    }
    // SAFETY: forwarded from the system.
    unsafe { chain(signal, info, ctx) }
}

/// Sends a signal that is not ours to the previous handler, or to the default action: for a
/// fault, restoring it makes the re-executed instruction fault again and the system handle
/// it; a signal sent by a process (`kill`, `raise`) is sent again, to be delivered with the
/// default action once this handler returns. An ignored sent signal stays ignored.
///
/// # Safety
/// Called from the signal handler with its arguments.
unsafe fn chain(signal: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let Some(previous) = SIGNALS
        .iter()
        .position(|&s| s == signal)
        .and_then(|i| PREVIOUS[i].get())
    else {
        return;
    };
    // SAFETY: `info` is the `siginfo_t` the system passed, when not null.
    let sent = !info.is_null() && unsafe { (*info).si_code } <= 0;
    let handler = previous.sa_sigaction;
    if handler == libc::SIG_IGN && sent {
        return;
    }
    if handler == libc::SIG_DFL || handler == libc::SIG_IGN {
        // SAFETY: restoring the default action and raising are async-signal-safe.
        unsafe {
            let mut action: libc::sigaction = core::mem::zeroed();
            action.sa_sigaction = libc::SIG_DFL;
            libc::sigaction(signal, &raw const action, core::ptr::null_mut());
            if sent {
                libc::raise(signal);
            }
        }
    } else if previous.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: the previous handler was installed with this signature (`SA_SIGINFO`).
        let f: unsafe extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { core::mem::transmute::<usize, _>(handler) };
        // SAFETY: forwarded from the system.
        unsafe { f(signal, info, ctx) }
    } else {
        // SAFETY: the previous handler was installed with the plain signature.
        let f: unsafe extern "C" fn(libc::c_int) =
            unsafe { core::mem::transmute::<usize, _>(handler) };
        // SAFETY: forwarded from the system.
        unsafe { f(signal) }
    }
}

/// Where the interrupted registers are.
struct Registers {
    pc: *mut u64,
    sp: *mut u64,
    fp: u64,
    /// The first five integer argument registers.
    args: [*mut u64; 5],
    /// aarch64: the link register, set to the faulting address for frame walkers.
    link: Option<*mut u64>,
}

/// # Safety
/// `uc` is the context of a signal handler.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe fn registers(uc: *mut libc::ucontext_t) -> Registers {
    // SAFETY: the caller's contract; `gregs` holds the interrupted integer registers.
    unsafe {
        let g = &raw mut (*uc).uc_mcontext.gregs;
        let reg = |r: libc::c_int| -> *mut u64 {
            (&raw mut (*g)[usize::try_from(r).unwrap_or(0)]).cast()
        };
        Registers {
            pc: reg(libc::REG_RIP),
            sp: reg(libc::REG_RSP),
            fp: *reg(libc::REG_RBP),
            args: [
                reg(libc::REG_RDI),
                reg(libc::REG_RSI),
                reg(libc::REG_RDX),
                reg(libc::REG_RCX),
                reg(libc::REG_R8),
            ],
            link: None,
        }
    }
}

/// # Safety
/// `uc` is the context of a signal handler.
#[cfg(all(target_arch = "aarch64", target_os = "linux"))]
unsafe fn registers(uc: *mut libc::ucontext_t) -> Registers {
    // SAFETY: the caller's contract; `mcontext` holds the interrupted registers.
    unsafe {
        let m = &raw mut (*uc).uc_mcontext;
        let regs: *mut u64 = (&raw mut (*m).regs).cast();
        Registers {
            pc: &raw mut (*m).pc,
            sp: &raw mut (*m).sp,
            fp: *regs.add(29),
            args: [regs, regs.add(1), regs.add(2), regs.add(3), regs.add(4)],
            link: Some(regs.add(30)),
        }
    }
}

/// If the interrupted instruction is a trap site of the thread's running call, points the
/// context at [`landing`] with the trap's arguments and returns `true`. With `fault` (the
/// faulting data address of `SIGSEGV`/`SIGBUS`), the site must be an unchecked access to a
/// guarded memory and the address must lie in one of the call's reservations; without, it
/// must be a trap instruction.
///
/// # Safety
/// `uc` is the context of a signal handler.
unsafe fn redirect(uc: *mut libc::ucontext_t, fault: Option<usize>) -> bool {
    let run = CURRENT.try_with(Cell::get).unwrap_or(core::ptr::null_mut());
    if run.is_null() {
        return false;
    }
    // SAFETY: the caller's contract.
    let regs = unsafe { registers(uc) };
    // SAFETY: `pc` points into the context.
    let Ok(pc) = usize::try_from(unsafe { *regs.pc }) else {
        return false;
    };
    // SAFETY: `run` is the live run state of the call this thread runs (set by `Entered`
    // around the coroutine's resumption); compiled code was running, so no runtime call holds
    // a reference to it; this reads only.
    let instances = &unsafe { &*run }.instances;
    let found = instances.iter().find_map(|(&instance, ctx)| {
        ctx.code
            .trap_at(pc)
            .map(|(func, offset, code)| (instance, func, offset, code))
    });
    let Some((instance, func_index, offset, code)) = found else {
        return false;
    };
    let heap = code
        == cranelift_codegen::ir::TrapCode::HEAP_OUT_OF_BOUNDS
            .as_raw()
            .get();
    let ours = match fault {
        None => !heap,
        Some(addr) => heap && instances.values().any(|ctx| ctx.in_guarded_memory(addr)),
    };
    if !ours {
        return false;
    }
    let site: Site = (u64::from(offset.unwrap_or(u32::MAX)) << 32) | u64::from(func_index);
    let values = [
        run as u64,
        u64::from(instance),
        u64::from(code),
        site,
        regs.fp,
    ];
    // SAFETY: the pointers point into the context, which the system restores from when the
    // handler returns. The new stack pointer is below the interrupted one (compiled code
    // keeps nothing below its stack pointer), on the guest's stack, aligned as after a call.
    unsafe {
        for (reg, value) in regs.args.into_iter().zip(values) {
            *reg = value;
        }
        let sp = (*regs.sp - 128) & !15;
        *regs.sp = if cfg!(target_arch = "x86_64") {
            sp - 8
        } else {
            sp
        };
        if let Some(link) = regs.link {
            *link = pc as u64;
        }
        *regs.pc = landing as *const () as u64;
    }
    true
}

/// Where a trapping thread continues after the handler: raises the trap of `code` at `site`.
///
/// # Safety
/// Entered only by [`redirect`], with the running call's state.
unsafe extern "C" fn landing(
    run: *mut RunState,
    instance: u64,
    code: u64,
    site: Site,
    fp: u64,
) -> ! {
    let code = decode_clif(u8::try_from(code).unwrap_or(0));
    let instance = u32::try_from(instance).unwrap_or(u32::MAX);
    // SAFETY: `run` is the live run state of this call; `fp` is the trapping function's frame
    // pointer on this coroutine's stack.
    unsafe { libcalls::raise_trap(run, instance, code, site, usize::try_from(fp).unwrap_or(0)) }
}
