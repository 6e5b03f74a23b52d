//! `cargo xtask qemu-test BOARD`: checks a board under QEMU and prints one line per check and
//! a summary (`BOARD: N passed, M failed, K skipped`); exits non-zero when a check failed.
//!
//! 1. The drivers' self-test: on lm3s6965evb the sensor temperature set over QMP comes back over
//!    I2C and out of the UART (at two temperatures, one negative); on microbit hello's line
//!    comes out of the UART; on both the LED pin toggles six times in QEMU's GPIO trace.
//! 2. The example apps `thermometer.wasm` (lm3s6965evb) or `hello.wasm` (microbit, sifive_e)
//!    and `blink.wasm`, compiled to images on the host and run by the firmware's executor in
//!    the chip's RAM (16 KiB on microbit and sifive_e), checked the same way; the RAM the run
//!    used is printed from the firmware's report at exit. When that firmware does not fit in
//!    the chip's flash, they are reported as skipped with the overflow in bytes; with
//!    `--strict` they fail instead (CI), so that the firmware cannot silently grow out of the
//!    flash. Running out of RAM fails.
//! 3. `thermometer.wasm` on the firmware that validates and translates it on the device
//!    (feature `on-device-translate`, lm3s6965evb only). It does not fit in flash yet (a known
//!    gap, see docs/boards.md): while it does not, it is reported as skipped, with `--strict`
//!    too; it runs, and must pass, by itself once it fits.
//! 4. On a board with the feature `defmt` (lm3s6965evb): `thermometer.wasm` on the firmware
//!    built with it, whose runtime messages and console come as defmt frames over semihosting
//!    (to a file of their own); the decoded frames must hold the runtime's steps and the app's
//!    line with the temperature set, the UART nothing, and a corrupt or cut stream must fail
//!    to decode.
//! 5. On a board with a spec smoke subset (sifive_e): those `.wast` files as a spec bundle of
//!    compiled images, run by the executor on the device; nothing may fail.

use std::process::ExitCode;
use std::time::Duration;

use crate::boards::{self, GpioTrace, QemuBoard, TraceFormat, UartApp};
use crate::defmt_log;
use crate::qemu::{self, Boot, BuildError, Firmware, Outcome};
use crate::qemu_spec;
use crate::{Error, repo_root};

/// A run that takes longer is stuck (each takes about a second).
const TIMEOUT: Duration = Duration::from_secs(30);

/// The lines `blink` prints (the app, and the self-test's imitation of it).
const BLINK_LINES: [&str; 6] = [
    "blink 1: led on",
    "blink 1: led off",
    "blink 2: led on",
    "blink 2: led off",
    "blink 3: led on",
    "blink 3: led off",
];

/// The counts of the summary.
#[derive(Debug, Default)]
struct Report {
    passed: u32,
    failed: u32,
    skipped: u32,
    /// Count what would be skipped as failed.
    strict: bool,
}

impl Report {
    fn record(&mut self, name: &str, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.passed += 1;
                println!("ok      {name}");
            }
            Err(why) => {
                self.failed += 1;
                println!("FAILED  {name}: {why}");
            }
        }
    }

    /// A check that could not run; a failure with `--strict` unless `known_gap`.
    fn skip(&mut self, name: &str, why: &str, known_gap: bool) {
        if self.strict && !known_gap {
            self.record(name, Err(why.to_owned()));
        } else {
            self.skipped += 1;
            let gap = if known_gap { " (known gap)" } else { "" };
            println!("skipped {name}: {why}{gap}");
        }
    }
}

fn boot(
    board: &QemuBoard,
    elf: &Elf<'_>,
    temp: Option<f64>,
    trace: bool,
) -> Result<Outcome, String> {
    let how = Boot {
        sensor_temp: temp,
        trace_gpio: trace,
        timeout: Some(TIMEOUT),
        echo: false,
        stdin: false,
        large_ram: elf.large_ram,
        defmt: false,
    };
    let elf = elf.path;
    qemu::boot(board, elf, &how).map_err(|e| e.to_string())
}

/// A firmware to boot, and whether it was linked for the board's larger RAM.
#[derive(Debug, Clone, Copy)]
struct Elf<'a> {
    path: &'a std::path::Path,
    large_ram: bool,
}

/// Exit status 0 and `expected` among the UART's lines.
fn expect_line(outcome: &Outcome, expected: &str) -> Result<(), String> {
    if outcome.status != 0 {
        return Err(format!(
            "exit status {} (UART output: {:?})",
            outcome.status, outcome.uart
        ));
    }
    if outcome.uart.lines().any(|line| line.trim_end() == expected) {
        Ok(())
    } else {
        Err(format!(
            "expected the line {expected:?}, the UART gave {:?}",
            outcome.uart
        ))
    }
}

/// The blink lines in order on the UART, and six LED toggles in the GPIO trace.
fn expect_blink(board: &QemuBoard, outcome: &Outcome) -> Result<(), String> {
    let lines: Vec<&str> = outcome
        .uart
        .lines()
        .map(str::trim_end)
        .filter(|line| line.starts_with("blink "))
        .collect();
    if lines != BLINK_LINES {
        return Err(format!(
            "expected the lines {BLINK_LINES:?}, the UART gave {:?}",
            outcome.uart
        ));
    }
    let trace = outcome.gpio_trace.as_deref().unwrap_or_default();
    led_toggles(trace, &board.gpio_trace)
}

/// The line Hello prints.
const HELLO_LINE: &str = "Hello from Mote!";

/// One GPIO output changes more than once in `trace`: the LED's line (PF0 on lm3s6965evb,
/// P0.13 on microbit), which is driven low and then toggles six times: `0 1 0 1 0 1 0`. Other
/// outputs change at most once (the pull-ups of the inputs at reset, the LED matrix's column).
fn led_toggles(trace: &str, gpio: &GpioTrace) -> Result<(), String> {
    let event = gpio.event;
    let mut outputs: Vec<((&str, u32), Vec<i64>)> = Vec::new();
    let mut record =
        |device, pin, level| match outputs.iter_mut().find(|(key, _)| *key == (device, pin)) {
            Some((_, levels)) => levels.push(level),
            None => outputs.push(((device, pin), vec![level])),
        };
    let mut registers = SifiveRegisters::default();
    for line in trace.lines() {
        let Some(at) = line.find(event) else {
            continue;
        };
        let words: Vec<&str> = line[at + event.len()..].split_whitespace().collect();
        let (device, pin, level) = match (gpio.format, words.as_slice()) {
            // `<event> <device> setting output <line> to <level>`
            (TraceFormat::Pl061, [device, "setting", "output", pin, "to", level]) => {
                (*device, pin, level)
            }
            // `<event> line <line> value <level>` (one GPIO port)
            (TraceFormat::Nrf51, ["line", pin, "value", level]) => ("gpio", pin, level),
            // `<event> offset <register> value <bits>`: the levels follow from the writes.
            (TraceFormat::SifiveWrites, ["offset", offset, "value", value]) => {
                let (Some(offset), Some(value)) = (hex(offset), hex(value)) else {
                    return Err(format!("unexpected trace line {line:?}"));
                };
                for (pin, level) in registers.write(offset, value) {
                    record("gpio", pin, level);
                }
                continue;
            }
            _ => return Err(format!("unexpected trace line {line:?}")),
        };
        let (Ok(pin), Ok(level)) = (pin.parse::<u32>(), level.parse::<i64>()) else {
            return Err(format!("unexpected trace line {line:?}"));
        };
        record(device, pin, level);
    }
    let toggled: Vec<&((&str, u32), Vec<i64>)> = outputs
        .iter()
        .filter(|(_, levels)| levels.len() > 1)
        .collect();
    let [((device, pin), levels)] = toggled.as_slice() else {
        return Err(format!(
            "expected one GPIO output to toggle, the trace shows {} ({:?})",
            toggled.len(),
            toggled
        ));
    };
    let expected = [0, 1, 0, 1, 0, 1, 0];
    if *pin != gpio.led_line || !levels.ends_with(&expected) {
        return Err(format!(
            "expected output {} to go {expected:?}; {device} output {pin} went {levels:?}",
            gpio.led_line
        ));
    }
    Ok(())
}

/// A `0x`-prefixed hexadecimal number of a trace line.
fn hex(text: &str) -> Option<u32> {
    u32::from_str_radix(text.strip_prefix("0x")?, 16).ok()
}

/// The SiFive GPIO's output registers, followed through the writes QEMU traces.
#[derive(Debug, Default)]
struct SifiveRegisters {
    output_en: u32,
    output_val: u32,
    /// The level each driven pin was last reported at (bit set: driven; in `levels`: high).
    driven: u32,
    levels: u32,
}

impl SifiveRegisters {
    /// `output_en`.
    const OUTPUT_EN: u32 = 0x8;
    /// `output_val`.
    const OUTPUT_VAL: u32 = 0xc;

    /// A write of `value` to the register at `offset`; returns the pins whose driven level it
    /// changed (a pin that becomes an output counts as a change), with their new level.
    fn write(&mut self, offset: u32, value: u32) -> Vec<(u32, i64)> {
        match offset {
            Self::OUTPUT_EN => self.output_en = value,
            Self::OUTPUT_VAL => self.output_val = value,
            _ => return Vec::new(),
        }
        let mut changed = Vec::new();
        for pin in 0..32 {
            let bit = 1 << pin;
            let level = self.output_val & bit;
            if self.output_en & bit == 0 {
                self.driven &= !bit;
            } else if self.driven & bit == 0 || self.levels & bit != level {
                self.driven |= bit;
                self.levels = (self.levels & !bit) | level;
                changed.push((pin, i64::from(level != 0)));
            }
        }
        changed
    }
}

fn selftest(board: &QemuBoard, report: &mut Report) {
    let path = match qemu::build(board, Firmware::SelfTest) {
        Ok(path) => path,
        Err(e) => {
            report.record("self-test: build", Err(Error::from(e).to_string()));
            return;
        }
    };
    let elf = Elf {
        path: &path,
        large_ram: false,
    };
    match board.uart_app {
        UartApp::Thermometer => {
            report.record(
                "self-test: TMP105 at 23.25 °C over I2C, UART, LED toggles",
                boot(board, &elf, Some(23.25), true).and_then(|outcome| {
                    expect_line(&outcome, "23.25 °C")?;
                    expect_blink(board, &outcome)
                }),
            );
            report.record(
                "self-test: TMP105 at -12.5 °C",
                boot(board, &elf, Some(-12.5), false)
                    .and_then(|outcome| expect_line(&outcome, "-12.5 °C")),
            );
        }
        UartApp::Hello => report.record(
            "self-test: UART, LED toggles",
            boot(board, &elf, None, true).and_then(|outcome| {
                expect_line(&outcome, HELLO_LINE)?;
                expect_blink(board, &outcome)
            }),
        ),
    }
}

/// Builds `firmware` (an app) and runs `check` on it, or skips it when it does not fit in
/// flash. The app must run in the chip's RAM: running out of it fails. Prints the RAM the run
/// used, from the firmware's report at exit ([`memory_at_exit`]), when it gives one.
fn app(
    board: &QemuBoard,
    report: &mut Report,
    label: &str,
    firmware: Firmware<'_>,
    check: impl Fn(&QemuBoard, &Elf<'_>) -> Result<Outcome, String>,
) {
    match qemu::build(board, firmware) {
        Ok(path) => {
            let elf = Elf {
                path: &path,
                large_ram: false,
            };
            let result = check(board, &elf);
            let memory = result
                .as_ref()
                .ok()
                .and_then(|o| memory_at_exit(&o.uart).map(str::to_owned));
            report.record(label, result.map(|_| ()));
            if let Some(memory) = memory {
                println!("        RAM: {memory}");
            }
        }
        Err(BuildError::DoesNotFit { overflow }) => report.skip(
            label,
            &format!(
                "the firmware does not fit in flash ({overflow} bytes too many; \
                 docs/boards.md, \"Flash and RAM\")"
            ),
            matches!(firmware, Firmware::AppTranslatedOnDevice(_)),
        ),
        Err(BuildError::Failed(e)) => report.record(label, Err(e.to_string())),
    }
}

/// The firmware's memory report at exit (`mote: memory at exit: heap ...`, over semihosting on
/// microbit and sifive_e), without its prefix.
fn memory_at_exit(output: &str) -> Option<&str> {
    output
        .lines()
        .find_map(|line| line.trim_end().strip_prefix("mote: memory at exit: "))
}

/// The thermometer's check: `23.25 °C` on the UART at 23.25 °C.
fn thermometer(board: &QemuBoard, elf: &Elf<'_>) -> Result<Outcome, String> {
    let outcome = boot(board, elf, Some(23.25), false)?;
    expect_line(&outcome, "23.25 °C")?;
    Ok(outcome)
}

/// Hello's check: `Hello from Mote!` on the UART.
fn hello(board: &QemuBoard, elf: &Elf<'_>) -> Result<Outcome, String> {
    let outcome = boot(board, elf, None, false)?;
    expect_line(&outcome, HELLO_LINE)?;
    Ok(outcome)
}

/// The blink check: its lines on the UART and the LED toggles in the GPIO trace.
fn blink(board: &QemuBoard, elf: &Elf<'_>) -> Result<Outcome, String> {
    let outcome = boot(board, elf, None, true)?;
    if outcome.status != 0 {
        return Err(format!(
            "exit status {} (UART output: {:?})",
            outcome.status, outcome.uart
        ));
    }
    expect_blink(board, &outcome)?;
    Ok(outcome)
}

/// The frames the defmt check wants, in this order (with other frames between them).
const DEFMT_LINES: [&str; 4] = [
    "INFO mote: app.wasm: loading a ",
    "INFO mote: app.wasm: instantiated; calling `_start`",
    "INFO app: 23.25 °C",
    "INFO mote: app.wasm: exit status 0; heap peak ",
];

/// The defmt check: `thermometer.wasm` at 23.25 °C on the firmware with the feature `defmt`.
fn defmt_thermometer(board: &QemuBoard, report: &mut Report, wasm: &std::path::Path) {
    let label = "app thermometer.wasm with defmt: frames over semihosting, decoded";
    let result = qemu::build_with(board, Firmware::App(wasm), false, true)
        .map_err(|e| Error::from(e).to_string())
        .and_then(|path| {
            let how = Boot {
                sensor_temp: Some(23.25),
                timeout: Some(TIMEOUT),
                defmt: true,
                ..Boot::default()
            };
            let outcome = qemu::boot(board, &path, &how).map_err(|e| e.to_string())?;
            expect_defmt(&outcome)?;
            let table = defmt_log::table(&path).map_err(|e| e.to_string())?;
            let bytes = outcome.defmt.map(|log| log.bytes).unwrap_or_default();
            expect_corruption_found(&table, &bytes)
        });
    report.record(label, result);
}

/// Exit status 0, [`DEFMT_LINES`] in order among the decoded frames, and nothing on the UART
/// (the console went to defmt, and no frame bytes leaked into the UART's text).
fn expect_defmt(outcome: &Outcome) -> Result<(), String> {
    let lines = outcome
        .defmt
        .as_ref()
        .map(|log| log.lines.as_slice())
        .unwrap_or_default();
    if outcome.status != 0 {
        return Err(format!(
            "exit status {} (frames: {lines:?}, UART: {:?})",
            outcome.status, outcome.uart
        ));
    }
    let mut rest = lines.iter();
    for wanted in DEFMT_LINES {
        if !rest.any(|line| line.starts_with(wanted)) {
            return Err(format!(
                "expected a frame {wanted:?} (in the order of {DEFMT_LINES:?}), decoded {lines:?}"
            ));
        }
    }
    if !outcome.uart.trim().is_empty() {
        return Err(format!(
            "expected nothing on the UART with defmt, it gave {:?}",
            outcome.uart
        ));
    }
    Ok(())
}

/// The run's stream decodes with `table`; a frame that does not (prepended) and a stream cut
/// inside its last frame are errors naming the source.
fn expect_corruption_found(table: &defmt_decoder::Table, bytes: &[u8]) -> Result<(), String> {
    let source = std::path::Path::new("defmt-check.bin");
    defmt_log::decode_all(table, bytes, source).map_err(|e| e.to_string())?;
    // rzCOBS read backwards: 0xff announces 134 more bytes, which are not there.
    let corrupt = [&[0xff, 0xff, 0x00][..], bytes].concat();
    let cut = bytes
        .get(..bytes.len().saturating_sub(1))
        .unwrap_or_default();
    for (what, stream) in [("a corrupt frame", &corrupt[..]), ("a cut stream", cut)] {
        match defmt_log::decode_all(table, stream, source) {
            Ok(lines) => return Err(format!("{what} decoded as {lines:?}")),
            Err(e) if e.to_string().contains("defmt-check.bin") => {}
            Err(e) => return Err(format!("{what}: the error does not name the file: {e}")),
        }
    }
    Ok(())
}

/// The spec testsuite's smoke subset ([`QemuBoard::spec_smoke`]): writes its files as a
/// bundle of compiled images, builds the firmware with it embedded and boots it; every file
/// must report, nothing may fail, and the skips may only be the checks that need the
/// validator. Prints the RAM the run used.
fn spec_smoke(board: &QemuBoard, report: &mut Report) {
    let Some(smoke) = board.spec_smoke else {
        return;
    };
    let label = format!(
        "spec smoke: {} files of {} from compiled images",
        smoke.files.len(),
        smoke.suite
    );
    let selection = qemu_spec::Selection {
        files: smoke.files,
        images: true,
        ..qemu_spec::Selection::default()
    };
    let result = qemu_spec::write_bundle(board.dir, board.name, smoke.suite, "smoke", selection)
        .map_err(|e| e.to_string())
        .and_then(|bundle| {
            qemu::build(board, Firmware::SpecBundle(&bundle))
                .map_err(|e| Error::from(e).to_string())
        })
        .and_then(|path| {
            let elf = Elf {
                path: &path,
                large_ram: false,
            };
            boot(board, &elf, None, false)
        })
        .and_then(|outcome| check_smoke(&outcome, smoke.files.len()));
    match result {
        Ok((counts, memory)) => {
            report.record(
                &format!(
                    "{label}: {} passed, 0 failed, {} skipped (the checks that need the validator)",
                    counts.passed, counts.skipped
                ),
                Ok(()),
            );
            if let Some([heap_peak, heap, stack_peak, stack]) = memory {
                println!(
                    "        RAM of the spec smoke run: heap peak {heap_peak} of {heap} bytes, \
                     main stack peak {stack_peak} of {stack} bytes"
                );
            }
        }
        Err(why) => report.record(&label, Err(why)),
    }
}

/// Checks the smoke run's report: status 0, `files` files counted, nothing failed; returns the
/// total and the memory line.
fn check_smoke(
    outcome: &Outcome,
    files: usize,
) -> Result<(qemu_spec::Counts, Option<[u64; 4]>), String> {
    let mut total = qemu_spec::Counts::default();
    let mut counted = 0;
    let mut memory = None;
    let mut failures = Vec::new();
    for line in outcome.uart.lines() {
        match qemu_spec::parse_report(line) {
            qemu_spec::Report::Counts { counts, .. } => {
                total.add(counts);
                counted += 1;
            }
            qemu_spec::Report::Memory(m) => memory = Some(m),
            qemu_spec::Report::Fail(failure) => failures.push(failure),
            qemu_spec::Report::Fatal(message) => failures.push(message),
            _ => {}
        }
    }
    if outcome.status != 0 || total.failed > 0 || counted != files || !failures.is_empty() {
        return Err(format!(
            "exit status {}, {counted} of {files} files reported, {} failed; {}",
            outcome.status,
            total.failed,
            failures.first().map_or_else(
                || format!(
                    "UART output: {:?}",
                    outcome.uart.lines().last().unwrap_or_default()
                ),
                Clone::clone
            )
        ));
    }
    Ok((total, memory))
}

/// `cargo xtask qemu-test BOARD`.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let (board, strict) = match args {
        [board] => (board, false),
        [board, flag] if flag == "--strict" => (board, true),
        _ => return Err(Error::new("usage: cargo xtask qemu-test BOARD [--strict]")),
    };
    let board = boards::find(board)?;
    let mut report = Report {
        strict,
        ..Report::default()
    };
    selftest(board, &mut report);
    let examples = repo_root().join("examples");
    let thermometer_wasm = examples.join("thermometer.wasm");
    let hello_wasm = examples.join("hello.wasm");
    let blink_wasm = examples.join("blink.wasm");
    match board.uart_app {
        UartApp::Thermometer => app(
            board,
            &mut report,
            "app thermometer.wasm from its compiled image",
            Firmware::App(&thermometer_wasm),
            thermometer,
        ),
        UartApp::Hello => app(
            board,
            &mut report,
            "app hello.wasm from its compiled image",
            Firmware::App(&hello_wasm),
            hello,
        ),
    }
    app(
        board,
        &mut report,
        "app blink.wasm from its compiled image",
        Firmware::App(&blink_wasm),
        blink,
    );
    if board.on_device_translate {
        app(
            board,
            &mut report,
            "app thermometer.wasm translated on the device",
            Firmware::AppTranslatedOnDevice(&thermometer_wasm),
            thermometer,
        );
    }
    if board.defmt {
        defmt_thermometer(board, &mut report, &thermometer_wasm);
    }
    spec_smoke(board, &mut report);
    println!(
        "{}: {} passed, {} failed, {} skipped",
        board.name, report.passed, report.failed, report.skipped
    );
    Ok(if report.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PL061: GpioTrace = GpioTrace {
        event: "pl061_set_output",
        format: TraceFormat::Pl061,
        led_line: 0,
    };

    const NRF51: GpioTrace = GpioTrace {
        event: "nrf51_gpio_update_output_irq",
        format: TraceFormat::Nrf51,
        led_line: 13,
    };

    /// The trace of a good blink run on microbit (the column, the buttons' pull-ups, the LED).
    const GOOD_NRF51: &str = "\
nrf51_gpio_update_output_irq line 4 value 0
nrf51_gpio_update_output_irq line 17 value 1
nrf51_gpio_update_output_irq line 26 value 1
nrf51_gpio_update_output_irq line 13 value 0
nrf51_gpio_update_output_irq line 13 value 1
nrf51_gpio_update_output_irq line 13 value 0
nrf51_gpio_update_output_irq line 13 value 1
nrf51_gpio_update_output_irq line 13 value 0
nrf51_gpio_update_output_irq line 13 value 1
nrf51_gpio_update_output_irq line 13 value 0
";

    /// The trace of a good blink run (the pull-ups of the inputs at reset, then the LED).
    const GOOD: &str = "\
pl061_set_output /machine/unattached/device[13] setting output 0 to 1
pl061_set_output /machine/unattached/device[13] setting output 1 to 1
pl061_set_output /machine/unattached/device[12] setting output 0 to 1
pl061_set_output /machine/unattached/device[13] setting output 0 to 0
pl061_set_output /machine/unattached/device[13] setting output 0 to 1
pl061_set_output /machine/unattached/device[13] setting output 0 to 0
pl061_set_output /machine/unattached/device[13] setting output 0 to 1
pl061_set_output /machine/unattached/device[13] setting output 0 to 0
pl061_set_output /machine/unattached/device[13] setting output 0 to 1
pl061_set_output /machine/unattached/device[13] setting output 0 to 0
Timer with period zero, disabling
";

    #[test]
    fn good_blink() {
        assert_eq!(led_toggles(GOOD, &PL061), Ok(()));
        // With the process id and time stamp that some trace back ends put first.
        let stamped: String = GOOD
            .lines()
            .map(|l| format!("1234@1700000000.000001:{l}\n"))
            .collect();
        assert_eq!(led_toggles(&stamped, &PL061), Ok(()));
    }

    #[test]
    fn bad_blinks() {
        // Too few toggles.
        let short: String = GOOD.lines().take(7).map(|l| format!("{l}\n")).collect();
        assert!(led_toggles(&short, &PL061).is_err());
        // No trace at all.
        assert!(led_toggles("", &PL061).is_err());
        // Another pin toggles as well.
        let two = format!(
            "{GOOD}pl061_set_output /machine/unattached/device[12] setting output 0 to 0\n"
        );
        assert!(led_toggles(&two, &PL061).is_err());
        // A garbled line.
        assert!(led_toggles("pl061_set_output nonsense", &PL061).is_err());
    }

    #[test]
    fn nrf51_blinks() {
        assert_eq!(led_toggles(GOOD_NRF51, &NRF51), Ok(()));
        // The PL061 shape is not the nRF51's.
        assert!(led_toggles(GOOD_NRF51, &PL061).is_err());
        assert!(led_toggles(GOOD, &NRF51).is_err());
        // Another line than the LED's toggles.
        let wrong = GOOD_NRF51.replace("line 13", "line 14");
        assert!(led_toggles(&wrong, &NRF51).is_err());
        // A disconnected output (-1) counts as a level.
        let short: String = GOOD_NRF51
            .lines()
            .take(8)
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(led_toggles(&short, &NRF51).is_err());
    }

    const SIFIVE: GpioTrace = GpioTrace {
        event: "sifive_gpio_write",
        format: TraceFormat::SifiveWrites,
        led_line: 19,
    };

    /// The register writes of a good blink run on sifive_e: the pins set up as inputs, the
    /// UART's pins, then the LED (bit 19, 0x80000) driven low and toggled six times.
    fn good_sifive() -> String {
        let mut trace = String::from(
            "sifive_gpio_write offset 0x38 value 0x0\n\
             sifive_gpio_write offset 0x8 value 0x0\n\
             sifive_gpio_write offset 0x10 value 0x200\n\
             sifive_gpio_write offset 0x4 value 0xfc0600\n\
             sifive_gpio_write offset 0x38 value 0x30000\n\
             sifive_gpio_write offset 0xc value 0x0\n\
             sifive_gpio_write offset 0x8 value 0x80000\n",
        );
        for i in 0..6 {
            let value = if i % 2 == 0 { "0x80000" } else { "0x0" };
            trace.push_str(&format!(
                "sifive_gpio_write offset 0xc value {value}\nsifive_gpio_write offset 0x8 value 0x80000\n"
            ));
        }
        trace
    }

    #[test]
    fn sifive_blinks() {
        assert_eq!(led_toggles(&good_sifive(), &SIFIVE), Ok(()));
        // Toggles of another pin than the LED's.
        let wrong = good_sifive().replace("0x80000", "0x40000");
        assert!(led_toggles(&wrong, &SIFIVE).is_err());
        // A level written while the pin is not an output is not driven.
        let undriven = good_sifive().replace("offset 0x8 value 0x80000", "offset 0x8 value 0x0");
        assert!(led_toggles(&undriven, &SIFIVE).is_err());
        assert!(led_toggles("sifive_gpio_write offset zz value 0x1", &SIFIVE).is_err());
    }

    #[test]
    fn smoke_reports() {
        let uart = "@suite wasm-v2 2\n@file 0 a.wast\nok   a.wast: 3 passed, 0 failed, 1 skipped\n\
                    @counts 0 3 0 1 0\n@file 1 b.wast\n@counts 1 2 0 0 0\n@memory 1 2 3 4\n";
        let outcome = Outcome {
            status: 0,
            uart: uart.to_owned(),
            gpio_trace: None,
            defmt: None,
        };
        let (counts, memory) = check_smoke(&outcome, 2).expect("a good run");
        assert_eq!((counts.passed, counts.skipped), (5, 1));
        assert_eq!(memory, Some([1, 2, 3, 4]));
        assert!(check_smoke(&outcome, 3).is_err(), "a file is missing");
        let failed = Outcome {
            uart: format!("{uart}@fail assert_return at 1:1: expected [i32:1], got [i32:2]\n"),
            ..outcome
        };
        assert!(check_smoke(&failed, 2).is_err());
    }

    #[test]
    fn strict_skips_only_known_gaps() {
        let mut report = Report {
            strict: true,
            ..Report::default()
        };
        report.skip("on-device translation", "does not fit", true);
        assert_eq!((report.failed, report.skipped), (0, 1));
        report.skip("app from its image", "does not fit", false);
        assert_eq!((report.failed, report.skipped), (1, 1));
        let mut lenient = Report::default();
        lenient.skip("app from its image", "does not fit", false);
        assert_eq!((lenient.failed, lenient.skipped), (0, 1));
    }

    #[test]
    fn memory_reports() {
        let output =
            "Hello from Mote!\r\nmote: memory at exit: heap 0 in use, peak 10985 of 12288 bytes\n";
        assert_eq!(
            memory_at_exit(output),
            Some("heap 0 in use, peak 10985 of 12288 bytes")
        );
        assert_eq!(memory_at_exit("Hello from Mote!\n"), None);
    }

    #[test]
    fn uart_lines() {
        let outcome = Outcome {
            status: 0,
            uart: "23.25 °C\r\n".to_owned(),
            gpio_trace: None,
            defmt: None,
        };
        assert_eq!(expect_line(&outcome, "23.25 °C"), Ok(()));
        assert!(expect_line(&outcome, "23.2 °C").is_err());
        let failed = Outcome {
            status: 1,
            ..outcome
        };
        assert!(expect_line(&failed, "23.25 °C").is_err());
    }
}
