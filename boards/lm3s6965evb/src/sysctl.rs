//! System control: turning on the clocks of the peripherals the board uses, and the system
//! clock the drivers' timings are computed from.

use crate::regs::{Reg, SYSCTL};

/// The system clock, in hertz, as QEMU models it after reset: QEMU derives the period from the
/// `RCC` register's SYSDIV field alone, 5 ns × (SYSDIV + 1), and the reset value has SYSDIV = 15,
/// so 80 ns. A real LM3S6965 runs from its 12 MHz internal oscillator after reset (±30 %); a
/// port to real hardware should set up the PLL and change this.
pub const SYSCLK_HZ: u32 = 12_500_000;

/// Run-mode clock gating control 1: UART0 is bit 0, I2C0 bit 12.
const RCGC1: usize = 0x104;
/// Run-mode clock gating control 2: GPIO port A is bit 0 ... port G bit 6.
const RCGC2: usize = 0x108;

/// A peripheral whose clock can be turned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// UART0.
    Uart0,
    /// I2C0.
    I2c0,
    /// GPIO port `n` (0 = A ... 6 = G).
    Gpio(u8),
}

/// Turns on the clock of `gate`, and waits until the peripheral can be accessed (the datasheet
/// asks for three system clocks; reading the register back takes that long).
pub fn enable(gate: Gate) {
    let (reg, bit): (Reg, u32) = match gate {
        Gate::Uart0 => (SYSCTL.reg(RCGC1), 0),
        Gate::I2c0 => (SYSCTL.reg(RCGC1), 12),
        Gate::Gpio(port) => (SYSCTL.reg(RCGC2), u32::from(port.min(6))),
    };
    reg.set_bits(1 << bit);
    let _ = reg.read();
    let _ = reg.read();
}
