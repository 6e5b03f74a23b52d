//! The runtime around the app: the heap that `alloc` (and so Mote) uses, the memory report
//! (at exit; after each stage with the feature `memory-report`) and the way out of the
//! machine through semihosting. With `regs`, the only module with `unsafe`.

use core::alloc::{GlobalAlloc, Layout};
use core::mem::MaybeUninit;
use portable_atomic::{AtomicBool, AtomicUsize, Ordering};

use embedded_alloc::LlffHeap;

/// Bytes of RAM for the heap: the module's information, the store, the instance, linear memory
/// and the interpreter's value stack and frames (the code stays in flash). The rest of the
/// 16 KiB holds the statics and the main stack (docs/boards.md, "microbit", "RAM").
/// Set by build.rs (`MOTE_HEAP_BYTES`, default 12 288).
pub const HEAP_BYTES: usize = parse(env!("MOTE_HEAP_BYTES"));

/// A decimal number (build.rs has checked it).
const fn parse(digits: &str) -> usize {
    let digits = digits.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < digits.len() {
        n = n * 10 + (digits[i] - b'0') as usize;
        i += 1;
    }
    n
}

/// The heap, with a count of the bytes in use and the most ever in use.
struct CountingHeap {
    heap: LlffHeap,
    used: AtomicUsize,
    peak: AtomicUsize,
    /// The highest end of a block so far, as an offset from the heap's start.
    top: AtomicUsize,
}

#[global_allocator]
static HEAP: CountingHeap = CountingHeap {
    heap: LlffHeap::empty(),
    used: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
    top: AtomicUsize::new(0),
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
            self.top.fetch_max(
                ptr.addr() + layout.size() - HEAP_START.load(Ordering::Relaxed),
                Ordering::Relaxed,
            );
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

/// The heap's first address.
static HEAP_START: AtomicUsize = AtomicUsize::new(0);

/// Gives the heap its memory. Call once, first thing.
pub fn init_heap() {
    static INIT: AtomicBool = AtomicBool::new(false);
    static mut MEMORY: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
    if INIT.swap(true, Ordering::AcqRel) {
        return;
    }
    let start = (&raw mut MEMORY).addr();
    HEAP_START.store(start, Ordering::Relaxed);
    // SAFETY: `init` must run once (the flag above guarantees it) with a non-zero size; the
    // region is `MEMORY`, a static that nothing else names, so the heap owns it alone.
    unsafe { HEAP.heap.init(start, HEAP_BYTES) }
}

/// The most heap bytes in use at once so far.
pub fn heap_peak() -> usize {
    HEAP.peak.load(Ordering::Relaxed)
}

/// The heap bytes in use now (as asked for; the allocator rounds each block up to 8 bytes).
pub fn heap_used() -> usize {
    HEAP.used.load(Ordering::Relaxed)
}

/// What [`paint_stack`] fills the free main stack with.
const STACK_PAINT: u32 = 0x5afe_57ac;

unsafe extern "C" {
    /// The lowest address of the main stack (cortex-m-rt's linker script: the end of the
    /// statics); the stack grows down towards it from the end of RAM.
    static mut _stack_end: u32;
    /// The address above the main stack's highest word (the end of RAM).
    static _stack_start: u32;
}

/// Bytes of the main stack (from the end of the statics to the end of RAM).
fn stack_bytes() -> usize {
    (&raw const _stack_start).addr() - (&raw const _stack_end).addr()
}

/// Fills the main stack below the caller's frame with a pattern, for [`stack_peak`]. Call once,
/// first thing.
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
/// standard output), after `stage`.
pub fn report_memory(stage: &str) {
    cortex_m_semihosting::hprintln!(
        "mote: memory {}: heap {} in use, peak {}, highest end {} of {} bytes, main stack {} of {} bytes",
        stage,
        heap_used(),
        heap_peak(),
        HEAP.top.load(Ordering::Relaxed),
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
