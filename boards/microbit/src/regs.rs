//! The nRF51822's memory-mapped registers: the only place where the drivers touch the hardware,
//! and the only `unsafe` register access of the crate.
//!
//! A [`Block`] is one peripheral's 4 KiB register window. The constants below are the only
//! blocks there are (base addresses from the nRF51 Series Reference Manual, "Instantiation":
//! peripheral ID `n` at `0x4000_0000 + n × 0x1000`; GPIO at `0x5000_0000`), so every [`Reg`]
//! names a register inside a real peripheral window. Registers are 32 bits wide and read and
//! written with volatile accesses (QEMU's nRF51 models take 32-bit accesses only).

/// One peripheral's register window: 4 KiB at a fixed base address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Block(usize);

/// UART0 (peripheral ID 2).
pub(crate) const UART0: Block = Block(0x4000_2000);
/// TIMER0 (peripheral ID 8).
pub(crate) const TIMER0: Block = Block(0x4000_8000);
/// GPIO port 0 (P0.0 .. P0.31).
pub(crate) const GPIO: Block = Block(0x5000_0000);

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
        // which are the nRF51822's peripheral windows, with an offset kept inside the 4 KiB
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
}
