//! Handles to memories, tables and globals.

use crate::context::{AsContext, AsContextMut};
use crate::error::Error;
use crate::store::{GlobalEntity, MemoryEntity, StoreId, StoreInner, TableEntity, next_index};
use crate::trap::TrapCode;
use crate::types::{GlobalType, MemoryType, Mutability, TableType};
use crate::value::Val;

/// A linear memory. `Copy`; it refers into its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Memory {
    pub(crate) fn from_parts(store: StoreId, index: u32) -> Self {
        Self { store, index }
    }

    /// Creates a memory of type `ty`.
    ///
    /// # Errors
    /// When the minimum size exceeds the store's limits or cannot be allocated.
    pub fn new<T>(mut store: impl AsContextMut<Data = T>, ty: MemoryType) -> Result<Memory, Error> {
        let inner = &mut store.as_context_mut().0.inner;
        if inner.memories.len() >= inner.limits.memories as usize {
            return Err(Error::limit(
                "memories per store",
                inner.memories.len() as u64 + 1,
                u64::from(inner.limits.memories),
            ));
        }
        let entity = MemoryEntity::new(
            &inner.engine,
            ty,
            None,
            inner.limits.memory_bytes,
            inner.memory_reservation,
        )?;
        let index = next_index(&inner.memories, "memories per store")?;
        inner.memories.push(entity);
        Ok(Self::from_parts(inner.id, index))
    }

    fn entity<'a>(&self, inner: &'a StoreInner) -> &'a MemoryEntity {
        assert!(
            self.store == inner.id,
            "memory used with a store it does not belong to"
        );
        &inner.memories[self.index as usize]
    }

    fn entity_mut<'a>(&self, inner: &'a mut StoreInner) -> &'a mut MemoryEntity {
        assert!(
            self.store == inner.id,
            "memory used with a store it does not belong to"
        );
        &mut inner.memories[self.index as usize]
    }

    /// Its type (with the current minimum).
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        self.entity(&store.as_context().0.inner).ty
    }

    /// Current size in pages.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(&store.as_context().0.inner).size_pages()
    }

    /// Current size in bytes.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        self.entity(&store.as_context().0.inner).byte_len()
    }

    /// Grows by `delta` pages and returns the old size in pages.
    ///
    /// # Errors
    /// When the maximum or the store limit would be exceeded, or allocation fails.
    pub fn grow<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        delta: u64,
    ) -> Result<u64, Error> {
        let entity = self.entity_mut(&mut store.as_context_mut().0.inner);
        let current = entity.size_pages();
        entity.grow(delta).ok_or_else(|| {
            Error::limit(
                "memory pages",
                current.saturating_add(delta),
                entity.max_bytes >> entity.ty.page_size_log2,
            )
        })
    }

    /// The memory's bytes.
    pub fn data<'a, T: 'a>(&self, store: impl Into<crate::StoreContext<'a, T>>) -> &'a [u8] {
        let store = store.into();
        self.entity(&store.0.inner).data()
    }

    /// The memory's bytes, mutably. Valid until the memory grows (the borrow prevents that).
    pub fn data_mut<'a, T: 'a>(
        &self,
        store: impl Into<crate::StoreContextMut<'a, T>>,
    ) -> &'a mut [u8] {
        let store = store.into();
        self.entity_mut(&mut store.0.inner).data_mut()
    }

    /// The memory's bytes and the embedder's data at once, so a host function can hand a guest
    /// buffer straight to a device driver kept in `T` (as in wasmtime).
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        store: impl Into<crate::StoreContextMut<'a, T>>,
    ) -> (&'a mut [u8], &'a mut T) {
        let store = store.into().0;
        let data = self.entity_mut(&mut store.inner).data_mut();
        (data, &mut store.data)
    }

    /// Copies bytes at `offset` into `buffer`.
    ///
    /// # Errors
    /// A `MemoryOutOfBounds` trap when the range is outside the memory.
    pub fn read(
        &self,
        store: impl AsContext,
        offset: usize,
        buffer: &mut [u8],
    ) -> Result<(), Error> {
        let store = store.as_context();
        let data = self.entity(&store.0.inner).data();
        let end = offset
            .checked_add(buffer.len())
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        let src = data.get(offset..end).ok_or(TrapCode::MemoryOutOfBounds)?;
        buffer.copy_from_slice(src);
        Ok(())
    }

    /// Copies `buffer` into the memory at `offset`.
    ///
    /// # Errors
    /// A `MemoryOutOfBounds` trap when the range is outside the memory.
    pub fn write<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        offset: usize,
        buffer: &[u8],
    ) -> Result<(), Error> {
        let store = store.as_context_mut();
        let data = self.entity_mut(&mut store.0.inner).data_mut();
        let end = offset
            .checked_add(buffer.len())
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        let dst = data
            .get_mut(offset..end)
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        dst.copy_from_slice(buffer);
        Ok(())
    }
}

impl<'a, T> From<&'a crate::Store<T>> for crate::StoreContext<'a, T> {
    fn from(store: &'a crate::Store<T>) -> Self {
        crate::StoreContext(store)
    }
}
impl<'a, T> From<&'a mut crate::Store<T>> for crate::StoreContext<'a, T> {
    fn from(store: &'a mut crate::Store<T>) -> Self {
        crate::StoreContext(store)
    }
}
impl<'a, T> From<&'a mut crate::Store<T>> for crate::StoreContextMut<'a, T> {
    fn from(store: &'a mut crate::Store<T>) -> Self {
        crate::StoreContextMut(store)
    }
}
impl<'a, T> From<&'a crate::Caller<'_, T>> for crate::StoreContext<'a, T> {
    fn from(caller: &'a crate::Caller<'_, T>) -> Self {
        crate::StoreContext(caller.store)
    }
}
impl<'a, T> From<&'a mut crate::Caller<'_, T>> for crate::StoreContextMut<'a, T> {
    fn from(caller: &'a mut crate::Caller<'_, T>) -> Self {
        crate::StoreContextMut(caller.store)
    }
}

/// A table. `Copy`; it refers into its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Table {
    pub(crate) fn from_parts(store: StoreId, index: u32) -> Self {
        Self { store, index }
    }

    /// Creates a table of type `ty` filled with `init`.
    ///
    /// # Errors
    /// When `init` does not match the element type, or limits are exceeded.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: TableType,
        init: Val,
    ) -> Result<Table, Error> {
        let inner = &mut store.as_context_mut().0.inner;
        if init.ty() != ty.element.val_type() {
            return Err(Error::usage(
                "table initial value does not match the element type",
            ));
        }
        if inner.tables.len() >= inner.limits.tables as usize {
            return Err(Error::limit(
                "tables per store",
                inner.tables.len() as u64 + 1,
                u64::from(inner.limits.tables),
            ));
        }
        let raw = inner.raw_of(init)?;
        let entity = TableEntity::new(ty, raw, inner.limits.table_elements)?;
        let index = next_index(&inner.tables, "tables per store")?;
        inner.tables.push(entity);
        Ok(Self::from_parts(inner.id, index))
    }

    fn entity<'a>(&self, inner: &'a StoreInner) -> &'a TableEntity {
        assert!(
            self.store == inner.id,
            "table used with a store it does not belong to"
        );
        &inner.tables[self.index as usize]
    }

    /// Its type.
    pub fn ty(&self, store: impl AsContext) -> TableType {
        self.entity(&store.as_context().0.inner).ty
    }

    /// Current number of elements.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(&store.as_context().0.inner).elements.len() as u64
    }

    /// Element `index`, or `None` when out of bounds.
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let store = store.as_context();
        let inner = &store.0.inner;
        let entity = self.entity(inner);
        let raw = *entity.elements.get(usize::try_from(index).ok()?)?;
        Some(Val::from_raw(raw, entity.ty.element.val_type(), inner.id))
    }

    /// Sets element `index`.
    ///
    /// # Errors
    /// Out of bounds, or a value of the wrong type.
    pub fn set<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        index: u64,
        value: Val,
    ) -> Result<(), Error> {
        let inner = &mut store.as_context_mut().0.inner;
        let ty = self.entity(inner).ty;
        if value.ty() != ty.element.val_type() {
            return Err(Error::usage(
                "value does not match the table's element type",
            ));
        }
        let raw = inner.raw_of(value)?;
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| inner.tables[self.index as usize].elements.get_mut(i))
            .ok_or(TrapCode::TableOutOfBounds)?;
        *slot = raw;
        Ok(())
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    ///
    /// # Errors
    /// When the maximum or limit would be exceeded, or `init` has the wrong type.
    pub fn grow<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        delta: u64,
        init: Val,
    ) -> Result<u64, Error> {
        let inner = &mut store.as_context_mut().0.inner;
        let ty = self.entity(inner).ty;
        if init.ty() != ty.element.val_type() {
            return Err(Error::usage(
                "value does not match the table's element type",
            ));
        }
        let raw = inner.raw_of(init)?;
        let entity = &mut inner.tables[self.index as usize];
        let current = entity.elements.len() as u64;
        entity.grow(delta, raw).ok_or_else(|| {
            Error::limit(
                "table elements",
                current.saturating_add(delta),
                entity.max_elements,
            )
        })
    }
}

/// A global. `Copy`; it refers into its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Global {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Global {
    pub(crate) fn from_parts(store: StoreId, index: u32) -> Self {
        Self { store, index }
    }

    /// Creates a global of type `ty` holding `value`.
    ///
    /// # Errors
    /// When `value` does not match the type.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: GlobalType,
        value: Val,
    ) -> Result<Global, Error> {
        let inner = &mut store.as_context_mut().0.inner;
        if value.ty() != ty.content {
            return Err(Error::usage("global value does not match its type"));
        }
        let raw = inner.raw_of(value)?;
        let index = next_index(&inner.globals, "globals per store")?;
        inner.globals.push(GlobalEntity { ty, value: raw });
        Ok(Self::from_parts(inner.id, index))
    }

    fn entity<'a>(&self, inner: &'a StoreInner) -> &'a GlobalEntity {
        assert!(
            self.store == inner.id,
            "global used with a store it does not belong to"
        );
        &inner.globals[self.index as usize]
    }

    /// Its type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        self.entity(&store.as_context().0.inner).ty
    }

    /// Its value.
    pub fn get(&self, store: impl AsContext) -> Val {
        let store = store.as_context();
        let inner = &store.0.inner;
        let entity = self.entity(inner);
        Val::from_raw(entity.value, entity.ty.content, inner.id)
    }

    /// Sets its value.
    ///
    /// # Errors
    /// When the global is immutable or the value has the wrong type.
    pub fn set<T>(&self, mut store: impl AsContextMut<Data = T>, value: Val) -> Result<(), Error> {
        let inner = &mut store.as_context_mut().0.inner;
        let ty = self.entity(inner).ty;
        if ty.mutability != Mutability::Var {
            return Err(Error::usage("global is immutable"));
        }
        if value.ty() != ty.content {
            return Err(Error::usage("value does not match the global's type"));
        }
        let raw = inner.raw_of(value)?;
        inner.globals[self.index as usize].value = raw;
        Ok(())
    }
}
