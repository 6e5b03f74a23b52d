//! `cargo xtask qemu BOARD (APP.wasm | APP.mimg | --selftest) [--on-device-translate]
//! [--sensor-temp C] [--trace-gpio] [--large-ram] [--defmt] [--timeout SECONDS]`: builds a
//! board's firmware with an app embedded (or its drivers' self-test), boots it in QEMU and
//! relays its UART. `--defmt` builds the firmware with its feature `defmt` and prints its
//! decoded defmt frames too (`LEVEL message`, see [`crate::defmt_log`]).
//!
//! The firmware runs compiled images: a `.wasm` is compiled here first, with the board's engine
//! configuration ([`QemuBoard::config`]), and the image is embedded. `--on-device-translate`
//! embeds the `.wasm` instead, in the firmware built with that feature, which validates and
//! translates it on the device.
//!
//! The machine starts paused (`-S`) with a QMP socket; the task connects, sets the sensor's
//! temperature (`qom-set`, in milli-degrees Celsius), then resumes it (`cont`). The firmware
//! leaves through semihosting, so QEMU's exit status is the app's.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use mote_core::{Engine, Module};
use mote_interp::{Interpreter, image};

use crate::boards::{self, QemuBoard};
use crate::defmt_log;
use crate::qmp::Qmp;
use crate::{Error, repo_root};

/// The QOM path of the sensor: QEMU puts `-device ...,id=sensor` at `/machine/peripheral/sensor`.
const SENSOR_ID: &str = "sensor";

/// A line QEMU 7.2 prints on stderr at every reset of `lm3s6965evb`.
const QEMU_RESET_NOISE: &str = "Timer with period zero, disabling";

/// How long QEMU may take to open its QMP socket.
const QMP_CONNECT: Duration = Duration::from_secs(10);

/// Which firmware to build.
#[derive(Debug, Clone, Copy)]
pub enum Firmware<'a> {
    /// The executor with this app's compiled image embedded (a `.wasm` is compiled first).
    App(&'a Path),
    /// The full runtime (feature `on-device-translate`) with this `.wasm` embedded.
    AppTranslatedOnDevice(&'a Path),
    /// The drivers' self-test.
    SelfTest,
    /// The board's spec-smoke binary ([`QemuBoard::spec_smoke`]) with this spec bundle of
    /// compiled images embedded.
    SpecBundle(&'a Path),
}

/// Where [`image_for`] puts the images it compiles, under the board's target directory.
const IMAGE_DIR: &str = "xtask-images";

/// The compiled image to embed for `app` on `board`. A ready image (it starts with
/// `MOTEIMG`) is loaded here with the board's configuration first, so that a mismatch shows
/// now rather than on the device; a `.wasm` is compiled with that configuration into
/// `BOARD/target/xtask-images/NAME.mimg`, which is rewritten only when its bytes change (so an
/// unchanged app does not rebuild the firmware).
pub fn image_for(board: &QemuBoard, app: &Path) -> Result<PathBuf, Error> {
    let bytes =
        std::fs::read(app).map_err(|e| Error(format!("cannot read {}: {e}", app.display())))?;
    let engine = Engine::new(&(board.config)(), Interpreter::new());
    if bytes.starts_with(&image::MAGIC) {
        Module::from_image_bytes(&engine, &bytes).map_err(|e| {
            Error(format!(
                "{}: this image does not load on {}: {e}",
                app.display(),
                board.name
            ))
        })?;
        return Ok(app.to_path_buf());
    }
    if !bytes.starts_with(b"\0asm") {
        return Err(Error(format!(
            "{}: neither a binary Wasm module nor a compiled image",
            app.display()
        )));
    }
    let image = image::compile(&engine, &bytes)
        .map_err(|e| Error(format!("{}: cannot compile it: {e}", app.display())))?;
    let dir = repo_root().join(board.dir).join("target").join(IMAGE_DIR);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
    let stem = app
        .file_stem()
        .map_or_else(|| "app".into(), |stem| stem.to_string_lossy().into_owned());
    let path = dir.join(format!("{stem}.mimg"));
    if std::fs::read(&path).ok().as_deref() != Some(&image[..]) {
        std::fs::write(&path, &image)
            .map_err(|e| Error(format!("cannot write {}: {e}", path.display())))?;
    }
    eprintln!(
        "xtask: compiled {} ({} bytes) to {} ({} bytes)",
        app.display(),
        bytes.len(),
        path.display(),
        image.len()
    );
    Ok(path)
}

/// Why a firmware build failed.
#[derive(Debug)]
pub enum BuildError {
    /// It linked, but does not fit in the chip's flash: the linker's overflow, in bytes.
    DoesNotFit {
        /// Bytes beyond the end of flash.
        overflow: u64,
    },
    /// Anything else.
    Failed(Error),
}

impl From<BuildError> for Error {
    fn from(e: BuildError) -> Error {
        match e {
            BuildError::DoesNotFit { overflow } => Error(format!(
                "the firmware does not fit in the chip's flash: {overflow} bytes too many \
                 (see docs/boards.md, \"Flash and RAM\")"
            )),
            BuildError::Failed(e) => e,
        }
    }
}

/// Builds `firmware` for `board` in release; returns the ELF file.
pub fn build(board: &QemuBoard, firmware: Firmware<'_>) -> Result<PathBuf, BuildError> {
    build_with(board, firmware, false, false)
}

/// Builds `firmware` for `board` in release, linked for the board's larger RAM when
/// `large_ram` (see [`QemuBoard::large_ram`]), with the feature `defmt` when `defmt` (see
/// [`QemuBoard::defmt`]); returns the ELF file.
pub fn build_with(
    board: &QemuBoard,
    firmware: Firmware<'_>,
    large_ram: bool,
    defmt: bool,
) -> Result<PathBuf, BuildError> {
    let dir = repo_root().join(board.dir);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = dir.join("target");
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&dir)
        .args(["build", "--release", "--locked", "--target", board.target])
        .arg("--target-dir")
        .arg(&target_dir);
    if defmt {
        if !board.defmt {
            return Err(BuildError::Failed(Error(format!(
                "--defmt: the {} firmware has no feature `defmt`",
                board.name
            ))));
        }
        cmd.args(["--features", "defmt"]);
    }
    let bin = match firmware {
        Firmware::App(app) | Firmware::AppTranslatedOnDevice(app) => {
            let app = std::path::absolute(app)
                .map_err(|e| BuildError::Failed(Error(format!("{}: {e}", app.display()))))?;
            if !app.is_file() {
                return Err(BuildError::Failed(Error(format!(
                    "{}: no such file (the app to embed)",
                    app.display()
                ))));
            }
            let embedded = if let Firmware::App(_) = firmware {
                image_for(board, &app).map_err(BuildError::Failed)?
            } else {
                cmd.args(["--features", "on-device-translate"]);
                app
            };
            eprintln!(
                "xtask: building {} with {} embedded",
                board.dir,
                embedded.display()
            );
            cmd.env("MOTE_APP", &embedded);
            board.app_bin
        }
        Firmware::SelfTest => {
            eprintln!("xtask: building {} (self-test)", board.dir);
            cmd.env_remove("MOTE_APP");
            board.selftest_bin
        }
        Firmware::SpecBundle(bundle) => {
            let Some(smoke) = board.spec_smoke else {
                return Err(BuildError::Failed(Error(format!(
                    "{} has no spec-smoke firmware",
                    board.name
                ))));
            };
            eprintln!(
                "xtask: building {} with {} embedded",
                board.dir,
                bundle.display()
            );
            cmd.env("MOTE_SPEC_BUNDLE", bundle);
            smoke.bin
        }
    };
    match board.large_ram {
        Some(ram) if large_ram => {
            eprintln!(
                "xtask: linking for {} KiB of RAM ({} bytes of heap), more than the chip has",
                ram.ram_kib, ram.heap_bytes
            );
            cmd.env("MOTE_RAM_KIB", ram.ram_kib.to_string())
                .env("MOTE_HEAP_BYTES", ram.heap_bytes.to_string());
        }
        None if large_ram => {
            return Err(BuildError::Failed(Error(format!(
                "--large-ram: QEMU's {} machine has a fixed RAM size",
                board.machine
            ))));
        }
        _ => {
            cmd.env_remove("MOTE_RAM_KIB").env_remove("MOTE_HEAP_BYTES");
        }
    }
    cmd.args(["--bin", bin]);
    let output = cmd.output().map_err(|e| {
        BuildError::Failed(Error(format!(
            "cannot run `{} build` in {}: {e}",
            cargo.to_string_lossy(),
            dir.display()
        )))
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if let Some(overflow) = flash_overflow(&stderr) {
            return Err(BuildError::DoesNotFit { overflow });
        }
        eprint!("{stderr}");
        return Err(BuildError::Failed(Error(format!(
            "building the firmware in {} failed ({}; cargo's output is above)",
            dir.display(),
            output.status
        ))));
    }
    Ok(target_dir.join(board.target).join("release").join(bin))
}

/// The largest "overflowed by N bytes" of the linker's complaints about region `FLASH`.
pub fn flash_overflow(linker_output: &str) -> Option<u64> {
    linker_output
        .lines()
        .filter(|line| line.contains("region 'FLASH'"))
        .filter_map(|line| {
            let rest = &line[line.find("overflowed by ")? + "overflowed by ".len()..];
            rest.split_whitespace().next()?.parse().ok()
        })
        .max()
}

/// How to boot.
#[derive(Debug, Clone, Default)]
pub struct Boot {
    /// The sensor's temperature in degrees Celsius, if it should be set.
    pub sensor_temp: Option<f64>,
    /// Record QEMU's trace of GPIO output changes.
    pub trace_gpio: bool,
    /// Kill QEMU after this long.
    pub timeout: Option<Duration>,
    /// Copy the UART output to stdout as it comes.
    pub echo: bool,
    /// Give QEMU this process's stdin (the UART's receive side); otherwise none.
    pub stdin: bool,
    /// Give the machine the board's larger RAM ([`QemuBoard::large_ram`]).
    pub large_ram: bool,
    /// The firmware writes defmt frames over semihosting: route them to a file and decode
    /// them with the ELF's `.defmt` table (printed as they come with `echo`).
    pub defmt: bool,
}

/// The defmt frames of a run.
#[derive(Debug, Default)]
pub struct DefmtLog {
    /// The frames decoded, as `LEVEL message` lines.
    pub lines: Vec<String>,
    /// The bytes QEMU wrote (the encoded stream).
    pub bytes: Vec<u8>,
}

/// What a run gave.
#[derive(Debug)]
pub struct Outcome {
    /// QEMU's exit status: the app's.
    pub status: i32,
    /// Everything the firmware wrote to UART0.
    pub uart: String,
    /// QEMU's trace log of GPIO output changes, if asked for.
    pub gpio_trace: Option<String>,
    /// The decoded defmt frames, if asked for ([`Boot::defmt`]).
    pub defmt: Option<DefmtLog>,
}

/// A scratch directory for the QMP socket and the trace log, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self, Error> {
        static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("mote-xtask-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Kills QEMU when dropped, unless it has been waited for.
struct Qemu(Option<Child>);

impl Drop for Qemu {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The temperature as QEMU's sensor property wants it: milli-degrees Celsius.
pub fn milli_celsius(board: &QemuBoard, celsius: f64) -> Result<i64, Error> {
    let Some(sensor) = &board.sensor else {
        return Err(Error(format!(
            "--sensor-temp: QEMU's {} machine has no temperature sensor",
            board.machine
        )));
    };
    let (low, high) = sensor.range;
    if !(celsius.is_finite() && celsius > low && celsius < high) {
        return Err(Error(format!(
            "--sensor-temp {celsius}: the {} takes temperatures above {low} and below {high} °C",
            sensor.model
        )));
    }
    // In range after the check above, so the conversion is exact enough and cannot overflow.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "|celsius * 1000| < 128000 after the range check"
    )]
    Ok((celsius * 1000.0).round() as i64)
}

/// Boots `elf` on `board` in QEMU and waits for it to exit.
pub fn boot(board: &QemuBoard, elf: &Path, how: &Boot) -> Result<Outcome, Error> {
    let milli = how
        .sensor_temp
        .map(|c| milli_celsius(board, c))
        .transpose()?;
    let scratch = Scratch::new()?;
    let socket = scratch.0.join("qmp.sock");
    let trace_log = scratch.0.join("trace.log");
    let defmt_file = scratch.0.join("defmt.bin");
    // Read first, so that a firmware without the table fails before QEMU starts.
    let table = how.defmt.then(|| defmt_log::table(elf)).transpose()?;

    let mut cmd = Command::new(board.qemu);
    cmd.args(["-M", board.machine, "-nographic"]);
    if how.defmt {
        // The semihosting console (`SYS_WRITE0`, `SYS_WRITEC`: the firmware's defmt frames)
        // to a file; semihosting's file calls and exit are as without it.
        cmd.args([
            "-semihosting-config",
            &format!("enable=on,target=native,chardev={DEFMT_CHARDEV}"),
        ])
        .arg("-chardev")
        .arg(format!(
            "file,id={DEFMT_CHARDEV},path={}",
            defmt_file.display()
        ));
    } else {
        cmd.args(["-semihosting-config", "enable=on,target=native"]);
    }
    if let Some(sensor) = &board.sensor {
        cmd.arg("-device").arg(format!(
            "{},bus={},address={:#04x},id={SENSOR_ID}",
            sensor.model, sensor.bus, sensor.address
        ));
    }
    if let (true, Some(ram)) = (how.large_ram, &board.large_ram) {
        cmd.arg("-global")
            .arg(format!("{}={}", ram.qemu_property, ram.ram_kib * 1024));
    }
    cmd.arg("-S")
        .arg("-qmp")
        .arg(format!("unix:{},server=on,wait=off", socket.display()));
    if how.trace_gpio {
        cmd.args(["-trace", board.gpio_trace.event])
            .arg("-D")
            .arg(&trace_log);
    }
    cmd.arg("-kernel").arg(elf);
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if how.stdin {
            Stdio::inherit()
        } else {
            Stdio::null()
        });
    let child = cmd.spawn().map_err(|e| {
        Error(format!(
            "cannot run `{}`: {e} (install QEMU: see docs/boards.md)",
            board.qemu
        ))
    })?;
    let mut qemu = Qemu(Some(child));
    let Some(child) = qemu.0.as_mut() else {
        return Err(Error::new("QEMU did not start"));
    };

    // Relay the UART as it comes, and keep a copy.
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::new("QEMU's stdout is not piped"))?;
    let echo = how.echo;
    let reader = std::thread::spawn(move || {
        use std::io::Write as _;
        let mut all = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if echo {
                        let mut out = std::io::stdout().lock();
                        let _ = out.write_all(&buf[..n]);
                        let _ = out.flush();
                    }
                    all.extend_from_slice(&buf[..n]);
                }
            }
        }
        all
    });

    // QEMU's own messages, less one that QEMU 7.2 prints at every reset of this machine (a
    // timer model that starts with a zero period); harmless, and noise in every run.
    if let Some(stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            use std::io::BufRead as _;
            for line in std::io::BufReader::new(stderr).lines() {
                match line {
                    Ok(line) if line == QEMU_RESET_NOISE => {}
                    Ok(line) => eprintln!("{line}"),
                    Err(_) => break,
                }
            }
        });
    }

    // Decode the frames as QEMU writes them.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let defmt_reader = table.map(|table| {
        let stop = stop.clone();
        let path = defmt_file.clone();
        std::thread::spawn(move || follow_defmt(&table, &path, &stop, echo))
    });

    let mut qmp = Qmp::connect(&socket, Instant::now() + QMP_CONNECT, || {
        matches!(child.try_wait(), Ok(None))
    })?;
    if let (Some(milli), Some(sensor)) = (milli, &board.sensor) {
        let path = format!("/machine/peripheral/{SENSOR_ID}");
        qmp.qom_set_int(&path, sensor.property, milli)?;
    }
    qmp.execute("cont", None)?;

    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(Error(format!("waiting for QEMU: {e}"))),
        }
        if let Some(limit) = how.timeout
            && started.elapsed() > limit
        {
            return Err(Error(format!(
                "QEMU ({} running {}) did not exit within {} s",
                board.machine,
                elf.display(),
                limit.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    qemu.0 = None;
    drop(qmp);
    let uart = reader
        .join()
        .map_err(|_| Error::new("the thread reading QEMU's output failed"))?;
    stop.store(true, std::sync::atomic::Ordering::Release);
    let defmt = defmt_reader
        .map(|reader| {
            reader
                .join()
                .map_err(|_| Error::new("the thread decoding the defmt frames failed"))?
        })
        .transpose()?;
    let status = status
        .code()
        .ok_or_else(|| Error(format!("QEMU was stopped by a signal ({status})")))?;
    let gpio_trace = if how.trace_gpio {
        Some(std::fs::read_to_string(&trace_log).map_err(|e| {
            Error(format!(
                "cannot read QEMU's trace log {}: {e}",
                trace_log.display()
            ))
        })?)
    } else {
        None
    };
    Ok(Outcome {
        status,
        uart: String::from_utf8_lossy(&uart).into_owned(),
        gpio_trace,
        defmt,
    })
}

/// The chardev of the semihosting console with `--defmt`.
const DEFMT_CHARDEV: &str = "defmt";

/// Reads the file of defmt frames QEMU writes until `stop` is set and the file has no more
/// bytes, decoding them as they come (and printing them with `echo`).
fn follow_defmt(
    table: &defmt_decoder::Table,
    path: &Path,
    stop: &std::sync::atomic::AtomicBool,
    echo: bool,
) -> Result<DefmtLog, Error> {
    let mut frames = defmt_log::Frames::new(table, path);
    let mut log = DefmtLog::default();
    let mut file = None;
    loop {
        // Read once more after QEMU exited: what it wrote last.
        let last = stop.load(std::sync::atomic::Ordering::Acquire);
        if file.is_none() {
            file = std::fs::File::open(path).ok();
        }
        if let Some(file) = &mut file {
            let start = log.bytes.len();
            file.read_to_end(&mut log.bytes)
                .map_err(|e| Error(format!("cannot read {}: {e}", path.display())))?;
            for line in frames.push(&log.bytes[start..])? {
                if echo {
                    println!("{line}");
                }
                log.lines.push(line);
            }
        }
        if last {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    if file.is_none() {
        return Err(Error(format!(
            "QEMU did not create {}, the file of the semihosting console",
            path.display()
        )));
    }
    frames.finish()?;
    Ok(log)
}

/// The options of `cargo xtask qemu`.
#[derive(Debug)]
struct Options {
    board: &'static QemuBoard,
    /// The app to embed; `None` with `--selftest`.
    app: Option<PathBuf>,
    /// Embed the `.wasm` and translate it on the device (`--on-device-translate`).
    on_device: bool,
    boot: Boot,
}

const QEMU_USAGE: &str = "usage: cargo xtask qemu BOARD (APP.wasm | APP.mimg | --selftest) \
                          [--on-device-translate] [--sensor-temp C] [--trace-gpio] \
                          [--large-ram] [--defmt] [--timeout SECONDS]";

fn parse(args: &[String]) -> Result<Options, Error> {
    let mut positional = Vec::new();
    let mut boot = Boot {
        echo: true,
        stdin: true,
        ..Boot::default()
    };
    let mut selftest = false;
    let mut on_device = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| Error(format!("option `{name}` needs a value")))
        };
        match name {
            "--sensor-temp" => {
                let text = value(name)?;
                let celsius = text.parse::<f64>().map_err(|_| {
                    Error(format!(
                        "option `--sensor-temp` needs degrees Celsius, not `{text}`"
                    ))
                })?;
                boot.sensor_temp = Some(celsius);
            }
            "--timeout" => {
                let text = value(name)?;
                let seconds = text.parse::<u64>().map_err(|_| {
                    Error(format!(
                        "option `--timeout` needs whole seconds, not `{text}`"
                    ))
                })?;
                boot.timeout = Some(Duration::from_secs(seconds));
            }
            "--trace-gpio" if inline.is_none() => boot.trace_gpio = true,
            "--selftest" if inline.is_none() => selftest = true,
            "--on-device-translate" if inline.is_none() => on_device = true,
            "--large-ram" if inline.is_none() => boot.large_ram = true,
            "--defmt" if inline.is_none() => boot.defmt = true,
            flag if flag.starts_with('-') => {
                return Err(Error(format!("unknown option `{arg}` for `qemu`")));
            }
            _ => positional.push(arg.clone()),
        }
    }
    let (board, app) = match (positional.as_slice(), selftest) {
        ([board, app], false) => (board, Some(PathBuf::from(app))),
        ([board], true) if !on_device => (board, None),
        _ => return Err(Error::new(QEMU_USAGE)),
    };
    let board = boards::find(board)?;
    if let Some(c) = boot.sensor_temp {
        milli_celsius(board, c)?;
    }
    if boot.large_ram && board.large_ram.is_none() {
        return Err(Error(format!(
            "--large-ram: QEMU's {} machine has a fixed RAM size",
            board.machine
        )));
    }
    if boot.defmt && !board.defmt {
        return Err(Error(format!(
            "--defmt: the {} firmware has no feature `defmt` (lm3s6965evb has)",
            board.name
        )));
    }
    if on_device && !board.on_device_translate {
        return Err(Error(format!(
            "--on-device-translate: the {} firmware runs compiled images only",
            board.name
        )));
    }
    Ok(Options {
        board,
        app,
        on_device,
        boot,
    })
}

/// `cargo xtask qemu ...`.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let opts = parse(args)?;
    let firmware = match &opts.app {
        Some(app) if opts.on_device => Firmware::AppTranslatedOnDevice(app),
        Some(app) => Firmware::App(app),
        None => Firmware::SelfTest,
    };
    let elf = build_with(opts.board, firmware, opts.boot.large_ram, opts.boot.defmt)?;
    let outcome = boot(opts.board, &elf, &opts.boot)?;
    if let Some(trace) = &outcome.gpio_trace {
        eprint!("{trace}");
    }
    // A Unix exit status is one byte; QEMU's is already that.
    Ok(ExitCode::from(outcome.status.to_le_bytes()[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|&a| a.to_owned()).collect()
    }

    #[test]
    fn options() {
        let opts = parse(&strings(&[
            "lm3s6965evb",
            "examples/thermometer.wasm",
            "--sensor-temp",
            "23.25",
            "--trace-gpio",
            "--timeout=5",
        ]))
        .expect("valid options");
        assert_eq!(opts.board.name, "lm3s6965evb");
        assert_eq!(opts.app, Some(PathBuf::from("examples/thermometer.wasm")));
        assert_eq!(opts.boot.sensor_temp, Some(23.25));
        assert!(opts.boot.trace_gpio);
        assert_eq!(opts.boot.timeout, Some(Duration::from_secs(5)));
        assert!(!opts.on_device);
        let opts = parse(&strings(&["lm3s6965evb", "--selftest"])).expect("valid options");
        assert_eq!(opts.app, None);
        let opts = parse(&strings(&[
            "lm3s6965evb",
            "a.wasm",
            "--on-device-translate",
        ]))
        .expect("valid options");
        assert!(opts.on_device);
        assert!(!opts.boot.defmt);
        let opts = parse(&strings(&["lm3s6965evb", "a.wasm", "--defmt"])).expect("valid options");
        assert!(opts.boot.defmt);
    }

    #[test]
    fn bad_options() {
        for args in [
            &["lm3s6965evb"][..],
            &["nosuchboard", "a.wasm"],
            &["lm3s6965evb", "a.wasm", "--sensor-temp"],
            &["lm3s6965evb", "a.wasm", "--sensor-temp", "warm"],
            &["lm3s6965evb", "a.wasm", "--sensor-temp", "200"],
            &["lm3s6965evb", "a.wasm", "--bogus"],
            &["lm3s6965evb", "a.wasm", "b.wasm"],
            &["lm3s6965evb", "a.wasm", "--selftest"],
            &["lm3s6965evb", "--selftest", "--on-device-translate"],
            &["lm3s6965evb", "a.wasm", "--on-device-translate=yes"],
            &["microbit", "a.wasm", "--on-device-translate"],
            &["microbit", "a.wasm", "--sensor-temp", "20"],
            &["lm3s6965evb", "a.wasm", "--large-ram"],
            &["sifive_e", "a.wasm", "--large-ram"],
            &["sifive_e", "a.wasm", "--on-device-translate"],
            &["microbit", "a.wasm", "--defmt"],
            &["lm3s6965evb", "a.wasm", "--defmt=yes"],
        ] {
            assert!(parse(&strings(args)).is_err(), "{args:?} should fail");
        }
    }

    #[test]
    fn images() {
        let board = boards::find("lm3s6965evb").expect("known board");
        let wasm_path = repo_root().join("examples").join("hello.wasm");
        let wasm = std::fs::read(&wasm_path).expect("examples/hello.wasm");
        let image = image_for(board, &wasm_path).expect("hello.wasm compiles");
        assert_eq!(image.file_name(), Some("hello.mimg".as_ref()));
        let bytes = std::fs::read(&image).expect("the image was written");
        assert!(bytes.starts_with(&image::MAGIC));
        // A compiled image is taken as it is, after a check that it loads.
        assert_eq!(image_for(board, &image).ok(), Some(image.clone()));

        let scratch = Scratch::new().expect("scratch directory");
        // An image with another fuel setting than the board's is refused on the host.
        let mut config = (board.config)();
        config.consume_fuel(true);
        let fuel = image::compile(&Engine::new(&config, Interpreter::new()), &wasm)
            .expect("hello.wasm compiles with fuel");
        let fuel_path = scratch.0.join("fuel.mimg");
        std::fs::write(&fuel_path, fuel).expect("write");
        let e = image_for(board, &fuel_path).expect_err("fuel differs");
        assert!(e.to_string().contains("fuel"), "{e}");
        // Neither a module nor an image.
        let text = scratch.0.join("hello.wat");
        std::fs::write(&text, "(module)").expect("write");
        assert!(image_for(board, &text).is_err());
        assert!(image_for(board, &scratch.0.join("missing.wasm")).is_err());
    }

    #[test]
    fn temperatures() {
        let board = boards::find("lm3s6965evb").expect("known board");
        assert_eq!(milli_celsius(board, 23.25).ok(), Some(23_250));
        assert_eq!(milli_celsius(board, -12.5).ok(), Some(-12_500));
        assert!(milli_celsius(board, 128.0).is_err());
        assert!(milli_celsius(board, f64::NAN).is_err());
        let microbit = boards::find("microbit").expect("known board");
        assert!(milli_celsius(microbit, 20.0).is_err(), "no sensor");
    }

    #[test]
    fn microbit_images() {
        let board = boards::find("microbit").expect("known board");
        let wasm = repo_root().join("examples").join("blink.wasm");
        let image = image_for(board, &wasm).expect("blink.wasm compiles");
        assert!(image.starts_with(repo_root().join("boards/microbit/target")));
    }

    #[test]
    fn overflow_of_flash() {
        let out = "\
          = note: rust-lld: error: section '.rodata' will not fit in region 'FLASH': overflowed by 40236 bytes
                  rust-lld: error: section '.data' will not fit in region 'FLASH': overflowed by 40240 bytes
                  rust-lld: error: section '.gnu.sgstubs' will not fit in region 'FLASH': overflowed by 40256 bytes";
        assert_eq!(flash_overflow(out), Some(40256));
        assert_eq!(flash_overflow("error: could not compile"), None);
    }
}
