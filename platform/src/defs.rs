//! Where the host functions are defined: a [`Linker`], either with every WASI-lite function or
//! only with the ones a module imports ([`crate::add_imports_to_linker`]).
//!
//! Defining one host function allocates its names, its type and the function itself (about
//! 120 bytes on a 32-bit target); all of WASI-lite is about 73 of them. A device with a few KiB
//! of heap defines only what its app uses: the filter runs before anything is made.

use mote_core::{Caller, Error, FuncType, IntoFunc, Linker, Module, Val};

/// A linker and, optionally, the module whose imports are the only names to define.
pub(crate) struct Defs<'a, T> {
    linker: &'a mut Linker<T>,
    only: Option<&'a Module>,
}

impl<'a, T> Defs<'a, T> {
    /// Defines every name in `linker`.
    pub(crate) fn all(linker: &'a mut Linker<T>) -> Self {
        Self { linker, only: None }
    }

    /// Defines in `linker` only the names `module` imports.
    pub(crate) fn imported_by(linker: &'a mut Linker<T>, module: &'a Module) -> Self {
        Self {
            linker,
            only: Some(module),
        }
    }

    /// Whether `module`.`name` is to be defined.
    fn wanted(&self, module: &str, name: &str) -> bool {
        self.only.is_none_or(|m| {
            m.imports()
                .any(|(from, import, _)| from == module && import == name)
        })
    }

    /// [`Linker::func_wrap`], when the name is wanted; the closure is not turned into a host
    /// function (no allocation) otherwise.
    pub(crate) fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        if self.wanted(module, name) {
            self.linker.func_wrap(module, name, func)?;
        }
        Ok(self)
    }

    /// [`Linker::func_new`], when the name is wanted.
    pub(crate) fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: impl FnOnce() -> FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error>
    where
        T: 'static,
    {
        if self.wanted(module, name) {
            self.linker.func_new(module, name, ty(), func)?;
        }
        Ok(self)
    }
}
