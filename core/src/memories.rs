//! Linear-memory operations, the same for every engine: the bounds-checked helpers of loads and
//! stores, `memory.grow`, the bulk-memory instructions and data segments. Every range is checked
//! in 64-bit arithmetic, so neither `addr + offset` nor `addr + len` can wrap on a 32-bit host.

use crate::module::Bytes;
use crate::store::{MemoryEntity, StoreInner};
use crate::trap::TrapCode;

/// A memory by store index (`None`: the instance has no such memory, which validation rules
/// out; it traps rather than panics).
#[inline]
pub fn memory(store: &mut StoreInner, index: Option<u32>) -> Result<&mut MemoryEntity, TrapCode> {
    let index = index.ok_or(TrapCode::MemoryOutOfBounds)?;
    store
        .memories
        .get_mut(index as usize)
        .ok_or(TrapCode::MemoryOutOfBounds)
}

/// The byte range `[start, start + len)` if it lies within `size` bytes.
#[inline(always)]
pub fn range(start: u64, len: u64, size: usize) -> Result<core::ops::Range<usize>, TrapCode> {
    let end = start.checked_add(len).ok_or(TrapCode::MemoryOutOfBounds)?;
    if end > size as u64 {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    // Both fit in usize because they are at most `size`.
    let start = usize::try_from(start).map_err(|_| TrapCode::MemoryOutOfBounds)?;
    let end = usize::try_from(end).map_err(|_| TrapCode::MemoryOutOfBounds)?;
    Ok(start..end)
}

/// `memory.grow`: the old size in pages, or `u32::MAX` (-1) on failure.
pub fn grow(
    store: &mut StoreInner,
    memory_index: Option<u32>,
    delta: u32,
) -> Result<u32, TrapCode> {
    let memory = memory(store, memory_index)?;
    Ok(memory
        .grow(u64::from(delta))
        .and_then(|old| u32::try_from(old).ok())
        .unwrap_or(u32::MAX))
}

/// `memory.copy` within one memory (the ranges may overlap).
pub fn copy(
    store: &mut StoreInner,
    memory_index: Option<u32>,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let memory = memory(store, memory_index)?;
    let data = memory.data_mut();
    let size = data.len();
    let s = range(u64::from(src), u64::from(len), size)?;
    let d = range(u64::from(dst), u64::from(len), size)?;
    data.copy_within(s, d.start);
    Ok(())
}

/// `memory.copy` between two memories, which may be the same one.
pub fn copy_between(
    store: &mut StoreInner,
    dst_memory: Option<u32>,
    src_memory: Option<u32>,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    if dst_memory == src_memory {
        return copy(store, dst_memory, dst, src, len);
    }
    let source = memory(store, src_memory)?;
    let s = range(u64::from(src), u64::from(len), source.byte_len())?;
    let bytes: alloc::vec::Vec<u8> = source.data()[s].to_vec();
    let target = memory(store, dst_memory)?;
    let d = range(u64::from(dst), u64::from(len), target.byte_len())?;
    target.data_mut()[d].copy_from_slice(&bytes);
    Ok(())
}

/// The store index of memory `memory` of `instance`.
pub fn index_of(store: &StoreInner, instance: usize, memory: u32) -> Option<u32> {
    store.instances[instance]
        .memories
        .get(memory as usize)
        .copied()
}

/// `memory.fill`.
pub fn fill(
    store: &mut StoreInner,
    memory_index: Option<u32>,
    dst: u32,
    value: u8,
    len: u32,
) -> Result<(), TrapCode> {
    let memory = memory(store, memory_index)?;
    let d = range(u64::from(dst), u64::from(len), memory.byte_len())?;
    memory.data_mut()[d].fill(value);
    Ok(())
}

/// `memory.init` from data segment `segment` of the instance.
pub fn init(
    store: &mut StoreInner,
    instance: usize,
    memory_index: Option<u32>,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let data_index = store.instances[instance].datas[segment as usize];
    let bytes = store.datas[data_index as usize].bytes.clone();
    let s = range(u64::from(src), u64::from(len), bytes.len())?;
    let memory = memory(store, memory_index)?;
    let d = range(u64::from(dst), u64::from(len), memory.byte_len())?;
    memory.data_mut()[d].copy_from_slice(&bytes[s]);
    Ok(())
}

/// `data.drop`.
pub fn drop_data(store: &mut StoreInner, instance: usize, segment: u32) {
    let data_index = store.instances[instance].datas[segment as usize];
    store.datas[data_index as usize].bytes = Bytes::empty();
}
