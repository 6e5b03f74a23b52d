//! Translated code of a module, as the executor runs it.

use alloc::boxed::Box;

use crate::op::Op;

/// One translated function.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    /// Its instructions; the last reachable one is a `Return`.
    pub(crate) code: Box<[Op]>,
    /// Byte offset in the module of the WebAssembly operator behind each instruction (empty
    /// without [`Config::debug_info`](mote_core::Config::debug_info)).
    pub(crate) offsets: Box<[u32]>,
    /// Slots in its frame: parameters, locals and the deepest operand stack.
    pub(crate) frame_size: u16,
    /// Number of parameters.
    pub(crate) params: u16,
    /// Number of parameters plus declared locals.
    pub(crate) locals: u16,
    /// Number of results.
    #[cfg_attr(
        not(feature = "translate"),
        expect(
            dead_code,
            reason = "read by the verifier, which runs after translation"
        )
    )]
    pub(crate) results: u16,
}

/// The translated functions of a module, indexed by defined-function index (imports excluded).
#[derive(Debug)]
pub(crate) struct CompiledModule {
    pub(crate) funcs: Box<[CompiledFunc]>,
}
