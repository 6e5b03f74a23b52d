//! The `mote` command-line tool, run as a process on small modules written to a temp dir.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a run of the tool printed and how it exited.
#[derive(Debug)]
struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the tool with `args`.
fn mote(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_mote"))
        .args(args)
        .output()
        .expect("the mote binary runs");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A file in the temp dir, removed when dropped. Dereferences to its path.
struct TempFile(String);

impl TempFile {
    /// Writes `contents` to a fresh file whose name ends with `name`.
    fn new(name: &str, contents: impl AsRef<[u8]>) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("mote-cli-{}-{unique}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("temp dir is writable");
        TempFile(
            path.into_os_string()
                .into_string()
                .expect("UTF-8 temp path"),
        )
    }
}

impl std::ops::Deref for TempFile {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes a `.wat` file.
fn wat_file(wat: &str) -> TempFile {
    TempFile::new("m.wat", wat)
}

const ARITH: &str = r#"
(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "many") (param i64 f32 f64) (result i64 f32 f64 i32)
    (local.get 0) (local.get 1) (local.get 2) (i32.const -1))
  (func (export "nothing")))
"#;

#[test]
fn invoke_prints_results() {
    let file = wat_file(ARITH);
    let out = mote(&["run", &file, "--invoke", "add", "40", "2"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "42\n"),
        "{out:?}"
    );

    let out = mote(&["run", "--invoke=many", &file, "0x10", "-1.5", "inf"]);
    assert_eq!(out.stdout, "16\n-1.5\ninf\n-1\n", "{out:?}");
    assert_eq!(out.code, Some(0));

    let out = mote(&["run", &file, "--invoke", "add", "--", "-3", "0xffffffff"]);
    assert_eq!(out.stdout, "-4\n", "{out:?}");

    let out = mote(&["run", &file, "--invoke", "nothing"]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), ""), "{out:?}");
}

#[test]
fn binary_modules_run_too() {
    let wasm = wat::parse_str(ARITH).unwrap();
    let file = TempFile::new("m.wasm", wasm);
    let out = mote(&["run", &file, "--invoke", "add", "1", "2"]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "3\n"), "{out:?}");
}

#[test]
fn start_is_called_by_default() {
    let file = wat_file(
        r#"(module
             (global $g (mut i32) (i32.const 1))
             (func $init (global.set $g (i32.const 41)))
             (start $init)
             (func (export "_start") (result i32) (i32.add (global.get $g) (i32.const 1))))"#,
    );
    let out = mote(&["run", &file]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "42\n"),
        "{out:?}"
    );

    let file = wat_file(r#"(module (func (export "_start") unreachable))"#);
    let out = mote(&["run", &file]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("_start"), "{out:?}");
}

#[test]
fn missing_start_asks_for_invoke() {
    let file = wat_file(ARITH);
    let out = mote(&["run", &file]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("--invoke"), "{out:?}");
    assert!(
        out.stderr
            .contains("add: (func (param i32 i32) (result i32))"),
        "{out:?}"
    );
}

#[test]
fn trap_names_file_function_and_cause() {
    let file = wat_file(
        r#"(module
             (func $boom (param i32) (result i32) unreachable)
             (func (export "go") (result i32) (call $boom (i32.const 1))))"#,
    );
    let out = mote(&["run", &file, "--invoke", "go"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(out.stderr.contains(&*file), "{out:?}");
    assert!(out.stderr.contains("unreachable"), "{out:?}");
    assert!(out.stderr.contains("function 0 `boom`"), "{out:?}");

    let file = wat_file(
        r#"(module (func (export "div") (param i32 i32) (result i32)
             (i32.div_s (local.get 0) (local.get 1))))"#,
    );
    let out = mote(&["run", &file, "--invoke", "div", "1", "0"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("integer divide by zero"), "{out:?}");
}

#[test]
fn malformed_modules_report_a_byte_offset() {
    // A type section that claims 5 bytes and has none.
    let file = TempFile::new("bad.wasm", b"\0asm\x01\0\0\0\x01\x05");
    let path: &str = &file;
    for command in ["run", "validate"] {
        let out = mote(&[command, path]);
        assert_eq!(out.code, Some(1), "{out:?}");
        assert!(out.stderr.contains(path), "{out:?}");
        assert!(out.stderr.contains("byte offset 0xa"), "{out:?}");
    }

    // A text module with a syntax error: the text parser names the line.
    let file = wat_file("(module\n  (func (export \"f\") (i32.bogus)))");
    let out = mote(&["run", &file, "--invoke", "f"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr.contains(&*file) && out.stderr.contains(":2:"),
        "{out:?}"
    );
}

#[test]
fn fuel_stops_infinite_loops() {
    let file = wat_file(r#"(module (func (export "spin") (loop (br 0))))"#);
    let out = mote(&["run", &file, "--fuel", "100", "--invoke", "spin"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr.contains("out of fuel after 100 units"),
        "{out:?}"
    );

    // Enough fuel: the call finishes.
    let out = mote(&[
        "run",
        &wat_file(ARITH),
        "--fuel",
        "100",
        "--invoke",
        "add",
        "1",
        "1",
    ]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "2\n"), "{out:?}");
}

#[test]
fn max_memory_makes_grow_fail() {
    let file = wat_file(
        r#"(module (memory 1)
             (func (export "grow") (result i32) (memory.grow (i32.const 1))))"#,
    );
    let out = mote(&["run", &file, "--invoke", "grow"]);
    assert_eq!(out.stdout, "1\n", "{out:?}");
    let out = mote(&["run", &file, "--max-memory", "65536", "--invoke", "grow"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "-1\n"),
        "{out:?}"
    );
    // A memory whose minimum exceeds the limit cannot be instantiated.
    let out = mote(&["run", &file, "--max-memory", "100", "--invoke", "grow"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("limit"), "{out:?}");
}

#[test]
fn unknown_imports_are_link_errors() {
    let file = wat_file(
        r#"(module (import "env" "sensor_read" (func (result i32)))
             (func (export "_start")))"#,
    );
    let out = mote(&["run", &file]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("\"env\" \"sensor_read\""), "{out:?}");
}

#[test]
fn proc_exit_sets_the_exit_status() {
    let file = wat_file(
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (func (export "_start") (call $exit (i32.const 3)) unreachable))"#,
    );
    let out = mote(&["run", &file]);
    assert_eq!(out.code, Some(3), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[test]
fn bad_command_lines_are_usage_errors() {
    let file = wat_file(ARITH);
    let missing = std::env::temp_dir().join("mote-cli-does-not-exist.wat");
    let cases: &[&[&str]] = &[
        &[],
        &["launch"],
        &["run"],
        &["run", "--bogus", &file],
        &["run", &file, "--bogus"],
        &["run", &file, "--invoke"],
        &["run", &file, "--fuel", "many", "--invoke", "add", "1", "2"],
        &["run", &file, "--invoke", "add", "1"],
        &["run", &file, "--invoke", "add", "1", "2", "3"],
        &["run", &file, "--invoke", "add", "1", "two"],
        &["run", &file, "--invoke", "add", "1", "4294967296"],
        &["run", &file, "--invoke", "many", "1", "x", "2"],
        &["validate"],
    ];
    for args in cases {
        let out = mote(args);
        assert_eq!(out.code, Some(2), "{args:?}: {out:?}");
        assert!(out.stderr.contains("Usage:"), "{args:?}: {out:?}");
        assert!(!out.stderr.contains("panicked"), "{args:?}: {out:?}");
    }
    // A file that does not exist is an error naming it, not a panic.
    let out = mote(&["run", missing.to_str().unwrap()]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr.contains("mote-cli-does-not-exist.wat"),
        "{out:?}"
    );
    // So is an export that does not exist.
    let out = mote(&["run", &file, "--invoke", "sub"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("`sub`"), "{out:?}");
}

#[test]
fn validate_checks_without_running() {
    let file = wat_file(r#"(module (func (export "_start") unreachable))"#);
    let out = mote(&["validate", &file]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(out.stdout, format!("{}: valid\n", &*file));

    // Well-formed but ill-typed: `i32.add` of an i64.
    let wasm =
        wat::parse_str(r#"(module (func (result i32) (i32.add (i64.const 1) (i32.const 2))))"#);
    // The text parser does not type-check, so the binary is produced.
    let file = TempFile::new("invalid.wasm", wasm.unwrap());
    let out = mote(&["validate", &file]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr.contains("invalid module at byte offset"),
        "{out:?}"
    );
}

#[test]
fn help_and_version() {
    for args in [&["help"][..], &["--help"], &["-h"], &["run", "--help"]] {
        let out = mote(args);
        assert_eq!(out.code, Some(0), "{out:?}");
        assert!(out.stdout.contains("mote run [OPTIONS] FILE"), "{out:?}");
        assert!(out.stdout.contains("--fuel"), "{out:?}");
    }
    let out = mote(&["--version"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(out.stdout, format!("mote {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn examples_run_as_documented() {
    let example = |name: &str| format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let out = mote(&["run", &example("hello.wat")]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "12\n1819043144\n"),
        "{out:?}"
    );
    let out = mote(&["run", &example("fib.wat"), "--invoke", "fib", "90"]);
    assert_eq!(out.stdout, "2880067194370816120\n", "{out:?}");
    let out = mote(&[
        "run",
        &example("fib.wat"),
        "--invoke",
        "fib_recursive",
        "20",
    ]);
    assert_eq!(out.stdout, "6765\n", "{out:?}");
    let fuel = [
        "run",
        &example("fib.wat"),
        "--fuel",
        "1000",
        "--invoke",
        "fib_recursive",
        "30",
    ];
    let out = mote(&fuel);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr.contains("out of fuel after 1000 units"),
        "{out:?}"
    );
}

#[test]
fn compiled_images_run_like_their_modules() {
    let source = wat_file(ARITH);
    let image = TempFile::new("m.mimg", "");
    let out = mote(&["compile", &source, "-o", &image]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("bytes from"), "{out:?}");
    let out = mote(&["run", &image, "--invoke", "add", "40", "2"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "42\n"),
        "{out:?}"
    );

    // An image runs only with the fuel setting it was compiled with, and says so.
    let out = mote(&["run", &image, "--fuel", "10", "--invoke", "add", "1", "1"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("fuel metering off"), "{out:?}");
    let out = mote(&[
        "compile",
        "--fuel",
        "--no-debug-info",
        &source,
        "-o",
        &image,
    ]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let out = mote(&["run", &image, "--fuel", "10", "--invoke", "add", "1", "1"]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "2\n"), "{out:?}");
}

#[test]
fn corrupted_images_are_rejected_with_the_offset() {
    let source = wat_file(ARITH);
    let image = TempFile::new("m.mimg", "");
    assert_eq!(mote(&["compile", &source, "-o", &image]).code, Some(0));
    let mut bytes = std::fs::read(&*image).expect("image written");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let corrupted = TempFile::new("bad.mimg", bytes);
    let out = mote(&["run", &corrupted, "--invoke", "add", "1", "1"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr.contains("bad compiled image at byte offset")
            && out.stderr.contains("corrupted"),
        "{out:?}"
    );
    let out = mote(&["compile", &source, "-o"]);
    assert_eq!(out.code, Some(2), "{out:?}");
}

#[cfg(target_pointer_width = "64")]
#[test]
fn the_jit_gives_the_same_answers() {
    let file = wat_file(ARITH);
    let out = mote(&[
        "run",
        &file,
        "--engine",
        "jit",
        "--invoke=many",
        "0x10",
        "-1.5",
        "inf",
    ]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "16\n-1.5\ninf\n-1\n"),
        "{out:?}"
    );
    let fib = format!("{}/examples/fib.wat", env!("CARGO_MANIFEST_DIR"));
    let out = mote(&["run", "--engine=jit", &fib, "--invoke", "fib", "20"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "6765\n"),
        "{out:?}"
    );
    let out = mote(&["run", &file, "--engine", "jot", "--invoke", "add", "1", "2"]);
    assert_eq!(out.code, Some(2), "{out:?}");
}
