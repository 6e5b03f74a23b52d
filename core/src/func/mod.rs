//! Functions: Wasm and host functions, calls, and suspended (resumable) calls.

mod call;
mod typed;
mod wrap;

use crate::sync::Arc;
use alloc::boxed::Box;
use alloc::vec::Vec;

pub use call::{CallOutcome, SuspendReason, SuspendedCall};
pub use typed::{MAX_TYPED_ARITY, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy};
pub use wrap::IntoFunc;

use crate::context::{AsContext, AsContextMut};
use crate::error::Error;
use crate::instance::{Extern, Instance};
use crate::store::{FuncEntity, FuncKind, Store, StoreId};
use crate::types::FuncType;
use crate::value::{RawVal, Val};

/// The type-erased form of every host function: raw arguments in, raw results out.
pub(crate) type HostFn<T> =
    dyn Fn(Caller<'_, T>, &[RawVal], &mut [RawVal]) -> Result<(), Error> + Send + Sync;

/// A host function registered in a store.
pub(crate) struct HostFunc<T> {
    pub(crate) func: Arc<HostFn<T>>,
    /// How many results it returns (its type's), kept here so that a call does not look the
    /// type up.
    pub(crate) results: u32,
}

/// A function handle: a Wasm function of an instance, or a host function. `Copy`; it refers
/// into the store that created it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func {
    store: StoreId,
    index: u32,
}

impl Func {
    pub(crate) fn from_parts(store: StoreId, index: u32) -> Func {
        Func { store, index }
    }

    /// The store index of this function (for engines).
    pub fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn store_id(&self) -> StoreId {
        self.store
    }

    /// Creates a host function from a closure typed with Rust types, as in wasmtime:
    /// `Func::wrap(&mut store, |caller: Caller<'_, T>, a: i32, b: i32| a + b)`.
    /// The first parameter may be a [`Caller`]; the result may be `()`, a value, a tuple, or a
    /// `Result` of those with [`Error`] (an `Err` traps the calling guest).
    pub fn wrap<T, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let (ty, host) = func.into_func();
        store.as_context_mut().0.add_host_func(&ty, host)
    }

    /// Creates a host function of type `ty` that works on [`Val`]s.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Func {
        let host = dynamic_host_fn(ty.clone(), func);
        store.as_context_mut().0.add_host_func(&ty, host)
    }

    /// The type of this function.
    ///
    /// # Panics
    /// If the function belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        let store = store.as_context().0;
        let entity = store.inner.func(*self);
        store.inner.types.get(entity.ty).clone()
    }

    /// Calls the function with `params`, writing its results to `results`.
    ///
    /// With fuel enabled, running out of fuel is an `OutOfFuel` trap here; use
    /// [`Func::call_resumable`] to suspend instead.
    ///
    /// # Errors
    /// A trap, a host error, or a usage error when the arguments do not match the type.
    pub fn call<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        match call::call(store, *self, params, results, false)? {
            CallOutcome::Finished => Ok(()),
            CallOutcome::Suspended(_) => Err(Error::usage("call suspended unexpectedly")),
        }
    }

    /// Calls the function; when it runs out of fuel or a host function asks to yield, returns a
    /// [`SuspendedCall`] that [`SuspendedCall::resume`] continues.
    ///
    /// # Errors
    /// As [`Func::call`].
    pub fn call_resumable<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<CallOutcome, Error> {
        let store = store.as_context_mut().0;
        call::call(store, *self, params, results, true)
    }

    /// A typed view of this function, checked against its type.
    ///
    /// # Errors
    /// When `Params` or `Results` do not match the function type.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        TypedFunc::new(store, *self)
    }
}

pub(crate) fn dynamic_host_fn<T: 'static>(
    ty: FuncType,
    func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
) -> Arc<HostFn<T>> {
    let host: Box<HostFn<T>> = Box::new(
        move |caller: Caller<'_, T>, args: &[RawVal], results: &mut [RawVal]| {
            let id = caller.store.inner.id;
            let params: Vec<Val> = ty
                .params()
                .iter()
                .zip(args)
                .map(|(t, raw)| Val::from_raw(*raw, *t, id))
                .collect();
            let mut vals: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
            let store = &mut *caller.store;
            func(
                Caller {
                    store,
                    instance: caller.instance,
                },
                &params,
                &mut vals,
            )?;
            for ((slot, val), expected) in results.iter_mut().zip(&vals).zip(ty.results()) {
                if val.ty() != *expected {
                    return Err(Error::usage(
                        "host function returned a value of the wrong type",
                    ));
                }
                *slot = store.inner.raw_of(*val)?;
            }
            Ok(())
        },
    );
    Arc::from(host)
}

impl<T> Store<T> {
    pub(crate) fn add_host_func(&mut self, ty: &FuncType, func: Arc<HostFn<T>>) -> Func {
        let results = u32::try_from(ty.results().len()).unwrap_or(u32::MAX);
        let ty = self.inner.types.intern(ty);
        let host_index = crate::store::next_index_infallible(&self.host_funcs);
        self.host_funcs.push(HostFunc { func, results });
        let index = crate::store::next_index_infallible(&self.inner.funcs);
        self.inner.funcs.push(FuncEntity {
            ty,
            kind: FuncKind::Host { index: host_index },
        });
        Func::from_parts(self.inner.id, index)
    }
}

impl crate::store::StoreInner {
    /// The entity of a function handle.
    ///
    /// # Panics
    /// If the handle belongs to another store.
    pub(crate) fn func(&self, func: Func) -> &FuncEntity {
        assert!(
            func.store == self.id,
            "function used with a store it does not belong to"
        );
        &self.funcs[func.index as usize]
    }

    /// Converts a value to its raw form, checking that references belong to this store.
    pub(crate) fn raw_of(&self, val: Val) -> Result<RawVal, Error> {
        let foreign = match val {
            Val::FuncRef(Some(f)) => f.store != self.id,
            Val::ExternRef(Some(e)) => e.store != self.id,
            _ => false,
        };
        if foreign {
            return Err(Error::usage("reference from another store"));
        }
        Ok(val.to_raw())
    }
}

/// The view a host function has of its caller: the store (and the embedder's data) and the
/// calling instance.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<Instance>,
}

impl<T> core::fmt::Debug for Caller<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Caller")
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

impl<T> Caller<'_, T> {
    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.store.data
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.store.data
    }

    /// Memory 0 of the calling instance, without a lookup by name: what WASI-style host
    /// functions use for their pointer arguments.
    pub fn default_memory(&self) -> Option<crate::Memory> {
        let instance = self.instance?;
        let index = *self
            .store
            .inner
            .instances
            .get(instance.index() as usize)?
            .memories
            .first()?;
        Some(crate::Memory::from_parts(self.store.inner.id, index))
    }

    /// An export of the calling instance (for example its `memory`).
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        self.instance?.get_export(&*self.store, name)
    }

    /// Charges `amount` fuel to the running call.
    ///
    /// # Errors
    /// When fuel metering is off, or less than `amount` remains (nothing is charged then; the
    /// host may return the error to trap, or [`Caller::request_yield`] and retry later).
    pub fn consume_fuel(&mut self, amount: u64) -> Result<(), Error> {
        let inner = &mut self.store.inner;
        if !inner.fuel_enabled {
            return Err(Error::usage("fuel metering is off"));
        }
        match inner.fuel.checked_sub(amount) {
            Some(rest) => {
                inner.fuel = rest;
                Ok(())
            }
            None => Err(crate::trap::TrapCode::OutOfFuel.into()),
        }
    }

    /// The remaining fuel.
    ///
    /// # Errors
    /// When fuel metering is off.
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.store.get_fuel()
    }

    /// Asks the running call to suspend when this host function returns. A call made with
    /// [`Func::call_resumable`] then returns [`CallOutcome::Suspended`]; a plain
    /// [`Func::call`] ignores the request.
    pub fn request_yield(&mut self) {
        self.store.inner.yield_requested = true;
    }

    /// The engine.
    pub fn engine(&self) -> &crate::engine::Engine {
        self.store.engine()
    }
}
