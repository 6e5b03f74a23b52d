//! `eeprom`: a driver written against `embedded-hal`'s `SpiDevice` (so it runs on any HAL)
//! stores a message in the board's 25-series SPI EEPROM (`spi0`) and reads it back.
#![no_std]
#![no_main]

use embedded_hal::spi::{Operation, SpiDevice};
use mote_guest::spi::Spi;
use mote_guest::{exit, println};

const WREN: u8 = 0x06;
const RDSR: u8 = 0x05;
const READ: u8 = 0x03;
const WRITE: u8 = 0x02;

/// A minimal 25-series EEPROM driver with 16-bit addresses.
struct Eeprom25<S>(S);

impl<S: SpiDevice> Eeprom25<S> {
    fn write(&mut self, addr: u16, data: &[u8]) -> Result<(), S::Error> {
        self.0.write(&[WREN])?;
        let [hi, lo] = addr.to_be_bytes();
        self.0
            .transaction(&mut [Operation::Write(&[WRITE, hi, lo]), Operation::Write(data)])?;
        // Wait while the write is in progress (status bit 0).
        let mut status = [RDSR, 0];
        loop {
            self.0.transfer_in_place(&mut status)?;
            if status[1] & 1 == 0 {
                return Ok(());
            }
            status = [RDSR, 0];
        }
    }

    fn read(&mut self, addr: u16, buf: &mut [u8]) -> Result<(), S::Error> {
        let [hi, lo] = addr.to_be_bytes();
        self.0
            .transaction(&mut [Operation::Write(&[READ, hi, lo]), Operation::Read(buf)])
    }
}

/// The entry point `mote run` calls.
#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    let Ok(spi) = Spi::open("spi0") else {
        println!("eeprom: the board grants no `spi0`");
        exit(1);
    };
    let mut eeprom = Eeprom25(spi);
    let message = b"stored in the EEPROM";
    let mut back = [0u8; 20];
    if eeprom.write(0x0100, message).is_err() || eeprom.read(0x0100, &mut back).is_err() {
        println!("eeprom: SPI error");
        exit(1);
    }
    match core::str::from_utf8(&back) {
        Ok(text) if back == *message => println!("read back: {text}"),
        _ => {
            println!("eeprom: read back something else");
            exit(1);
        }
    }
}
