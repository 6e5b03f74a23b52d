//! The linker: resolves a module's imports by name.

use crate::sync::Arc;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::context::{AsContext, AsContextMut};
use crate::error::Error;
use crate::func::{Caller, HostFn, IntoFunc};
use crate::instance::{Extern, Instance};
use crate::module::Module;
use crate::types::FuncType;
use crate::value::Val;

enum Definition<T> {
    Extern(Extern),
    HostFunc { ty: FuncType, func: Arc<HostFn<T>> },
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::HostFunc { ty, func } => Definition::HostFunc {
                ty: ty.clone(),
                func: func.clone(),
            },
        }
    }
}

/// Resolves imports by `(module, name)` and instantiates modules. Host functions defined here
/// are not tied to a store: each instantiation creates them in the store it uses.
pub struct Linker<T> {
    definitions: BTreeMap<(Box<str>, Box<str>), Definition<T>>,
    allow_shadowing: bool,
}

impl<T> core::fmt::Debug for Linker<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Linker")
            .field("definitions", &self.definitions.len())
            .finish_non_exhaustive()
    }
}

impl<T> Default for Linker<T> {
    fn default() -> Self {
        Self {
            definitions: BTreeMap::new(),
            allow_shadowing: false,
        }
    }
}

impl<T> Linker<T> {
    /// An empty linker. (The engine argument mirrors wasmtime's API.)
    pub fn new(_engine: &crate::engine::Engine) -> Self {
        Self::default()
    }

    /// Whether a later definition may replace an earlier one with the same name.
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<(), Error> {
        let key = (Box::from(module), Box::from(name));
        if !self.allow_shadowing && self.definitions.contains_key(&key) {
            return Err(Error::link(module, name, "defined twice"));
        }
        self.definitions.insert(key, def);
        Ok(())
    }

    /// Defines `module`.`name` as `item`.
    ///
    /// # Errors
    /// When the name is taken and shadowing is off.
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Extern(item.into()))?;
        Ok(self)
    }

    /// Defines a host function from a typed closure (see [`Func::wrap`]).
    ///
    /// # Errors
    /// When the name is taken and shadowing is off.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        let (ty, func) = func.into_func();
        self.insert(module, name, Definition::HostFunc { ty, func })?;
        Ok(self)
    }

    /// Defines a host function of type `ty` over [`Val`]s (see [`Func::new`]).
    ///
    /// # Errors
    /// When the name is taken and shadowing is off.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error>
    where
        T: 'static,
    {
        let func = crate::func::dynamic_host_fn(ty.clone(), func);
        self.insert(module, name, Definition::HostFunc { ty, func })?;
        Ok(self)
    }

    /// Defines every export of `instance` under module name `module`.
    ///
    /// # Errors
    /// When a name is taken and shadowing is off.
    pub fn instance(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        for (name, item) in instance.exports(&store) {
            self.insert(module, &name, Definition::Extern(item))?;
        }
        Ok(self)
    }

    /// The definition of `module`.`name` in `store` (host functions are created in it).
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let def = self
            .definitions
            .get(&(Box::from(module), Box::from(name)))?
            .clone();
        Some(self.materialise(store.as_context_mut().0, def))
    }

    fn materialise(&self, store: &mut crate::store::Store<T>, def: Definition<T>) -> Extern {
        match def {
            Definition::Extern(e) => e,
            Definition::HostFunc { ty, func } => Extern::Func(store.add_host_func(&ty, func)),
        }
    }

    /// Resolves the imports of `module` and instantiates it (running its start function).
    ///
    /// # Errors
    /// `Link` errors naming the first unresolved import; otherwise as [`Instance::new`].
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        let store = store.as_context_mut().0;
        let mut imports = Vec::with_capacity(module.info().imports.len());
        let mut missing: Option<(String, String)> = None;
        for import in &module.info().imports {
            match self
                .definitions
                .get(&(Box::from(&*import.module), Box::from(&*import.name)))
            {
                Some(def) => imports.push(self.materialise(store, def.clone())),
                None => {
                    missing = Some((String::from(&*import.module), String::from(&*import.name)));
                    break;
                }
            }
        }
        if let Some((module_name, name)) = missing {
            return Err(Error::link(
                &module_name,
                &name,
                "unknown import: the linker has no definition of that name",
            ));
        }
        Instance::new(store, module, &imports)
    }
}
