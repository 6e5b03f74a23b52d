//! Decoding with `wasmparser`: each section is validated, then converted to [`ModuleInfo`];
//! each function body goes to the backend's translator together with its validator, so a body
//! is never translated before it is validated.

use alloc::boxed::Box;
use alloc::vec::Vec;

use wasmparser::{
    BinaryReaderError, CompositeInnerType, Parser, Payload, ValidPayload, Validator, WasmFeatures,
};

use super::{
    Bytes, ConstExpr, ConstOp, DataMode, DataSegment, ElemItems, ElemMode, ElemSegment, Export,
    ExternKind, FuncNames, Import, ModuleInfo, count_u32,
};
use crate::config::{Config, Features};
use crate::engine::{CompiledCode, Engine, ModuleTranslator};
use crate::error::Error;
use crate::types::{FuncType, GlobalType, MemoryType, Mutability, RefType, TableType, ValType};

/// The `wasmparser` feature set for our [`Features`]; proposals we do not implement stay off.
pub(crate) fn wasm_features(features: &Features) -> WasmFeatures {
    let mut f = WasmFeatures::GC_TYPES;
    let flags = [
        (features.floats, WasmFeatures::FLOATS),
        (features.mutable_global, WasmFeatures::MUTABLE_GLOBAL),
        (features.sign_extension, WasmFeatures::SIGN_EXTENSION),
        (
            features.saturating_float_to_int,
            WasmFeatures::SATURATING_FLOAT_TO_INT,
        ),
        (features.multi_value, WasmFeatures::MULTI_VALUE),
        (features.bulk_memory, WasmFeatures::BULK_MEMORY),
        (features.reference_types, WasmFeatures::REFERENCE_TYPES),
        (features.custom_page_sizes, WasmFeatures::CUSTOM_PAGE_SIZES),
        (features.memory64, WasmFeatures::MEMORY64),
        (features.multi_memory, WasmFeatures::MULTI_MEMORY),
        (features.tail_call, WasmFeatures::TAIL_CALL),
        (features.extended_const, WasmFeatures::EXTENDED_CONST),
    ];
    for (on, flag) in flags {
        if on {
            f |= flag;
        }
    }
    f
}

fn malformed(e: BinaryReaderError) -> Error {
    Error::malformed(e.message(), e.offset())
}

fn invalid(e: BinaryReaderError) -> Error {
    Error::invalid(e.message(), e.offset())
}

/// Validates `bytes` without translating.
pub(crate) fn validate_only(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
    let features = wasm_features(&engine.config().features);
    let mut validator = Validator::new_with_features(features);
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut allocations = wasmparser::FuncValidatorAllocations::default();
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(malformed)?;
        if let ValidPayload::Func(to_validate, body) =
            validator.payload(&payload).map_err(invalid)?
        {
            let mut func = to_validate.into_validator(core::mem::take(&mut allocations));
            func.validate(&body).map_err(invalid)?;
            allocations = func.into_allocations();
        }
    }
    Ok(())
}

/// Decodes, validates and translates a module.
pub(crate) fn decode_and_translate(
    engine: &Engine,
    bytes: &[u8],
) -> Result<(ModuleInfo, CompiledCode), Error> {
    engine.check_backend_support()?;
    let config = engine.config();
    let features = wasm_features(&config.features);
    let mut validator = Validator::new_with_features(features);
    let mut info = ModuleInfo::default();
    let mut translator: Option<Box<dyn ModuleTranslator>> = None;
    let mut allocations = wasmparser::FuncValidatorAllocations::default();
    let mut next_func = 0u32;

    // The parser decodes some encodings differently per feature (reserved zero bytes, LEB
    // widths), so it must know the enabled set, not just the validator.
    let mut parser = Parser::new(0);
    parser.set_features(features);
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(malformed)?;
        let valid = validator.payload(&payload).map_err(invalid)?;
        if let ValidPayload::Func(to_validate, body) = valid {
            let func_validator = to_validate.into_validator(core::mem::take(&mut allocations));
            if translator.is_none() {
                translator = Some(engine.backend().new_translator(config, &info)?);
            }
            let func_index = info.imported_funcs + next_func;
            if let Some(t) = translator.as_mut() {
                t.translate_function(&info, func_index, body, func_validator)
                    .map_err(|e| e.in_function(func_index, info.func_name(func_index)))?;
                allocations = t.take_validator_allocations();
            }
            next_func += 1;
            continue;
        }
        decode_section(&mut info, payload, config)?;
    }
    let translator = match translator {
        Some(t) => t,
        None => engine.backend().new_translator(config, &info)?,
    };
    let code = translator.finish(&info)?;
    Ok((info, code))
}

fn decode_section(
    info: &mut ModuleInfo,
    payload: Payload<'_>,
    config: &Config,
) -> Result<(), Error> {
    match payload {
        Payload::TypeSection(reader) => {
            for group in reader {
                for sub in group.map_err(malformed)?.into_types() {
                    match &sub.composite_type.inner {
                        CompositeInnerType::Func(ft) => {
                            let params = convert_val_types(ft.params())?;
                            let results = convert_val_types(ft.results())?;
                            info.types.push(FuncType::new(params, results));
                        }
                        _ => {
                            return Err(Error::unsupported(
                                "non-function types (GC proposal)",
                                None,
                            ));
                        }
                    }
                }
            }
        }
        Payload::ImportSection(reader) => {
            for import in reader.into_imports() {
                let import = import.map_err(malformed)?;
                let (kind, index) = match import.ty {
                    wasmparser::TypeRef::Func(ty) => {
                        info.funcs.to_mut().push(ty);
                        info.imported_funcs += 1;
                        (ExternKind::Func, info.funcs.len() - 1)
                    }
                    wasmparser::TypeRef::Table(t) => {
                        info.tables.push(convert_table_type(t)?);
                        info.imported_tables += 1;
                        (ExternKind::Table, info.tables.len() - 1)
                    }
                    wasmparser::TypeRef::Memory(m) => {
                        info.memories.push(convert_memory_type(m)?);
                        info.imported_memories += 1;
                        (ExternKind::Memory, info.memories.len() - 1)
                    }
                    wasmparser::TypeRef::Global(g) => {
                        info.globals.push(convert_global_type(g)?);
                        info.imported_globals += 1;
                        (ExternKind::Global, info.globals.len() - 1)
                    }
                    _ => {
                        return Err(Error::unsupported(
                            "tag imports (exceptions proposal)",
                            None,
                        ));
                    }
                };
                info.imports.push(Import {
                    module: import.module.into(),
                    name: import.name.into(),
                    kind,
                    index: count_u32(index, "imports")?,
                });
            }
        }
        Payload::FunctionSection(reader) => {
            for ty in reader {
                info.funcs.to_mut().push(ty.map_err(malformed)?);
            }
        }
        Payload::TableSection(reader) => {
            for table in reader {
                let table = table.map_err(malformed)?;
                info.tables.push(convert_table_type(table.ty)?);
                info.table_inits.push(match table.init {
                    wasmparser::TableInit::RefNull => None,
                    wasmparser::TableInit::Expr(expr) => Some(convert_const_expr(&expr)?),
                });
            }
        }
        Payload::MemorySection(reader) => {
            for memory in reader {
                info.memories
                    .push(convert_memory_type(memory.map_err(malformed)?)?);
            }
        }
        Payload::GlobalSection(reader) => {
            for global in reader {
                let global = global.map_err(malformed)?;
                info.globals.push(convert_global_type(global.ty)?);
                info.global_inits
                    .push(convert_const_expr(&global.init_expr)?);
            }
        }
        Payload::ExportSection(reader) => {
            for export in reader {
                let export = export.map_err(malformed)?;
                let kind = match export.kind {
                    wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                        ExternKind::Func
                    }
                    wasmparser::ExternalKind::Table => ExternKind::Table,
                    wasmparser::ExternalKind::Memory => ExternKind::Memory,
                    wasmparser::ExternalKind::Global => ExternKind::Global,
                    wasmparser::ExternalKind::Tag => {
                        return Err(Error::unsupported(
                            "tag exports (exceptions proposal)",
                            None,
                        ));
                    }
                };
                info.exports.push(Export {
                    name: export.name.into(),
                    kind,
                    index: export.index,
                });
            }
        }
        Payload::StartSection { func, .. } => info.start = Some(func),
        Payload::ElementSection(reader) => {
            for elem in reader {
                let elem = elem.map_err(malformed)?;
                let mode = match elem.kind {
                    wasmparser::ElementKind::Passive => ElemMode::Passive,
                    wasmparser::ElementKind::Declared => ElemMode::Declared,
                    wasmparser::ElementKind::Active {
                        table_index,
                        offset_expr,
                    } => ElemMode::Active {
                        table: table_index.unwrap_or(0),
                        offset: convert_const_expr(&offset_expr)?,
                    },
                };
                let (ty, items) = match elem.items {
                    wasmparser::ElementItems::Functions(funcs) => {
                        let funcs = funcs
                            .into_iter()
                            .collect::<Result<Vec<u32>, _>>()
                            .map_err(malformed)?;
                        (RefType::FuncRef, ElemItems::Funcs(funcs.into_boxed_slice()))
                    }
                    wasmparser::ElementItems::Expressions(ty, exprs) => {
                        let mut items = Vec::new();
                        for expr in exprs {
                            items.push(convert_const_expr(&expr.map_err(malformed)?)?);
                        }
                        (
                            convert_ref_type(ty)?,
                            ElemItems::Exprs(items.into_boxed_slice()),
                        )
                    }
                };
                info.elems.push(ElemSegment { mode, ty, items });
            }
        }
        Payload::DataSection(reader) => {
            for data in reader {
                let data = data.map_err(malformed)?;
                let mode = match data.kind {
                    wasmparser::DataKind::Passive => DataMode::Passive,
                    wasmparser::DataKind::Active {
                        memory_index,
                        offset_expr,
                    } => DataMode::Active {
                        memory: memory_index,
                        offset: convert_const_expr(&offset_expr)?,
                    },
                };
                info.datas.push(DataSegment {
                    mode,
                    bytes: Bytes::from(data.data),
                });
            }
        }
        // Only the name section is read (by name, not `as_known`, which would bring in the
        // readers of every custom section wasmparser knows: flash on a device).
        Payload::CustomSection(reader) if reader.name() == "name" => {
            let data = wasmparser::BinaryReader::new(reader.data(), reader.data_offset());
            // Names are only for messages: a broken name section is ignored, as the
            // specification requires for custom sections.
            read_names(info, wasmparser::NameSectionReader::new(data));
        }
        Payload::TagSection(_) => {
            return Err(Error::unsupported("tags (exceptions proposal)", None));
        }
        _ => {}
    }
    let _ = config;
    Ok(())
}

fn read_names(info: &mut ModuleInfo, names: wasmparser::NameSectionReader<'_>) {
    for name in names {
        match name {
            Ok(wasmparser::Name::Module { name, .. }) => info.name = Some(name.into()),
            Ok(wasmparser::Name::Function(map)) => {
                let names = map.into_iter().flatten().map(|n| (n.index, n.name));
                // The specification lists names in increasing order of index; a subsection
                // that does not is malformed, and ignored like the rest of a bad name section.
                info.func_names = FuncNames::from_sorted(names).unwrap_or_default();
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

fn convert_val_types(types: &[wasmparser::ValType]) -> Result<Vec<ValType>, Error> {
    types.iter().map(|t| convert_val_type(*t)).collect()
}

/// Converts a value type, refusing those of proposals we do not implement.
pub fn convert_val_type(ty: wasmparser::ValType) -> Result<ValType, Error> {
    Ok(match ty {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => return Err(Error::unsupported("v128 (SIMD proposal)", None)),
        wasmparser::ValType::Ref(r) => convert_ref_type(r)?.val_type(),
    })
}

fn convert_ref_type(ty: wasmparser::RefType) -> Result<RefType, Error> {
    if ty == wasmparser::RefType::FUNCREF {
        Ok(RefType::FuncRef)
    } else if ty == wasmparser::RefType::EXTERNREF {
        Ok(RefType::ExternRef)
    } else {
        Err(Error::unsupported(
            "reference types other than funcref and externref (function-references or GC \
             proposal)",
            None,
        ))
    }
}

fn convert_table_type(t: wasmparser::TableType) -> Result<TableType, Error> {
    if t.shared {
        return Err(Error::unsupported("shared tables", None));
    }
    Ok(TableType {
        element: convert_ref_type(t.element_type)?,
        minimum: t.initial,
        maximum: t.maximum,
        table64: t.table64,
    })
}

fn convert_memory_type(m: wasmparser::MemoryType) -> Result<MemoryType, Error> {
    let page_size_log2 = m.page_size_log2.unwrap_or(16);
    Ok(MemoryType {
        minimum: m.initial,
        maximum: m.maximum,
        page_size_log2: u8::try_from(page_size_log2)
            .map_err(|_| Error::unsupported("page size", None))?,
        memory64: m.memory64,
        shared: m.shared,
    })
}

fn convert_global_type(g: wasmparser::GlobalType) -> Result<GlobalType, Error> {
    if g.shared {
        return Err(Error::unsupported("shared globals", None));
    }
    Ok(GlobalType {
        content: convert_val_type(g.content_type)?,
        mutability: if g.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        },
    })
}

fn convert_const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, Error> {
    let mut ops = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read().map_err(malformed)?;
        ops.push(match op {
            wasmparser::Operator::I32Const { value } => ConstOp::I32Const(value),
            wasmparser::Operator::I64Const { value } => ConstOp::I64Const(value),
            wasmparser::Operator::F32Const { value } => ConstOp::F32Const(value.bits()),
            wasmparser::Operator::F64Const { value } => ConstOp::F64Const(value.bits()),
            wasmparser::Operator::RefNull { hty } => ConstOp::RefNull(match hty {
                wasmparser::HeapType::FUNC => RefType::FuncRef,
                wasmparser::HeapType::EXTERN => RefType::ExternRef,
                _ => return Err(Error::unsupported("typed references", Some(offset))),
            }),
            wasmparser::Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            wasmparser::Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            wasmparser::Operator::I32Add => ConstOp::I32Add,
            wasmparser::Operator::I32Sub => ConstOp::I32Sub,
            wasmparser::Operator::I32Mul => ConstOp::I32Mul,
            wasmparser::Operator::I64Add => ConstOp::I64Add,
            wasmparser::Operator::I64Sub => ConstOp::I64Sub,
            wasmparser::Operator::I64Mul => ConstOp::I64Mul,
            wasmparser::Operator::End => break,
            _ => {
                return Err(Error::unsupported(
                    "instruction in constant expression",
                    Some(offset),
                ));
            }
        });
    }
    Ok(ConstExpr {
        ops: ops.into_boxed_slice(),
    })
}
