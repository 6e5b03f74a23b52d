//! The only volatile accesses: 32-bit registers inside the peripheral windows of the FE310's
//! memory map (the SiFive FE310-G000 manual, chapter 4; QEMU's `info mtree`).

/// A peripheral's register window.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    base: usize,
    len: usize,
}

/// UART0 (`riscv.sifive.uart`, 32 bytes).
pub const UART0: Block = Block {
    base: 0x1001_3000,
    len: 0x20,
};
/// The GPIO controller (`sifive_soc.gpio`, 256 bytes).
pub const GPIO: Block = Block {
    base: 0x1001_2000,
    len: 0x100,
};
/// The CLINT's machine timer (`riscv.aclint.mtimer`): `mtimecmp` at 0, `mtime` at 0x7FF8.
pub const MTIMER: Block = Block {
    base: 0x0200_4000,
    len: 0x8000,
};

impl Block {
    /// The register at `offset`; an offset outside the window (or not word-aligned) is a bug
    /// in the driver, caught here rather than by a bus fault.
    pub const fn reg(self, offset: usize) -> Reg {
        assert!(
            offset < self.len && offset.is_multiple_of(4),
            "register outside its window"
        );
        Reg(self.base + offset)
    }
}

/// One 32-bit register.
#[derive(Debug, Clone, Copy)]
pub struct Reg(usize);

impl Reg {
    /// Reads the register.
    pub fn read(self) -> u32 {
        // SAFETY: `Block::reg` made the address a word-aligned register inside one of the
        // peripheral windows above, which the machine maps as device memory; a read has no
        // effect on memory the program owns.
        unsafe { core::ptr::read_volatile(self.0 as *const u32) }
    }

    /// Writes the register.
    pub fn write(self, value: u32) {
        // SAFETY: as for `read`; the address is a device register, not memory the program
        // owns, so the write cannot break any reference.
        unsafe { core::ptr::write_volatile(self.0 as *mut u32, value) }
    }

    /// Sets the bits of `mask` (read, or, write).
    pub fn set_bits(self, mask: u32) {
        self.write(self.read() | mask);
    }

    /// Clears the bits of `mask`.
    pub fn clear_bits(self, mask: u32) {
        self.write(self.read() & !mask);
    }
}
