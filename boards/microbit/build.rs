//! Writes `memory.x` (from `nrf51822.x`, the chip's memory map) where the linker finds it, and copies the compiled image (`.mimg`, from
//! `mote compile` or `cargo xtask qemu microbit APP.wasm`, which compiles the `.wasm` with the
//! firmware's engine configuration) named by the `MOTE_APP` environment variable (a path,
//! relative to this crate or absolute) to `$OUT_DIR/app.mimg`, where the firmware embeds it.
//! Without `MOTE_APP` the file is empty and the firmware says that no app is embedded. This
//! firmware cannot take a `.wasm`: it has no validator or translator.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The heap's size unless `MOTE_HEAP_BYTES` says otherwise (see `rt::HEAP_BYTES`).
const DEFAULT_HEAP_BYTES: &str = "12288";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);

    // `MOTE_RAM_KIB` and `MOTE_HEAP_BYTES`: a larger RAM and heap, to measure what an app
    // would need under QEMU with `-global nrf51-soc.sram-size=BYTES` (docs/boards.md); the
    // chip has 16 KiB.
    println!("cargo:rerun-if-env-changed=MOTE_RAM_KIB");
    println!("cargo:rerun-if-env-changed=MOTE_HEAP_BYTES");
    let memory = std::fs::read_to_string("nrf51822.x").map_err(|e| format!("nrf51822.x: {e}"))?;
    let memory = match std::env::var("MOTE_RAM_KIB") {
        Ok(kib) => {
            let kib: u32 = kib
                .parse()
                .map_err(|_| format!("MOTE_RAM_KIB: not a number of KiB: {kib}"))?;
            memory.replace("LENGTH = 16K", &format!("LENGTH = {kib}K"))
        }
        Err(_) => memory,
    };
    std::fs::write(out.join("memory.x"), memory)
        .map_err(|e| format!("cannot write memory.x to {}: {e}", out.display()))?;
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=nrf51822.x");
    let heap = std::env::var("MOTE_HEAP_BYTES").unwrap_or_else(|_| DEFAULT_HEAP_BYTES.into());
    match heap.parse::<u32>() {
        // The heap's `init` wants a non-zero size (src/rt.rs).
        Ok(0) | Err(_) => {
            return Err(format!(
                "MOTE_HEAP_BYTES: not a positive number of bytes: {heap}"
            ));
        }
        Ok(_) => {}
    }
    println!("cargo:rustc-env=MOTE_HEAP_BYTES={heap}");
    // cortex-m-rt's linker script (it includes memory.x). Here rather than in
    // .cargo/config.toml's rustflags, which a RUSTFLAGS environment variable would replace.
    println!("cargo:rustc-link-arg-bins=-Tlink.x");

    println!("cargo:rerun-if-env-changed=MOTE_APP");
    let app = std::env::var_os("MOTE_APP").map(PathBuf::from);
    let image = match &app {
        Some(app) => read(app)?,
        None => Vec::new(),
    };
    if let Some(app) = &app
        && !image.starts_with(b"MOTEIMG\0")
    {
        return Err(format!(
            "MOTE_APP: {} is not a compiled image (it does not start with MOTEIMG); compile \
             the .wasm with `cargo xtask qemu microbit APP.wasm` or `mote compile` (this \
             firmware has no translator)",
            shown(app)
        ));
    }
    let path = out.join("app.mimg");
    std::fs::write(&path, &image).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The bytes of `path`, the image given in `MOTE_APP`.
fn read(path: &Path) -> Result<Vec<u8>, String> {
    println!("cargo:rerun-if-changed={}", path.display());
    std::fs::read(path).map_err(|e| {
        format!(
            "MOTE_APP: cannot read the compiled image {}: {e}",
            shown(path)
        )
    })
}

/// `path` as given, and absolute when that helps to find it.
fn shown(path: &Path) -> String {
    match std::env::current_dir() {
        Ok(dir) if path.is_relative() => {
            format!("{} ({})", path.display(), dir.join(path).display())
        }
        _ => path.display().to_string(),
    }
}
