//! The runtime around the spec runner: the heap (with a count of its peak), the painted main
//! stack and its high-water mark, the HardFault handler, and ARM semihosting (the command line,
//! reading files on the host, writing to its standard output, the exit status). The only module
//! with `unsafe`.
//!
//! Semihosting calls trap into QEMU (`-semihosting-config enable=on,target=native`), which
//! carries them out on the host: files are opened relative to QEMU's working directory.

use alloc::string::String;
use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use cortex_m_rt::{ExceptionFrame, exception};
use embedded_alloc::TlsfHeap;

/// The heap, with a count of the bytes in use and the most ever in use.
struct CountingHeap {
    heap: TlsfHeap,
    used: AtomicUsize,
    peak: AtomicUsize,
}

#[global_allocator]
static HEAP: CountingHeap = CountingHeap {
    heap: TlsfHeap::empty(),
    used: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
};

// SAFETY: every method forwards to `TlsfHeap`, a `GlobalAlloc` that upholds the contract, with
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
    /// The heap's first byte: the start of PSRAM (memory.x).
    static __heap_start: u8;
    /// The byte after the heap's last: the end of PSRAM (memory.x).
    static __heap_end: u8;
    /// The lowest address of the main stack (cortex-m-rt's linker script: the end of the
    /// statics); the stack grows down towards it from the end of RAM.
    static mut _stack_end: u32;
    /// The address above the main stack's highest word (the end of RAM).
    static _stack_start: u32;
}

/// Bytes of heap: all of PSRAM.
pub fn heap_bytes() -> usize {
    (&raw const __heap_end).addr() - (&raw const __heap_start).addr()
}

/// Gives the heap its memory. Call once, first thing (later calls do nothing).
pub fn init_heap() {
    static INIT: AtomicBool = AtomicBool::new(false);
    if INIT.swap(true, Ordering::AcqRel) {
        return;
    }
    let start = (&raw const __heap_start).addr();
    // SAFETY: `init` runs once (the flag above) with a non-zero size; the region is PSRAM
    // (memory.x), which nothing else uses: the linker puts no section there.
    unsafe { HEAP.heap.init(start, heap_bytes()) }
}

/// The most heap bytes in use at once so far (as asked for, before the allocator's rounding).
pub fn heap_peak() -> usize {
    HEAP.peak.load(Ordering::Relaxed)
}

/// What [`paint_stack`] fills the free main stack with.
const STACK_PAINT: u32 = 0x5afe_57ac;

/// Bytes of the main stack (from the end of the statics to the end of RAM).
pub fn stack_bytes() -> usize {
    (&raw const _stack_start).addr() - (&raw const _stack_end).addr()
}

/// Fills the main stack below the caller's frame with a pattern, for [`stack_peak`]. Call once,
/// first thing.
pub fn paint_stack() {
    /// Bytes left alone below the stack pointer: this function's own frame.
    const MARGIN: usize = 256;
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
/// [`paint_stack`]'s pattern. When it is all of [`stack_bytes`], the stack may have overflowed
/// into the statics.
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

/// Semihosting operation numbers (Arm's "Semihosting for AArch32 and AArch64", 2.0).
mod op {
    pub const SYS_OPEN: usize = 0x01;
    pub const SYS_CLOSE: usize = 0x02;
    pub const SYS_READ: usize = 0x06;
    pub const SYS_SEEK: usize = 0x0a;
    pub const SYS_ERRNO: usize = 0x13;
    pub const SYS_GET_CMDLINE: usize = 0x15;
    pub const SYS_EXIT_EXTENDED: usize = 0x20;
}

/// `ADP_Stopped_ApplicationExit`: the program ended (the status says how).
const ADP_STOPPED_APPLICATION_EXIT: usize = 0x2_0026;

/// The host's `errno` after a failed call.
fn errno() -> usize {
    // SAFETY: `SYS_ERRNO` takes no parameter block (the word is ignored) and reads no memory.
    unsafe { cortex_m_semihosting::syscall(op::SYS_ERRNO, &0_usize) }
}

/// The command line QEMU passes (`-semihosting-config arg=...`, the program name first).
///
/// # Errors
/// When the host gives none (QEMU without `arg=` gives the kernel's file name), or more than
/// the buffer holds.
pub fn command_line() -> Result<String, &'static str> {
    let mut buffer = [0_u8; 1024];
    let mut block = [buffer.as_mut_ptr().addr(), buffer.len()];
    // SAFETY: `SYS_GET_CMDLINE` writes at most `block[1]` bytes (a NUL-terminated string) to
    // `block[0]`, which is `buffer`, and the string's length to `block[1]`; both arrays are
    // alive across the call and not otherwise borrowed (the pointers come from `as_mut_ptr`).
    let status =
        unsafe { cortex_m_semihosting::syscall1(op::SYS_GET_CMDLINE, block.as_mut_ptr().addr()) };
    if status != 0 {
        return Err("the host gave no command line (semihosting SYS_GET_CMDLINE failed)");
    }
    let len = block[1].min(buffer.len());
    core::str::from_utf8(&buffer[..len])
        .map(String::from)
        .map_err(|_| "the command line is not UTF-8")
}

/// A file on the host, open for reading; closed when dropped.
#[derive(Debug)]
pub struct HostFile {
    handle: usize,
}

impl HostFile {
    /// Opens `path` (relative to QEMU's working directory) for reading, in binary mode.
    ///
    /// # Errors
    /// The host's `errno` when it cannot.
    pub fn open(path: &str) -> Result<Self, usize> {
        /// `fopen` mode `"rb"`.
        const MODE_READ_BINARY: usize = 1;
        let mut name = Vec::with_capacity(path.len() + 1);
        name.extend_from_slice(path.as_bytes());
        name.push(0);
        let block = [name.as_ptr().addr(), MODE_READ_BINARY, path.len()];
        // SAFETY: `SYS_OPEN` reads the NUL-terminated name at `block[0]` (`name`, alive across
        // the call) of `block[2]` bytes and writes no memory of the program.
        let handle = unsafe { cortex_m_semihosting::syscall(op::SYS_OPEN, &block) };
        if handle == usize::MAX {
            Err(errno())
        } else {
            Ok(Self { handle })
        }
    }

    /// Fills `buffer` from the current position.
    ///
    /// # Errors
    /// `Err(read)` with the bytes read when the file ended first (or the host failed).
    pub fn read_exact(&mut self, buffer: &mut [u8]) -> Result<(), usize> {
        let block = [self.handle, buffer.as_mut_ptr().addr(), buffer.len()];
        // SAFETY: `SYS_READ` writes at most `block[2]` bytes to `block[1]`, which is `buffer`,
        // exclusively borrowed for the call.
        let not_read = unsafe { cortex_m_semihosting::syscall(op::SYS_READ, &block) };
        match not_read {
            0 => Ok(()),
            n => Err(buffer.len().saturating_sub(n)),
        }
    }

    /// Moves to byte `position` from the start.
    ///
    /// # Errors
    /// The host's `errno` when it cannot.
    pub fn seek(&mut self, position: usize) -> Result<(), usize> {
        let block = [self.handle, position];
        // SAFETY: `SYS_SEEK` reads the two words of `block` and writes no memory of the
        // program.
        match unsafe { cortex_m_semihosting::syscall(op::SYS_SEEK, &block) } {
            0 => Ok(()),
            _ => Err(errno()),
        }
    }
}

impl Drop for HostFile {
    fn drop(&mut self) {
        let block = [self.handle];
        // SAFETY: `SYS_CLOSE` reads the handle in `block` and writes no memory of the program.
        unsafe { cortex_m_semihosting::syscall(op::SYS_CLOSE, &block) };
    }
}

/// Writes `text` to the host's standard output (QEMU's), in one call.
pub fn print(text: &str) {
    if let Ok(mut stdout) = cortex_m_semihosting::hio::hstdout() {
        let _ = stdout.write_all(text.as_bytes());
    }
}

/// Ends the program: QEMU exits with `status` (its low byte on Unix). Without a semihosting
/// host the `bkpt` would lock up the core, so this then spins.
pub fn exit(status: i32) -> ! {
    let block = [
        ADP_STOPPED_APPLICATION_EXIT,
        status.cast_unsigned() as usize,
    ];
    // SAFETY: `SYS_EXIT_EXTENDED` reads the two words of `block`, which lives across the call,
    // and changes no memory of the program.
    unsafe { cortex_m_semihosting::syscall(op::SYS_EXIT_EXTENDED, &block) };
    loop {
        cortex_m::asm::wfi();
    }
}

/// The exit status after a HardFault (a bad memory access or instruction in the firmware).
pub const EXIT_FAULT: i32 = 102;

/// A HardFault (a bug in the firmware or the runtime, or a stack overflow into unmapped
/// memory): says where, and leaves QEMU with [`EXIT_FAULT`] so that the host sees it at once
/// instead of a hang.
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    // No allocation here: the fault may have hit inside the allocator.
    let mut text = FixedText::<96>::default();
    let _ = core::fmt::write(
        &mut text,
        format_args!(
            "\n@fault HardFault at pc {:#010x} (lr {:#010x})\n",
            frame.pc(),
            frame.lr()
        ),
    );
    print(text.as_str());
    exit(EXIT_FAULT)
}

/// Text in a fixed buffer (what does not fit is cut off), for the fault and panic handlers,
/// which must not allocate.
pub struct FixedText<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Default for FixedText<N> {
    fn default() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }
}

impl<const N: usize> FixedText<N> {
    /// The text so far.
    pub fn as_str(&self) -> &str {
        // A cut inside a character leaves a prefix that is not UTF-8: show up to it.
        match core::str::from_utf8(&self.bytes[..self.len]) {
            Ok(text) => text,
            Err(e) => core::str::from_utf8(&self.bytes[..e.valid_up_to()]).unwrap_or_default(),
        }
    }
}

impl<const N: usize> core::fmt::Write for FixedText<N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let take = s.len().min(N - self.len);
        self.bytes[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}
