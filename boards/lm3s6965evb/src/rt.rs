//! The runtime around the app: the heap that `alloc` (and so Mote) uses, and the way out of
//! the machine through semihosting. With `regs`, the only module with `unsafe`.

use core::alloc::{GlobalAlloc, Layout};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicUsize, Ordering};

use embedded_alloc::LlffHeap;

/// Bytes of RAM for the heap: module, translated code, store, linear memory, stacks of the
/// interpreter. The rest of the 64 KiB holds statics and the main stack.
pub const HEAP_BYTES: usize = 48 * 1024;

/// The heap, with a count of the bytes in use and the most ever in use.
struct CountingHeap {
    heap: LlffHeap,
    used: AtomicUsize,
    peak: AtomicUsize,
}

#[global_allocator]
static HEAP: CountingHeap = CountingHeap {
    heap: LlffHeap::empty(),
    used: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
};

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

/// Gives the heap its memory. Call once, first thing.
pub fn init_heap() {
    static INIT: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
    static mut MEMORY: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
    if INIT.swap(true, Ordering::AcqRel) {
        return;
    }
    let start = (&raw mut MEMORY).addr();
    // SAFETY: `init` must run once (the flag above guarantees it) with a non-zero size; the
    // region is `MEMORY`, a static that nothing else names, so the heap owns it alone.
    unsafe { HEAP.heap.init(start, HEAP_BYTES) }
}

/// The most heap bytes in use at once so far.
pub fn heap_peak() -> usize {
    HEAP.peak.load(Ordering::Relaxed)
}

/// What [`paint_stack`] fills the free main stack with.
#[cfg(feature = "memory-report")]
const STACK_PAINT: u32 = 0x5afe_57ac;

#[cfg(feature = "memory-report")]
unsafe extern "C" {
    /// The lowest address of the main stack (cortex-m-rt's linker script: the end of the
    /// statics); the stack grows down towards it from the end of RAM.
    static mut _stack_end: u32;
    /// The address above the main stack's highest word (the end of RAM).
    static _stack_start: u32;
}

/// Bytes of the main stack (from the end of the statics to the end of RAM).
#[cfg(feature = "memory-report")]
fn stack_bytes() -> usize {
    (&raw const _stack_start).addr() - (&raw const _stack_end).addr()
}

/// Fills the main stack below the caller's frame with a pattern, for [`stack_peak`]. Call once,
/// first thing (feature `memory-report`).
#[cfg(feature = "memory-report")]
pub fn paint_stack() {
    /// Bytes left alone below the stack pointer: this function's own frame.
    const MARGIN: usize = 64;
    let bottom = (&raw mut _stack_end).cast::<u32>();
    let sp = cortex_m::register::msp::read() as usize;
    let words = sp.saturating_sub(MARGIN + bottom.addr()) / 4;
    for i in 0..words {
        // SAFETY: the words from `_stack_end` up to the stack pointer less a margin are main
        // stack that is not in use (the stack grows down and nothing is below the caller's
        // frame); no reference to them exists.
        unsafe { bottom.add(i).write_volatile(STACK_PAINT) };
    }
}

/// The most main stack bytes used so far: the stack above the lowest word that is no longer
/// [`paint_stack`]'s pattern.
#[cfg(feature = "memory-report")]
pub fn stack_peak() -> usize {
    let bottom = (&raw const _stack_end).cast::<u32>();
    let words = stack_bytes() / 4;
    // SAFETY: the words are inside the main stack (between `_stack_end` and `_stack_start`),
    // read with volatile loads and no reference kept; the deepest ones are unused.
    let untouched = (0..words)
        .take_while(|&i| unsafe { bottom.add(i).read_volatile() } == STACK_PAINT)
        .count();
    (words - untouched) * 4
}

/// Prints the heap's peak and the main stack's high-water mark so far over semihosting (QEMU's
/// standard output; with the feature `defmt` as a defmt frame), after `stage` (feature
/// `memory-report`).
#[cfg(feature = "memory-report")]
pub fn report_memory(stage: &str) {
    #[cfg(feature = "defmt")]
    defmt::info!(
        "mote: memory {=str}: heap peak {=usize} of {=usize} bytes, main stack {=usize} of {=usize} bytes",
        stage,
        heap_peak(),
        HEAP_BYTES,
        stack_peak(),
        stack_bytes()
    );
    #[cfg(not(feature = "defmt"))]
    cortex_m_semihosting::hprintln!(
        "mote: memory {}: heap peak {} of {} bytes, main stack {} of {} bytes",
        stage,
        heap_peak(),
        HEAP_BYTES,
        stack_peak(),
        stack_bytes()
    );
}

/// Semihosting `SYS_EXIT_EXTENDED`: exit with a status (plain `SYS_EXIT` on 32-bit Arm can
/// only say success or failure).
const SYS_EXIT_EXTENDED: usize = 0x20;
/// `ADP_Stopped_ApplicationExit`: the program ended (the status says how).
const ADP_STOPPED_APPLICATION_EXIT: usize = 0x2_0026;

/// Ends the program: under QEMU (`-semihosting-config enable=on`), QEMU exits with `status`
/// (its low byte on Unix). Without a debugger or semihosting host, the `bkpt` instruction
/// would lock up the core, so this then spins.
pub fn exit(status: i32) -> ! {
    let block = [
        ADP_STOPPED_APPLICATION_EXIT,
        status.cast_unsigned() as usize,
    ];
    // SAFETY: `SYS_EXIT_EXTENDED` reads the two words of `block`, which lives across the call,
    // and changes no memory of the program.
    unsafe {
        cortex_m_semihosting::syscall(SYS_EXIT_EXTENDED, &block);
    }
    loop {
        cortex_m::asm::wfi();
    }
}
