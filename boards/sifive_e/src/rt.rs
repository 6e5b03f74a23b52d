//! The runtime around the app: the heap that `alloc` (and so Mote) uses, the memory report
//! (feature `memory-report`), the exception handler and the way out of the machine through
//! semihosting. With `regs`, the only module with `unsafe`.

use core::alloc::{GlobalAlloc, Layout};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use embedded_alloc::LlffHeap;

/// Bytes of RAM for the heap: the module's information, the store, the instance, linear memory
/// and the interpreter's value stack and frames (the code stays in flash). The rest of the
/// 16 KiB holds the statics and the main stack (docs/boards.md, "sifive_e", "RAM").
pub const HEAP_BYTES: usize = 12 * 1024;

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

/// Gives the heap its memory. Call once, first thing (later calls do nothing).
pub fn init_heap() {
    static INIT: AtomicBool = AtomicBool::new(false);
    static mut MEMORY: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
    if INIT.swap(true, Ordering::AcqRel) {
        return;
    }
    // SAFETY: `init` must run once (the flag above guarantees it) with a non-zero size; the
    // region is `MEMORY`, a static that nothing else names, so the heap owns it alone.
    unsafe { HEAP.heap.init((&raw mut MEMORY).addr(), HEAP_BYTES) }
}

/// The most heap bytes in use at once so far (as asked for; the allocator rounds each block up
/// to 8 bytes).
pub fn heap_peak() -> usize {
    HEAP.peak.load(Ordering::Relaxed)
}

/// The heap bytes in use now.
pub fn heap_used() -> usize {
    HEAP.used.load(Ordering::Relaxed)
}

/// What [`paint_stack`] fills the free main stack with.
const STACK_PAINT: u32 = 0x5afe_57ac;

unsafe extern "C" {
    /// The lowest address of the main stack (riscv-rt's linker script: the end of the
    /// statics); the stack grows down towards it from the end of RAM.
    static mut __estack: u32;
    /// The address above the main stack's highest word (the end of RAM).
    static __sstack: u32;
}

/// Bytes of the main stack (from the end of the statics to the end of RAM).
pub fn stack_bytes() -> usize {
    (&raw const __sstack).addr() - (&raw const __estack).addr()
}

/// Fills the main stack below the caller's frame with a pattern, for [`stack_peak`]. Call once,
/// first thing.
#[inline(never)]
pub fn paint_stack() {
    /// Bytes left alone below this function's local: its own frame.
    const MARGIN: usize = 128;
    let marker = 0_u8;
    let sp = core::hint::black_box(&raw const marker).addr();
    let bottom = (&raw mut __estack).cast::<u32>();
    let words = sp.saturating_sub(MARGIN + bottom.addr()) / 4;
    for i in 0..words {
        // SAFETY: the words from `__estack` up to this frame less a margin are main stack that
        // is not in use (the stack grows down and nothing is below this frame); no reference to
        // them exists.
        unsafe { bottom.add(i).write_volatile(STACK_PAINT) };
    }
}

/// The most main stack bytes used so far: the stack above the lowest word that is no longer
/// [`paint_stack`]'s pattern.
pub fn stack_peak() -> usize {
    let bottom = (&raw const __estack).cast::<u32>();
    let words = stack_bytes() / 4;
    // SAFETY: the words are inside the main stack (between `__estack` and `__sstack`), read
    // with volatile loads and no reference kept; the deepest ones are unused.
    let untouched = (0..words)
        .take_while(|&i| unsafe { bottom.add(i).read_volatile() } == STACK_PAINT)
        .count();
    (words - untouched) * 4
}

/// Prints the heap's use and peak and the main stack's high-water mark so far over
/// semihosting (QEMU's standard output), after `stage`.
pub fn report_memory(stage: &str) {
    let mut stdout = riscv_semihosting::hio::hstdout();
    if let Ok(out) = &mut stdout {
        let _ = core::fmt::Write::write_fmt(
            out,
            format_args!(
                "mote: memory {stage}: heap {} in use, peak {} of {HEAP_BYTES} bytes, main stack {} of {} bytes\n",
                heap_used(),
                heap_peak(),
                stack_peak(),
                stack_bytes()
            ),
        );
    }
}

/// Semihosting `SYS_EXIT_EXTENDED`: exit with a status (plain `SYS_EXIT` on a 32-bit hart can
/// only say success or failure, as on 32-bit Arm).
const SYS_EXIT_EXTENDED: usize = 0x20;
/// `ADP_Stopped_ApplicationExit`: the program ended (the status says how).
const ADP_STOPPED_APPLICATION_EXIT: usize = 0x2_0026;

/// Ends the program: under QEMU (`-semihosting-config enable=on`), QEMU exits with `status`
/// (its low byte on Unix). Without a semihosting host the `ebreak` would trap, so this then
/// spins.
pub fn exit(status: i32) -> ! {
    let block = [
        ADP_STOPPED_APPLICATION_EXIT,
        status.cast_unsigned() as usize,
    ];
    // SAFETY: `SYS_EXIT_EXTENDED` reads the two words of `block`, which lives across the call,
    // and changes no memory of the program.
    unsafe { riscv_semihosting::syscall(SYS_EXIT_EXTENDED, &block) };
    loop {
        riscv::asm::wfi();
    }
}

/// The exit status after an exception (a bad access or instruction in the firmware).
pub const EXIT_FAULT: i32 = 102;

/// An exception (riscv-rt's trap handler calls it): says which on UART0 and leaves QEMU with
/// [`EXIT_FAULT`], so that the host sees it at once instead of a hang.
#[unsafe(export_name = "ExceptionHandler")]
fn exception_handler(_frame: &riscv_rt::TrapFrame) -> ! {
    let mut uart = crate::uart::Uart0::for_panic();
    let _ = core::fmt::Write::write_fmt(
        &mut uart,
        format_args!(
            "\nmote-sifive-e: exception {} at pc {:#010x} (mtval {:#010x})\n",
            riscv::register::mcause::read().code(),
            riscv::register::mepc::read(),
            riscv::register::mtval::read()
        ),
    );
    exit(EXIT_FAULT)
}
