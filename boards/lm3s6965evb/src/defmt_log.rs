//! defmt's global logger over semihosting (feature `defmt`): every encoded frame goes to the
//! semihosting console, which `cargo xtask qemu ... --defmt` points at a file of its own
//! (`-semihosting-config ...,chardev=ID`) and decodes with the ELF's `.defmt` table.
//!
//! Why not the `defmt-semihosting` crate: it writes with `SYS_WRITE` to a handle on `:tt`,
//! which QEMU 7.2 maps to its own standard output whatever `chardev=` says, so the binary
//! frames would mix with UART0's text there. `SYS_WRITE0` and `SYS_WRITEC` do go to the
//! console chardev: bytes other than zero are gathered and sent with `SYS_WRITE0` (a
//! NUL-terminated string), a zero byte (rzCOBS's frame delimiter) with `SYS_WRITEC`.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

/// Semihosting `SYS_WRITEC`: one byte, read from the address in r1, to the console.
const SYS_WRITEC: usize = 0x03;
/// Semihosting `SYS_WRITE0`: the NUL-terminated string at the address in r1 to the console.
const SYS_WRITE0: usize = 0x04;

/// Bytes gathered before a `SYS_WRITE0` (one more for the terminating NUL).
const CHUNK: usize = 64;

/// The encoded bytes not yet sent (none of them zero), one more for the terminating NUL.
struct Sink {
    chunk: [u8; CHUNK + 1],
    len: usize,
}

impl Sink {
    /// Queues encoded bytes; a zero byte goes out at once, after what was queued.
    fn extend(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if byte == 0 {
                self.send();
                write_char(0);
                continue;
            }
            self.chunk[self.len] = byte;
            self.len += 1;
            if self.len == CHUNK {
                self.send();
            }
        }
    }

    /// Sends the queued bytes.
    fn send(&mut self) {
        if self.len == 0 {
            return;
        }
        self.chunk[self.len] = 0;
        // SAFETY: `SYS_WRITE0` reads the string at the address up to its NUL, which is
        // `chunk[len]`, inside the array; it writes no memory of the program.
        unsafe {
            cortex_m_semihosting::syscall1(SYS_WRITE0, self.chunk.as_ptr() as usize);
        }
        self.len = 0;
    }
}

/// Sends one byte with `SYS_WRITEC`.
fn write_char(byte: u8) {
    // SAFETY: `SYS_WRITEC` reads the one byte at the address, a local that lives across the
    // call; it writes no memory of the program.
    unsafe {
        cortex_m_semihosting::syscall1(SYS_WRITEC, (&raw const byte) as usize);
    }
}

/// The logger's state: defmt's encoder, the bytes not yet sent, and the critical section's
/// restore state while a frame is being written.
struct State {
    encoder: defmt::Encoder,
    sink: Sink,
    restore: critical_section::RestoreState,
    /// Frames begun while one was being written (which defmt forbids): they are dropped.
    nested: u32,
}

/// The one logger.
struct Shared {
    /// Set between `acquire` and `release`.
    taken: AtomicBool,
    state: UnsafeCell<State>,
}

// SAFETY: `state` is only touched between `acquire` and `release`, inside a critical section
// (interrupts off on this single core) and with `taken` set, so by one context at a time.
unsafe impl Sync for Shared {}

static LOGGER: Shared = Shared {
    taken: AtomicBool::new(false),
    state: UnsafeCell::new(State {
        encoder: defmt::Encoder::new(),
        sink: Sink {
            chunk: [0; CHUNK + 1],
            len: 0,
        },
        restore: critical_section::RestoreState::invalid(),
        nested: 0,
    }),
};

#[defmt::global_logger]
struct Logger;

// SAFETY: `acquire` enters a critical section, so no interrupt can begin a frame inside
// another; a frame begun from inside one anyway (a `Format` implementation that logs, which
// defmt forbids) is counted and dropped whole instead of corrupting the stream. `write`,
// `flush` and `release` act only while the logger is held, which defmt's contract guarantees.
unsafe impl defmt::Logger for Logger {
    fn acquire() {
        // SAFETY: paired with the `release` in `Logger::release`, or right here when the
        // logger is already taken.
        let restore = unsafe { critical_section::acquire() };
        if LOGGER.taken.load(Ordering::Relaxed) {
            // SAFETY: inside the critical section the outer frame holds; the outer frame's
            // own references to the state are not in use while this runs.
            unsafe { (*LOGGER.state.get()).nested += 1 };
            // SAFETY: releases the section just acquired, with its own restore state.
            unsafe { critical_section::release(restore) };
            return;
        }
        LOGGER.taken.store(true, Ordering::Relaxed);
        // SAFETY: inside the critical section with `taken` set: no other reference to the
        // state exists.
        let State {
            encoder,
            sink,
            restore: saved,
            ..
        } = unsafe { &mut *LOGGER.state.get() };
        *saved = restore;
        encoder.start_frame(|bytes| sink.extend(bytes));
    }

    unsafe fn flush() {
        // Semihosting calls return once the host has the bytes, and `release` sends the rest
        // of each frame: nothing waits between frames.
    }

    unsafe fn release() {
        if !LOGGER.taken.load(Ordering::Relaxed) {
            return;
        }
        // SAFETY: the logger is held (defmt calls `release` after `acquire`), so this is the
        // only reference to the state.
        let State {
            encoder,
            sink,
            restore,
            nested,
        } = unsafe { &mut *LOGGER.state.get() };
        if *nested > 0 {
            *nested -= 1;
            return;
        }
        encoder.end_frame(|bytes| sink.extend(bytes));
        sink.send();
        let restore = *restore;
        LOGGER.taken.store(false, Ordering::Relaxed);
        // SAFETY: ends the critical section `acquire` entered, with its restore state.
        unsafe { critical_section::release(restore) };
    }

    unsafe fn write(bytes: &[u8]) {
        if !LOGGER.taken.load(Ordering::Relaxed) {
            return;
        }
        // SAFETY: the logger is held, so this is the only reference to the state.
        let State {
            encoder,
            sink,
            nested,
            ..
        } = unsafe { &mut *LOGGER.state.get() };
        if *nested > 0 {
            return;
        }
        encoder.write(bytes, |encoded| sink.extend(encoded));
    }
}
