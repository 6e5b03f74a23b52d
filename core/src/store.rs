//! The store: owner of all runtime state (instances, functions, memories, tables, globals) and
//! of the embedder's data `T`.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;
use core::sync::atomic::Ordering;

use crate::sync::AtomicU32;

use crate::engine::{Engine, LinearMemoryStorage};
use crate::error::Error;
use crate::func::HostFunc;
use crate::limits::Limits;
use crate::module::Module;
use crate::types::{FuncType, GlobalType, MemoryType, RefType, TableType};
use crate::value::{ExternRef, RawVal};

/// The index that the next entity pushed onto `list` gets.
///
/// # Errors
/// A `Limit` error when the store already holds `u32::MAX` entities of this kind.
pub(crate) fn next_index<E>(list: &[E], what: &'static str) -> Result<u32, Error> {
    u32::try_from(list.len())
        .map_err(|_| Error::limit(what, list.len() as u64, u64::from(u32::MAX)))
}

/// Like [`next_index`], for APIs that cannot fail: a store with 2^32 entities of one kind has
/// exhausted far more memory than any limit allows, so this is an invariant, not input.
pub(crate) fn next_index_infallible<E>(list: &[E]) -> u32 {
    match u32::try_from(list.len()) {
        Ok(i) => i,
        Err(_) => panic!("a store cannot hold more than 2^32 entities of one kind"),
    }
}

/// Identifies a store, so that handles from one store are refused by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StoreId(u32);

impl StoreId {
    fn next() -> StoreId {
        // Relaxed is enough: only uniqueness matters, not ordering with other memory.
        static NEXT: AtomicU32 = AtomicU32::new(1);
        StoreId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Owns all WebAssembly state of a set of instances, and the embedder's data `T` that host
/// functions reach through [`Caller`](crate::Caller).
///
/// Dropping the store frees everything it owns.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) host_funcs: Vec<HostFunc<T>>,
    /// A finished execution context kept for the next call, so calls do not allocate.
    pub(crate) exec_cache: Option<Box<dyn crate::engine::Execution>>,
    pub(crate) data: T,
}

impl<T> core::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store")
            .field("id", &self.inner.id)
            .field("instances", &self.inner.instances.len())
            .finish_non_exhaustive()
    }
}

impl<T> Store<T> {
    /// Creates a store for `engine` that holds `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        Self {
            inner: StoreInner::new(engine),
            host_funcs: Vec::new(),
            exec_cache: None,
            data,
        }
    }

    /// The engine of this store.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Consumes the store and returns the embedder's data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Sets the remaining fuel.
    ///
    /// # Errors
    /// Fails when fuel metering is off in the engine's [`Config`](crate::Config).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        if !self.inner.fuel_enabled {
            return Err(Error::usage(
                "fuel metering is off: enable Config::consume_fuel",
            ));
        }
        self.inner.fuel = fuel;
        Ok(())
    }

    /// The remaining fuel.
    ///
    /// # Errors
    /// Fails when fuel metering is off in the engine's [`Config`](crate::Config).
    pub fn get_fuel(&self) -> Result<u64, Error> {
        if !self.inner.fuel_enabled {
            return Err(Error::usage(
                "fuel metering is off: enable Config::consume_fuel",
            ));
        }
        Ok(self.inner.fuel)
    }

    /// Sets the epoch deadline of this store to `ticks` increments of the engine's epoch from
    /// now ([`Engine::increment_epoch`]): with [`Config::epoch_interruption`](crate::Config::epoch_interruption),
    /// guest code of this store that runs when the epoch reaches the deadline traps with
    /// [`TrapCode::Interrupt`](crate::TrapCode::Interrupt). A host function may move the
    /// deadline during a call (through its `Caller`); the call sees the new one on return.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        self.inner.set_epoch_deadline(ticks);
    }

    /// Creates a host reference that guests can hold as `externref`.
    ///
    /// # Panics
    /// If the store already holds 2^32 host references.
    pub fn new_extern_ref(&mut self, value: impl Any + Send + Sync) -> ExternRef {
        let index = next_index_infallible(&self.inner.externs);
        self.inner.externs.push(Box::new(value));
        ExternRef {
            store: self.inner.id,
            index,
        }
    }

    /// The host value behind an `externref`, if it belongs to this store.
    pub fn extern_ref_data(&self, r: ExternRef) -> Option<&(dyn Any + Send + Sync)> {
        if r.store != self.inner.id {
            return None;
        }
        self.inner.externs.get(r.index as usize).map(|b| &**b)
    }

    /// The engine-facing part of the store. For engine implementations.
    #[doc(hidden)]
    pub fn inner_mut(&mut self) -> &mut StoreInner {
        &mut self.inner
    }
}

/// The part of a [`Store`] that does not depend on the embedder's data type: what the engines
/// read and write while running guest code.
///
/// Fields are public for engine implementations (`mote-interp`, `mote-jit`); embedders use the
/// typed handles ([`Memory`](crate::Memory), [`Global`](crate::Global), ...) instead.
#[derive(Debug)]
#[non_exhaustive]
pub struct StoreInner {
    pub(crate) id: StoreId,
    /// The engine.
    pub engine: Engine,
    /// All functions, Wasm and host.
    pub funcs: Vec<FuncEntity>,
    /// All instances.
    pub instances: Vec<InstanceEntity>,
    /// All linear memories.
    pub memories: Vec<MemoryEntity>,
    /// All tables.
    pub tables: Vec<TableEntity>,
    /// All globals.
    pub globals: Vec<GlobalEntity>,
    /// Element segments of all instances (emptied by `elem.drop`).
    pub elems: Vec<ElemEntity>,
    /// Data segments of all instances (emptied by `data.drop`).
    pub datas: Vec<DataEntity>,
    /// Host values behind `externref`s.
    pub externs: Vec<Box<dyn Any + Send + Sync>>,
    /// Canonical function types: call_indirect compares these indices.
    pub types: TypeRegistry,
    /// Remaining fuel.
    pub fuel: u64,
    /// Whether fuel is metered.
    pub fuel_enabled: bool,
    /// Set by a host function that asks the current call to suspend once it returns.
    pub yield_requested: bool,
    /// Calls into Wasm running at once (see [`Limits::nested_calls`]).
    pub nested_calls: u32,
    /// The limits in force.
    pub limits: Limits,
    /// Bytes that each new linear memory reserves for growth
    /// ([`Config::memory_reservation`](crate::Config::memory_reservation)).
    pub memory_reservation: u64,
    /// The epoch at which guest code traps with `Interrupt`
    /// ([`Store::set_epoch_deadline`]); the epoch at the store's creation until set.
    pub epoch_deadline: u64,
}

impl StoreInner {
    fn new(engine: &Engine) -> Self {
        let config = engine.config();
        Self {
            id: StoreId::next(),
            engine: engine.clone(),
            funcs: Vec::new(),
            instances: Vec::new(),
            memories: Vec::new(),
            tables: Vec::new(),
            globals: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            externs: Vec::new(),
            types: TypeRegistry::default(),
            fuel: 0,
            fuel_enabled: config.fuel,
            yield_requested: false,
            nested_calls: 0,
            limits: config.limits,
            memory_reservation: config.memory_reservation,
            epoch_deadline: engine.current_epoch(),
        }
    }

    /// See [`Store::set_epoch_deadline`].
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        self.epoch_deadline = self.engine.current_epoch().saturating_add(ticks);
    }

    /// Whether the engine's epoch has reached this store's deadline: the check an engine
    /// makes at function entries and loop back-edges when
    /// [`Config::epoch_interruption`](crate::Config::epoch_interruption) is on (then trapping
    /// with [`TrapCode::Interrupt`](crate::TrapCode::Interrupt)).
    #[inline]
    pub fn epoch_deadline_reached(&self) -> bool {
        self.engine.current_epoch() >= self.epoch_deadline
    }

    /// This store's identity.
    pub fn id(&self) -> StoreId {
        self.id
    }
}

/// Interns function types so that equal types have equal indices.
#[derive(Debug, Default)]
pub struct TypeRegistry {
    types: Vec<FuncType>,
    /// Indices into `types`, in order of type, so equal types are found by binary search.
    by_type: Vec<u32>,
}

impl TypeRegistry {
    /// Where `ty` is in `by_type`, or where it would go.
    fn find(&self, ty: &FuncType) -> Result<usize, usize> {
        self.by_type
            .binary_search_by(|&id| self.types[id as usize].cmp(ty))
    }

    /// The index of `ty`, adding it if new.
    pub fn intern(&mut self, ty: &FuncType) -> u32 {
        match self.find(ty) {
            Ok(at) => self.by_type[at],
            Err(at) => {
                let id = next_index_infallible(&self.types);
                self.types.push(ty.clone());
                self.by_type.insert(at, id);
                id
            }
        }
    }

    /// The indices of all of `types` (a module's), adding the new ones. In O(n log n) for `n`
    /// types, however many are new: the new ones are sorted among themselves and merged in.
    pub fn intern_all(&mut self, types: &[FuncType]) -> Box<[u32]> {
        let mut ids: Vec<u32> = Vec::with_capacity(types.len());
        let mut new: Vec<u32> = Vec::new();
        for ty in types {
            let id = match self.find(ty) {
                Ok(at) => self.by_type[at],
                Err(_) => {
                    // The module index of this type (it is about to be pushed).
                    new.push(next_index_infallible(&ids));
                    u32::MAX
                }
            };
            ids.push(id);
        }
        if new.is_empty() {
            return ids.into_boxed_slice();
        }
        heapsort(&mut new, |&a, &b| types[a as usize] < types[b as usize]);
        self.types.reserve_exact(new.len());
        // `new` holds module type indices in order of type; give each distinct type an id.
        let mut added: Vec<u32> = Vec::with_capacity(new.len());
        for (k, &i) in new.iter().enumerate() {
            let ty = &types[i as usize];
            ids[i as usize] = match k.checked_sub(1).map(|p| new[p]) {
                Some(previous) if types[previous as usize] == *ty => ids[previous as usize],
                _ => {
                    let id = next_index_infallible(&self.types);
                    self.types.push(ty.clone());
                    added.push(id);
                    id
                }
            };
        }
        // Merge the two sorted lists of ids.
        let old = core::mem::take(&mut self.by_type);
        let mut merged = Vec::with_capacity(old.len() + added.len());
        let (mut a, mut b) = (old.iter().peekable(), added.iter().peekable());
        while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
            if self.types[x as usize] < self.types[y as usize] {
                merged.push(x);
                a.next();
            } else {
                merged.push(y);
                b.next();
            }
        }
        merged.extend(a);
        merged.extend(b);
        self.by_type = merged;
        ids.into_boxed_slice()
    }

    /// The type with index `id`.
    ///
    /// # Panics
    /// If `id` did not come from [`intern`](Self::intern) on this registry.
    pub fn get(&self, id: u32) -> &FuncType {
        &self.types[id as usize]
    }
}

/// Sorts `v` by `less` in place: O(n log n) in the worst case, in little code (the registry
/// sorts a hostile module's types with it).
fn heapsort<T: Copy>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    // Moves `v[root]` down until the heap `v[..end]` below it is in order.
    let sift_down = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            return;
        }
        v.swap(root, child);
        root = child;
    };
    for root in (0..v.len() / 2).rev() {
        sift_down(v, root, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// A function in a store.
#[derive(Debug, Clone, Copy)]
pub struct FuncEntity {
    /// Index of its type in [`StoreInner::types`].
    pub ty: u32,
    /// What kind of function.
    pub kind: FuncKind,
}

/// Whether a function is defined in Wasm or by the host.
#[derive(Debug, Clone, Copy)]
pub enum FuncKind {
    /// Function `index` (in its module's function index space) of instance `instance`.
    Wasm {
        /// Index in [`StoreInner::instances`].
        instance: u32,
        /// Index in the module's function index space (imports first).
        index: u32,
    },
    /// Host function number `index` of the store.
    Host {
        /// Index in the store's host-function list.
        index: u32,
    },
}

/// An instantiated module: maps the module's index spaces to store indices.
#[derive(Debug)]
pub struct InstanceEntity {
    /// The module.
    pub module: Module,
    /// Store index of each function of the module's function index space.
    pub funcs: Box<[u32]>,
    /// Store index of each table.
    pub tables: Box<[u32]>,
    /// Store index of each memory.
    pub memories: Box<[u32]>,
    /// Store index of each global.
    pub globals: Box<[u32]>,
    /// Store index of each element segment.
    pub elems: Box<[u32]>,
    /// Store index of each data segment.
    pub datas: Box<[u32]>,
    /// Store type index of each of the module's types.
    pub types: Box<[u32]>,
}

/// A linear memory.
#[derive(Debug)]
pub struct MemoryEntity {
    /// Its type.
    pub ty: MemoryType,
    /// Its bytes; the length is always a whole number of pages.
    bytes: MemoryBytes,
    /// The most bytes it may grow to (type maximum and store limit).
    pub max_bytes: u64,
    /// Counts successful growths (see [`MemoryEntity::generation`]).
    generation: u64,
}

/// Where a memory's bytes live.
#[derive(Debug)]
enum MemoryBytes {
    /// In the store (the interpreter's memories, and the JIT's with 1-byte pages).
    Vec(Vec<u8>),
    /// In storage of the engine's backend ([`Backend::new_memory_storage`]).
    ///
    /// [`Backend::new_memory_storage`]: crate::engine::Backend::new_memory_storage
    Backend(Box<dyn LinearMemoryStorage>),
}

impl MemoryEntity {
    /// Creates a memory of `ty`'s minimum size in the storage that `engine`'s backend gives
    /// ([`Backend::new_memory_storage`](crate::engine::Backend::new_memory_storage)), else in
    /// a `Vec` with room to grow to `reservation` bytes without moving (capped at its maximum;
    /// when the room cannot be allocated, the memory starts without it). `memory` is its index
    /// in the module being instantiated, for messages.
    ///
    /// # Errors
    /// When the minimum exceeds `limit_bytes` or cannot be allocated, or the backend's
    /// storage cannot be had.
    pub(crate) fn new(
        engine: &Engine,
        ty: MemoryType,
        memory: Option<u32>,
        limit_bytes: u64,
        reservation: u64,
    ) -> Result<Self, Error> {
        let type_max = ty.maximum.unwrap_or(ty.absolute_max_pages());
        let max_bytes = ty.pages_to_bytes(type_max).min(limit_bytes);
        let initial = ty.pages_to_bytes(ty.minimum);
        if initial > max_bytes {
            return Err(Error::limit("memory bytes", initial, max_bytes));
        }
        let len = usize::try_from(initial).map_err(|_| Error::out_of_memory(initial))?;
        let storage =
            engine
                .backend()
                .new_memory_storage(engine.config(), &ty, memory, len, max_bytes);
        let bytes = match storage {
            Some(storage) => {
                let storage = storage?;
                if storage.bytes().len() != len {
                    return Err(Error::usage(
                        "a backend's memory storage does not have the initial size",
                    ));
                }
                MemoryBytes::Backend(storage)
            }
            None => MemoryBytes::Vec(Self::new_vec(len, max_bytes, reservation)?),
        };
        Ok(Self {
            ty,
            bytes,
            max_bytes,
            generation: 0,
        })
    }

    /// `len` zero bytes with room for `reservation` (capped at `max_bytes`) when it can be
    /// had.
    fn new_vec(len: usize, max_bytes: u64, reservation: u64) -> Result<Vec<u8>, Error> {
        let room = usize::try_from(reservation.min(max_bytes)).unwrap_or(len);
        let mut data = Vec::new();
        if room <= len || data.try_reserve_exact(room).is_err() {
            data.try_reserve_exact(len)
                .map_err(|_| Error::out_of_memory(len as u64))?;
        }
        data.resize(len, 0);
        Ok(data)
    }

    /// Its bytes.
    #[inline]
    pub fn data(&self) -> &[u8] {
        match &self.bytes {
            MemoryBytes::Vec(v) => v,
            MemoryBytes::Backend(s) => s.bytes(),
        }
    }

    /// Its bytes, mutably.
    #[inline]
    pub fn data_mut(&mut self) -> &mut [u8] {
        match &mut self.bytes {
            MemoryBytes::Vec(v) => v,
            MemoryBytes::Backend(s) => s.bytes_mut(),
        }
    }

    /// Current size in bytes.
    #[inline]
    pub fn byte_len(&self) -> usize {
        match &self.bytes {
            MemoryBytes::Vec(v) => v.len(),
            MemoryBytes::Backend(s) => s.bytes().len(),
        }
    }

    /// The backend's storage, if the bytes live there rather than in a `Vec`.
    pub fn storage(&self) -> Option<&dyn LinearMemoryStorage> {
        match &self.bytes {
            MemoryBytes::Vec(_) => None,
            MemoryBytes::Backend(s) => Some(&**s),
        }
    }

    /// Current size in pages.
    pub fn size_pages(&self) -> u64 {
        (self.byte_len() as u64) >> self.ty.page_size_log2
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None` when the memory cannot
    /// grow that far (the Wasm `-1` result). Never panics, never aborts on allocation failure.
    ///
    /// In a `Vec`, within the reserved room the bytes stay where they are; beyond it the
    /// allocator reallocates: in place when it can, else by copying, when the old and the new
    /// block are both allocated for a moment. A backend's storage never moves.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old_pages = self.size_pages();
        let new_bytes = self.ty.pages_to_bytes(old_pages.checked_add(delta)?);
        if new_bytes > self.max_bytes {
            return None;
        }
        let new_len = usize::try_from(new_bytes).ok()?;
        match &mut self.bytes {
            MemoryBytes::Vec(data) => {
                let extra = new_len - data.len();
                data.try_reserve_exact(extra).ok()?;
                data.resize(new_len, 0);
            }
            MemoryBytes::Backend(storage) => {
                storage.grow_to(new_len).ok()?;
                if storage.bytes().len() != new_len {
                    return None;
                }
            }
        }
        self.generation = self.generation.wrapping_add(1);
        Some(old_pages)
    }

    /// A number that changes whenever the memory's bytes may have moved or changed length
    /// (every successful [`grow`](Self::grow); nothing else moves them): an engine that keeps
    /// the base and length where its code reads them reloads them only when it differs.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// A table.
#[derive(Debug)]
pub struct TableEntity {
    /// Its type.
    pub ty: TableType,
    /// Its elements as raw references (`0` is null).
    pub elements: Vec<RawVal>,
    /// The most elements it may grow to.
    pub max_elements: u64,
}

impl TableEntity {
    /// Creates a table of `ty`'s minimum size filled with `init`.
    ///
    /// # Errors
    /// When the minimum exceeds `limit` or cannot be allocated.
    pub fn new(ty: TableType, init: RawVal, limit: u64) -> Result<Self, Error> {
        let max_elements = ty.maximum.unwrap_or(u64::from(u32::MAX)).min(limit);
        if ty.minimum > max_elements {
            return Err(Error::limit("table elements", ty.minimum, max_elements));
        }
        let len = usize::try_from(ty.minimum).map_err(|_| Error::out_of_memory(ty.minimum))?;
        let mut elements = Vec::new();
        elements
            .try_reserve_exact(len)
            .map_err(|_| Error::out_of_memory(ty.minimum.saturating_mul(8)))?;
        elements.resize(len, init);
        Ok(Self {
            ty,
            elements,
            max_elements,
        })
    }

    /// Grows by `delta` elements filled with `init`; returns the old size, or `None` (the Wasm
    /// `-1` result).
    pub fn grow(&mut self, delta: u64, init: RawVal) -> Option<u64> {
        let old = self.elements.len() as u64;
        let new = old.checked_add(delta)?;
        if new > self.max_elements {
            return None;
        }
        let new_len = usize::try_from(new).ok()?;
        self.elements
            .try_reserve_exact(new_len - self.elements.len())
            .ok()?;
        self.elements.resize(new_len, init);
        Some(old)
    }
}

/// A global.
#[derive(Debug, Clone, Copy)]
pub struct GlobalEntity {
    /// Its type.
    pub ty: GlobalType,
    /// Its value.
    pub value: RawVal,
}

/// A runtime element segment: resolved references, emptied by `elem.drop`.
#[derive(Debug)]
pub struct ElemEntity {
    /// Element type.
    pub ty: RefType,
    /// The references.
    pub items: Box<[RawVal]>,
}

/// A runtime data segment: emptied by `data.drop`.
#[derive(Debug)]
pub struct DataEntity {
    /// The bytes (shared with the module).
    pub bytes: crate::module::Bytes,
}

#[cfg(test)]
mod tests {
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;
    use crate::types::ValType;

    fn ty(params: &[ValType]) -> FuncType {
        FuncType::new(params.iter().copied(), [])
    }

    #[test]
    fn heapsort_sorts() {
        for len in 0..40u32 {
            let mut v: Vec<u32> = (0..len).map(|i| (i * 7919) % 31).collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            heapsort(&mut v, |a, b| a < b);
            assert_eq!(v, expected, "length {len}");
        }
    }

    #[test]
    fn equal_types_get_equal_indices() {
        use ValType::{F64, I32, I64};
        let mut registry = TypeRegistry::default();
        let a = registry.intern(&ty(&[I32]));
        let module = [ty(&[I64]), ty(&[I32]), ty(&[]), ty(&[I64]), ty(&[F64, I32])];
        let ids = registry.intern_all(&module);
        assert_eq!(ids[1], a);
        assert_eq!(ids[0], ids[3]);
        let distinct: Vec<u32> = vec![ids[0], ids[1], ids[2], ids[4]];
        for (i, x) in distinct.iter().enumerate() {
            assert!(distinct[i + 1..].iter().all(|y| y != x), "{ids:?}");
        }
        for (id, t) in ids.iter().zip(&module) {
            assert_eq!(registry.get(*id), t);
        }
        // A second module finds them all, and a single type too.
        assert_eq!(registry.intern_all(&module), ids);
        assert_eq!(registry.intern(&ty(&[F64, I32])), ids[4]);
        assert_eq!(registry.types.len(), 4);
        let sorted: Vec<&FuncType> = registry.by_type.iter().map(|&i| registry.get(i)).collect();
        assert!(sorted.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn reserved_memory_grows_in_place() {
        let capacity = |m: &MemoryEntity| match &m.bytes {
            MemoryBytes::Vec(v) => v.capacity(),
            MemoryBytes::Backend(_) => 0,
        };
        let ty = MemoryType::new(1, Some(4));
        let data = MemoryEntity::new_vec(65536, 4 * 65536, 3 * 65536).unwrap();
        let mut memory = MemoryEntity {
            ty,
            bytes: MemoryBytes::Vec(data),
            max_bytes: 4 * 65536,
            generation: 0,
        };
        assert_eq!(memory.byte_len(), 65536);
        assert!(capacity(&memory) >= 3 * 65536);
        let at = memory.data().as_ptr();
        assert_eq!(memory.grow(2), Some(1));
        assert_eq!(memory.data().as_ptr(), at, "grew within the reservation");
        assert_eq!(memory.grow(1), Some(3));
        assert_eq!(memory.grow(1), None, "the type's maximum");
        assert!(memory.storage().is_none());
        // The reservation is capped at the maximum.
        let data = MemoryEntity::new_vec(65536, 2 * 65536, u64::MAX).unwrap();
        assert_eq!(data.capacity(), 2 * 65536);
    }
}
