//! Table and element-segment operations, the same for every engine: each takes the store, the
//! store index of the instance that executes, and the operands of the instruction in the
//! instance's index spaces. Out-of-range operands give the spec's trap; the indices of tables
//! and segments were checked when the code was validated or verified.

use alloc::boxed::Box;

use crate::store::{StoreInner, TableEntity};
use crate::trap::TrapCode;
use crate::value::RawVal;

fn table_index(store: &StoreInner, instance: usize, table: u32) -> usize {
    store.instances[instance].tables[table as usize] as usize
}

fn table_mut(store: &mut StoreInner, instance: usize, table: u32) -> &mut TableEntity {
    let index = table_index(store, instance, table);
    &mut store.tables[index]
}

/// The element range `[start, start + len)` if it lies within `size` elements.
fn range(start: u32, len: u32, size: usize) -> Result<core::ops::Range<usize>, TrapCode> {
    let end = u64::from(start) + u64::from(len);
    if end > size as u64 {
        return Err(TrapCode::TableOutOfBounds);
    }
    // `end <= size`, so both bounds fit in usize.
    let end = usize::try_from(end).map_err(|_| TrapCode::TableOutOfBounds)?;
    Ok(start as usize..end)
}

/// `table.get`.
pub fn get(
    store: &StoreInner,
    instance: usize,
    table: u32,
    index: u32,
) -> Result<RawVal, TrapCode> {
    let t = &store.tables[table_index(store, instance, table)];
    t.elements
        .get(index as usize)
        .copied()
        .ok_or(TrapCode::TableOutOfBounds)
}

/// `table.set`.
pub fn set(
    store: &mut StoreInner,
    instance: usize,
    table: u32,
    index: u32,
    value: RawVal,
) -> Result<(), TrapCode> {
    let t = table_mut(store, instance, table);
    let slot = t
        .elements
        .get_mut(index as usize)
        .ok_or(TrapCode::TableOutOfBounds)?;
    *slot = value;
    Ok(())
}

/// `table.size`.
pub fn size(store: &StoreInner, instance: usize, table: u32) -> u32 {
    let t = &store.tables[table_index(store, instance, table)];
    u32::try_from(t.elements.len()).unwrap_or(u32::MAX)
}

/// `table.grow`: the old size, or `u32::MAX` (-1) on failure.
pub fn grow(store: &mut StoreInner, instance: usize, table: u32, init: RawVal, delta: u32) -> u32 {
    let t = table_mut(store, instance, table);
    t.grow(u64::from(delta), init)
        .and_then(|old| u32::try_from(old).ok())
        .unwrap_or(u32::MAX)
}

/// `table.fill`.
pub fn fill(
    store: &mut StoreInner,
    instance: usize,
    table: u32,
    index: u32,
    value: RawVal,
    len: u32,
) -> Result<(), TrapCode> {
    let t = table_mut(store, instance, table);
    let r = range(index, len, t.elements.len())?;
    t.elements[r].fill(value);
    Ok(())
}

/// `table.copy` (the tables may be the same and the ranges may overlap).
pub fn copy(
    store: &mut StoreInner,
    instance: usize,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let d_index = table_index(store, instance, dst_table);
    let s_index = table_index(store, instance, src_table);
    let s = range(src, len, store.tables[s_index].elements.len())?;
    let d = range(dst, len, store.tables[d_index].elements.len())?;
    if d_index == s_index {
        store.tables[d_index].elements.copy_within(s, d.start);
    } else {
        let items: Box<[RawVal]> = store.tables[s_index].elements[s].into();
        store.tables[d_index].elements[d].copy_from_slice(&items);
    }
    Ok(())
}

/// `table.init` from element segment `segment`.
pub fn init(
    store: &mut StoreInner,
    instance: usize,
    table: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let elem_index = store.instances[instance].elems[segment as usize] as usize;
    let t_index = table_index(store, instance, table);
    let s = range(src, len, store.elems[elem_index].items.len())?;
    let d = range(dst, len, store.tables[t_index].elements.len())?;
    let (elems, tables) = (&store.elems, &mut store.tables);
    tables[t_index].elements[d].copy_from_slice(&elems[elem_index].items[s]);
    Ok(())
}

/// `elem.drop`.
pub fn drop_elem(store: &mut StoreInner, instance: usize, segment: u32) {
    let elem_index = store.instances[instance].elems[segment as usize] as usize;
    store.elems[elem_index].items = Box::new([]);
}
