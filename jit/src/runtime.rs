//! The operators that compiled code leaves to the runtime, over the store: memory, table and
//! segment operations (their semantics are `mote_core::memories` and `mote_core::tables`,
//! shared with the interpreter) and `call_indirect` resolution. Plain safe
//! functions over the store; [`crate::libcalls`] calls them from compiled code.

use mote_core::store::StoreInner;
use mote_core::{RawVal, TrapCode};
use mote_core::{memories, tables};

/// The store index of memory `mem` of `instance` (validated code names only memories that exist).
fn memory_index(store: &StoreInner, instance: u32, mem: u32) -> Option<u32> {
    memories::index_of(store, instance as usize, mem)
}

/// `memory.grow`: the old size in pages, or `u32::MAX` (-1).
pub(crate) fn memory_grow(store: &mut StoreInner, instance: u32, mem: u32, delta: u32) -> u32 {
    let index = memory_index(store, instance, mem);
    memories::grow(store, index, delta).unwrap_or(u32::MAX)
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
    // `memory.fill` stores the low byte.
    memories::fill(store, index, dst, value.to_le_bytes()[0], len)
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
    let d = memory_index(store, instance, dst_mem);
    let s = memory_index(store, instance, src_mem);
    memories::copy_between(store, d, s, dst, src, len)
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
    let index = memory_index(store, instance, mem);
    memories::init(store, instance as usize, index, data, dst, src, len)
}

/// `data.drop`
pub(crate) fn data_drop(store: &mut StoreInner, instance: u32, data: u32) {
    memories::drop_data(store, instance as usize, data);
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
