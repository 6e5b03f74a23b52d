//! `Func::wrap`: turning typed Rust closures into host functions.

use crate::sync::Arc;
use alloc::boxed::Box;

use super::typed::{WasmResults, WasmRet, WasmTy};
use super::{Caller, HostFn};
use crate::types::FuncType;
use crate::value::RawVal;

/// Closures that can become host functions: `Fn(Caller<T>, A, B, ...) -> R` or
/// `Fn(A, B, ...) -> R`, where the parameters are [`WasmTy`] and `R` is a [`WasmRet`].
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    /// The function type and the type-erased host function.
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, Arc<HostFn<T>>);
}

/// Marker for closures that take a [`Caller`] first.
#[derive(Debug)]
pub struct WithCaller<P>(core::marker::PhantomData<P>);

macro_rules! into_func_impls {
    ($( ($($name:ident $idx:tt),*) )*) => {$(
        impl<T, F, R, $($name: WasmTy),*> IntoFunc<T, ($($name,)*), R> for F
        where
            F: Fn($($name),*) -> R + Send + Sync + 'static,
            R: WasmRet,
        {
            fn into_func(self) -> (FuncType, Arc<HostFn<T>>) {
                let ty = FuncType::new(
                    [$($name::val_type()),*],
                    <R::Results as WasmResults>::types(),
                );
                let host = move |caller: Caller<'_, T>, args: &[RawVal], results: &mut [RawVal]| {
                    let id = caller.store.inner.id;
                    let _ = (&args, id);
                    let ret = self($($name::from_raw(args.get($idx).copied().unwrap_or(0), id)),*)
                        .into_result()?;
                    ret.into_raw(&caller.store.inner, results)
                };
                (ty, Arc::from(Box::new(host) as Box<HostFn<T>>))
            }
        }

        impl<T, F, R, $($name: WasmTy),*> IntoFunc<T, WithCaller<($($name,)*)>, R> for F
        where
            F: Fn(Caller<'_, T>, $($name),*) -> R + Send + Sync + 'static,
            R: WasmRet,
        {
            fn into_func(self) -> (FuncType, Arc<HostFn<T>>) {
                let ty = FuncType::new(
                    [$($name::val_type()),*],
                    <R::Results as WasmResults>::types(),
                );
                let host = move |caller: Caller<'_, T>, args: &[RawVal], results: &mut [RawVal]| {
                    let id = caller.store.inner.id;
                    let _ = (&args, id);
                    let store = &mut *caller.store;
                    let instance = caller.instance;
                    let ret = self(
                        Caller { store, instance },
                        $($name::from_raw(args.get($idx).copied().unwrap_or(0), id)),*
                    )
                    .into_result()?;
                    ret.into_raw(&store.inner, results)
                };
                (ty, Arc::from(Box::new(host) as Box<HostFn<T>>))
            }
        }
    )*};
}

into_func_impls! {
    ()
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F5 5)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7, I 8, J 9, K 10, L 11)
}
