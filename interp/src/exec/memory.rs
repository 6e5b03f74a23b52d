//! Linear-memory instructions. Every access is bounds-checked in 64-bit arithmetic, so neither
//! `addr + offset` nor `addr + len` can wrap on a 32-bit host.

use mote_core::TrapCode;
use mote_core::store::{MemoryEntity, StoreInner};

use crate::op::{LoadKind, StoreKind};

/// A memory by store index (`None`: the instance has no such memory, which validation rules
/// out; it traps rather than panics).
fn memory(store: &mut StoreInner, index: Option<u32>) -> Result<&mut MemoryEntity, TrapCode> {
    let index = index.ok_or(TrapCode::MemoryOutOfBounds)?;
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
    memory_index: Option<u32>,
    addr: u32,
    offset: u32,
) -> Result<[u8; N], TrapCode> {
    let memory = memory(store, memory_index)?;
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
    memory_index: Option<u32>,
    addr: u32,
    offset: u32,
    bytes: [u8; N],
) -> Result<(), TrapCode> {
    let memory = memory(store, memory_index)?;
    let ea = u64::from(addr) + u64::from(offset);
    let r = range(ea, N as u64, memory.data.len())?;
    memory.data[r].copy_from_slice(&bytes);
    Ok(())
}

/// `memory.size` in pages.
pub(super) fn size(store: &mut StoreInner, memory_index: Option<u32>) -> Result<u32, TrapCode> {
    let pages = memory(store, memory_index)?.size_pages();
    // A 32-bit memory has at most 2^32 one-byte pages; the largest size that fits in i32's
    // unsigned range is what the instruction can express.
    Ok(u32::try_from(pages).unwrap_or(u32::MAX))
}

/// `memory.grow`: the old size in pages, or `u32::MAX` (-1) on failure.
pub(super) fn grow(
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
pub(super) fn copy(
    store: &mut StoreInner,
    memory_index: Option<u32>,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let memory = memory(store, memory_index)?;
    let size = memory.data.len();
    let s = range(u64::from(src), u64::from(len), size)?;
    let d = range(u64::from(dst), u64::from(len), size)?;
    memory.data.copy_within(s, d.start);
    Ok(())
}

/// `memory.copy` between two memories, which may be the same one.
pub(super) fn copy_between(
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
    let s = range(u64::from(src), u64::from(len), source.data.len())?;
    let bytes: alloc::vec::Vec<u8> = source.data[s].to_vec();
    let target = memory(store, dst_memory)?;
    let d = range(u64::from(dst), u64::from(len), target.data.len())?;
    target.data[d].copy_from_slice(&bytes);
    Ok(())
}

/// The store index of memory `memory` of `instance`.
pub(super) fn index_of(store: &StoreInner, instance: usize, memory: u32) -> Option<u32> {
    store.instances[instance]
        .memories
        .get(memory as usize)
        .copied()
}

/// `memory.fill`.
pub(super) fn fill(
    store: &mut StoreInner,
    memory_index: Option<u32>,
    dst: u32,
    value: u8,
    len: u32,
) -> Result<(), TrapCode> {
    let memory = memory(store, memory_index)?;
    let d = range(u64::from(dst), u64::from(len), memory.data.len())?;
    memory.data[d].fill(value);
    Ok(())
}

/// `memory.init` from data segment `segment` of the instance.
pub(super) fn init(
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
    let d = range(u64::from(dst), u64::from(len), memory.data.len())?;
    memory.data[d].copy_from_slice(&bytes[s]);
    Ok(())
}

/// `data.drop`.
pub(super) fn drop_data(store: &mut StoreInner, instance: usize, segment: u32) {
    let data_index = store.instances[instance].datas[segment as usize];
    store.datas[data_index as usize].bytes = mote_core::module::Bytes::empty();
}

/// A load of any width and extension, as a raw slot value (32-bit results zero-extended).
#[inline]
pub(super) fn load_kind(
    store: &mut StoreInner,
    memory_index: Option<u32>,
    kind: LoadKind,
    addr: u32,
    offset: u32,
) -> Result<u64, TrapCode> {
    Ok(match kind {
        LoadKind::L8U => u64::from(load::<1>(store, memory_index, addr, offset)?[0]),
        LoadKind::L8S32 => u64::from(
            i32::from(i8::from_le_bytes(load::<1>(
                store,
                memory_index,
                addr,
                offset,
            )?))
            .cast_unsigned(),
        ),
        LoadKind::L8S64 => i64::from(i8::from_le_bytes(load::<1>(
            store,
            memory_index,
            addr,
            offset,
        )?))
        .cast_unsigned(),
        LoadKind::L16U => u64::from(u16::from_le_bytes(load::<2>(
            store,
            memory_index,
            addr,
            offset,
        )?)),
        LoadKind::L16S32 => u64::from(
            i32::from(i16::from_le_bytes(load::<2>(
                store,
                memory_index,
                addr,
                offset,
            )?))
            .cast_unsigned(),
        ),
        LoadKind::L16S64 => i64::from(i16::from_le_bytes(load::<2>(
            store,
            memory_index,
            addr,
            offset,
        )?))
        .cast_unsigned(),
        LoadKind::L32U => u64::from(u32::from_le_bytes(load::<4>(
            store,
            memory_index,
            addr,
            offset,
        )?)),
        LoadKind::L32S64 => i64::from(i32::from_le_bytes(load::<4>(
            store,
            memory_index,
            addr,
            offset,
        )?))
        .cast_unsigned(),
        LoadKind::L64 => u64::from_le_bytes(load::<8>(store, memory_index, addr, offset)?),
    })
}

/// A store of the low `kind` bytes of `value`.
#[inline]
pub(super) fn store_kind(
    store: &mut StoreInner,
    memory_index: Option<u32>,
    kind: StoreKind,
    addr: u32,
    offset: u32,
    value: u64,
) -> Result<(), TrapCode> {
    let b = value.to_le_bytes();
    match kind {
        StoreKind::S8 => self::store::<1>(store, memory_index, addr, offset, [b[0]]),
        StoreKind::S16 => self::store::<2>(store, memory_index, addr, offset, [b[0], b[1]]),
        StoreKind::S32 => {
            self::store::<4>(store, memory_index, addr, offset, [b[0], b[1], b[2], b[3]])
        }
        StoreKind::S64 => self::store::<8>(store, memory_index, addr, offset, b),
    }
}
