//! The root error type.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

use crate::trap::{Trap, TrapCode};
use crate::types::FuncType;

/// An error from Mote: a malformed or invalid module, a link or instantiation failure, an
/// exhausted limit, or a trap.
///
/// One pointer wide, so `Result<T, Error>` stays small on the hot path.
pub struct Error {
    inner: Box<ErrorInner>,
}

#[derive(Debug)]
struct ErrorInner {
    kind: ErrorKind,
    /// For traps: the Wasm frames that were active, innermost first.
    backtrace: alloc::vec::Vec<FrameInfo>,
    /// Function (index in its module's function index space, and name if known) where the error
    /// arose.
    func: Option<(u32, Option<String>)>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes are not a well-formed WebAssembly module.
    Malformed {
        /// What is wrong.
        message: Message,
        /// Byte offset in the module.
        offset: u64,
    },
    /// The module is well-formed but does not validate.
    Invalid {
        /// What is wrong.
        message: Message,
        /// Byte offset in the module.
        offset: u64,
    },
    /// The module uses something this build or configuration does not support.
    Unsupported {
        /// What is not supported.
        message: Message,
        /// Byte offset in the module, when known.
        offset: Option<u64>,
    },
    /// An import could not be resolved or has the wrong type.
    Link {
        /// Import module name.
        module: String,
        /// Import field name.
        name: String,
        /// Why linking failed.
        reason: Message,
    },
    /// A configured limit would be exceeded.
    Limit {
        /// Which limit.
        what: &'static str,
        /// What was asked for.
        requested: u64,
        /// The limit.
        limit: u64,
    },
    /// Guest code trapped.
    Trap(Trap),
    /// A host function failed with a message.
    Host(Message),
    /// The API was used wrongly (for example a value from another store, or a type mismatch
    /// between arguments and the function's parameters).
    Usage(Message),
    /// The guest asked to exit with a status (WASI `proc_exit`): not a failure of the runtime;
    /// embedders map it to their notion of an exit code.
    Exit(i32),
    /// A compiled image was rejected: corrupted, truncated, made for another runtime version or
    /// configuration, or inconsistent.
    BadImage {
        /// What is wrong.
        message: Message,
        /// Byte offset in the image.
        offset: u64,
    },
    /// Memory could not be allocated.
    OutOfMemory {
        /// How many bytes were requested.
        bytes: u64,
    },
    /// A bug in Mote itself, caught by one of its own consistency checks (for example the
    /// translator patching a jump into an instruction that is not one). The module may well be
    /// valid: please report it.
    Internal {
        /// Which check failed.
        message: Message,
        /// Byte offset in the module of the operator being processed.
        offset: u64,
    },
}

/// The text of an error, kept as its parts: static text and the numbers or types it names.
/// They are put together only when the error is displayed, so a device build that never
/// prints an error carries no formatting code, and making an error allocates no string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message(Text);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    Static(&'static str),
    /// Text made at run time (messages of `wasmparser`, of host functions).
    Owned(String),
    /// `{item} {index}: {problem}`, for example `export 3: index out of range`.
    Item {
        item: &'static str,
        index: u64,
        problem: &'static str,
    },
    /// ``{what} `{name}` ``, for example ``no exported function `main` ``.
    Named {
        what: &'static str,
        name: String,
    },
    /// `{what}: expected {expected}, found {found}`.
    Counts {
        what: &'static str,
        expected: u64,
        found: u64,
    },
    /// `{what}: expected {expected}, found {found}`, of function types.
    Types {
        what: &'static str,
        expected: FuncType,
        found: FuncType,
    },
}

impl Message {
    /// `{item} {index}: {problem}`, for example `export 3: index out of range`.
    #[cold]
    pub fn item(item: &'static str, index: u64, problem: &'static str) -> Self {
        Message(Text::Item {
            item,
            index,
            problem,
        })
    }

    /// ``{what} `{name}` ``, for example ``no exported function `main` ``.
    #[cold]
    pub fn named(what: &'static str, name: &str) -> Self {
        Message(Text::Named {
            what,
            name: name.into(),
        })
    }

    /// `{what}: expected {expected}, found {found}`, for counts.
    #[cold]
    pub fn counts(what: &'static str, expected: u64, found: u64) -> Self {
        Message(Text::Counts {
            what,
            expected,
            found,
        })
    }

    /// `{what}: expected {expected}, found {found}`, for function types.
    #[cold]
    pub fn types(what: &'static str, expected: &FuncType, found: &FuncType) -> Self {
        Message(Text::Types {
            what,
            expected: expected.clone(),
            found: found.clone(),
        })
    }

    /// The text, when it is one piece (not made of parts).
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Text::Static(text) => Some(text),
            Text::Owned(text) => Some(text),
            _ => None,
        }
    }
}

impl From<&'static str> for Message {
    fn from(text: &'static str) -> Self {
        Message(Text::Static(text))
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Message(Text::Owned(text))
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Text::Static(text) => f.write_str(text),
            Text::Owned(text) => f.write_str(text),
            Text::Item {
                item,
                index,
                problem,
            } => write!(f, "{item} {index}: {problem}"),
            Text::Named { what, name } => write!(f, "{what} `{name}`"),
            Text::Counts {
                what,
                expected,
                found,
            } => write!(f, "{what}: expected {expected}, found {found}"),
            Text::Types {
                what,
                expected,
                found,
            } => write!(f, "{what}: expected {expected}, found {found}"),
        }
    }
}

// The constructors are cold and not inlined: an `ErrorKind` is large, and callers (the image
// loader's frames on a device's stack) should not reserve room for one.
impl Error {
    #[cold]
    fn from_kind(kind: ErrorKind) -> Self {
        Self {
            inner: Box::new(ErrorInner {
                kind,
                backtrace: alloc::vec::Vec::new(),
                func: None,
            }),
        }
    }

    /// A rejected compiled image, with the byte offset in the image.
    #[cold]
    #[inline(never)]
    pub fn bad_image(message: impl Into<Message>, offset: u64) -> Self {
        Self::from_kind(ErrorKind::BadImage {
            message: message.into(),
            offset,
        })
    }

    /// A malformed-module error (messages of the decoder, made at run time).
    #[cold]
    #[inline(never)]
    pub fn malformed(message: impl Into<String>, offset: u64) -> Self {
        Self::from_kind(ErrorKind::Malformed {
            message: Message::from(message.into()),
            offset,
        })
    }

    /// A validation error (messages of the validator, made at run time).
    #[cold]
    #[inline(never)]
    pub fn invalid(message: impl Into<String>, offset: u64) -> Self {
        Self::from_kind(ErrorKind::Invalid {
            message: Message::from(message.into()),
            offset,
        })
    }

    /// An unsupported-feature error.
    #[cold]
    #[inline(never)]
    pub fn unsupported(message: impl Into<Message>, offset: Option<u64>) -> Self {
        Self::from_kind(ErrorKind::Unsupported {
            message: message.into(),
            offset,
        })
    }

    /// A link error for import `module`.`name`.
    #[cold]
    #[inline(never)]
    pub fn link(module: &str, name: &str, reason: impl Into<Message>) -> Self {
        Self::from_kind(ErrorKind::Link {
            module: module.into(),
            name: name.into(),
            reason: reason.into(),
        })
    }

    /// A limit error.
    #[cold]
    #[inline(never)]
    pub fn limit(what: &'static str, requested: u64, limit: u64) -> Self {
        Self::from_kind(ErrorKind::Limit {
            what,
            requested,
            limit,
        })
    }

    /// A host error with a message.
    #[cold]
    #[inline(never)]
    pub fn host(message: impl Into<Message>) -> Self {
        Self::from_kind(ErrorKind::Host(message.into()))
    }

    /// An API usage error.
    #[cold]
    #[inline(never)]
    pub fn usage(message: impl Into<Message>) -> Self {
        Self::from_kind(ErrorKind::Usage(message.into()))
    }

    /// The guest exits with `status` (returned by a host function such as WASI `proc_exit`, it
    /// unwinds the call like a trap, without being one).
    #[cold]
    #[inline(never)]
    pub fn exit(status: i32) -> Self {
        Self::from_kind(ErrorKind::Exit(status))
    }

    /// The exit status, if this error is a guest's request to exit.
    pub fn exit_code(&self) -> Option<i32> {
        match self.inner.kind {
            ErrorKind::Exit(status) => Some(status),
            _ => None,
        }
    }

    /// A failed internal consistency check (a bug in Mote), with the byte offset in the module
    /// of the operator being processed.
    #[cold]
    #[inline(never)]
    pub fn internal(message: impl Into<Message>, offset: u64) -> Self {
        Self::from_kind(ErrorKind::Internal {
            message: message.into(),
            offset,
        })
    }

    /// An allocation failure.
    #[cold]
    #[inline(never)]
    pub fn out_of_memory(bytes: u64) -> Self {
        Self::from_kind(ErrorKind::OutOfMemory { bytes })
    }

    /// Attaches the function where the error arose.
    #[cold]
    #[must_use]
    pub fn in_function(mut self, index: u32, name: Option<&str>) -> Self {
        self.inner.func = Some((index, name.map(String::from)));
        self
    }

    /// Attaches a trap's backtrace.
    #[cold]
    #[must_use]
    pub fn with_backtrace(mut self, frames: alloc::vec::Vec<FrameInfo>) -> Self {
        self.inner.backtrace = frames;
        self
    }

    /// For traps: the Wasm frames that were active when it happened, innermost first. Empty for
    /// other errors. Printed by the alternate format (`{:#}`).
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.inner.backtrace
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The function where the error arose, if known: its index and name.
    pub fn function(&self) -> Option<(u32, Option<&str>)> {
        self.inner
            .func
            .as_ref()
            .map(|(index, name)| (*index, name.as_deref()))
    }

    /// The trap, if this error is a trap.
    pub fn as_trap(&self) -> Option<&Trap> {
        match &self.inner.kind {
            ErrorKind::Trap(trap) => Some(trap),
            _ => None,
        }
    }

    /// The trap code, if this error is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        self.as_trap().map(Trap::code)
    }

    /// The byte offset in the module where the error arose, if known.
    pub fn offset(&self) -> Option<u64> {
        match &self.inner.kind {
            ErrorKind::Malformed { offset, .. }
            | ErrorKind::Invalid { offset, .. }
            | ErrorKind::BadImage { offset, .. }
            | ErrorKind::Internal { offset, .. } => Some(*offset),
            ErrorKind::Unsupported { offset, .. } => *offset,
            ErrorKind::Trap(trap) => trap.offset().map(u64::from),
            _ => None,
        }
    }
}

impl From<Trap> for Error {
    #[cold]
    fn from(trap: Trap) -> Self {
        let func = trap.func_index().map(|index| (index, None));
        Self {
            inner: Box::new(ErrorInner {
                kind: ErrorKind::Trap(trap),
                backtrace: alloc::vec::Vec::new(),
                func,
            }),
        }
    }
}

impl From<TrapCode> for Error {
    #[cold]
    fn from(code: TrapCode) -> Self {
        Error::from(Trap::new(code))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.kind {
            ErrorKind::Malformed { message, offset } => {
                write!(f, "malformed module at byte offset {offset:#x}: {message}")?
            }
            ErrorKind::Invalid { message, offset } => {
                write!(f, "invalid module at byte offset {offset:#x}: {message}")?
            }
            ErrorKind::Unsupported { message, offset } => {
                write!(f, "unsupported: {message}")?;
                if let Some(offset) = offset {
                    write!(f, " (at byte offset {offset:#x})")?;
                }
            }
            ErrorKind::Link {
                module,
                name,
                reason,
            } => write!(f, "cannot link import \"{module}\" \"{name}\": {reason}")?,
            ErrorKind::Limit {
                what,
                requested,
                limit,
            } => write!(
                f,
                "limit exceeded: {what}: asked for {requested}, limit is {limit}"
            )?,
            ErrorKind::Trap(trap) => {
                write!(f, "wasm trap: {}", trap.code())?;
                if let Some(offset) = trap.offset() {
                    write!(f, " at byte offset {offset:#x}")?;
                }
            }
            ErrorKind::Host(message) => write!(f, "host error: {message}")?,
            ErrorKind::BadImage { message, offset } => write!(
                f,
                "bad compiled image at byte offset {offset:#x}: {message}"
            )?,
            ErrorKind::Exit(status) => write!(f, "exited with status {status}")?,
            ErrorKind::Usage(message) => write!(f, "{message}")?,
            ErrorKind::OutOfMemory { bytes } => {
                write!(f, "out of memory: could not allocate {bytes} bytes")?
            }
            ErrorKind::Internal { message, offset } => write!(
                f,
                "internal error (a bug in Mote) at byte offset {offset:#x}: {message}"
            )?,
        }
        if let Some((index, name)) = &self.inner.func {
            match name {
                Some(name) => write!(f, " (in function {index} `{name}`)")?,
                None => write!(f, " (in function {index})")?,
            }
        }
        if f.alternate() && !self.inner.backtrace.is_empty() {
            f.write_str("\nwasm backtrace:")?;
            for (depth, frame) in self.inner.backtrace.iter().enumerate() {
                write!(f, "\n  {depth}: {frame}")?;
            }
        }
        Ok(())
    }
}

/// One frame of a trap's backtrace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Index of the function in its module's function index space.
    pub func_index: u32,
    /// The function's name (name section or export), if known.
    pub func_name: Option<String>,
    /// The module's name (name section), if known.
    pub module_name: Option<String>,
    /// Byte offset in the module of the instruction executing (for callers: the call).
    pub offset: Option<u32>,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(module) = &self.module_name {
            write!(f, "{module}!")?;
        }
        match &self.func_name {
            Some(name) => write!(f, "{name} (function {})", self.func_index)?,
            None => write!(f, "function {}", self.func_index)?,
        }
        if let Some(offset) = self.offset {
            write!(f, " at byte offset {offset:#x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("func", &self.inner.func)
            .finish()
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_put_together_when_displayed() {
        use alloc::string::ToString;
        let item = Error::bad_image(Message::item("export", 3, "index out of range"), 96);
        assert_eq!(
            item.to_string(),
            "bad compiled image at byte offset 0x60: export 3: index out of range"
        );
        let counts = Error::usage(Message::counts("arguments", 2, 1));
        assert_eq!(counts.to_string(), "arguments: expected 2, found 1");
        let ty = |n| FuncType::new([crate::ValType::I32; 2].into_iter().take(n), []);
        let types = Error::usage(Message::types("typed function", &ty(1), &ty(2)));
        assert_eq!(
            types.to_string(),
            "typed function: expected (func (param i32)), found (func (param i32 i32))"
        );
        let named = Error::usage(Message::named("no exported function", "main"));
        assert_eq!(named.to_string(), "no exported function `main`");
        assert_eq!(Message::from("static").as_str(), Some("static"));
        assert_eq!(Message::item("a", 1, "b").as_str(), None);
    }

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(size_of::<Error>(), size_of::<usize>());
        assert_eq!(size_of::<TrapCode>(), 1);
    }
}
