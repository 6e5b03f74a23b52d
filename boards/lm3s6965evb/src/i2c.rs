//! I2C0 as an `embedded-hal` 1.0 I2C master: 100 kHz, pins PB2 (I2C0SCL) and PB3 (I2C0SDA).
//! Under QEMU, `-device tmp105,bus=i2c-bus.0,address=0x48` puts a temperature sensor on it.
//!
//! Be careful when changing the transaction code: QEMU's model of this controller
//! (`hw/arm/stellaris.c`) only opens a transfer when the bus is idle, so a repeated START
//! (the embedded-hal contract between a write and a read) would go on in the old direction.
//! This driver therefore ends every run of same-direction operations with a STOP and begins
//! the next with a new START. For register-pointer devices such as the TMP105 that is the
//! same; it differs from a repeated START only in that another master could take the bus in
//! between (there is none on this board) and for the rare device that forgets its register
//! pointer on STOP.

use embedded_hal::i2c::{
    ErrorKind, ErrorType, I2c, NoAcknowledgeSource, Operation, SevenBitAddress,
};

use crate::gpio::Port;
use crate::regs::{I2C0, Reg};
use crate::sysctl::{self, Gate, SYSCLK_HZ};

/// Master slave address: bits 7:1 the address, bit 0 = receive.
const MSA: usize = 0x000;
/// Master control (write) and status (read).
const MCS: usize = 0x004;
/// Master data.
const MDR: usize = 0x008;
/// Master timer period.
const MTPR: usize = 0x00C;
/// Master configuration.
const MCR: usize = 0x020;

/// `MCS` write: transfer a byte.
const RUN: u32 = 1 << 0;
/// `MCS` write: begin with a START and the address.
const START: u32 = 1 << 1;
/// `MCS` write: end with a STOP.
const STOP: u32 = 1 << 2;
/// `MCS` write: acknowledge the received byte (more are wanted).
const ACK: u32 = 1 << 3;

/// `MCS` read: the controller is busy.
const BUSY: u32 = 1 << 0;
/// `MCS` read: the last operation failed.
const ERROR: u32 = 1 << 1;
/// `MCS` read: the address was not acknowledged.
const ADRACK: u32 = 1 << 2;
/// `MCS` read: the data byte was not acknowledged.
const DATACK: u32 = 1 << 3;
/// `MCS` read: arbitration lost.
const ARBLST: u32 = 1 << 4;
/// `MCS` read: the bus is held by this master.
const BUSBSY: u32 = 1 << 6;

/// `MCR`: master function enable.
const MCR_MFE: u32 = 1 << 4;

/// The SCL frequency.
pub const SCL_HZ: u32 = 100_000;

/// Polls of `MCS` before a transfer counts as stuck (far longer than a byte at 100 kHz).
const POLLS: u32 = 100_000;

/// I2C0, master.
#[derive(Debug)]
pub struct I2c0 {
    _private: (),
}

impl I2c0 {
    /// Turns I2C0 and its pins on and sets the master up.
    pub(crate) fn new() -> Self {
        sysctl::enable(Gate::I2c0);
        // PB2 = SCL, PB3 = SDA (open-drain).
        Port::B.alternate(0b1100, 0b1000);
        reg(MCR).write(MCR_MFE);
        // SCL period = 2 × (TPR + 1) × 10 system clocks (datasheet 14.3.1).
        reg(MTPR).write(SYSCLK_HZ / (2 * 10 * SCL_HZ) - 1);
        Self { _private: () }
    }

    /// Runs one `MCS` command and waits for it; on failure, releases the bus.
    fn command(&mut self, command: u32) -> Result<(), ErrorKind> {
        reg(MCS).write(command);
        let mut status = reg(MCS).read();
        let mut polls = 0;
        while status & BUSY != 0 {
            polls += 1;
            if polls == POLLS {
                reg(MCS).write(STOP);
                return Err(ErrorKind::Bus);
            }
            status = reg(MCS).read();
        }
        if status & ERROR == 0 {
            return Ok(());
        }
        let kind = if status & ADRACK != 0 {
            ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)
        } else if status & DATACK != 0 {
            ErrorKind::NoAcknowledge(NoAcknowledgeSource::Data)
        } else if status & ARBLST != 0 && command & START != 0 {
            // The CPU is the bus's only master, so a START cannot lose arbitration to another
            // one; QEMU's model reports an address nobody answers this way.
            ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)
        } else if status & ARBLST != 0 {
            ErrorKind::ArbitrationLoss
        } else {
            ErrorKind::Bus
        };
        if status & BUSBSY != 0 && command & STOP == 0 {
            reg(MCS).write(STOP);
        }
        Err(kind)
    }
}

fn reg(offset: usize) -> Reg {
    I2C0.reg(offset)
}

impl ErrorType for I2c0 {
    type Error = ErrorKind;
}

fn is_read(op: &Operation<'_>) -> bool {
    matches!(op, Operation::Read(_))
}

fn op_len(op: &Operation<'_>) -> usize {
    match op {
        Operation::Read(buf) => buf.len(),
        Operation::Write(bytes) => bytes.len(),
    }
}

impl I2c<SevenBitAddress> for I2c0 {
    fn transaction(
        &mut self,
        address: u8,
        operations: &mut [Operation<'_>],
    ) -> Result<(), ErrorKind> {
        let mut start = 0;
        while start < operations.len() {
            // A run: the operations of one direction in a row, from START to STOP.
            let reading = is_read(&operations[start]);
            let end = start
                + operations[start..]
                    .iter()
                    .take_while(|op| is_read(op) == reading)
                    .count();
            let run = &mut operations[start..end];
            let total: usize = run.iter().map(op_len).sum();
            reg(MSA).write((u32::from(address) << 1) | u32::from(reading));
            if total == 0 {
                // Only the address: START, then STOP.
                self.command(START | STOP)?;
            }
            let mut done = 0;
            for op in run {
                match op {
                    Operation::Write(bytes) => {
                        for &byte in bytes.iter() {
                            reg(MDR).write(u32::from(byte));
                            done += 1;
                            self.command(RUN | first(done) | last(done, total, 0))?;
                        }
                    }
                    Operation::Read(buf) => {
                        for slot in buf.iter_mut() {
                            done += 1;
                            // Acknowledge every byte but the last, which gets NACK and STOP.
                            self.command(RUN | first(done) | last(done, total, ACK))?;
                            *slot = reg(MDR).read().to_le_bytes()[0];
                        }
                    }
                }
            }
            start = end;
        }
        Ok(())
    }
}

/// `START` for the first byte of a run (`done` counts from 1).
fn first(done: usize) -> u32 {
    if done == 1 { START } else { 0 }
}

/// `STOP` for the last byte of a run, `otherwise` for the others.
fn last(done: usize, total: usize, otherwise: u32) -> u32 {
    if done == total { STOP } else { otherwise }
}
