//! The bundle's binary format: a versioned, little-endian container of `.wast` files turned
//! into [`Command`]s, written on the host and read on the device without copying.
//!
//! ```text
//! bundle  = "MOTESPEC" version:u32 header_len:u32 header file*
//! header  = features:u32 kind:u8 pad(3) suite:str file_count:u32 pad      (header_len bytes)
//! file    = body_len:u32 body                                  (body_len is a multiple of 4)
//! body    = name:str command_count:u32 command* pad
//! command = kind:u8 op:u8 line:u32 column:u32 fields(op)
//! str     = len:u32 bytes(len)                                 (UTF-8)
//! blob    = len:u32 pad bytes(len)                             (the bytes start 4-aligned)
//! ```
//!
//! Every `u32` is little-endian and unaligned, except that padding puts the bytes of each blob
//! (module binaries and compiled images) at a multiple of 4 from the start of its file's body,
//! and every body starts at a multiple of 4 from the start of the bundle: an image in a bundle
//! embedded 4-aligned in flash can run in place. A reader can skip a file without parsing it
//! (`body_len`), so a device can stream the bundle one file at a time from the host.
//!
//! The reader checks everything (lengths, tags, UTF-8, nesting depth) and reports what is wrong
//! and at which offset: a bad bundle gives a [`FormatError`], never a panic.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::fmt;

use mote_core::Features;

use crate::command::{
    Action, Command, Expected, FloatPattern, Invoke, Kind, ModuleSource, NullKind, Op, Value,
};

#[cfg(test)]
mod tests;

/// The first bytes of every bundle.
pub const MAGIC: [u8; 8] = *b"MOTESPEC";

/// The format version this crate writes and reads. Readers refuse other versions.
pub const VERSION: u32 = 1;

/// Bytes before the header: the magic, the version and the header's length.
pub const PREAMBLE_LEN: usize = 16;

/// How deeply `either` patterns may nest (the testsuite nests them once); the reader refuses
/// deeper ones.
pub const MAX_EITHER_DEPTH: u32 = 4;

/// What the modules of a bundle are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PayloadKind {
    /// Binary modules: the device decodes, validates and translates them.
    Wasm = 0,
    /// Compiled images, for executor-only devices; `assert_invalid` and `assert_malformed`
    /// are skipped (they need the validator).
    Images = 1,
}

/// A bad bundle: what is wrong, and the byte offset (from the start of the file's body, or of
/// the bundle for the preamble and header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What is wrong.
    pub what: &'static str,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad spec bundle at byte {}: {}", self.offset, self.what)
    }
}

impl core::error::Error for FormatError {}

/// The bundle's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    /// The proposals the suite's files need.
    pub features: Features,
    /// What the modules are.
    pub payload: PayloadKind,
    /// The suite's name (`wasm-v1`, `proposals/custom-page-sizes`, ...).
    pub suite: Cow<'a, str>,
    /// How many files follow.
    pub file_count: u32,
}

/// The preamble: checks the magic and the version, and gives the header's length.
///
/// # Errors
/// When `bytes` (at least [`PREAMBLE_LEN`] bytes) is not the start of a bundle of this version.
pub fn read_preamble(bytes: &[u8]) -> Result<usize, FormatError> {
    let mut r = Reader::new(bytes);
    if r.take(MAGIC.len())? != MAGIC {
        return Err(r.error_at(0, "not a spec bundle (no MOTESPEC magic)"));
    }
    if r.u32()? != VERSION {
        return Err(r.error_at(
            8,
            "unsupported bundle version (this reader knows version 1)",
        ));
    }
    r.len()
}

/// The header, from the `header_len` bytes after the preamble.
///
/// # Errors
/// When the header is malformed.
pub fn read_header(bytes: &[u8]) -> Result<Header<'_>, FormatError> {
    let mut r = Reader::new(bytes);
    let features = features_from_bits(r.u32()?).ok_or_else(|| r.error("unknown feature bits"))?;
    let payload = match r.u8()? {
        0 => PayloadKind::Wasm,
        1 => PayloadKind::Images,
        _ => return Err(r.error("unknown payload kind")),
    };
    r.take(3)?;
    let suite = Cow::Borrowed(r.str()?);
    let file_count = r.u32()?;
    Ok(Header {
        features,
        payload,
        suite,
        file_count,
    })
}

/// A whole bundle in memory (embedded in flash, or read at once).
#[derive(Debug, Clone)]
pub struct Bundle<'a> {
    /// The header.
    pub header: Header<'a>,
    /// The file records, from the first `body_len`.
    files: &'a [u8],
}

impl<'a> Bundle<'a> {
    /// Reads the preamble and the header of `bytes`.
    ///
    /// # Errors
    /// When they are malformed.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, FormatError> {
        let preamble = bytes.get(..PREAMBLE_LEN).ok_or(FormatError {
            offset: 0,
            what: "shorter than the preamble",
        })?;
        let header_len = read_preamble(preamble)?;
        let end = PREAMBLE_LEN
            .checked_add(header_len)
            .filter(|&end| end <= bytes.len())
            .ok_or(FormatError {
                offset: 12,
                what: "the header runs past the end",
            })?;
        let header = read_header(&bytes[PREAMBLE_LEN..end])?;
        Ok(Self {
            header,
            files: &bytes[end..],
        })
    }

    /// The bodies of the files, in order.
    pub fn bodies(&self) -> Bodies<'a> {
        Bodies {
            rest: self.files,
            left: self.header.file_count,
        }
    }
}

/// The file bodies of a [`Bundle`].
#[derive(Debug, Clone)]
pub struct Bodies<'a> {
    rest: &'a [u8],
    left: u32,
}

impl<'a> Iterator for Bodies<'a> {
    type Item = Result<&'a [u8], FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let mut r = Reader::new(self.rest);
        let body = r.len().and_then(|len| r.take(len));
        match body {
            Ok(body) => {
                self.rest = &self.rest[4 + body.len()..];
                Some(Ok(body))
            }
            Err(e) => {
                self.left = 0;
                Some(Err(e))
            }
        }
    }
}

/// One file: its name and a reader of its commands.
#[derive(Debug, Clone)]
pub struct File<'a> {
    /// The `.wast` file's name.
    pub name: &'a str,
    /// How many commands it has.
    pub command_count: u32,
    commands: Reader<'a>,
    left: u32,
}

impl<'a> File<'a> {
    /// Reads the name and the command count of a file `body`; the commands are read one at a
    /// time by [`next_command`](File::next_command), so that a small device holds one at a
    /// time.
    ///
    /// # Errors
    /// When the name or the count is malformed.
    pub fn parse(body: &'a [u8]) -> Result<Self, FormatError> {
        let mut r = Reader::new(body);
        let name = r.str()?;
        let command_count = r.u32()?;
        Ok(Self {
            name,
            command_count,
            commands: r,
            left: command_count,
        })
    }

    /// The next command, or `None` after the last.
    ///
    /// # Errors
    /// When the command is malformed; later calls give `None`.
    pub fn next_command(&mut self) -> Option<Result<Command<'a>, FormatError>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let command = self.commands.command();
        if command.is_err() {
            self.left = 0;
        }
        Some(command)
    }
}

/// Writes a bundle.
#[derive(Debug)]
pub struct Writer {
    out: Vec<u8>,
    file_count: u32,
    /// Where the file count is, to patch it at the end.
    file_count_at: usize,
}

impl Writer {
    /// A bundle of `payload` modules for `suite`, whose files need `features`.
    pub fn new(features: &Features, payload: PayloadKind, suite: &str) -> Self {
        let mut header = Encoder::default();
        header.u32(features_to_bits(features));
        header.u8(payload as u8);
        header.bytes(&[0; 3]);
        header.str(suite);
        let file_count_at = PREAMBLE_LEN + header.out.len();
        header.u32(0);
        header.pad();
        let mut out = Vec::new();
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&len_u32(header.out.len()).to_le_bytes());
        out.extend_from_slice(&header.out);
        Self {
            out,
            file_count: 0,
            file_count_at,
        }
    }

    /// Appends a file with `commands`.
    pub fn file(&mut self, name: &str, commands: &[Command<'_>]) {
        let mut file = self.begin_file(name);
        for command in commands {
            file.command(command);
        }
        file.finish();
    }

    /// Starts a file, whose commands are added one at a time.
    pub fn begin_file(&mut self, name: &str) -> FileWriter<'_> {
        let mut body = Encoder::default();
        body.str(name);
        let count_at = body.out.len();
        body.u32(0);
        FileWriter {
            writer: self,
            body,
            count_at,
            count: 0,
        }
    }

    /// The bundle's bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let at = self.file_count_at;
        self.out[at..at + 4].copy_from_slice(&self.file_count.to_le_bytes());
        self.out
    }
}

/// A file being written (see [`Writer::begin_file`]); [`finish`](FileWriter::finish) appends
/// it to the bundle.
#[derive(Debug)]
pub struct FileWriter<'w> {
    writer: &'w mut Writer,
    body: Encoder,
    count_at: usize,
    count: u32,
}

impl FileWriter<'_> {
    /// Appends a command.
    pub fn command(&mut self, command: &Command<'_>) {
        self.body.command(command);
        self.count += 1;
    }

    /// Ends the file.
    pub fn finish(mut self) {
        let at = self.count_at;
        self.body.out[at..at + 4].copy_from_slice(&self.count.to_le_bytes());
        self.body.pad();
        let out = &mut self.writer.out;
        out.extend_from_slice(&len_u32(self.body.out.len()).to_le_bytes());
        out.extend_from_slice(&self.body.out);
        self.writer.file_count += 1;
    }
}

/// A length as the format's `u32`. The host writes bundles of a few megabytes; a length that
/// does not fit is a bug in the writer's caller, not input.
fn len_u32(len: usize) -> u32 {
    u32::try_from(len).expect("a spec bundle holds less than 4 GiB")
}

/// The codes of [`Op`]s.
mod op {
    pub const MODULE: u8 = 1;
    pub const DEFINITION: u8 = 2;
    pub const INSTANCE: u8 = 3;
    pub const REGISTER: u8 = 4;
    pub const INVOKE: u8 = 5;
    pub const ASSERT_RETURN: u8 = 6;
    pub const ASSERT_TRAP: u8 = 7;
    pub const ASSERT_EXHAUSTION: u8 = 8;
    pub const ASSERT_REJECTED: u8 = 9;
    pub const ASSERT_CUSTOM_IGNORED: u8 = 10;
    pub const ASSERT_UNLINKABLE: u8 = 11;
    pub const FAIL: u8 = 12;
    pub const SKIP: u8 = 13;
}

/// Tags inside commands.
mod tag {
    pub const WASM: u8 = 0;
    pub const IMAGE: u8 = 1;
    pub const UNENCODABLE: u8 = 2;

    pub const INVOKE: u8 = 0;
    pub const GET: u8 = 1;
    pub const INSTANTIATE: u8 = 2;

    pub const I32: u8 = 0;
    pub const I64: u8 = 1;
    pub const F32: u8 = 2;
    pub const F64: u8 = 3;
    pub const NULL_FUNC: u8 = 4;
    pub const NULL_EXTERN: u8 = 5;
    pub const EXTERN: u8 = 6;
    pub const UNSUPPORTED: u8 = 7;
    // Expected results only.
    pub const NULL_ANY: u8 = 8;
    pub const FUNC: u8 = 9;
    pub const EXTERN_ANY: u8 = 10;
    pub const EITHER: u8 = 11;
    pub const F32_CANONICAL: u8 = 12;
    pub const F32_ARITHMETIC: u8 = 13;
    pub const F64_CANONICAL: u8 = 14;
    pub const F64_ARITHMETIC: u8 = 15;
}

/// Serialises commands.
#[derive(Debug, Default)]
struct Encoder {
    out: Vec<u8>,
}

impl Encoder {
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
    fn str(&mut self, s: &str) {
        self.u32(len_u32(s.len()));
        self.bytes(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }
    fn pad(&mut self) {
        while !self.out.len().is_multiple_of(4) {
            self.out.push(0);
        }
    }
    fn blob(&mut self, bytes: &[u8]) {
        self.u32(len_u32(bytes.len()));
        self.pad();
        self.bytes(bytes);
    }

    fn command(&mut self, command: &Command<'_>) {
        self.u8(command.kind as u8);
        let code = match &command.op {
            Op::Module { .. } => op::MODULE,
            Op::Definition { .. } => op::DEFINITION,
            Op::Instance { .. } => op::INSTANCE,
            Op::Register { .. } => op::REGISTER,
            Op::Invoke(_) => op::INVOKE,
            Op::AssertReturn { .. } => op::ASSERT_RETURN,
            Op::AssertTrap { .. } => op::ASSERT_TRAP,
            Op::AssertExhaustion { .. } => op::ASSERT_EXHAUSTION,
            Op::AssertRejected { .. } => op::ASSERT_REJECTED,
            Op::AssertCustomIgnored { .. } => op::ASSERT_CUSTOM_IGNORED,
            Op::AssertUnlinkable { .. } => op::ASSERT_UNLINKABLE,
            Op::Fail(_) => op::FAIL,
            Op::Skip(_) => op::SKIP,
        };
        self.u8(code);
        self.u32(command.line);
        self.u32(command.column);
        match &command.op {
            Op::Module { name, module } | Op::Definition { name, module } => {
                self.opt_str(name.as_deref());
                self.module(module);
            }
            Op::Instance { name, definition } => {
                self.opt_str(name.as_deref());
                self.opt_str(definition.as_deref());
            }
            Op::Register { as_name, module } => {
                self.str(as_name);
                self.opt_str(module.as_deref());
            }
            Op::Invoke(invoke) => self.invoke(invoke),
            Op::AssertReturn { action, results } => {
                self.action(action);
                self.u32(len_u32(results.len()));
                for result in results {
                    self.expected(result);
                }
            }
            Op::AssertTrap { action, message } => {
                self.action(action);
                self.str(message);
            }
            Op::AssertExhaustion { invoke, message } => {
                self.invoke(invoke);
                self.str(message);
            }
            Op::AssertRejected { module, message } | Op::AssertUnlinkable { module, message } => {
                self.module(module);
                self.str(message);
            }
            Op::AssertCustomIgnored { module } => self.module(module),
            Op::Fail(text) | Op::Skip(text) => self.str(text),
        }
    }

    fn module(&mut self, module: &ModuleSource<'_>) {
        match module {
            ModuleSource::Wasm(bytes) => {
                self.u8(tag::WASM);
                self.blob(bytes);
            }
            ModuleSource::Image(bytes) => {
                self.u8(tag::IMAGE);
                self.blob(bytes);
            }
            ModuleSource::Unencodable(message) => {
                self.u8(tag::UNENCODABLE);
                self.str(message);
            }
        }
    }

    fn invoke(&mut self, invoke: &Invoke<'_>) {
        self.opt_str(invoke.module.as_deref());
        self.str(&invoke.name);
        self.u32(len_u32(invoke.args.len()));
        for arg in &invoke.args {
            self.value(arg);
        }
    }

    fn action(&mut self, action: &Action<'_>) {
        match action {
            Action::Invoke(invoke) => {
                self.u8(tag::INVOKE);
                self.invoke(invoke);
            }
            Action::Get { module, global } => {
                self.u8(tag::GET);
                self.opt_str(module.as_deref());
                self.str(global);
            }
            Action::Instantiate(module) => {
                self.u8(tag::INSTANTIATE);
                self.module(module);
            }
        }
    }

    fn value(&mut self, value: &Value<'_>) {
        match value {
            Value::I32(v) => {
                self.u8(tag::I32);
                self.u32(v.cast_unsigned());
            }
            Value::I64(v) => {
                self.u8(tag::I64);
                self.bytes(&v.to_le_bytes());
            }
            Value::F32(bits) => {
                self.u8(tag::F32);
                self.u32(*bits);
            }
            Value::F64(bits) => {
                self.u8(tag::F64);
                self.bytes(&bits.to_le_bytes());
            }
            Value::NullFuncRef => self.u8(tag::NULL_FUNC),
            Value::NullExternRef => self.u8(tag::NULL_EXTERN),
            Value::ExternRef(n) => {
                self.u8(tag::EXTERN);
                self.u32(*n);
            }
            Value::Unsupported(text) => {
                self.u8(tag::UNSUPPORTED);
                self.str(text);
            }
        }
    }

    fn expected(&mut self, expected: &Expected<'_>) {
        match expected {
            Expected::I32(v) => {
                self.u8(tag::I32);
                self.u32(v.cast_unsigned());
            }
            Expected::I64(v) => {
                self.u8(tag::I64);
                self.bytes(&v.to_le_bytes());
            }
            Expected::F32(FloatPattern::Bits(bits)) => {
                self.u8(tag::F32);
                self.u32(*bits);
            }
            Expected::F32(FloatPattern::CanonicalNan) => self.u8(tag::F32_CANONICAL),
            Expected::F32(FloatPattern::ArithmeticNan) => self.u8(tag::F32_ARITHMETIC),
            Expected::F64(FloatPattern::Bits(bits)) => {
                self.u8(tag::F64);
                self.bytes(&bits.to_le_bytes());
            }
            Expected::F64(FloatPattern::CanonicalNan) => self.u8(tag::F64_CANONICAL),
            Expected::F64(FloatPattern::ArithmeticNan) => self.u8(tag::F64_ARITHMETIC),
            Expected::RefNull(None) => self.u8(tag::NULL_ANY),
            Expected::RefNull(Some(NullKind::Func)) => self.u8(tag::NULL_FUNC),
            Expected::RefNull(Some(NullKind::Extern)) => self.u8(tag::NULL_EXTERN),
            Expected::RefFunc => self.u8(tag::FUNC),
            Expected::RefExtern(None) => self.u8(tag::EXTERN_ANY),
            Expected::RefExtern(Some(n)) => {
                self.u8(tag::EXTERN);
                self.u32(*n);
            }
            Expected::Either(options) => {
                self.u8(tag::EITHER);
                self.u32(len_u32(options.len()));
                for option in options {
                    self.expected(option);
                }
            }
            Expected::Unsupported(text) => {
                self.u8(tag::UNSUPPORTED);
                self.str(text);
            }
        }
    }
}

/// Reads a file body (or the header) without copying.
#[derive(Debug, Clone)]
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    #[cold]
    fn error(&self, what: &'static str) -> FormatError {
        FormatError {
            offset: self.pos,
            what,
        }
    }

    #[cold]
    fn error_at(&self, offset: usize, what: &'static str) -> FormatError {
        FormatError { offset, what }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| self.error("unexpected end"))?;
        let bytes = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let bytes = self.take(N)?;
        let mut array = [0; N];
        array.copy_from_slice(bytes);
        Ok(array)
    }

    fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, FormatError> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Result<u64, FormatError> {
        self.array().map(u64::from_le_bytes)
    }

    /// A `u32` length, as `usize`.
    fn len(&mut self) -> Result<usize, FormatError> {
        let len = self.u32()?;
        usize::try_from(len).map_err(|_| self.error("length does not fit in memory"))
    }

    fn str(&mut self) -> Result<&'a str, FormatError> {
        let len = self.len()?;
        let at = self.pos;
        let bytes = self.take(len)?;
        core::str::from_utf8(bytes).map_err(|_| self.error_at(at, "a string is not UTF-8"))
    }

    fn opt_str(&mut self) -> Result<Option<Cow<'a, str>>, FormatError> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(Cow::Borrowed(self.str()?))),
            _ => Err(self.error("bad optional-string flag")),
        }
    }

    fn blob(&mut self) -> Result<&'a [u8], FormatError> {
        let len = self.len()?;
        let pad = (4 - self.pos % 4) % 4;
        self.take(pad)?;
        self.take(len)
    }

    /// A count of items that take at least one byte each: more than the bytes left is an error
    /// (so a bad count cannot make the reader reserve huge vectors).
    fn count(&mut self) -> Result<usize, FormatError> {
        let count = self.len()?;
        if count > self.bytes.len() - self.pos {
            return Err(self.error("a count exceeds the bytes left"));
        }
        Ok(count)
    }

    fn command(&mut self) -> Result<Command<'a>, FormatError> {
        let at = self.pos;
        let kind = Kind::from_code(self.u8()?).ok_or_else(|| self.error_at(at, "unknown kind"))?;
        let code = self.u8()?;
        let line = self.u32()?;
        let column = self.u32()?;
        let op = match code {
            op::MODULE => Op::Module {
                name: self.opt_str()?,
                module: self.module()?,
            },
            op::DEFINITION => Op::Definition {
                name: self.opt_str()?,
                module: self.module()?,
            },
            op::INSTANCE => Op::Instance {
                name: self.opt_str()?,
                definition: self.opt_str()?,
            },
            op::REGISTER => Op::Register {
                as_name: Cow::Borrowed(self.str()?),
                module: self.opt_str()?,
            },
            op::INVOKE => Op::Invoke(self.invoke()?),
            op::ASSERT_RETURN => {
                let action = self.action()?;
                let count = self.count()?;
                let mut results = Vec::with_capacity(count);
                for _ in 0..count {
                    results.push(self.expected(0)?);
                }
                Op::AssertReturn { action, results }
            }
            op::ASSERT_TRAP => Op::AssertTrap {
                action: self.action()?,
                message: Cow::Borrowed(self.str()?),
            },
            op::ASSERT_EXHAUSTION => Op::AssertExhaustion {
                invoke: self.invoke()?,
                message: Cow::Borrowed(self.str()?),
            },
            op::ASSERT_REJECTED => Op::AssertRejected {
                module: self.module()?,
                message: Cow::Borrowed(self.str()?),
            },
            op::ASSERT_CUSTOM_IGNORED => Op::AssertCustomIgnored {
                module: self.module()?,
            },
            op::ASSERT_UNLINKABLE => Op::AssertUnlinkable {
                module: self.module()?,
                message: Cow::Borrowed(self.str()?),
            },
            op::FAIL => Op::Fail(Cow::Borrowed(self.str()?)),
            op::SKIP => Op::Skip(Cow::Borrowed(self.str()?)),
            _ => return Err(self.error_at(at + 1, "unknown command")),
        };
        Ok(Command {
            kind,
            line,
            column,
            op,
        })
    }

    fn module(&mut self) -> Result<ModuleSource<'a>, FormatError> {
        match self.u8()? {
            tag::WASM => Ok(ModuleSource::Wasm(Cow::Borrowed(self.blob()?))),
            tag::IMAGE => Ok(ModuleSource::Image(Cow::Borrowed(self.blob()?))),
            tag::UNENCODABLE => Ok(ModuleSource::Unencodable(Cow::Borrowed(self.str()?))),
            _ => Err(self.error("unknown module tag")),
        }
    }

    fn invoke(&mut self) -> Result<Invoke<'a>, FormatError> {
        let module = self.opt_str()?;
        let name = Cow::Borrowed(self.str()?);
        let count = self.count()?;
        let mut args = Vec::with_capacity(count);
        for _ in 0..count {
            args.push(self.value()?);
        }
        Ok(Invoke { module, name, args })
    }

    fn action(&mut self) -> Result<Action<'a>, FormatError> {
        match self.u8()? {
            tag::INVOKE => Ok(Action::Invoke(self.invoke()?)),
            tag::GET => Ok(Action::Get {
                module: self.opt_str()?,
                global: Cow::Borrowed(self.str()?),
            }),
            tag::INSTANTIATE => Ok(Action::Instantiate(self.module()?)),
            _ => Err(self.error("unknown action tag")),
        }
    }

    fn value(&mut self) -> Result<Value<'a>, FormatError> {
        Ok(match self.u8()? {
            tag::I32 => Value::I32(self.u32()?.cast_signed()),
            tag::I64 => Value::I64(self.u64()?.cast_signed()),
            tag::F32 => Value::F32(self.u32()?),
            tag::F64 => Value::F64(self.u64()?),
            tag::NULL_FUNC => Value::NullFuncRef,
            tag::NULL_EXTERN => Value::NullExternRef,
            tag::EXTERN => Value::ExternRef(self.u32()?),
            tag::UNSUPPORTED => Value::Unsupported(Cow::Borrowed(self.str()?)),
            _ => return Err(self.error("unknown value tag")),
        })
    }

    fn expected(&mut self, depth: u32) -> Result<Expected<'a>, FormatError> {
        Ok(match self.u8()? {
            tag::I32 => Expected::I32(self.u32()?.cast_signed()),
            tag::I64 => Expected::I64(self.u64()?.cast_signed()),
            tag::F32 => Expected::F32(FloatPattern::Bits(self.u32()?)),
            tag::F32_CANONICAL => Expected::F32(FloatPattern::CanonicalNan),
            tag::F32_ARITHMETIC => Expected::F32(FloatPattern::ArithmeticNan),
            tag::F64 => Expected::F64(FloatPattern::Bits(self.u64()?)),
            tag::F64_CANONICAL => Expected::F64(FloatPattern::CanonicalNan),
            tag::F64_ARITHMETIC => Expected::F64(FloatPattern::ArithmeticNan),
            tag::NULL_ANY => Expected::RefNull(None),
            tag::NULL_FUNC => Expected::RefNull(Some(NullKind::Func)),
            tag::NULL_EXTERN => Expected::RefNull(Some(NullKind::Extern)),
            tag::FUNC => Expected::RefFunc,
            tag::EXTERN_ANY => Expected::RefExtern(None),
            tag::EXTERN => Expected::RefExtern(Some(self.u32()?)),
            tag::EITHER => {
                if depth >= MAX_EITHER_DEPTH {
                    return Err(self.error("`either` patterns nest too deeply"));
                }
                let count = self.count()?;
                let mut options = Vec::with_capacity(count);
                for _ in 0..count {
                    options.push(self.expected(depth + 1)?);
                }
                Expected::Either(options)
            }
            tag::UNSUPPORTED => Expected::Unsupported(Cow::Borrowed(self.str()?)),
            _ => return Err(self.error("unknown result tag")),
        })
    }
}

/// The feature flags as the header's bits. Every field of [`Features`] has a bit: a new field
/// breaks this destructuring, so the format cannot silently forget it.
pub fn features_to_bits(features: &Features) -> u32 {
    let Features {
        mutable_global,
        sign_extension,
        saturating_float_to_int,
        multi_value,
        bulk_memory,
        reference_types,
        custom_page_sizes,
        floats,
        memory64,
        multi_memory,
        tail_call,
        extended_const,
    } = *features;
    [
        mutable_global,
        sign_extension,
        saturating_float_to_int,
        multi_value,
        bulk_memory,
        reference_types,
        custom_page_sizes,
        floats,
        memory64,
        multi_memory,
        tail_call,
        extended_const,
    ]
    .iter()
    .enumerate()
    .fold(0, |bits, (i, &on)| bits | (u32::from(on) << i))
}

/// The feature flags of the header's bits; `None` when an unknown bit is set.
pub fn features_from_bits(bits: u32) -> Option<Features> {
    const KNOWN: u32 = (1 << 12) - 1;
    if bits & !KNOWN != 0 {
        return None;
    }
    let on = |i: u32| bits & (1 << i) != 0;
    Some(Features {
        mutable_global: on(0),
        sign_extension: on(1),
        saturating_float_to_int: on(2),
        multi_value: on(3),
        bulk_memory: on(4),
        reference_types: on(5),
        custom_page_sizes: on(6),
        floats: on(7),
        memory64: on(8),
        multi_memory: on(9),
        tail_call: on(10),
        extended_const: on(11),
    })
}
