//! Compiles the guest workspace (`guests/`) to `wasm32-unknown-unknown` and leaves one `.wasm`
//! per guest in `OUT_DIR` for `include_bytes!`; also records the versions that the `compare`
//! report prints (rustc, and the peers' crate versions from `Cargo.lock`).
//!
//! The guests are built by a nested `cargo build --release` with its own target directory
//! under `OUT_DIR`, so they get their workspace's release profile (opt-level 3, LTO) whatever
//! profile this crate is built with. After the first build it is a no-op of a fraction of a
//! second, and it reruns only when a guest source changes.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (package directory, library name): each produces `<library name>.wasm`.
const GUESTS: [(&str, &str); 4] = [
    ("rt", ""),
    ("kernels", "mote_bench_kernels"),
    ("deflate", "mote_bench_deflate"),
    ("coremark", "mote_bench_coremark"),
];

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let guests = manifest_dir.join("guests");

    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=guests/Cargo.toml");
    println!("cargo::rerun-if-changed=guests/Cargo.lock");
    for (dir, _) in GUESTS {
        println!("cargo::rerun-if-changed=guests/{dir}/Cargo.toml");
        println!("cargo::rerun-if-changed=guests/{dir}/src");
    }
    build_guests(&guests, &out_dir);
    record_versions(&manifest_dir);
}

fn build_guests(guests: &Path, out_dir: &Path) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = out_dir.join("guests-target");
    let mut command = Command::new(cargo);
    command
        .current_dir(guests)
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        .arg("--manifest-path")
        .arg(guests.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    // The host build's flags and wrappers (clippy's, a cache's) are not meant for the guests.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        command.env_remove(var);
    }
    let status = command.status().expect("running cargo for the guests");
    assert!(
        status.success(),
        "building the benchmark guests for wasm32-unknown-unknown failed ({status}); \
         is the target installed? (`rustup toolchain install` in the repository adds it)"
    );
    let release = target_dir.join("wasm32-unknown-unknown").join("release");
    for (_, lib) in GUESTS.into_iter().filter(|(_, lib)| !lib.is_empty()) {
        let from = release.join(format!("{lib}.wasm"));
        let to = out_dir.join(format!("{lib}.wasm"));
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copying {}: {e}", from.display()));
    }
}

/// Sets `MOTE_BENCHES_RUSTC` and `MOTE_BENCHES_VERSION_<CRATE>` for the report header.
fn record_versions(manifest_dir: &Path) {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "unknown".to_owned(), |s| s.trim().to_owned());
    println!("cargo::rustc-env=MOTE_BENCHES_RUSTC={version}");

    let lock_path = manifest_dir.join("..").join("Cargo.lock");
    println!("cargo::rerun-if-changed=../Cargo.lock");
    let lock = std::fs::read_to_string(lock_path).unwrap_or_default();
    for name in [
        "wasmi",
        "wasm3",
        "wasm3-sys",
        "wasmtime",
        "criterion",
        "coremark",
        "miniz_oxide",
    ] {
        let needle = format!("name = \"{name}\"\nversion = \"");
        let version = lock
            .find(&needle)
            .map(|at| &lock[at + needle.len()..])
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("?");
        let var = name.replace('-', "_").to_uppercase();
        println!("cargo::rustc-env=MOTE_BENCHES_VERSION_{var}={version}");
    }
}
