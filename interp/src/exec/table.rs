//! Indirect-call resolution. The other table instructions are `mote_core::tables`, shared with
//! the JIT.

use mote_core::store::StoreInner;
pub(super) use mote_core::tables::{copy, drop_elem, fill, get, grow, init, set, size};
use mote_core::{RawVal, TrapCode};

use crate::op::Slot;

/// Finds the store function for `call_indirect`: checks bounds, null and the signature.
pub(super) fn resolve_indirect(
    regs: &[RawVal],
    store: &StoreInner,
    instance: usize,
    ty: u32,
    table: u32,
    base: Slot,
) -> Result<u32, TrapCode> {
    let entity = &store.instances[instance];
    let expected = entity.types[ty as usize];
    let params = store.types.get(expected).params().len();
    let index_slot = usize::from(base) + params;
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the table index is an i32 in the low half"
    )]
    let index = regs[index_slot] as u32;
    let table = &store.tables[entity.tables[table as usize] as usize];
    let raw = *table
        .elements
        .get(index as usize)
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
