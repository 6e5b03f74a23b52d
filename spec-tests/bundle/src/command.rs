//! The commands of a `.wast` file, as the executor runs them: what the host runner makes of
//! each directive, and what a bundle stores.
//!
//! Text is already gone here: modules are binary (text modules are encoded on the host), and
//! a module the text encoder rejected is kept as its error message ([`ModuleSource::Unencodable`]),
//! so that the executor treats it exactly as the host runner does (an `assert_malformed` passes,
//! a `module` fails and leaves no current module).

use alloc::borrow::Cow;
use alloc::vec::Vec;

/// The directive a command came from. Its [`name`](Kind::name) is the keyword that reports show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    /// `(module ...)`.
    Module = 1,
    /// `(module definition ...)`.
    ModuleDefinition = 2,
    /// `(module instance ...)`.
    ModuleInstance = 3,
    /// `(assert_malformed ...)`.
    AssertMalformed = 4,
    /// `(assert_invalid ...)`.
    AssertInvalid = 5,
    /// `(assert_invalid_custom ...)`.
    AssertInvalidCustom = 6,
    /// `(assert_malformed_custom ...)`.
    AssertMalformedCustom = 7,
    /// `(register ...)`.
    Register = 8,
    /// `(invoke ...)`.
    Invoke = 9,
    /// `(assert_trap (module ...) ...)`: instantiation traps (the old `assert_uninstantiable`).
    AssertTrapModule = 10,
    /// `(assert_trap (invoke ...) ...)`.
    AssertTrap = 11,
    /// `(assert_return ...)`.
    AssertReturn = 12,
    /// `(assert_exhaustion ...)`.
    AssertExhaustion = 13,
    /// `(assert_unlinkable ...)`.
    AssertUnlinkable = 14,
    /// `(assert_exception ...)`.
    AssertException = 15,
    /// `(assert_suspension ...)`.
    AssertSuspension = 16,
    /// `(thread ...)`.
    Thread = 17,
    /// `(wait ...)`.
    Wait = 18,
    /// The file did not parse (one command stands for the whole file).
    Parse = 19,
}

impl Kind {
    /// Every kind, in the order of their codes.
    pub const ALL: [Kind; 19] = [
        Kind::Module,
        Kind::ModuleDefinition,
        Kind::ModuleInstance,
        Kind::AssertMalformed,
        Kind::AssertInvalid,
        Kind::AssertInvalidCustom,
        Kind::AssertMalformedCustom,
        Kind::Register,
        Kind::Invoke,
        Kind::AssertTrapModule,
        Kind::AssertTrap,
        Kind::AssertReturn,
        Kind::AssertExhaustion,
        Kind::AssertUnlinkable,
        Kind::AssertException,
        Kind::AssertSuspension,
        Kind::Thread,
        Kind::Wait,
        Kind::Parse,
    ];

    /// The keyword reports show.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Module => "module",
            Kind::ModuleDefinition => "module definition",
            Kind::ModuleInstance => "module instance",
            Kind::AssertMalformed => "assert_malformed",
            Kind::AssertInvalid => "assert_invalid",
            Kind::AssertInvalidCustom => "assert_invalid_custom",
            Kind::AssertMalformedCustom => "assert_malformed_custom",
            Kind::Register => "register",
            Kind::Invoke => "invoke",
            Kind::AssertTrapModule => "assert_trap (module)",
            Kind::AssertTrap => "assert_trap",
            Kind::AssertReturn => "assert_return",
            Kind::AssertExhaustion => "assert_exhaustion",
            Kind::AssertUnlinkable => "assert_unlinkable",
            Kind::AssertException => "assert_exception",
            Kind::AssertSuspension => "assert_suspension",
            Kind::Thread => "thread",
            Kind::Wait => "wait",
            Kind::Parse => "parse",
        }
    }

    /// The kind with code `code`.
    pub fn from_code(code: u8) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| *k as u8 == code)
    }
}

/// One command: where it is in its `.wast` file, what kind of directive it came from, and what
/// to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Command<'a> {
    /// The directive's keyword.
    pub kind: Kind,
    /// 1-based line of the directive.
    pub line: u32,
    /// 1-based column (in bytes) of the directive.
    pub column: u32,
    /// What to do.
    pub op: Op<'a>,
}

/// A module as the executor gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleSource<'a> {
    /// The binary module (`.wasm`), decoded, validated and translated where it runs.
    Wasm(Cow<'a, [u8]>),
    /// A compiled image (made on the host with the device's engine configuration), for
    /// executor-only devices.
    Image(Cow<'a, [u8]>),
    /// The module could not be made on the host: the text encoder (or, for images, the
    /// compiler) refused it, with this message.
    Unencodable(Cow<'a, str>),
}

/// What a command does.
#[derive(Debug, Clone, PartialEq)]
pub enum Op<'a> {
    /// Compile and instantiate; the instance becomes the current one (and is known by `name`).
    Module {
        /// The module's `$name`.
        name: Option<Cow<'a, str>>,
        /// The module.
        module: ModuleSource<'a>,
    },
    /// Compile only, remembered by `name` and as the last definition.
    Definition {
        /// The definition's `$name`.
        name: Option<Cow<'a, str>>,
        /// The module.
        module: ModuleSource<'a>,
    },
    /// Instantiate a definition (the last one without a name).
    Instance {
        /// The instance's `$name`.
        name: Option<Cow<'a, str>>,
        /// The definition's `$name`.
        definition: Option<Cow<'a, str>>,
    },
    /// Make an instance's exports importable under `as_name`.
    Register {
        /// The import module name.
        as_name: Cow<'a, str>,
        /// The instance's `$name`, or the current one.
        module: Option<Cow<'a, str>>,
    },
    /// Call a function; it must return.
    Invoke(Invoke<'a>),
    /// Carry out `action`; it must give `results`.
    AssertReturn {
        /// What to do.
        action: Action<'a>,
        /// The expected results.
        results: Vec<Expected<'a>>,
    },
    /// Carry out `action`; it must trap with `message`.
    AssertTrap {
        /// What to do.
        action: Action<'a>,
        /// The testsuite's trap message.
        message: Cow<'a, str>,
    },
    /// Call a function; it must exhaust the call stack.
    AssertExhaustion {
        /// The call.
        invoke: Invoke<'a>,
        /// The testsuite's message.
        message: Cow<'a, str>,
    },
    /// `assert_invalid` and `assert_malformed`: the module must be rejected.
    AssertRejected {
        /// The module.
        module: ModuleSource<'a>,
        /// The testsuite's message.
        message: Cow<'a, str>,
    },
    /// `assert_invalid_custom` and `assert_malformed_custom`: errors in custom sections must
    /// not reject the module, so it must compile (or its text must be rejected).
    AssertCustomIgnored {
        /// The module.
        module: ModuleSource<'a>,
    },
    /// The module compiles but must not link.
    AssertUnlinkable {
        /// The module.
        module: ModuleSource<'a>,
        /// The testsuite's message.
        message: Cow<'a, str>,
    },
    /// The command fails without running: a directive that Mote does not support, or a file
    /// that does not parse.
    Fail(Cow<'a, str>),
    /// The command is not run and counts as skipped, for this reason.
    Skip(Cow<'a, str>),
}

/// A function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoke<'a> {
    /// The instance's `$name`, or the current one.
    pub module: Option<Cow<'a, str>>,
    /// The export's name.
    pub name: Cow<'a, str>,
    /// The arguments.
    pub args: Vec<Value<'a>>,
}

/// What an `assert_return` or `assert_trap` checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Action<'a> {
    /// A call.
    Invoke(Invoke<'a>),
    /// The value of an exported global.
    Get {
        /// The instance's `$name`, or the current one.
        module: Option<Cow<'a, str>>,
        /// The export's name.
        global: Cow<'a, str>,
    },
    /// Compile and instantiate a module (it gives no values).
    Instantiate(ModuleSource<'a>),
}

/// An argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its bits.
    F32(u32),
    /// An `f64`, as its bits.
    F64(u64),
    /// `ref.null func`.
    NullFuncRef,
    /// `ref.null extern`.
    NullExternRef,
    /// `ref.extern N`: the same `N` is the same reference throughout a file.
    ExternRef(u32),
    /// A value Mote has no type for (`v128`, GC and host references): the call fails with
    /// this description.
    Unsupported(Cow<'a, str>),
}

/// An expected `f32` or `f64` result: a value (compared as bits) or a NaN pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatPattern<B> {
    /// Exactly these bits.
    Bits(B),
    /// `nan:canonical`: a NaN whose payload is exactly the quiet bit, either sign.
    CanonicalNan,
    /// `nan:arithmetic`: a NaN with the quiet bit set, any other payload, either sign.
    ArithmeticNan,
}

/// Which kind of null reference a result must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullKind {
    /// `ref.null func`.
    Func,
    /// `ref.null extern`.
    Extern,
}

/// An expected result.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected<'a> {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`.
    F32(FloatPattern<u32>),
    /// An `f64`.
    F64(FloatPattern<u64>),
    /// A null reference: of this kind, or of either with `None` (`ref.null` without a type).
    RefNull(Option<NullKind>),
    /// Any non-null function reference (the index would need the exporting module's function
    /// index space).
    RefFunc,
    /// A non-null `externref`: `ref.extern N`, or any with `None`.
    RefExtern(Option<u32>),
    /// Any one of these.
    Either(Vec<Expected<'a>>),
    /// A pattern Mote has no type for; it matches nothing. The text shows it.
    Unsupported(Cow<'a, str>),
}
