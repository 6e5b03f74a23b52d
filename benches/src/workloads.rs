//! The guest workloads: which module, which export, at which size, and the native function
//! that computes the same checksum.

/// A guest module, compiled to `wasm32-unknown-unknown` by the build script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guest {
    /// Our compute kernels (`guests/kernels`, `no_std`): fib, sieve, matmul, sha256, vm, sort,
    /// host calls. Imports `bench.host_mix`.
    Kernels,
    /// `miniz_oxide` deflate + inflate (`guests/deflate`, `no_std`): the larger real program.
    Deflate,
    /// CoreMark 1.0 through the crates.io `coremark` crate (`guests/coremark`, links `std`).
    CoreMark,
    /// A generated module of more than 1 MB ([`crate::large`]): compile time only.
    Large,
}

const KERNELS_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/mote_bench_kernels.wasm"));
const DEFLATE_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/mote_bench_deflate.wasm"));
const COREMARK_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/mote_bench_coremark.wasm"));

impl Guest {
    /// Every guest module.
    pub const ALL: [Guest; 4] = [
        Guest::Kernels,
        Guest::Deflate,
        Guest::CoreMark,
        Guest::Large,
    ];

    /// The module's bytes.
    pub fn wasm(self) -> &'static [u8] {
        match self {
            Guest::Kernels => KERNELS_WASM,
            Guest::Deflate => DEFLATE_WASM,
            Guest::CoreMark => COREMARK_WASM,
            Guest::Large => crate::large::wasm(),
        }
    }

    /// A short name for tables and bench ids.
    pub fn name(self) -> &'static str {
        match self {
            Guest::Kernels => "kernels",
            Guest::Deflate => "deflate",
            Guest::CoreMark => "coremark",
            Guest::Large => "generated",
        }
    }
}

/// One workload: an export `(i32) -> i64` of a guest, and its sizes.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    /// Row name.
    pub name: &'static str,
    /// The module that exports it.
    pub guest: Guest,
    /// The export.
    pub export: &'static str,
    /// The size for timing: about 10 to 100 ms on Mote's interpreter on a desktop x86-64.
    pub size: i32,
    /// A tiny size for the unit tests.
    pub test_size: i32,
    /// What the size counts, for the table.
    pub unit: &'static str,
    /// The same computation linked natively: the expected checksum.
    pub native: fn(u32) -> u64,
}

impl core::fmt::Display for Workload {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({} {})", self.name, self.size, self.unit)
    }
}

impl Workload {
    /// The checksum the guest must return for `size`, computed natively.
    pub fn expected(&self, size: i32) -> i64 {
        (self.native)(u32::try_from(size).unwrap_or(0)).cast_signed()
    }
}

use mote_bench_coremark as coremark;
use mote_bench_deflate as deflate;
use mote_bench_kernels as kernels;

/// Recursive Fibonacci (calls).
pub const FIB: Workload = Workload {
    name: "fib",
    guest: Guest::Kernels,
    export: "fib",
    size: 30,
    test_size: 15,
    unit: "n",
    native: kernels::fib,
};

/// The execution workloads of the comparison, in table order; their geomean is the headline.
pub const EXECUTE: [Workload; 8] = [
    FIB,
    Workload {
        name: "sieve",
        guest: Guest::Kernels,
        export: "sieve",
        size: 400_000,
        test_size: 1000,
        unit: "n",
        native: kernels::sieve,
    },
    Workload {
        name: "matmul",
        guest: Guest::Kernels,
        export: "matmul",
        size: 100,
        test_size: 8,
        unit: "n x n f64",
        native: kernels::matmul,
    },
    Workload {
        name: "sha256",
        guest: Guest::Kernels,
        export: "sha256",
        size: 256,
        test_size: 2,
        unit: "KiB",
        native: kernels::sha256,
    },
    Workload {
        name: "bytecode vm",
        guest: Guest::Kernels,
        export: "vm",
        size: 60_000,
        test_size: 100,
        unit: "iterations",
        native: kernels::vm,
    },
    Workload {
        name: "heapsort",
        guest: Guest::Kernels,
        export: "sort",
        size: 30_000,
        test_size: 100,
        unit: "u32",
        native: kernels::sort,
    },
    Workload {
        name: "coremark",
        guest: Guest::CoreMark,
        export: "coremark",
        size: 40,
        test_size: 1,
        unit: "iterations",
        native: coremark::coremark,
    },
    Workload {
        name: "deflate",
        guest: Guest::Deflate,
        export: "deflate",
        size: 48,
        test_size: 4,
        unit: "KiB",
        native: deflate::deflate,
    },
];

/// The host-call workload: a guest loop calling `bench.host_mix` `size` times.
pub const HOST_CALLS: Workload = Workload {
    name: "host calls",
    guest: Guest::Kernels,
    export: "host_calls",
    size: 1_000_000,
    test_size: 100,
    unit: "calls",
    native: kernels::host_calls,
};

/// The host function every engine links as `bench.host_mix`.
pub fn host_mix(acc: i32, i: i32) -> i32 {
    kernels::host_mix_reference(acc, i)
}
