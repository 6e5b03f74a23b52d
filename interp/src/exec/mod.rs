//! The executor: runs translated code with an explicit frame stack, so WebAssembly calls never
//! recurse on the host stack, and any call can stop at a host call or fuel check and continue
//! later.

#[cfg(not(all(feature = "threaded-dispatch", not(debug_assertions))))]
mod dispatch;
mod handlers;
mod memory;
pub mod numeric;
mod table;
#[cfg(all(feature = "threaded-dispatch", not(debug_assertions)))]
mod threaded;
mod vm;

use alloc::vec::Vec;
use mote_core::sync::Arc;

use mote_core::engine::{BacktraceFrame, Execution, RunOutcome};
use mote_core::store::{FuncKind, StoreInner};
use mote_core::{Config, RawVal, Trap, TrapCode};

use crate::code::CompiledModule;

/// A suspended caller: its function (module index), the position after its call, and its
/// frame's first slot.
#[derive(Debug, Clone, Copy)]
struct Frame {
    instance: u32,
    func: u32,
    /// The position after the call, in bytes from the function's first instruction (bytes,
    /// not instructions, so that calls and returns need no multiplication or division).
    pc_bytes: u32,
    fp: u32,
}

impl Frame {
    /// The position after the call, in instructions.
    fn pc(&self) -> u32 {
        self.pc_bytes / OP_BYTES
    }
}

/// The size of one instruction.
#[expect(clippy::cast_possible_truncation, reason = "12, checked by a size test")]
const OP_BYTES: u32 = size_of::<crate::op::Op>() as u32;

/// The function being executed.
#[derive(Debug, Clone)]
struct Activation {
    /// Store index of the instance.
    instance: u32,
    /// Defined-function index in the instance's module.
    func: u32,
    /// Module-level function index (for trap messages).
    func_index: u32,
    /// Number of imported functions of the module (defined index = module index - this).
    imported: u32,
    /// Next instruction.
    pc: u32,
    /// First slot of the frame in the value stack.
    fp: u32,
    /// The instance's translated code.
    module: Arc<CompiledModule>,
    /// Store index of memory 0, if the instance has one.
    memory: Option<u32>,
}

/// A host call in progress: where its arguments are and where its results go.
#[derive(Debug, Clone, Copy)]
struct PendingHost {
    base: usize,
    params: usize,
    results: usize,
}

/// Why a run of the dispatch loop stopped without a trap (see [`vm::Stop::Exit`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Exit {
    /// Call store function `func` (a host function, or a function of another instance) with
    /// its frame at slot `base` of the current frame.
    Call { func: u32, base: u16 },
    /// Tail-call store function `func` with its arguments at slot `base`: the callee replaces
    /// the current frame.
    TailCall { func: u32, base: u16 },
    /// Return `count` values, already moved to the start of the current frame, to a caller in
    /// another instance or to the host.
    Return { count: u16 },
    /// Not enough fuel for the next segment.
    OutOfFuel { required: u64 },
    /// The call instruction at the stop position needs the value stack to be `slots` slots
    /// long and one more free frame: grow them, then run it again.
    Grow { slots: usize },
}

/// The interpreter's [`Execution`]: value stack and frames of one call.
#[derive(Debug)]
pub(crate) struct Executor {
    stack: Vec<RawVal>,
    max_slots: usize,
    frames: Vec<Frame>,
    max_depth: usize,
    current: Option<Activation>,
    pending_host: Option<PendingHost>,
    /// Range of the results in `stack` after the call returned.
    results: (usize, usize),
    trapped: Option<u32>,
    /// The frames of the last trap, innermost first.
    backtrace: Vec<BacktraceFrame>,
}

impl Executor {
    pub(crate) fn new(config: &Config) -> Self {
        let limits = config.get_limits();
        Self {
            stack: Vec::new(),
            max_slots: limits.value_stack_slots as usize,
            frames: Vec::new(),
            max_depth: limits.call_depth as usize,
            current: None,
            pending_host: None,
            results: (0, 0),
            trapped: None,
            backtrace: Vec::new(),
        }
    }

    /// Makes sure slots `0..end` exist, within the limit.
    fn reserve(&mut self, end: usize) -> Result<(), TrapCode> {
        vm::grow(&mut self.stack, end, self.max_slots)
    }

    /// The translated code of `instance`.
    fn module_of(store: &StoreInner, instance: u32) -> Result<Arc<CompiledModule>, TrapCode> {
        store.instances[instance as usize]
            .module
            .code()
            .clone()
            .downcast::<CompiledModule>()
            .map_err(|_| TrapCode::HostTrap)
    }

    /// Makes function `index` (module index) of `instance` current, with its frame at absolute
    /// slot `fp`. A `fresh` frame (a call, not a return into a caller) gets its locals zeroed.
    fn enter(
        &mut self,
        store: &StoreInner,
        instance: u32,
        index: u32,
        fp: usize,
        fresh: bool,
    ) -> Result<(), TrapCode> {
        let entity = &store.instances[instance as usize];
        let module = Self::module_of(store, instance)?;
        let imported = entity.module.info().imported_funcs;
        let defined = index - imported;
        let func = &module.funcs[defined as usize];
        let end = fp + usize::from(func.frame_size);
        self.reserve(end)?;
        if fresh {
            let locals_start = fp + usize::from(func.params);
            let locals_end = fp + usize::from(func.locals);
            self.stack[locals_start..locals_end].fill(0);
        }
        self.current = Some(Activation {
            instance,
            func: defined,
            func_index: index,
            imported,
            pc: 0,
            fp: u32::try_from(fp).map_err(|_| TrapCode::StackOverflow)?,
            module,
            memory: entity.memories.first().copied(),
        });
        Ok(())
    }

    /// Starts a call of store function `func` with its frame at absolute slot `fp`, from the
    /// host (`start`). Host functions are the driver's business.
    fn call_from_host(&mut self, store: &StoreInner, func: u32, fp: usize) -> Result<(), TrapCode> {
        match store.funcs[func as usize].kind {
            FuncKind::Host { .. } => Err(TrapCode::HostTrap),
            FuncKind::Wasm { instance, index } => self.enter(store, instance, index, fp, true),
        }
    }

    fn trap(&mut self, code: TrapCode, store: &StoreInner) -> RunOutcome {
        let (func_index, store_func, offset) = match &self.current {
            Some(a) => {
                let store_func = store.instances[a.instance as usize].funcs[a.func_index as usize];
                // The position is just past the trapping instruction.
                let offset = a
                    .module
                    .funcs
                    .get(a.func as usize)
                    .and_then(|f| a.module.offset_of(f, (a.pc as usize).wrapping_sub(1)));
                (Some(a.func_index), Some(store_func), offset)
            }
            None => (None, None, None),
        };
        self.trapped = store_func;
        self.backtrace.clear();
        if let Some(a) = &self.current {
            self.backtrace.push(BacktraceFrame {
                instance: a.instance,
                func_index: a.func_index,
                offset,
            });
        }
        for frame in self.frames.iter().rev() {
            // A caller's position is just past its call instruction.
            let offset = Self::module_of(store, frame.instance)
                .ok()
                .and_then(|module| {
                    let imported = store.instances[frame.instance as usize]
                        .module
                        .info()
                        .imported_funcs;
                    let func = module.funcs.get((frame.func - imported) as usize)?;
                    module.offset_of(func, (frame.pc() as usize).wrapping_sub(1))
                });
            self.backtrace.push(BacktraceFrame {
                instance: frame.instance,
                func_index: frame.func,
                offset,
            });
        }
        self.frames.clear();
        self.current = None;
        self.pending_host = None;
        RunOutcome::Trap(match func_index {
            Some(index) => Trap::at(code, index, offset),
            None => Trap::new(code),
        })
    }

    /// Prepares a call of host function `func` (store index) whose arguments are at absolute
    /// slot `base`, and stops the run so the driver can call it.
    fn host_call(
        &mut self,
        store: &StoreInner,
        func: u32,
        base: usize,
    ) -> Result<RunOutcome, TrapCode> {
        let ty = store.types.get(store.funcs[func as usize].ty);
        let (params, results) = (ty.params().len(), ty.results().len());
        self.reserve(base + params.max(results))?;
        self.pending_host = Some(PendingHost {
            base,
            params,
            results,
        });
        Ok(RunOutcome::HostCall { func })
    }

    /// Runs until the call returns, a host function is called, fuel runs out or a trap.
    ///
    /// Wasm-to-Wasm calls and returns within an instance stay in the dispatch loop (the
    /// caller's position goes to `self.frames`, so the host stack does not grow with guest
    /// recursion). The loop stops for calls and returns that cross instances, which this
    /// function handles, and for host calls, fuel and traps, which go back to the driver.
    fn run_loop(&mut self, store: &mut StoreInner) -> Result<RunOutcome, TrapCode> {
        loop {
            let Some(activation) = self.current.as_ref() else {
                return Ok(RunOutcome::Returned);
            };
            let module = activation.module.clone();
            let entry = vm::Entry {
                instance: activation.instance,
                imported: activation.imported,
                memory: activation.memory,
                def: activation.func,
                pc: activation.pc,
                fp: activation.fp,
            };
            let stacks = vm::Stacks {
                stack: &mut self.stack,
                frames: &mut self.frames,
                max_depth: self.max_depth,
            };
            let mut vm = vm::Vm::new(store, &module, stacks, &entry);
            // SAFETY: every `CompiledModule` passed `verify::verify_module` when it was made
            // (`Translator::finish`, `image::finish`: its only constructors), `enter` made sure
            // the function's frame is in the value stack, and `pc` is 0 for a fresh frame or
            // where a run stopped (after a call, or at an unpaid `ConsumeFuel`).
            let stop = unsafe {
                let regs = vm.regs();
                #[cfg(not(all(feature = "threaded-dispatch", not(debug_assertions))))]
                let stop = dispatch::run(&mut vm, regs);
                #[cfg(all(feature = "threaded-dispatch", not(debug_assertions)))]
                let stop = threaded::run(&mut vm, regs);
                stop
            };
            let (def, func_index, pc, fp, exit) = (vm.def, vm.func_index, vm.pc, vm.fp, vm.exit);
            if let Some(a) = self.current.as_mut() {
                a.func = def;
                a.func_index = func_index;
                a.pc = pc;
                a.fp = fp;
            }
            let (instance, fp) = (entry.instance, fp as usize);
            match stop {
                vm::Stop::Trap(code) => return Err(code),
                vm::Stop::Exit => {}
            }
            match exit {
                Exit::Call { func: callee, base } => {
                    let callee_fp = fp + usize::from(base);
                    match store.funcs[callee as usize].kind {
                        FuncKind::Host { .. } => {
                            return self.host_call(store, callee, callee_fp);
                        }
                        FuncKind::Wasm {
                            instance: callee_instance,
                            index,
                        } => {
                            if self.frames.len() >= self.max_depth {
                                return Err(TrapCode::StackOverflow);
                            }
                            self.frames
                                .try_reserve(1)
                                .map_err(|_| TrapCode::StackOverflow)?;
                            self.frames.push(Frame {
                                instance,
                                func: func_index,
                                pc_bytes: pc.saturating_mul(OP_BYTES),
                                fp: u32::try_from(fp).unwrap_or(u32::MAX),
                            });
                            self.enter(store, callee_instance, index, callee_fp, true)?;
                        }
                    }
                }
                Exit::TailCall { func: callee, base } => {
                    match store.funcs[callee as usize].kind {
                        FuncKind::Host { .. } => {
                            // Called like a normal call; the `Return` after the instruction
                            // returns the host's results.
                            return self.host_call(store, callee, fp + usize::from(base));
                        }
                        FuncKind::Wasm {
                            instance: callee_instance,
                            index,
                        } => {
                            let params = store
                                .types
                                .get(store.funcs[callee as usize].ty)
                                .params()
                                .len();
                            let args = fp + usize::from(base);
                            self.stack.copy_within(args..args + params, fp);
                            self.enter(store, callee_instance, index, fp, true)?;
                        }
                    }
                }
                Exit::Return { count } => match self.frames.pop() {
                    None => {
                        self.results = (fp, fp + usize::from(count));
                        self.current = None;
                        return Ok(RunOutcome::Returned);
                    }
                    Some(frame) => {
                        self.enter(store, frame.instance, frame.func, frame.fp as usize, false)?;
                        if let Some(a) = &mut self.current {
                            a.pc = frame.pc();
                        }
                    }
                },
                Exit::OutOfFuel { required } => return Ok(RunOutcome::OutOfFuel { required }),
                Exit::Grow { slots } => {
                    let grown = self.reserve(slots).and_then(|()| {
                        self.frames
                            .try_reserve(1)
                            .map_err(|_| TrapCode::StackOverflow)
                    });
                    if let Err(code) = grown {
                        // The trap names the call: the position just after it.
                        if let Some(a) = self.current.as_mut() {
                            a.pc += 1;
                        }
                        return Err(code);
                    }
                }
            }
        }
    }
}

impl Execution for Executor {
    fn start(&mut self, store: &mut StoreInner, func: u32, args: &[RawVal]) -> Result<(), Trap> {
        self.reset();
        self.reserve(args.len()).map_err(Trap::new)?;
        self.stack[..args.len()].copy_from_slice(args);
        self.call_from_host(store, func, 0).map_err(Trap::new)
    }

    fn run(&mut self, store: &mut StoreInner) -> RunOutcome {
        match self.run_loop(store) {
            Ok(outcome) => outcome,
            Err(code) => self.trap(code, store),
        }
    }

    fn host_args(&self) -> &[RawVal] {
        match self.pending_host {
            Some(h) => &self.stack[h.base..h.base + h.params],
            None => &[],
        }
    }

    fn set_host_results(&mut self, results: &[RawVal]) {
        if let Some(h) = self.pending_host.take() {
            let n = h.results.min(results.len());
            self.stack[h.base..h.base + n].copy_from_slice(&results[..n]);
            if self.current.is_none() {
                self.results = (h.base, h.base + n);
            }
        }
    }

    fn results(&self) -> &[RawVal] {
        &self.stack[self.results.0..self.results.1]
    }

    fn caller_instance(&self) -> Option<u32> {
        self.current.as_ref().map(|a| a.instance)
    }

    fn trapped_func(&self) -> Option<u32> {
        self.trapped
    }

    fn backtrace(&self) -> &[BacktraceFrame] {
        &self.backtrace
    }

    fn reset(&mut self) {
        self.frames.clear();
        self.current = None;
        self.pending_host = None;
        self.results = (0, 0);
        self.trapped = None;
    }
}
