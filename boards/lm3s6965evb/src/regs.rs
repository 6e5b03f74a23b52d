//! The LM3S6965's memory-mapped registers: the only place where the drivers touch the hardware,
//! and the only `unsafe` register access of the crate.
//!
//! A [`Block`] is one peripheral's 4 KiB register window. The constants below are the only
//! blocks there are (their base addresses come from the LM3S6965 datasheet, table 2-4 "Memory
//! map"), so every [`Reg`] names a register inside a real peripheral window. Registers are
//! 32 bits wide and read and written with volatile accesses.
//!
//! Be careful when adding registers for QEMU: its Stellaris models stop the whole machine
//! (`hw_error`) on an access to an offset they do not implement in the system control, I2C,
//! timer and ADC blocks; use only the offsets the drivers already use, or check QEMU's
//! `hw/arm/stellaris.c` first.

/// One peripheral's register window: 4 KiB at a fixed base address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Block(usize);

/// System control: clock gating (`RCGCn`), reset, clock configuration.
pub(crate) const SYSCTL: Block = Block(0x400F_E000);
/// UART0 (a PL011 with Luminary's identification registers).
pub(crate) const UART0: Block = Block(0x4000_C000);
/// I2C0, master part at offsets 0x000..0x024.
pub(crate) const I2C0: Block = Block(0x4002_0000);
/// GPIO ports A to G (PL061 with Luminary's extra registers), in port order.
pub(crate) const GPIO: [Block; 7] = [
    Block(0x4000_4000),
    Block(0x4000_5000),
    Block(0x4000_6000),
    Block(0x4000_7000),
    Block(0x4002_4000),
    Block(0x4002_5000),
    Block(0x4002_6000),
];

/// Offsets inside a block are below this and a multiple of 4.
const OFFSET_MASK: usize = 0xFFC;

impl Block {
    /// The register at byte `offset` in this block. The offset is reduced to the block
    /// (`offset & 0xFFC`), so the register is always inside this peripheral's window and
    /// aligned; the drivers only pass offsets that are already so.
    pub(crate) const fn reg(self, offset: usize) -> Reg {
        debug_assert!(
            offset & !OFFSET_MASK == 0,
            "register offset outside its block"
        );
        Reg(self.0 + (offset & OFFSET_MASK))
    }
}

/// A 32-bit memory-mapped register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reg(usize);

impl Reg {
    /// Reads the register.
    pub(crate) fn read(self) -> u32 {
        // SAFETY: a `Reg` is only made by `Block::reg`, from one of the block constants above,
        // which are the LM3S6965's peripheral windows, with an offset kept inside the 4 KiB
        // window and 4-byte aligned. So the address is an aligned device register, which no
        // Rust object occupies; a volatile 32-bit read of it cannot touch Rust memory.
        unsafe { core::ptr::read_volatile(self.0 as *const u32) }
    }

    /// Writes the register.
    pub(crate) fn write(self, value: u32) {
        // SAFETY: as in `read`: an aligned device register inside a peripheral window, which
        // no Rust object occupies, so a volatile 32-bit write cannot change Rust memory.
        unsafe { core::ptr::write_volatile(self.0 as *mut u32, value) }
    }

    /// Sets the bits of `mask` (read, modify, write; not atomic with respect to interrupts,
    /// which never touch these registers).
    pub(crate) fn set_bits(self, mask: u32) {
        self.write(self.read() | mask);
    }

    /// Clears the bits of `mask` (read, modify, write).
    pub(crate) fn clear_bits(self, mask: u32) {
        self.write(self.read() & !mask);
    }
}
