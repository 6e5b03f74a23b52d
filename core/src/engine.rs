//! The engine, and the interface that execution engines (the interpreter, the JIT) implement.

use crate::sync::Arc;
use alloc::boxed::Box;
use core::any::Any;
use core::fmt;

use crate::config::Config;
use crate::error::Error;
use crate::module::Module;
#[cfg(feature = "validate")]
use crate::module::ModuleInfo;
use crate::store::StoreInner;
use crate::trap::Trap;
use crate::types::MemoryType;
use crate::value::RawVal;

/// A configured execution engine: compiles modules and runs them. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

struct EngineInner {
    config: Config,
    backend: Box<dyn Backend>,
    /// The epoch ([`Engine::increment_epoch`]).
    epoch: crate::sync::AtomicEpoch,
}

impl Engine {
    /// Creates an engine with `config` that runs code with `backend` (for example
    /// `mote_interp::Interpreter`). The `mote` crate offers `mote::Engine::default()`-style
    /// helpers that pick the backend from the configuration.
    pub fn new(config: &Config, backend: impl Backend) -> Self {
        Self {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                backend: Box::new(backend),
                epoch: crate::sync::AtomicEpoch::new(0),
            }),
        }
    }

    /// Advances the engine's epoch by one. Any thread may call it (the engine is `Send` and
    /// `Sync`; clone it into a timer thread), while calls run: with
    /// [`Config::epoch_interruption`], running guest code traps with
    /// [`TrapCode::Interrupt`](crate::TrapCode::Interrupt) at its next function entry or loop
    /// back-edge once the epoch reaches its store's deadline
    /// ([`Store::set_epoch_deadline`](crate::Store::set_epoch_deadline)).
    pub fn increment_epoch(&self) {
        // Relaxed: the counter orders nothing else; compiled code only needs to see it
        // eventually.
        self.inner
            .epoch
            .fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    }

    /// The current epoch (0 when the engine is created).
    #[inline]
    pub fn current_epoch(&self) -> u64 {
        #[cfg_attr(
            target_has_atomic = "64",
            expect(
                clippy::useless_conversion,
                reason = "u32 on targets without 64-bit atomics"
            )
        )]
        u64::from(self.inner.epoch.load(core::sync::atomic::Ordering::Relaxed))
    }

    /// The address of the epoch counter, for compiled code that reads it with plain aligned
    /// loads (atomic on the JIT's hosts). Valid as long as any handle to this engine lives.
    #[cfg(target_has_atomic = "64")]
    pub fn epoch_counter(&self) -> *const u64 {
        self.inner.epoch.as_ptr().cast_const()
    }

    /// Refuses an engine configuration that its backend cannot honour: epoch interruption on
    /// a backend without it ([`Backend::supports_epoch_interruption`]).
    ///
    /// # Errors
    /// `Unsupported`, naming the setting and the backend.
    pub(crate) fn check_backend_support(&self) -> Result<(), Error> {
        if self.inner.config.epoch_interruption && !self.inner.backend.supports_epoch_interruption()
        {
            return Err(Error::unsupported(
                "Config::epoch_interruption on this engine (its backend does not check epochs)",
                None,
            ));
        }
        Ok(())
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The execution backend.
    pub fn backend(&self) -> &dyn Backend {
        &*self.inner.backend
    }

    /// Whether two handles refer to the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("backend", &self.inner.backend.name())
            .field("config", &self.inner.config)
            .finish()
    }
}

/// Compiled code of one module, owned by the backend that made it.
pub type CompiledCode = Arc<dyn Any + Send + Sync>;

/// Wraps a backend's code as [`CompiledCode`] (through a `Box`, which works with the `Arc` of
/// every target; see [`crate::sync`]).
pub fn compiled_code<C: Any + Send + Sync>(code: C) -> CompiledCode {
    let code: Box<dyn Any + Send + Sync> = Box::new(code);
    Arc::from(code)
}

/// An execution engine: translates validated function bodies and runs them.
///
/// The contract between the embedding API in this crate and an engine:
/// - [`Module::new`](crate::Module::new) decodes the module sections into a [`ModuleInfo`], then
///   hands each function body, with its validator, to a [`ModuleTranslator`]; the translator
///   validates while it translates.
/// - A call runs in an [`Execution`]: the engine returns to the embedding API whenever guest
///   code calls a host function, runs out of fuel or traps. Host functions therefore never need
///   to know the engine, and every call can be suspended and resumed.
pub trait Backend: Send + Sync + 'static {
    /// A short name, for messages ("interp", "jit").
    fn name(&self) -> &'static str;

    /// Starts translating a module whose non-code sections are in `info`.
    ///
    /// # Errors
    /// When the module uses something the backend does not support.
    #[cfg(feature = "validate")]
    fn new_translator(
        &self,
        config: &Config,
        info: &ModuleInfo,
    ) -> Result<Box<dyn ModuleTranslator>, Error>;

    /// Creates an execution context (value stack, call frames) for calls.
    fn new_execution(&self, config: &Config) -> Box<dyn Execution>;

    /// Whether the backend honours [`Config::epoch_interruption`]: checks, at every function
    /// entry and loop back-edge, whether the engine's epoch ([`Engine::current_epoch`]) has
    /// reached the store's deadline ([`StoreInner::epoch_deadline_reached`]) and then traps
    /// with [`TrapCode::Interrupt`](crate::TrapCode::Interrupt). A backend that returns `false`
    /// (the default) never sees a module of an engine with the setting on: compiling and
    /// loading modules fail with `Unsupported` first.
    ///
    /// This is the hook for the interpreter: return `true` here once its loops and calls check
    /// `StoreInner::epoch_deadline_reached`.
    fn supports_epoch_interruption(&self) -> bool {
        false
    }

    /// Storage for a new linear memory of type `ty`, or `None` (the default) to keep its
    /// bytes in a `Vec<u8>` of the store, as the interpreter does. Every memory of a store of
    /// this engine is created through here: those of instances (`memory` is then the index
    /// in the module, for messages) and those of the embedder (`Memory::new`, `memory` is
    /// `None`). The storage starts with `initial_bytes` zero bytes accessible, and is never
    /// asked to grow beyond `max_bytes` (the type's maximum and the store's
    /// `Limits::memory_bytes`).
    ///
    /// The JIT answers with a reservation of address space behind guard pages, so that its
    /// compiled code needs no bounds checks (`mote_jit`); a backend whose code relies on the
    /// storage it gave must check, when it runs an instance, that its memories have it (a
    /// downcast through [`LinearMemoryStorage::as_any`]).
    ///
    /// # Errors
    /// When the storage cannot be had: the memory, and the instantiation or `Memory::new`
    /// that asked for it, fail with this error.
    fn new_memory_storage(
        &self,
        config: &Config,
        ty: &MemoryType,
        memory: Option<u32>,
        initial_bytes: usize,
        max_bytes: u64,
    ) -> Option<Result<Box<dyn LinearMemoryStorage>, Error>> {
        let _ = (config, ty, memory, initial_bytes, max_bytes);
        None
    }

    /// Loads a compiled image (see `mote_interp::image`). Backends without an image format
    /// refuse.
    ///
    /// # Errors
    /// `BadImage` when the bytes are not a valid image for this engine; `Unsupported` when the
    /// backend has no image format.
    fn load_image(&self, engine: &Engine, image: ImageSource<'_>) -> Result<Module, Error> {
        let _ = (engine, image);
        Err(Error::unsupported(
            "compiled images on this engine (the interpreter has an image format)",
            None,
        ))
    }
}

/// The bytes of a linear memory in storage that a backend provides
/// ([`Backend::new_memory_storage`]) instead of the store's `Vec<u8>`.
///
/// The storage's accessible bytes are the memory's bytes: their length is always the
/// memory's current size, and growing never moves the ones that exist.
pub trait LinearMemoryStorage: Any + Send + Sync + fmt::Debug {
    /// The accessible bytes.
    fn bytes(&self) -> &[u8];

    /// The accessible bytes, mutably.
    fn bytes_mut(&mut self) -> &mut [u8];

    /// Makes the first `new_len` bytes accessible (`new_len` is at least the current length
    /// and at most the `max_bytes` the storage was made for); the new ones read as zero.
    ///
    /// # Errors
    /// When the bytes cannot be had; the memory then keeps its size (`memory.grow` returns
    /// -1).
    fn grow_to(&mut self, new_len: usize) -> Result<(), Error>;

    /// The storage as [`Any`], for the backend that made it to recognize it.
    fn as_any(&self) -> &dyn Any;
}

/// The bytes of a compiled image, and how long they live.
#[derive(Debug, Clone, Copy)]
pub enum ImageSource<'a> {
    /// Bytes that live for the rest of the program (flash): the code runs in place.
    Static(&'static [u8]),
    /// Bytes that live only for the call: the loader copies what it keeps.
    Transient(&'a [u8]),
}

/// Translates the function bodies of one module.
#[cfg(feature = "validate")]
pub trait ModuleTranslator: Send {
    /// Validates and translates the body of function `func_index` (in the module's function
    /// index space: imports first).
    ///
    /// # Errors
    /// An `Invalid` error with the byte offset when validation fails; `Unsupported` or `Limit`
    /// when translation cannot proceed.
    fn translate_function(
        &mut self,
        info: &ModuleInfo,
        func_index: u32,
        body: wasmparser::FunctionBody<'_>,
        validator: wasmparser::FuncValidator<wasmparser::ValidatorResources>,
    ) -> Result<(), Error>;

    /// Gives back the validator's buffers of the last function translated, for the next one
    /// (they grow to the largest function instead of being allocated for each). The default
    /// gives fresh, empty ones.
    fn take_validator_allocations(&mut self) -> wasmparser::FuncValidatorAllocations {
        wasmparser::FuncValidatorAllocations::default()
    }

    /// Finishes the module once every function is translated and all sections are decoded.
    ///
    /// # Errors
    /// When a limit is exceeded.
    fn finish(self: Box<Self>, info: &ModuleInfo) -> Result<CompiledCode, Error>;
}

/// One frame of a trap's backtrace, as an engine reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BacktraceFrame {
    /// Store index of the instance.
    pub instance: u32,
    /// Index of the function in its module's function index space.
    pub func_index: u32,
    /// Byte offset in the module of the instruction executing (for callers: the call).
    pub offset: Option<u32>,
}

/// Why [`Execution::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// The call returned; [`Execution::results`] holds the results.
    Returned,
    /// Guest code called host function `func` (a store function index);
    /// [`Execution::host_args`] holds its arguments. Pass the results with
    /// [`Execution::set_host_results`] and run again.
    HostCall {
        /// Store index of the host function.
        func: u32,
    },
    /// Guest code needs `required` fuel and the store has less. Add fuel and run again.
    OutOfFuel {
        /// Fuel needed to make progress.
        required: u64,
    },
    /// Guest code trapped. The execution is finished.
    Trap(Trap),
}

/// One call in progress: its value stack and frames. Reusable across calls.
pub trait Execution: Send {
    /// Prepares a call of the Wasm function with store index `func` with `args`.
    ///
    /// # Errors
    /// A `StackOverflow` trap when the arguments do not fit the value stack.
    fn start(&mut self, store: &mut StoreInner, func: u32, args: &[RawVal]) -> Result<(), Trap>;

    /// Runs until the call returns, traps, calls a host function or runs out of fuel.
    fn run(&mut self, store: &mut StoreInner) -> RunOutcome;

    /// The arguments of the pending host call.
    fn host_args(&self) -> &[RawVal];

    /// Supplies the results of the pending host call.
    fn set_host_results(&mut self, results: &[RawVal]);

    /// The results after [`RunOutcome::Returned`].
    fn results(&self) -> &[RawVal];

    /// During a host call: the store index of the calling instance.
    fn caller_instance(&self) -> Option<u32>;

    /// After a trap: the store index of the function that trapped, if known.
    fn trapped_func(&self) -> Option<u32>;

    /// After a trap: the Wasm frames that were active, innermost first.
    fn backtrace(&self) -> &[BacktraceFrame] {
        &[]
    }

    /// Clears all frames so the context can be reused.
    fn reset(&mut self);
}

/// Fuel charged for each executed WebAssembly operator. Both engines charge fuel per
/// straight-line segment on entry: the number of operators in the segment times this constant.
/// Segments begin at function entry, `loop`, after `if`'s condition, at `else`, and after `end`.
pub const FUEL_PER_OPERATOR: u32 = 1;
