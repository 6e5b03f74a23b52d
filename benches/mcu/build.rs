//! Puts `memory.x` where the linker finds it and copies the app the features need to `$OUT_DIR`:
//! `MOTE_APP_IMAGE` (a compiled image, feature `executor`) and `MOTE_APP_WASM` (the module,
//! feature `full`). `cargo xtask size` sets both.

use std::path::PathBuf;
use std::process::ExitCode;

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
    std::fs::copy("memory.x", out.join("memory.x"))
        .map_err(|e| format!("cannot copy memory.x to {}: {e}", out.display()))?;
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rustc-link-arg-bins=-Tlink.x");

    let wanted = [
        ("MOTE_APP_IMAGE", "app.mimg", "CARGO_FEATURE_EXECUTOR"),
        ("MOTE_APP_WASM", "app.wasm", "CARGO_FEATURE_FULL"),
    ];
    for (var, file, feature) in wanted {
        println!("cargo:rerun-if-env-changed={var}");
        if std::env::var_os(feature).is_none() {
            continue;
        }
        let path = std::env::var_os(var).map(PathBuf::from).ok_or_else(|| {
            format!("{var} must name the app to embed (cargo xtask size sets it)")
        })?;
        println!("cargo:rerun-if-changed={}", path.display());
        std::fs::copy(&path, out.join(file))
            .map_err(|e| format!("{var}: cannot copy {}: {e}", path.display()))?;
    }
    Ok(())
}
