//! Memory instructions. Loads and stores of memory 0 read the memory's address and size from
//! [`Regs::mem`] and [`Vm::mem_len`]; every other memory instruction goes through the store
//! (`mote_core::memories`), after which the cached address is re-read.
#![expect(
    non_snake_case,
    reason = "handlers are named after the instructions they run"
)]

use mote_core::TrapCode;

use super::super::memory;
use super::super::vm::{Flow, NEXT, Regs, Vm, trap};
use crate::op::{LoadKind, Slot, StoreKind};

/// The `N` bytes at `addr + offset` of memory 0.
#[inline(always)]
fn load<const N: usize>(
    vm: &Vm<'_>,
    r: &Regs,
    addr: u32,
    offset: u32,
) -> Result<[u8; N], TrapCode> {
    // In u64: `addr + offset + N` cannot overflow, on 32-bit targets too.
    let ea = u64::from(addr) + u64::from(offset);
    if ea + N as u64 > vm.mem_len as u64 {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "ea + N <= mem_len, a usize"
    )]
    let ea = ea as usize;
    // SAFETY: invariant 3 of `vm`: `mem .. mem + mem_len` is memory 0's data, and
    // `ea + N <= mem_len` was checked above. The read is unaligned, as Wasm allows.
    Ok(unsafe { r.mem.add(ea).cast::<[u8; N]>().read_unaligned() })
}

/// Writes `bytes` at `addr + offset` of memory 0.
#[inline(always)]
fn store<const N: usize>(
    vm: &Vm<'_>,
    r: &Regs,
    addr: u32,
    offset: u32,
    bytes: [u8; N],
) -> Result<(), TrapCode> {
    let ea = u64::from(addr) + u64::from(offset);
    if ea + N as u64 > vm.mem_len as u64 {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "ea + N <= mem_len, a usize"
    )]
    let ea = ea as usize;
    // SAFETY: as in `load`: the range is inside memory 0's data.
    unsafe { r.mem.add(ea).cast::<[u8; N]>().write_unaligned(bytes) };
    Ok(())
}

/// Load handlers: `dst = convert(load::<N>(addr + offset))`, and the `…Idx` forms, whose
/// address is `a + b` (wrapping, as the `i32.add` they replace).
macro_rules! loads {
    ($( $name:ident, $indexed:ident ($n:literal) = $convert:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, addr: Slot, offset: u32,
        ) -> Flow {
            match load::<$n>(vm, r, r.u32(addr), offset) {
                Ok(bytes) => {
                    r.set(dst, ($convert)(bytes));
                    NEXT
                }
                Err(code) => trap(code),
            }
        }

        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $indexed(
            vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, a: Slot, b: Slot, offset: u32,
        ) -> Flow {
            match load::<$n>(vm, r, r.u32(a).wrapping_add(r.u32(b)), offset) {
                Ok(bytes) => {
                    r.set(dst, ($convert)(bytes));
                    NEXT
                }
                Err(code) => trap(code),
            }
        }
    )*};
}

/// Load handlers without an `…Idx` form.
macro_rules! loads_plain {
    ($( $name:ident($n:literal) = $convert:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, addr: Slot, offset: u32,
        ) -> Flow {
            match load::<$n>(vm, r, r.u32(addr), offset) {
                Ok(bytes) => {
                    r.set(dst, ($convert)(bytes));
                    NEXT
                }
                Err(code) => trap(code),
            }
        }
    )*};
}

loads! {
    Load8U, Load8UIdx(1) = |b: [u8; 1]| u64::from(b[0]);
    Load8S32, Load8S32Idx(1) = |b: [u8; 1]| u64::from(i32::from(i8::from_le_bytes(b)).cast_unsigned());
    Load16U, Load16UIdx(2) = |b| u64::from(u16::from_le_bytes(b));
    Load16S32, Load16S32Idx(2) = |b| u64::from(i32::from(i16::from_le_bytes(b)).cast_unsigned());
    Load32U, Load32UIdx(4) = |b| u64::from(u32::from_le_bytes(b));
    Load64, Load64Idx(8) = u64::from_le_bytes;
}

/// The address `a + (b << shift)` of the `…Scaled` forms, wrapping as the `i32.shl` and
/// `i32.add` they replace.
#[inline(always)]
fn scaled(r: &Regs, a: Slot, b: Slot, shift: u16) -> u32 {
    r.u32(a)
        .wrapping_add(r.u32(b).wrapping_shl(u32::from(shift)))
}

/// Load handlers of the `…Scaled` forms: the address is `a + (b << shift)`.
macro_rules! loads_scaled {
    ($( $name:ident($n:literal) = $convert:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, a: Slot, b: Slot, shift: u16, offset: u16,
        ) -> Flow {
            match load::<$n>(vm, r, scaled(r, a, b, shift), u32::from(offset)) {
                Ok(bytes) => {
                    r.set(dst, ($convert)(bytes));
                    NEXT
                }
                Err(code) => trap(code),
            }
        }
    )*};
}

loads_scaled! {
    Load16UScaled(2) = |b| u64::from(u16::from_le_bytes(b));
    Load32UScaled(4) = |b| u64::from(u32::from_le_bytes(b));
    Load64Scaled(8) = u64::from_le_bytes;
}

loads_plain! {
    Load8S64(1) = |b: [u8; 1]| i64::from(i8::from_le_bytes(b)).cast_unsigned();
    Load16S64(2) = |b| i64::from(i16::from_le_bytes(b)).cast_unsigned();
    Load32S64(4) = |b| i64::from(i32::from_le_bytes(b)).cast_unsigned();
}

/// The low `N` bytes of `value`, little-endian.
#[inline(always)]
fn low_bytes<const N: usize>(value: u64) -> [u8; N] {
    let bytes = value.to_le_bytes();
    let mut low = [0u8; N];
    low.copy_from_slice(&bytes[..N]);
    low
}

/// Store handlers: the low `N` bytes of `value`, little-endian, at `addr + offset`, and the
/// `…Idx` forms at `a + b + offset`.
macro_rules! stores {
    ($( $name:ident, $indexed:ident ($n:literal); )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            vm: &mut Vm<'_>, r: &mut Regs, addr: Slot, value: Slot, offset: u32,
        ) -> Flow {
            match store::<$n>(vm, r, r.u32(addr), offset, low_bytes(r.u64(value))) {
                Ok(()) => NEXT,
                Err(code) => trap(code),
            }
        }

        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $indexed(
            vm: &mut Vm<'_>, r: &mut Regs, a: Slot, b: Slot, value: Slot, offset: u32,
        ) -> Flow {
            let addr = r.u32(a).wrapping_add(r.u32(b));
            match store::<$n>(vm, r, addr, offset, low_bytes(r.u64(value))) {
                Ok(()) => NEXT,
                Err(code) => trap(code),
            }
        }
    )*};
}

stores! {
    Store8, Store8Idx(1);
    Store16, Store16Idx(2);
    Store32, Store32Idx(4);
    Store64, Store64Idx(8);
}

/// Store handlers of the `…Scaled` forms: the address is `a + (b << shift)`.
macro_rules! stores_scaled {
    ($( $name:ident($n:literal); )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            vm: &mut Vm<'_>, r: &mut Regs, a: Slot, b: Slot, value: Slot, shift: u16, offset: u16,
        ) -> Flow {
            let addr = scaled(r, a, b, shift);
            match store::<$n>(vm, r, addr, u32::from(offset), low_bytes(r.u64(value))) {
                Ok(()) => NEXT,
                Err(code) => trap(code),
            }
        }
    )*};
}

stores_scaled! {
    Store32Scaled(4);
    Store64Scaled(8);
}

/// Runs a memory instruction that goes through the store, then re-reads memory 0's address
/// and size (it may have grown, and the store's references to its data supersede the cache).
#[inline(always)]
fn through_store(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    op: impl FnOnce(&mut Vm<'_>, &mut Regs) -> Result<(), TrapCode>,
) -> Flow {
    let result = op(vm, r);
    vm.refresh_memory(r);
    match result {
        Ok(()) => NEXT,
        Err(code) => trap(code),
    }
}

/// Three consecutive i32 operands starting at `base` (bulk instructions).
#[inline(always)]
fn args3(r: &Regs, base: Slot) -> [u32; 3] {
    [r.u32(base), r.u32(base + 1), r.u32(base + 2)]
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemorySize(vm: &mut Vm<'_>, r: &mut Regs, dst: Slot) -> Flow {
    match memory::size(vm.store, vm.memory) {
        Ok(pages) => {
            r.set_u32(dst, pages);
            NEXT
        }
        Err(code) => trap(code),
    }
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemoryGrow(vm: &mut Vm<'_>, r: &mut Regs, delta: Slot) -> Flow {
    through_store(vm, r, |vm, r| {
        let old = memory::grow(vm.store, vm.memory, r.u32(delta))?;
        r.set_u32(delta, old);
        Ok(())
    })
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemoryCopy(vm: &mut Vm<'_>, r: &mut Regs, base: Slot) -> Flow {
    let [dst, src, len] = args3(r, base);
    through_store(vm, r, |vm, _| {
        memory::copy(vm.store, vm.memory, dst, src, len)
    })
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemoryFill(vm: &mut Vm<'_>, r: &mut Regs, base: Slot) -> Flow {
    let [dst, value, len] = args3(r, base);
    through_store(vm, r, |vm, _| {
        memory::fill(vm.store, vm.memory, dst, low8(value), len)
    })
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemoryInit(vm: &mut Vm<'_>, r: &mut Regs, segment: u32, base: Slot) -> Flow {
    let [dst, src, len] = args3(r, base);
    through_store(vm, r, |vm, _| {
        memory::init(
            vm.store,
            vm.instance as usize,
            vm.memory,
            segment,
            dst,
            src,
            len,
        )
    })
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn DataDrop(vm: &mut Vm<'_>, _r: &mut Regs, segment: u32) -> Flow {
    memory::drop_data(vm.store, vm.instance as usize, segment);
    NEXT
}

/// The store index of the instance's memory `index`.
#[inline(always)]
fn memory_at(vm: &Vm<'_>, index: u32) -> Option<u32> {
    memory::index_of(vm.store, vm.instance as usize, index)
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn LoadMem(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    kind: u8,
    memory: u8,
    dst: Slot,
    addr: Slot,
    offset: u32,
) -> Flow {
    // The verifier rejects unknown kinds; an unknown one here is not reachable.
    let Some(kind) = LoadKind::from_code(kind) else {
        return trap(TrapCode::Unreachable);
    };
    let index = memory_at(vm, u32::from(memory));
    let address = r.u32(addr);
    through_store(vm, r, |vm, r| {
        let value = memory::load_kind(vm.store, index, kind, address, offset)?;
        r.set(dst, value);
        Ok(())
    })
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn StoreMem(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    kind: u8,
    memory: u8,
    addr: Slot,
    value: Slot,
    offset: u32,
) -> Flow {
    let Some(kind) = StoreKind::from_code(kind) else {
        return trap(TrapCode::Unreachable);
    };
    let index = memory_at(vm, u32::from(memory));
    let (address, value) = (r.u32(addr), r.u64(value));
    through_store(vm, r, |vm, _| {
        memory::store_kind(vm.store, index, kind, address, offset, value)
    })
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemorySizeN(vm: &mut Vm<'_>, r: &mut Regs, dst: Slot, memory: u32) -> Flow {
    let index = memory_at(vm, memory);
    match memory::size(vm.store, index) {
        Ok(pages) => {
            r.set_u32(dst, pages);
            NEXT
        }
        Err(code) => trap(code),
    }
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemoryGrowN(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    delta: Slot,
    memory: u32,
) -> Flow {
    let index = memory_at(vm, memory);
    through_store(vm, r, |vm, r| {
        let old = memory::grow(vm.store, index, r.u32(delta))?;
        r.set_u32(delta, old);
        Ok(())
    })
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemoryCopyN(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    base: Slot,
    dst_memory: u32,
    src_memory: u32,
) -> Flow {
    let [dst, src, len] = args3(r, base);
    let (d, s) = (memory_at(vm, dst_memory), memory_at(vm, src_memory));
    through_store(vm, r, |vm, _| {
        memory::copy_between(vm.store, d, s, dst, src, len)
    })
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemoryFillN(vm: &mut Vm<'_>, r: &mut Regs, base: Slot, memory: u32) -> Flow {
    let [dst, value, len] = args3(r, base);
    let index = memory_at(vm, memory);
    through_store(vm, r, |vm, _| {
        memory::fill(vm.store, index, dst, low8(value), len)
    })
}

#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn MemoryInitN(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    base: Slot,
    memory: u16,
    segment: u32,
) -> Flow {
    let [dst, src, len] = args3(r, base);
    let index = memory_at(vm, u32::from(memory));
    through_store(vm, r, |vm, _| {
        memory::init(
            vm.store,
            vm.instance as usize,
            index,
            segment,
            dst,
            src,
            len,
        )
    })
}

/// The byte `memory.fill` writes: the low 8 bits of its operand.
#[inline(always)]
#[expect(
    clippy::cast_possible_truncation,
    reason = "memory.fill uses the low byte"
)]
fn low8(v: u32) -> u8 {
    v as u8
}

/// `BrLoad8UIdxNez` and `BrLoad8UIdxEqz`: the byte at `a + b` (wrapping) `+ offset`, then a
/// jump when it is (not) zero.
macro_rules! load_branches {
    ($( $name:ident = $taken:expr; )*) => {$(
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(in crate::exec) fn $name(
            vm: &mut Vm<'_>, r: &mut Regs, a: Slot, b: Slot, offset: u16, target: u32,
        ) -> Flow {
            let addr = r.u32(a).wrapping_add(r.u32(b));
            match load::<1>(vm, r, addr, u32::from(offset)) {
                Ok([byte]) => {
                    vm.jump_if(r, ($taken)(byte), target);
                    NEXT
                }
                Err(code) => trap(code),
            }
        }
    )*};
}

load_branches! {
    BrLoad8UIdxNez = |byte: u8| byte != 0;
    BrLoad8UIdxEqz = |byte: u8| byte == 0;
}

/// `I32AddStore32`: the word at `addr + offset` plus `value` (wrapping), written back.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(in crate::exec) fn I32AddStore32(
    vm: &mut Vm<'_>,
    r: &mut Regs,
    addr: Slot,
    value: Slot,
    offset: u32,
) -> Flow {
    let at = r.u32(addr);
    let sum = match load::<4>(vm, r, at, offset) {
        Ok(bytes) => u32::from_le_bytes(bytes).wrapping_add(r.u32(value)),
        Err(code) => return trap(code),
    };
    match store::<4>(vm, r, at, offset, sum.to_le_bytes()) {
        Ok(()) => NEXT,
        Err(code) => trap(code),
    }
}
