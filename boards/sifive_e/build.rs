//! Puts `memory.x` where the linker finds it, links with riscv-rt's `link.x`, and copies what
//! the firmware embeds to `$OUT_DIR`:
//!
//! - `MOTE_APP` (a path): the app's compiled image (`.mimg`, from `mote compile` or
//!   `cargo xtask qemu sifive_e APP.wasm`), as `app.mimg`; without it the file is empty and the
//!   firmware says that no app is embedded. This firmware cannot take a `.wasm`: it has no
//!   validator or translator.
//! - `MOTE_SPEC_BUNDLE` (a path): a spec bundle of compiled images
//!   (`mote-spec-tests --write-bundle FILE --payload images`), as `spec.motespec`, for the
//!   `spec-smoke` binary; empty without it.

use std::path::{Path, PathBuf};
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
    // riscv-rt's linker script (it includes memory.x). Here rather than in .cargo/config.toml's
    // rustflags, which a RUSTFLAGS environment variable would replace.
    println!("cargo:rustc-link-arg-bins=-Tlink.x");

    embed(
        &out,
        "MOTE_APP",
        "app.mimg",
        b"MOTEIMG\0",
        "a compiled image (MOTEIMG)",
    )?;
    embed(
        &out,
        "MOTE_SPEC_BUNDLE",
        "spec.motespec",
        b"MOTESPEC",
        "a spec bundle (MOTESPEC)",
    )
}

/// Copies the file named by the environment variable `var` to `$OUT_DIR/name` (an empty file
/// without it), after checking that it starts with `magic`.
fn embed(out: &Path, var: &str, name: &str, magic: &[u8], what: &str) -> Result<(), String> {
    println!("cargo:rerun-if-env-changed={var}");
    let bytes = match std::env::var_os(var).map(PathBuf::from) {
        Some(path) => {
            println!("cargo:rerun-if-changed={}", path.display());
            let bytes = std::fs::read(&path)
                .map_err(|e| format!("{var}: cannot read {}: {e}", path.display()))?;
            if !bytes.starts_with(magic) {
                return Err(format!(
                    "{var}: {} is not {what}; `cargo xtask qemu sifive_e APP.wasm` and \
                     `cargo xtask qemu-test sifive_e` make them (this firmware has no translator)",
                    path.display()
                ));
            }
            bytes
        }
        None => Vec::new(),
    };
    let path = out.join(name);
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
