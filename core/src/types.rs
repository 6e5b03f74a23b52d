//! WebAssembly types: value types, function types and the types of memories, tables and globals.

use crate::sync::Arc;
use core::fmt;

/// The type of a WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// A nullable reference to a function.
    FuncRef,
    /// A nullable reference to a host value.
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// The type of a reference: the element type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefType {
    /// `funcref`
    FuncRef,
    /// `externref`
    ExternRef,
}

impl RefType {
    /// The value type of this reference type.
    pub fn val_type(self) -> ValType {
        match self {
            RefType::FuncRef => ValType::FuncRef,
            RefType::ExternRef => ValType::ExternRef,
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.val_type().fmt(f)
    }
}

/// The type of a function: parameters and results.
///
/// Cheap to clone (one shared allocation).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// Parameters followed by results, so that one allocation holds both.
    params_results: Arc<[ValType]>,
    param_count: u32,
}

impl FuncType {
    /// Creates a function type from parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        let mut all: alloc::vec::Vec<ValType> = params.into_iter().collect();
        let param_count = u32::try_from(all.len()).unwrap_or(u32::MAX);
        all.extend(results);
        Self {
            params_results: Arc::from(all.into_boxed_slice()),
            param_count,
        }
    }

    /// The parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params_results[..self.param_count as usize]
    }

    /// The result types.
    pub fn results(&self) -> &[ValType] {
        &self.params_results[self.param_count as usize..]
    }
}

/// An order of function types (for lookups): by parameter count, then by the value types'
/// codes, which compiles to a byte comparison instead of one per enum variant.
impl Ord for FuncType {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        fn codes(t: &FuncType) -> impl Iterator<Item = u8> + '_ {
            t.params_results.iter().map(|v| *v as u8)
        }
        self.param_count
            .cmp(&other.param_count)
            .then_with(|| codes(self).cmp(codes(other)))
    }
}

impl PartialOrd for FuncType {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        if !self.params().is_empty() {
            f.write_str(" (param")?;
            for p in self.params() {
                write!(f, " {p}")?;
            }
            f.write_str(")")?;
        }
        if !self.results().is_empty() {
            f.write_str(" (result")?;
            for r in self.results() {
                write!(f, " {r}")?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")
    }
}

/// The type of a linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryType {
    /// Minimum size, in pages.
    pub minimum: u64,
    /// Maximum size, in pages, if any.
    pub maximum: Option<u64>,
    /// log2 of the page size in bytes: 16 for the standard 64 KiB page, 0 for 1-byte pages
    /// (custom-page-sizes proposal).
    pub page_size_log2: u8,
    /// Whether the memory is indexed with `i64` (memory64 proposal).
    pub memory64: bool,
    /// Whether the memory is shared (threads proposal).
    pub shared: bool,
}

impl MemoryType {
    /// A 32-bit memory with 64 KiB pages.
    pub fn new(minimum: u32, maximum: Option<u32>) -> Self {
        Self {
            minimum: u64::from(minimum),
            maximum: maximum.map(u64::from),
            page_size_log2: 16,
            memory64: false,
            shared: false,
        }
    }

    /// Sets the page size (log2 of the size in bytes).
    #[must_use]
    pub fn with_page_size_log2(mut self, log2: u8) -> Self {
        self.page_size_log2 = log2;
        self
    }

    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1u64 << self.page_size_log2
    }

    /// `pages` pages in bytes, saturating at `u64::MAX` (in shifts: cheap on 32-bit targets).
    pub fn pages_to_bytes(&self, pages: u64) -> u64 {
        let log2 = u32::from(self.page_size_log2);
        match u64::MAX.checked_shr(log2) {
            Some(most) if pages <= most => pages << log2,
            _ => u64::MAX,
        }
    }

    /// The largest number of pages that the index type can address.
    pub fn absolute_max_pages(&self) -> u64 {
        if self.memory64 {
            u64::MAX >> self.page_size_log2
        } else {
            (1u64 << 32) >> self.page_size_log2
        }
    }
}

/// The type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableType {
    /// The element type.
    pub element: RefType,
    /// Minimum number of elements.
    pub minimum: u64,
    /// Maximum number of elements, if any.
    pub maximum: Option<u64>,
    /// Whether the table is indexed with `i64` (memory64 proposal).
    pub table64: bool,
}

impl TableType {
    /// A 32-bit table.
    pub fn new(element: RefType, minimum: u32, maximum: Option<u32>) -> Self {
        Self {
            element,
            minimum: u64::from(minimum),
            maximum: maximum.map(u64::from),
            table64: false,
        }
    }
}

/// Whether a global can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutability {
    /// Immutable (`const`).
    Const,
    /// Mutable (`var`).
    Var,
}

/// The type of a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// The type of its value.
    pub content: ValType,
    /// Whether it can be written.
    pub mutability: Mutability,
}

impl GlobalType {
    /// Creates a global type.
    pub fn new(content: ValType, mutability: Mutability) -> Self {
        Self {
            content,
            mutability,
        }
    }
}

/// The type of an import or export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
}

impl ExternType {
    /// A short name of the kind: "function", "table", "memory" or "global".
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "function",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Global(_) => "global",
        }
    }
}
