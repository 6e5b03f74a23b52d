//! Typed functions: Rust types for parameters and results, checked once against the Wasm type.

use alloc::vec::Vec;
use core::marker::PhantomData;

use super::Func;
use super::call::CallOutcome;
use crate::context::{AsContext, AsContextMut};
use crate::error::{Error, Message};
use crate::store::{StoreId, StoreInner};
use crate::types::{FuncType, ValType};
use crate::value::{ExternRef, RawVal, Val};

/// A Rust type that is a Wasm value type.
pub trait WasmTy: Sized + Send + 'static {
    /// The Wasm type.
    fn val_type() -> ValType;
    /// To a [`Val`].
    fn into_val(self) -> Val;
    /// From a raw slot value of this type.
    fn from_raw(raw: RawVal, store: StoreId) -> Self;
}

macro_rules! wasm_ty_via_val {
    ($($ty:ty => $vt:ident, $val:ident, |$r:ident, $s:ident| $from:expr;)*) => {$(
        impl WasmTy for $ty {
            fn val_type() -> ValType { ValType::$vt }
            fn into_val(self) -> Val { Val::from(self) }
            fn from_raw($r: RawVal, $s: StoreId) -> Self {
                let _ = $s;
                $from
            }
        }
    )*};
}

wasm_ty_via_val! {
    i32 => I32, I32, |r, s| Val::from_raw(r, ValType::I32, s).i32().unwrap_or_default();
    i64 => I64, I64, |r, s| r as i64;
    f32 => F32, F32, |r, s| f32::from_bits(Val::from_raw(r, ValType::F32, s).f32().map_or(0, f32::to_bits));
    f64 => F64, F64, |r, s| f64::from_bits(r);
}

impl WasmTy for u32 {
    fn val_type() -> ValType {
        ValType::I32
    }
    fn into_val(self) -> Val {
        Val::I32(self.cast_signed())
    }
    fn from_raw(raw: RawVal, store: StoreId) -> Self {
        <i32 as WasmTy>::from_raw(raw, store).cast_unsigned()
    }
}

impl WasmTy for u64 {
    fn val_type() -> ValType {
        ValType::I64
    }
    fn into_val(self) -> Val {
        Val::I64(self.cast_signed())
    }
    fn from_raw(raw: RawVal, _store: StoreId) -> Self {
        raw
    }
}

impl WasmTy for Option<Func> {
    fn val_type() -> ValType {
        ValType::FuncRef
    }
    fn into_val(self) -> Val {
        Val::FuncRef(self)
    }
    fn from_raw(raw: RawVal, store: StoreId) -> Self {
        match Val::from_raw(raw, ValType::FuncRef, store) {
            Val::FuncRef(f) => f,
            _ => None,
        }
    }
}

impl WasmTy for Option<ExternRef> {
    fn val_type() -> ValType {
        ValType::ExternRef
    }
    fn into_val(self) -> Val {
        Val::ExternRef(self)
    }
    fn from_raw(raw: RawVal, store: StoreId) -> Self {
        match Val::from_raw(raw, ValType::ExternRef, store) {
            Val::ExternRef(e) => e,
            _ => None,
        }
    }
}

/// Parameters of a typed function: `()`, a single [`WasmTy`], or a tuple of them (at most
/// [`MAX_TYPED_ARITY`]).
pub trait WasmParams: Send + 'static {
    /// The Wasm types.
    fn types() -> Vec<ValType>;
    /// How many values.
    fn count() -> usize;
    /// Writes the raw values to `out[..count()]`, checking that references belong to the store.
    ///
    /// # Errors
    /// A reference from another store.
    fn write_raw(self, inner: &StoreInner, out: &mut [RawVal]) -> Result<(), Error>;
    /// Converts to values.
    fn into_vals(self, out: &mut Vec<Val>);
    /// Reads from raw values.
    fn from_raw(raw: &[RawVal], store: StoreId) -> Self;
}

/// Results of a typed function: `()`, a single [`WasmTy`], or a tuple of them (at most
/// [`MAX_TYPED_ARITY`]).
pub trait WasmResults: Send + 'static {
    /// The Wasm types.
    fn types() -> Vec<ValType>;
    /// How many values.
    fn count() -> usize;
    /// Reads from raw values of the right types.
    fn read_raw(raw: &[RawVal], store: StoreId) -> Self;
    /// Reads from values (already type-checked).
    fn from_vals(vals: &[Val], store: StoreId) -> Self;
    /// Writes to raw values.
    fn into_raw(self, inner: &StoreInner, out: &mut [RawVal]) -> Result<(), Error>;
}

/// What a host closure may return: results, or a `Result` of them.
pub trait WasmRet {
    /// The results.
    type Results: WasmResults;
    /// To a `Result`.
    fn into_result(self) -> Result<Self::Results, Error>;
}

impl<R: WasmResults> WasmRet for R {
    type Results = R;
    fn into_result(self) -> Result<R, Error> {
        Ok(self)
    }
}

impl<R: WasmResults> WasmRet for Result<R, Error> {
    type Results = R;
    fn into_result(self) -> Result<R, Error> {
        self
    }
}

impl<A: WasmTy> WasmParams for A {
    fn types() -> Vec<ValType> {
        alloc::vec![A::val_type()]
    }
    fn count() -> usize {
        1
    }
    fn write_raw(self, inner: &StoreInner, out: &mut [RawVal]) -> Result<(), Error> {
        if let Some(slot) = out.first_mut() {
            *slot = inner.raw_of(self.into_val())?;
        }
        Ok(())
    }
    fn into_vals(self, out: &mut Vec<Val>) {
        out.push(self.into_val());
    }
    fn from_raw(raw: &[RawVal], store: StoreId) -> Self {
        A::from_raw(raw.first().copied().unwrap_or(0), store)
    }
}

impl<A: WasmTy> WasmResults for A {
    fn types() -> Vec<ValType> {
        alloc::vec![A::val_type()]
    }
    fn count() -> usize {
        1
    }
    fn read_raw(raw: &[RawVal], store: StoreId) -> Self {
        A::from_raw(raw.first().copied().unwrap_or(0), store)
    }
    fn from_vals(vals: &[Val], store: StoreId) -> Self {
        let raw = vals.first().map_or(0, |v| v.to_raw());
        A::from_raw(raw, store)
    }
    fn into_raw(self, inner: &StoreInner, out: &mut [RawVal]) -> Result<(), Error> {
        if let Some(slot) = out.first_mut() {
            *slot = inner.raw_of(self.into_val())?;
        }
        Ok(())
    }
}

macro_rules! tuple_impls {
    ($( ($($name:ident $idx:tt),*) )*) => {$(
        impl<$($name: WasmTy),*> WasmParams for ($($name,)*) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($name::val_type()),*]
            }
            fn count() -> usize {
                <[usize]>::len(&[$($idx),*])
            }
            #[allow(unused_variables, reason = "the empty tuple has no values")]
            fn write_raw(self, inner: &StoreInner, out: &mut [RawVal]) -> Result<(), Error> {
                $(if let Some(slot) = out.get_mut($idx) {
                    *slot = inner.raw_of(self.$idx.into_val())?;
                })*
                Ok(())
            }
            #[allow(unused_variables, reason = "the empty tuple has no values")]
            fn into_vals(self, out: &mut Vec<Val>) {
                $(out.push(self.$idx.into_val());)*
            }
            #[allow(unused_variables, clippy::unused_unit, reason = "the empty tuple has no values")]
            fn from_raw(raw: &[RawVal], store: StoreId) -> Self {
                ($($name::from_raw(raw.get($idx).copied().unwrap_or(0), store),)*)
            }
        }

        impl<$($name: WasmTy),*> WasmResults for ($($name,)*) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($name::val_type()),*]
            }
            fn count() -> usize {
                <[usize]>::len(&[$($idx),*])
            }
            #[allow(unused_variables, clippy::unused_unit, reason = "the empty tuple has no values")]
            fn read_raw(raw: &[RawVal], store: StoreId) -> Self {
                ($($name::from_raw(raw.get($idx).copied().unwrap_or(0), store),)*)
            }
            #[allow(unused_variables, clippy::unused_unit, reason = "the empty tuple has no values")]
            fn from_vals(vals: &[Val], store: StoreId) -> Self {
                ($($name::from_raw(vals.get($idx).map_or(0, |v| v.to_raw()), store),)*)
            }
            #[allow(unused_variables, reason = "the empty tuple has no values")]
            fn into_raw(self, inner: &StoreInner, out: &mut [RawVal]) -> Result<(), Error> {
                $(if let Some(slot) = out.get_mut($idx) {
                    *slot = inner.raw_of(self.$idx.into_val())?;
                })*
                Ok(())
            }
        }
    )*};
}

tuple_impls! {
    ()
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
}

/// The most parameters or results a [`TypedFunc`] has (the tuple impls go up to 10).
pub const MAX_TYPED_ARITY: usize = 16;

/// A function with its type checked against `Params` and `Results` once, so calls skip the
/// per-value type checks.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _marker: PhantomData<fn(Params) -> Results>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<P, R> core::fmt::Debug for TypedFunc<P, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TypedFunc")
            .field("func", &self.func)
            .finish()
    }
}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    pub(crate) fn new(store: impl AsContext, func: Func) -> Result<Self, Error> {
        let ty = func.ty(store);
        let expected = FuncType::new(Params::types(), Results::types());
        if ty != expected {
            return Err(Error::usage(Message::types(
                "typed function",
                &expected,
                &ty,
            )));
        }
        Ok(Self {
            func,
            _marker: PhantomData,
        })
    }

    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }

    /// Calls the function. Arguments and results pass through a fixed buffer on the host stack:
    /// the call itself allocates nothing.
    ///
    /// # Errors
    /// A trap or host error.
    pub fn call<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: Params,
    ) -> Result<Results, Error> {
        let store = store.as_context_mut().0;
        let id = store.inner.id;
        let mut params = Some(params);
        let mut results = None;
        super::call::call_typed(
            store,
            self.func,
            (Params::count(), Results::count()),
            &mut |inner, args| params.take().map_or(Ok(()), |p| p.write_raw(inner, args)),
            &mut |raw| results = Some(Results::read_raw(raw, id)),
        )?;
        results.ok_or_else(|| Error::usage("the call returned no results"))
    }

    /// Calls the function; it may suspend (see [`Func::call_resumable`]). When it finishes, the
    /// results are in the returned vector of values.
    ///
    /// # Errors
    /// A trap or host error.
    pub fn call_resumable<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: Params,
        results: &mut Vec<Val>,
    ) -> Result<CallOutcome, Error> {
        let (args, vals) = self.buffers(params);
        *results = vals;
        self.func
            .call_resumable(store.as_context_mut(), &args, results)
    }

    fn buffers(&self, params: Params) -> (Vec<Val>, Vec<Val>) {
        let mut args = Vec::new();
        params.into_vals(&mut args);
        let results = Results::types().into_iter().map(Val::default_for).collect();
        (args, results)
    }
}
