//! Puts `memory.x` where the linker finds it, and copies the Wasm app chosen with the
//! `MOTE_APP` environment variable (a path, relative to this crate or absolute; default
//! `../../examples/hello.wasm`) to `$OUT_DIR/app.wasm`, which the firmware embeds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The app embedded when `MOTE_APP` is not set.
const DEFAULT_APP: &str = "../../examples/hello.wasm";

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
    // cortex-m-rt's linker script (it includes memory.x). Here rather than in
    // .cargo/config.toml's rustflags, which a RUSTFLAGS environment variable would replace.
    println!("cargo:rustc-link-arg-bins=-Tlink.x");

    println!("cargo:rerun-if-env-changed=MOTE_APP");
    let app =
        std::env::var_os("MOTE_APP").map_or_else(|| PathBuf::from(DEFAULT_APP), PathBuf::from);
    println!("cargo:rerun-if-changed={}", app.display());
    let wasm = std::fs::read(&app)
        .map_err(|e| format!("MOTE_APP: cannot read the Wasm app {}: {e}", shown(&app)))?;
    if !wasm.starts_with(b"\0asm") {
        return Err(format!(
            "MOTE_APP: {} is not a binary Wasm module (it does not start with \\0asm)",
            shown(&app)
        ));
    }
    std::fs::write(out.join("app.wasm"), &wasm)
        .map_err(|e| format!("cannot write {}: {e}", out.join("app.wasm").display()))?;
    Ok(())
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
