//! Puts `memory.x` (the machine's memory map) where the linker finds it and links with
//! cortex-m-rt's `link.x`. The firmware embeds nothing: it reads the spec bundle from the host
//! at run time (semihosting), so one build runs every suite.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set");
        return ExitCode::FAILURE;
    };
    if let Err(e) = std::fs::copy("memory.x", out.join("memory.x")) {
        eprintln!("error: cannot copy memory.x to {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    // Here rather than in .cargo/config.toml's rustflags, which a RUSTFLAGS environment
    // variable would replace.
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    ExitCode::SUCCESS
}
