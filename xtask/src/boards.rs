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
    /// The sensor QEMU attaches.
    pub sensor: Sensor,
    /// The QEMU trace event that reports a GPIO output changing level.
    pub gpio_trace_event: &'static str,
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

/// Every board.
pub const QEMU_BOARDS: &[QemuBoard] = &[QemuBoard {
    name: "lm3s6965evb",
    dir: "boards/lm3s6965evb",
    target: "thumbv7m-none-eabi",
    app_bin: "mote-lm3s6965evb",
    selftest_bin: "selftest",
    qemu: "qemu-system-arm",
    machine: "lm3s6965evb",
    sensor: Sensor {
        model: "tmp105",
        // QEMU 7.2 names the Stellaris I2C0 bus `i2c` (see `info qtree`).
        bus: "i2c",
        address: 0x48,
        property: "temperature",
        range: (-128.0, 128.0),
    },
    gpio_trace_event: "pl061_set_output",
    config: lm3s6965evb_config,
}];

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
