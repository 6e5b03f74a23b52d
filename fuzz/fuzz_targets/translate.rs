//! Valid `wasm-smith` modules in Mote's feature set (Wasm 2.0 without SIMD, custom page sizes,
//! multi-memory) must decode, validate and translate, with fuel metering on or off.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `Err` only means the input was too short to generate a module.
    let _ = mote_fuzz_support::oracles::translate(data);
});
