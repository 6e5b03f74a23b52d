//! Indirect-call resolution. The other table instructions are `mote_core::tables`, shared with
//! the JIT.

use mote_core::TrapCode;
use mote_core::store::StoreInner;
pub(super) use mote_core::tables::{copy, drop_elem, fill, get, grow, init, set, size};

use super::vm::Regs;

use crate::op::Slot;

/// Finds the store function for `call_indirect`: checks bounds, null and the signature.
/// Inlined, so that the caller's registers stay in machine registers.
#[inline(always)]
pub(super) fn resolve_indirect(
    regs: &Regs,
    store: &StoreInner,
    instance: u32,
    ty: u32,
    table: u32,
    base: Slot,
) -> Result<u32, TrapCode> {
    let entity = &store.instances[instance as usize];
    let expected = entity.types[ty as usize];
    let params = store.types.get(expected).params().len();
    // The verifier checked that the arguments and the index lie inside the frame, whose slots
    // are 16-bit numbers.
    let index_slot = Slot::try_from(usize::from(base) + params).map_err(|_| TrapCode::HostTrap)?;
    let index = regs.u32(index_slot);
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
