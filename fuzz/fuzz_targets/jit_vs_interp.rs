//! Mote's JIT against its interpreter: the same results, trap kinds, exported state and
//! remaining fuel after every call; fuel off, plenty, or small resumable slices.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mote_fuzz_support::jit_vs_interp::jit_vs_interp(data);
});
