//! `wasm-smith` modules run under tiny limits (value stack, call depth, memory, tables,
//! instances, code bytes, fuel) with dummy imports that yield and grow memory; calls are
//! suspended, interleaved, resumed and dropped. Any trap or error is fine; a panic, a hang, a
//! host stack overflow or an exceeded limit is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mote_fuzz_support::oracles::execute(data);
});
