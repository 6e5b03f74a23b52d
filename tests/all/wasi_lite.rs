//! The example apps (`examples/*.wasm`, built by `examples/build.sh`) run on the host-sim board
//! through `mote run`, and print what they should.

use std::io::Write;
use std::process::{Command, Stdio};

/// What a run printed and how it exited.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `mote run examples/APP ARGS...` with `input` on stdin.
fn run(app: &str, args: &[&str], input: &[u8]) -> Run {
    let path = format!("{}/examples/{app}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_mote"))
        .arg("run")
        .arg(&path)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mote binary runs");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input)
        .expect("stdin takes the input");
    let out = child.wait_with_output().expect("mote finishes");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn hello_prints_through_fd_write() {
    let out = run("hello.wasm", &[], b"");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "Hello from Mote!\n"),
        "{out:?}"
    );
    // Arguments after FILE reach the guest through `args_get`.
    let out = run("hello.wasm", &["one", "two words"], b"");
    assert_eq!(
        out.stdout, "Hello from Mote!\narg: one\narg: two words\n",
        "{out:?}"
    );
}

#[test]
fn thermometer_reads_the_tmp105() {
    for (temp, printed) in [
        ("21.5", "21.5 °C\n"),
        ("-3.25", "-3.25 °C\n"),
        ("0.0625", "0.0625 °C\n"),
        ("125", "125.0 °C\n"),
    ] {
        let out = run("thermometer.wasm", &["--sensor-temp", temp], b"");
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (Some(0), printed),
            "{out:?}"
        );
    }
    // The sensor's default is 25 °C; --trace shows the bus transfers.
    let out = run("thermometer.wasm", &["--trace"], b"");
    assert_eq!(out.stdout, "25.0 °C\n", "{out:?}");
    assert!(
        out.stderr
            .contains("[host-sim] i2c0 0x48: write [01 60]\n[host-sim] i2c0 0x48: write [00]\n[host-sim] i2c0 0x48: read [19 00]"),
        "{out:?}"
    );
}

#[test]
fn blink_toggles_the_led() {
    let out = run("blink.wasm", &["--trace"], b"");
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "blink 1: led on\nblink 1: led off\nblink 2: led on\nblink 2: led off\nblink 3: led on\nblink 3: led off\n"
    );
    assert_eq!(
        out.stderr,
        "[host-sim] gpio led: high\n[host-sim] gpio led: low\n".repeat(3)
    );
}

#[test]
fn uart_echo_echoes_stdin() {
    let out = run("uart-echo.wasm", &[], b"one\ntwo\n");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "one\ntwo\n"),
        "{out:?}"
    );
}

/// An ordinary Rust `std` program for `wasm32-wasip1` prints exactly what it prints natively
/// (the expected text is its native output).
#[test]
fn a_wasip1_std_program_runs() {
    let out = run(
        "wasi-std.wasm",
        &["--env", "MOTE_GREETING=hi", "one", "two"],
        b"a\nb\n",
    );
    assert_eq!(
        out.stdout,
        "args: [\"one\", \"two\"]\nMOTE_GREETING=hi\nslept at least 20 ms: true\n\
         after 2020: true\nhash map works: true\nstdin: true, 2 lines\n",
        "{out:?}"
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (Some(3), "to stderr\n"),
        "{out:?}"
    );
    let out = run("wasi-std.wasm", &[], b"");
    assert_eq!(out.code, Some(0), "{out:?}");
}

/// The thermometer written in C over `sdk/c/mote.h` prints the same as the Rust one.
#[test]
fn c_thermometer_uses_the_header() {
    for (temp, printed) in [("21.5", "21.5 °C\n"), ("-12.3125", "-12.3125 °C\n")] {
        let out = run("thermometer-c.wasm", &["--sensor-temp", temp], b"");
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (Some(0), printed),
            "{out:?}"
        );
    }
}

/// A C program built with clang and wasi-libc prints exactly what it prints natively.
#[test]
fn a_wasi_libc_program_runs() {
    let out = run(
        "wasi-hello-c.wasm",
        &["--env", "MOTE_GREETING=hi", "one", "two"],
        b"x\ny\nz\n",
    );
    assert_eq!(
        out.stdout,
        "argc: 3\narg 1: one\narg 2: two\nMOTE_GREETING=hi\nslept at least 20 ms: true\n\
         after 2020: true\nrandom differs: true\nstdin: 3 lines\n",
        "{out:?}"
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (Some(3), "to stderr\n"),
        "{out:?}"
    );
}

/// A driver written against `embedded-hal`'s `SpiDevice` runs in the guest (the SDK's
/// `embedded-hal` feature) and round-trips data through host-sim's SPI EEPROM.
#[test]
fn eeprom_driver_over_embedded_hal() {
    let out = run("eeprom.wasm", &["--trace"], b"");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "read back: stored in the EEPROM\n"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("[host-sim] spi0: out [06] in [ff]\n"),
        "{out:?}"
    );
}
