//! Modules: decoded, validated and translated WebAssembly code, ready to instantiate.

mod bytes;
mod check;
mod name;
#[cfg(feature = "validate")]
mod parse;

pub use bytes::Bytes;
pub use name::{FuncNames, Name, PACKED_ENTRY};

use crate::sync::Arc;
use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use crate::engine::{CompiledCode, Engine};
use crate::error::Error;
use crate::types::{ExternType, FuncType, GlobalType, MemoryType, RefType, TableType};

/// A compiled WebAssembly module. Cheap to clone; instantiate it any number of times.
#[derive(Clone)]
pub struct Module {
    inner: Arc<ModuleInner>,
}

struct ModuleInner {
    engine: Engine,
    info: ModuleInfo,
    code: CompiledCode,
}

impl Module {
    /// Decodes, validates and translates a module from its binary encoding.
    ///
    /// # Errors
    /// `Malformed` or `Invalid` errors name the byte offset (and the function, inside a body);
    /// `Unsupported` when the module needs a disabled feature; `Limit` when the translated code
    /// would exceed [`Limits::code_bytes`](crate::Limits::code_bytes).
    #[cfg(feature = "validate")]
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module, Error> {
        let (info, code) = parse::decode_and_translate(engine, bytes.as_ref())?;
        Ok(Self::from_parts(engine, info, code))
    }

    /// Validates a module without translating it.
    ///
    /// # Errors
    /// As [`Module::new`].
    #[cfg(feature = "validate")]
    pub fn validate(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<(), Error> {
        parse::validate_only(engine, bytes.as_ref())
    }

    /// Loads a compiled image (written by `mote compile`) that lives for the rest of the program,
    /// typically in flash: the translated code and the data segments are used in place, only the
    /// module information and instance state take RAM. The image must be 4-byte aligned
    /// (`mote::include_image!` embeds a file so).
    ///
    /// # Errors
    /// `BadImage` for corrupted, truncated or inconsistent images and for images compiled for
    /// another runtime version or engine configuration; `Unsupported` when the engine's backend
    /// has no image format.
    pub fn from_image(engine: &Engine, image: &'static [u8]) -> Result<Module, Error> {
        engine.check_backend_support()?;
        engine
            .backend()
            .load_image(engine, crate::engine::ImageSource::Static(image))
    }

    /// Loads a compiled image from bytes that need not outlive the call (a file read into a
    /// buffer): what the module keeps is copied.
    ///
    /// # Errors
    /// As [`Module::from_image`].
    pub fn from_image_bytes(engine: &Engine, image: &[u8]) -> Result<Module, Error> {
        engine.check_backend_support()?;
        engine
            .backend()
            .load_image(engine, crate::engine::ImageSource::Transient(image))
    }

    /// Builds a module whose information is written in place, for image loaders: `fill` gets
    /// the (default) information to fill in and returns the backend's code. (A `ModuleInfo`
    /// is large; this way a device's stack never holds copies of it.)
    ///
    /// # Errors
    /// What `fill` returns.
    pub fn build(
        engine: &Engine,
        fill: impl FnOnce(&mut ModuleInfo) -> Result<CompiledCode, Error>,
    ) -> Result<Module, Error> {
        let mut inner = Arc::new(ModuleInner {
            engine: engine.clone(),
            info: ModuleInfo::default(),
            code: crate::engine::compiled_code(()),
        });
        // A fresh `Arc` is not shared, so this always succeeds.
        let fresh = Arc::get_mut(&mut inner)
            .ok_or_else(|| Error::usage("a new module is shared before it is built"))?;
        fresh.code = fill(&mut fresh.info)?;
        Ok(Module { inner })
    }

    /// Assembles a module from decoded information and backend code (for image loaders).
    pub fn from_parts(engine: &Engine, info: ModuleInfo, code: CompiledCode) -> Module {
        Module {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                info,
                code,
            }),
        }
    }

    /// The engine this module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The decoded module information.
    pub fn info(&self) -> &ModuleInfo {
        &self.inner.info
    }

    /// The backend's compiled code.
    pub fn code(&self) -> &CompiledCode {
        &self.inner.code
    }

    /// The imports: module name, field name and type.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = (&str, &str, ExternType)> + '_ {
        let info = &self.inner.info;
        info.imports
            .iter()
            .map(move |imp| (&*imp.module, &*imp.name, info.import_type(imp)))
    }

    /// The exports: name and type.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = (&str, ExternType)> + '_ {
        let info = &self.inner.info;
        info.exports
            .iter()
            .map(move |exp| (&*exp.name, info.extern_type(exp.kind, exp.index)))
    }

    /// The name of the module (from the name section), if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.info.name.as_deref()
    }
}

impl fmt::Debug for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.inner.info.name)
            .field("functions", &self.inner.info.funcs.len())
            .finish_non_exhaustive()
    }
}

/// The kind of an import or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternKind {
    /// A function.
    Func,
    /// A table.
    Table,
    /// A memory.
    Memory,
    /// A global.
    Global,
}

/// An import of a module.
#[derive(Debug, Clone)]
pub struct Import {
    /// Module name.
    pub module: Name,
    /// Field name.
    pub name: Name,
    /// What is imported, and its index in that kind's index space.
    pub kind: ExternKind,
    /// Index in the kind's index space.
    pub index: u32,
}

/// An export of a module.
#[derive(Debug, Clone)]
pub struct Export {
    /// Export name.
    pub name: Name,
    /// What is exported.
    pub kind: ExternKind,
    /// Index in the kind's index space.
    pub index: u32,
}

/// One instruction of a constant expression (global initialisers, segment offsets and items).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstOp {
    /// `i32.const`
    I32Const(i32),
    /// `i64.const`
    I64Const(i64),
    /// `f32.const`, as bits
    F32Const(u32),
    /// `f64.const`, as bits
    F64Const(u64),
    /// `ref.null`
    RefNull(RefType),
    /// `ref.func`
    RefFunc(u32),
    /// `global.get`
    GlobalGet(u32),
    /// `i32.add` (extended-const)
    I32Add,
    /// `i32.sub` (extended-const)
    I32Sub,
    /// `i32.mul` (extended-const)
    I32Mul,
    /// `i64.add` (extended-const)
    I64Add,
    /// `i64.sub` (extended-const)
    I64Sub,
    /// `i64.mul` (extended-const)
    I64Mul,
}

/// A constant expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstExpr {
    /// Its instructions, in order, without the final `end`.
    pub ops: Box<[ConstOp]>,
}

/// How an element segment is used.
#[derive(Debug, Clone)]
pub enum ElemMode {
    /// Copied into a table at instantiation.
    Active {
        /// Table index.
        table: u32,
        /// Offset expression.
        offset: ConstExpr,
    },
    /// Used by `table.init`.
    Passive,
    /// Only declares functions for `ref.func`.
    Declared,
}

/// The items of an element segment.
#[derive(Debug, Clone)]
pub enum ElemItems {
    /// Function indices.
    Funcs(Box<[u32]>),
    /// Constant expressions.
    Exprs(Box<[ConstExpr]>),
}

impl ElemItems {
    /// Number of items.
    pub fn len(&self) -> usize {
        match self {
            ElemItems::Funcs(f) => f.len(),
            ElemItems::Exprs(e) => e.len(),
        }
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An element segment.
#[derive(Debug, Clone)]
pub struct ElemSegment {
    /// How it is used.
    pub mode: ElemMode,
    /// Element type.
    pub ty: RefType,
    /// Its items.
    pub items: ElemItems,
}

/// How a data segment is used.
#[derive(Debug, Clone)]
pub enum DataMode {
    /// Copied into a memory at instantiation.
    Active {
        /// Memory index.
        memory: u32,
        /// Offset expression.
        offset: ConstExpr,
    },
    /// Used by `memory.init`.
    Passive,
}

/// A data segment.
#[derive(Debug, Clone)]
pub struct DataSegment {
    /// How it is used.
    pub mode: DataMode,
    /// Its bytes.
    pub bytes: Bytes,
}

/// Everything about a module except its code: types, imports, exports, and the index spaces.
///
/// Index spaces list imports first, as in the binary format.
#[derive(Debug, Clone, Default)]
pub struct ModuleInfo {
    /// Function types (type section).
    pub types: Vec<FuncType>,
    /// Imports in order.
    pub imports: Vec<Import>,
    /// Type index of every function (in place in a compiled image executed from flash).
    pub funcs: Cow<'static, [u32]>,
    /// Number of imported functions.
    pub imported_funcs: u32,
    /// Every table's type.
    pub tables: Vec<TableType>,
    /// Initialiser of each defined table (`None`: null).
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Number of imported tables.
    pub imported_tables: u32,
    /// Every memory's type.
    pub memories: Vec<MemoryType>,
    /// Number of imported memories.
    pub imported_memories: u32,
    /// Every global's type.
    pub globals: Vec<GlobalType>,
    /// Number of imported globals.
    pub imported_globals: u32,
    /// Initialiser of each defined global.
    pub global_inits: Vec<ConstExpr>,
    /// Exports in order.
    pub exports: Vec<Export>,
    /// Start function.
    pub start: Option<u32>,
    /// Element segments.
    pub elems: Vec<ElemSegment>,
    /// Data segments.
    pub datas: Vec<DataSegment>,
    /// Module name from the name section.
    pub name: Option<Name>,
    /// Function names from the name section (see [`ModuleInfo::func_name`] for the others).
    pub func_names: FuncNames,
}

impl ModuleInfo {
    /// The type of function `index`.
    ///
    /// # Panics
    /// If `index` is out of range (validated modules never do that).
    pub fn func_type(&self, index: u32) -> &FuncType {
        &self.types[self.funcs[index as usize] as usize]
    }

    /// The name of function `index`, if known: from the name section, or failing that the
    /// first export of the function. (For messages: the export search is linear.)
    pub fn func_name(&self, index: u32) -> Option<&str> {
        self.func_names.get(index).or_else(|| {
            self.exports
                .iter()
                .find(|e| e.kind == ExternKind::Func && e.index == index)
                .map(|e| &*e.name)
        })
    }

    /// The type of an import.
    pub fn import_type(&self, import: &Import) -> ExternType {
        self.extern_type(import.kind, import.index)
    }

    /// The type of item `index` of kind `kind`.
    pub fn extern_type(&self, kind: ExternKind, index: u32) -> ExternType {
        let i = index as usize;
        match kind {
            ExternKind::Func => ExternType::Func(self.func_type(index).clone()),
            ExternKind::Table => ExternType::Table(self.tables[i]),
            ExternKind::Memory => ExternType::Memory(self.memories[i]),
            ExternKind::Global => ExternType::Global(self.globals[i]),
        }
    }

    /// Number of functions defined (not imported) by the module.
    pub fn defined_funcs(&self) -> u32 {
        u32::try_from(self.funcs.len()).map_or(u32::MAX, |n| n - self.imported_funcs)
    }
}

/// Checks that `n` fits in `u32`, for counts taken from a module.
#[cfg(feature = "validate")]
pub(crate) fn count_u32(n: usize, what: &'static str) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| Error::limit(what, n as u64, u64::from(u32::MAX)))
}
