//! Engine-neutral results: what a call returned or why it trapped, and the exported state of an
//! instance, in a form that Mote and the reference runtime both map into and that compares
//! NaN-aware.

use core::fmt;

/// A value, with references reduced to whether they are null (a reference's identity is not
/// comparable across runtimes).
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32` as its bits.
    F32(u32),
    /// An `f64` as its bits.
    F64(u64),
    /// A `funcref`: `true` when null.
    FuncRef(bool),
    /// An `externref`: `true` when null.
    ExternRef(bool),
}

impl Value {
    /// Equality where any NaN equals any NaN (the specification leaves most NaN payloads
    /// nondeterministic) and every other float compares bit for bit (so `-0.0 != 0.0`).
    pub fn same(&self, other: &Value) -> bool {
        match (*self, *other) {
            (Value::F32(a), Value::F32(b)) => {
                a == b || (f32::from_bits(a).is_nan() && f32::from_bits(b).is_nan())
            }
            (Value::F64(a), Value::F64(b)) => {
                a == b || (f64::from_bits(a).is_nan() && f64::from_bits(b).is_nan())
            }
            (Value::I32(a), Value::I32(b)) => a == b,
            (Value::I64(a), Value::I64(b)) => a == b,
            (Value::FuncRef(a), Value::FuncRef(b)) | (Value::ExternRef(a), Value::ExternRef(b)) => {
                a == b
            }
            _ => false,
        }
    }
}

impl From<mote::Val> for Value {
    fn from(v: mote::Val) -> Self {
        match v {
            mote::Val::I32(x) => Value::I32(x),
            mote::Val::I64(x) => Value::I64(x),
            mote::Val::F32(x) => Value::F32(x),
            mote::Val::F64(x) => Value::F64(x),
            mote::Val::FuncRef(r) => Value::FuncRef(r.is_none()),
            mote::Val::ExternRef(r) => Value::ExternRef(r.is_none()),
        }
    }
}

/// Trap kinds after mapping both runtimes' codes onto one set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrapKind {
    /// `unreachable`.
    Unreachable,
    /// Memory access out of bounds (loads, stores, bulk memory, data segments).
    MemoryOutOfBounds,
    /// Table access out of bounds, including `call_indirect` past the end of the table (Mote
    /// calls that "undefined element", wasmi "table out of bounds").
    TableOutOfBounds,
    /// `call_indirect` to a null entry.
    IndirectCallToNull,
    /// `call_indirect` to a function of another type.
    BadSignature,
    /// Signed division overflow.
    IntegerOverflow,
    /// Division or remainder by zero.
    IntegerDivisionByZero,
    /// Float-to-integer conversion of NaN or an out-of-range value.
    BadConversionToInteger,
    /// A trap code with no counterpart in the other runtime.
    Other,
}

impl TrapKind {
    /// Maps Mote's trap code; `None` for resource exhaustion (stack, fuel), whose point of
    /// occurrence legitimately differs between runtimes.
    pub fn from_mote(code: mote::TrapCode) -> Option<TrapKind> {
        use mote::TrapCode as C;
        Some(match code {
            C::Unreachable => TrapKind::Unreachable,
            C::MemoryOutOfBounds | C::SegmentOutOfBounds => TrapKind::MemoryOutOfBounds,
            C::TableOutOfBounds | C::UndefinedElement => TrapKind::TableOutOfBounds,
            C::IndirectCallToNull => TrapKind::IndirectCallToNull,
            C::BadSignature => TrapKind::BadSignature,
            C::IntegerOverflow => TrapKind::IntegerOverflow,
            C::IntegerDivisionByZero => TrapKind::IntegerDivisionByZero,
            C::BadConversionToInteger => TrapKind::BadConversionToInteger,
            C::StackOverflow | C::OutOfFuel => return None,
            _ => TrapKind::Other,
        })
    }

    /// Maps wasmi's trap code; `None` for resource exhaustion.
    pub fn from_wasmi(code: wasmi::TrapCode) -> Option<TrapKind> {
        use wasmi::TrapCode as C;
        Some(match code {
            C::UnreachableCodeReached => TrapKind::Unreachable,
            C::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
            C::TableOutOfBounds => TrapKind::TableOutOfBounds,
            C::IndirectCallToNull => TrapKind::IndirectCallToNull,
            C::BadSignature => TrapKind::BadSignature,
            C::IntegerOverflow => TrapKind::IntegerOverflow,
            C::IntegerDivisionByZero => TrapKind::IntegerDivisionByZero,
            C::BadConversionToInteger => TrapKind::BadConversionToInteger,
            C::StackOverflow | C::OutOfFuel | C::GrowthOperationLimited | C::OutOfSystemMemory => {
                return None;
            }
        })
    }
}

/// How a call (or an instantiation) ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// It returned these values.
    Returned(Vec<Value>),
    /// It trapped.
    Trapped(TrapKind),
    /// It failed with an error that is not a trap (a link or validation error, a usage error).
    Failed(String),
    /// It exhausted a resource whose bound differs between runtimes (stack depth, memory of
    /// the host): the runs cannot be compared from here on.
    Exhausted(String),
}

impl Outcome {
    /// Whether `self` and `other` agree; `Exhausted` agrees with anything (the caller stops).
    pub fn agrees_with(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Exhausted(_), _) | (_, Outcome::Exhausted(_)) => true,
            (Outcome::Returned(a), Outcome::Returned(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            (Outcome::Trapped(a), Outcome::Trapped(b)) => a == b,
            (Outcome::Failed(_), Outcome::Failed(_)) => true,
            _ => false,
        }
    }
}

/// The exported state of an instance: globals, memories and tables by export name.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Exported globals.
    pub globals: Vec<(String, Value)>,
    /// Exported memories' bytes.
    pub memories: Vec<(String, Vec<u8>)>,
    /// Exported tables: for each element, whether it is null.
    pub tables: Vec<(String, Vec<bool>)>,
}

impl Snapshot {
    /// Sorts every list by export name (runtimes list exports in different orders).
    pub fn sorted(mut self) -> Snapshot {
        self.globals.sort_by(|a, b| a.0.cmp(&b.0));
        self.memories.sort_by(|a, b| a.0.cmp(&b.0));
        self.tables.sort_by(|a, b| a.0.cmp(&b.0));
        self
    }

    /// The first difference between `self` and `other`, if any.
    pub fn difference(&self, other: &Snapshot) -> Option<String> {
        if self.globals.len() != other.globals.len() {
            return Some(format!(
                "{} exported globals vs {}",
                self.globals.len(),
                other.globals.len()
            ));
        }
        for ((name, a), (name_b, b)) in self.globals.iter().zip(&other.globals) {
            if name != name_b || !a.same(b) {
                return Some(format!("global {name:?}: {a:?} vs {name_b:?}: {b:?}"));
            }
        }
        if self.memories.len() != other.memories.len() {
            return Some("different number of exported memories".into());
        }
        for ((name, a), (_, b)) in self.memories.iter().zip(&other.memories) {
            if a.len() != b.len() {
                return Some(format!("memory {name:?}: {} bytes vs {}", a.len(), b.len()));
            }
            if let Some(at) = a.iter().zip(b).position(|(x, y)| x != y) {
                return Some(format!(
                    "memory {name:?} differs at byte {at}: {} vs {}",
                    a[at], b[at]
                ));
            }
        }
        if self.tables.len() != other.tables.len() {
            return Some("different number of exported tables".into());
        }
        for ((name, a), (_, b)) in self.tables.iter().zip(&other.tables) {
            if a != b {
                return Some(format!(
                    "table {name:?}: sizes {} vs {}, or null entries differ",
                    a.len(),
                    b.len()
                ));
            }
        }
        None
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(v) => write!(f, "returned {v:?}"),
            Outcome::Trapped(t) => write!(f, "trapped: {t:?}"),
            Outcome::Failed(e) => write!(f, "failed: {e}"),
            Outcome::Exhausted(e) => write!(f, "exhausted: {e}"),
        }
    }
}
