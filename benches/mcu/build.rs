//! Puts `memory.x` where the linker finds it and copies the app the features need to `$OUT_DIR`:
//! `MOTE_APP_IMAGE` (a compiled image, feature `executor`) and `MOTE_APP_WASM` (the module,
//! feature `full`). `cargo xtask size` sets both.
//!
//! The benchmark build (feature `bench`, `cargo xtask mcu-bench`) takes its apps from the
//! directory `MOTE_BENCH_APPS` instead (`fib` and `coremark`, `.wasm` and `.mimg`), and with
//! `bench-wasm3` compiles wasm3's C sources from `MOTE_WASM3_SOURCE` with arm-none-eabi-gcc.

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

    if std::env::var_os("CARGO_FEATURE_BENCH").is_some() {
        return bench(&out);
    }
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

/// The benchmark build's apps, and wasm3.
fn bench(out: &std::path::Path) -> Result<(), String> {
    println!("cargo:rerun-if-env-changed=MOTE_BENCH_APPS");
    let engine = ["MOTE", "WASMI", "WASM3"]
        .into_iter()
        .find(|e| std::env::var_os(format!("CARGO_FEATURE_BENCH_{e}")).is_some());
    let Some(engine) = engine else {
        return Ok(()); // native fib only
    };
    let apps = PathBuf::from(std::env::var_os("MOTE_BENCH_APPS").ok_or(
        "MOTE_BENCH_APPS must name the directory of the apps (cargo xtask mcu-bench sets it)",
    )?);
    let ext = if engine == "MOTE" { "mimg" } else { "wasm" };
    for app in ["fib", "coremark"] {
        let path = apps.join(format!("{app}.{ext}"));
        println!("cargo:rerun-if-changed={}", path.display());
        std::fs::copy(&path, out.join(format!("{app}.{ext}")))
            .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
    }
    if engine == "WASM3" {
        wasm3()?;
    }
    Ok(())
}

#[cfg(not(feature = "bench-wasm3"))]
fn wasm3() -> Result<(), String> {
    Err("bench-wasm3 needs the cc build dependency".into())
}

/// Compiles wasm3 (without its WASI and libc bindings) and links newlib's libc for the few
/// C library functions it calls (`strtoul`, `strcmp`, ...); its allocator is the firmware's.
#[cfg(feature = "bench-wasm3")]
fn wasm3() -> Result<(), String> {
    println!("cargo:rerun-if-env-changed=MOTE_WASM3_SOURCE");
    println!("cargo:rerun-if-changed=wasm3_shim.c");
    let source = PathBuf::from(std::env::var_os("MOTE_WASM3_SOURCE").ok_or(
        "MOTE_WASM3_SOURCE must name wasm3's `source` directory (cargo xtask mcu-bench sets it)",
    )?);
    let mut build = cc::Build::new();
    build
        .compiler("arm-none-eabi-gcc")
        .archiver("arm-none-eabi-ar")
        .include(&source)
        .define("d_m3LogOutput", "0")
        .define("d_m3Use32BitSlots", "1")
        .define("d_m3VerboseLogs", "0")
        .define("NDEBUG", None)
        .flag("-mcpu=cortex-m4")
        .flag("-fno-common")
        .flag("-w")
        .file("wasm3_shim.c");
    let entries =
        std::fs::read_dir(&source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".c") && !name.starts_with("m3_api_")
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no wasm3 C sources in {}", source.display()));
    }
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    build.files(files);
    build.try_compile("wasm3").map_err(|e| e.to_string())?;
    // newlib's libc and libgcc for this core's ABI, from the compiler's multilib.
    for (flag, lib) in [
        ("-print-file-name=libc.a", "c"),
        ("-print-libgcc-file-name", "gcc"),
    ] {
        let output = std::process::Command::new("arm-none-eabi-gcc")
            .args([
                "-mthumb",
                "-mcpu=cortex-m4",
                "-mfloat-abi=hard",
                "-mfpu=fpv4-sp-d16",
                flag,
            ])
            .output()
            .map_err(|e| format!("cannot run arm-none-eabi-gcc: {e}"))?;
        let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        let dir = path
            .parent()
            .filter(|_| path.is_file())
            .ok_or_else(|| format!("arm-none-eabi-gcc {flag}: no {}", path.display()))?;
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static={lib}");
    }
    Ok(())
}
