//! Unit tests of the pieces that need no guest: range checks, error mapping, the manifest.

use embedded_hal::i2c::{ErrorKind as I2cKind, NoAcknowledgeSource};
use embedded_hal::spi::ErrorKind as SpiKind;

use crate::errno::{self, Errno};
use crate::manifest::{Kind, Manifest};
use crate::mem::{array_len, range};

#[test]
fn ranges_are_checked_in_u64() {
    assert_eq!(range(16, 0, 16), Ok(0..16));
    assert_eq!(range(16, 16, 0), Ok(16..16));
    assert_eq!(range(16, 17, 0), Err(Errno::FAULT));
    assert_eq!(range(16, 8, 9), Err(Errno::FAULT));
    assert_eq!(range(16, u32::MAX, 2), Err(Errno::FAULT));
    assert_eq!(range(usize::MAX, u32::MAX, u64::MAX), Err(Errno::FAULT));
    assert_eq!(array_len(u32::MAX, 48), 48 * u64::from(u32::MAX));
}

#[test]
fn hal_errors_map_through_kind() {
    let nack = I2cKind::NoAcknowledge(NoAcknowledgeSource::Address);
    assert_eq!(errno::from_i2c(nack), Errno::NXIO);
    assert_eq!(errno::from_i2c(I2cKind::ArbitrationLoss), Errno::BUSY);
    assert_eq!(errno::from_i2c(I2cKind::Overrun), Errno::OVERFLOW);
    assert_eq!(errno::from_i2c(I2cKind::Bus), Errno::IO);
    assert_eq!(errno::from_spi(SpiKind::Overrun), Errno::OVERFLOW);
    assert_eq!(errno::from_spi(SpiKind::ModeFault), Errno::IO);
    let timeout = embedded_io::ErrorKind::TimedOut;
    assert_eq!(errno::from_io(timeout), Errno::TIMEDOUT);
    assert_eq!(Errno::FAULT.negated(), -21);
    assert_eq!(
        errno::level1(Ok(u32::MAX)),
        i32::MAX,
        "never negative on success"
    );
}

#[test]
fn grants_are_found_by_label_and_kind() {
    let m = Manifest::new()
        .grant("led", Kind::Gpio, 3)
        .grant("bus", Kind::I2c, 0)
        .grant("led", Kind::Gpio, 4);
    assert_eq!(m.find(b"led", Kind::Gpio), Some(0), "the first grant wins");
    assert_eq!(m.find(b"bus", Kind::I2c), Some(1));
    assert_eq!(m.find(b"bus", Kind::Spi), None);
    assert_eq!(m.find(b"le", Kind::Gpio), None);
    assert_eq!(m.grants()[0].index, 3);
}
