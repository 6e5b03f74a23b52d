//! The semantics of the operators that compiled code leaves to the runtime: growing and
//! bulk-copying memories and tables, segments, and `call_indirect` resolution. Plain safe
//! functions over the store; [`crate::libcalls`] calls them from compiled code.

use mote_core::store::StoreInner;
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

fn table_index(store: &StoreInner, instance: u32, table: u32) -> usize {
    store.instances[instance as usize].tables[table as usize] as usize
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
    let t = &store.tables[table_index(store, instance, table)];
    t.elements
        .get(index as usize)
        .copied()
        .ok_or(TrapCode::TableOutOfBounds)
}

/// `table.set`
pub(crate) fn table_set(
    store: &mut StoreInner,
    instance: u32,
    table: u32,
    index: u32,
    value: RawVal,
) -> Result<(), TrapCode> {
    let ti = table_index(store, instance, table);
    let slot = store.tables[ti]
        .elements
        .get_mut(index as usize)
        .ok_or(TrapCode::TableOutOfBounds)?;
    *slot = value;
    Ok(())
}

/// `table.size`
pub(crate) fn table_size(store: &StoreInner, instance: u32, table: u32) -> u32 {
    let t = &store.tables[table_index(store, instance, table)];
    u32::try_from(t.elements.len()).unwrap_or(u32::MAX)
}

/// `table.grow`: the old size, or `u32::MAX` (-1).
pub(crate) fn table_grow(
    store: &mut StoreInner,
    instance: u32,
    table: u32,
    init: RawVal,
    delta: u32,
) -> u32 {
    let ti = table_index(store, instance, table);
    store.tables[ti]
        .grow(u64::from(delta), init)
        .and_then(|old| u32::try_from(old).ok())
        .unwrap_or(u32::MAX)
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
    let ti = table_index(store, instance, table);
    let elements = &mut store.tables[ti].elements;
    let r = range(dst, len, elements.len(), TrapCode::TableOutOfBounds)?;
    elements[r].fill(value);
    Ok(())
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
    let di = table_index(store, instance, dst_table);
    let si = table_index(store, instance, src_table);
    let oob = TrapCode::TableOutOfBounds;
    if di == si {
        let elements = &mut store.tables[di].elements;
        let s = range(src, len, elements.len(), oob)?;
        let d = range(dst, len, elements.len(), oob)?;
        elements.copy_within(s, d.start);
        return Ok(());
    }
    let s = range(src, len, store.tables[si].elements.len(), oob)?;
    let d = range(dst, len, store.tables[di].elements.len(), oob)?;
    let items = store.tables[si].elements[s].to_vec();
    store.tables[di].elements[d].copy_from_slice(&items);
    Ok(())
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
    let entity = &store.instances[instance as usize];
    let ti = entity.tables[table as usize] as usize;
    let ei = entity.elems[elem as usize] as usize;
    let oob = TrapCode::TableOutOfBounds;
    let s = range(src, len, store.elems[ei].items.len(), oob)?;
    let d = range(dst, len, store.tables[ti].elements.len(), oob)?;
    let items = store.elems[ei].items[s].to_vec();
    store.tables[ti].elements[d].copy_from_slice(&items);
    Ok(())
}

/// `elem.drop`
pub(crate) fn elem_drop(store: &mut StoreInner, instance: u32, elem: u32) {
    let ei = store.instances[instance as usize].elems[elem as usize] as usize;
    store.elems[ei].items = Box::new([]);
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
