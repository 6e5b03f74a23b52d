//! The QEMU boards the tasks know: where each one's firmware package lives and how QEMU runs it.

use mote_core::{Config, Limits};

use crate::Error;

/// A temperature sensor QEMU attaches to the board's I2C bus.
#[derive(Debug, Clone, Copy)]
pub struct Sensor {
    /// The QEMU device model.
    pub model: &'static str,
    /// The QEMU I2C bus it sits on.
    pub bus: &'static str,
    /// Its 7-bit address.
    pub address: u8,
    /// Its QOM property holding the temperature, in milli-degrees Celsius.
    pub property: &'static str,
    /// The lowest and highest temperature the model accepts, in degrees Celsius (exclusive).
    pub range: (f64, f64),
}

/// How QEMU's trace reports a GPIO output changing level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceFormat {
    /// PL061 (`lm3s6965evb`): `pl061_set_output DEVICE setting output LINE to LEVEL`.
    Pl061,
    /// nRF51 (`microbit`): `nrf51_gpio_update_output_irq line LINE value LEVEL` (level -1: the
    /// output is disconnected).
    Nrf51,
    /// SiFive GPIO (`sifive_e`): `sifive_gpio_write offset OFFSET value VALUE`, every register
    /// write (QEMU 7.2 traces no output levels for this model): the levels follow from the
    /// writes of `output_en` (0x8) and `output_val` (0xc).
    SifiveWrites,
}

/// The GPIO trace of a board and where its LED is in it.
#[derive(Debug, Clone, Copy)]
pub struct GpioTrace {
    /// The QEMU trace event that reports a GPIO output changing level.
    pub event: &'static str,
    /// The shape of its lines.
    pub format: TraceFormat,
    /// The output line of the `led` pin in its port.
    pub led_line: u32,
}

/// The app whose UART line the checks look for (with the self-test's imitation of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UartApp {
    /// `thermometer.wasm`, with the sensor set over QMP.
    Thermometer,
    /// `hello.wasm`: `Hello from Mote!`.
    Hello,
}

/// A larger RAM than the chip's, for a machine whose RAM size QEMU can change: the firmware is
/// linked for it and QEMU given it (`cargo xtask qemu BOARD APP --large-ram`), to measure what
/// an app needs beyond the chip's RAM. `qemu-test` uses the chip's RAM only.
#[derive(Debug, Clone, Copy)]
pub struct LargeRam {
    /// KiB of RAM (the firmware's build.rs reads it as `MOTE_RAM_KIB`).
    pub ram_kib: u32,
    /// Bytes of heap (`MOTE_HEAP_BYTES`).
    pub heap_bytes: u32,
    /// The QEMU property of the RAM's size in bytes, set with `-global`.
    pub qemu_property: &'static str,
}

/// The spec testsuite's smoke subset for a board (`cargo xtask qemu-test`): a spec bundle of
/// compiled images of these files, embedded in the firmware's `bin` (`MOTE_SPEC_BUNDLE`).
#[derive(Debug, Clone, Copy)]
pub struct SpecSmoke {
    /// The firmware binary that runs an embedded bundle.
    pub bin: &'static str,
    /// The suite.
    pub suite: &'static str,
    /// Its files (the ones that fit the board's RAM).
    pub files: &'static [&'static str],
}

/// A firmware package for a QEMU machine.
#[derive(Debug, Clone, Copy)]
pub struct QemuBoard {
    /// The board's name on the command line.
    pub name: &'static str,
    /// The firmware package's directory, relative to the repository root.
    pub dir: &'static str,
    /// Its Rust target (also set in its `.cargo/config.toml`).
    pub target: &'static str,
    /// The binary that runs the app embedded with `MOTE_APP`.
    pub app_bin: &'static str,
    /// The drivers' self-test binary.
    pub selftest_bin: &'static str,
    /// The QEMU system emulator.
    pub qemu: &'static str,
    /// The QEMU machine.
    pub machine: &'static str,
    /// The sensor QEMU attaches, if the machine has an I2C bus that works.
    pub sensor: Option<Sensor>,
    /// QEMU's trace of GPIO output changes.
    pub gpio_trace: GpioTrace,
    /// The app checked on the UART besides `blink.wasm`.
    pub uart_app: UartApp,
    /// Whether the firmware has the feature `on-device-translate`.
    pub on_device_translate: bool,
    /// Whether the firmware has the feature `defmt`: the runtime's messages and the app's
    /// console as defmt frames over semihosting (`--defmt`, [`crate::defmt_log`]).
    pub defmt: bool,
    /// A larger RAM the firmware can be built and booted with (`--large-ram`), if any.
    pub large_ram: Option<LargeRam>,
    /// The spec testsuite's smoke subset that `qemu-test` runs on the board, if any.
    pub spec_smoke: Option<SpecSmoke>,
    /// The firmware's engine configuration, which apps are compiled with: an image runs only
    /// with the fuel and NaN settings it was compiled with, and must fit the limits.
    pub config: fn() -> Config,
}

/// The configuration of `boards/lm3s6965evb/src/app.rs` (`app::config`): the defaults with
/// [`Limits::MCU`].
fn lm3s6965evb_config() -> Config {
    let mut config = Config::new();
    config.limits(Limits::MCU);
    config
}

/// The configuration of `boards/microbit/src/app.rs` (`app::config`): the defaults with its
/// `app::LIMITS` (smaller than [`Limits::MCU`] for 16 KiB of RAM).
fn microbit_config() -> Config {
    let mut config = Config::new();
    config.limits(Limits {
        value_stack_slots: 48,
        call_depth: 8,
        nested_calls: 1,
        memory_bytes: 8 * 1024,
        table_elements: 64,
        instances: 1,
        memories: 1,
        tables: 1,
        ..Limits::MCU
    });
    config
}

/// The configuration of `boards/sifive_e/src/app.rs` (`app::config`): the defaults with its
/// `app::LIMITS` (those of microbit, which has the same 16 KiB of RAM).
fn sifive_e_config() -> Config {
    microbit_config()
}

/// Every board.
pub const QEMU_BOARDS: &[QemuBoard] = &[
    QemuBoard {
        name: "lm3s6965evb",
        dir: "boards/lm3s6965evb",
        target: "thumbv7m-none-eabi",
        app_bin: "mote-lm3s6965evb",
        selftest_bin: "selftest",
        qemu: "qemu-system-arm",
        machine: "lm3s6965evb",
        sensor: Some(Sensor {
            model: "tmp105",
            // QEMU 7.2 names the Stellaris I2C0 bus `i2c` (see `info qtree`).
            bus: "i2c",
            address: 0x48,
            property: "temperature",
            range: (-128.0, 128.0),
        }),
        gpio_trace: GpioTrace {
            event: "pl061_set_output",
            format: TraceFormat::Pl061,
            // PF0.
            led_line: 0,
        },
        uart_app: UartApp::Thermometer,
        on_device_translate: true,
        defmt: true,
        large_ram: None,
        spec_smoke: None,
        config: lm3s6965evb_config,
    },
    QemuBoard {
        name: "microbit",
        dir: "boards/microbit",
        target: "thumbv6m-none-eabi",
        app_bin: "mote-microbit",
        selftest_bin: "selftest",
        qemu: "qemu-system-arm",
        machine: "microbit",
        // QEMU's nRF51 TWI is a stub.
        sensor: None,
        gpio_trace: GpioTrace {
            event: "nrf51_gpio_update_output_irq",
            format: TraceFormat::Nrf51,
            // P0.13, row 1 of the LED matrix.
            led_line: 13,
        },
        uart_app: UartApp::Hello,
        on_device_translate: false,
        defmt: false,
        // For measuring what an app needs beyond the chip's 16 KiB (`cargo xtask qemu
        // microbit APP --large-ram`, docs/boards.md, "microbit"); the checks use 16 KiB.
        large_ram: Some(LargeRam {
            ram_kib: 32,
            heap_bytes: 28 * 1024,
            qemu_property: "nrf51-soc.sram-size",
        }),
        spec_smoke: None,
        config: microbit_config,
    },
    QemuBoard {
        name: "sifive_e",
        dir: "boards/sifive_e",
        target: "riscv32imac-unknown-none-elf",
        app_bin: "mote-sifive-e",
        selftest_bin: "selftest",
        qemu: "qemu-system-riscv32",
        machine: "sifive_e",
        // QEMU 7.2's sifive_e has no I2C controller.
        sensor: None,
        gpio_trace: GpioTrace {
            event: "sifive_gpio_write",
            format: TraceFormat::SifiveWrites,
            // GPIO 19, the green LED.
            led_line: 19,
        },
        uart_app: UartApp::Hello,
        on_device_translate: false,
        defmt: false,
        large_ram: None,
        spec_smoke: Some(SpecSmoke {
            bin: "spec-smoke",
            suite: "wasm-v2",
            // The files whose modules fit in 16 KiB without the spectest memory (measured one
            // by one, docs/boards.md): integer and soft-float arithmetic, conversions,
            // control flow, locals, tables.
            files: &[
                "i32.wast",
                "i64.wast",
                "f32.wast",
                "f64.wast",
                "f32_cmp.wast",
                "f64_cmp.wast",
                "f32_bitwise.wast",
                "f64_bitwise.wast",
                "conversions.wast",
                "float_misc.wast",
                "int_literals.wast",
                "labels.wast",
                "switch.wast",
                "stack.wast",
                "unwind.wast",
                "local_get.wast",
                "local_set.wast",
                "table_fill.wast",
            ],
        }),
        config: sifive_e_config,
    },
];

/// The board called `name`.
pub fn find(name: &str) -> Result<&'static QemuBoard, Error> {
    QEMU_BOARDS.iter().find(|b| b.name == name).ok_or_else(|| {
        let known: Vec<&str> = QEMU_BOARDS.iter().map(|b| b.name).collect();
        Error(format!(
            "unknown board `{name}` (known: {})",
            known.join(", ")
        ))
    })
}

/// A firmware that runs spec bundles (`cargo xtask qemu-spec`, `xtask/src/qemu_spec.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecBoard {
    /// The board's name on the command line (and in the device skip list).
    pub name: &'static str,
    /// The firmware package's directory, relative to the repository root.
    pub dir: &'static str,
    /// Its Rust target.
    pub target: &'static str,
    /// The binary.
    pub bin: &'static str,
    /// The QEMU system emulator.
    pub qemu: &'static str,
    /// The QEMU machine.
    pub machine: &'static str,
    /// The name in the summary line: `spec SUITE NAME: ...`.
    pub report_name: &'static str,
}

/// Every board that runs the spec testsuite.
pub const SPEC_BOARDS: &[SpecBoard] = &[SpecBoard {
    name: "mps2-an386",
    dir: "boards/mps2-an386",
    target: "thumbv7em-none-eabihf",
    bin: "mote-mps2-an386",
    qemu: "qemu-system-arm",
    machine: "mps2-an386",
    report_name: "qemu-mps2-an386",
}];

/// The spec board called `name`.
pub fn find_spec(name: &str) -> Result<&'static SpecBoard, Error> {
    SPEC_BOARDS.iter().find(|b| b.name == name).ok_or_else(|| {
        let known: Vec<&str> = SPEC_BOARDS.iter().map(|b| b.name).collect();
        Error(format!(
            "unknown spec board `{name}` (known: {})",
            known.join(", ")
        ))
    })
}
