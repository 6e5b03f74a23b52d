//! Arbitrary bytes into `Module::new` and `Module::validate`: no panic, the two agree, and
//! errors have a kind that a bad module can cause. See `mote_fuzz_support::oracles`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mote_fuzz_support::oracles::decode_validate(data);
});
