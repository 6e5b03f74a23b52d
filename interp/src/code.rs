//! Translated code of a module, as the executor runs it.
//!
//! The same structure serves code translated on the device (owned vectors) and code in a
//! compiled image (slices borrowed from flash): every part has a fixed layout, so an image is
//! these arrays as they are, and running it in place needs no copy to RAM.

use alloc::borrow::Cow;

use crate::op::Op;

/// One translated function: where its code is and the shape of its frame. Fixed layout
/// (16 bytes, little-endian in images).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct CompiledFunc {
    /// Index of its first instruction in [`CompiledModule::code`].
    pub(crate) code_start: u32,
    /// Number of instructions; the last reachable one is a `Return`.
    pub(crate) code_len: u32,
    /// Slots in its frame: parameters, locals and the deepest operand stack.
    pub(crate) frame_size: u16,
    /// Number of parameters.
    pub(crate) params: u16,
    /// Number of parameters plus declared locals.
    pub(crate) locals: u16,
    /// Number of results.
    pub(crate) results: u16,
}

const _: () = assert!(size_of::<CompiledFunc>() == 16 && align_of::<CompiledFunc>() == 4);

/// The translated functions of a module, indexed by defined-function index (imports excluded).
#[derive(Debug)]
pub(crate) struct CompiledModule {
    /// Every defined function.
    pub(crate) funcs: Cow<'static, [CompiledFunc]>,
    /// The instructions of all functions, one after another. Jump targets are relative to the
    /// function's first instruction.
    pub(crate) code: Cow<'static, [Op]>,
    /// Byte offset in the module of the WebAssembly operator behind each instruction of `code`
    /// (empty without [`Config::debug_info`](mote_core::Config::debug_info)).
    pub(crate) offsets: Cow<'static, [u32]>,
}

impl CompiledModule {
    /// The instructions of `func`. The verifier checked the range when the module was made.
    #[inline]
    pub(crate) fn code_of(&self, func: &CompiledFunc) -> &[Op] {
        let start = func.code_start as usize;
        &self.code[start..start + func.code_len as usize]
    }

    /// The module byte offset of instruction `pc` of `func`, if recorded.
    pub(crate) fn offset_of(&self, func: &CompiledFunc, pc: usize) -> Option<u32> {
        if pc >= func.code_len as usize {
            return None;
        }
        self.offsets.get(func.code_start as usize + pc).copied()
    }
}
