//! Linear memories as reservations of address space with guard pages, so that compiled code
//! accesses them without bounds checks (as wasmtime does by default).
//!
//! A memory with 64 KiB pages and 32-bit indices can never be larger than 4 GiB. Its storage
//! is one mapping of [`RESERVATION_BYTES`]: 4 GiB (the most the memory can grow to) plus a
//! [`GUARD_BYTES`] guard region, all `PROT_NONE` except the memory's current bytes, which are
//! readable and writable. Growing makes more pages accessible in place (`mprotect`), so the
//! base never moves; new pages of an anonymous mapping read as zero. Compiled code computes
//! `base + zero_extend(address) + offset` and accesses it: when the static `offset` plus the
//! access size is at most [`GUARD_BYTES`], every out-of-bounds access lands in a `PROT_NONE`
//! page of the mapping, the access faults, and the `SIGSEGV` handler (`signals.rs`) turns the
//! fault into `out of bounds memory access`. Accesses with larger static offsets (rare:
//! compilers put small constants there) keep the explicit check.
//!
//! Why 4 GiB + 32 MiB and not 8 GiB (which would cover every `u32` offset): the address
//! space. A 47-bit user address space holds about 32 000 such mappings instead of 16 000, and
//! the spec runner, fuzzers and servers keep many instances alive. The mapping is
//! `MAP_NORESERVE`: only pages made accessible and touched cost memory, and only the
//! accessible part counts towards the commit limit. It is unmapped when the memory (its
//! store) is dropped.
//!
//! Be careful when changing this module: the size of the mapping is what makes the missing
//! bounds checks sound; [`crate::env`] relies on [`RESERVATION_BYTES`] and [`GUARD_BYTES`]
//! and `vmctx.rs` refuses to run guarded code on a memory that is not a [`Reservation`].

use core::ptr::NonNull;
use std::any::Any;

use mote_core::Error;
use mote_core::engine::LinearMemoryStorage;

/// The most bytes a 32-bit memory with 64 KiB pages can have: 65 536 pages.
pub(crate) const MAX_ACCESSIBLE: usize = 1 << 32;

/// The guard region after the largest possible memory. An access whose static offset plus
/// size is at most this needs no check.
pub(crate) const GUARD_BYTES: usize = 32 << 20;

/// Bytes of address space reserved per guarded memory.
pub(crate) const RESERVATION_BYTES: usize = MAX_ACCESSIBLE + GUARD_BYTES;

/// One guarded memory: a `PROT_NONE` mapping of [`RESERVATION_BYTES`] whose first `len` bytes
/// are readable and writable.
#[derive(Debug)]
pub(crate) struct Reservation {
    base: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is owned by this value alone (like a `Vec<u8>`'s buffer); the store that
// holds it hands out `&`/`&mut` access to the bytes under its own borrows.
unsafe impl Send for Reservation {}
// SAFETY: shared access only reads the bytes through `&[u8]`.
unsafe impl Sync for Reservation {}

impl Reservation {
    /// Reserves the address space and makes the first `initial` bytes accessible.
    ///
    /// # Errors
    /// When the system refuses the mapping (address space exhausted, `ulimit -v`) or the
    /// protection change.
    pub(crate) fn new(initial: usize) -> Result<Self, std::io::Error> {
        if initial > MAX_ACCESSIBLE {
            return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
        }
        // SAFETY: a fresh anonymous private mapping at an address of the system's choice; it
        // overlaps nothing, and nothing can access it (`PROT_NONE`) until `grow_to`.
        let base = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                RESERVATION_BYTES,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        let Some(base) = NonNull::new(base.cast::<u8>()) else {
            return Err(std::io::Error::from(std::io::ErrorKind::AddrNotAvailable));
        };
        let mut reservation = Self { base, len: 0 };
        reservation.protect(initial)?;
        Ok(reservation)
    }

    /// Makes `[0, new_len)` accessible.
    fn protect(&mut self, new_len: usize) -> Result<(), std::io::Error> {
        if new_len > MAX_ACCESSIBLE || new_len < self.len {
            return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
        }
        if new_len == self.len {
            return Ok(());
        }
        // Page-aligned: the base is (a mapping), and lengths are multiples of 64 KiB, a
        // multiple of every host page size the JIT runs on (4, 16, 64 KiB).
        // SAFETY: `[len, new_len)` lies inside the mapping (`new_len <= MAX_ACCESSIBLE`), which
        // this value owns; making it accessible invalidates no reference.
        let rc = unsafe {
            libc::mprotect(
                self.base.as_ptr().add(self.len).cast(),
                new_len - self.len,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        self.len = new_len;
        Ok(())
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: the mapping came from `mmap` in `new` with this length and is unmapped once;
        // the store that owned this memory is being dropped, so no compiled code runs on it.
        unsafe {
            libc::munmap(self.base.as_ptr().cast(), RESERVATION_BYTES);
        }
    }
}

impl LinearMemoryStorage for Reservation {
    fn bytes(&self) -> &[u8] {
        // SAFETY: the first `len` bytes are mapped readable and writable, initialized (zero
        // or written), and owned by `self`.
        unsafe { core::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`; `&mut self` gives exclusive access.
        unsafe { core::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }

    fn grow_to(&mut self, new_len: usize) -> Result<(), Error> {
        self.protect(new_len)
            .map_err(|_| Error::out_of_memory(new_len as u64))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The storage of a new memory of `ty` when guard pages are on: a [`Reservation`] for
/// memories with 64 KiB pages, `None` (a `Vec`, explicit checks) for others.
pub(crate) fn storage_for(
    ty: &mote_core::MemoryType,
    memory: Option<u32>,
    initial: usize,
) -> Option<Result<Box<dyn LinearMemoryStorage>, Error>> {
    if !is_guarded_type(ty) {
        return None;
    }
    Some(match Reservation::new(initial) {
        Ok(r) => Ok(Box::new(r)),
        Err(e) => Err(Error::unsupported(
            format!(
                "{}: reserving {} MiB of address space for its guard pages failed ({e}); \
                 raise the address-space limit (ulimit -v) or turn guard pages off \
                 (Jit::guard_pages(false))",
                match memory {
                    Some(i) => format!("memory {i} of the module"),
                    None => "a new memory".to_owned(),
                },
                RESERVATION_BYTES >> 20,
            ),
            None,
        )),
    })
}

/// Whether memories of `ty` live in a [`Reservation`] when guard pages are on: 64 KiB pages and
/// 32-bit indices.
pub(crate) fn is_guarded_type(ty: &mote_core::MemoryType) -> bool {
    ty.page_size_log2 == 16 && !ty.memory64
}

/// Whether `storage` is a [`Reservation`] (compiled code without bounds checks may use it).
pub(crate) fn is_reservation(storage: Option<&dyn LinearMemoryStorage>) -> bool {
    storage.is_some_and(|s| s.as_any().is::<Reservation>())
}

#[cfg(test)]
mod tests {
    use mote_core::{Config, Engine, Module};

    use super::*;
    use crate::compile::CompiledModule;

    #[test]
    fn a_reservation_grows_in_place_with_zero_pages() {
        let mut r = Reservation::new(65_536).unwrap();
        let base = r.bytes().as_ptr();
        assert_eq!(r.bytes().len(), 65_536);
        r.bytes_mut()[65_535] = 7;
        r.grow_to(3 * 65_536).unwrap();
        assert_eq!(r.bytes().as_ptr(), base, "never moves");
        assert_eq!(r.bytes()[65_535], 7);
        assert!(r.bytes()[65_536..].iter().all(|&b| b == 0));
        r.bytes_mut()[3 * 65_536 - 1] = 1;
        assert!(r.grow_to(65_536).is_err(), "never shrinks");
        assert!(r.grow_to(MAX_ACCESSIBLE + 65_536).is_err(), "at most 4 GiB");
        assert!(Reservation::new(MAX_ACCESSIBLE + 1).is_err());
        assert!(is_reservation(Some(&r)));
        assert!(!is_reservation(None));
    }

    /// The raw trap codes recorded for the module's first function.
    fn traps(jit: crate::Jit, wat: &str) -> Vec<u8> {
        let engine = Engine::new(&Config::new(), jit);
        let module = Module::new(&engine, wat::parse_str(wat).unwrap()).unwrap();
        let code = module.code().clone().downcast::<CompiledModule>().unwrap();
        code.func_info[0].traps.iter().map(|&(_, c)| c).collect()
    }

    #[test]
    fn guarded_accesses_have_no_checks() {
        let heap = cranelift_codegen::ir::TrapCode::HEAP_OUT_OF_BOUNDS
            .as_raw()
            .get();
        let checked = crate::signals::clif_code(mote_core::TrapCode::MemoryOutOfBounds)
            .as_raw()
            .get();
        let wat = |memory: &str, offset: u64| {
            format!(
                "(module (memory {memory}) (func (param i32) (result i64)
                   (i64.add (i64.load offset={offset} (local.get 0))
                            (i64.load offset={offset} (i32.add (local.get 0) (i32.const 8))))))"
            )
        };
        let jit = || crate::Jit::new().unwrap();
        // Guarded: two trap sites at the loads, no trap instruction of a check.
        let sites = traps(jit(), &wat("1", 16));
        assert_eq!(sites.iter().filter(|&&c| c == heap).count(), 2, "{sites:?}");
        assert!(!sites.contains(&checked), "{sites:?}");
        // A static offset past the guard region is checked.
        let sites = traps(jit(), &wat("1", GUARD_BYTES as u64));
        assert!(sites.contains(&checked), "{sites:?}");
        assert!(!sites.contains(&heap), "{sites:?}");
        // Guard pages off, and 1-byte pages: checked.
        for (jit, memory) in [(jit().guard_pages(false), "1"), (jit(), "1 (pagesize 1)")] {
            let sites = traps(jit, &wat(memory, 16));
            assert!(sites.contains(&checked), "{memory}: {sites:?}");
            assert!(!sites.contains(&heap), "{memory}: {sites:?}");
        }
    }
}
