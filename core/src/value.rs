//! WebAssembly values, and their untyped 64-bit representation inside the engines.

use crate::func::Func;
use crate::store::StoreId;
use crate::types::{RefType, ValType};

/// The untyped representation of a value in an engine's slots: `i32` zero-extended, floats as
/// their IEEE bits, and references as `0` for null or `index + 1` otherwise. Null never shares
/// a representation with a valid index (a zeroed slot is null, never function 0).
pub type RawVal = u64;

/// A WebAssembly value.
///
/// Floats are kept as their bits (as in wasmtime), so NaN payloads survive every host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its IEEE 754 bits.
    F32(u32),
    /// An `f64`, as its IEEE 754 bits.
    F64(u64),
    /// A nullable function reference.
    FuncRef(Option<Func>),
    /// A nullable host reference.
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The type of this value.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The default (zero or null) value of a type.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
        }
    }

    /// The null reference of a reference type.
    pub fn null(ty: RefType) -> Val {
        match ty {
            RefType::FuncRef => Val::FuncRef(None),
            RefType::ExternRef => Val::ExternRef(None),
        }
    }

    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(v) => Some(f32::from_bits(*v)),
            _ => None,
        }
    }

    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(v) => Some(f64::from_bits(*v)),
            _ => None,
        }
    }

    /// Encodes as a raw slot value. The caller has checked that references belong to the store.
    pub(crate) fn to_raw(self) -> RawVal {
        match self {
            Val::I32(v) => u64::from(v.cast_unsigned()),
            Val::I64(v) => v.cast_unsigned(),
            Val::F32(v) => u64::from(v),
            Val::F64(v) => v,
            Val::FuncRef(None) | Val::ExternRef(None) => 0,
            Val::FuncRef(Some(f)) => u64::from(f.index()) + 1,
            Val::ExternRef(Some(e)) => u64::from(e.index) + 1,
        }
    }

    /// Decodes a raw slot value of type `ty` in store `store`.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "raw values of 32-bit types hold the value in the low 32 bits"
    )]
    pub(crate) fn from_raw(raw: RawVal, ty: ValType, store: StoreId) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw),
            ValType::FuncRef => Val::FuncRef(
                raw.checked_sub(1)
                    .map(|i| Func::from_parts(store, i as u32)),
            ),
            ValType::ExternRef => Val::ExternRef(raw.checked_sub(1).map(|i| ExternRef {
                store,
                index: i as u32,
            })),
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Self {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Self {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Self {
        Val::F64(v.to_bits())
    }
}
impl From<Func> for Val {
    fn from(v: Func) -> Self {
        Val::FuncRef(Some(v))
    }
}

/// A reference to a host value stored in a [`Store`](crate::Store), passed to guests as
/// `externref`. The store owns the value; guests see an opaque handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}
