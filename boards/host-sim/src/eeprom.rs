//! A 25-series SPI EEPROM (as the 25LC320: 4 KiB, 16-bit addresses, 32-byte pages).
//!
//! Instructions, sent as the first byte while chip select is low (one `SpiDevice`
//! transaction): `READ 0x03 addr_hi addr_lo` then data out; `WRITE 0x02 addr_hi addr_lo data...`
//! (needs the write-enable latch; wraps within the 32-byte page; clears the latch at the end);
//! `WREN 0x06`; `WRDI 0x04`; `RDSR 0x05` then the status register (bit 1: write enabled).

/// Capacity in bytes.
pub const SIZE: usize = 4096;
const PAGE: usize = 32;

const READ: u8 = 0x03;
const WRITE: u8 = 0x02;
const WREN: u8 = 0x06;
const WRDI: u8 = 0x04;
const RDSR: u8 = 0x05;

/// The EEPROM's contents and state.
#[derive(Debug, Clone)]
pub struct Eeprom {
    /// The memory array (erased: `0xFF`).
    pub data: Box<[u8; SIZE]>,
    write_enabled: bool,
    /// Bytes clocked in the current transaction.
    pos: usize,
    command: u8,
    address: usize,
}

impl Default for Eeprom {
    fn default() -> Self {
        Self {
            data: Box::new([0xFF; SIZE]),
            write_enabled: false,
            pos: 0,
            command: 0,
            address: 0,
        }
    }
}

impl Eeprom {
    /// Chip select goes low: a new instruction starts.
    pub fn select(&mut self) {
        self.pos = 0;
        self.command = 0;
        self.address = 0;
    }

    /// Chip select goes high: a write ends.
    pub fn deselect(&mut self) {
        if self.command == WRITE && self.pos > 3 {
            self.write_enabled = false;
        }
    }

    /// Clocks one byte in (MOSI) and returns the byte clocked out (MISO).
    pub fn clock(&mut self, mosi: u8) -> u8 {
        let pos = self.pos;
        self.pos = self.pos.saturating_add(1);
        if pos == 0 {
            self.command = mosi;
            match mosi {
                WREN => self.write_enabled = true,
                WRDI => self.write_enabled = false,
                _ => {}
            }
            return 0xFF;
        }
        match (self.command, pos) {
            (RDSR, _) => u8::from(self.write_enabled) << 1,
            (READ | WRITE, 1) => {
                self.address = usize::from(mosi) << 8;
                0xFF
            }
            (READ | WRITE, 2) => {
                self.address = (self.address | usize::from(mosi)) % SIZE;
                0xFF
            }
            (READ, _) => {
                let byte = self.data[self.address];
                self.address = (self.address + 1) % SIZE;
                byte
            }
            (WRITE, _) => {
                if self.write_enabled {
                    self.data[self.address] = mosi;
                    let page = self.address - self.address % PAGE;
                    self.address = page + (self.address + 1) % PAGE;
                }
                0xFF
            }
            _ => 0xFF,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(e: &mut Eeprom, bytes: &[u8]) -> Vec<u8> {
        e.select();
        let out = bytes.iter().map(|&b| e.clock(b)).collect();
        e.deselect();
        out
    }

    #[test]
    fn write_needs_wren_and_wraps_in_the_page() {
        let mut e = Eeprom::default();
        run(&mut e, &[WRITE, 0, 0, 1]);
        assert_eq!(e.data[0], 0xFF);
        run(&mut e, &[WREN]);
        assert_eq!(run(&mut e, &[RDSR, 0])[1], 2);
        run(&mut e, &[WRITE, 0, 31, 7, 8]);
        assert_eq!((e.data[31], e.data[0]), (7, 8));
        assert_eq!(run(&mut e, &[RDSR, 0])[1], 0);
        assert_eq!(
            run(&mut e, &[READ, 0, 31, 0, 0]),
            [0xFF, 0xFF, 0xFF, 7, 0xFF]
        );
    }
}
