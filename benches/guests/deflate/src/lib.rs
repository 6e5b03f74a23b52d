//! Benchmark guest, the larger real program: `miniz_oxide` (a pure-Rust port of miniz)
//! compresses a generated text at level 6 and inflates it again.
// `no_std` in the guest; natively (for the expected checksums) the cdylib links `std`.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![deny(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec;

const WORDS: [&[u8]; 16] = [
    b"the ",
    b"quick ",
    b"brown ",
    b"fox ",
    b"jumps ",
    b"over ",
    b"lazy ",
    b"dog ",
    b"wasm ",
    b"runtime ",
    b"sensor ",
    b"flash ",
    b"memory ",
    b"interpreter ",
    b"board ",
    b"\n",
];

/// About `kib` KiB of text made of words picked by a xorshift generator.
pub fn generate_text(kib: u32) -> Vec<u8> {
    let len = kib as usize * 1024;
    let mut text = Vec::with_capacity(len + 16);
    let mut state = 0x2545_f491u32;
    while text.len() < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        text.extend_from_slice(WORDS[(state >> 28) as usize]);
    }
    text
}

/// Compresses `kib` KiB of generated text, inflates it, and returns
/// `compressed_len << 32 | fnv1a32(compressed)`, or `u64::MAX` if the round trip fails.
pub fn deflate(kib: u32) -> u64 {
    let text = generate_text(kib);
    let compressed = compress_to_vec(&text, 6);
    match decompress_to_vec(&compressed) {
        Ok(inflated) if inflated == text => {}
        _ => return u64::MAX,
    }
    let hash = compressed.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    (compressed.len() as u64) << 32 | u64::from(hash)
}

/// The wasm export: `deflate(kib: i32) -> i64` (a negative size counts as 0).
#[cfg(target_arch = "wasm32")]
#[unsafe(export_name = "deflate")]
pub extern "C" fn export_deflate(kib: i32) -> i64 {
    mote_bench_rt::reset_heap();
    deflate(u32::try_from(kib).unwrap_or(0)).cast_signed()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        assert_ne!(super::deflate(4), u64::MAX);
    }
}
