//! The board manifest: which pins and buses a module may open, by label.

use alloc::string::String;
use alloc::vec::Vec;

/// A kind of peripheral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A GPIO pin ([`Board::pin`](crate::Board::pin)).
    Gpio,
    /// An I2C bus ([`Board::i2c`](crate::Board::i2c)).
    I2c,
    /// An SPI device ([`Board::spi`](crate::Board::spi)).
    Spi,
    /// A UART ([`Board::uart`](crate::Board::uart)).
    Uart,
    /// A PWM channel ([`Board::pwm`](crate::Board::pwm)).
    Pwm,
}

/// One grant: the guest may open `label`, which is the board's device `index` of `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The name the guest opens (at most [`MAX_LABEL`] bytes).
    pub label: String,
    /// The kind of device.
    pub kind: Kind,
    /// The board's index of the device within its kind.
    pub index: usize,
}

/// The longest label, in bytes.
pub const MAX_LABEL: usize = 32;

/// The grants of one module. A guest's handle is the position of its grant here, so handles
/// are small integers that name nothing the module was not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    grants: Vec<Grant>,
}

impl Manifest {
    /// A manifest that grants nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Grants `label` as the board's device `index` of `kind` (a later grant of the same label
    /// and kind is never found: the first wins). Labels longer than [`MAX_LABEL`] bytes can
    /// never be opened.
    #[must_use]
    pub fn grant(mut self, label: &str, kind: Kind, index: usize) -> Self {
        self.grants.push(Grant {
            label: String::from(label),
            kind,
            index,
        });
        self
    }

    /// The grants, in handle order.
    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// The handle of the grant of `label` as `kind`.
    pub fn find(&self, label: &[u8], kind: Kind) -> Option<usize> {
        self.grants
            .iter()
            .position(|g| g.kind == kind && g.label.as_bytes() == label)
    }
}
