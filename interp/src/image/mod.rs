//! Compiled images: translated code in a portable, versioned file that runs in place from flash.
//!
//! `mote compile app.wasm -o app.mimg` translates a module once, on a host, and writes an image;
//! a device loads it with [`Module::from_image`](mote_core::Module::from_image) without
//! `wasmparser` or the translator. The code, the function table and the data segments stay where
//! the image is (flash); only the module information (types, imports, exports: a few hundred
//! bytes for small apps) and the instance's mutable state go to RAM.
//!
//! # Format (version [`ABI_VERSION`])
//! Little-endian, independent of pointer width, every section 4-byte aligned:
//!
//! | offset | field |
//! |---|---|
//! | 0 | magic `MOTEIMG\0` |
//! | 8 | `u32` ABI version |
//! | 12 | `u32` flags: bit 0 fuel metering, bit 1 NaN canonicalisation, bit 2 epoch checks |
//! | 16 | `u32` image length |
//! | 20 | `u32` CRC-32 (IEEE) of the image with these four bytes zero |
//! | 24 | 32 bytes: SHA-256 of the source `.wasm` |
//! | 56 | five `(u32 offset, u32 count)` pairs: module information (bytes), functions (16-byte records), instructions (12-byte [`Op`]s), instruction offsets (`u32`s, empty without debug info), data segment bytes |
//! | 96 | the sections |
//!
//! Instructions are stored exactly as the executor reads them (see [`Op`]'s layout rules), so a
//! loaded image's code is the image's bytes.
//!
//! # Trust
//! Any byte string is either rejected with an error or safe to run: the loader checks the CRC
//! (a clear error for corruption), the version and configuration, every field of the module
//! information ([`ModuleInfo::check`]), the tag of every instruction, and then runs the same
//! verifier as translated code, which checks every invariant the executor relies on (slots
//! inside frames, jump targets inside functions, indices inside the module). See SECURITY.md
//! for what this does not cover.

mod cursor;
mod info;
#[cfg(all(test, feature = "compile"))]
mod tests;

use alloc::borrow::Cow;
use alloc::vec::Vec;

use mote_core::engine::CompiledCode;
use mote_core::module::ModuleInfo;
use mote_core::{Config, Engine, Error, Message, Module};

use crate::code::{CompiledFunc, CompiledModule};
use crate::op::Op;
use cursor::{Reader, Writer};
use info::Keep;

/// The image format and the instruction set it encodes. Bump it whenever [`Op`],
/// [`CompiledFunc`] or the section layout changes; loaders refuse other versions.
pub const ABI_VERSION: u32 = 6;

/// First bytes of every image.
pub const MAGIC: [u8; 8] = *b"MOTEIMG\0";

const HEADER_LEN: usize = 96;
const FLAG_FUEL: u32 = 1;
const FLAG_CANONICAL_NANS: u32 = 2;
const FLAG_EPOCH: u32 = 4;
const OP_SIZE: usize = size_of::<Op>();
const FUNC_SIZE: usize = size_of::<CompiledFunc>();

/// What an image says about itself (see [`ImageHeader::parse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageHeader {
    /// The format version it was written with.
    pub abi_version: u32,
    /// Whether its code meters fuel.
    pub fuel: bool,
    /// Whether its code canonicalises NaNs.
    pub canonicalize_nans: bool,
    /// Whether its code checks the epoch (`Config::epoch_interruption`).
    pub epoch_interruption: bool,
    /// Its length in bytes.
    pub len: u32,
    /// SHA-256 of the `.wasm` it was compiled from.
    pub source_sha256: [u8; 32],
    sections: [(u32, u32); 5],
}

impl ImageHeader {
    /// Reads and checks the header of `image`: magic, version, length and checksum.
    ///
    /// # Errors
    /// A `BadImage` error saying what is wrong.
    pub fn parse(image: &[u8]) -> Result<ImageHeader, Error> {
        if image.len() < HEADER_LEN || image[..8] != MAGIC {
            return Err(Error::bad_image("not a Mote image (no MOTEIMG header)", 0));
        }
        // The 88 bytes after the magic: every read below succeeds.
        let mut r = Reader::new(&image[8..HEADER_LEN], 8);
        let abi_version = r.u32();
        if abi_version != ABI_VERSION {
            return Err(Error::bad_image(
                Message::counts(
                    "image format version (recompile the module with this version of `mote \
                     compile`)",
                    u64::from(ABI_VERSION),
                    u64::from(abi_version),
                ),
                8,
            ));
        }
        let flags = r.u32();
        let len = r.u32();
        let crc = r.u32();
        if len as usize != image.len() {
            return Err(Error::bad_image(
                Message::counts(
                    "image length (truncated or padded)",
                    u64::from(len),
                    image.len() as u64,
                ),
                16,
            ));
        }
        if crc != image_crc(image) {
            return Err(Error::bad_image(
                "checksum mismatch: the image is corrupted",
                20,
            ));
        }
        if flags & !(FLAG_FUEL | FLAG_CANONICAL_NANS | FLAG_EPOCH) != 0 {
            return Err(Error::bad_image("unknown flags", 12));
        }
        let mut source_sha256 = [0; 32];
        source_sha256.copy_from_slice(r.take(32));
        let mut sections = [(0, 0); 5];
        for section in &mut sections {
            *section = (r.u32(), r.u32());
        }
        Ok(ImageHeader {
            abi_version,
            fuel: flags & FLAG_FUEL != 0,
            canonicalize_nans: flags & FLAG_CANONICAL_NANS != 0,
            epoch_interruption: flags & FLAG_EPOCH != 0,
            len,
            source_sha256,
            sections,
        })
    }

    /// The bytes of section `index` whose items are `item_size` bytes, checked to lie inside the
    /// image and to be 4-byte aligned.
    fn section<'a>(
        &self,
        image: &'a [u8],
        index: usize,
        item_size: usize,
    ) -> Result<&'a [u8], Error> {
        let (offset, count) = self.sections[index];
        let header_offset = (56 + 8 * index) as u64;
        let bytes = (count as usize)
            .checked_mul(item_size)
            .and_then(|len| (offset as usize).checked_add(len))
            .filter(|_| offset as usize >= HEADER_LEN && offset % 4 == 0)
            .and_then(|end| image.get(offset as usize..end))
            .ok_or_else(|| Error::bad_image("a section lies outside the image", header_offset))?;
        Ok(bytes)
    }
}

/// Writes the image of `module`, which must have been compiled by the interpreter.
/// `source_sha256` identifies the `.wasm` it came from ([`compile`] computes it).
///
/// # Errors
/// `Usage` when the module was compiled by another backend; `Limit` when it is 4 GiB or more.
pub fn write(module: &Module, source_sha256: [u8; 32]) -> Result<Vec<u8>, Error> {
    if cfg!(target_endian = "big") {
        return Err(Error::usage("writing images needs a little-endian host"));
    }
    let code = module
        .code()
        .clone()
        .downcast::<CompiledModule>()
        .map_err(|_| Error::usage("only modules compiled by the interpreter have images"))?;
    let config = module.engine().config();

    let mut data = Writer::default();
    let mut info_bytes = Writer::default();
    info::write(module.info(), &mut info_bytes, &mut data)?;

    let mut w = Writer::default();
    w.bytes.extend_from_slice(&MAGIC);
    w.u32(ABI_VERSION);
    let mut flags = 0;
    if config.fuel_enabled() {
        flags |= FLAG_FUEL;
    }
    if config.canonicalize_nans_enabled() {
        flags |= FLAG_CANONICAL_NANS;
    }
    if config.epoch_interruption_enabled() {
        flags |= FLAG_EPOCH;
    }
    w.u32(flags);
    w.u32(0); // length, patched below
    w.u32(0); // checksum, patched below
    w.bytes.extend_from_slice(&source_sha256);
    let table_at = w.position();
    w.bytes.resize(HEADER_LEN, 0);

    let mut sections = [(0usize, 0usize); 5];
    w.align4();
    sections[0] = (w.position(), info_bytes.bytes.len());
    w.bytes.extend_from_slice(&info_bytes.bytes);
    w.align4();
    sections[1] = (w.position(), code.funcs.len());
    for f in code.funcs.iter() {
        w.u32(f.code_start);
        w.u32(f.code_len);
        w.u16(f.frame_size);
        w.u16(f.params);
        w.u16(f.locals);
        w.u16(f.results);
    }
    sections[2] = (w.position(), code.code.len());
    let mut masks = OpMasks::default();
    for op in code.code.iter() {
        let mut record = [0; OP_SIZE];
        masks.encode(op, &mut record);
        w.bytes.extend_from_slice(&record);
    }
    sections[3] = (w.position(), code.offsets.len());
    for &offset in code.offsets.iter() {
        w.u32(offset);
    }
    sections[4] = (w.position(), data.bytes.len());
    w.bytes.extend_from_slice(&data.bytes);
    w.align4();

    let mut table = Writer::default();
    for (offset, count) in sections {
        table.len(offset)?;
        table.len(count)?;
    }
    w.bytes[table_at..table_at + table.bytes.len()].copy_from_slice(&table.bytes);
    let len = u32::try_from(w.bytes.len())
        .map_err(|_| Error::limit("image bytes", w.bytes.len() as u64, u64::from(u32::MAX)))?;
    w.bytes[16..20].copy_from_slice(&len.to_le_bytes());
    let crc = image_crc(&w.bytes);
    w.bytes[20..24].copy_from_slice(&crc.to_le_bytes());
    Ok(w.bytes)
}

/// Compiles `wasm` (binary) with `engine` and writes its image.
///
/// # Errors
/// As [`Module::new`] and [`write`].
#[cfg(feature = "compile")]
pub fn compile(engine: &Engine, wasm: &[u8]) -> Result<Vec<u8>, Error> {
    use sha2::Digest;
    let module = Module::new(engine, wasm)?;
    let hash: [u8; 32] = sha2::Sha256::digest(wasm).into();
    write(&module, hash)
}

/// Loads an image that lives for the rest of the program (in flash, or leaked) and runs it in
/// place: code, function table and data segments are not copied. The image must be 4-byte
/// aligned (`mote::include_image!` places it so).
///
/// # Errors
/// `BadImage` for anything wrong with the bytes; `Limit` when the code exceeds
/// [`Limits::code_bytes`](mote_core::Limits::code_bytes).
// Not inlined into the backend's `load_image`, here and in `load_copy`: the two loaders' frames
// would add up on the device's stack.
#[inline(never)]
pub fn load_static(engine: &Engine, image: &'static [u8]) -> Result<Module, Error> {
    if !(image.as_ptr() as usize).is_multiple_of(4) {
        return Err(Error::bad_image(
            "the image is not 4-byte aligned in memory (embed it with mote::include_image!)",
            0,
        ));
    }
    let parts = Parts::open(engine.config(), image)?;
    Module::build(engine, |info| {
        load_info(&parts, parts.data, &Keep::IN_PLACE, info)?;
        let code = CompiledModule {
            funcs: Cow::Borrowed(funcs_in_place(parts.funcs)),
            code: Cow::Borrowed(ops_in_place(parts.code, parts.code_at)?),
            offsets: Cow::Borrowed(u32s_in_place(parts.offsets).unwrap_or(&[])),
        };
        verify(info, code, &parts)
    })
}

/// Loads an image from bytes that do not outlive the call: everything is copied to the heap.
///
/// # Errors
/// As [`load_static`].
#[inline(never)]
pub fn load_copy(engine: &Engine, image: &[u8]) -> Result<Module, Error> {
    let parts = Parts::open(engine.config(), image)?;
    Module::build(engine, |info| {
        load_info(&parts, parts.data, &Keep::copied(), info)?;
        check_op_tags(parts.code, parts.code_at)?;
        // The three largest allocations of a load, made fallibly: a device's heap may be
        // smaller than the image asks for, and that is an error, not an abort.
        let code = CompiledModule {
            funcs: Cow::Owned(copy_chunks(parts.funcs, FUNC_SIZE, read_func)?),
            code: Cow::Owned(copy_chunks(parts.code, OP_SIZE, read_op)?),
            offsets: Cow::Owned(copy_chunks(parts.offsets, 4, |b| {
                u32::from_le_bytes([b[0], b[1], b[2], b[3]])
            })?),
        };
        verify(info, code, &parts)
    })
}

/// Decodes each `size`-byte chunk of `bytes` with `read` into a vector allocated fallibly.
fn copy_chunks<T>(bytes: &[u8], size: usize, read: impl Fn(&[u8]) -> T) -> Result<Vec<T>, Error> {
    let chunks = bytes.chunks_exact(size);
    let mut items = Vec::new();
    info::reserve(&mut items, chunks.len())?;
    items.extend(chunks.map(read));
    Ok(items)
}

/// The sections of an image whose header was checked, also against the engine.
struct Parts<'a> {
    /// Whether the code meters fuel.
    fuel: bool,
    /// Whether the code checks the epoch.
    epoch: bool,
    info: &'a [u8],
    info_at: usize,
    funcs: &'a [u8],
    code: &'a [u8],
    code_at: usize,
    offsets: &'a [u8],
    data: &'a [u8],
}

impl<'a> Parts<'a> {
    /// Checks the header of `image` and that its configuration and size suit an engine with
    /// `config`, and finds the sections. (Not inlined: the header leaves the stack here.)
    #[inline(never)]
    fn open(config: &Config, image: &'a [u8]) -> Result<Self, Error> {
        if cfg!(target_endian = "big") {
            return Err(Error::unsupported(
                "compiled images on big-endian targets",
                None,
            ));
        }
        let header = ImageHeader::parse(image)?;
        if header.fuel != config.fuel_enabled() {
            return Err(Error::bad_image(
                if header.fuel {
                    "the image was compiled with fuel metering on, the engine has it off: \
                     compile it with the engine's configuration"
                } else {
                    "the image was compiled with fuel metering off, the engine has it on: \
                     compile it with the engine's configuration"
                },
                12,
            ));
        }
        if header.epoch_interruption != config.epoch_interruption_enabled() {
            return Err(Error::bad_image(
                "the image and the engine differ in epoch interruption: compile it with the \
                 engine's configuration",
                12,
            ));
        }
        if header.canonicalize_nans != config.canonicalize_nans_enabled() {
            return Err(Error::bad_image(
                "the image and the engine differ in NaN canonicalisation",
                12,
            ));
        }
        let code_bytes = u64::from(header.sections[2].1).saturating_mul(OP_SIZE as u64);
        let limit = config.get_limits().code_bytes;
        if code_bytes > limit {
            return Err(Error::limit("translated code bytes", code_bytes, limit));
        }
        Ok(Parts {
            fuel: header.fuel,
            epoch: header.epoch_interruption,
            info: header.section(image, 0, 1)?,
            info_at: header.sections[0].0 as usize,
            funcs: header.section(image, 1, FUNC_SIZE)?,
            code: header.section(image, 2, OP_SIZE)?,
            code_at: header.sections[2].0 as usize,
            offsets: header.section(image, 3, 4)?,
            data: header.section(image, 4, 1)?,
        })
    }
}

/// Reads and checks the module information into `info`. (Written into the caller's value, not
/// returned: the device's stack holds one `ModuleInfo`, not one per frame.)
fn load_info<'a>(
    parts: &Parts<'a>,
    data: &'a [u8],
    keep: &Keep<'a>,
    info: &mut ModuleInfo,
) -> Result<(), Error> {
    let mut r = Reader::new(parts.info, parts.info_at);
    info::read(&mut r, data, keep, info)?;
    info.check()
        .map_err(|e| Error::bad_image(e, parts.info_at as u64))?;
    if info.memories.iter().any(|m| m.shared) {
        return Err(Error::unsupported("shared memories", None));
    }
    // As in the translator: 64-bit memories are declared, not executed.
    if info.memories.iter().any(|m| m.memory64) && info.defined_funcs() > 0 {
        return Err(Error::unsupported(
            "64-bit memories (memory64) in executable code",
            None,
        ));
    }
    Ok(())
}

/// Verifies the code of a module with `info` (and, as its flags say, that it pays fuel and
/// checks the epoch).
fn verify(
    info: &ModuleInfo,
    code: CompiledModule,
    parts: &Parts<'_>,
) -> Result<CompiledCode, Error> {
    crate::verify::verify_module(info, &code, crate::verify::Depth::References)?;
    if parts.fuel {
        crate::verify::verify_fuel(info, &code)?;
    }
    if parts.epoch {
        crate::verify::verify_epoch(info, &code)?;
    }
    Ok(mote_core::engine::compiled_code(code))
}

/// Checks that every 12-byte record of `code` has a valid instruction tag.
fn check_op_tags(code: &[u8], code_at: usize) -> Result<(), Error> {
    for (i, record) in code.chunks_exact(OP_SIZE).enumerate() {
        let record: &[u8; OP_SIZE] = record.try_into().map_err(|_| Error::bad_image("code", 0))?;
        if Op::tag_of_bytes(record).is_none() {
            return Err(Error::bad_image(
                Message::item("instruction", i as u64, "unknown instruction tag"),
                (code_at + i * OP_SIZE) as u64,
            ));
        }
    }
    Ok(())
}

/// The instruction in a record whose tag was checked.
fn read_op(record: &[u8]) -> Op {
    debug_assert_eq!(record.len(), OP_SIZE);
    // SAFETY: `record` is 12 initialised bytes (`chunks_exact`), a whole `Op`; its tag was
    // checked by `check_op_tags`, and every field of every variant is a plain integer, so any
    // bytes with a valid tag are a valid `Op` (its layout is `repr(u16)`, see `op.rs`).
    // `read_unaligned` has no alignment requirement.
    unsafe { core::ptr::read_unaligned(record.as_ptr().cast::<Op>()) }
}

fn read_func(record: &[u8]) -> CompiledFunc {
    let u32_at =
        |i: usize| u32::from_le_bytes([record[i], record[i + 1], record[i + 2], record[i + 3]]);
    let u16_at = |i: usize| u16::from_le_bytes([record[i], record[i + 1]]);
    CompiledFunc {
        code_start: u32_at(0),
        code_len: u32_at(4),
        frame_size: u16_at(8),
        params: u16_at(10),
        locals: u16_at(12),
        results: u16_at(14),
    }
}

/// The instructions of a `'static`, 4-byte aligned image, in place.
fn ops_in_place(code: &'static [u8], code_at: usize) -> Result<&'static [Op], Error> {
    check_op_tags(code, code_at)?;
    debug_assert!((code.as_ptr() as usize).is_multiple_of(align_of::<Op>()));
    // SAFETY: the image start is 4-byte aligned (checked in `load_static`) and so is the section
    // offset (`ImageHeader::section`), which meets `Op`'s alignment of 4; the length is
    // `len / 12` whole records inside `code`; every record has a valid tag (checked above) and
    // all fields of every variant are plain integers, so every record is a valid `Op` on this
    // little-endian target (`Parts::find` refuses big-endian ones); the bytes are shared and
    // immutable for `'static`.
    Ok(unsafe { core::slice::from_raw_parts(code.as_ptr().cast::<Op>(), code.len() / OP_SIZE) })
}

/// The function records of a `'static`, 4-byte aligned image, in place.
fn funcs_in_place(funcs: &'static [u8]) -> &'static [CompiledFunc] {
    debug_assert!((funcs.as_ptr() as usize).is_multiple_of(align_of::<CompiledFunc>()));
    // SAFETY: aligned to 4 like `ops_in_place`; `CompiledFunc` is `repr(C)` with two `u32`s and
    // four `u16`s (16 bytes, no padding), so any 16 bytes are a valid record; little-endian as
    // stored; the length is whole records inside `funcs`; immutable for `'static`.
    unsafe {
        core::slice::from_raw_parts(
            funcs.as_ptr().cast::<CompiledFunc>(),
            funcs.len() / FUNC_SIZE,
        )
    }
}

/// The `u32`s of `'static` bytes, in place; `None` unless they are 4-byte aligned.
fn u32s_in_place(bytes: &'static [u8]) -> Option<&'static [u32]> {
    if !(bytes.as_ptr() as usize).is_multiple_of(4) {
        return None;
    }
    // SAFETY: the pointer is 4-byte aligned (checked above), as `u32` needs; any 4 bytes are
    // a `u32` (little-endian as stored: `Parts::open` refuses big-endian targets); the length
    // is the whole `u32`s inside `bytes`; the bytes are immutable for `'static`.
    Some(unsafe { core::slice::from_raw_parts(bytes.as_ptr().cast::<u32>(), bytes.len() / 4) })
}

/// Which bytes of each instruction hold fields (the rest is padding), found once per tag
/// (0: not yet).
struct OpMasks {
    masks: Vec<u16>,
}

impl Default for OpMasks {
    fn default() -> Self {
        OpMasks {
            masks: alloc::vec![0; usize::from(crate::op::OP_TAGS)],
        }
    }
}

impl OpMasks {
    /// Writes `op` as its 12-byte record with zero padding.
    fn encode(&mut self, op: &Op, out: &mut [u8; OP_SIZE]) {
        let tag = op.tag();
        let slot = &mut self.masks[usize::from(tag)];
        if *slot == 0 {
            *slot = field_bytes(tag);
        }
        let mask = *slot;
        let src = core::ptr::from_ref(op).cast::<u8>();
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = if mask & (1 << i) != 0 {
                // SAFETY: byte `i` of `op` belongs to the tag or a field of its variant
                // (`field_bytes`), so it is initialised; `i < 12 = size_of::<Op>()`.
                unsafe { *src.add(i) }
            } else {
                0
            };
        }
    }
}

/// Encodes an instruction as its image record (for tests).
#[cfg(test)]
pub(crate) fn encode_op(op: &Op, out: &mut [u8; OP_SIZE]) {
    OpMasks::default().encode(op, out);
}

/// A bit mask of the bytes of instructions with `tag` that hold the tag or a field: a byte is
/// a field byte exactly when changing it changes the decoded instruction, since every field is
/// a plain integer and `PartialEq` compares all fields. Found by decoding, so it never reads
/// padding.
fn field_bytes(tag: u16) -> u16 {
    let mut base = [0u8; OP_SIZE];
    base[..2].copy_from_slice(&tag.to_le_bytes());
    let reference = read_op(&base);
    let mut mask = 0b11;
    for i in 2..OP_SIZE {
        let mut probe = base;
        probe[i] = 0xff;
        if read_op(&probe) != reference {
            mask |= 1 << i;
        }
    }
    mask
}

/// Recomputes the checksum of an image after its bytes were edited (tools and fuzzers that
/// want to reach the checks behind the checksum). Does nothing to bytes shorter than a header.
pub fn reseal(image: &mut [u8]) {
    if image.len() >= HEADER_LEN {
        let crc = image_crc(image);
        image[20..24].copy_from_slice(&crc.to_le_bytes());
    }
}

/// CRC-32 (IEEE 802.3, reflected) of `image` with its checksum field read as zero. Four bits at
/// a time through a 16-entry table: 64 bytes of flash, a quarter of the bitwise loop's work.
fn image_crc(image: &[u8]) -> u32 {
    let mut crc = !0u32;
    for (i, &byte) in image.iter().enumerate() {
        let byte = if (20..24).contains(&i) { 0 } else { byte };
        crc ^= u32::from(byte);
        crc = (crc >> 4) ^ CRC_NIBBLES[(crc & 0xf) as usize];
        crc = (crc >> 4) ^ CRC_NIBBLES[(crc & 0xf) as usize];
    }
    !crc
}

/// The CRC-32 of each 4-bit value, for [`image_crc`].
const CRC_NIBBLES: [u32; 16] = {
    let mut table = [0u32; 16];
    let mut n: u32 = 0;
    while n < 16 {
        let mut crc = n;
        let mut bit = 0;
        while bit < 4 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            bit += 1;
        }
        table[n as usize] = crc;
        n += 1;
    }
    table
};
