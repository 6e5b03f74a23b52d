//! UART0 as an `embedded-io` serial port (the HiFive1's USB serial bridge; under QEMU the
//! machine's first serial port, `-nographic`: the terminal).
//!
//! The SiFive UART has an 8-byte FIFO each way: `txdata` bit 31 says the transmit FIFO is full,
//! a read of `rxdata` pops a byte (bit 31 set: there was none), and `ip` bit 1 says the receive
//! FIFO holds more than `rxctrl.rxcnt` bytes (0 here: any). QEMU's model
//! (`hw/char/sifive_uart.c`) sends a written byte at once.

use core::convert::Infallible;

use embedded_io::{ErrorType, Read, ReadReady, Write};

use crate::regs::{GPIO, Reg, UART0};

/// Transmit data; bit 31: the FIFO is full.
const TXDATA: usize = 0x00;
/// Receive data; bit 31: the FIFO was empty.
const RXDATA: usize = 0x04;
/// Bit 0: transmit enable.
const TXCTRL: usize = 0x08;
/// Bit 0: receive enable; bits 16..18: the receive watermark.
const RXCTRL: usize = 0x0C;
/// Bit 1: the receive FIFO holds more bytes than the watermark.
const IP: usize = 0x14;
/// The baud divisor: the bus clock over the baud rate, less one.
const DIV: usize = 0x18;

/// GPIO: pins given to a peripheral, and which of its two (0: UART0 for GPIO 16 and 17).
const IOF_EN: usize = 0x38;
const IOF_SEL: usize = 0x3C;

const FIFO_FLAG: u32 = 1 << 31;
const ENABLE: u32 = 1;
const IP_RXWM: u32 = 1 << 1;

/// The line speed.
pub const BAUD: u32 = 115_200;
/// The bus clock after reset: the HiFive1's 16 MHz external oscillator through the PLL bypass.
const BUS_HZ: u32 = 16_000_000;

/// UART0.
#[derive(Debug)]
pub struct Uart0 {
    _private: (),
}

impl Uart0 {
    /// Sets UART0 up for 115200 baud (8N1) and enables both directions.
    pub(crate) fn new() -> Self {
        // GPIO 16 (RX) and 17 (TX) to the UART (I/O function 0).
        let pins = (1 << 16) | (1 << 17);
        GPIO.reg(IOF_SEL).clear_bits(pins);
        GPIO.reg(IOF_EN).set_bits(pins);
        reg(DIV).write(BUS_HZ / BAUD - 1);
        reg(TXCTRL).write(ENABLE);
        reg(RXCTRL).write(ENABLE);
        Self { _private: () }
    }

    /// A handle for the panic and trap handlers, which cannot borrow the board's: sending
    /// bytes from them only interleaves them with the app's output.
    pub fn for_panic() -> Self {
        Self { _private: () }
    }

    fn write_byte(&mut self, byte: u8) {
        while reg(TXDATA).read() & FIFO_FLAG != 0 {}
        reg(TXDATA).write(u32::from(byte));
    }

    fn try_read_byte(&mut self) -> Option<u8> {
        let word = reg(RXDATA).read();
        (word & FIFO_FLAG == 0).then(|| word.to_le_bytes()[0])
    }
}

fn reg(offset: usize) -> Reg {
    UART0.reg(offset)
}

impl ErrorType for Uart0 {
    type Error = Infallible;
}

impl Write for Uart0 {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        for &byte in buf {
            self.write_byte(byte);
        }
        Ok(buf.len())
    }

    /// Every byte is in the FIFO when `write` returns; the FIFO drains by itself.
    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

impl Read for Uart0 {
    /// Blocks until at least one byte has arrived, then returns what has arrived.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        let mut n = 0;
        while n < buf.len() {
            match self.try_read_byte() {
                Some(byte) => {
                    buf[n] = byte;
                    n += 1;
                }
                None if n > 0 => break,
                None => {}
            }
        }
        Ok(n)
    }
}

impl ReadReady for Uart0 {
    fn read_ready(&mut self) -> Result<bool, Infallible> {
        Ok(reg(IP).read() & IP_RXWM != 0)
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
