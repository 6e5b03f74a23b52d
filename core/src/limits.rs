//! Resource limits: one value that bounds everything a guest can make the runtime allocate.

/// Bounds on the resources that one store and its guests may use.
///
/// Exceeding a bound while instantiating gives an [`Error`](crate::Error) of kind
/// [`Limit`](crate::ErrorKind::Limit); exceeding it while running gives the trap that the
/// specification prescribes (`call stack exhausted` for stack and depth, `-1` from
/// `memory.grow` and `table.grow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Value-stack slots (8 bytes each) for one call, including locals of every frame.
    pub value_stack_slots: u32,
    /// Nested Wasm call frames for one call.
    pub call_depth: u32,
    /// Calls into Wasm active at once in one store: 1 for a call from the embedder, plus one for
    /// each host function that calls back into Wasm while a call is running. Each such level
    /// costs host stack (about 1.1 KB in release builds, 3.8 KB in debug builds, on x86-64),
    /// so this bounds the host stack that guests can make the runtime use.
    pub nested_calls: u32,
    /// Bytes of one linear memory.
    pub memory_bytes: u64,
    /// Elements of one table.
    pub table_elements: u64,
    /// Instances in one store.
    pub instances: u32,
    /// Memories in one store.
    pub memories: u32,
    /// Tables in one store.
    pub tables: u32,
    /// Bytes of translated code for one module.
    pub code_bytes: u64,
}

impl Limits {
    /// Generous limits for hosts: 1 Mi slots (8 MiB) of value stack, 10,000 frames, 4 GiB memories.
    pub const HOST: Limits = Limits {
        value_stack_slots: 1 << 20,
        call_depth: 10_000,
        nested_calls: 64,
        memory_bytes: 1 << 32,
        table_elements: 10_000_000,
        instances: 10_000,
        memories: 10_000,
        tables: 10_000,
        code_bytes: 1 << 30,
    };

    /// Small limits for microcontrollers: 512 slots (4 KiB) of value stack, 64 frames, 64 KiB
    /// memories.
    pub const MCU: Limits = Limits {
        value_stack_slots: 512,
        call_depth: 64,
        nested_calls: 4,
        memory_bytes: 64 * 1024,
        table_elements: 1024,
        instances: 4,
        memories: 4,
        tables: 4,
        code_bytes: 64 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::HOST
    }
}
