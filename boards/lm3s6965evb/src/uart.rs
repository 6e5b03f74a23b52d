//! UART0 (a PL011) as an `embedded-io` serial port: 115200 baud, 8 data bits, no parity, one
//! stop bit, FIFOs on; pins PA0 (U0RX) and PA1 (U0TX). Under QEMU it is the machine's first
//! serial port (`-nographic`: the terminal).

use embedded_io::{ErrorKind, ErrorType, Read, ReadReady, Write};

use crate::gpio::Port;
use crate::regs::{Reg, UART0};
use crate::sysctl::{self, Gate, SYSCLK_HZ};

/// Data: bits 7:0 the byte, bits 11:8 the receive errors of that byte.
const DR: usize = 0x000;
/// Flags.
const FR: usize = 0x018;
/// Integer baud-rate divisor.
const IBRD: usize = 0x024;
/// Fractional baud-rate divisor (64ths).
const FBRD: usize = 0x028;
/// Line control.
const LCRH: usize = 0x02C;
/// Control.
const CTL: usize = 0x030;

/// `FR`: the receive FIFO is empty.
const FR_RXFE: u32 = 1 << 4;
/// `FR`: the transmit FIFO is full.
const FR_TXFF: u32 = 1 << 5;
/// `FR`: the UART is still sending.
const FR_BUSY: u32 = 1 << 3;
/// `LCRH`: 8-bit words, FIFOs enabled.
const LCRH_8N1_FIFO: u32 = (0b11 << 5) | (1 << 4);
/// `CTL`: UART, transmitter and receiver enabled.
const CTL_ENABLE: u32 = (1 << 0) | (1 << 8) | (1 << 9);
/// `DR`: framing, parity, break and overrun error bits.
const DR_ERRORS: u32 = 0xF << 8;

/// The line speed.
pub const BAUD: u32 = 115_200;

/// A receive error (from the error bits of the data register).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UartError {
    /// Bits 11:8 of the data register: overrun, break, parity, framing.
    pub bits: u8,
}

impl embedded_io::Error for UartError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidData
    }
}

impl core::fmt::Display for UartError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "UART receive error (status {:#x})", self.bits)
    }
}

impl core::error::Error for UartError {}

/// UART0.
#[derive(Debug)]
pub struct Uart0 {
    _private: (),
}

impl Uart0 {
    /// Turns UART0 and its pins on and sets the line up.
    pub(crate) fn new() -> Self {
        sysctl::enable(Gate::Uart0);
        Port::A.alternate(0b11, 0);
        let uart = Self { _private: () };
        reg(CTL).write(0);
        // Divisor = SYSCLK / (16 × baud), in 1/64ths, rounded to nearest.
        let div64 = (SYSCLK_HZ * 4 + BAUD / 2) / BAUD;
        reg(IBRD).write(div64 / 64);
        reg(FBRD).write(div64 % 64);
        reg(LCRH).write(LCRH_8N1_FIFO);
        reg(CTL).write(CTL_ENABLE);
        uart
    }

    /// A handle for the panic handler, which cannot borrow the board's: sending bytes from it
    /// only interleaves them with the app's output.
    pub(crate) fn for_panic() -> Self {
        Self { _private: () }
    }

    fn write_byte(&mut self, byte: u8) {
        while reg(FR).read() & FR_TXFF != 0 {}
        reg(DR).write(u32::from(byte));
    }

    fn try_read_byte(&mut self) -> Option<Result<u8, UartError>> {
        if reg(FR).read() & FR_RXFE != 0 {
            return None;
        }
        let data = reg(DR).read();
        Some(if data & DR_ERRORS != 0 {
            Err(UartError {
                bits: ((data & DR_ERRORS) >> 8).to_le_bytes()[0],
            })
        } else {
            Ok(data.to_le_bytes()[0])
        })
    }
}

fn reg(offset: usize) -> Reg {
    UART0.reg(offset)
}

impl ErrorType for Uart0 {
    type Error = UartError;
}

impl Write for Uart0 {
    fn write(&mut self, buf: &[u8]) -> Result<usize, UartError> {
        for &byte in buf {
            self.write_byte(byte);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), UartError> {
        while reg(FR).read() & FR_BUSY != 0 {}
        Ok(())
    }
}

impl Read for Uart0 {
    /// Blocks until at least one byte has arrived, then returns what the FIFO holds.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, UartError> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        while n < buf.len() {
            match self.try_read_byte() {
                Some(Ok(byte)) => {
                    buf[n] = byte;
                    n += 1;
                }
                Some(Err(e)) if n == 0 => return Err(e),
                // A bad byte after good ones is dropped; the good ones are returned.
                Some(Err(_)) => break,
                None if n > 0 => break,
                None => {}
            }
        }
        Ok(n)
    }
}

impl ReadReady for Uart0 {
    fn read_ready(&mut self) -> Result<bool, UartError> {
        Ok(reg(FR).read() & FR_RXFE == 0)
    }
}

impl core::fmt::Write for Uart0 {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &byte in s.as_bytes() {
            self.write_byte(byte);
        }
        Ok(())
    }
}
