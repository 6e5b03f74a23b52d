//! Executable memory, W^X: the code is written into a fresh read-write mapping, which is then
//! turned read+execute before anything can run it, and never written again. The mapping is
//! unmapped when the last [`Module`](mote_core::Module) that uses the code is dropped (the
//! [`CompiledModule`](crate::compile::CompiledModule) owns it).

use memmap2::{Mmap, MmapMut};
use mote_core::Error;

/// A read+execute mapping holding the machine code of one module.
#[derive(Debug)]
pub(crate) struct CodeMemory {
    map: Mmap,
}

impl CodeMemory {
    /// Maps `bytes` as executable code.
    ///
    /// # Errors
    /// When the mapping or the protection change fails.
    pub(crate) fn new(bytes: &[u8]) -> Result<Self, Error> {
        let fail = |e: std::io::Error| Error::unsupported(format!("executable memory: {e}"), None);
        let mut map = MmapMut::map_anon(bytes.len().max(1)).map_err(fail)?;
        map[..bytes.len()].copy_from_slice(bytes);
        let map = map.make_exec().map_err(fail)?;
        #[cfg(target_arch = "aarch64")]
        flush_icache(&map);
        Ok(Self { map })
    }

    /// Address of the first byte.
    pub(crate) fn base(&self) -> usize {
        self.map.as_ptr() as usize
    }
}

/// aarch64 does not keep the instruction cache coherent with data writes: clean the data
/// cache and invalidate the instruction cache over the new code before it runs.
#[cfg(target_arch = "aarch64")]
fn flush_icache(map: &Mmap) {
    let start = map.as_ptr() as usize;
    let end = start + map.len();
    let mut line = start & !63;
    while line < end {
        // SAFETY: `dc cvau`/`ic ivau` only maintain caches for an address of our own mapping;
        // they have no other effect on memory or registers.
        unsafe {
            core::arch::asm!("dc cvau, {0}", "ic ivau, {0}", in(reg) line, options(nostack));
        }
        line += 64;
    }
    // SAFETY: barriers only order the cache maintenance above.
    unsafe {
        core::arch::asm!("dsb ish", "isb", options(nostack));
    }
}
