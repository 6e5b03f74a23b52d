//! Mutated compiled images into the safe loader: rejected with an error, or safe to run.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `Err` only means the input was too short to generate a module.
    let _ = mote_fuzz_support::image::image(data);
});
