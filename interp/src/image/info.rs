//! The module-information section of an image: everything about a module except its code.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use mote_core::module::{
    Bytes, ConstExpr, ConstOp, DataMode, DataSegment, ElemItems, ElemMode, ElemSegment, Export,
    ExternKind, FuncNames, Import, ModuleInfo, Name, PACKED_ENTRY,
};
use mote_core::{
    Error, FuncType, GlobalType, MemoryType, Message, Mutability, RefType, TableType, ValType,
};

use super::cursor::{Reader, Writer};

/// Writes `info`; data segment bytes go to `data` and are named by their offset there.
pub(super) fn write(info: &ModuleInfo, w: &mut Writer, data: &mut Writer) -> Result<(), Error> {
    w.len(info.types.len())?;
    for ty in &info.types {
        w.len(ty.params().len())?;
        w.len(ty.results().len())?;
        for &v in ty.params().iter().chain(ty.results()) {
            w.u8(val_code(v));
        }
    }
    w.len(info.imports.len())?;
    for import in &info.imports {
        w.str(&import.module)?;
        w.str(&import.name)?;
        w.u8(kind_code(import.kind));
        w.u32(import.index);
    }
    w.len(info.funcs.len())?;
    // 4-byte aligned in the image (the section is), so the loader uses it in place.
    w.align4();
    for &ty in info.funcs.iter() {
        w.u32(ty);
    }
    for n in [
        info.imported_funcs,
        info.imported_tables,
        info.imported_memories,
        info.imported_globals,
    ] {
        w.u32(n);
    }
    w.len(info.tables.len())?;
    for t in &info.tables {
        w.u8(ref_code(t.element));
        w.u64(t.minimum);
        option_u64(w, t.maximum);
        w.bool(t.table64);
    }
    w.len(info.table_inits.len())?;
    for init in &info.table_inits {
        w.bool(init.is_some());
        if let Some(expr) = init {
            const_expr(w, expr)?;
        }
    }
    w.len(info.memories.len())?;
    for m in &info.memories {
        w.u64(m.minimum);
        option_u64(w, m.maximum);
        w.u8(m.page_size_log2);
        w.bool(m.memory64);
        w.bool(m.shared);
    }
    w.len(info.globals.len())?;
    for g in &info.globals {
        w.u8(val_code(g.content));
        w.bool(g.mutability == Mutability::Var);
    }
    w.len(info.global_inits.len())?;
    for init in &info.global_inits {
        const_expr(w, init)?;
    }
    w.len(info.exports.len())?;
    for export in &info.exports {
        w.str(&export.name)?;
        w.u8(kind_code(export.kind));
        w.u32(export.index);
    }
    // The exports in order of name: the loader proves the names unique by checking that this
    // is a permutation along which the names strictly increase.
    let mut by_name: Vec<usize> = (0..info.exports.len()).collect();
    by_name.sort_by(|&a, &b| info.exports[a].name.cmp(&info.exports[b].name));
    for i in by_name {
        w.len(i)?;
    }
    w.bool(info.start.is_some());
    w.u32(info.start.unwrap_or(0));
    w.len(info.elems.len())?;
    for segment in &info.elems {
        match &segment.mode {
            ElemMode::Active { table, offset } => {
                w.u8(0);
                w.u32(*table);
                const_expr(w, offset)?;
            }
            ElemMode::Passive => w.u8(1),
            ElemMode::Declared => w.u8(2),
        }
        w.u8(ref_code(segment.ty));
        match &segment.items {
            ElemItems::Funcs(funcs) => {
                w.u8(0);
                w.len(funcs.len())?;
                for &f in funcs.iter() {
                    w.u32(f);
                }
            }
            ElemItems::Exprs(exprs) => {
                w.u8(1);
                w.len(exprs.len())?;
                for expr in exprs.iter() {
                    const_expr(w, expr)?;
                }
            }
        }
    }
    w.len(info.datas.len())?;
    for segment in &info.datas {
        match &segment.mode {
            DataMode::Active { memory, offset } => {
                w.u8(0);
                w.u32(*memory);
                const_expr(w, offset)?;
            }
            DataMode::Passive => w.u8(1),
        }
        w.len(data.position())?;
        w.len(segment.bytes.len())?;
        data.bytes.extend_from_slice(&segment.bytes);
    }
    w.bool(info.name.is_some());
    w.str(info.name.as_deref().unwrap_or(""))?;
    // Function names as their packed table, read in place by the loader.
    let (count, table) = info.func_names.as_packed();
    w.len(count)?;
    w.len(table.len())?;
    w.bytes.extend_from_slice(table);
    Ok(())
}

fn option_u64(w: &mut Writer, v: Option<u64>) {
    w.bool(v.is_some());
    w.u64(v.unwrap_or(0));
}

fn const_expr(w: &mut Writer, expr: &ConstExpr) -> Result<(), Error> {
    w.len(expr.ops.len())?;
    for op in expr.ops.iter() {
        match *op {
            ConstOp::I32Const(v) => {
                w.u8(0);
                w.u32(v.cast_unsigned());
            }
            ConstOp::I64Const(v) => {
                w.u8(1);
                w.u64(v.cast_unsigned());
            }
            ConstOp::F32Const(bits) => {
                w.u8(2);
                w.u32(bits);
            }
            ConstOp::F64Const(bits) => {
                w.u8(3);
                w.u64(bits);
            }
            ConstOp::RefNull(ty) => {
                w.u8(4);
                w.u8(ref_code(ty));
            }
            ConstOp::RefFunc(f) => {
                w.u8(5);
                w.u32(f);
            }
            ConstOp::GlobalGet(g) => {
                w.u8(6);
                w.u32(g);
            }
            ConstOp::I32Add => w.u8(7),
            ConstOp::I32Sub => w.u8(8),
            ConstOp::I32Mul => w.u8(9),
            ConstOp::I64Add => w.u8(10),
            ConstOp::I64Sub => w.u8(11),
            ConstOp::I64Mul => w.u8(12),
        }
    }
    Ok(())
}

const VAL_TYPES: [ValType; 6] = [
    ValType::I32,
    ValType::I64,
    ValType::F32,
    ValType::F64,
    ValType::FuncRef,
    ValType::ExternRef,
];

fn val_code(v: ValType) -> u8 {
    match v {
        ValType::I32 => 0,
        ValType::I64 => 1,
        ValType::F32 => 2,
        ValType::F64 => 3,
        ValType::FuncRef => 4,
        ValType::ExternRef => 5,
    }
}

fn ref_code(r: RefType) -> u8 {
    match r {
        RefType::FuncRef => 0,
        RefType::ExternRef => 1,
    }
}

fn kind_code(k: ExternKind) -> u8 {
    match k {
        ExternKind::Func => 0,
        ExternKind::Table => 1,
        ExternKind::Memory => 2,
        ExternKind::Global => 3,
    }
}

/// How the loader keeps what it reads from image bytes that live for `'a`: in place (`'a` is
/// `'static`: the image stays in flash) or as copies on the heap.
pub(super) struct Keep<'a> {
    /// Imports', exports' and the module's names.
    pub(super) name: fn(&'a str) -> Name,
    /// Data segments' bytes.
    pub(super) bytes: fn(&'a [u8]) -> Bytes,
    /// The packed table of function names (`FuncNames::packed`).
    pub(super) func_names: fn(usize, &'a [u8]) -> Result<FuncNames, Message>,
    /// An array of little-endian `u32`s (`None` when it cannot be used in place).
    /// `Err(None)` when they cannot be used in place, `Err(Some(_))` when copying them failed.
    pub(super) u32s: fn(&'a [u8]) -> Result<Words, Option<Error>>,
}

impl Keep<'static> {
    /// Everything stays in the image.
    pub(super) const IN_PLACE: Keep<'static> = Keep {
        name: Name::from_static,
        bytes: Bytes::from_static,
        func_names: FuncNames::packed,
        u32s: |bytes| super::u32s_in_place(bytes).map(Cow::Borrowed).ok_or(None),
    };
}

impl<'a> Keep<'a> {
    /// Everything is copied to the heap.
    pub(super) fn copied() -> Keep<'a> {
        Keep {
            name: Name::from,
            bytes: Bytes::from,
            func_names: FuncNames::copied,
            u32s: |bytes| {
                let words = bytes.chunks_exact(4);
                let mut copied = Vec::new();
                reserve(&mut copied, words.len()).map_err(Some)?;
                copied.extend(words.map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])));
                Ok(Cow::Owned(copied))
            },
        }
    }
}

/// An array of `u32`s, in the image or copied.
pub(super) type Words = Cow<'static, [u32]>;

/// Reads what [`write`] wrote into `info` (a default one), with data segments in `data`.
/// Every value is range-checked here or by [`ModuleInfo::check`] afterwards. The reader's
/// errors are sticky, so the reads below need no error branches: the first problem is reported
/// at the end. Not inlined, so its temporaries leave the stack before the checks run.
#[inline(never)]
pub(super) fn read<'a>(
    r: &mut Reader<'a>,
    data: &'a [u8],
    keep: &Keep<'a>,
    info: &mut ModuleInfo,
) -> Result<(), Error> {
    let n = r.count(8);
    reserve(&mut info.types, n)?;
    for _ in 0..n {
        let params = r.count(1);
        let results = r.count(1);
        let all = try_collect(params.saturating_add(results), || val_type(r))?;
        let (p, res) = all.split_at(params.min(all.len()));
        info.types
            .push(FuncType::new(p.iter().copied(), res.iter().copied()));
    }
    let n = r.count(13);
    reserve(&mut info.imports, n)?;
    for _ in 0..n {
        let module = (keep.name)(r.str());
        let name = (keep.name)(r.str());
        let kind = extern_kind(r);
        let index = r.u32();
        info.imports.push(Import {
            module,
            name,
            kind,
            index,
        });
    }
    let n = r.count(4);
    r.align4();
    let funcs = r.take(n.saturating_mul(4));
    info.funcs = match (keep.u32s)(funcs) {
        Ok(funcs) => funcs,
        Err(Some(out_of_memory)) => return Err(out_of_memory),
        Err(None) => {
            r.fail("function types: not 4-byte aligned");
            Cow::Borrowed(&[])
        }
    };
    info.imported_funcs = r.u32();
    info.imported_tables = r.u32();
    info.imported_memories = r.u32();
    info.imported_globals = r.u32();
    let n = r.count(19);
    reserve(&mut info.tables, n)?;
    for _ in 0..n {
        let element = ref_type(r);
        let minimum = r.u64();
        let maximum = read_option_u64(r);
        let table64 = r.bool();
        info.tables.push(TableType {
            element,
            minimum,
            maximum,
            table64,
        });
    }
    let n = r.count(1);
    reserve(&mut info.table_inits, n)?;
    for _ in 0..n {
        let init = r.bool().then(|| read_const(r));
        info.table_inits.push(init);
    }
    let n = r.count(20);
    reserve(&mut info.memories, n)?;
    for _ in 0..n {
        let minimum = r.u64();
        let maximum = read_option_u64(r);
        let page_size_log2 = r.u8();
        let memory64 = r.bool();
        let shared = r.bool();
        info.memories.push(MemoryType {
            minimum,
            maximum,
            page_size_log2,
            memory64,
            shared,
        });
    }
    let n = r.count(2);
    reserve(&mut info.globals, n)?;
    for _ in 0..n {
        let content = val_type(r);
        let mutability = if r.bool() {
            Mutability::Var
        } else {
            Mutability::Const
        };
        info.globals.push(GlobalType::new(content, mutability));
    }
    let n = r.count(4);
    info.global_inits = try_collect(n, || read_const(r))?;
    let n = r.count(9);
    reserve(&mut info.exports, n)?;
    for _ in 0..n {
        let name = (keep.name)(r.str());
        let kind = extern_kind(r);
        let index = r.u32();
        info.exports.push(Export { name, kind, index });
    }
    check_export_names(r, &info.exports)?;
    let has_start = r.bool();
    let start = r.u32();
    info.start = has_start.then_some(start);
    let n = r.count(7);
    reserve(&mut info.elems, n)?;
    for _ in 0..n {
        let mode = match r.code(3, "element segment mode") {
            0 => ElemMode::Active {
                table: r.u32(),
                offset: read_const(r),
            },
            1 => ElemMode::Passive,
            _ => ElemMode::Declared,
        };
        let ty = ref_type(r);
        let items = if r.code(2, "element segment items") == 0 {
            let n = r.count(4);
            ElemItems::Funcs(try_collect(n, || r.u32())?.into_boxed_slice())
        } else {
            let n = r.count(4);
            ElemItems::Exprs(try_collect(n, || read_const(r))?.into_boxed_slice())
        };
        info.elems.push(ElemSegment { mode, ty, items });
    }
    let n = r.count(9);
    reserve(&mut info.datas, n)?;
    for _ in 0..n {
        let mode = if r.code(2, "data segment mode") == 0 {
            DataMode::Active {
                memory: r.u32(),
                offset: read_const(r),
            }
        } else {
            DataMode::Passive
        };
        let start = r.u32() as usize;
        let len = r.u32() as usize;
        let bytes = match start.checked_add(len).and_then(|end| data.get(start..end)) {
            Some(bytes) => (keep.bytes)(bytes),
            None => {
                r.fail("data segment outside the data section");
                Bytes::empty()
            }
        };
        info.datas.push(DataSegment { mode, bytes });
    }
    let has_name = r.bool();
    let name = r.str();
    info.name = has_name.then(|| (keep.name)(name));
    let count = r.count(PACKED_ENTRY);
    let table_len = r.count(1);
    let table_at = r.position();
    let table = r.take(table_len);
    r.finish()?;
    info.func_names = (keep.func_names)(count, table).map_err(|e| Error::bad_image(e, table_at))?;
    Ok(())
}

/// Reads the permutation of the exports by name that [`write`] put after them, and checks that
/// the names strictly increase along it: so they are unique, in linear time.
fn check_export_names(r: &mut Reader<'_>, exports: &[Export]) -> Result<(), Error> {
    let mut seen = try_collect(exports.len(), || false)?;
    let mut previous: Option<&str> = None;
    for _ in 0..exports.len() {
        let i = r.u32() as usize;
        let fresh = seen
            .get_mut(i)
            .is_some_and(|s| !core::mem::replace(s, true));
        if !fresh {
            r.fail("exports by name: not a permutation");
            return Ok(());
        }
        let name = &*exports[i].name;
        if previous.is_some_and(|p| p >= name) {
            r.fail("export names: duplicates (or out of order)");
            return Ok(());
        }
        previous = Some(name);
    }
    Ok(())
}

/// Reserves room for `n` more items, or reports the allocation that failed: `n` is bounded by
/// the image's size (`Reader::count`), but a device's heap can still be smaller than what a
/// large image asks for, and that must be an error, not an abort.
pub(super) fn reserve<T>(v: &mut Vec<T>, n: usize) -> Result<(), Error> {
    v.try_reserve_exact(n)
        .map_err(|_| Error::out_of_memory(n.saturating_mul(size_of::<T>()) as u64))
}

/// Collects `n` items made by `next` into a vector allocated fallibly (see [`reserve`]).
pub(super) fn try_collect<T>(n: usize, mut next: impl FnMut() -> T) -> Result<Vec<T>, Error> {
    let mut v = Vec::new();
    reserve(&mut v, n)?;
    for _ in 0..n {
        v.push(next());
    }
    Ok(v)
}

fn read_option_u64(r: &mut Reader<'_>) -> Option<u64> {
    let present = r.bool();
    let value = r.u64();
    present.then_some(value)
}

fn val_type(r: &mut Reader<'_>) -> ValType {
    VAL_TYPES[usize::from(r.code(6, "value type"))]
}

fn ref_type(r: &mut Reader<'_>) -> RefType {
    [RefType::FuncRef, RefType::ExternRef][usize::from(r.code(2, "reference type"))]
}

fn extern_kind(r: &mut Reader<'_>) -> ExternKind {
    [
        ExternKind::Func,
        ExternKind::Table,
        ExternKind::Memory,
        ExternKind::Global,
    ][usize::from(r.code(4, "import or export kind"))]
}

fn read_const(r: &mut Reader<'_>) -> ConstExpr {
    let n = r.count(1);
    let mut ops = Vec::new();
    if ops.try_reserve_exact(n).is_err() {
        // Sticky like the reader's other errors: the load fails at its end.
        r.fail("not enough memory for a constant expression");
        return ConstExpr { ops: ops.into() };
    }
    ops.extend(
        (0..n).map(|_| match r.code(13, "constant expression instruction") {
            0 => ConstOp::I32Const(r.u32().cast_signed()),
            1 => ConstOp::I64Const(r.u64().cast_signed()),
            2 => ConstOp::F32Const(r.u32()),
            3 => ConstOp::F64Const(r.u64()),
            4 => ConstOp::RefNull(ref_type(r)),
            5 => ConstOp::RefFunc(r.u32()),
            6 => ConstOp::GlobalGet(r.u32()),
            7 => ConstOp::I32Add,
            8 => ConstOp::I32Sub,
            9 => ConstOp::I32Mul,
            10 => ConstOp::I64Add,
            11 => ConstOp::I64Sub,
            _ => ConstOp::I64Mul,
        }),
    );
    ConstExpr {
        ops: ops.into_boxed_slice(),
    }
}
