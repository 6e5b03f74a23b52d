//! Puts `memory.x` where the linker finds it (and with the feature `defmt` passes defmt's
//! `defmt.x`), and copies the app chosen with the `MOTE_APP`
//! environment variable (a path, relative to this crate or absolute) to `$OUT_DIR`, where the
//! firmware embeds it:
//!
//! - by default, a compiled image (`.mimg`, from `mote compile` or `cargo xtask qemu`, which
//!   compiles the `.wasm` with the firmware's engine configuration) as `$OUT_DIR/app.mimg`.
//!   Without `MOTE_APP` the file is empty and the firmware says that no app is embedded;
//! - with the feature `on-device-translate`, a binary `.wasm` as `$OUT_DIR/app.wasm` (default
//!   `../../examples/hello.wasm`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The app embedded with `on-device-translate` when `MOTE_APP` is not set.
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
    // defmt's linker script (the `.defmt` table of format strings, outside flash).
    if std::env::var_os("CARGO_FEATURE_DEFMT").is_some() {
        println!("cargo:rustc-link-arg-bins=-Tdefmt.x");
    }

    println!("cargo:rerun-if-env-changed=MOTE_APP");
    let app = std::env::var_os("MOTE_APP").map(PathBuf::from);
    if std::env::var_os("CARGO_FEATURE_ON_DEVICE_TRANSLATE").is_some() {
        let app = app.unwrap_or_else(|| PathBuf::from(DEFAULT_APP));
        let wasm = read(&app, "Wasm app")?;
        if !wasm.starts_with(b"\0asm") {
            return Err(format!(
                "MOTE_APP: {} is not a binary Wasm module (it does not start with \\0asm); \
                 the feature `on-device-translate` embeds the .wasm",
                shown(&app)
            ));
        }
        write(&out.join("app.wasm"), &wasm)
    } else {
        let image = match &app {
            Some(app) => read(app, "compiled image")?,
            None => Vec::new(),
        };
        if let Some(app) = &app
            && !image.starts_with(b"MOTEIMG\0")
        {
            return Err(format!(
                "MOTE_APP: {} is not a compiled image (it does not start with MOTEIMG); \
                 compile the .wasm with `cargo xtask qemu lm3s6965evb APP.wasm` or \
                 `mote compile`, or build with the feature `on-device-translate`",
                shown(app)
            ));
        }
        write(&out.join("app.mimg"), &image)
    }
}

/// The bytes of `path`, the app given in `MOTE_APP`.
fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    println!("cargo:rerun-if-changed={}", path.display());
    std::fs::read(path)
        .map_err(|e| format!("MOTE_APP: cannot read the {what} {}: {e}", shown(path)))
}

/// Writes `bytes` to `path` in `$OUT_DIR`.
fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
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
