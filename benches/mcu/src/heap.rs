//! The heap Mote allocates from: RAM after the statics (cortex-m-rt's `__sheap`), so that it
//! is not counted in `.bss` and the footprint report shows the runtime's statics alone.

use embedded_alloc::LlffHeap;

/// Bytes of heap: enough for fib's module, store and stacks with room to spare.
const HEAP_BYTES: usize = 64 * 1024;

#[global_allocator]
static HEAP: LlffHeap = LlffHeap::empty();

unsafe extern "C" {
    /// Start of the free RAM after `.bss` and `.data` (cortex-m-rt's `link.x`).
    static mut __sheap: u32;
}

/// Gives the heap its memory. Called once, first thing in `run`.
pub fn init() {
    let start = (&raw mut __sheap).addr();
    // SAFETY: called once; `[__sheap, __sheap + HEAP_BYTES)` is RAM that no static uses (it
    // follows them) and that lies inside the 4 MiB RAM region, far below the stack at its top.
    unsafe { HEAP.init(start, HEAP_BYTES) }
}
