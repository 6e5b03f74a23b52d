//! Instances, and instantiation: linking imports, creating state, initialising segments and
//! running the start function.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::context::{AsContext, AsContextMut};
use crate::error::{Error, Message};
use crate::externals::{Global, Memory, Table};
use crate::func::{Func, TypedFunc, WasmParams, WasmResults};
use crate::module::{Bytes, ConstExpr, ConstOp, DataMode, ElemItems, ElemMode, ExternKind, Module};
use crate::store::{
    DataEntity, ElemEntity, FuncEntity, FuncKind, GlobalEntity, InstanceEntity, MemoryEntity,
    Store, StoreId, StoreInner, TableEntity,
};
use crate::trap::TrapCode;
use crate::types::{ExternType, MemoryType, TableType};
use crate::value::RawVal;

/// Something that can be imported or exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A memory.
    Memory(Memory),
    /// A global.
    Global(Global),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    /// The type of this extern.
    pub fn ty(&self, store: impl AsContext) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
        }
    }

    fn store_id(&self) -> StoreId {
        match self {
            Extern::Func(f) => f.store_id(),
            Extern::Table(t) => t.store,
            Extern::Memory(m) => m.store,
            Extern::Global(g) => g.store,
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Self {
        Extern::Func(f)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Self {
        Extern::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Self {
        Extern::Table(t)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Self {
        Extern::Global(g)
    }
}

/// An instantiated module. `Copy`; it refers into its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance {
    store: StoreId,
    index: u32,
}

impl Instance {
    pub(crate) fn from_parts(store: StoreId, index: u32) -> Instance {
        Instance { store, index }
    }

    /// Instantiates `module` with `imports` given in the order of the module's imports.
    ///
    /// # Errors
    /// `Link` errors for missing or mistyped imports; `Limit` errors; a trap from segment
    /// initialisation or the start function (effects on imported memories and tables made
    /// before the trap remain, as the specification requires).
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        let store = store.as_context_mut().0;
        let instance = instantiate(&mut store.inner, module, imports)?;
        let handle = Instance::from_parts(store.inner.id, instance);
        if let Some(start) = module.info().start {
            let func = store.inner.instances[instance as usize].funcs[start as usize];
            Func::from_parts(store.inner.id, func).call(&mut *store, &[], &mut [])?;
        }
        Ok(handle)
    }

    /// The index of this instance in its store (for engines).
    pub fn index(&self) -> u32 {
        self.index
    }

    fn entity<'a>(&self, inner: &'a StoreInner) -> &'a InstanceEntity {
        assert!(
            self.store == inner.id,
            "instance used with a store it does not belong to"
        );
        &inner.instances[self.index as usize]
    }

    /// The export called `name`.
    pub fn get_export(&self, store: impl AsContext, name: &str) -> Option<Extern> {
        let store = store.as_context();
        let inner = &store.0.inner;
        let entity = self.entity(inner);
        let export = entity
            .module
            .info()
            .exports
            .iter()
            .find(|e| &*e.name == name)?;
        Some(extern_of(inner, entity, export.kind, export.index))
    }

    /// All exports, in order.
    pub fn exports(&self, store: impl AsContext) -> Vec<(Box<str>, Extern)> {
        let store = store.as_context();
        let inner = &store.0.inner;
        let entity = self.entity(inner);
        entity
            .module
            .info()
            .exports
            .iter()
            .map(|e| {
                (
                    Box::from(&*e.name),
                    extern_of(inner, entity, e.kind, e.index),
                )
            })
            .collect()
    }

    /// The exported function `name`.
    pub fn get_func(&self, store: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported function `name`, typed.
    ///
    /// # Errors
    /// When there is no such function or its type differs.
    pub fn get_typed_func<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let store = store.as_context();
        let func = self
            .get_func(&store, name)
            .ok_or_else(|| Error::usage(Message::named("no exported function", name)))?;
        func.typed(&store)
    }

    /// The exported memory `name`.
    pub fn get_memory(&self, store: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported table `name`.
    pub fn get_table(&self, store: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// The exported global `name`.
    pub fn get_global(&self, store: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The module this instance was made from.
    pub fn module(&self, store: impl AsContext) -> Module {
        let store = store.as_context();
        self.entity(&store.0.inner).module.clone()
    }
}

fn extern_of(inner: &StoreInner, entity: &InstanceEntity, kind: ExternKind, index: u32) -> Extern {
    let i = index as usize;
    let id = inner.id;
    match kind {
        ExternKind::Func => Extern::Func(Func::from_parts(id, entity.funcs[i])),
        ExternKind::Table => Extern::Table(Table::from_parts(id, entity.tables[i])),
        ExternKind::Memory => Extern::Memory(Memory::from_parts(id, entity.memories[i])),
        ExternKind::Global => Extern::Global(Global::from_parts(id, entity.globals[i])),
    }
}

/// Whether a table of type `actual` can be imported where `expected` is declared.
fn table_matches(actual: &TableType, current: u64, expected: &TableType) -> bool {
    actual.element == expected.element
        && actual.table64 == expected.table64
        && current >= expected.minimum
        && match expected.maximum {
            None => true,
            Some(max) => actual.maximum.is_some_and(|m| m <= max),
        }
}

/// Whether a memory of type `actual` can be imported where `expected` is declared.
fn memory_matches(actual: &MemoryType, current_pages: u64, expected: &MemoryType) -> bool {
    actual.page_size_log2 == expected.page_size_log2
        && actual.memory64 == expected.memory64
        && actual.shared == expected.shared
        && current_pages >= expected.minimum
        && match expected.maximum {
            None => true,
            Some(max) => actual.maximum.is_some_and(|m| m <= max),
        }
}

/// The store indices that `n` new entities pushed onto `list` get, after making room for them.
///
/// # Errors
/// A `Limit` error when the store would hold more than `u32::MAX` entities of this kind, and
/// `OutOfMemory` when the room cannot be allocated.
fn make_room<E>(
    list: &mut Vec<E>,
    n: usize,
    what: &'static str,
) -> Result<core::ops::Range<u32>, Error> {
    let end = list.len().saturating_add(n);
    let (Ok(first), Ok(end)) = (u32::try_from(list.len()), u32::try_from(end)) else {
        return Err(Error::limit(what, end as u64, u64::from(u32::MAX)));
    };
    list.try_reserve_exact(n)
        .map_err(|_| Error::out_of_memory((n * size_of::<E>()) as u64))?;
    Ok(first..end)
}

/// Fails with a `Limit` error when a store with `current` entities of a kind would exceed
/// `limit` by adding `new` more.
fn within(current: usize, new: usize, limit: u32, what: &'static str) -> Result<(), Error> {
    let wanted = current.saturating_add(new);
    if wanted > limit as usize {
        return Err(Error::limit(what, wanted as u64, u64::from(limit)));
    }
    Ok(())
}

/// Checks imports and creates the instance's state; returns its index. Does not run the start
/// function. Not inlined into the generic callers: its temporaries would stay on the stack for
/// as long as their frames (a device's call of guest code, say).
#[inline(never)]
fn instantiate(inner: &mut StoreInner, module: &Module, imports: &[Extern]) -> Result<u32, Error> {
    if !crate::engine::Engine::same(module.engine(), &inner.engine) {
        return Err(Error::usage(
            "module was compiled for a different engine than the store's",
        ));
    }
    let info = module.info();
    let limits = inner.limits;
    within(
        inner.instances.len(),
        1,
        limits.instances,
        "instances per store",
    )?;
    if imports.len() != info.imports.len() {
        return Err(Error::usage(Message::counts(
            "imports",
            info.imports.len() as u64,
            imports.len() as u64,
        )));
    }
    let instance_index = make_room(&mut inner.instances, 1, "instances per store")?.start;
    let defined_tables = info.tables.len() - info.imported_tables as usize;
    let defined_memories = info.memories.len() - info.imported_memories as usize;
    within(
        inner.tables.len(),
        defined_tables,
        limits.tables,
        "tables per store",
    )?;
    within(
        inner.memories.len(),
        defined_memories,
        limits.memories,
        "memories per store",
    )?;
    let mut funcs = Vec::with_capacity(info.funcs.len());
    let mut tables = Vec::with_capacity(info.tables.len());
    let mut memories = Vec::with_capacity(info.memories.len());
    let mut globals = Vec::with_capacity(info.globals.len());
    let types = inner.types.intern_all(&info.types);

    for (import, ext) in info.imports.iter().zip(imports) {
        let link_err = |reason: Message| Error::link(&import.module, &import.name, reason);
        if ext.store_id() != inner.id {
            return Err(link_err("the value belongs to another store".into()));
        }
        let index = import.index as usize;
        let problem = match (import.kind, ext) {
            (ExternKind::Func, Extern::Func(f)) => {
                let expected = types[info.funcs[index] as usize];
                let actual = inner.funcs[f.index() as usize].ty;
                if actual != expected {
                    return Err(link_err(Message::types(
                        "incompatible import type",
                        inner.types.get(expected),
                        inner.types.get(actual),
                    )));
                }
                funcs.push(f.index());
                None
            }
            (ExternKind::Table, Extern::Table(t)) => {
                let entity = &inner.tables[t.index as usize];
                tables.push(t.index);
                let current = entity.elements.len() as u64;
                (!table_matches(&entity.ty, current, &info.tables[index]))
                    .then_some("incompatible import type: table limits or element type differ")
            }
            (ExternKind::Memory, Extern::Memory(m)) => {
                let entity = &inner.memories[m.index as usize];
                memories.push(m.index);
                (!memory_matches(&entity.ty, entity.size_pages(), &info.memories[index]))
                    .then_some("incompatible import type: memory limits or page size differ")
            }
            (ExternKind::Global, Extern::Global(g)) => {
                globals.push(g.index);
                (inner.globals[g.index as usize].ty != info.globals[index])
                    .then_some("incompatible import type: global type differs")
            }
            (ExternKind::Func, _) => Some("incompatible import type: expected a function"),
            (ExternKind::Table, _) => Some("incompatible import type: expected a table"),
            (ExternKind::Memory, _) => Some("incompatible import type: expected a memory"),
            (ExternKind::Global, _) => Some("incompatible import type: expected a global"),
        };
        if let Some(problem) = problem {
            return Err(link_err(problem.into()));
        }
    }

    // Defined functions: consecutive store indices.
    let defined = info.defined_funcs();
    funcs.extend(make_room(
        &mut inner.funcs,
        defined as usize,
        "functions per store",
    )?);
    inner.funcs.extend(
        (info.imported_funcs..info.imported_funcs + defined).map(|index| FuncEntity {
            ty: types[info.funcs[index as usize] as usize],
            kind: FuncKind::Wasm {
                instance: instance_index,
                index,
            },
        }),
    );

    // Defined globals: initialisers may read imported and earlier globals and take `ref.func`.
    let indices = make_room(
        &mut inner.globals,
        info.global_inits.len(),
        "globals per store",
    )?;
    let defined = &info.globals[info.imported_globals as usize..];
    for ((init, &ty), index) in info.global_inits.iter().zip(defined).zip(indices) {
        let value = eval_const(inner, init, &globals, &funcs)?;
        globals.push(index);
        inner.globals.push(GlobalEntity { ty, value });
    }

    // Defined tables.
    let indices = make_room(&mut inner.tables, defined_tables, "tables per store")?;
    let defined = &info.tables[info.imported_tables as usize..];
    for ((init, &ty), index) in info.table_inits.iter().zip(defined).zip(indices) {
        let init = match init {
            Some(expr) => eval_const(inner, expr, &globals, &funcs)?,
            None => 0,
        };
        inner
            .tables
            .push(TableEntity::new(ty, init, limits.table_elements)?);
        tables.push(index);
    }

    // Defined memories.
    let indices = make_room(&mut inner.memories, defined_memories, "memories per store")?;
    let defined = &info.memories[info.imported_memories as usize..];
    for ((ty, index), module_index) in defined.iter().zip(indices).zip(info.imported_memories..) {
        let memory = MemoryEntity::new(
            &inner.engine,
            *ty,
            Some(module_index),
            limits.memory_bytes,
            inner.memory_reservation,
        )?;
        inner.memories.push(memory);
        memories.push(index);
    }

    // Passive segments keep their contents for `table.init` and `memory.init`; active ones are
    // applied below and declared ones only declare, so those start dropped.
    let elems = make_room(
        &mut inner.elems,
        info.elems.len(),
        "element segments per store",
    )?;
    for segment in &info.elems {
        let items = match segment.mode {
            ElemMode::Passive => elem_items(inner, &segment.items, &globals, &funcs)?,
            _ => Box::new([]),
        };
        inner.elems.push(ElemEntity {
            ty: segment.ty,
            items,
        });
    }
    let elems = elems.collect();
    let datas = make_room(
        &mut inner.datas,
        info.datas.len(),
        "data segments per store",
    )?;
    inner
        .datas
        .extend(info.datas.iter().map(|segment| DataEntity {
            bytes: match segment.mode {
                DataMode::Passive => segment.bytes.clone(),
                DataMode::Active { .. } => Bytes::empty(),
            },
        }));
    let datas = datas.collect();

    inner.instances.push(InstanceEntity {
        module: module.clone(),
        funcs: funcs.into_boxed_slice(),
        tables: tables.into_boxed_slice(),
        memories: memories.into_boxed_slice(),
        globals: globals.into_boxed_slice(),
        elems,
        datas,
        types,
    });

    initialise_segments(inner, module, instance_index)?;
    Ok(instance_index)
}

/// The references of an element segment's items. `globals` and `funcs` map module indices to
/// store indices.
fn elem_items(
    inner: &StoreInner,
    items: &ElemItems,
    globals: &[u32],
    funcs: &[u32],
) -> Result<Box<[RawVal]>, Error> {
    let mut out = Vec::with_capacity(items.len());
    match items {
        ElemItems::Funcs(indices) => {
            out.extend(indices.iter().map(|&f| u64::from(funcs[f as usize]) + 1));
        }
        ElemItems::Exprs(exprs) => {
            for expr in exprs.iter() {
                out.push(eval_const(inner, expr, globals, funcs)?);
            }
        }
    }
    Ok(out.into_boxed_slice())
}

/// The range `[offset, offset + len)` if it ends within `size`.
fn segment_range(offset: RawVal, len: usize, size: usize) -> Option<core::ops::Range<usize>> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(len)?;
    (end <= size).then_some(start..end)
}

/// Applies active element and data segments in order. A segment that does not fit traps, and
/// the ones before it stay applied (as the specification requires).
fn initialise_segments(
    inner: &mut StoreInner,
    module: &Module,
    instance: u32,
) -> Result<(), Error> {
    let info = module.info();
    for segment in &info.elems {
        if let ElemMode::Active { table, offset } = &segment.mode {
            let entity = &inner.instances[instance as usize];
            let table_index = entity.tables[*table as usize] as usize;
            let offset = eval_const(inner, offset, &entity.globals, &entity.funcs)?;
            let items = elem_items(inner, &segment.items, &entity.globals, &entity.funcs)?;
            let table = &mut inner.tables[table_index];
            let range = segment_range(offset, items.len(), table.elements.len())
                .ok_or(TrapCode::TableOutOfBounds)?;
            table.elements[range].copy_from_slice(&items);
        }
    }
    for segment in &info.datas {
        if let DataMode::Active { memory, offset } = &segment.mode {
            let entity = &inner.instances[instance as usize];
            let memory_index = entity.memories[*memory as usize] as usize;
            let offset = eval_const(inner, offset, &entity.globals, &entity.funcs)?;
            let memory = &mut inner.memories[memory_index];
            let range = segment_range(offset, segment.bytes.len(), memory.byte_len())
                .ok_or(TrapCode::MemoryOutOfBounds)?;
            memory.data_mut()[range].copy_from_slice(&segment.bytes);
        }
    }
    Ok(())
}

/// Evaluates a constant expression. `globals` and `funcs` map module indices to store indices.
pub(crate) fn eval_const(
    inner: &StoreInner,
    expr: &ConstExpr,
    globals: &[u32],
    funcs: &[u32],
) -> Result<RawVal, Error> {
    // Extended constant expressions can nest arbitrarily deep: the stack is as deep as the
    // expression is long at most. Instantiation allocates anyway.
    let mut stack: Vec<RawVal> = Vec::with_capacity(expr.ops.len());
    let bad = || Error::usage("malformed constant expression");
    for op in expr.ops.iter() {
        let value = match *op {
            ConstOp::I32Const(v) => u64::from(v.cast_unsigned()),
            ConstOp::I64Const(v) => v.cast_unsigned(),
            ConstOp::F32Const(bits) => u64::from(bits),
            ConstOp::F64Const(bits) => bits,
            ConstOp::RefNull(_) => 0,
            ConstOp::RefFunc(f) => u64::from(*funcs.get(f as usize).ok_or_else(bad)?) + 1,
            ConstOp::GlobalGet(g) => {
                let index = *globals.get(g as usize).ok_or_else(bad)?;
                inner.globals[index as usize].value
            }
            binary => {
                let b = stack.pop().ok_or_else(bad)?;
                let a = stack.pop().ok_or_else(bad)?;
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "i32 operands live in the low bits"
                )]
                let (a32, b32) = (a as u32, b as u32);
                match binary {
                    ConstOp::I32Add => u64::from(a32.wrapping_add(b32)),
                    ConstOp::I32Sub => u64::from(a32.wrapping_sub(b32)),
                    ConstOp::I32Mul => u64::from(a32.wrapping_mul(b32)),
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    ConstOp::I64Mul => a.wrapping_mul(b),
                    _ => return Err(bad()),
                }
            }
        };
        stack.push(value);
    }
    match stack.as_slice() {
        [value] => Ok(*value),
        _ => Err(bad()),
    }
}

impl<T> Store<T> {
    /// Number of instances in this store.
    pub fn instance_count(&self) -> usize {
        self.inner.instances.len()
    }
}
