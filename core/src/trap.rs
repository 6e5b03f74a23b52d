//! Traps: the ways a running WebAssembly call can stop abnormally.

use core::fmt;

/// Why guest code trapped. `Copy` and one byte, so the executor can carry it cheaply.
///
/// `Display` prints the message that the WebAssembly specification's test suite uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable,
    /// A load or store, or a bulk memory operation, went outside the linear memory.
    MemoryOutOfBounds,
    /// A table access went outside the table.
    TableOutOfBounds,
    /// `call_indirect` used an index outside the table.
    UndefinedElement,
    /// `call_indirect` found a null entry.
    IndirectCallToNull,
    /// `call_indirect` found a function of another type.
    BadSignature,
    /// Signed division overflowed (`INT_MIN / -1`).
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// A float-to-integer conversion got NaN or a value out of range.
    BadConversionToInteger,
    /// The call stack (value stack or call depth) is exhausted.
    StackOverflow,
    /// The call ran out of fuel and could not be suspended.
    OutOfFuel,
    /// A data or element segment access went out of bounds during instantiation.
    SegmentOutOfBounds,
    /// A host function trapped.
    HostTrap,
    /// The engine's epoch reached the store's deadline
    /// ([`Config::epoch_interruption`](crate::Config::epoch_interruption)).
    Interrupt,
}

impl TrapCode {
    /// The message used by the specification test suite.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::SegmentOutOfBounds => "out of bounds memory access",
            TrapCode::HostTrap => "host function trapped",
            TrapCode::Interrupt => "interrupt",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A trap with where it happened: the trap code, and the function index and byte offset of the
/// instruction when the engine knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    /// Index of the trapping function in its module's function index space.
    func_index: Option<u32>,
    /// Byte offset of the trapping instruction in the module's bytes.
    offset: Option<u32>,
}

impl Trap {
    /// A trap with no location.
    #[cold]
    pub fn new(code: TrapCode) -> Self {
        Self {
            code,
            func_index: None,
            offset: None,
        }
    }

    /// A trap in function `func_index`, at byte `offset` when known.
    #[cold]
    pub fn at(code: TrapCode, func_index: u32, offset: Option<u32>) -> Self {
        Self {
            code,
            func_index: Some(func_index),
            offset,
        }
    }

    /// The trap code.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The function index (in its module) where the trap happened, if known.
    pub fn func_index(&self) -> Option<u32> {
        self.func_index
    }

    /// The byte offset of the trapping instruction in the module, if known.
    pub fn offset(&self) -> Option<u32> {
        self.offset
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Trap::new(code)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(func) = self.func_index {
            write!(f, " in function {func}")?;
        }
        if let Some(offset) = self.offset {
            write!(f, " at byte offset {offset:#x}")?;
        }
        Ok(())
    }
}

impl core::error::Error for Trap {}
