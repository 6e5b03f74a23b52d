//! Reference models of a linear memory and a table, for differential property tests: each
//! operation is applied to the model and to a Mote instance, and the results must agree.

use mote::{TrapCode, Val};
use proptest::prelude::*;

use crate::ops::int32;

/// A module whose exports access memory in every width, at several static offsets.
pub const MEMORY: &str = r#"
(module
  (memory (export "memory") 1 4)
  (func (export "i32.load8_u") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "i32.load16_s") (param i32) (result i32) (i32.load16_s offset=3 (local.get 0)))
  (func (export "i32.load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "i64.load") (param i32) (result i64) (i64.load offset=65535 (local.get 0)))
  (func (export "i64.load8_s") (param i32) (result i64) (i64.load8_s (local.get 0)))
  (func (export "f32.load") (param i32) (result f32) (f32.load offset=1 (local.get 0)))
  (func (export "i32.store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "i32.store16") (param i32 i32) (i32.store16 offset=1 (local.get 0) (local.get 1)))
  (func (export "i32.store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "i64.store") (param i32 i64) (i64.store offset=7 (local.get 0) (local.get 1)))
  (func (export "i64.store32") (param i32 i64) (i64.store32 offset=2 (local.get 0) (local.get 1)))
  (func (export "f64.store") (param i32 f64) (f64.store (local.get 0) (local.get 1)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
"#;

/// The loads of [`MEMORY`]: export name, access size, static offset, result kind.
pub const LOADS: &[(&str, u64, u64, Kind)] = &[
    ("i32.load8_u", 1, 0, Kind::I32),
    ("i32.load16_s", 2, 3, Kind::I32Signed),
    ("i32.load", 4, 0, Kind::I32),
    ("i64.load", 8, 65535, Kind::I64),
    ("i64.load8_s", 1, 0, Kind::I64Signed),
    ("f32.load", 4, 1, Kind::F32),
];

/// The stores of [`MEMORY`]: export name, access size, static offset, value kind.
pub const STORES: &[(&str, u64, u64, Kind)] = &[
    ("i32.store8", 1, 0, Kind::I32),
    ("i32.store16", 2, 1, Kind::I32),
    ("i32.store", 4, 0, Kind::I32),
    ("i64.store", 8, 7, Kind::I64),
    ("i64.store32", 4, 2, Kind::I64),
    ("f64.store", 8, 0, Kind::F64),
];

/// How loaded bytes become a value, or how a stored value is passed.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    I32,
    I32Signed,
    I64,
    I64Signed,
    F32,
    F64,
}

impl Kind {
    /// The value of `size` little-endian bytes `raw`.
    fn load(self, raw: u64, size: u64) -> Val {
        let shift = 64 - 8 * size;
        let signed = ((raw << shift) as i64) >> shift;
        match self {
            Kind::I32 => Val::I32(raw as u32 as i32),
            Kind::I32Signed => Val::I32(signed as i32),
            Kind::I64 => Val::I64(raw as i64),
            Kind::I64Signed => Val::I64(signed),
            Kind::F32 => Val::F32(raw as u32),
            Kind::F64 => Val::F64(raw),
        }
    }

    /// The argument that stores the bits `raw`.
    pub fn arg(self, raw: u64) -> Val {
        match self {
            Kind::I32 | Kind::I32Signed => Val::I32(raw as u32 as i32),
            Kind::I64 | Kind::I64Signed => Val::I64(raw as i64),
            Kind::F32 => Val::F32(raw as u32),
            Kind::F64 => Val::F64(raw),
        }
    }
}

/// One operation on [`MEMORY`].
#[derive(Debug, Clone)]
pub enum MemOp {
    /// Load number `.0` of [`LOADS`] at the address.
    Load(usize, u32),
    /// Store number `.0` of [`STORES`]: address and bits.
    Store(usize, u32, u64),
    /// `memory.fill`: destination, byte, length.
    Fill(u32, u32, u32),
    /// `memory.copy`: destination, source, length.
    Copy(u32, u32, u32),
    /// `memory.grow` by pages.
    Grow(u32),
}

/// The reference model of [`MEMORY`]'s memory.
#[derive(Debug)]
pub struct MemoryModel {
    pub bytes: Vec<u8>,
}

const PAGE: usize = 65536;

impl MemoryModel {
    pub fn new() -> Self {
        Self {
            bytes: vec![0; PAGE],
        }
    }

    /// The byte range `[addr + offset, +size)`, if it is inside the memory.
    fn range(&self, addr: u32, offset: u64, size: u64) -> Result<std::ops::Range<usize>, TrapCode> {
        let start = u64::from(addr) + offset;
        let end = start + size;
        if end > self.bytes.len() as u64 {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        Ok(start as usize..end as usize)
    }

    /// Applies `op`; returns the export to call, its arguments, and the expected outcome.
    pub fn apply(&mut self, op: &MemOp) -> (&'static str, Vec<Val>, Result<Option<Val>, TrapCode>) {
        match *op {
            MemOp::Load(which, addr) => {
                let (name, size, offset, kind) = LOADS[which];
                let expected = self.range(addr, offset, size).map(|r| {
                    let mut raw = [0u8; 8];
                    raw[..r.len()].copy_from_slice(&self.bytes[r]);
                    Some(kind.load(u64::from_le_bytes(raw), size))
                });
                (name, vec![Val::I32(addr as i32)], expected)
            }
            MemOp::Store(which, addr, bits) => {
                let (name, size, offset, kind) = STORES[which];
                let expected = self.range(addr, offset, size).map(|r| {
                    let len = r.len();
                    self.bytes[r].copy_from_slice(&bits.to_le_bytes()[..len]);
                    None
                });
                (name, vec![Val::I32(addr as i32), kind.arg(bits)], expected)
            }
            MemOp::Fill(dst, byte, len) => {
                let expected = self.range(dst, 0, u64::from(len)).map(|r| {
                    self.bytes[r].fill(byte as u8);
                    None
                });
                let args = [dst, byte, len].map(|v| Val::I32(v as i32)).to_vec();
                ("fill", args, expected)
            }
            MemOp::Copy(dst, src, len) => {
                let expected = self.range(src, 0, u64::from(len)).and_then(|s| {
                    self.range(dst, 0, u64::from(len))?;
                    self.bytes.copy_within(s, dst as usize);
                    Ok(None)
                });
                let args = [dst, src, len].map(|v| Val::I32(v as i32)).to_vec();
                ("copy", args, expected)
            }
            MemOp::Grow(delta) => {
                let pages = self.bytes.len() / PAGE;
                let result = if u64::from(delta) + pages as u64 <= 4 {
                    self.bytes.resize((pages + delta as usize) * PAGE, 0);
                    pages as i32
                } else {
                    -1
                };
                (
                    "grow",
                    vec![Val::I32(delta as i32)],
                    Ok(Some(Val::I32(result))),
                )
            }
        }
    }
}

/// A module with a table of at most 6 functions of two types, and exports that use it.
pub const TABLE: &str = r#"
(module
  (type $un (func (param i32) (result i32)))
  (type $nul (func (result i32)))
  (table $t (export "table") 2 6 funcref)
  (elem (i32.const 0) $inc $dbl)
  (elem declare func $k)
  (func $inc (type $un) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $un) (i32.mul (local.get 0) (i32.const 2)))
  (func $k (type $nul) (i32.const 7))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $un) (local.get 1) (local.get 0)))
  (func (export "call_k") (param i32) (result i32) (call_indirect (type $nul) (local.get 0)))
  (func (export "set_inc") (param i32) (table.set $t (local.get 0) (ref.func $inc)))
  (func (export "set_k") (param i32) (table.set $t (local.get 0) (ref.func $k)))
  (func (export "set_null") (param i32) (table.set $t (local.get 0) (ref.null func)))
  (func (export "is_null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "size") (result i32) (table.size $t)))
"#;

/// The functions that [`TABLE`]'s table can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Inc,
    Dbl,
    K,
}

/// One operation on [`TABLE`].
#[derive(Debug, Clone)]
pub enum TableOp {
    /// `call_indirect` of type `$un`: index, argument.
    Call(u32, i32),
    /// `call_indirect` of type `$nul`: index.
    CallK(u32),
    /// `table.set` of `$inc`, `$k` or null.
    Set(u32, Option<Entry>),
    /// `ref.is_null (table.get i)`.
    IsNull(u32),
    /// `table.grow` with null.
    Grow(u32),
    /// `table.size`.
    Size,
}

/// The reference model of [`TABLE`]'s table.
#[derive(Debug)]
pub struct TableModel {
    pub entries: Vec<Option<Entry>>,
}

impl TableModel {
    pub fn new() -> Self {
        Self {
            entries: vec![Some(Entry::Inc), Some(Entry::Dbl)],
        }
    }

    fn get(&self, index: u32, missing: TrapCode) -> Result<Option<Entry>, TrapCode> {
        self.entries.get(index as usize).copied().ok_or(missing)
    }

    /// Applies `op`; returns the export to call, its arguments, and the expected outcome.
    pub fn apply(
        &mut self,
        op: &TableOp,
    ) -> (&'static str, Vec<Val>, Result<Option<Val>, TrapCode>) {
        let i32v = |v: u32| Val::I32(v as i32);
        match *op {
            TableOp::Call(index, x) => {
                let expected = match self.get(index, TrapCode::UndefinedElement) {
                    Ok(Some(Entry::Inc)) => Ok(Some(Val::I32(x.wrapping_add(1)))),
                    Ok(Some(Entry::Dbl)) => Ok(Some(Val::I32(x.wrapping_mul(2)))),
                    Ok(Some(Entry::K)) => Err(TrapCode::BadSignature),
                    Ok(None) => Err(TrapCode::IndirectCallToNull),
                    Err(e) => Err(e),
                };
                ("call", vec![i32v(index), Val::I32(x)], expected)
            }
            TableOp::CallK(index) => {
                let expected = match self.get(index, TrapCode::UndefinedElement) {
                    Ok(Some(Entry::K)) => Ok(Some(Val::I32(7))),
                    Ok(Some(_)) => Err(TrapCode::BadSignature),
                    Ok(None) => Err(TrapCode::IndirectCallToNull),
                    Err(e) => Err(e),
                };
                ("call_k", vec![i32v(index)], expected)
            }
            TableOp::Set(index, entry) => {
                let name = match entry {
                    Some(Entry::K) => "set_k",
                    Some(_) => "set_inc",
                    None => "set_null",
                };
                let entry = entry.map(|e| if e == Entry::K { e } else { Entry::Inc });
                let expected = match self.entries.get_mut(index as usize) {
                    Some(slot) => {
                        *slot = entry;
                        Ok(None)
                    }
                    None => Err(TrapCode::TableOutOfBounds),
                };
                (name, vec![i32v(index)], expected)
            }
            TableOp::IsNull(index) => {
                let expected = self
                    .get(index, TrapCode::TableOutOfBounds)
                    .map(|e| Some(Val::I32(i32::from(e.is_none()))));
                ("is_null", vec![i32v(index)], expected)
            }
            TableOp::Grow(delta) => {
                let old = self.entries.len();
                let result = if u64::from(delta) + old as u64 <= 6 {
                    self.entries.resize(old + delta as usize, None);
                    old as i32
                } else {
                    -1
                };
                ("grow", vec![i32v(delta)], Ok(Some(Val::I32(result))))
            }
            TableOp::Size => (
                "size",
                vec![],
                Ok(Some(Val::I32(self.entries.len() as i32))),
            ),
        }
    }
}

/// Addresses mostly in two small hot spots (so that loads see earlier stores), near the ends
/// of pages, anywhere, and near `u32::MAX`.
fn address() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => 0..24u32,
        3 => 0xfff0..0x1_0010u32,
        1 => 0x1_fff0..0x2_0010u32,
        1 => 0x3_fff0..0x4_0010u32,
        1 => 0..0x4_0010u32,
        1 => any::<u32>(),
        1 => (u32::MAX - 16)..=u32::MAX,
    ]
}

/// Random operations on [`MEMORY`], mostly loads and stores.
pub fn mem_op() -> impl Strategy<Value = MemOp> {
    let len = prop_oneof![0..64u32, 0..0x2_0000u32, any::<u32>()];
    prop_oneof![
        4 => (0..LOADS.len(), address()).prop_map(|(w, a)| MemOp::Load(w, a)),
        4 => (0..STORES.len(), address(), any::<u64>()).prop_map(|(w, a, v)| MemOp::Store(w, a, v)),
        1 => (address(), any::<u32>(), len.clone()).prop_map(|(d, b, n)| MemOp::Fill(d, b, n)),
        1 => (address(), address(), len).prop_map(|(d, s, n)| MemOp::Copy(d, s, n)),
        1 => prop_oneof![0..3u32, any::<u32>()].prop_map(MemOp::Grow),
    ]
}

/// Random operations on [`TABLE`], with indices mostly near the table's size.
pub fn table_op() -> impl Strategy<Value = TableOp> {
    let index = || prop_oneof![0..8u32, any::<u32>()];
    let entry = prop_oneof![Just(None), Just(Some(Entry::Inc)), Just(Some(Entry::K))];
    prop_oneof![
        3 => (index(), int32()).prop_map(|(i, x)| TableOp::Call(i, x)),
        2 => index().prop_map(TableOp::CallK),
        2 => (index(), entry).prop_map(|(i, e)| TableOp::Set(i, e)),
        1 => index().prop_map(TableOp::IsNull),
        1 => prop_oneof![0..3u32, any::<u32>()].prop_map(TableOp::Grow),
        1 => Just(TableOp::Size),
    ]
}
