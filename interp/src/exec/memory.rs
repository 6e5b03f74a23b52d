//! Linear-memory instructions. Every access is bounds-checked in 64-bit arithmetic, so neither
//! `addr + offset` nor `addr + len` can wrap on a 32-bit host.

use alloc::sync::Arc;

use mote_core::TrapCode;
use mote_core::store::{MemoryEntity, StoreInner};

use super::Activation;

fn memory<'a>(store: &'a mut StoreInner, activation: &Activation) -> Result<&'a mut MemoryEntity, TrapCode> {
    let index = activation.memory.ok_or(TrapCode::MemoryOutOfBounds)?;
    store
        .memories
        .get_mut(index as usize)
        .ok_or(TrapCode::MemoryOutOfBounds)
}

/// The byte range `[start, start + len)` if it lies within `size` bytes.
#[inline(always)]
fn range(start: u64, len: u64, size: usize) -> Result<core::ops::Range<usize>, TrapCode> {
    let end = start.checked_add(len).ok_or(TrapCode::MemoryOutOfBounds)?;
    if end > size as u64 {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    // Both fit in usize because they are at most `size`.
    let start = usize::try_from(start).map_err(|_| TrapCode::MemoryOutOfBounds)?;
    let end = usize::try_from(end).map_err(|_| TrapCode::MemoryOutOfBounds)?;
    Ok(start..end)
}

/// Loads `N` bytes at `addr + offset`.
#[inline(always)]
pub(super) fn load<const N: usize>(
    store: &mut StoreInner,
    activation: &Activation,
    addr: u32,
    offset: u32,
) -> Result<[u8; N], TrapCode> {
    let memory = memory(store, activation)?;
    let ea = u64::from(addr) + u64::from(offset);
    let r = range(ea, N as u64, memory.data.len())?;
    let mut bytes = [0u8; N];
    bytes.copy_from_slice(&memory.data[r]);
    Ok(bytes)
}

/// Stores `N` bytes at `addr + offset`.
#[inline(always)]
pub(super) fn store<const N: usize>(
    store: &mut StoreInner,
    activation: &Activation,
    addr: u32,
    offset: u32,
    bytes: [u8; N],
) -> Result<(), TrapCode> {
    let memory = memory(store, activation)?;
    let ea = u64::from(addr) + u64::from(offset);
    let r = range(ea, N as u64, memory.data.len())?;
    memory.data[r].copy_from_slice(&bytes);
    Ok(())
}

/// `memory.size` in pages.
pub(super) fn size(store: &mut StoreInner, activation: &Activation) -> Result<u32, TrapCode> {
    let pages = memory(store, activation)?.size_pages();
    // A 32-bit memory has at most 2^32 one-byte pages; the largest size that fits in i32's
    // unsigned range is what the instruction can express.
    Ok(u32::try_from(pages).unwrap_or(u32::MAX))
}

/// `memory.grow`: the old size in pages, or `u32::MAX` (-1) on failure.
pub(super) fn grow(store: &mut StoreInner, activation: &Activation, delta: u32) -> Result<u32, TrapCode> {
    let memory = memory(store, activation)?;
    Ok(memory
        .grow(u64::from(delta))
        .and_then(|old| u32::try_from(old).ok())
        .unwrap_or(u32::MAX))
}

/// `memory.copy` (the ranges may overlap).
pub(super) fn copy(store: &mut StoreInner, activation: &Activation, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
    let memory = memory(store, activation)?;
    let size = memory.data.len();
    let s = range(u64::from(src), u64::from(len), size)?;
    let d = range(u64::from(dst), u64::from(len), size)?;
    memory.data.copy_within(s, d.start);
    Ok(())
}

/// `memory.fill`.
pub(super) fn fill(store: &mut StoreInner, activation: &Activation, dst: u32, value: u8, len: u32) -> Result<(), TrapCode> {
    let memory = memory(store, activation)?;
    let d = range(u64::from(dst), u64::from(len), memory.data.len())?;
    memory.data[d].fill(value);
    Ok(())
}

/// `memory.init` from data segment `segment` of the instance.
pub(super) fn init(
    store: &mut StoreInner,
    activation: &Activation,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let data_index = store.instances[activation.instance as usize].datas[segment as usize];
    let bytes = store.datas[data_index as usize].bytes.clone();
    let s = range(u64::from(src), u64::from(len), bytes.len())?;
    let memory = memory(store, activation)?;
    let d = range(u64::from(dst), u64::from(len), memory.data.len())?;
    memory.data[d].copy_from_slice(&bytes[s]);
    Ok(())
}

/// `data.drop`.
pub(super) fn drop_data(store: &mut StoreInner, instance: usize, segment: u32) {
    let data_index = store.instances[instance].datas[segment as usize];
    store.datas[data_index as usize].bytes = Arc::from([]);
}
