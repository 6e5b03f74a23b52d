//! Puts `memory.x` on the linker's path, passes cortex-m-rt's `link.x` (and defmt's `defmt.x`
//! with the feature `defmt`), and copies the compiled image (`.mimg`, from `mote compile`) named
//! by the `MOTE_APP` environment variable (relative to this crate, or absolute) to
//! `$OUT_DIR/app.mimg`, where the firmware embeds it. Without `MOTE_APP` the image is empty and
//! the firmware reports that no app is embedded.

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
    std::fs::copy("memory.x", out.join("memory.x")).map_err(|e| format!("memory.x: {e}"))?;
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    if std::env::var_os("CARGO_FEATURE_DEFMT").is_some() {
        println!("cargo:rustc-link-arg-bins=-Tdefmt.x");
    }
    println!("cargo:rerun-if-env-changed=MOTE_APP");
    let image = match std::env::var_os("MOTE_APP").map(PathBuf::from) {
        Some(app) => {
            println!("cargo:rerun-if-changed={}", app.display());
            let image = std::fs::read(&app)
                .map_err(|e| format!("MOTE_APP: cannot read {}: {e}", app.display()))?;
            if !image.starts_with(b"MOTEIMG\0") {
                return Err(format!(
                    "MOTE_APP: {} is not a compiled image (it does not start with MOTEIMG); \
                     compile the .wasm with `mote compile` (this firmware has no translator)",
                    app.display()
                ));
            }
            image
        }
        None => Vec::new(),
    };
    let path = out.join("app.mimg");
    std::fs::write(&path, image).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
