//! The heap Mote allocates from: RAM after the statics (cortex-m-rt's `__sheap`), so that it
//! is not counted in `.bss` and the footprint report shows the runtime's statics alone. In the
//! benchmark build it also counts the bytes in use and their peak (the footprint builds keep
//! the plain allocator, so the size report does not include the counters).

#[cfg(feature = "bench")]
use core::alloc::{GlobalAlloc, Layout};
#[cfg(feature = "bench")]
use core::sync::atomic::{AtomicUsize, Ordering};

use embedded_alloc::LlffHeap;

/// Bytes of heap: enough for fib's module, store and stacks with room to spare.
#[cfg(not(feature = "bench"))]
pub const HEAP_BYTES: usize = 64 * 1024;
/// Bytes of heap of the benchmark build: CoreMark's linear memory alone is 1.1 MB (the Rust
/// toolchain's 1 MiB shadow stack), and growing it copies it (the old and the new block are
/// live at once). The main stack keeps the top 64 KiB of the 4 MiB, less the statics.
#[cfg(feature = "bench")]
pub const HEAP_BYTES: usize = 4 * 1024 * 1024 - 64 * 1024;

/// The plain heap of the footprint builds.
#[cfg(not(feature = "bench"))]
#[global_allocator]
static HEAP: LlffHeap = LlffHeap::empty();

/// The heap, with a count of the bytes in use and the most ever in use.
#[cfg(feature = "bench")]
struct CountingHeap {
    heap: LlffHeap,
    used: AtomicUsize,
    peak: AtomicUsize,
}

#[cfg(feature = "bench")]
#[global_allocator]
static HEAP: CountingHeap = CountingHeap {
    heap: LlffHeap::empty(),
    used: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
};

#[cfg(feature = "bench")]
// SAFETY: every method forwards to `LlffHeap`, a `GlobalAlloc` that upholds the contract, with
// the same arguments; the counters only observe sizes.
unsafe impl GlobalAlloc for CountingHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which is passed on.
        let ptr = unsafe { self.heap.alloc(layout) };
        if !ptr.is_null() {
            let used = self.used.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            self.peak.fetch_max(used, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.used.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract (`ptr` came from this
        // allocator with `layout`), which is passed on.
        unsafe { self.heap.dealloc(ptr, layout) }
    }
}

unsafe extern "C" {
    /// Start of the free RAM after `.bss` and `.data` (cortex-m-rt's `link.x`).
    static mut __sheap: u32;
}

/// Gives the heap its memory. Called once, first thing in `run`.
pub fn init() {
    let start = (&raw mut __sheap).addr();
    #[cfg(feature = "bench")]
    let heap = &HEAP.heap;
    #[cfg(not(feature = "bench"))]
    let heap = &HEAP;
    // SAFETY: called once; `[__sheap, __sheap + HEAP_BYTES)` is RAM that no static uses (it
    // follows them) and that lies inside the 4 MiB RAM region, below the stack at its top.
    unsafe { heap.init(start, HEAP_BYTES) }
}

/// The end of the heap's region: the stack may grow down to here.
#[cfg(feature = "bench")]
pub fn end() -> usize {
    (&raw mut __sheap).addr() + HEAP_BYTES
}

/// Bytes in use now.
#[cfg(feature = "bench")]
pub fn used() -> usize {
    HEAP.used.load(Ordering::Relaxed)
}

/// The most bytes in use at once since the last [`reset_peak`].
#[cfg(feature = "bench")]
pub fn peak() -> usize {
    HEAP.peak.load(Ordering::Relaxed)
}

/// Starts a new peak from the bytes in use now.
#[cfg(feature = "bench")]
pub fn reset_peak() {
    HEAP.peak.store(used(), Ordering::Relaxed);
}
