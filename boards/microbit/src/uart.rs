//! UART0 as an `embedded-io` serial port: 115200 baud, 8 data bits, no parity, one stop bit,
//! no flow control; TXD on P0.24 and RXD on P0.25 (the micro:bit's USB serial bridge). Under
//! QEMU it is the machine's first serial port (`-nographic`: the terminal).
//!
//! The nRF51 UART has no FIFO to poll for room: a byte is written to `TXD` and the `TXDRDY`
//! event says when it has gone. QEMU's model (`hw/char/nrf51_uart.c`) ignores every register
//! write while `ENABLE` is not 4 and every `TXD` write before `STARTTX` or while a byte is still
//! pending; it sends the byte at once and raises `TXDRDY`. So the driver clears `TXDRDY`, writes
//! the byte and waits for the event, which is also the order the reference manual asks for.
//! On the receive side, `RXDRDY` is cleared before `RXD` is read; QEMU raises it again while
//! bytes remain in its 6-byte FIFO.

use core::convert::Infallible;

use embedded_io::{ErrorType, Read, ReadReady, Write};

use crate::regs::{Reg, UART0};

/// Task: start the receiver.
const TASKS_STARTRX: usize = 0x000;
/// Task: start the transmitter.
const TASKS_STARTTX: usize = 0x008;
/// Event: a byte was received into `RXD`.
const EVENTS_RXDRDY: usize = 0x108;
/// Event: the byte in `TXD` was sent.
const EVENTS_TXDRDY: usize = 0x11C;
/// 4 = enabled, 0 = disabled.
const ENABLE: usize = 0x500;
/// The pin of the TXD signal (0xFFFF_FFFF: none).
const PSELTXD: usize = 0x50C;
/// The pin of the RXD signal.
const PSELRXD: usize = 0x514;
/// The received byte.
const RXD: usize = 0x518;
/// The byte to send.
const TXD: usize = 0x51C;
/// The baud rate (a code from the reference manual, not a divisor).
const BAUDRATE: usize = 0x524;

/// `ENABLE`: the UART is on.
const ENABLE_ENABLED: u32 = 4;
/// `BAUDRATE`: 115200 baud.
const BAUDRATE_115200: u32 = 0x01D7_E000;
/// Triggers a task.
const TRIGGER: u32 = 1;

/// The micro:bit's UART pins (to the interface chip's USB serial port).
const PIN_TXD: u32 = 24;
const PIN_RXD: u32 = 25;

/// The line speed.
pub const BAUD: u32 = 115_200;

/// UART0.
#[derive(Debug)]
pub struct Uart0 {
    _private: (),
}

impl Uart0 {
    /// Sets UART0 up on P0.24 (TXD) and P0.25 (RXD) and starts both directions.
    pub(crate) fn new() -> Self {
        // The pins and the speed are set while the UART is disabled (after reset).
        reg(PSELTXD).write(PIN_TXD);
        reg(PSELRXD).write(PIN_RXD);
        reg(BAUDRATE).write(BAUDRATE_115200);
        reg(ENABLE).write(ENABLE_ENABLED);
        reg(EVENTS_RXDRDY).write(0);
        reg(EVENTS_TXDRDY).write(0);
        reg(TASKS_STARTTX).write(TRIGGER);
        reg(TASKS_STARTRX).write(TRIGGER);
        Self { _private: () }
    }

    /// A handle for the panic handler, which cannot borrow the board's: sending bytes from it
    /// only interleaves them with the app's output.
    pub(crate) fn for_panic() -> Self {
        Self { _private: () }
    }

    fn write_byte(&mut self, byte: u8) {
        reg(EVENTS_TXDRDY).write(0);
        reg(TXD).write(u32::from(byte));
        while reg(EVENTS_TXDRDY).read() == 0 {}
    }

    fn try_read_byte(&mut self) -> Option<u8> {
        if reg(EVENTS_RXDRDY).read() == 0 {
            return None;
        }
        reg(EVENTS_RXDRDY).write(0);
        Some(reg(RXD).read().to_le_bytes()[0])
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

    /// Every byte has gone when `write` returns.
    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

impl Read for Uart0 {
    /// Blocks until at least one byte has arrived, then returns what has arrived.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        if buf.is_empty() {
            return Ok(0);
        }
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
        Ok(reg(EVENTS_RXDRDY).read() != 0)
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
