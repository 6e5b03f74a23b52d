//! CoreMark 1.0 as a benchmark guest: the list, matrix and state algorithms of the crates.io
//! `coremark` crate (a Rust port of EEMBC CoreMark), driven like its `core_main.c` loop.
//!
//! The crate's own `run` cannot be used in a guest: it reads the clock (`std::time::Instant`),
//! which panics on `wasm32-unknown-unknown`. So [`coremark`] repeats the setup and the
//! iteration loop of the performance run (seeds 0, 0, 0x66; 2000 bytes of data) without timing.
//! This guest links `std` (the `coremark` crate needs it); it imports nothing.

use coremark::list::core_list_init;
use coremark::matrix::core_init_matrix;
use coremark::state::core_init_state;
use coremark::types::{ALL_ALGORITHMS_MASK, CoreResults, NUM_ALGORITHMS, TOTAL_DATA_SIZE};
use coremark::util::crcu16;

/// Runs `iterations` CoreMark iterations and returns the CRCs:
/// `crcfinal | crclist << 16 | crcmatrix << 32 | crcstate << 48`.
///
/// With at least one iteration, `crclist`, `crcmatrix` and `crcstate` are the reference values
/// of the 2K performance run (0xe714, 0x1fd7, 0x8e3a).
pub fn coremark(iterations: u32) -> u64 {
    let mut res = CoreResults {
        seed1: 0,
        seed2: 0,
        seed3: 0x66,
        size: TOTAL_DATA_SIZE / NUM_ALGORITHMS,
        execs: ALL_ALGORITHMS_MASK,
        iterations,
        ..Default::default()
    };
    res.list = Some(core_list_init(res.size, res.seed1));
    let combined = i32::from(res.seed1) | (i32::from(res.seed2) << 16);
    core_init_matrix(res.size, combined, &mut res.mat);
    res.state_mem = core_init_state(res.size, res.seed1);
    for i in 0..iterations {
        let Some(mut list) = res.list.take() else {
            break;
        };
        let crc = list.bench(&mut res, 1);
        res.crc = crcu16(crc, res.crc);
        let crc = list.bench(&mut res, -1);
        res.crc = crcu16(crc, res.crc);
        res.list = Some(list);
        if i == 0 {
            res.crclist = res.crc;
        }
    }
    u64::from(res.crc)
        | u64::from(res.crclist) << 16
        | u64::from(res.crcmatrix) << 32
        | u64::from(res.crcstate) << 48
}

/// The wasm export: `coremark(iterations: i32) -> i64` (a negative count runs nothing).
#[cfg(target_arch = "wasm32")]
#[unsafe(export_name = "coremark")]
pub extern "C" fn export_coremark(iterations: i32) -> i64 {
    coremark(u32::try_from(iterations).unwrap_or(0)).cast_signed()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reference_crcs_of_the_performance_run() {
        let crcs = super::coremark(1);
        assert_eq!(crcs >> 16 & 0xffff, 0xe714);
        assert_eq!(crcs >> 32 & 0xffff, 0x1fd7);
        assert_eq!(crcs >> 48, 0x8e3a);
    }
}
