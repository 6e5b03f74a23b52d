//! The semantics of the operators that compiled code leaves to the runtime: growing and
//! bulk-copying memories, data segments, and `call_indirect` resolution; the table operations
//! are `mote_core::tables`, shared with the interpreter. Plain safe
//! functions over the store; [`crate::libcalls`] calls them from compiled code.

use mote_core::store::StoreInner;
use mote_core::tables;
use mote_core::{RawVal, TrapCode};

/// The index range `[start, start + len)` if it lies within `size`, or `code`.
fn range(
    start: u32,
    len: u32,
    size: usize,
    code: TrapCode,
) -> Result<core::ops::Range<usize>, TrapCode> {
    let end = u64::from(start) + u64::from(len);
    if end > size as u64 {
        return Err(code);
    }
    let end = usize::try_from(end).map_err(|_| code)?;
    Ok(start as usize..end)
}

fn memory_index(store: &StoreInner, instance: u32, mem: u32) -> usize {
    store.instances[instance as usize].memories[mem as usize] as usize
}

/// `memory.grow`: the old size in pages, or `u32::MAX` (-1).
pub(crate) fn memory_grow(store: &mut StoreInner, instance: u32, mem: u32, delta: u32) -> u32 {
    let index = memory_index(store, instance, mem);
    store.memories[index]
        .grow(u64::from(delta))
        .and_then(|old| u32::try_from(old).ok())
        .unwrap_or(u32::MAX)
}

/// `memory.fill`
pub(crate) fn memory_fill(
    store: &mut StoreInner,
    instance: u32,
    mem: u32,
    dst: u32,
    value: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let index = memory_index(store, instance, mem);
    let data = &mut store.memories[index].data;
    let r = range(dst, len, data.len(), TrapCode::MemoryOutOfBounds)?;
    #[expect(
        clippy::cast_possible_truncation,
        reason = "memory.fill stores the low byte"
    )]
    data[r].fill(value as u8);
    Ok(())
}

/// `memory.copy`
pub(crate) fn memory_copy(
    store: &mut StoreInner,
    instance: u32,
    dst_mem: u32,
    src_mem: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let di = memory_index(store, instance, dst_mem);
    let si = memory_index(store, instance, src_mem);
    let oob = TrapCode::MemoryOutOfBounds;
    if di == si {
        let data = &mut store.memories[di].data;
        let s = range(src, len, data.len(), oob)?;
        let d = range(dst, len, data.len(), oob)?;
        data.copy_within(s, d.start);
        return Ok(());
    }
    let s = range(src, len, store.memories[si].data.len(), oob)?;
    let d = range(dst, len, store.memories[di].data.len(), oob)?;
    let bytes = store.memories[si].data[s].to_vec();
    store.memories[di].data[d].copy_from_slice(&bytes);
    Ok(())
}

/// `memory.init`
pub(crate) fn memory_init(
    store: &mut StoreInner,
    instance: u32,
    mem: u32,
    data: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let entity = &store.instances[instance as usize];
    let mi = entity.memories[mem as usize] as usize;
    let di = entity.datas[data as usize] as usize;
    let oob = TrapCode::MemoryOutOfBounds;
    let bytes = store.datas[di].bytes.clone();
    let s = range(src, len, bytes.len(), oob)?;
    let memory = &mut store.memories[mi].data;
    let d = range(dst, len, memory.len(), oob)?;
    memory[d].copy_from_slice(&bytes[s]);
    Ok(())
}

/// `data.drop`
pub(crate) fn data_drop(store: &mut StoreInner, instance: u32, data: u32) {
    let di = store.instances[instance as usize].datas[data as usize] as usize;
    store.datas[di].bytes = mote_core::module::Bytes::empty();
}

/// `table.get`
pub(crate) fn table_get(
    store: &StoreInner,
    instance: u32,
    table: u32,
    index: u32,
) -> Result<RawVal, TrapCode> {
    tables::get(store, instance as usize, table, index)
}

/// `table.set`
pub(crate) fn table_set(
    store: &mut StoreInner,
    instance: u32,
    table: u32,
    index: u32,
    value: RawVal,
) -> Result<(), TrapCode> {
    tables::set(store, instance as usize, table, index, value)
}

/// `table.size`
pub(crate) fn table_size(store: &StoreInner, instance: u32, table: u32) -> u32 {
    tables::size(store, instance as usize, table)
}

/// `table.grow`: the old size, or `u32::MAX` (-1).
pub(crate) fn table_grow(
    store: &mut StoreInner,
    instance: u32,
    table: u32,
    init: RawVal,
    delta: u32,
) -> u32 {
    tables::grow(store, instance as usize, table, init, delta)
}

/// `table.fill`
pub(crate) fn table_fill(
    store: &mut StoreInner,
    instance: u32,
    table: u32,
    dst: u32,
    value: RawVal,
    len: u32,
) -> Result<(), TrapCode> {
    tables::fill(store, instance as usize, table, dst, value, len)
}

/// `table.copy`
pub(crate) fn table_copy(
    store: &mut StoreInner,
    instance: u32,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    tables::copy(
        store,
        instance as usize,
        dst_table,
        src_table,
        dst,
        src,
        len,
    )
}

/// `table.init`
pub(crate) fn table_init(
    store: &mut StoreInner,
    instance: u32,
    table: u32,
    elem: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    tables::init(store, instance as usize, table, elem, dst, src, len)
}

/// `elem.drop`
pub(crate) fn elem_drop(store: &mut StoreInner, instance: u32, elem: u32) {
    tables::drop_elem(store, instance as usize, elem);
}

/// Finds the store function that `call_indirect` calls: checks bounds, null and the type.
pub(crate) fn resolve_indirect(
    store: &StoreInner,
    instance: u32,
    table: u32,
    elem: u32,
    type_index: u32,
) -> Result<u32, TrapCode> {
    let entity = &store.instances[instance as usize];
    let expected = entity.types[type_index as usize];
    let t = &store.tables[entity.tables[table as usize] as usize];
    let raw = *t
        .elements
        .get(elem as usize)
        .ok_or(TrapCode::UndefinedElement)?;
    let func = raw.checked_sub(1).ok_or(TrapCode::IndirectCallToNull)?;
    let func = u32::try_from(func).map_err(|_| TrapCode::IndirectCallToNull)?;
    let actual = store
        .funcs
        .get(func as usize)
        .ok_or(TrapCode::IndirectCallToNull)?
        .ty;
    if actual != expected {
        return Err(TrapCode::BadSignature);
    }
    Ok(func)
}
