//! Loads and stores, in the forms the dispatch loop needs. The checked helpers and the other
//! memory instructions are `mote_core::memories`, shared with the JIT.

use mote_core::TrapCode;
pub(super) use mote_core::memories::{
    copy, copy_between, drop_data, fill, grow, index_of, init, memory, range,
};
use mote_core::store::StoreInner;

use crate::op::{LoadKind, StoreKind};

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
    let data = memory.data();
    let r = range(ea, N as u64, data.len())?;
    let mut bytes = [0u8; N];
    bytes.copy_from_slice(&data[r]);
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
    let data = memory.data_mut();
    let r = range(ea, N as u64, data.len())?;
    data[r].copy_from_slice(&bytes);
    Ok(())
}

/// `memory.size` in pages.
pub(super) fn size(store: &mut StoreInner, memory_index: Option<u32>) -> Result<u32, TrapCode> {
    let pages = memory(store, memory_index)?.size_pages();
    // A 32-bit memory has at most 2^32 one-byte pages; the largest size that fits in i32's
    // unsigned range is what the instruction can express.
    Ok(u32::try_from(pages).unwrap_or(u32::MAX))
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
