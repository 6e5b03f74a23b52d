//! Mote's interpreter against wasmi 2.0: the same results, trap kinds, exported globals,
//! memories and tables after every call; fuel off, plenty, or small resumable slices.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mote_fuzz_support::differential::differential(data);
});
