//! Guest pointers and lengths at the edges of memory (0, end - 1, end, end + 1, near
//! `u32::MAX`, wrapping sums, overlapping buffers and descriptors) into every WASI-lite host
//! function that takes a buffer, on memories from 0 bytes (1-byte pages) to two 64 KiB pages.
//! The call returns an error code and leaves memory untouched, or succeeds and changes only
//! its documented outputs; no panic, no trap. See `mote_fuzz_support::host_calls`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `Err` only means the bytes could not be read as a case.
    let _ = mote_fuzz_support::host_calls::host_calls(data);
});
