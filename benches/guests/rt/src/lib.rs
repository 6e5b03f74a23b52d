//! Run-time support for the `no_std` benchmark guests.
//!
//! On `wasm32` this crate provides the panic handler (a trap) and a bump allocator that takes
//! memory from `memory.grow` and forgets frees; [`reset_heap`] rewinds it, and every exported
//! workload calls it on entry, so repeated calls reuse the same memory instead of growing it.
//! On other targets (when the guests are linked natively to compute the expected checksums)
//! the crate is empty apart from a no-op [`reset_heap`], and the host's allocator is used.
#![no_std]
#![deny(missing_docs)]

/// Forgets every allocation made so far (wasm32 only; a no-op elsewhere).
///
/// Call it only when no allocation made before is still in use: the exported workloads call it
/// on entry, before they allocate anything.
pub fn reset_heap() {
    #[cfg(target_arch = "wasm32")]
    wasm::reset();
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use core::alloc::{GlobalAlloc, Layout};
    use core::arch::wasm32;
    use core::sync::atomic::{AtomicUsize, Ordering};

    const PAGE: usize = 65_536;

    /// First heap byte: the end of memory at the first allocation (0 until then). Everything the
    /// linker placed (stack, data, bss) lies below the initial memory size.
    static BASE: AtomicUsize = AtomicUsize::new(0);
    /// Next free byte.
    static NEXT: AtomicUsize = AtomicUsize::new(0);

    pub(crate) fn reset() {
        NEXT.store(BASE.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    struct Bump;

    // SAFETY: `alloc` returns either null or a block of `layout.size()` bytes aligned to
    // `layout.align()` that no other live allocation overlaps (the bump pointer only moves up
    // until `reset`, whose contract excludes live allocations); wasm32 guests are single-threaded.
    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if BASE.load(Ordering::Relaxed) == 0 {
                let end = wasm32::memory_size(0) * PAGE;
                BASE.store(end, Ordering::Relaxed);
                NEXT.store(end, Ordering::Relaxed);
            }
            let next = NEXT.load(Ordering::Relaxed);
            let Some(start) = next.checked_next_multiple_of(layout.align()) else {
                return core::ptr::null_mut();
            };
            let Some(end) = start.checked_add(layout.size()) else {
                return core::ptr::null_mut();
            };
            let have = wasm32::memory_size(0) * PAGE;
            if end > have {
                let pages = (end - have).div_ceil(PAGE);
                if wasm32::memory_grow(0, pages) == usize::MAX {
                    return core::ptr::null_mut();
                }
            }
            NEXT.store(end, Ordering::Relaxed);
            start as *mut u8
        }

        unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
    }

    #[global_allocator]
    static ALLOCATOR: Bump = Bump;

    #[panic_handler]
    fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
        wasm32::unreachable()
    }
}
