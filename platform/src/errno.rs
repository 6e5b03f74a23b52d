//! ABI error codes, and how HAL errors map to them through `.kind()`.
//!
//! The numbers are WASI preview 1's `errno` values, so level 0 and level 1 share one table and
//! guest C code can compare them with `<errno.h>` names from wasi-libc.

use embedded_hal::{digital, i2c, pwm, spi};

/// An ABI error code (WASI preview 1 `errno`). `Errno::SUCCESS` is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub u16);

impl Errno {
    /// No error.
    pub const SUCCESS: Errno = Errno(0);
    /// A buffer or transfer is too large for the host's bounce buffer (`E2BIG`).
    pub const TOOBIG: Errno = Errno(1);
    /// Try again: no event yet, or the call yielded (`EAGAIN`).
    pub const AGAIN: Errno = Errno(6);
    /// Not an open handle or file descriptor (`EBADF`).
    pub const BADF: Errno = Errno(8);
    /// The device or bus is busy, or arbitration was lost (`EBUSY`).
    pub const BUSY: Errno = Errno(10);
    /// A guest pointer and length are outside the guest's memory (`EFAULT`).
    pub const FAULT: Errno = Errno(21);
    /// An invalid argument (`EINVAL`).
    pub const INVAL: Errno = Errno(28);
    /// A bus or device error (`EIO`).
    pub const IO: Errno = Errno(29);
    /// Out of memory (`ENOMEM`).
    pub const NOMEM: Errno = Errno(48);
    /// The function is not implemented on this board (`ENOSYS`).
    pub const NOSYS: Errno = Errno(52);
    /// The operation is not supported (`ENOTSUP`).
    pub const NOTSUP: Errno = Errno(58);
    /// No device answered at the address: an I2C NACK (`ENXIO`).
    pub const NXIO: Errno = Errno(60);
    /// A value does not fit, or data was lost to an overrun (`EOVERFLOW`).
    pub const OVERFLOW: Errno = Errno(61);
    /// The operation was interrupted (`EINTR`).
    pub const INTR: Errno = Errno(27);
    /// Not found (`ENOENT`).
    pub const NOENT: Errno = Errno(44);
    /// Not permitted (`EPERM`).
    pub const PERM: Errno = Errno(63);
    /// Timed out (`ETIMEDOUT`).
    pub const TIMEDOUT: Errno = Errno(73);
    /// The label was not granted to this module by the board manifest (`ENOTCAPABLE`).
    pub const NOTCAPABLE: Errno = Errno(76);

    /// The level-1 return value for this error: the negated code.
    pub fn negated(self) -> i32 {
        -i32::from(self.0)
    }

    /// The level-0 return value for this error: the code itself.
    pub fn code(self) -> i32 {
        i32::from(self.0)
    }
}

/// Level 0 convention: 0 on success, the code otherwise.
pub(crate) fn wasi(result: Result<(), Errno>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => e.code(),
    }
}

/// Level 1 convention: a non-negative value on success, the negated code otherwise.
pub(crate) fn level1(result: Result<u32, Errno>) -> i32 {
    match result {
        Ok(value) => i32::try_from(value).unwrap_or(i32::MAX),
        Err(e) => e.negated(),
    }
}

/// `digital::ErrorKind` to an error code.
pub fn from_digital(kind: digital::ErrorKind) -> Errno {
    match kind {
        digital::ErrorKind::Other => Errno::IO,
        _ => Errno::IO,
    }
}

/// `i2c::ErrorKind` to an error code: a NACK is `NXIO`, lost arbitration `BUSY`, an overrun
/// `OVERFLOW`, anything else `IO`.
pub fn from_i2c(kind: i2c::ErrorKind) -> Errno {
    match kind {
        i2c::ErrorKind::NoAcknowledge(_) => Errno::NXIO,
        i2c::ErrorKind::ArbitrationLoss => Errno::BUSY,
        i2c::ErrorKind::Overrun => Errno::OVERFLOW,
        _ => Errno::IO,
    }
}

/// `spi::ErrorKind` to an error code: an overrun is `OVERFLOW`, a chip-select fault `BUSY`,
/// anything else `IO`.
pub fn from_spi(kind: spi::ErrorKind) -> Errno {
    match kind {
        spi::ErrorKind::Overrun => Errno::OVERFLOW,
        spi::ErrorKind::ChipSelectFault => Errno::BUSY,
        _ => Errno::IO,
    }
}

/// `pwm::ErrorKind` to an error code.
pub fn from_pwm(kind: pwm::ErrorKind) -> Errno {
    match kind {
        pwm::ErrorKind::Other => Errno::IO,
        _ => Errno::IO,
    }
}

/// `embedded_io::ErrorKind` to an error code.
pub fn from_io(kind: embedded_io::ErrorKind) -> Errno {
    use embedded_io::ErrorKind as K;
    match kind {
        K::NotFound => Errno::NOENT,
        K::PermissionDenied => Errno::PERM,
        K::TimedOut => Errno::TIMEDOUT,
        K::Interrupted => Errno::INTR,
        K::InvalidInput | K::InvalidData => Errno::INVAL,
        K::OutOfMemory => Errno::NOMEM,
        K::Unsupported => Errno::NOTSUP,
        _ => Errno::IO,
    }
}
