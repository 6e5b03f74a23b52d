//! The executor: runs translated code with an explicit frame stack, so WebAssembly calls never
//! recurse on the host stack, and any call can stop at a host call or fuel check and continue
//! later.

mod dispatch;
mod memory;
pub mod numeric;
mod table;

use alloc::sync::Arc;
use alloc::vec::Vec;

use mote_core::engine::{Execution, RunOutcome};
use mote_core::store::{FuncKind, StoreInner};
use mote_core::{Config, RawVal, Trap, TrapCode};

use crate::code::CompiledModule;

/// A suspended caller.
#[derive(Debug, Clone, Copy)]
struct Frame {
    instance: u32,
    func: u32,
    pc: u32,
    fp: u32,
}

/// The function being executed.
#[derive(Debug, Clone)]
struct Activation {
    /// Store index of the instance.
    instance: u32,
    /// Defined-function index in the instance's module.
    func: u32,
    /// Module-level function index (for trap messages).
    func_index: u32,
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

/// What a run of the dispatch loop ended with.
pub(crate) enum Exit {
    /// Call store function `func` with its frame at slot `base` of the current frame.
    Call { func: u32, base: u16 },
    /// Return `count` values from slot `src`.
    Return { src: u16, count: u16 },
    /// Not enough fuel for the next segment.
    OutOfFuel { required: u64 },
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
        }
    }

    /// Makes sure slots `0..end` exist, within the limit.
    fn reserve(&mut self, end: usize) -> Result<(), TrapCode> {
        if end > self.max_slots {
            return Err(TrapCode::StackOverflow);
        }
        if end > self.stack.len() {
            // Grow geometrically to amortise, but never past the limit.
            let target = end
                .max(self.stack.len().saturating_mul(2))
                .min(self.max_slots);
            self.stack
                .try_reserve_exact(target - self.stack.len())
                .map_err(|_| TrapCode::StackOverflow)?;
            self.stack.resize(target, 0);
        }
        Ok(())
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
        let module = match &self.current {
            Some(a) if a.instance == instance => a.module.clone(),
            _ => entity
                .module
                .code()
                .clone()
                .downcast::<CompiledModule>()
                .map_err(|_| TrapCode::HostTrap)?,
        };
        let defined = index - entity.module.info().imported_funcs;
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
            pc: 0,
            fp: u32::try_from(fp).map_err(|_| TrapCode::StackOverflow)?,
            module,
            memory: entity.memories.first().copied(),
        });
        Ok(())
    }

    /// Performs a call from the current activation (or from the host when there is none).
    /// Returns `Some(outcome)` when the run must stop (host call).
    fn call(
        &mut self,
        store: &StoreInner,
        func: u32,
        fp: usize,
    ) -> Result<Option<RunOutcome>, TrapCode> {
        let entity = store.funcs[func as usize];
        match entity.kind {
            FuncKind::Host { .. } => {
                let ty = store.types.get(entity.ty);
                let (params, results) = (ty.params().len(), ty.results().len());
                self.reserve(fp + params.max(results))?;
                self.pending_host = Some(PendingHost {
                    base: fp,
                    params,
                    results,
                });
                Ok(Some(RunOutcome::HostCall { func }))
            }
            FuncKind::Wasm { instance, index } => {
                if let Some(current) = &self.current {
                    if self.frames.len() >= self.max_depth {
                        return Err(TrapCode::StackOverflow);
                    }
                    self.frames.push(Frame {
                        instance: current.instance,
                        func: current.func_index,
                        pc: current.pc,
                        fp: current.fp,
                    });
                }
                self.enter(store, instance, index, fp, true)?;
                Ok(None)
            }
        }
    }

    /// Returns from the current activation. Returns `true` when the outermost call finished.
    fn return_from(&mut self, store: &StoreInner, src: u16, count: u16) -> Result<bool, TrapCode> {
        let Some(current) = &self.current else {
            return Ok(true);
        };
        let fp = current.fp as usize;
        let src = fp + usize::from(src);
        let count = usize::from(count);
        self.stack.copy_within(src..src + count, fp);
        match self.frames.pop() {
            None => {
                self.results = (fp, fp + count);
                self.current = None;
                Ok(true)
            }
            Some(frame) => {
                self.enter(store, frame.instance, frame.func, frame.fp as usize, false)?;
                if let Some(a) = &mut self.current {
                    a.pc = frame.pc;
                }
                Ok(false)
            }
        }
    }

    fn trap(&mut self, code: TrapCode, store: &StoreInner) -> RunOutcome {
        let (func_index, store_func) = match &self.current {
            Some(a) => {
                let store_func = store.instances[a.instance as usize].funcs[a.func_index as usize];
                (Some(a.func_index), Some(store_func))
            }
            None => (None, None),
        };
        self.trapped = store_func;
        self.frames.clear();
        self.current = None;
        self.pending_host = None;
        RunOutcome::Trap(match func_index {
            Some(index) => Trap::at(code, index, None),
            None => Trap::new(code),
        })
    }
}

impl Execution for Executor {
    fn start(&mut self, store: &mut StoreInner, func: u32, args: &[RawVal]) -> Result<(), Trap> {
        self.reset();
        self.reserve(args.len()).map_err(Trap::new)?;
        self.stack[..args.len()].copy_from_slice(args);
        match self.call(store, func, 0) {
            Ok(None) => Ok(()),
            Ok(Some(_)) => Err(Trap::new(TrapCode::HostTrap)),
            Err(code) => Err(Trap::new(code)),
        }
    }

    fn run(&mut self, store: &mut StoreInner) -> RunOutcome {
        loop {
            let Some(activation) = self.current.clone() else {
                return RunOutcome::Returned;
            };
            let module = activation.module.clone();
            let func = &module.funcs[activation.func as usize];
            let fp = activation.fp as usize;
            let frame_end = fp + usize::from(func.frame_size);
            let mut pc = activation.pc as usize;
            let exit = {
                let regs = &mut self.stack[fp..frame_end];
                dispatch::execute(regs, &func.code, &mut pc, store, &activation)
            };
            if let Some(a) = &mut self.current {
                a.pc = u32::try_from(pc).unwrap_or(u32::MAX);
            }
            let step = match exit {
                Ok(Exit::Call { func, base }) => self.call(store, func, fp + usize::from(base)),
                Ok(Exit::Return { src, count }) => match self.return_from(store, src, count) {
                    Ok(true) => return RunOutcome::Returned,
                    Ok(false) => Ok(None),
                    Err(code) => Err(code),
                },
                Ok(Exit::OutOfFuel { required }) => return RunOutcome::OutOfFuel { required },
                Err(code) => Err(code),
            };
            match step {
                Ok(None) => {}
                Ok(Some(outcome)) => return outcome,
                Err(code) => return self.trap(code, store),
            }
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

    fn reset(&mut self) {
        self.frames.clear();
        self.current = None;
        self.pending_host = None;
        self.results = (0, 0);
        self.trapped = None;
    }
}
