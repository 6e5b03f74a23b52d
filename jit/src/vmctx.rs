//! The instance context (`vmctx`) that compiled code receives as its first argument, and the
//! per-call run state behind it.
//!
//! Be careful when changing this module: compiled code reads [`VmCtx`] at the offsets in
//! [`offsets`], and every pointer in it points into the [`StoreInner`] of the running call.
//! Those pointers are refreshed ([`InstanceCtx::refresh`]) whenever the store may have
//! changed: on every entry into [`Execution::run`](mote_core::engine::Execution::run) and after
//! every runtime call that can grow a memory or table. Compiled code never keeps a memory base
//! across a call.

use std::ptr::NonNull;
use std::sync::Arc;

use corosensei::Yielder;
use mote_core::engine::{BacktraceFrame, RunOutcome};
use mote_core::store::StoreInner;
use mote_core::{Module, RawVal, TrapCode};

use crate::compile::CompiledModule;

/// Base and length of one linear memory.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemSlot {
    /// First byte.
    pub(crate) base: *mut u8,
    /// Length in bytes.
    pub(crate) len: u64,
}

/// The context of one instance, as compiled code sees it. `#[repr(C)]`: compiled code reads
/// these fields at the offsets in [`offsets`].
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VmCtx {
    /// Memory 0 (copied here from `memories` so that the common case costs one load).
    pub(crate) mem0: MemSlot,
    /// Every memory of the instance, by module index.
    pub(crate) memories: *const MemSlot,
    /// A pointer to the value of each global, by module index.
    pub(crate) globals: *const *mut RawVal,
    /// The store's remaining fuel.
    pub(crate) fuel: *mut u64,
    /// The lowest stack address compiled code may use before it reports stack exhaustion.
    pub(crate) stack_limit: usize,
    /// The call's depth and value-stack accounting (`RunState::limits`).
    pub(crate) limits: *mut CallLimits,
    /// The interpreter's frame size, in slots, of each defined function of the module.
    pub(crate) frame_slots: *const u32,
    /// Store function index of each function of the module's index space (`ref.func`).
    pub(crate) func_refs: *const u32,
    /// The run state of the call (runtime calls reach the store and the coroutine through it).
    pub(crate) run: *mut RunState,
    /// Frame pointer of the compiled function that last called the runtime (or trapped):
    /// where backtraces start.
    pub(crate) exit_fp: usize,
    /// The engine's epoch counter (`Engine::epoch_counter`).
    pub(crate) epoch: *const u64,
    /// The store's epoch deadline (`StoreInner::epoch_deadline`).
    pub(crate) epoch_deadline: *const u64,
    /// Store index of the instance.
    pub(crate) instance: u32,
}

/// Byte offsets of the [`VmCtx`] fields that compiled code reads.
pub(crate) mod offsets {
    use super::{MemSlot, VmCtx};
    use core::mem::offset_of;

    /// Offset of a field as the `i32` that Cranelift memory operands take.
    const fn at(offset: usize) -> i32 {
        assert!(offset < 4096);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_possible_wrap,
            reason = "asserted small"
        )]
        let offset = offset as i32;
        offset
    }

    /// `mem0`, a [`MemSlot`]
    pub(crate) const MEM0: i32 = at(offset_of!(VmCtx, mem0));
    /// `memories`
    pub(crate) const MEMORIES: i32 = at(offset_of!(VmCtx, memories));
    /// Size of one [`MemSlot`].
    pub(crate) const MEM_SLOT_SIZE: i64 = size_of::<MemSlot>() as i64;
    /// `MemSlot::base`
    pub(crate) const SLOT_BASE: i32 = at(offset_of!(MemSlot, base));
    /// `MemSlot::len`
    pub(crate) const SLOT_LEN: i32 = at(offset_of!(MemSlot, len));
    /// `globals`
    pub(crate) const GLOBALS: i32 = at(offset_of!(VmCtx, globals));
    /// `fuel`
    pub(crate) const FUEL: i32 = at(offset_of!(VmCtx, fuel));
    /// `stack_limit`
    pub(crate) const STACK_LIMIT: i32 = at(offset_of!(VmCtx, stack_limit));
    /// `limits`
    pub(crate) const LIMITS: i32 = at(offset_of!(VmCtx, limits));
    /// `CallLimits::depth_left`
    pub(crate) const DEPTH_LEFT: i32 = at(offset_of!(super::CallLimits, depth_left));
    /// `CallLimits::fp`
    pub(crate) const SLOTS_FP: i32 = at(offset_of!(super::CallLimits, fp));
    /// `func_refs`
    pub(crate) const FUNC_REFS: i32 = at(offset_of!(VmCtx, func_refs));
    /// `exit_fp`
    pub(crate) const EXIT_FP: i32 = at(offset_of!(VmCtx, exit_fp));
    /// `epoch`
    pub(crate) const EPOCH: i32 = at(offset_of!(VmCtx, epoch));
    /// `epoch_deadline`
    pub(crate) const EPOCH_DEADLINE: i32 = at(offset_of!(VmCtx, epoch_deadline));
}

/// The interpreter's stack limits, kept by compiled code so that both engines stop guest
/// recursion at the same point. `#[repr(C)]`: compiled code reads and writes it.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CallLimits {
    /// Wasm-to-Wasm calls that may still be made: `Limits::call_depth` minus the calls in
    /// progress (the interpreter's frame count).
    pub(crate) depth_left: u64,
    /// First slot of the current frame in the interpreter's value stack.
    pub(crate) fp: u64,
    /// `Limits::value_stack_slots`.
    pub(crate) max_slots: u64,
}

/// A call from compiled code through the runtime into another instance's code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// The calling instance.
    pub(crate) instance: u32,
    /// The call's [`Site`](crate::libcalls::Site).
    pub(crate) site: u64,
    /// The caller's frame pointer.
    pub(crate) fp: usize,
}

/// Everything [`InstanceCtx::refresh`] derives its pointers from. Equal keys mean equal
/// pointers: the memories' bases and lengths change only when one grows (its generation), the
/// global pointers only when the store's global list moves, the fuel and epoch pointers only
/// when the store moves. A host call that does none of these (the common case) is followed
/// by no refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RefreshKey {
    store: *const StoreInner,
    globals: *const u8,
    memory_generations: u64,
    stack_limit: usize,
}

/// One instance's context and the arrays it points to.
#[derive(Debug)]
pub(crate) struct InstanceCtx {
    /// Heap-allocated (`Box::into_raw`, freed in `Drop`) so its address is stable while
    /// compiled code holds it. A raw pointer, not a `Box`: moving a `Box` would assert unique
    /// access while compiled code still uses the context.
    vmctx: NonNull<VmCtx>,
    /// Memory slots and global pointers that the context points to. `Vec`s, for the same
    /// reason: moving the `InstanceCtx` (in a map) must not invalidate those pointers.
    memories: Vec<MemSlot>,
    globals: Vec<*mut RawVal>,
    /// What the last refresh read its pointers from; `None` before the first.
    refreshed: Option<RefreshKey>,
    /// Keeps the code alive while it may run.
    pub(crate) code: Arc<CompiledModule>,
    /// Keeps `func_refs` alive.
    pub(crate) module: Module,
}

impl InstanceCtx {
    /// Creates the context of store instance `instance`.
    ///
    /// # Errors
    /// When the instance's module was not compiled by the JIT.
    fn new(
        store: &StoreInner,
        instance: u32,
        run: *mut RunState,
        limits: *mut CallLimits,
    ) -> Result<Self, TrapCode> {
        let entity = &store.instances[instance as usize];
        let code = entity
            .module
            .code()
            .clone()
            .downcast::<CompiledModule>()
            .map_err(|_| TrapCode::HostTrap)?;
        // Code compiled for guarded memories has no bounds checks: it may run only on
        // reservations. Every memory of a store of this engine is made by
        // `Jit::new_memory_storage` (and a module runs only in stores of its engine), so this
        // holds unless something is badly wrong; refuse rather than run unchecked.
        let unguarded = entity.memories.iter().enumerate().any(|(i, &m)| {
            code.guarded_memories.get(i).copied().unwrap_or(false)
                && !crate::reservation::is_reservation(store.memories[m as usize].storage())
        });
        if unguarded {
            return Err(TrapCode::HostTrap);
        }
        let mut memories: Vec<MemSlot> = entity
            .memories
            .iter()
            .map(|_| MemSlot {
                base: core::ptr::null_mut(),
                len: 0,
            })
            .collect();
        let mut globals: Vec<*mut RawVal> = entity
            .globals
            .iter()
            .map(|_| core::ptr::null_mut())
            .collect();
        let vmctx = NonNull::from(Box::leak(Box::new(VmCtx {
            mem0: MemSlot {
                base: core::ptr::null_mut(),
                len: 0,
            },
            memories: memories.as_mut_ptr(),
            globals: globals.as_mut_ptr(),
            fuel: core::ptr::null_mut(),
            stack_limit: usize::MAX,
            limits,
            frame_slots: code.frame_slots.as_ptr(),
            func_refs: entity.funcs.as_ptr(),
            run,
            exit_fp: 0,
            epoch: store.engine.epoch_counter(),
            epoch_deadline: &raw const store.epoch_deadline,
            instance,
        })));
        Ok(Self {
            vmctx,
            memories,
            globals,
            refreshed: None,
            code,
            module: entity.module.clone(),
        })
    }

    /// The context, for compiled code.
    pub(crate) fn vmctx(&self) -> *mut VmCtx {
        self.vmctx.as_ptr()
    }

    /// Whether `addr` lies in the reservation of one of the instance's guarded memories
    /// (where a fault of an unchecked access lands). Called from the signal handler: reads
    /// only.
    pub(crate) fn in_guarded_memory(&self, addr: usize) -> bool {
        self.memories
            .iter()
            .zip(self.code.guarded_memories.iter())
            .any(|(slot, &guarded)| {
                let base = slot.base as usize;
                guarded && addr >= base && addr - base < crate::reservation::RESERVATION_BYTES
            })
    }

    /// Points the context at the store's current memories, globals and fuel.
    fn refresh(&mut self, store: &mut StoreInner, stack_limit: usize) {
        // SAFETY: `vmctx` is live until `Drop`; compiled code does not run during a refresh
        // (refreshes happen in `run` before resuming, or in runtime calls).
        let vmctx = unsafe { self.vmctx.as_mut() };
        let entity = &store.instances[vmctx.instance as usize];
        let key = RefreshKey {
            store: &raw const *store,
            globals: store.globals.as_ptr().cast(),
            memory_generations: entity.memories.iter().fold(0u64, |sum, &m| {
                sum.wrapping_add(store.memories[m as usize].generation())
            }),
            stack_limit,
        };
        if self.refreshed == Some(key) {
            return;
        }
        self.refreshed = Some(key);
        // The slots are written through `as_mut_ptr`, like the pointers the context holds,
        // so no reference to the buffers invalidates those.
        let memories = self.memories.as_mut_ptr();
        for (i, &m) in entity.memories.iter().enumerate().take(self.memories.len()) {
            let data = store.memories[m as usize].data_mut();
            let slot = MemSlot {
                base: data.as_mut_ptr(),
                len: data.len() as u64,
            };
            // SAFETY: `i` is below the vector's length.
            unsafe { memories.add(i).write(slot) };
            if i == 0 {
                vmctx.mem0 = slot;
            }
        }
        let globals = self.globals.as_mut_ptr();
        for (i, &g) in entity.globals.iter().enumerate().take(self.globals.len()) {
            // SAFETY: `i` is below the vector's length.
            unsafe {
                globals
                    .add(i)
                    .write(&raw mut store.globals[g as usize].value)
            };
        }
        vmctx.fuel = &raw mut store.fuel;
        vmctx.epoch = store.engine.epoch_counter();
        vmctx.epoch_deadline = &raw const store.epoch_deadline;
        vmctx.stack_limit = stack_limit;
    }
}

impl Drop for InstanceCtx {
    fn drop(&mut self) {
        // SAFETY: `vmctx` came from `Box::leak` in `new` and is dropped once, here; the run
        // state drops its contexts only when no compiled code of the call can run.
        drop(unsafe { Box::from_raw(self.vmctx.as_ptr()) });
    }
}

/// The contexts of the instances a call has entered, by store index: a `Vec` sorted by index
/// (a call enters few instances; iterating a `BTreeMap` after every host call cost more than
/// the refresh it served).
#[derive(Debug, Default)]
pub(crate) struct InstanceCtxs {
    entries: Vec<(u32, InstanceCtx)>,
}

impl InstanceCtxs {
    /// Where `instance` is, or where it would go.
    fn position(&self, instance: u32) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&instance, |(i, _)| *i)
    }

    /// The context of `instance`, if the call has entered it.
    pub(crate) fn get(&self, instance: &u32) -> Option<&InstanceCtx> {
        self.position(*instance).ok().map(|at| &self.entries[at].1)
    }

    /// Every context with its instance index.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&u32, &InstanceCtx)> {
        self.entries.iter().map(|(i, ctx)| (i, ctx))
    }

    /// Every context.
    pub(crate) fn values(&self) -> impl Iterator<Item = &InstanceCtx> {
        self.entries.iter().map(|(_, ctx)| ctx)
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut InstanceCtx> {
        self.entries.iter_mut().map(|(_, ctx)| ctx)
    }
}

impl core::ops::Index<&u32> for InstanceCtxs {
    type Output = InstanceCtx;

    /// # Panics
    /// When the call has not entered `instance` (callers index only instances whose
    /// context they created).
    fn index(&self, instance: &u32) -> &InstanceCtx {
        match self.get(instance) {
            Some(ctx) => ctx,
            None => panic!("no context for instance {instance}"),
        }
    }
}

/// The state of one call in progress, shared by the execution and the runtime calls that
/// compiled code makes. Reached through [`VmCtx::run`].
#[derive(Debug)]
pub(crate) struct RunState {
    /// The store of the current `run`; valid while the coroutine runs.
    pub(crate) store: *mut StoreInner,
    /// The coroutine's yielder; valid while the coroutine runs.
    pub(crate) yielder: *const Yielder<(), RunOutcome>,
    /// Contexts of the instances this call has entered, by store index.
    pub(crate) instances: InstanceCtxs,
    /// The buffer of the pending host call's arguments, then results: the calling compiled
    /// function's, on the suspended coroutine's stack, holding `max(host_params,
    /// host_results)` values; null when no host call is pending.
    pub(crate) host_values: *mut RawVal,
    /// Number of results of the pending host call.
    pub(crate) host_results: usize,
    /// Number of arguments of the pending host call.
    pub(crate) host_params: usize,
    /// The instance that made the pending host call.
    pub(crate) caller_instance: Option<u32>,
    /// Store index of the function that trapped.
    pub(crate) trapped_func: Option<u32>,
    /// The frames of the last trap, innermost first.
    pub(crate) backtrace: Vec<BacktraceFrame>,
    /// Calls from compiled code into another instance's compiled code through the runtime,
    /// in progress: where backtraces continue past a trampoline.
    pub(crate) entries: Vec<Entry>,
    /// Address range of the coroutine stack: backtraces read frame records only inside it.
    pub(crate) stack_range: core::ops::Range<usize>,
    /// The lowest stack address compiled code may use.
    pub(crate) stack_limit: usize,
    /// Call depth and value-stack accounting, as the interpreter keeps it.
    pub(crate) limits: CallLimits,
}

impl RunState {
    pub(crate) fn new() -> Self {
        Self {
            store: core::ptr::null_mut(),
            yielder: core::ptr::null(),
            instances: InstanceCtxs::default(),
            host_values: core::ptr::null_mut(),
            host_results: 0,
            host_params: 0,
            caller_instance: None,
            trapped_func: None,
            backtrace: Vec::new(),
            entries: Vec::new(),
            stack_range: 0..0,
            stack_limit: usize::MAX,
            limits: CallLimits::default(),
        }
    }

    /// Forgets the pending host call's buffer (after the call, or when the stack that holds
    /// it is discarded).
    pub(crate) fn clear_host_call(&mut self) {
        self.host_values = core::ptr::null_mut();
        self.host_params = 0;
        self.host_results = 0;
    }

    /// The context of store instance `instance`, created on first use, and refreshed.
    ///
    /// # Errors
    /// When the instance's module was not compiled by the JIT.
    pub(crate) fn instance_ctx(
        &mut self,
        store: &mut StoreInner,
        instance: u32,
        this: *mut RunState,
    ) -> Result<*mut VmCtx, TrapCode> {
        let stack_limit = self.stack_limit;
        let limits = &raw mut self.limits;
        let ctx = match self.instances.position(instance) {
            Ok(at) => &mut self.instances.entries[at].1,
            Err(at) => {
                let mut ctx = InstanceCtx::new(store, instance, this, limits)?;
                ctx.refresh(store, stack_limit);
                self.instances.entries.insert(at, (instance, ctx));
                &mut self.instances.entries[at].1
            }
        };
        Ok(ctx.vmctx())
    }

    /// Refreshes every context after the store may have changed.
    pub(crate) fn refresh_all(&mut self, store: &mut StoreInner) {
        let stack_limit = self.stack_limit;
        for ctx in self.instances.values_mut() {
            ctx.refresh(store, stack_limit);
        }
    }
}
