//! The heap `alloc` (and so Mote) uses: `embedded-alloc`'s linked-list allocator over a static
//! array the heap owns, given its memory on the first allocation, with a count of the bytes in
//! use and the most ever in use.
#![allow(
    unsafe_code,
    reason = "the global allocator; each unsafe block says why it holds"
)]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;

use embedded_alloc::LlffHeap;
use portable_atomic::{AtomicBool, AtomicUsize, Ordering};

/// A heap of `N` bytes. Make it the firmware's allocator:
///
/// ```ignore
/// #[global_allocator]
/// static HEAP: mote_board_support::heap::Heap<{ 64 * 1024 }> = mote_board_support::heap::Heap::new();
/// ```
pub struct Heap<const N: usize> {
    heap: LlffHeap,
    memory: UnsafeCell<[MaybeUninit<u8>; N]>,
    ready: AtomicBool,
    used: AtomicUsize,
    peak: AtomicUsize,
}

// SAFETY: `memory` is only reached through `LlffHeap`, which serialises every access in a
// critical section, and once by `init`, in a critical section before `ready` is set.
unsafe impl<const N: usize> Sync for Heap<N> {}

impl<const N: usize> core::fmt::Debug for Heap<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Heap")
            .field("bytes", &N)
            .field("used", &self.used())
            .field("peak", &self.peak())
            .finish_non_exhaustive()
    }
}

impl<const N: usize> Default for Heap<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Heap<N> {
    /// An empty heap (its memory is handed to the allocator on the first allocation).
    pub const fn new() -> Self {
        Self {
            heap: LlffHeap::empty(),
            memory: UnsafeCell::new([MaybeUninit::uninit(); N]),
            ready: AtomicBool::new(false),
            used: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// The heap's size in bytes.
    pub const fn size(&self) -> usize {
        N
    }

    /// The bytes in use now, as asked for (the allocator rounds each block up to 8 bytes).
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// The most bytes in use at once so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    fn init(&self) {
        critical_section::with(|_| {
            if !self.ready.load(Ordering::Acquire) {
                // SAFETY: `init` runs once (the flag, set in the same critical section) with
                // the region of `memory`, which nothing else names: the heap owns it alone. A
                // zero-sized heap is refused by `LlffHeap::init`'s contract, so `N` = 0 never
                // gets here (see `alloc`).
                unsafe { self.heap.init(self.memory.get().addr(), N) };
                self.ready.store(true, Ordering::Release);
            }
        });
    }
}

// SAFETY: every method forwards to `LlffHeap`, a `GlobalAlloc` that upholds the contract, with
// the same arguments, once it has its memory; the counters only observe sizes.
unsafe impl<const N: usize> GlobalAlloc for Heap<N> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if N == 0 {
            return core::ptr::null_mut();
        }
        if !self.ready.load(Ordering::Acquire) {
            self.init();
        }
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
        // allocator with `layout`, so the heap has its memory), which is passed on.
        unsafe { self.heap.dealloc(ptr, layout) }
    }
}
