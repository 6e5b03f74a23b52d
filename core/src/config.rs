//! Engine configuration.

use crate::limits::Limits;

/// WebAssembly proposals that can be switched on or off. Wasm 2.0 (without SIMD), custom page
/// sizes, tail calls and extended constant expressions are on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// Mutable globals in imports and exports.
    pub mutable_global: bool,
    /// `i32.extend8_s` and friends.
    pub sign_extension: bool,
    /// `i32.trunc_sat_f32_s` and friends.
    pub saturating_float_to_int: bool,
    /// Blocks and functions with several results.
    pub multi_value: bool,
    /// `memory.copy`, `memory.fill`, passive segments.
    pub bulk_memory: bool,
    /// `funcref`/`externref` values and several tables.
    pub reference_types: bool,
    /// Page sizes other than 64 KiB (1-byte pages).
    pub custom_page_sizes: bool,
    /// Floating-point types and instructions. Off rejects modules that use floats.
    pub floats: bool,
    /// 64-bit memory indices: validated only (the engines reject code that accesses them).
    pub memory64: bool,
    /// Several memories per module (off by default: Wasm 2.0 requires the single reserved zero
    /// byte in `memory.size` and friends that this proposal reinterprets as an index).
    pub multi_memory: bool,
    /// `return_call` and `return_call_indirect` (tail calls, Wasm 3.0).
    pub tail_call: bool,
    /// Arithmetic in constant expressions (extended-const, Wasm 3.0).
    pub extended_const: bool,
}

impl Default for Features {
    fn default() -> Self {
        Self {
            mutable_global: true,
            sign_extension: true,
            saturating_float_to_int: true,
            multi_value: true,
            bulk_memory: true,
            reference_types: true,
            custom_page_sizes: true,
            floats: true,
            memory64: false,
            multi_memory: false,
            tail_call: true,
            extended_const: true,
        }
    }
}

impl Features {
    /// The WebAssembly 1.0 (MVP) feature set.
    pub fn wasm1() -> Self {
        Self {
            mutable_global: true,
            sign_extension: false,
            saturating_float_to_int: false,
            multi_value: false,
            bulk_memory: false,
            reference_types: false,
            custom_page_sizes: false,
            floats: true,
            memory64: false,
            multi_memory: false,
            tail_call: false,
            extended_const: false,
        }
    }
}

/// Which engine runs the code of an [`Engine`](crate::Engine) built by the `mote` facade
/// (`mote::engine`). `mote-core` itself knows no engine: [`Engine::new`](crate::Engine::new)
/// takes the backend, and this setting is what the facade reads to pick one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Strategy {
    /// Mote's interpreter (`mote-interp`): every target, microcontrollers included; translates
    /// 50 to 100 times faster than the JIT compiles. The default.
    #[default]
    Interpreter,
    /// Mote's Cranelift JIT (`mote-jit`): 64-bit hosts (x86-64, aarch64) with the facade's `jit`
    /// feature; runs code about 5 times faster than the interpreter (geomean of the benches'
    /// workloads; 3 to 9 times by workload). Where the JIT is not
    /// available, modules fail to compile with an `Unsupported` error.
    Jit,
}

/// Configuration of an [`Engine`](crate::Engine).
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) strategy: Strategy,
    pub(crate) epoch_interruption: bool,
    pub(crate) features: Features,
    pub(crate) limits: Limits,
    pub(crate) fuel: bool,
    pub(crate) debug_info: bool,
    pub(crate) canonicalize_nans: bool,
    pub(crate) memory_reservation: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            strategy: Strategy::Interpreter,
            epoch_interruption: false,
            features: Features::default(),
            limits: Limits::default(),
            fuel: false,
            debug_info: true,
            canonicalize_nans: false,
            memory_reservation: 0,
        }
    }
}

impl Config {
    /// The default configuration: Wasm 2.0 without SIMD, custom page sizes, host limits, no fuel,
    /// debug information on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Chooses the engine that the `mote` facade's `mote::engine` builds for this
    /// configuration (default [`Strategy::Interpreter`]).
    pub fn strategy(&mut self, strategy: Strategy) -> &mut Self {
        self.strategy = strategy;
        self
    }

    /// The engine chosen with [`Config::strategy`].
    pub fn get_strategy(&self) -> Strategy {
        self.strategy
    }

    /// Turns epoch interruption on or off (off by default). With it on, compiled code checks at
    /// every function entry and loop back-edge whether the engine's epoch
    /// ([`Engine::increment_epoch`](crate::Engine::increment_epoch), callable from any thread)
    /// has reached the store's deadline
    /// ([`Store::set_epoch_deadline`](crate::Store::set_epoch_deadline)), and traps with
    /// [`TrapCode::Interrupt`](crate::TrapCode::Interrupt) when it has. A new store's deadline
    /// is the epoch at its creation, so set one before calling.
    ///
    /// Supported by both engines (the interpreter checks at the same places, with one
    /// instruction). An engine with this setting and a backend without support refuses to
    /// compile or load modules (an `Unsupported` error), rather than run code that cannot be
    /// interrupted; compiled images record the setting and load only on engines that share it.
    ///
    /// Costs: two loads, a compare and a branch per function entry and loop iteration.
    pub fn epoch_interruption(&mut self, enable: bool) -> &mut Self {
        self.epoch_interruption = enable;
        self
    }

    /// Whether epoch interruption is on.
    pub fn epoch_interruption_enabled(&self) -> bool {
        self.epoch_interruption
    }

    /// Turns fuel metering on or off. With fuel on, every store starts with zero fuel; a call
    /// that runs out suspends and can be resumed after [`Store::set_fuel`](crate::Store::set_fuel).
    ///
    /// Costs: one check per basic block in translated code.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.fuel = enable;
        self
    }

    /// Keeps the byte offset of every translated instruction, so that traps report where in the
    /// module they happened. On by default.
    ///
    /// Costs: 4 bytes of RAM per translated instruction (a third of the translated code).
    pub fn debug_info(&mut self, enable: bool) -> &mut Self {
        self.debug_info = enable;
        self
    }

    /// Replaces every NaN that a float instruction produces with the canonical NaN
    /// (`0x7fc00000` / `0x7ff8000000000000`), so results are bit-for-bit the same on every host
    /// and engine (WebAssembly otherwise lets NaN signs and payloads vary). Off by default.
    ///
    /// Costs: one extra instruction after each float operation that can produce a NaN.
    pub fn canonicalize_nans(&mut self, enable: bool) -> &mut Self {
        self.canonicalize_nans = enable;
        self
    }

    /// Makes each new linear memory reserve room for `bytes` (capped at its maximum size and
    /// [`Limits::memory_bytes`]) when it is created, so that `memory.grow` within that room
    /// never moves or copies the memory. Without it (the default, 0) a memory takes only what
    /// it uses, and growing reallocates: in place when the allocator can, else by copying,
    /// which needs the old and the new size at once for a moment (on a microcontroller, that
    /// can be the difference between growing and `memory.grow` returning -1).
    ///
    /// When the room cannot be allocated, the memory is created without it.
    ///
    /// Costs: the reserved RAM, used or not, from instantiation on.
    pub fn memory_reservation(&mut self, bytes: u64) -> &mut Self {
        self.memory_reservation = bytes;
        self
    }

    /// The bytes each new linear memory reserves ([`Config::memory_reservation`]).
    pub fn get_memory_reservation(&self) -> u64 {
        self.memory_reservation
    }

    /// Whether NaNs are canonicalized.
    pub fn canonicalize_nans_enabled(&self) -> bool {
        self.canonicalize_nans
    }

    /// Whether traps carry byte offsets.
    pub fn debug_info_enabled(&self) -> bool {
        self.debug_info
    }

    /// Sets the resource limits for stores of this engine.
    pub fn limits(&mut self, limits: Limits) -> &mut Self {
        self.limits = limits;
        self
    }

    /// Sets the enabled proposals.
    pub fn features(&mut self, features: Features) -> &mut Self {
        self.features = features;
        self
    }

    /// The enabled proposals.
    pub fn get_features(&self) -> &Features {
        &self.features
    }

    /// The resource limits.
    pub fn get_limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether fuel metering is on.
    pub fn fuel_enabled(&self) -> bool {
        self.fuel
    }
}
