//! `cargo xtask size`: what Mote costs in flash and RAM on a Cortex-M4F.
//!
//! Builds the reference firmware `benches/mcu` for thumbv7em-none-eabihf (opt-level z, fat LTO)
//! three ways: `baseline` (the app's function in Rust, no runtime), `executor` (the app as a
//! compiled image, run by the executor alone) and `full` (the app's `.wasm`, validated and
//! translated on the device). Prints one line per build from `llvm-size`, and fails when a
//! build exceeds its budget of flash over the baseline.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::{Error, repo_root};

/// The app: `examples/fib.wat` (its `fib_recursive` export).
const APP: &str = "examples/fib.wat";
const TARGET: &str = "thumbv7em-none-eabihf";

/// Flash over the baseline that each runtime build may cost (the budgets).
const BUDGETS: [(&str, u64); 2] = [("executor", 32 * 1024), ("full", 192 * 1024)];

/// Section sizes of one build.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Code: the vector table and `.text`.
    pub text: u64,
    /// Read-only data.
    pub rodata: u64,
    /// Initialised data (in flash and in RAM).
    pub data: u64,
    /// Zeroed data (RAM).
    pub bss: u64,
}

impl Sizes {
    /// Bytes of flash.
    pub fn flash(self) -> u64 {
        self.text + self.rodata + self.data
    }

    /// Bytes of static RAM.
    pub fn ram(self) -> u64 {
        self.data + self.bss
    }
}

/// Parses `llvm-size -A` output.
pub fn parse_llvm_size(output: &str) -> Sizes {
    let mut sizes = Sizes::default();
    for line in output.lines() {
        let mut fields = line.split_whitespace();
        let (Some(name), Some(size)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Ok(size) = size.parse::<u64>() else {
            continue;
        };
        match name {
            ".vector_table" | ".text" => sizes.text += size,
            ".rodata" => sizes.rodata += size,
            ".data" => sizes.data += size,
            ".bss" | ".uninit" => sizes.bss += size,
            _ => {}
        }
    }
    sizes
}

/// `cargo xtask size [--no-budgets]`.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let mut enforce = true;
    for arg in args {
        match arg.as_str() {
            "--no-budgets" => enforce = false,
            other => return Err(Error::new(format!("size: unknown argument `{other}`"))),
        }
    }
    let root = repo_root();
    let work = root.join("target").join("size");
    std::fs::create_dir_all(&work)
        .map_err(|e| Error::new(format!("cannot create {}: {e}", work.display())))?;
    let (wasm, image) = app_files(&root, &work)?;
    let llvm_size = llvm_size()?;

    let mut results = Vec::new();
    for (build, features) in [("baseline", ""), ("executor", "executor"), ("full", "full")] {
        let elf = build_firmware(&root, build, features, &wasm, &image)?;
        let output = Command::new(&llvm_size)
            .arg("-A")
            .arg(&elf)
            .output()
            .map_err(|e| Error::new(format!("cannot run {}: {e}", llvm_size.display())))?;
        if !output.status.success() {
            return Err(Error::new(format!(
                "{} -A {} failed: {}",
                llvm_size.display(),
                elf.display(),
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        results.push((
            build,
            parse_llvm_size(&String::from_utf8_lossy(&output.stdout)),
        ));
    }

    let baseline = results[0].1;
    let mut over_budget = Vec::new();
    for (build, sizes) in &results {
        let flash_over = sizes.flash().saturating_sub(baseline.flash());
        let ram_over = sizes.ram().saturating_sub(baseline.ram());
        println!(
            "{build}: text={} rodata={} data={} bss={} flash_over_baseline={flash_over} ram_over_baseline={ram_over}",
            sizes.text, sizes.rodata, sizes.data, sizes.bss
        );
        if let Some((_, budget)) = BUDGETS.iter().find(|(name, _)| name == build)
            && flash_over > *budget
        {
            over_budget.push(format!(
                "{build}: {flash_over} bytes of flash over the baseline, budget {budget} ({} over)",
                flash_over - budget
            ));
        }
    }
    println!(
        "app: {APP}; image {} bytes, wasm {} bytes (included in the executor and full builds)",
        file_len(&image),
        file_len(&wasm)
    );
    if over_budget.is_empty() {
        println!("budgets: met");
        return Ok(ExitCode::SUCCESS);
    }
    for line in &over_budget {
        println!("budget exceeded: {line}");
    }
    Ok(if enforce {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Writes the app as `.wasm` and as a compiled image with the firmware's configuration
/// (`Config::default()`: no fuel, no NaN canonicalisation).
fn app_files(root: &Path, work: &Path) -> Result<(PathBuf, PathBuf), Error> {
    let source = root.join(APP);
    let wasm =
        wat::parse_file(&source).map_err(|e| Error::new(format!("{}: {e}", source.display())))?;
    let engine = mote_core::Engine::new(
        &mote_core::Config::default(),
        mote_interp::Interpreter::new(),
    );
    let image = mote_interp::image::compile(&engine, &wasm).map_err(|e| {
        Error::new(format!(
            "{}: cannot compile an image: {e}",
            source.display()
        ))
    })?;
    let wasm_path = work.join("app.wasm");
    let image_path = work.join("app.mimg");
    for (path, bytes) in [(&wasm_path, &wasm), (&image_path, &image)] {
        std::fs::write(path, bytes)
            .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok((wasm_path, image_path))
}

/// Builds one firmware; returns its ELF.
fn build_firmware(
    root: &Path,
    build: &str,
    features: &str,
    wasm: &Path,
    image: &Path,
) -> Result<PathBuf, Error> {
    let dir = root.join("benches").join("mcu");
    let target_dir = dir.join("target").join(build);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("xtask: building the {build} firmware");
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&dir)
        .args(["build", "--release", "--locked", "--target", TARGET])
        .arg("--target-dir")
        .arg(&target_dir)
        .env("MOTE_APP_IMAGE", image)
        .env("MOTE_APP_WASM", wasm);
    if !features.is_empty() {
        cmd.args(["--features", features]);
    }
    let status = cmd
        .status()
        .map_err(|e| Error::new(format!("cannot run cargo in {}: {e}", dir.display())))?;
    if !status.success() {
        return Err(Error::new(format!(
            "building the {build} firmware in {} failed (cargo's output is above)",
            dir.display()
        )));
    }
    Ok(target_dir
        .join(TARGET)
        .join("release")
        .join("mote-mcu-bench"))
}

/// rustup's `llvm-size` (the `llvm-tools` component of rust-toolchain.toml).
fn llvm_size() -> Result<PathBuf, Error> {
    let rustc = |args: &[&str]| -> Result<String, Error> {
        let output = Command::new("rustc")
            .args(args)
            .output()
            .map_err(|e| Error::new(format!("cannot run rustc: {e}")))?;
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let sysroot = rustc(&["--print", "sysroot"])?;
    let version = rustc(&["-vV"])?;
    let host = version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .ok_or_else(|| Error::new("rustc -vV does not name the host"))?;
    let path = PathBuf::from(sysroot)
        .join("lib/rustlib")
        .join(host)
        .join("bin/llvm-size");
    if path.is_file() {
        Ok(path)
    } else {
        Err(Error::new(format!(
            "{} is missing: install the llvm-tools component (rustup component add llvm-tools)",
            path.display()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llvm_size_output_is_summed_by_kind() {
        let output = "\
mote-mcu-bench  :
section             size         addr
.vector_table       1024            0
.text              30000         1024
.rodata             4000        31024
.data                 16    536870912
.bss                  40    536870928
.uninit                8    536870968
.ARM.attributes       58            0
Total              35146
";
        let sizes = parse_llvm_size(output);
        assert_eq!(
            sizes,
            Sizes {
                text: 31024,
                rodata: 4000,
                data: 16,
                bss: 48
            }
        );
        assert_eq!(sizes.flash(), 35040);
        assert_eq!(sizes.ram(), 64);
    }
}
