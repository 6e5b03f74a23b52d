//! Guest memory access. Be careful when changing this module: it is the only place where a
//! guest pointer becomes a slice.
//!
//! Every guest pointer and length arrives as an `i32` and is reinterpreted as `u32`; the end is
//! computed in `u64` (so it cannot overflow) and compared with the memory's current size before
//! any slice is formed. A failed check is [`Errno::FAULT`] and nothing is read or written.
//!
//! Host functions cannot borrow the guest's memory and the embedder's data at the same time
//! (both live in the store behind one `Caller`), so data moves between them through a bounce
//! buffer on the host stack of [`BOUNCE`] bytes.

use core::ops::Range;

use mote_core::{Caller, Memory};

use crate::errno::Errno;

/// Size of the host-stack bounce buffer used to copy between guest memory and devices. Bus
/// transfers (one I2C or SPI transaction) are limited to this many bytes; console, UART and
/// random data are copied in chunks of it.
pub const BOUNCE: usize = BOUNCE_U32 as usize;

/// [`BOUNCE`] as a `u32`, for guest lengths.
pub(crate) const BOUNCE_U32: u32 = 256;

/// The guest's linear memory (its export `memory`).
pub(crate) fn memory<T>(caller: &Caller<'_, T>) -> Result<Memory, Errno> {
    caller
        .get_export("memory")
        .and_then(mote_core::Extern::into_memory)
        .ok_or(Errno::FAULT)
}

/// A guest `i32` pointer or length as the unsigned value it stands for.
pub(crate) fn u(value: i32) -> u32 {
    value.cast_unsigned()
}

/// The byte range `[ptr, ptr + len)` when it lies inside a memory of `size` bytes.
pub(crate) fn range(size: usize, ptr: u32, len: u64) -> Result<Range<usize>, Errno> {
    let end = u64::from(ptr).checked_add(len).ok_or(Errno::FAULT)?;
    let size = u64::try_from(size).map_err(|_| Errno::FAULT)?;
    if end > size {
        return Err(Errno::FAULT);
    }
    let start = usize::try_from(ptr).map_err(|_| Errno::FAULT)?;
    let end = usize::try_from(end).map_err(|_| Errno::FAULT)?;
    Ok(start..end)
}

/// `count * size` bytes, computed in `u64`.
pub(crate) fn array_len(count: u32, size: u32) -> u64 {
    u64::from(count) * u64::from(size)
}

/// Checks that `[ptr, ptr + len)` is inside the guest's memory.
pub(crate) fn check<T>(
    caller: &Caller<'_, T>,
    mem: Memory,
    ptr: u32,
    len: u64,
) -> Result<(), Errno> {
    range(mem.data_size(caller), ptr, len).map(|_| ())
}

/// Copies `out.len()` guest bytes at `ptr` into `out`.
pub(crate) fn read<T>(
    caller: &Caller<'_, T>,
    mem: Memory,
    ptr: u32,
    out: &mut [u8],
) -> Result<(), Errno> {
    let data = mem.data(caller);
    let len = u64::try_from(out.len()).map_err(|_| Errno::FAULT)?;
    let r = range(data.len(), ptr, len)?;
    let src = data.get(r).ok_or(Errno::FAULT)?;
    out.copy_from_slice(src);
    Ok(())
}

/// Copies `src` into guest memory at `ptr`.
pub(crate) fn write<T>(
    caller: &mut Caller<'_, T>,
    mem: Memory,
    ptr: u32,
    src: &[u8],
) -> Result<(), Errno> {
    let data = mem.data_mut(caller);
    let len = u64::try_from(src.len()).map_err(|_| Errno::FAULT)?;
    let r = range(data.len(), ptr, len)?;
    let dst = data.get_mut(r).ok_or(Errno::FAULT)?;
    dst.copy_from_slice(src);
    Ok(())
}

/// Reads a little-endian `u32` at `ptr`.
pub(crate) fn read_u32<T>(caller: &Caller<'_, T>, mem: Memory, ptr: u32) -> Result<u32, Errno> {
    let mut b = [0; 4];
    read(caller, mem, ptr, &mut b)?;
    Ok(u32::from_le_bytes(b))
}

/// `ptr + offset` for a field of a record whose whole range was checked (or will be).
pub(crate) fn at(ptr: u32, offset: u64) -> Result<u32, Errno> {
    u32::try_from(u64::from(ptr) + offset).map_err(|_| Errno::FAULT)
}
